"""Directives: `kb:item` (an entry of a review or issue) and the view placeholders."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import contract, model
from .nodes import kb_item, view

logger = logging.getLogger(__name__)


def comma_list(argument: str | None) -> list[str]:
    """'a, b' (or the YAML-looking '[a, b]') -> ['a', 'b']."""
    text = (argument or "").strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [part.strip().strip("'\"") for part in text.split(",") if part.strip()]


def item_kind(argument: str | None) -> str:
    value = (argument or "").strip()
    if value not in model.ITEM_KINDS:
        raise ValueError(
            f"unknown item kind {value!r}{model.suggest(value, model.ITEM_KINDS)} "
            f"(kinds: {', '.join(model.ITEM_KINDS)})"
        )
    return value


def http_url(argument: str | None) -> str:
    try:
        return contract.check_url(argument or "")
    except model.FrontMatterError as err:
        raise ValueError(str(err)) from None


def anchor_id(argument: str | None) -> str:
    value = (argument or "").strip()
    if not value or model.slugify(value) != value:
        raise ValueError(f"write the id in lower case with hyphens, e.g. {model.slugify(value)!r}")
    return value


def topic_reference(name: str, docname: str) -> addnodes.pending_xref:
    """A link to a topic page, resolved at write time like the kb:topic role."""
    # kb_generated: an unknown topic here is reported once, by the graph, with its line
    return addnodes.pending_xref(
        "", nodes.inline("", name), refdomain="kb", reftype="topic", reftarget=name,
        refdoc=docname, refexplicit=False, refwarn=False, kb_generated=True)


class ItemDirective(SphinxDirective):
    """One item: a title (the argument), a kind, topics, a link, and a body.

    The node it returns is a standard `container` (so every builder renders it)
    carrying the item's fields as attributes; `listeners.collect_page` turns those
    into an `ItemRecord` when the document has been read.
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
                title, ", ".join(model.ITEM_KINDS),
                location=self.get_location(), type="kb", subtype="item",
            )
        anchor = self.options.get("id") or model.slugify(title)
        kind = self.options.get("kind", "article")
        topics = self.options.get("topics", [])
        url = self.options.get("url")

        item = kb_item(classes=["kb-item", f"kb-kind-{kind}"])
        self.set_source_info(item)
        item["kb_item"] = True
        item["kb_title"] = title
        item["kb_kind"] = kind
        item["kb_topics"] = topics
        item["kb_url"] = url or ""
        item["kb_anchor"] = anchor
        if "topics" in option_lines:
            item["kb_topics_line"] = option_lines["topics"]
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
            for index, name in enumerate(topics):
                if index:
                    meta += nodes.Text(", ")
                meta += topic_reference(name, self.env.docname)
        item += meta
        item += self.parse_content_to_nodes(allow_section_headings=False)
        discussed = self.options.get("cites", [])
        if discussed:
            # as cite roles, so sphinxcontrib-bibtex lists and links these works too
            item += self.parse_text_to_nodes(
                f"Discusses {{cite:p}}`{','.join(discussed)}`.", offset=self.content_offset)
        return [item]


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
    """Place a generated view here; subclasses say which (`key`)."""

    key = ""
    option_spec = {"limit": directives.positive_int}

    def view_key(self) -> str:
        return self.key

    def run(self) -> list[nodes.Node]:
        node = view(self.view_key(), self.env.docname)
        self.set_source_info(node)
        return [node]


class TopicsOverviewDirective(ViewDirective):
    """The topic hierarchy, with the number of entries under each topic."""

    key = "overview"


class BusiestTopicsDirective(ViewDirective):
    """The topics with the most entries (`:limit:`, default 8)."""

    def view_key(self) -> str:
        return f"busiest:{self.options.get('limit', 8)}"


class NewestDirective(ViewDirective):
    """The newest reviews and issues (`:limit:`, default 5), with their summaries."""

    def view_key(self) -> str:
        return f"newest:{self.options.get('limit', 5)}"


class AuthorIndexDirective(ViewDirective):
    """Every author of a cited work, with their works and the pages that discuss them."""

    key = "authors"


class TimelineDirective(ViewDirective):
    """Every review and issue, oldest first, dated at the precision known."""

    key = "timeline"


class ArchiveDirective(ViewDirective):
    """Reviews and issues by year (no argument), or one series in order (its slug)."""

    optional_arguments = 1
    option_spec = {}

    def view_key(self) -> str:
        if not self.arguments:
            return "archive-year"
        series = self.arguments[0].strip()
        if series not in self.config.kb_series:
            logger.warning("unknown series %r%s; define it in kb_series in conf.py", series,
                           model.suggest(series, self.config.kb_series),
                           location=self.get_location(), type="kb", subtype="series")
        return f"series:{series}"
