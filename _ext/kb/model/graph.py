"""The knowledge graph: every record of one build, indexed once, by concern.

Pure Python. Building it is linear in pages + items + topic references; every
lookup after that is a dictionary access. Each part is a small class of its own:

- `taxonomy`: the topic vocabulary and hierarchy (taxonomy.py);
- `catalogue`: reviews and issues by series, number and date (catalogue.py);
- `listings`: the entries of each topic (listings.py);
- `links`: references, backlinks and related pages (links.py);
- `papers`: cited works, where they are discussed, their authors (papers.py).

`problems` gathers what the parts found wrong across pages, each with the docname
and line to report it on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .catalogue import Catalogue
from .links import Links
from .listings import TopicListings
from .papers import PaperIndex, PaperSource
from .records import Citation, ItemRecord, PageRecord, Problem, Reference
from .taxonomy import Taxonomy


class KnowledgeGraph:
    """All records of one build, and the indexes built from them."""

    def __init__(
        self,
        pages: Mapping[str, PageRecord],
        items: Mapping[str, list[ItemRecord]],
        references: Mapping[str, list[Reference]] | None = None,
        citations: Mapping[str, list[Citation]] | None = None,
        papers: PaperSource = dict,
    ) -> None:
        self.pages = dict(pages)
        self.items = {doc: list(records) for doc, records in items.items()}
        self.taxonomy = Taxonomy(self.pages)
        self.listings = TopicListings(self.pages, self.items, self.taxonomy)
        self.catalogue = Catalogue(self.pages)
        self.links = Links(self.pages, self.items, dict(references or {}), self.taxonomy,
                           self.catalogue, self.listings)
        self.papers = PaperIndex(dict(citations or {}), self.items, papers)
        self.problems: list[tuple[str, Problem]] = [
            *self.taxonomy.problems, *self.listings.problems, *self.catalogue.problems]
        # what each generated view shows (views.data.view_data), worked out once per graph:
        # the schedule's fingerprints, the split lists' parts and the writer all ask
        self.view_memo: dict[Any, Any] = {}

    def page_title(self, docname: str) -> str:
        page = self.pages.get(docname)
        return page.title if page else docname
