"""Links between pages: references resolved, backlinks, and related pages.

Pure Python. A reference's target is named by a key: a topic's slug, an item's
'docname#anchor', or a page's docname; backlinks are indexed by that key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from functools import cached_property
from itertools import chain

from .catalogue import Catalogue
from .listings import TopicListings
from .records import ItemRecord, PageRecord, Reference
from .taxonomy import Taxonomy

RELATED_LIMIT = 5


class Links:
    """What each reference points to, what points to each page and item, and related pages."""

    def __init__(self, pages: Mapping[str, PageRecord], items: Mapping[str, list[ItemRecord]],
                 references: Mapping[str, list[Reference]], taxonomy: Taxonomy,
                 catalogue: Catalogue, listings: TopicListings) -> None:
        self.pages = pages
        self.items = items
        self.references = references
        self.taxonomy = taxonomy
        self.catalogue = catalogue
        self.listings = listings

    @cached_property
    def _items_by_key(self) -> dict[str, ItemRecord]:
        found, by_anchor = {}, defaultdict(list)
        for docname, records in self.items.items():
            for item in records:
                found[f"{docname}#{item.anchor}"] = item
                by_anchor[item.anchor].append(item)
        for anchor, items in by_anchor.items():
            if len(items) == 1:
                found.setdefault(anchor, items[0])
        return found

    def find_item(self, target: str) -> ItemRecord | None:
        """An item by 'docname#anchor', or by its anchor alone where that is unique."""
        return self._items_by_key.get(target.strip())

    def item(self, docname: str, anchor: str) -> ItemRecord | None:
        return self._items_by_key.get(f"{docname}#{anchor}")

    def resolve(self, reftype: str, target: str) -> str | None:
        """The key of what a reference points to: a topic slug, 'doc#anchor', or a docname."""
        if reftype == "topic":
            return self.taxonomy.resolve(target)
        if reftype == "item":
            item = self.find_item(target)
            return f"{item.docname}#{item.anchor}" if item else None
        if reftype in ("issue", "review"):
            return self.catalogue.find(reftype, target)
        return None

    def title(self, reftype: str, key: str | None) -> str | None:
        """The text a resolved reference shows by default."""
        if key is None:
            return None
        if reftype == "topic":
            return self.taxonomy.title(key)
        if reftype == "item":
            item = self.find_item(key)
            return item.title if item else None
        page = self.pages.get(key)
        return page.title if page else None

    @cached_property
    def _backlinks(self) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for docname, refs in self.references.items():
            for ref in refs:
                if ref.generated:
                    continue
                target = self.resolve(ref.reftype, ref.target)
                if target is not None and target not in (docname, f"{docname}#{ref.anchor}"):
                    found[target].add((ref.docname, ref.anchor))
        return {k: sorted(v) for k, v in found.items()}

    def backlinks(self, key: str) -> list[tuple[str, str]]:
        """(docname, anchor) of every page or item that references `key`, in page order."""
        return self._backlinks.get(key, [])

    def backlinks_of_page(self, docname: str) -> list[tuple[str, str]]:
        """What references the page or any of its items, from other pages."""
        found = set(self.backlinks(docname))
        for item in self.items.get(docname, []):
            found.update(self.backlinks(f"{docname}#{item.anchor}"))
        return sorted(s for s in found if s[0] != docname)

    def topics_of_page(self, docname: str) -> list[str]:
        """The page's own topics and its items' topics, each once."""
        return self.listings.topics_of_page(docname, self.items.get(docname, []))

    @cached_property
    def _pages_by_topic(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for doc in sorted(self.listings.page_topics):
            for slug in self.topics_of_page(doc):
                found[slug].append(doc)
        return found

    @cached_property
    def _newest_first(self) -> dict[str, int]:
        """Each page's place when pages are ordered newest first, then by docname."""
        def newest(doc: str) -> tuple:
            page = self.pages.get(doc)
            date = page.date.sort_key if page and page.date else (0, 0, 0)
            return (tuple(-n for n in date), doc)
        return {doc: place for place, doc in enumerate(sorted(self.listings.page_topics, key=newest))}

    def related(self, docname: str) -> list[tuple[str, list[str]]]:
        """Other reviews and issues ranked by the number of topics shared with this one,
        then newest first.

        Every page is ranked against every other (on a busy topic most pages share
        something), so counting is done by Counter and only the pages that can reach
        the top RELATED_LIMIT are sorted. Not kept here: its one caller, the related
        view, is kept per graph (views.data.view_data), for the schedule and the writer.
        """
        mine = self.topics_of_page(docname)
        shared = Counter(chain.from_iterable(self._pages_by_topic.get(s, ()) for s in mine))
        shared.pop(docname, None)
        ranked: list[tuple[str, list[str]]] = []
        if shared:
            counts = sorted(shared.values(), reverse=True)
            least = counts[min(RELATED_LIMIT, len(counts)) - 1]
            order = self._newest_first
            best = sorted((doc for doc, n in shared.items() if n >= least),
                          key=lambda doc: (-shared[doc], order.get(doc, len(order))))
            for doc in best[:RELATED_LIMIT]:
                theirs = set(self.topics_of_page(doc))
                ranked.append((doc, sorted((s for s in mine if s in theirs),
                                           key=lambda s: self.taxonomy.title(s).lower())))
        return ranked
