"""Each view's data (data.py) rendered into standard docutils nodes, at write time.

Views hold only finished references (no pending ones), so nothing needs resolving
afterwards; translate.py calls these when the translator meets a view's placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from docutils import nodes

from ..outputs.chart_drawing import has_chart, trend_summary, trends_summary
from ..outputs.charts import kb_chart
from .blocks import (
    bullets,
    citations,
    count_entries,
    emphasised,
    heading,
    link_text,
    page_line,
    paragraph,
    source_line,
)
from .data import EntryRow, Link, PageLine, Source
from .linking import LinkMaker
from .nodes import joined
from .parts import Part, parted_by, slug

# -- topic views ----------------------------------------------------------------------


def _entry(row: EntryRow, make: LinkMaker) -> nodes.paragraph:
    para = paragraph(link_text(row.link, make))
    if row.page is not None:
        para += nodes.Text(f" ({row.kind}), in ")
        para.extend(emphasised(row.page, make))
    else:
        para += nodes.Text(f" ({row.kind})")
    if row.date:
        para += nodes.Text(f", {row.date}")
    if row.cites:
        para += nodes.Text(". Cites ")
        para += citations(row.cites, make)
    return para


YEAR_RULE = ("Each entry is listed under the year it is about: a year review's entries under "
             "the year reviewed, a newsletter issue's under the year it was published; the date "
             "shown is the publication date. Newest first.")


def render_listing(data: tuple, make: LinkMaker,
                   scope: str = "across the knowledge base") -> list[nodes.Node]:
    """A topic's listing; `scope` says what its count covers (a volume of the book counts
    only what it holds)."""
    box = nodes.container(classes=["kb-topic-listing"])
    if not data:
        return [box]
    title, subtopics, count, groups = data
    box += heading(f"Everything on {title}", 2, ["kb-listing-title"])
    intro = paragraph([nodes.Text(f"{count_entries(count)} {scope}"
                                   + (", including the subtopics " if subtopics else "."))],
                       ["kb-listing-summary"])
    if subtopics:
        intro.extend(joined((link_text(s, make) for s in subtopics), ", "))
        intro += nodes.Text(".")
    intro += nodes.Text(" " + YEAR_RULE)
    box += intro
    box.extend(render_listing_years(groups, make))
    return [box]


def render_listing_years(groups: tuple, make: LinkMaker) -> list[nodes.Node]:
    """A listing's years, each with its entries (a part of a split listing shows one)."""
    out: list[nodes.Node] = []
    for year, rows in groups:
        out += [heading(year, 3, ["kb-listing-year"]),
                bullets((_entry(row, make) for row in rows), ["kb-listing"])]
    return out


def render_overview(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    def branch(topics: tuple) -> nodes.bullet_list:
        bullets = nodes.bullet_list(classes=["kb-topic-tree"])
        for link, count, children in topics:
            item = nodes.list_item("", paragraph([*link_text(link, make), nodes.Text(f" ({count_entries(count)})")]))
            if children:
                item += branch(children)
            bullets += item
        return bullets

    box = nodes.container(classes=["kb-topics-overview"])
    if data:
        box += branch(data)
    return [box]


def render_busiest(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    return [bullets((paragraph([*link_text(link, make), nodes.Text(f" ({count_entries(count)})")])
                      for link, count in data), ["kb-busiest-topics"])]


def _table(caption: str, header: list[str], rows: list[list[str]], name: str) -> nodes.table:
    """A plain table of numbers, with a caption (`name`: its id and class)."""
    table = nodes.table(classes=["kb-chart-table", name], ids=[name])
    table += nodes.title(caption, caption)
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in header)

    def row(cells: list[str]) -> nodes.row:
        return nodes.row("", *(nodes.entry("", nodes.paragraph("", cell)) for cell in cells))

    group += nodes.thead("", row(header))
    group += nodes.tbody("", *(row(cells) for cells in rows))
    return table


def render_trend(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    """A topic's entries per year: the chart (charts.py draws it), and its numbers; entries
    of a single year, a sentence that says so."""
    if not data or not data[1]:
        return []
    title, years = data
    if not has_chart("trend", data):
        return [paragraph([nodes.Text(trend_summary(data)[1])], ["kb-trend-single"])]
    box = nodes.container(classes=["kb-chart-box", "kb-trend"])
    box += kb_chart(kind="trend", data=data)
    box += _table(f"Entries on {title} per year", ["Year", "Year reviews", "Newsletter issues"],
                  [[str(y), str(r), str(n)] for y, r, n in years], "kb-trend-numbers")
    return [box]


def render_trends(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    """The busiest topics' entries per year: the chart, and its numbers (entries of a single
    year: a sentence that says so, and the numbers)."""
    if not data or not data[0] or not data[1]:
        return []
    years, topics = data
    box = nodes.container(classes=["kb-chart-box", "kb-trends"])
    if has_chart("trends", data):
        box += kb_chart(kind="trends", data=data)
    else:
        box += paragraph([nodes.Text(trends_summary(data)[1])], ["kb-trends-single"])
    box += _table("Entries per year on the busiest topics", ["Topic", *map(str, years)],
                  [[title, *map(str, counts)] for title, counts in topics], "kb-trends-numbers")
    return [box]


# -- archives ---------------------------------------------------------------------------


def render_archive_by_year(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    box = nodes.container(classes=["kb-archive", "kb-archive-year"])
    for year, lines in data:
        box += heading(year, 2, ["kb-archive-year-title"])
        box += bullets((paragraph(page_line(line, make)) for line in lines), ["kb-archive-list"])
    return [box]


def render_timeline(data: tuple[PageLine, ...], make: LinkMaker) -> list[nodes.Node]:
    return [bullets((paragraph([nodes.strong("", line.date or "Undated"), nodes.Text(": "),
                                  *link_text(line.link, make), nodes.Text(f" ({line.kind})")])
                      for line in data), ["kb-timeline"])]


def render_series_archive(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    return [bullets((paragraph(([nodes.Text(f"#{issue}: ")] if issue is not None else [])
                                 + page_line(line, make)) for issue, line in data),
                     ["kb-archive-series"])]


def render_newest(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    return [bullets((paragraph(page_line(line, make)
                                 + ([nodes.Text(f". {summary}")] if summary else []))
                      for line, summary in data), ["kb-newest"])]


# -- around a page ------------------------------------------------------------------------


def render_series_nav(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    if not data:
        return []
    previous, following = data
    parts = []
    if previous:
        parts.append([nodes.Text("Previous in the series: "), *link_text(previous, make)])
    if following:
        parts.append([nodes.Text("Next in the series: "), *link_text(following, make)])
    return [paragraph(joined(parts, " · "), ["kb-series-nav"])]


def render_related(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    if not data:
        return []
    box = nodes.container(classes=["kb-related"])
    box += heading("Related pages", 2, ["kb-related-title"])
    box += bullets((paragraph(
        page_line(line, make)
        + [nodes.Text(f", sharing {len(shared)} topic{'s' if len(shared) > 1 else ''}: ")]
        + joined((link_text(s, make) for s in shared), ", ")) for line, shared in data),
        ["kb-related-list"])
    return [box]


def render_page_backlinks(data: tuple[Source, ...], make: LinkMaker) -> list[nodes.Node]:
    """What links here (shown on every review and issue, if only to say 'nothing yet')."""
    box = nodes.container(classes=["kb-backlinks"])
    box += heading("Referenced from", 2, ["kb-backlinks-title"])
    if data:
        box += bullets((paragraph(source_line(s, make)) for s in data), ["kb-backlinks-list"])
    else:
        box += nodes.paragraph("", "No other page references this one yet.")
    return [box]


def render_topic_backlinks(data: tuple[Source, ...], make: LinkMaker) -> list[nodes.Node]:
    return render_page_backlinks(data, make) if data else []


def render_item_backlinks(data: tuple[Source, ...], make: LinkMaker) -> list[nodes.Node]:
    if not data:
        return []
    return [paragraph([nodes.Text("Mentioned in: "), *joined((source_line(s, make) for s in data), "; ")],
                       ["kb-item-backlinks"])]


# -- references ------------------------------------------------------------------------


def discussed_in(sources: tuple[Source, ...], make: LinkMaker) -> nodes.paragraph:
    return paragraph([nodes.Text("Discussed in: "), *joined((source_line(s, make) for s in sources), "; ")],
                      ["kb-discussed-in"])


def render_page_references(data: tuple, make: LinkMaker) -> list[nodes.Node]:
    if not data:
        return []
    box = nodes.container(classes=["kb-page-references"])
    box += heading("References", 2, ["kb-page-references-title"])
    box += bullets((paragraph([nodes.Text(text + " "), citations((cite,), make)])
                     for text, cite in data), ["kb-page-references-list"])
    return [box]


def _person(anchor: str, children: list[nodes.Node]) -> nodes.paragraph:
    """A person's entry, with the id a link to them ends in (`Author.anchor`)."""
    para = paragraph(children, ["kb-author"])
    para["ids"].append(anchor)
    return para


def render_authors(data: tuple, make: LinkMaker, ident: str | None = None) -> list[nodes.Node]:
    """The author index by letter; `ident`: the id of the one group of a part split again
    (part_id), in place of its letter's."""
    def work(link: Link, year: int | None, pages: tuple[Link, ...]) -> list[nodes.Node]:
        out = emphasised(link, make)
        if year:
            out.append(nodes.Text(f" ({year})"))
        if pages:
            out += [nodes.Text(", discussed in "), *joined((link_text(p, make) for p in pages), ", ")]
        return out

    box = nodes.container(classes=["kb-author-index"])
    for letter, people in data:
        box += group_heading("authors", letter, ["kb-author-letter"], ident)
        box += bullets((_person(anchor, [
            nodes.strong("", name),
            nodes.Text(f" ({len(works)} {'work' if len(works) == 1 else 'works'}): "),
            *joined((work(*w) for w in works), "; ")]) for anchor, name, works in people),
            ["kb-author-list"])
    return [box]


RENDERERS: dict[str, Callable[[Any, LinkMaker], list[nodes.Node]]] = {
    "listing": render_listing,
    "overview": render_overview,
    "busiest": render_busiest,
    "topic-backlinks": render_topic_backlinks,
    "trend": render_trend,
    "trends": render_trends,
    "archive-year": render_archive_by_year,
    "timeline": render_timeline,
    "series": render_series_archive,
    "newest": render_newest,
    "series-nav": render_series_nav,
    "related": render_related,
    "backlinks": render_page_backlinks,
    "item-backlinks": render_item_backlinks,
    "references": render_page_references,
    "authors": render_authors,
}


# -- the indexes' jump bars: a letter or year heading, on this page or on its part's ----------

# the indexes whose groups get a heading id and a jump bar: letters and years
JUMPS = {"authors": ("letter", "Jump to a letter"), "paper-index": ("year", "Jump to a year")}


def group_id(kind: str, label: str) -> str:
    """The id of a group's heading: 'letter-a', 'letter-u017d' (Ž), 'year-2021'."""
    return f"{JUMPS[kind][0]}-{slug(label)}"


def group_heading(kind: str, label: str, classes: list[str],
                  ident: str | None = None) -> nodes.rubric:
    return heading(label, 2, classes, [ident or group_id(kind, label)])


def part_id(kind: str, part: Part, docname: str) -> str:
    """The id of a part's heading on its page: its group's ('letter-l', 'year-2021'), or,
    for a part of a group split again, made from its page's name as that is from the
    view's ('letter-l-le' on authors-l-le, 'year-2021-l' on references-2021-l)."""
    return f"{JUMPS[kind][0]}-{part.pagename[len(docname) + 1:]}"


def render_jump_bar(kind: str, labels: Iterable[str], docname: str, pages: Mapping[str, str],
                    make: LinkMaker, current: str | None = None) -> list[nodes.Node]:
    """'Jump to a letter: A B C ...', each linked to its group's heading: on `docname`, or,
    when the view is split, on the page of the group's part (`pages`: label -> page; a
    group split again keeps its heading there, above the list of its parts). `current`,
    the group a part page is in, is named, not linked."""
    box = nodes.container(classes=["kb-jump-bar", f"kb-jump-{kind}"])
    box += paragraph([nodes.Text(JUMPS[kind][1] + ":")], ["kb-jump-title"])
    items = []
    for label in labels:
        if label == current:
            items.append(paragraph([nodes.strong("", label)], ["kb-jump-current"]))
        else:
            target = Link(pages.get(label, docname), group_id(kind, label), label)
            items.append(paragraph(link_text(target, make)))
    box += bullets(items, ["kb-jump-list"])
    return [box]


# -- a split view's entry point (parts.py; its parts are written by outputs/part_pages.py) ----------


def render_part_list(parts: tuple[Part, ...], make: LinkMaker,
                     classes: tuple[str, ...] = ("kb-parts-list",)) -> nodes.bullet_list:
    """Each part linked, with its count; under a part split again, its own parts."""
    found = nodes.bullet_list(classes=list(classes))
    for part in parts:
        item = nodes.list_item("", paragraph([
            *link_text(Link(part.pagename, "", part.label), make),
            nodes.Text(f" ({count_entries(part.count)})")]))
        if part.parts:
            item += render_part_list(part.parts, make, ("kb-parts-list", "kb-parts-nested"))
        found += item
    return found


def render_entry_point(kind: str, data: Any, parts: tuple[Part, ...],
                       make: LinkMaker) -> list[nodes.Node]:
    """What a split view's own page shows: a link to every part, with its count (a
    topic listing keeps its heading and introduction above them); a part split again
    with its own parts under it."""
    lead = render_listing((*data[:3], ()), make)[0].children if kind == "listing" else []
    box = nodes.container(classes=["kb-parts", f"kb-parts-{kind}"])
    box.extend(lead)
    box += paragraph([nodes.Text(f"{count_entries(sum(p.count for p in parts))} in {len(parts)} "
                                  "parts, each on a page of its own:")], ["kb-parts-summary"])
    box += render_part_list(parts, make)
    return [box]


def render_split_part(kind: str, part: Part, docname: str, make: LinkMaker) -> list[nodes.Node]:
    """The page of a part split again: its heading (with the jump bars' id, 'year-2021',
    where the view has a jump bar: part_id), then a link to each of its parts, with its count."""
    box = nodes.container(classes=["kb-parts", f"kb-parts-{kind}"])
    box += (group_heading(kind, part.heading, ["kb-part-heading"], part_id(kind, part, docname))
            if kind in JUMPS else heading(part.heading, 2, ["kb-part-heading"]))
    box += paragraph([nodes.Text(f"{count_entries(part.count)} in {len(part.parts)} parts "
                                  f"{parted_by(kind, part)}, each on a page of its own:")],
                     ["kb-parts-summary"])
    box += render_part_list(part.parts, make)
    return [box]


# what a part of a split view shows (parts.part_data), by kind; the others, as RENDERERS
PART_RENDERERS: dict[str, Callable[[Any, LinkMaker], list[nodes.Node]]] = {
    **RENDERERS,
    "listing": render_listing_years,
}
