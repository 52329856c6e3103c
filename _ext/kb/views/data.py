"""What each generated view shows, as plain data: the one source of a view's content.

Pure Python. A view is named by a `ViewKey` (its kind and argument). Its data
function turns the graph into tuples of strings and `Link`s; the renderer
(render.py) turns that data, and only that, into nodes, and the fingerprint that
decides whether a page must be rewritten (schedule.py) is a digest of the same
data. So what a page shows and what its fingerprint covers cannot drift apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from itertools import groupby
from typing import Any, NamedTuple

from ..model.graph import KnowledgeGraph
from ..model.papers import first_author
from ..model.records import Entry, PageRecord, Paper

# An anchor of this form names a paper's entry in the bibliography: the link maker
# turns it into a link that also works in LaTeX, where the entries are \bibitems.
PAPER = "paper:"


class ViewKey(NamedTuple):
    """Which view a placeholder shows: `kind` (see VIEWS) and its `argument`."""

    kind: str
    argument: str = ""


class Link(NamedTuple):
    """A link to a page (`anchor` ""), an item, or a paper's entry (`anchor` 'paper:<id>').

    `docname` "" is no link: the text alone (an unknown citation key)."""

    docname: str
    anchor: str
    text: str


class PageLine(NamedTuple):
    """'Title (newsletter), October 2021'."""

    link: Link
    kind: str
    date: str | None
    iso: str | None = None  # the date as ISO ('2021-10'), which a split list parts by (parts.py)


class Source(NamedTuple):
    """Where something is mentioned: an item (and its page), or a page's own text."""

    item: Link | None
    page: Link


class EntryRow(NamedTuple):
    """One row of a topic listing."""

    link: Link
    kind: str
    page: Link | None  # the item's page; None for a page that carries the topic itself
    date: str | None
    cites: tuple[Link, ...]
    iso: str | None = None  # the date as ISO, which a split listing parts by (parts.py)


# -- building blocks ----------------------------------------------------------------


def page_link(page: PageRecord) -> Link:
    return Link(page.docname, "", page.title)


def page_line(page: PageRecord) -> PageLine:
    return PageLine(page_link(page), page.kind or "page", page.date.display() if page.date else None,
                    page.date.iso() if page.date else None)


def topic_link(graph: KnowledgeGraph, slug: str) -> Link:
    topic = graph.taxonomy.topics[slug]
    return Link(topic.docname, "", topic.title)


def paper_link(graph: KnowledgeGraph, key: str) -> Link:
    """'Jumper et al., 2021', linked to its entry; an unknown key as text (reported elsewhere)."""
    paper = graph.papers.papers.get(key)
    return Link(paper.docname, PAPER + paper.anchor, paper.label) if paper else Link("", "", key)


def sources(graph: KnowledgeGraph, found: list[tuple[str, str]]) -> tuple[Source, ...]:
    rows = []
    for docname, anchor in found:
        page = Link(docname, "", graph.page_title(docname))
        item = graph.links.item(docname, anchor) if anchor else None
        rows.append(Source(Link(docname, anchor, item.title) if item else None, page))
    return tuple(rows)


def _year_groups(entries: list[Any], year: Callable[[Any], int | None]) -> list[tuple[str, list]]:
    return [(str(y) if y else "Undated", list(group)) for y, group in groupby(entries, key=year)]


def about_year(graph: KnowledgeGraph, entry: Entry) -> int | None:
    """The year an entry is about: its review's `year`, else its page's publication year."""
    page = graph.pages.get(entry.docname)
    if page is not None and page.kind == "review" and page.year:
        return page.year
    return entry.date.year if entry.date else None


# -- topic views ----------------------------------------------------------------------


def listing(graph: KnowledgeGraph, slug: str) -> tuple:
    """(title, subtopics, count, [(year, rows)]) of everything on a topic; () if none."""
    if slug not in graph.taxonomy.topics:
        return ()
    entries = graph.listings.listing(slug)

    def row(entry: Entry) -> EntryRow:
        page = Link(entry.docname, "", entry.page_title) if entry.anchor else None
        return EntryRow(Link(entry.docname, entry.anchor, entry.title), entry.kind, page,
                        entry.date.display() if entry.date else None,
                        tuple(paper_link(graph, key) for key in entry.cites),
                        entry.date.iso() if entry.date else None)

    # grouped under the year each entry is about (a review's year, an issue's date);
    # within a year, newest publication first, as the listing is sorted
    entries = sorted(entries, key=lambda e: -(about_year(graph, e) or 0))
    groups = _year_groups(entries, lambda e: about_year(graph, e))
    return (graph.taxonomy.title(slug),
            tuple(topic_link(graph, s) for s in graph.taxonomy.descendants(slug)[1:]),
            len(entries), tuple((year, tuple(row(e) for e in group)) for year, group in groups))


def overview(graph: KnowledgeGraph, _: str) -> tuple:
    """The topic tree: ((link, count, children), ...)."""
    def branch(slugs: list[str]) -> tuple:
        return tuple((topic_link(graph, s), graph.listings.count(s), branch(graph.taxonomy.children(s)))
                     for s in slugs)
    return branch(graph.taxonomy.roots)


def busiest(graph: KnowledgeGraph, limit: str) -> tuple:
    return tuple((topic_link(graph, s), graph.listings.count(s))
                 for s in graph.listings.by_size[: int(limit or 8)])


def _counts_by_year(graph: KnowledgeGraph, entries: list[Entry]) -> dict[int, list[int]]:
    """year -> [entries from year reviews, entries from newsletter issues] (dated entries)."""
    counts: dict[int, list[int]] = {}
    for entry in entries:
        year = about_year(graph, entry)
        page = graph.pages.get(entry.docname)
        if year is None or page is None or page.kind not in ("review", "newsletter"):
            continue
        counts.setdefault(year, [0, 0])[0 if page.kind == "review" else 1] += 1
    return counts


def _year_span(years: Any) -> list[int]:
    years = list(years)
    return list(range(min(years), max(years) + 1)) if years else []


def topic_trend(graph: KnowledgeGraph, slug: str) -> tuple:
    """(title, ((year, from reviews, from newsletters), ...)): the listing's entries per year.

    Counted as the listing groups them (the year each entry is about), every year
    from the first to the last, so a gap shows as zero; () for an unknown topic."""
    if slug not in graph.taxonomy.topics:
        return ()
    counts = _counts_by_year(graph, graph.listings.listing(slug))
    return (graph.taxonomy.title(slug),
            tuple((y, *counts.get(y, (0, 0))) for y in _year_span(counts)))


def topic_trends(graph: KnowledgeGraph, limit: str) -> tuple:
    """((year, ...), ((title, (entries per year, ...)), ...)) of the busiest topics."""
    slugs = [s for s in graph.listings.by_size[: int(limit or 6)] if graph.listings.count(s)]
    counts = {s: _counts_by_year(graph, graph.listings.listing(s)) for s in slugs}
    years = _year_span({y for found in counts.values() for y in found})
    return (tuple(years), tuple((graph.taxonomy.title(s), tuple(sum(counts[s].get(y, (0, 0)))
                                                                for y in years)) for s in slugs))


def topic_backlinks(graph: KnowledgeGraph, slug: str) -> tuple[Source, ...]:
    return sources(graph, graph.links.backlinks(slug))


# -- archives ---------------------------------------------------------------------------


def archive_by_year(graph: KnowledgeGraph, _: str) -> tuple:
    pages = list(reversed(graph.catalogue.dated))  # newest first
    groups = _year_groups(pages, lambda p: p.date.year if p.date else None)
    return tuple((year, tuple(page_line(p) for p in group)) for year, group in groups)


def timeline(graph: KnowledgeGraph, _: str) -> tuple[PageLine, ...]:
    return tuple(page_line(p) for p in graph.catalogue.dated)  # oldest first: reads forward


def series_archive(graph: KnowledgeGraph, series: str) -> tuple:
    return tuple((graph.pages[doc].issue, page_line(graph.pages[doc]))
                 for doc in graph.catalogue.by_series.get(series, []))


def newest(graph: KnowledgeGraph, limit: str) -> tuple:
    pages = list(reversed(graph.catalogue.dated))[: int(limit or 5)]
    return tuple((page_line(p), p.summary) for p in pages)


# -- around a page ------------------------------------------------------------------------


def series_nav(graph: KnowledgeGraph, docname: str) -> tuple:
    """(previous, next) in the page's series, each a Link or None; () if neither."""
    found = graph.catalogue.neighbours(docname)
    if found == (None, None):
        return ()
    return tuple(page_link(graph.pages[doc]) if doc else None for doc in found)


def related(graph: KnowledgeGraph, docname: str) -> tuple:
    return tuple((page_line(graph.pages[doc]), tuple(topic_link(graph, s) for s in shared))
                 for doc, shared in graph.links.related(docname))


def page_backlinks(graph: KnowledgeGraph, docname: str) -> tuple[Source, ...]:
    return sources(graph, graph.links.backlinks_of_page(docname))


def item_backlinks(graph: KnowledgeGraph, key: str) -> tuple[Source, ...]:
    return sources(graph, graph.links.backlinks(key))


# -- references -------------------------------------------------------------------------


def _first_author(paper: Paper) -> str:
    return paper.authors[0].name.casefold() if paper.authors else ""


def page_references(graph: KnowledgeGraph, docname: str) -> tuple:
    """The works a page cites, each once, A to Z by first author: ((text, link), ...)."""
    found = graph.papers.papers
    papers = sorted((found[k] for k in graph.papers.cited_on(docname) if k in found),
                    key=lambda p: (_first_author(p), p.year or 0))
    return tuple((p.text, paper_link(graph, p.key)) for p in papers)


def paper_index(graph: KnowledgeGraph, _: str) -> tuple:
    """((year, ((entry id, discussed in, first author, reference length), ...)), ...): the
    order, what each entry adds, the name a year split into parts is parted by and what
    its reference weighs (parts.py)."""
    return tuple((str(year or "Undated"),
                  tuple((p.anchor, sources(graph, graph.papers.cited_by(p.key)), first_author(p),
                         len(p.text)) for p in group))
                 for year, group in graph.papers.by_year())


def authors(graph: KnowledgeGraph, _: str) -> tuple:
    """((letter, ((anchor, name, ((work, year, (page, ...)), ...)), ...)), ...): one entry
    per person (model/people.py), with the anchor their id gives them."""
    def work(paper: Paper) -> tuple:
        pages = dict.fromkeys(doc for doc, _anchor in graph.papers.cited_by(paper.key))
        return (Link(paper.docname, PAPER + paper.anchor, paper.title), paper.year,
                tuple(Link(doc, "", graph.page_title(doc)) for doc in pages))

    people = graph.papers.authors()
    return tuple((letter, tuple((person.author.anchor, person.author.name,
                                 tuple(work(p) for p in person.works)) for person in group))
                 for letter, group in groupby(people, key=lambda p: p.author.name[:1].upper()))


VIEWS: dict[str, Callable[[KnowledgeGraph, str], Any]] = {
    "listing": listing,
    "overview": overview,
    "busiest": busiest,
    "topic-backlinks": topic_backlinks,
    "trend": topic_trend,
    "trends": topic_trends,
    "archive-year": archive_by_year,
    "timeline": timeline,
    "series": series_archive,
    "newest": newest,
    "series-nav": series_nav,
    "related": related,
    "backlinks": page_backlinks,
    "item-backlinks": item_backlinks,
    "references": page_references,
    "paper-index": paper_index,
    "authors": authors,
}


# What a volume of the book shows as the whole knowledge base has it (build/volumes.py): the
# views about the one page that shows them (its series neighbours, related pages, what
# references it and what it cites; a page of another volume is named with that volume), and
# the busiest topics' trend across the years on the topics overview, which one year's volume
# could not draw (the same drawing in every volume, drawn once). Every other view lists a
# collection, which a volume shows as far as it holds it.
AS_IN_THE_WHOLE = frozenset({"series-nav", "related", "backlinks", "item-backlinks",
                             "references", "trends"})
# What a volume leaves out: each topic's trend across the years. One year has no trend, and
# the whole knowledge base's, chart and table on every topic page, would be most of a small
# volume (80 of the 105 pages of a volume of two reviews, at 2,000 pages: docs/benchmark.md).
NOT_IN_A_VOLUME = frozenset({"trend"})


def view_data(graph: KnowledgeGraph, key: ViewKey) -> Any:
    """What the view `key` shows; the data are tuples of strings and numbers, so the graph
    keeps them for whoever asks next."""
    if key not in graph.view_memo:
        graph.view_memo[key] = VIEWS[key.kind](graph, key.argument)
    return graph.view_memo[key]


# the views whose data link to paper index entries (their `Link`s with a PAPER anchor): a
# listing's "Cites", the author index's works, a page's references
LINKS_PAPERS = frozenset({"listing", "authors", "references"})


def linked_papers(data: Any) -> set[str]:
    """The entry ids (`Paper.anchor`) a view's data links to."""
    found, stack = set(), [data]
    while stack:
        value = stack.pop()
        if isinstance(value, Link):
            if value.anchor.startswith(PAPER):
                found.add(value.anchor[len(PAPER):])
        elif isinstance(value, tuple):
            stack.extend(value)
    return found


def paper_pages_shown(data: Any, paper_pages: Mapping[str, str]) -> list[tuple[str, str]]:
    """(entry id, the page holding it) of each paper entry the data links to, where the
    paper index is split (`paper_pages`, PaperIndex.part_pages): where its links go."""
    if not paper_pages:
        return []
    return sorted((anchor, paper_pages[anchor]) for anchor in linked_papers(data)
                  if anchor in paper_pages)


def fingerprint(graph: KnowledgeGraph, key: ViewKey,
                paper_pages: Mapping[str, str] | None = None) -> str:
    """A digest of what the view shows (its data holds only strings, numbers and tuples),
    with the pages its links to papers go to, where the paper index is split."""
    data = view_data(graph, key)
    shown = repr(data)
    if paper_pages and key.kind in LINKS_PAPERS:
        shown += repr(paper_pages_shown(data, paper_pages))
    return hashlib.sha256(shown.encode()).hexdigest()
