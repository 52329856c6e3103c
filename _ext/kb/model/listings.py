"""Topic listings: every item and page that carries a topic, or one of its subtopics.

Pure Python. Each page's and item's topic names are resolved once here (an
unknown name is a problem at its line); the listings, the topic index, related
pages and the counts all read these resolved slugs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

from .records import Entry, ItemRecord, PageRecord, Problem
from .taxonomy import Taxonomy


class TopicListings:
    """The entries of each topic, directly and with its subtopics (newest first)."""

    def __init__(self, pages: Mapping[str, PageRecord], items: Mapping[str, list[ItemRecord]],
                 taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.problems: list[tuple[str, Problem]] = []  # (docname, problem): unknown topics
        self.direct: dict[str, list[Entry]] = defaultdict(list)  # slug -> entries tagged with it
        self.page_topics: dict[str, list[str]] = {}  # docname -> its front matter's slugs
        self.item_topics: dict[tuple[str, str], list[str]] = {}  # (docname, anchor) -> slugs
        for docname in sorted(pages):
            page = pages[docname]
            if page.kind == "topic":
                continue
            slugs = taxonomy.resolve_refs(docname, page.topics, self.problems)
            self.page_topics[docname] = slugs
            for slug in slugs:
                self.direct[slug].append(Entry(
                    docname, "", page.title, page.kind or "page", page.title, page.date, ()))
        for docname in sorted(items):
            page = pages.get(docname)
            page_title = page.title if page else docname
            date = page.date if page else None
            for position, item in enumerate(items[docname]):
                slugs = taxonomy.resolve_refs(docname, item.topics, self.problems)
                self.item_topics[(docname, item.anchor)] = slugs
                for slug in slugs:
                    self.direct[slug].append(Entry(
                        docname, item.anchor, item.title, item.kind, page_title, date,
                        item.cites, position))

    @cached_property
    def _listings(self) -> dict[str, list[Entry]]:
        listings = {}
        for slug in self.taxonomy.topics:
            seen: set[tuple[str, str]] = set()
            entries: list[Entry] = []
            for topic in self.taxonomy.descendants(slug):
                for entry in self.direct.get(topic, ()):
                    if (entry.docname, entry.anchor) not in seen:
                        seen.add((entry.docname, entry.anchor))
                        entries.append(entry)
            listings[slug] = sorted(entries, key=lambda e: e.sort_key)
        return listings

    def listing(self, slug: str) -> list[Entry]:
        """Everything carrying the topic or a subtopic, newest first, each once."""
        return self._listings.get(slug, [])

    def count(self, slug: str) -> int:
        return len(self.listing(slug))

    @cached_property
    def by_size(self) -> list[str]:
        """Every topic, the one with the most entries first (ties by title)."""
        topics = self.taxonomy.topics
        return sorted(topics, key=lambda s: (-self.count(s), topics[s].title.lower()))

    def topics_of_page(self, docname: str, items: list[ItemRecord]) -> list[str]:
        """The page's own topics and its items' topics, each once."""
        slugs = list(self.page_topics.get(docname, []))
        for item in items:
            for slug in self.item_topics.get((docname, item.anchor), []):
                if slug not in slugs:
                    slugs.append(slug)
        return slugs
