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

from ..views.parts import paper_pages
from .records import Author, Citation, ItemRecord, Paper

PaperSource = Callable[[], Mapping[str, Paper]]


def paper_order(year: int | None, first_author: str, title: str, key: str) -> tuple:
    """The paper index's order: newest year first, then first author, title, key.

    The bibliography's numbers follow it too (bib/labels.py), so they read in order."""
    return (-(year or 0), first_author.casefold(), title.casefold(), key)


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
            return paper_order(paper.year, paper.authors[0].name if paper.authors else "",
                               paper.title, paper.key)
        ranked = sorted(self.papers.values(), key=order)
        return [(year, list(group)) for year, group in groupby(ranked, key=lambda p: p.year)]

    def part_pages(self, threshold: int) -> dict[str, str]:
        """Entry id -> the page of the paper index's part holding it ({} while it is one
        page): what every link to an entry points to (computed once per build)."""
        if threshold not in self._part_pages:
            # each paper with the places discussing it, as views.data.paper_index counts them
            groups = [(str(year or "Undated"), [(p, len(self.cited_by(p.key))) for p in papers])
                      for year, papers in self.by_year()]
            self._part_pages[threshold] = paper_pages(groups, threshold)
        return self._part_pages[threshold]

    def authors(self) -> list[tuple[Author, list[Paper]]]:
        """Every author of a cited paper, A to Z, with their papers (newest first)."""
        names: dict[str, str] = {}
        works: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers.values():
            for author in paper.authors:
                if len(author.name) > len(names.get(author.key, "")):
                    names[author.key] = author.name
                works[author.key].append(paper)
        people = sorted(names, key=lambda k: (names[k].casefold(), k))
        return [(Author(k, names[k]), sorted(works[k], key=lambda p: (-(p.year or 0), p.key)))
                for k in people]
