"""Links between pages: references resolved, backlinks, and related pages.

Pure Python. A reference's target is named by a key: a topic's slug, an item's
'docname#anchor', or a page's docname; backlinks are indexed by that key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

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

    @cached_property
    def _newest_first_docs(self) -> list[str]:
        """The pages newest first (each one's place is its index: `_newest_first`)."""
        return sorted(self._newest_first, key=self._newest_first.__getitem__)

    @cached_property
    def _topic_bits(self) -> dict[str, int]:
        """Each topic's pages as one integer: bit n set for the page at place n newest first."""
        order, size = self._newest_first, len(self._newest_first)
        found: dict[str, int] = {}
        for slug, docs in self._pages_by_topic.items():
            bits = bytearray((size + 7) // 8)
            for doc in docs:
                place = order[doc]
                bits[place >> 3] |= 1 << (place & 7)
            found[slug] = int.from_bytes(bits, "little")
        return found

    def related(self, docname: str) -> list[tuple[str, list[str]]]:
        """Other reviews and issues ranked by the number of topics shared with this one,
        then newest first.

        Every page is ranked against every other (on a busy topic most pages share
        something), which done page by page, as a count per page, grows with the square
        of the site (13 s for every page's related pages at 5,000 pages). So the counts
        of all pages are added at once, as binary numbers held in bit slices (slice i
        holds bit i of every page's count; page n is bit n, newest first): a few
        operations on integers of one bit a page for each of this page's topics. The
        pages of the highest count come first, and among equal counts the lowest bits,
        the newest. Not kept here: its one caller, the related view, is kept per graph
        (views.data.view_data), for the schedule and the writer.
        """
        mine = self.topics_of_page(docname)
        slices: list[int] = []
        for slug in mine:
            carry = self._topic_bits.get(slug, 0)
            for i, value in enumerate(slices):  # add, bit slice by bit slice
                if not carry:
                    break
                slices[i], carry = value ^ carry, value & carry
            if carry:
                slices.append(carry)
        place = self._newest_first.get(docname)
        if place is not None:  # not related to itself
            slices = [value & ~(1 << place) for value in slices]
        best: list[str] = []
        docs = self._newest_first_docs
        inverse = [~value for value in slices]
        for count in range(min(len(mine), (1 << len(slices)) - 1), 0, -1):
            equal = -1  # the pages whose count is `count`: every slice as its bit says
            for i, value in enumerate(slices):
                equal &= value if count >> i & 1 else inverse[i]
            while equal and len(best) < RELATED_LIMIT:
                lowest = equal & -equal
                best.append(docs[lowest.bit_length() - 1])
                equal ^= lowest
            if len(best) == RELATED_LIMIT:
                break
        ranked: list[tuple[str, list[str]]] = []
        for doc in best:
            theirs = set(self.topics_of_page(doc))
            ranked.append((doc, sorted((s for s in mine if s in theirs),
                                       key=lambda s: self.taxonomy.title(s).lower())))
        return ranked
