"""The topic index: a Sphinx domain index, so the PDF gets it with page numbers.

The PDF lists every topic with every item under it, each with its page number.
In HTML, where each topic has its own page listing its entries, that full list
would be the site's largest page (11 MB at 2,000 pages): there the index lists the
topics A to Z with their counts, each linking to its topic page
(`topics_only`, applied per HTML page at html-page-context).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sphinx.application import Sphinx
from sphinx.domains import Index, IndexEntry

from ..model.graph import KnowledgeGraph
from ..model.records import PAGE_ANCHOR
from .domain import kb_domain

if TYPE_CHECKING:
    from .domain import KnowledgeBaseDomain

INDEX_PAGE = "kb-topicindex"
_GENERATED = "_kb_topic_index"  # on the domain: (the graph, the whole index made from it)


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
        # The HTML builder makes the whole index on every build only to learn that it is
        # not empty (HTML shows `topics_only`): kept while the graph is the same one
        kept = domain.__dict__.get(_GENERATED)
        if docnames is None and kept is not None and kept[0] is graph:
            return kept[1]
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
            content[letter].append(IndexEntry(
                topic.title, 1 if entries else 0, topic.docname, PAGE_ANCHOR,
                _parent(graph, slug), "", ""))
            for entry in sorted(entries, key=lambda e: e.sort_key):
                where = entry.page_title if entry.anchor else entry.kind
                content[letter].append(IndexEntry(
                    entry.title, 2, entry.docname, entry.anchor or PAGE_ANCHOR, where, "", ""))
        generated = (sorted(content.items()), True)
        if docnames is None:
            domain.__dict__[_GENERATED] = (graph, generated)
        return generated


def _parent(graph: KnowledgeGraph, slug: str) -> str:
    parent = graph.taxonomy.topics[slug].parent
    return f"in {graph.taxonomy.topics[parent].title}" if parent else ""


def topics_only(graph: KnowledgeGraph) -> list[tuple[str, list[IndexEntry]]]:
    """The index as HTML shows it: each topic A to Z with its count (what its page lists:
    its own entries and its subtopics'), linked to its page; no items."""
    topics = graph.taxonomy.topics
    content: dict[str, list[IndexEntry]] = defaultdict(list)
    for slug in sorted(topics, key=lambda s: topics[s].title.lower()):
        topic = topics[slug]
        count = graph.listings.count(slug)
        content[topic.title[0].upper()].append(IndexEntry(
            topic.title, 0, topic.docname, PAGE_ANCHOR, _parent(graph, slug), "",
            f"{count} {'entry' if count == 1 else 'entries'}"))
    return sorted(content.items())


def html_topic_index(app: Sphinx, pagename: str, templatename: str,
                     context: dict[str, Any], doctree: Any) -> None:
    """The HTML topic index lists the topics, not their items (see the module's text)."""
    if pagename != INDEX_PAGE or templatename != "domainindex.html":
        return
    context["content"] = topics_only(kb_domain(app.env).graph)
    context["collapse_index"] = False


def setup_topic_index(app: Sphinx) -> None:
    app.add_index_to_domain("kb", TopicIndex)
    # early, so later handlers (search facets, JSON-LD) see the page as it is written
    app.connect("html-page-context", html_topic_index, priority=100)
