"""Long generated lists split into parts, one HTML page per group (pure Python).

A view whose data is a list of groups (the author index by letter, the archive and a
topic's listing by year, the paper index by year) shows them all on one page while it
shows at most `threshold` links (`kb_split_links`): each entry counts with the links it
carries (a paper with the items discussing it, an author with their works and the pages
discussing those), which is what a page's weight grows with; an entry count alone would
weigh an author with one paper like one with forty. Past that, in HTML, its page becomes the entry point
that links to every part (with counts) and each group is a page of its own, named
after the page and the group (`authors-a`, `archive-2021`, `topics/gans-2021`): in the
same folder as the page, so a link that works from the page works from its parts.
The PDF always keeps the whole list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class Part(NamedTuple):
    """One group of a split view: its page, its label ('A', '2021') and its entries."""

    pagename: str
    label: str
    count: int


def _whole(data: tuple) -> tuple:
    return data


def _listing_groups(data: tuple) -> tuple:
    return data[3] if data else ()


def _groups_only(data: tuple, groups: tuple) -> tuple:
    return groups


def _author_links(row: tuple) -> int:  # (anchor, name, ((work, year, (page, ...)), ...))
    return 1 + sum(1 + len(pages) for _work, _year, pages in row[2])


def _listing_links(row: Any) -> int:  # views.data.EntryRow
    return 1 + (row.page is not None) + len(row.cites)


# kind -> (its groups from its data, what a part of some groups shows, the links an entry
# shows). A listing's part shows only its groups, not the topic's totals, so that an entry
# added in one year does not rewrite every year's part.
SPLITTABLE: dict[str, tuple[Callable[[tuple], tuple], Callable[[tuple, tuple], tuple],
                            Callable[[Any], int]]] = {
    "authors": (_whole, _groups_only, _author_links),
    "archive-year": (_whole, _groups_only, lambda line: 1),
    "paper-index": (_whole, _groups_only, lambda row: 1 + len(row[1])),  # (id, sources)
    "listing": (_listing_groups, _groups_only, _listing_links),
}


def links(kind: str, groups: Any) -> int:
    """The links a view's groups show (what `threshold` is compared with)."""
    weigh = SPLITTABLE[kind][2]
    return sum(weigh(row) for _, rows in groups for row in rows)


def slug(label: str) -> str:
    """A group's label as part of a file name: '2021', 'a', 'undated'; a letter outside
    ASCII by its code point ('u017d' for 'Ž'), so 'Z' and 'Ž' stay apart."""
    if label.isascii() and label.replace(" ", "").isalnum():
        return label.lower().replace(" ", "-")
    return "-".join(f"u{ord(c):04x}" for c in label)


def plan(kind: str, data: Any, docname: str, threshold: int) -> tuple[Part, ...]:
    """The parts of the view on `docname` (each counting its entries); () when it stays
    one page (not a splittable kind, `threshold` 0, or at most `threshold` links)."""
    if kind not in SPLITTABLE or threshold <= 0 or not data:
        return ()
    groups = SPLITTABLE[kind][0](data)
    if links(kind, groups) <= threshold:
        return ()
    return tuple(Part(f"{docname}-{slug(label)}", label, len(rows)) for label, rows in groups)


def part_data(kind: str, data: Any, label: str) -> Any:
    """The view's data with only the group `label`: what its part shows."""
    groups_of, restrict, _ = SPLITTABLE[kind]
    return restrict(data, tuple(g for g in groups_of(data) if g[0] == label))


# the builders that write the parts' pages (html-collect-pages, one file per page); a
# single page, an EPUB and the PDF keep the whole lists
SPLIT_BUILDERS = ("html", "dirhtml")


def split_threshold(builder: Any) -> int:
    """Entries past which a view is split, for this builder; 0 never splits."""
    from ..build.config import kb_config  # Sphinx glue: imported here, so this module is pure

    return kb_config(builder.config).split_links if builder.name in SPLIT_BUILDERS else 0


def paper_pages(groups: list[tuple[str, list[Any]]], threshold: int) -> dict[str, str]:
    """Entry id (`Paper.anchor`) -> its part's page, for the paper index's year groups of
    (`Paper`, number of places discussing it); {} when the index stays one page. The parts
    are those `plan` gives for the view's data."""
    if threshold <= 0 or sum(1 + discussed for _, papers in groups
                             for _, discussed in papers) <= threshold:
        return {}
    return {paper.anchor: f"{paper.docname}-{slug(label)}"
            for label, papers in groups for paper, _ in papers if paper.docname}


def author_pages(data: tuple, docname: str, threshold: int) -> dict[str, str]:
    """Person anchor -> the page holding their entry, for the author index on `docname`
    (its data, views.data.authors): the index itself, or the part of their letter."""
    parts = {part.label: part.pagename for part in plan("authors", data, docname, threshold)}
    return {row[0]: parts.get(letter, docname) for letter, rows in data for row in rows}
