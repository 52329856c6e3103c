"""The `kb` domain: the knowledge base's state, keyed by docname, and its references.

Everything the extension knows lives in `self.data`, which Sphinx pickles with the
environment; `clear_doc` and `merge_domaindata` keep it right under incremental
and parallel reads. The `KnowledgeGraph` built from it is derived data: cached on
the domain object for the current build and dropped whenever a record changes.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Set
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from .bibliography import PaperIndexDirective, papers
from .directives import (
    ArchiveDirective,
    AuthorIndexDirective,
    BusiestTopicsDirective,
    ItemDirective,
    NewestDirective,
    TimelineDirective,
    TopicsOverviewDirective,
)
from .indices import TopicIndex
from .navigation import Navigation
from .model import Citation, ItemRecord, KnowledgeGraph, PageRecord, Reference


# the data keys that hold one entry per document
PER_DOCUMENT = ("pages", "items", "refs", "views", "cites", "digests")


class KnowledgeBaseDomain(Domain):
    name = "kb"
    label = "Knowledge base"
    data_version = 6
    object_types = {
        "topic": ObjType("topic", "topic"),
        "item": ObjType("item", "item"),
        "issue": ObjType("issue", "issue"),
        "review": ObjType("review", "review"),
        # for intersphinx only: papers go into objects.inv (cite them here with {cite})
        "paper": ObjType("paper", "paper"),
    }
    directives = {
        "item": ItemDirective,
        "topics-overview": TopicsOverviewDirective,
        "busiest-topics": BusiestTopicsDirective,
        "newest": NewestDirective,
        "timeline": TimelineDirective,
        "archive": ArchiveDirective,
        "paper-index": PaperIndexDirective,
        "author-index": AuthorIndexDirective,
    }
    roles = {
        "topic": XRefRole(),
        "item": XRefRole(),
        "issue": XRefRole(),
        "review": XRefRole(),
    }
    indices = [TopicIndex]
    initial_data: dict[str, Any] = {
        "pages": {},  # docname -> PageRecord (pages with a kind)
        "items": {},  # docname -> [ItemRecord], in page order
        "refs": {},  # docname -> [Reference] of the kb references it makes
        "cites": {},  # docname -> [Citation] of the works its cite roles name
        "views": {},  # docname -> sorted [view key] of generated views it shows
        "digests": {},  # docname -> digest of all the records above for that page
        # Written by the env-updated handler (main process only) to know what to
        # rewrite; not per-document, so neither cleared nor merged.
        "fingerprints": {},  # docname -> digest of the generated content last written
        "state": "",  # digest of every page's records and of refs.bib, when last written
        "bibcheck": {},  # bib file -> (mtime, line of each entry, problems), see bibliography
        "navigation": {},  # what each page's navigation showed when last written
    }
    dangling_warnings = {
        "topic": "unknown topic %(target)r: use a slug or alias of a page in topics/",
        "item": "unknown item %(target)r: write 'docname#anchor' (or the anchor alone "
                "where only one page has it), e.g. reviews/hippocampus-garden/2022#chatgpt",
        "issue": "unknown issue %(target)r: write 'series/number', "
                 "e.g. deep-learning-weekly/220",
        "review": "unknown review %(target)r: write 'series/year' (or the page's docname "
                  "where a series has several reviews of one year), e.g. hippocampus-garden/2022",
    }

    _graph: KnowledgeGraph | None = None
    _navigation: Navigation | None = None

    # -- records -----------------------------------------------------------------
    @property
    def pages(self) -> dict[str, PageRecord]:
        return self.data["pages"]

    @property
    def items(self) -> dict[str, list[ItemRecord]]:
        return self.data["items"]

    def note_page(
        self, docname: str, page: PageRecord | None, items: list[ItemRecord],
        refs: list[Reference], views: Iterable[str], cites: list[Citation],
    ) -> None:
        if page is not None:
            self.pages[docname] = page
        if items:
            self.items[docname] = items
        views = sorted(set(views))
        if refs:
            self.data["refs"][docname] = refs
        if views:
            self.data["views"][docname] = views
        if cites:
            self.data["cites"][docname] = cites
        self.data["digests"][docname] = hashlib.sha256(
            pickle.dumps((page, items, refs, views, cites), protocol=4)).hexdigest()
        self._graph = None
        self._navigation = None

    def clear_doc(self, docname: str) -> None:
        for key in PER_DOCUMENT:
            self.data[key].pop(docname, None)
        self._graph = None
        self._navigation = None

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in PER_DOCUMENT:
            for docname, value in otherdata[key].items():
                if docname in docnames:
                    self.data[key][docname] = value
        self._graph = None
        self._navigation = None

    def forget_graph(self) -> None:
        """Rebuild the graph on next use (after sphinxcontrib-bibtex re-formatted citations)."""
        self._graph = None
        self._navigation = None

    @property
    def navigation(self) -> Navigation:
        """The toctree structure, indexed for the sidebar; built at most once per build."""
        if self._navigation is None:
            self._navigation = Navigation(self.env)
        return self._navigation

    @property
    def graph(self) -> KnowledgeGraph:
        """The whole knowledge base, indexed; built at most once per build."""
        if self._graph is None:
            env = self.env
            self._graph = KnowledgeGraph(self.pages, self.items, self.data["refs"],
                                         self.data["cites"], lambda: papers(env))
        return self._graph

    # -- references ----------------------------------------------------------------
    def resolve_xref(
        self, env: Any, fromdocname: str, builder: Any, typ: str, target: str,
        node: addnodes.pending_xref, contnode: nodes.Element,
    ) -> nodes.reference | None:
        if typ == "item":
            item = self.graph.find_item(target)
            if item is None:
                return None
            if not node.get("refexplicit"):
                contnode = nodes.inline("", item.title, classes=contnode.get("classes", []))
            return make_refnode(builder, fromdocname, item.docname, item.anchor, contnode,
                                item.title)
        if typ in ("issue", "review"):
            found = self.graph.find_page(typ, target)
            if found is None:
                return None
            title = self.graph.pages[found].title
            if not node.get("refexplicit"):
                contnode = nodes.inline("", title, classes=contnode.get("classes", []))
            return make_refnode(builder, fromdocname, found, None, contnode, title)
        if typ != "topic":
            return None
        slug = self.graph.resolve_topic(target)
        if slug is None:
            return None
        topic = self.graph.topics[slug]
        if not node.get("refexplicit"):
            contnode = nodes.inline("", topic.title, classes=contnode.get("classes", []))
        return make_refnode(builder, fromdocname, topic.docname, None, contnode, topic.title)

    def resolve_any_xref(
        self, env: Any, fromdocname: str, builder: Any, target: str,
        node: addnodes.pending_xref, contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        found = []
        for typ in ("topic", "item", "issue", "review"):
            ref = self.resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
            if ref is not None:
                found.append((f"kb:{typ}", ref))
        return found

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Every topic, item, issue, review and paper, with its display name (objects.inv)."""
        graph = self.graph
        for slug, topic in sorted(graph.topics.items()):
            yield slug, topic.title, "topic", topic.docname, "", 1
        for docname in sorted(graph.items):
            for item in graph.items[docname]:
                yield f"{docname}#{item.anchor}", item.title, "item", docname, item.anchor, 0
        for (series, number), docname in sorted(graph.issue_docs.items()):
            yield f"{series}/{number}", graph.pages[docname].title, "issue", docname, "", 1
        for (series, year), docnames in sorted(graph.review_docs.items()):
            # 'series/year' where it names one review; the docname of each where it does not
            named = [(f"{series}/{year}", docnames[0])] if len(docnames) == 1 \
                else [(doc, doc) for doc in sorted(docnames)]
            for name, docname in named:
                yield name, graph.pages[docname].title, "review", docname, "", 1
        for key, paper in sorted(graph.papers.items()):
            if paper.docname:
                yield key, paper.title, "paper", paper.docname, paper.anchor, 1
