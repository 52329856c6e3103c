"""The book's volumes: which reviews and issues each PDF of the book holds.

Pure Python. A book of thousands of pages is one no reader opens (2,000 reviews and issues
make a PDF of 8,438 pages: docs/benchmark.md, "The book at scale"), so past a
size the book is split into volumes, one per year of publication: a volume holds the
reviews and issues published that year, each exactly once, and the pages that are not of
a year (the topics, the archive, the paper and author indexes) showing what that year's
pages hold. `kb_book_volumes` (build/config.py) chooses: one book ("off"), a volume per
year ("year"), or a volume per year once the knowledge base holds more than
AUTO_VOLUMES_FROM reviews and issues ("auto").

A review or issue without a date (a problem the front-matter contract reports) is not left
out: it goes into the volume of its `year`, or else the newest volume, with a problem
saying so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from .catalogue import is_dated
from .records import PageRecord, Problem

# "auto": one book up to this many reviews and issues, a volume per year past it. In one book
# a review or issue takes about 4.2 PDF pages, its topic listings, indexes and bibliography
# entries included (the benchmark's 2,000 made 8,438 pages: docs/benchmark.md, "The book at
# scale"), so the one book stays under about 850 pages.
AUTO_VOLUMES_FROM = 200
VOLUME_MODES = ("auto", "year", "off")


@dataclass(frozen=True)
class Volume:
    """One PDF of the book."""

    label: str  # its year: in its file name and on its title page
    docnames: frozenset[str]  # the reviews and issues it holds


@dataclass(frozen=True)
class VolumePlan:
    """The volumes of the book, oldest first; none while the book is one PDF."""

    volumes: tuple[Volume, ...] = ()

    def volume_of(self, docname: str) -> Volume | None:
        """The volume holding the review or issue `docname` (None: it is no volume's)."""
        return next((v for v in self.volumes if docname in v.docnames), None)


def splits(mode: str | int, pages: Mapping[str, PageRecord]) -> bool:
    """Whether the book is split into volumes: `mode` is "year", "off", "auto" or the
    number of reviews and issues past which it is."""
    if mode in ("year", "off"):
        return mode == "year"
    threshold = AUTO_VOLUMES_FROM if mode == "auto" else int(mode)
    return sum(1 for page in pages.values() if is_dated(page)) > threshold


def plan_volumes(mode: str | int, pages: Mapping[str, PageRecord]
                 ) -> tuple[VolumePlan, list[tuple[str, Problem]]]:
    """The volumes `mode` gives for these pages, and the problems of placing them
    ((docname, problem): a review or issue without a date, placed by its `year` or in the
    newest volume)."""
    if not splits(mode, pages):
        return VolumePlan(), []
    by_year: dict[int, set[str]] = defaultdict(set)
    undated: list[PageRecord] = []
    for docname in sorted(pages):
        page = pages[docname]
        if not is_dated(page):
            continue
        if page.date is not None:
            by_year[page.date.year].add(docname)
        else:
            undated.append(page)
    if not by_year and not any(page.year is not None for page in undated):
        return VolumePlan(), []  # no page says its year: no year to make a volume of
    newest = max([*by_year, *(page.year for page in undated if page.year is not None)])
    problems = []
    for page in undated:
        year = page.year if page.year is not None else newest
        by_year[year].add(page.docname)
        why = "its year" if page.year is not None else "the newest"
        problems.append((page.docname, Problem(
            f"this {page.kind} has no date, so the book cannot tell which year's volume holds "
            f"it: it is printed in the {year} volume ({why}); add 'date: YYYY-MM-DD' (or "
            "YYYY-MM) to its front matter", page.lines.get("kind"), "volume")))
    volumes = tuple(Volume(str(year), frozenset(docs)) for year, docs in sorted(by_year.items()))
    return VolumePlan(volumes), problems


def left_out(plan: VolumePlan, volume: Volume, toctrees: Mapping[str, list[str]]) -> set[str]:
    """What the book leaves out of `volume`: the other volumes' reviews and issues, and every
    page whose toctree then lists nothing left in (a series' page of another year, a
    series without a page that year), from the deepest up. `toctrees`: each page's
    toctree entries."""
    out = {doc for other in plan.volumes if other != volume for doc in other.docnames}
    grew = True
    while grew:
        grew = False
        for docname, entries in toctrees.items():
            if docname not in out and entries and all(entry in out for entry in entries):
                out.add(docname)
                grew = True
    return out
