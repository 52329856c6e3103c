"""Reviews and issues as a catalogue: by series, by issue number, by date.

Pure Python. Built from the page records; a duplicate issue number in a series is
its problem to report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from .records import PageRecord, Problem


def is_dated(page: PageRecord) -> bool:
    """A review or an issue (the pages that archives, timelines and feeds list)."""
    return page.kind in ("review", "newsletter")


class Catalogue:
    """The reviews and issues: each series in order, issues by number, reviews by year."""

    def __init__(self, pages: Mapping[str, PageRecord]) -> None:
        self.pages = pages
        self.problems: list[tuple[str, Problem]] = []  # (docname, problem)
        self.by_series: dict[str, list[str]] = defaultdict(list)
        self.issue_docs: dict[tuple[str, int], str] = {}
        self.review_docs: dict[tuple[str, int], list[str]] = defaultdict(list)
        for docname in sorted(pages):
            page = pages[docname]
            if not is_dated(page) or not page.series:
                continue
            self.by_series[page.series].append(docname)
            if page.kind == "newsletter" and page.issue is not None:
                self._add_issue(page)
            if page.kind == "review" and page.year is not None:
                self.review_docs[(page.series, page.year)].append(docname)
        for docs in self.by_series.values():
            docs.sort(key=self._series_order)
        # oldest first, undated last
        self.dated = sorted((p for p in pages.values() if is_dated(p)),
                            key=lambda p: (p.date is None, p.date.sort_key if p.date else (0,),
                                           p.docname))

    def _add_issue(self, page: PageRecord) -> None:
        assert page.series is not None and page.issue is not None
        key = (page.series, page.issue)
        if key in self.issue_docs:
            self.problems.append((page.docname, Problem(
                f"issue {page.issue} of series {page.series!r} is already "
                f"{self.issue_docs[key]}; give this page its own issue number",
                page.lines.get("issue"), "duplicate")))
        else:
            self.issue_docs[key] = page.docname

    def _series_order(self, docname: str) -> tuple:
        page = self.pages[docname]
        date = page.date.sort_key if page.date else (0, 0, 0)
        return (page.issue if page.issue is not None else page.year or 0, date, docname)

    def neighbours(self, docname: str) -> tuple[str | None, str | None]:
        """The previous and the next page of the page's series."""
        page = self.pages.get(docname)
        docs = self.by_series.get(page.series, []) if page and page.series else []
        if docname not in docs:
            return None, None
        index = docs.index(docname)
        return (docs[index - 1] if index else None,
                docs[index + 1] if index + 1 < len(docs) else None)

    def find(self, reftype: str, target: str) -> str | None:
        """An issue by 'series/number', a review by 'series/year' (or either by docname)."""
        target = target.strip()
        page = self.pages.get(target)
        if page is not None:
            return target if page.kind == ("newsletter" if reftype == "issue" else "review") else None
        series, _, number = target.rpartition("/")
        if not number.isdigit():
            return None
        if reftype == "issue":
            return self.issue_docs.get((series, int(number)))
        found = self.review_docs.get((series, int(number)), [])
        return found[0] if len(found) == 1 else None
