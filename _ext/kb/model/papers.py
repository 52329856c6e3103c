"""Cited works and their authors, and where each work is discussed.

Pure Python. The `Paper` records come from sphinxcontrib-bibtex's formatted
citations (bib/cite_domain.py turns them into records); they are asked for only when a
view needs them, since formatting is the costly part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import cached_property
from itertools import groupby
from typing import NamedTuple

from ..views.parts import paper_pages
from .records import Author, Citation, ItemRecord, Paper

PaperSource = Callable[[], Mapping[str, Paper]]


def paper_order(year: int | None, first_author: str, title: str, key: str) -> tuple:
    """The paper index's order: newest year first, then first author, title, key.

    The bibliography's numbers follow it too (bib/labels.py), so they read in order."""
    return (-(year or 0), first_author.casefold(), title.casefold(), key)


def first_author(paper: Paper) -> str:
    """The name a paper is ordered by within its year, as spelled ("" with no author); a
    year of the paper index split into parts is parted by it too (views/parts.py)."""
    return paper.authors[0].name if paper.authors else ""


class PaperIndex:
    """Papers by key, the pages and items citing each, and the authors of them all."""

    def __init__(self, citations: Mapping[str, list[Citation]],
                 items: Mapping[str, list[ItemRecord]], source: PaperSource) -> None:
        self.citations = citations  # docname -> the works its cite roles name
        self.items = items
        self._source = source
        self._part_pages: dict[int, dict[str, str]] = {}

    @cached_property
    def papers(self) -> dict[str, Paper]:
        return dict(self._source())

    def cited_on(self, docname: str) -> list[str]:
        """The keys a page cites (in its items or its text), each once, in page order."""
        return list(dict.fromkeys(c.key for c in self.citations.get(docname, ())))

    @cached_property
    def _citing(self) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for docname, cites in self.citations.items():
            for cite in cites:
                found[cite.key].add((docname, cite.anchor))
        order = {(d, i.anchor): n for d, recs in self.items.items() for n, i in enumerate(recs)}
        return {k: sorted(v, key=lambda s: (s[0], order.get(s, -1))) for k, v in found.items()}

    def cited_by(self, key: str) -> list[tuple[str, str]]:
        """(docname, anchor) of every item or page text citing the work, in page order."""
        return self._citing.get(key, [])

    def by_year(self) -> list[tuple[int | None, list[Paper]]]:
        """Cited papers, newest year first, then by first author and title."""
        def order(paper: Paper) -> tuple:
            return paper_order(paper.year, first_author(paper), paper.title, paper.key)
        ranked = sorted(self.papers.values(), key=order)
        return [(year, list(group)) for year, group in groupby(ranked, key=lambda p: p.year)]

    def part_pages(self, threshold: int) -> dict[str, str]:
        """Entry id -> the page of the paper index's part holding it ({} while it is one
        page): what every link to an entry points to (computed once per build)."""
        if threshold not in self._part_pages:
            # each paper with the places discussing it, its first author and the length
            # of its reference, as views.data.paper_index has them, so both plan the same parts
            groups = [(str(year or "Undated"),
                       [(p.anchor, self.cited_by(p.key), first_author(p), len(p.text))
                        for p in papers])
                      for year, papers in self.by_year()]
            docname = next((p.docname for p in self.papers.values() if p.docname), "")
            self._part_pages[threshold] = paper_pages(groups, docname, threshold) if docname else {}
        return self._part_pages[threshold]

    def authors(self) -> list[Person]:
        """Every author of a cited paper, A to Z: one entry per person (model/people.py),
        shown in one of their spellings, with their papers (newest first)."""
        spellings: dict[str, list[Author]] = defaultdict(list)
        works: dict[str, dict[str, Paper]] = defaultdict(dict)
        for paper in self.papers.values():
            for author in paper.authors:
                spellings[author.key].append(author)
                works[author.key][paper.key] = paper
        people = {key: shown(found) for key, found in spellings.items()}
        ranked = sorted(people, key=lambda k: (people[k].name.casefold(), k))
        return [Person(people[k], tuple(sorted({a.name for a in spellings[k]})),
                       tuple(sorted(works[k].values(), key=lambda p: (-(p.year or 0), p.key))))
                for k in ranked]


class Person(NamedTuple):
    """One entry of the author index: the person, every spelling of them, their works."""

    author: Author  # as shown
    names: tuple[str, ...]  # every spelling, A to Z
    works: tuple[Paper, ...]  # newest first


def shown(spellings: list[Author]) -> Author:
    """The spelling a person is shown by: the one with most accents ("Tramèr" over
    "Tramer"), then the longest, then the first A to Z, so the choice does not depend on
    the order works are read in."""
    def rank(author: Author) -> tuple:
        return (-sum(not c.isascii() for c in author.name), -author.name.count("-"),
                -len(author.name), author.name)
    return min(spellings, key=rank)
