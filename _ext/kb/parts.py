"""Long generated lists split into parts, one HTML page per group (pure Python).

A view whose data is a list of groups (the author index by letter, the archive and a
topic's listing by year, the paper index by year) shows them all on one page while it
has at most `threshold` entries. Past that, in HTML, its page becomes the entry point
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


# kind -> (its groups from its data, what a part of some groups shows: for a listing,
# only its groups, not the topic's totals, so that an entry added in one year does not
# rewrite every year's part)
SPLITTABLE: dict[str, tuple[Callable[[tuple], tuple], Callable[[tuple, tuple], tuple]]] = {
    "authors": (_whole, lambda data, groups: groups),
    "archive-year": (_whole, lambda data, groups: groups),
    "paper-index": (_whole, lambda data, groups: groups),
    "listing": (_listing_groups, lambda data, groups: groups),
}


def slug(label: str) -> str:
    """A group's label as part of a file name: '2021', 'a', 'undated'; a letter outside
    ASCII by its code point ('u017d' for 'Ž'), so 'Z' and 'Ž' stay apart."""
    if label.isascii() and label.replace(" ", "").isalnum():
        return label.lower().replace(" ", "-")
    return "-".join(f"u{ord(c):04x}" for c in label)


def plan(kind: str, data: Any, docname: str, threshold: int) -> tuple[Part, ...]:
    """The parts of the view on `docname`; () when it stays one page (not a splittable
    kind, `threshold` 0, or at most `threshold` entries)."""
    if kind not in SPLITTABLE or threshold <= 0 or not data:
        return ()
    groups = SPLITTABLE[kind][0](data)
    if sum(len(rows) for _, rows in groups) <= threshold:
        return ()
    return tuple(Part(f"{docname}-{slug(label)}", label, len(rows)) for label, rows in groups)


def part_data(kind: str, data: Any, label: str) -> Any:
    """The view's data with only the group `label`: what its part shows."""
    groups_of, restrict = SPLITTABLE[kind]
    return restrict(data, tuple(g for g in groups_of(data) if g[0] == label))


# the builders that write the parts' pages (html-collect-pages, one file per page); a
# single page, an EPUB and the PDF keep the whole lists
SPLIT_BUILDERS = ("html", "dirhtml")


def split_threshold(builder: Any) -> int:
    """Entries past which a view is split, for this builder; 0 never splits."""
    return builder.config.kb_split_entries if builder.name in SPLIT_BUILDERS else 0


def paper_pages(groups: list[tuple[str, list[Any]]], threshold: int) -> dict[str, str]:
    """Entry id (`Paper.anchor`) -> its part's page, for the paper index's year groups of
    `Paper`s; {} when the index stays one page. The parts are those `plan` gives."""
    if threshold <= 0 or sum(len(papers) for _, papers in groups) <= threshold:
        return {}
    return {paper.anchor: f"{paper.docname}-{slug(label)}"
            for label, papers in groups for paper in papers if paper.docname}
