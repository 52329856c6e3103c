"""Read time: each page's front matter and items become records in the domain.

1. `source-read`: the YAML front matter is parsed with its types and lines
   (frontmatter.py), while the source text is at hand.
2. The page is parsed; each `kb:item` directive records its `ItemRecord`
   (directives.py).
3. `doctree-read` (`collect_page`): the front matter is checked against the
   contract (contract.py) into a `PageRecord`; the line under the title and the
   placeholders of the page's generated views are added; the page's kb references,
   citations and excerpts (excerpts.py: its first paragraph and each item's) are
   gathered; all of it goes to the domain in one `PageData`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..model import contract, frontmatter, records
from ..views.nodes import joined, kb_item, kb_view, view
from .config import kb_config
from .directives import ITEMS, cited_keys, topic_reference
from .domain import kb_domain
from .domain_data import PageData
from .excerpts import collect_excerpts

logger = logging.getLogger(__name__)
FRONT_MATTER = "kb_front_matter"  # env.current_document key, from source-read to doctree-read


def warn(message: str, docname: str, line: int | None, subtype: str) -> None:
    logger.warning(message, location=(docname, line), type="kb", subtype=subtype)


def stash_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """Parse the YAML front matter (types and lines kept) while the text is at hand."""
    if app.env.doc2path(docname).suffix == ".md":
        app.env.current_document[FRONT_MATTER] = frontmatter.load(source[0])


def collect_page(app: Sphinx, doctree: nodes.document) -> None:
    """Turn the parsed page into records in the domain (runs before the title collector)."""
    env = app.env
    docname = env.docname
    fm: frontmatter.FrontMatter = (env.current_document.pop(FRONT_MATTER, None)
                                   or frontmatter.FrontMatter())
    if fm.error:
        warn(fm.error, docname, fm.error_line, "front_matter")
    for message, line in fm.problems:
        warn(message, docname, line, "front_matter")
    series = kb_config(app.config).series
    title_node = _first_title(doctree)
    title = title_node.astext() if title_node is not None else docname
    page, problems = contract.read_front_matter(docname, title, fm.data, fm.lines, series)
    for problem in problems:
        warn(problem.message, docname, problem.line, problem.subtype)
    if page is not None and "title" in fm.data and page.title != title:
        if title_node is not None:
            # the front-matter title overrides the first heading, as the contract says
            title_node.children = []
            title_node += nodes.Text(page.title)
        else:
            warn("the page has no heading for its title to replace; add a '# Heading'",
                 docname, fm.lines.get("title"), "front_matter")

    items: list[records.ItemRecord] = env.current_document.pop(ITEMS, [])
    # a page whose front matter is broken or names a misspelt kind was reported
    # already; don't also tell its items they are on the wrong kind of page
    kind_unknown = page is None and (fm.error is not None or "kind" in fm.data)
    if not kind_unknown and (page is None or page.kind not in ("review", "newsletter")):
        for item in items:
            warn("kb:item entries belong on review and newsletter pages; "
                 "give this page kind: review or kind: newsletter", docname, item.line, "item")
    _set_item_heading_levels(doctree)
    if page is not None and title_node is not None:
        position = title_node.parent.index(title_node) + 1
        title_node.parent.insert(position, page_details(page, series, docname))
        title_node.parent.insert(position, nodes.target("", "", ids=[records.PAGE_ANCHOR]))
    _place_views(doctree, docname, page, kb_config(app.config).charts)

    xrefs = list(doctree.findall(addnodes.pending_xref))
    # a page without a kind (the home page, the topics overview) is navigation: its links
    # to topics and pages are not mentions, so they are kept out of the backlinks
    navigation = page is None or page.kind is None
    references = [
        records.Reference(docname, _enclosing_item(node), node["reftype"], node["reftarget"],
                          node.line, navigation or bool(node.get("kb_generated")))
        for node in xrefs if node.get("refdomain") == "kb"
    ]
    citations = [
        records.Citation(docname, _enclosing_item(node), key, node.line)
        for node in xrefs if node.get("refdomain") == "cite"
        for key in cited_keys(node)
    ]
    views = [node["key"] for node in doctree.findall(kb_view)]
    # ordinary pages are recorded too (kind None), so a backlink from one shows its title
    record = page or records.PageRecord(docname, None, title)
    kb_domain(env).note_page(docname, PageData(record, items, references, views, citations,
                                               collect_excerpts(doctree)))


def _first_title(doctree: nodes.document) -> nodes.title | None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        return section[0]
    return None


def _ancestors(node: nodes.Node) -> Iterator[nodes.Element]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _enclosing_item(node: nodes.Node) -> str:
    """The anchor of the item `node` is in, or "" for the page's own text."""
    for ancestor in _ancestors(node):
        if isinstance(ancestor, kb_item):
            return ancestor["kb_anchor"]
    return ""


def _set_item_heading_levels(doctree: nodes.document) -> None:
    """An item's title is a heading one level below the section it is in."""
    for item in doctree.findall(kb_item):
        depth = sum(1 for ancestor in _ancestors(item) if isinstance(ancestor, nodes.section))
        item[0]["heading-level"] = min(6, max(depth, 1) + 1)


def _place_views(doctree: nodes.document, docname: str, page: records.PageRecord | None,
                 charts: bool) -> None:
    """The views every page of a kind shows: listings (after a trend chart), series links,
    related pages, backlinks."""
    if page is None:
        return
    body = next(iter(doctree.findall(nodes.section)), None) or doctree
    if page.kind == "topic":
        if charts:
            body += view("trend", page.slug, docname)
        body += view("listing", page.slug, docname)
        body += view("topic-backlinks", page.slug, docname)
        return
    for item in doctree.findall(kb_item):
        item += view("item-backlinks", f"{docname}#{item['kb_anchor']}", docname)
    for kind in ("references", "series-nav", "related", "backlinks"):
        body += view(kind, docname, docname)


def page_details(page: records.PageRecord, series: Mapping[str, records.Series],
                 docname: str) -> nodes.Element:
    """The line under a page's title: kind, series, date, authors, source; then topics."""
    parts: list[list[nodes.Node]] = []
    if page.kind == "topic":
        parts.append([nodes.Text("Topic")])
        if page.parent:
            parts.append([nodes.Text("part of "), topic_reference(page.parent.name, docname)])
        if page.aliases:
            parts.append([nodes.Text("also known as " + ", ".join(page.aliases))])
    else:
        kind = "Newsletter issue" if page.kind == "newsletter" else "Year review"
        if page.kind == "review" and page.year:
            kind = f"Review of {page.year}"
        parts.append([nodes.Text(kind)])
        if page.series and page.series in series:
            info = series[page.series]
            label = f"{info.name}, issue {page.issue}" if page.issue else info.name
            parts.append([nodes.reference("", label, refuri=info.url)] if info.url
                         else [nodes.Text(label)])
        if page.date:
            parts.append([nodes.Text(f"published {page.date.display()}"
                                     + (" (day unknown)" if page.date.day is None else ""))])
        if page.authors:
            parts.append([nodes.Text("by " + ", ".join(page.authors))])
        if page.source:
            parts.append([nodes.reference("", "original", refuri=page.source)])
    box = nodes.container(classes=["kb-page-details"])
    box += nodes.paragraph("", "", *joined(parts, " · "), classes=["kb-page-meta"])
    if page.topics:
        topics = nodes.paragraph(classes=["kb-page-topics"])
        topics += nodes.Text("Topics: ")
        topics.extend(joined(([topic_reference(ref.name, docname)] for ref in page.topics), ", "))
        box += topics
    return box


def setup_reading(app: Sphinx) -> None:
    app.connect("source-read", stash_front_matter)
    # before Sphinx's title collector (priority 500), so a front-matter title counts
    app.connect("doctree-read", collect_page, priority=400)
