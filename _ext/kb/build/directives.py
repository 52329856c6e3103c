"""Directives and roles: `kb:item` (an entry of a review or issue), the view
placeholders, and the reference roles (kb:topic, kb:item, kb:issue, kb:review)."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

# the cite roles' target syntax ("{pre}key{post},key2"), parsed their way
from ..compat.bibtex import parse_citation_targets
from ..model import contract, records
from ..views.data import ViewKey
from ..views.nodes import joined, kb_item, kb_view
from .config import kb_config

# where the items of the page being read are recorded (env.current_document)
ITEMS = "kb_items"

logger = logging.getLogger(__name__)


def comma_list(argument: str | None) -> list[str]:
    """'a, b' (or the YAML-looking '[a, b]') -> ['a', 'b']."""
    text = (argument or "").strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [part.strip().strip("'\"") for part in text.split(",") if part.strip()]


def item_kind(argument: str | None) -> str:
    value = (argument or "").strip()
    if value not in records.ITEM_KINDS:
        raise ValueError(
            f"unknown item kind {value!r}{records.suggest(value, records.ITEM_KINDS)} "
            f"(kinds: {', '.join(records.ITEM_KINDS)})"
        )
    return value


def http_url(argument: str | None) -> str:
    try:
        return contract.check_url(argument or "")
    except records.FrontMatterError as err:
        raise ValueError(str(err)) from None


def anchor_id(argument: str | None) -> str:
    value = (argument or "").strip()
    if not value or records.slugify(value) != value:
        raise ValueError(f"write the id in lower case with hyphens, e.g. {records.slugify(value)!r}")
    return value


def topic_reference(name: str, docname: str) -> addnodes.pending_xref:
    """A link to a topic page, resolved at write time like the kb:topic role."""
    # kb_generated: an unknown topic here is reported once, by the graph, with its line
    return addnodes.pending_xref(
        "", nodes.inline("", name), refdomain="kb", reftype="topic", reftarget=name,
        refdoc=docname, refexplicit=False, refwarn=False, kb_generated=True)


def cited_keys(node: nodes.Element) -> list[str]:
    """The keys of the cite roles in `node` (itself one, or containing some), in order."""
    keys: list[str] = []
    for ref in node.findall(addnodes.pending_xref):
        if ref.get("refdomain") != "cite":
            continue
        try:
            keys.extend(t.key for t in parse_citation_targets(ref["reftarget"]))
        except ValueError:
            continue  # sphinxcontrib-bibtex reports the malformed target itself
    return keys


class ItemDirective(SphinxDirective):
    """One item: a title (the argument), a kind, topics, a link, and a body.

    It renders the item as a `kb_item` container and records it as an
    `ItemRecord` in the page's read-time data (`env.current_document[ITEMS]`), which
    `reading.collect_page` hands to the domain once the page is read.
    """

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        "kind": item_kind,
        "topics": comma_list,
        "url": http_url,
        "id": anchor_id,
        "cites": comma_list,
    }

    def run(self) -> list[nodes.Node]:
        title = " ".join(self.arguments[0].split())
        option_lines = self._option_lines()
        # a :kind: that failed validation was dropped and reported by the parser
        if "kind" not in self.options and "kind" not in option_lines:
            logger.warning(
                "item %r has no :kind:; add one of: %s",
                title, ", ".join(records.ITEM_KINDS),
                location=self.get_location(), type="kb", subtype="item",
            )
        kind = self.options.get("kind", "article")
        topics = self.options.get("topics", [])
        url = self.options.get("url")
        # not "kb-item": Sphinx gives that class to every {kb:item} reference (its
        # `domain-role` class), and the card's border and padding would follow it inline
        item = kb_item(classes=["kb-item-card", f"kb-kind-{kind}"])
        self.set_source_info(item)
        anchor = self._unique_anchor(self.options.get("id") or records.slugify(title), item.line)
        item["kb_anchor"] = anchor
        item["ids"].append(anchor)

        # its heading level is set from the section depth once the page is read
        heading = nodes.rubric(classes=["kb-item-title"])
        if url:
            heading += nodes.reference("", title, refuri=url, classes=["kb-item-link"])
        else:
            heading += nodes.Text(title)
        item += heading

        meta = nodes.paragraph(classes=["kb-item-meta"])
        meta += nodes.inline("", kind.capitalize(), classes=["kb-item-kind"])
        if topics:
            meta += nodes.Text(" · Topics: ")
            meta.extend(joined(([topic_reference(name, self.env.docname)] for name in topics), ", "))
        item += meta
        item += self.parse_content_to_nodes(allow_section_headings=False)
        discussed = self.options.get("cites", [])
        if discussed:
            # as cite roles, so sphinxcontrib-bibtex lists and links these works too;
            # a line the extension wrote, so never the item's excerpt (excerpts.py)
            line = self.parse_text_to_nodes(
                f"Discusses {{cite:p}}`{','.join(discussed)}`.", offset=self.content_offset)
            for node in line:
                node["classes"].append("kb-item-discusses")
            item += line

        topics_line = option_lines.get("topics", item.line)
        self.env.current_document.setdefault(ITEMS, []).append(records.ItemRecord(
            docname=self.env.docname, anchor=anchor, title=title, kind=kind,
            topics=tuple(records.TopicRef(name, topics_line) for name in topics),
            cites=tuple(dict.fromkeys(cited_keys(item))), url=url, line=item.line))
        return [item]

    def _unique_anchor(self, anchor: str, line: int | None) -> str:
        """The anchor, or a free variant of it if an earlier item of the page has it."""
        taken = {record.anchor for record in self.env.current_document.get(ITEMS, ())}
        if anchor not in taken:
            return anchor
        unique = next(f"{anchor}-{n}" for n in range(2, 10**6) if f"{anchor}-{n}" not in taken)
        logger.warning(f"two items on this page have the anchor {anchor!r}; give this one "
                       f":id: {unique} (or another unique id)",
                       location=(self.env.docname, line), type="kb", subtype="item")
        return unique

    def _option_lines(self) -> dict[str, int]:
        """Source line of each `:name:` option as written (validated or not)."""
        found: dict[str, int] = {}
        for offset, text in enumerate((self.block_text or "").splitlines()[1:], start=1):
            stripped = text.strip()
            if not stripped.startswith(":"):
                break
            name = stripped[1:].split(":", 1)[0]
            found[name] = self.lineno + offset
        return found


class ViewDirective(SphinxDirective):
    """Place a generated view here; subclasses say which (`kind`, and `argument()`)."""

    kind = ""
    option_spec = {"limit": directives.positive_int}

    def argument(self) -> str:
        return ""

    def key(self) -> ViewKey:
        return ViewKey(self.kind, self.argument())

    def run(self) -> list[nodes.Node]:
        node = kb_view(key=self.key(), docname=self.env.docname)
        self.set_source_info(node)
        return [node]


class TopicsOverviewDirective(ViewDirective):
    """The topic hierarchy, with the number of entries under each topic."""

    kind = "overview"


class BusiestTopicsDirective(ViewDirective):
    """The topics with the most entries (`:limit:`, default 8)."""

    kind = "busiest"

    def argument(self) -> str:
        return str(self.options.get("limit", 8))


class NewestDirective(ViewDirective):
    """The newest reviews and issues (`:limit:`, default 5), with their summaries."""

    kind = "newest"

    def argument(self) -> str:
        return str(self.options.get("limit", 5))


class AuthorIndexDirective(ViewDirective):
    """Every author of a cited work, with their works and the pages that discuss them."""

    kind = "authors"


class TimelineDirective(ViewDirective):
    """Every review and issue, oldest first, dated at the precision known."""

    kind = "timeline"


class ArchiveDirective(ViewDirective):
    """Reviews and issues by year (no argument), or one series in order (its slug)."""

    optional_arguments = 1
    option_spec = {}

    def key(self) -> ViewKey:
        if not self.arguments:
            return ViewKey("archive-year")
        series = self.arguments[0].strip()
        known = kb_config(self.config).series
        if series not in known:
            logger.warning("unknown series %r%s; define it in kb_series in conf.py", series,
                           records.suggest(series, known),
                           location=self.get_location(), type="kb", subtype="series")
        return ViewKey("series", series)


def setup_directives(app: Sphinx) -> None:
    for name, directive in (
        ("item", ItemDirective),
        ("topics-overview", TopicsOverviewDirective),
        ("busiest-topics", BusiestTopicsDirective),
        ("newest", NewestDirective),
        ("timeline", TimelineDirective),
        ("archive", ArchiveDirective),
        ("author-index", AuthorIndexDirective),
    ):
        app.add_directive_to_domain("kb", name, directive)
    for role in ("topic", "item", "issue", "review"):
        app.add_role_to_domain("kb", role, XRefRole())
