"""The generated views, each named by a key such as 'listing:gans' or 'related:<docname>'.

A view renders to standard docutils nodes from the knowledge graph. The same
rendering, with links written as plain 'docname#anchor' targets, is what the
env-updated handler fingerprints, so a page is rewritten exactly when what one of
its views shows has changed.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from docutils import nodes

from .model import Entry, KnowledgeGraph, PageRecord, Paper

# make_link(todocname, anchor or None, child nodes) -> reference node
LinkMaker = Callable[[str, str | None, list[nodes.Node]], nodes.Node]
Renderer = Callable[[KnowledgeGraph, str, str, LinkMaker], list[nodes.Node]]


def plain_link(todocname: str, anchor: str | None, children: list[nodes.Node]) -> nodes.Node:
    """A link maker independent of the page it is on, for fingerprints."""
    target = f"{todocname}#{anchor}" if anchor else todocname
    return nodes.reference("", "", *children, refuri=target)


def fingerprint(graph: KnowledgeGraph, key: str) -> str:
    """What the view shows, as text (papers included: their labels and entries).

    The two views that grow with the site (a topic's listing, a page's related
    pages) are described by the data they are rendered from, which is much cheaper
    than rendering them; the others are rendered with page-independent links.
    """
    kind, _, argument = key.partition(":")
    if kind == "listing" and argument in graph.topics:
        return repr((graph.topics[argument].title, [graph.topics[s].title for s in graph.descendants(argument)],
                     [(e.docname, e.anchor, e.title, e.kind, e.page_title, e.date, e.position,
                       [_paper_shown(graph, k) for k in e.cites]) for e in graph.listing(argument)]))
    if kind == "related":
        return repr([(doc, _page_shown(graph.pages[doc]), [graph.topics[s].title for s in shared])
                     for doc, shared in graph.related(argument)])
    return nodes.container("", *render(graph, key, "", plain_link)).pformat()


def _paper_shown(graph: KnowledgeGraph, key: str) -> tuple:
    paper = graph.papers.get(key)
    return (key, paper.label, paper.docname, paper.anchor) if paper else (key,)


def _page_shown(page: PageRecord) -> tuple:
    return (page.title, page.kind, page.date)


def render(graph: KnowledgeGraph, key: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    kind, _, argument = key.partition(":")
    renderer = RENDERERS.get(kind)
    return renderer(graph, argument, docname, link) if renderer else []


# -- building blocks ------------------------------------------------------------------


def _heading(text: str, level: int, classes: list[str]) -> nodes.rubric:
    heading = nodes.rubric(text, text, classes=classes)
    heading["heading-level"] = level
    return heading


# An anchor of this form names a paper's entry in the bibliography: the link maker
# turns it into a link that also works in LaTeX, where the entries are \bibitems.
PAPER = "paper:"


def _citations(graph: KnowledgeGraph, keys: tuple[str, ...], link: LinkMaker) -> nodes.inline:
    """'[Jumper et al., 2021; Evans et al., 2021]', each linked to its entry.

    Written directly rather than as cite roles: sphinxcontrib-bibtex resolves each of
    those by scanning every citation, and the generated views would add thousands.
    """
    box = nodes.inline(classes=["kb-citations"])
    box += nodes.Text("[")
    for index, key in enumerate(keys):
        if index:
            box += nodes.Text("; ")
        paper = graph.papers.get(key)
        if paper is None:
            box += nodes.Text(key)  # unknown key: reported where it is cited
        else:
            box += link(paper.docname, PAPER + paper.anchor, [nodes.Text(paper.label)])
    box += nodes.Text("]")
    return box


def _bullets(paragraphs: list[nodes.paragraph], classes: list[str]) -> nodes.bullet_list:
    bullets = nodes.bullet_list(classes=classes)
    for para in paragraphs:
        bullets += nodes.list_item("", para)
    return bullets


def _page_line(page: PageRecord, link: LinkMaker) -> nodes.paragraph:
    """'Title (newsletter), October 2021'."""
    para = nodes.paragraph()
    para += link(page.docname, None, [nodes.Text(page.title)])
    para += nodes.Text(f" ({page.kind})")
    if page.date:
        para += nodes.Text(f", {page.date.display()}")
    return para


def _entry_paragraph(graph: KnowledgeGraph, entry: Entry, link: LinkMaker) -> nodes.paragraph:
    para = nodes.paragraph()
    para += link(entry.docname, entry.anchor or None, [nodes.Text(entry.title)])
    if entry.anchor:
        para += nodes.Text(f" ({entry.kind}), in ")
        para += link(entry.docname, None, [nodes.emphasis("", entry.page_title)])
    else:
        para += nodes.Text(f" ({entry.kind})")
    if entry.date:
        para += nodes.Text(f", {entry.date.display()}")
    if entry.cites:
        para += nodes.Text(". Cites ")
        para += _citations(graph, entry.cites, link)
    return para


def _topic_links(graph: KnowledgeGraph, slugs: list[str], link: LinkMaker) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for index, slug in enumerate(slugs):
        if index:
            out.append(nodes.Text(", "))
        out.append(link(graph.topics[slug].docname, None, [nodes.Text(graph.topics[slug].title)]))
    return out


def _count(n: int) -> str:
    return f"{n} {'entry' if n == 1 else 'entries'}"


# -- topic views ------------------------------------------------------------------


def render_listing(graph: KnowledgeGraph, slug: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    box = nodes.container(classes=["kb-topic-listing"])
    if slug not in graph.topics:
        return [box]
    entries = graph.listing(slug)
    topic = graph.topics[slug]
    box += _heading(f"Everything on {topic.title}", 2, ["kb-listing-title"])
    subtopics = graph.descendants(slug)[1:]
    intro = nodes.paragraph(classes=["kb-listing-summary"])
    intro += nodes.Text(f"{_count(len(entries))} across the knowledge base"
                        + (", including the subtopics " if subtopics else ", newest first."))
    if subtopics:
        intro.extend(_topic_links(graph, subtopics, link))
        intro += nodes.Text("; newest first.")
    box += intro
    for year, group in groupby(entries, key=lambda e: e.date.year if e.date else None):
        box += _heading(str(year) if year else "Undated", 3, ["kb-listing-year"])
        box += _bullets([_entry_paragraph(graph, e, link) for e in group], ["kb-listing"])
    return [box]


def render_overview(graph: KnowledgeGraph, _: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    def branch(slugs: list[str]) -> nodes.bullet_list:
        bullets = nodes.bullet_list(classes=["kb-topic-tree"])
        for slug in slugs:
            para = nodes.paragraph()
            para += link(graph.topics[slug].docname, None, [nodes.Text(graph.topics[slug].title)])
            para += nodes.Text(f" ({_count(graph.count(slug))})")
            item = nodes.list_item("", para)
            if graph.children(slug):
                item += branch(graph.children(slug))
            bullets += item
        return bullets

    box = nodes.container(classes=["kb-topics-overview"])
    if graph.topics:
        box += branch(graph.roots())
    return [box]


def render_busiest(graph: KnowledgeGraph, limit: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    paras = []
    for slug in graph.busiest_topics(int(limit or 8)):
        para = nodes.paragraph()
        para += link(graph.topics[slug].docname, None, [nodes.Text(graph.topics[slug].title)])
        para += nodes.Text(f" ({_count(graph.count(slug))})")
        paras.append(para)
    return [_bullets(paras, ["kb-busiest-topics"])]


# -- archives -----------------------------------------------------------------------


def render_archive_by_year(graph: KnowledgeGraph, _: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    box = nodes.container(classes=["kb-archive", "kb-archive-year"])
    pages = list(reversed(graph.dated_pages()))  # newest first
    for year, group in groupby(pages, key=lambda p: p.date.year if p.date else None):
        box += _heading(str(year) if year else "Undated", 2, ["kb-archive-year-title"])
        box += _bullets([_page_line(p, link) for p in group], ["kb-archive-list"])
    return [box]


def render_timeline(graph: KnowledgeGraph, _: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    paras = []
    for page in graph.dated_pages():  # oldest first: a timeline reads forward
        para = nodes.paragraph()
        para += nodes.strong("", page.date.display() if page.date else "Undated")
        para += nodes.Text(": ")
        para += link(page.docname, None, [nodes.Text(page.title)])
        para += nodes.Text(f" ({page.kind})")
        paras.append(para)
    return [_bullets(paras, ["kb-timeline"])]


def render_series_archive(graph: KnowledgeGraph, series: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    paras = []
    for doc in graph.by_series.get(series, []):
        page = graph.pages[doc]
        para = _page_line(page, link)
        if page.issue is not None:
            para.insert(0, nodes.Text(f"#{page.issue}: "))
        paras.append(para)
    return [_bullets(paras, ["kb-archive-series"])]


def render_newest(graph: KnowledgeGraph, limit: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    pages = list(reversed(graph.dated_pages()))[: int(limit or 5)]
    paras = []
    for page in pages:
        para = _page_line(page, link)
        if page.summary:
            para += nodes.Text(f". {page.summary}")
        paras.append(para)
    return [_bullets(paras, ["kb-newest"])]


# -- around a page ---------------------------------------------------------------------


def render_series_nav(graph: KnowledgeGraph, doc: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    previous, following = graph.series_neighbours(doc)
    if previous is None and following is None:
        return []
    para = nodes.paragraph(classes=["kb-series-nav"])
    if previous:
        para += nodes.Text("Previous in the series: ")
        para += link(previous, None, [nodes.Text(graph.pages[previous].title)])
    if previous and following:
        para += nodes.Text(" · ")
    if following:
        para += nodes.Text("Next in the series: ")
        para += link(following, None, [nodes.Text(graph.pages[following].title)])
    return [para]


def render_related(graph: KnowledgeGraph, doc: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    related = graph.related(doc)
    if not related:
        return []
    box = nodes.container(classes=["kb-related"])
    box += _heading("Related pages", 2, ["kb-related-title"])
    paras = []
    for other, shared in related:
        para = _page_line(graph.pages[other], link)
        para += nodes.Text(f", sharing {len(shared)} topic{'s' if len(shared) > 1 else ''}: ")
        para.extend(_topic_links(graph, shared, link))
        paras.append(para)
    box += _bullets(paras, ["kb-related-list"])
    return [box]


def _backlink_paragraphs(
    graph: KnowledgeGraph, sources: list[tuple[str, str]], link: LinkMaker,
) -> list[nodes.paragraph]:
    paras = []
    for source, anchor in sources:
        page = graph.pages.get(source)
        page_title = page.title if page else source
        para = nodes.paragraph()
        item = next((i for i in graph.items.get(source, []) if i.anchor == anchor), None)
        if item is not None:
            para += link(source, anchor, [nodes.Text(item.title)])
            para += nodes.Text(", in ")
            para += link(source, None, [nodes.emphasis("", page_title)])
        else:
            para += link(source, None, [nodes.Text(page_title)])
        paras.append(para)
    return paras


def render_backlinks(graph: KnowledgeGraph, key: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    """What links here: for a topic ('topic:<slug>'), the references to it; for a review
    or an issue ('<docname>'), the references to the page or to any of its items."""
    if key.startswith("topic:"):
        sources = graph.backlinks(key.removeprefix("topic:"))
        if not sources:
            return []
    else:
        found = set(graph.backlinks(key))
        for item in graph.items.get(key, []):
            found.update(graph.backlinks(f"{key}#{item.anchor}"))
        sources = sorted(s for s in found if s[0] != key)
    box = nodes.container(classes=["kb-backlinks"])
    box += _heading("Referenced from", 2, ["kb-backlinks-title"])
    if sources:
        box += _bullets(_backlink_paragraphs(graph, sources, link), ["kb-backlinks-list"])
    else:
        box += nodes.paragraph("", "No other page references this one yet.")
    return [box]


def render_item_backlinks(graph: KnowledgeGraph, key: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    paras = _backlink_paragraphs(graph, graph.backlinks(key), link)
    if not paras:
        return []
    para = nodes.paragraph(classes=["kb-item-backlinks"])
    para += nodes.Text("Mentioned in: ")
    for index, source in enumerate(paras):
        if index:
            para += nodes.Text("; ")
        para.extend(source.children)
    return [para]


# -- references ----------------------------------------------------------------------


def _source_links(graph: KnowledgeGraph, sources: list[tuple[str, str]], link: LinkMaker) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for index, para in enumerate(_backlink_paragraphs(graph, sources, link)):
        if index:
            out.append(nodes.Text("; "))
        out.extend(para.children)
    return out


def discussed_in(graph: KnowledgeGraph, paper: Paper, link: LinkMaker) -> nodes.paragraph:
    para = nodes.paragraph(classes=["kb-discussed-in"])
    para += nodes.Text("Discussed in: ")
    para.extend(_source_links(graph, graph.cited_by(paper.key), link))
    return para


def _identifier(paper: Paper) -> list[nodes.Node]:
    found = paper.link
    return [nodes.reference("", found[0], refuri=found[1])] if found else []


def render_page_references(graph: KnowledgeGraph, doc: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    """The works this page cites, each once, A to Z by first author."""
    papers = [graph.papers[k] for k in graph.cited_on(doc) if k in graph.papers]
    if not papers:
        return []
    papers.sort(key=lambda p: (p.authors[0].name.casefold() if p.authors else "", p.year or 0))
    box = nodes.container(classes=["kb-page-references"])
    box += _heading("References", 2, ["kb-page-references-title"])
    paras = []
    for paper in papers:
        para = nodes.paragraph()
        para += nodes.Text(paper.text + " ")
        para += _citations(graph, (paper.key,), link)
        paras.append(para)
    box += _bullets(paras, ["kb-page-references-list"])
    return [box]


def render_paper_index(graph: KnowledgeGraph, _: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    """What the paper index adds to the bibliography (see bibliography.decorate_paper_index)."""
    return [discussed_in(graph, paper, link) for _, group in graph.papers_by_year() for paper in group]


def render_authors(graph: KnowledgeGraph, _: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    box = nodes.container(classes=["kb-author-index"])
    people = graph.authors()
    for letter, group in groupby(people, key=lambda person: person[0].name[:1].upper()):
        box += _heading(letter, 2, ["kb-author-letter"])
        rows = []
        for author, papers in group:
            para = nodes.paragraph(classes=["kb-author"])
            para += nodes.strong("", author.name)
            para += nodes.Text(f" ({len(papers)} {'work' if len(papers) == 1 else 'works'}): ")
            for index, paper in enumerate(papers):
                if index:
                    para += nodes.Text("; ")
                para += link(paper.docname, PAPER + paper.anchor, [nodes.emphasis("", paper.title)])
                if paper.year:
                    para += nodes.Text(f" ({paper.year})")
                sources = graph.cited_by(paper.key)
                if sources:
                    para += nodes.Text(", discussed in ")
                    pages = list(dict.fromkeys(doc for doc, _anchor in sources))
                    for n, doc in enumerate(pages):
                        if n:
                            para += nodes.Text(", ")
                        title = graph.pages[doc].title if doc in graph.pages else doc
                        para += link(doc, None, [nodes.Text(title)])
            rows.append(para)
        box += _bullets(rows, ["kb-author-list"])
    return [box]


RENDERERS: dict[str, Renderer] = {
    "references": render_page_references,
    "paper-index": render_paper_index,
    "authors": render_authors,
    "listing": render_listing,
    "overview": render_overview,
    "busiest": render_busiest,
    "archive-year": render_archive_by_year,
    "timeline": render_timeline,
    "series": render_series_archive,
    "newest": render_newest,
    "series-nav": render_series_nav,
    "related": render_related,
    "backlinks": render_backlinks,
    "item-backlinks": render_item_backlinks,
}
