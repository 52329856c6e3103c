"""The topic index: a Sphinx domain index, so the PDF gets it with page numbers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sphinx.application import Sphinx
from sphinx.domains import Index, IndexEntry

from .model import PAGE_ANCHOR

if TYPE_CHECKING:
    from .domain import KnowledgeBaseDomain


class TopicIndex(Index):
    """Every topic, A to Z, with the items and pages that carry it as sub-entries."""

    name = "topicindex"
    localname = "Topic index"
    shortname = "topics"

    def generate(
        self, docnames: Iterable[str] | None = None
    ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain: KnowledgeBaseDomain = self.domain  # type: ignore[assignment]
        graph = domain.graph
        topics = graph.taxonomy.topics
        wanted = set(docnames) if docnames is not None else None
        content: dict[str, list[IndexEntry]] = defaultdict(list)
        for slug in sorted(topics, key=lambda s: topics[s].title.lower()):
            topic = topics[slug]
            entries = [
                e for e in graph.listings.direct.get(slug, ())
                if wanted is None or e.docname in wanted
            ]
            if wanted is not None and topic.docname not in wanted and not entries:
                continue
            letter = topic.title[0].upper()
            parent = topics[topic.parent].title if topic.parent else ""
            content[letter].append(IndexEntry(
                topic.title, 1 if entries else 0, topic.docname, PAGE_ANCHOR,
                f"in {parent}" if parent else "", "", ""))
            for entry in sorted(entries, key=lambda e: e.sort_key):
                where = entry.page_title if entry.anchor else entry.kind
                content[letter].append(IndexEntry(
                    entry.title, 2, entry.docname, entry.anchor or PAGE_ANCHOR, where, "", ""))
        return sorted(content.items()), True


def setup_indices(app: Sphinx) -> None:
    app.add_index_to_domain("kb", TopicIndex)
