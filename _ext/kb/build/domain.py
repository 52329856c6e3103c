"""The `kb` domain: the knowledge base's state, keyed by docname, and its references.

Everything the extension knows lives in `self.data`, which Sphinx pickles with the
environment; `clear_doc` and `merge_domaindata` keep it right under incremental
and parallel reads. Each data key has a typed property (domain_data.py). The
`KnowledgeGraph` built from the records, and the excerpts' texts, are derived data:
cached on the domain object for the current build and dropped whenever a record
changes. The graph is kept, though, when the records a page was read again into are
the ones it had, and refs.bib is the file it was: a later build on the same application
(the live preview's warm rebuild, cli/warm_build.py) then uses the graph, and what is
derived from it and kept by its identity, as they are.

Its directives, roles and index are registered by the modules that define them
(see `__init__.py`), so this module imports only the model.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator, Set
from functools import cached_property
from typing import Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import make_refnode

from ..bib.cite_domain import cite_domain, papers_of
from ..model.graph import KnowledgeGraph
from .config import kb_config
from .domain_data import INITIAL_DATA, PER_DOCUMENT, DomainData, PageData
from .excerpts import CITE, excerpt_text
from .navigation import Navigation


class KnowledgeBaseDomain(DomainData, Domain):
    name = "kb"
    label = "Knowledge base"
    data_version = 11
    object_types = {
        "topic": ObjType("topic", "topic"),
        "item": ObjType("item", "item"),
        "issue": ObjType("issue", "issue"),
        "review": ObjType("review", "review"),
        # for intersphinx only: papers go into objects.inv (cite them here with {cite})
        "paper": ObjType("paper", "paper"),
    }
    initial_data = INITIAL_DATA
    dangling_warnings = {
        "topic": "unknown topic %(target)r: use a slug or alias of a page in topics/",
        "item": "unknown item %(target)r: write 'docname#anchor' (or the anchor alone "
                "where only one page has it), e.g. reviews/hippocampus-garden/2022#chatgpt",
        "issue": "unknown issue %(target)r: write 'series/number', "
                 "e.g. deep-learning-weekly/220",
        "review": "unknown review %(target)r: write 'series/year' (or the page's docname "
                  "where a series has several reviews of one year), e.g. hippocampus-garden/2022",
    }

    # -- records ---------------------------------------------------------------------
    def note_page(self, docname: str, found: PageData) -> None:
        self.pages[docname] = found.page
        views = sorted(set(found.views))
        for key, value in (("items", found.items), ("refs", found.references),
                           ("views", views), ("cites", found.citations),
                           ("excerpts", found.excerpts)):
            if value:
                self.data[key][docname] = value
        self.digests[docname] = hashlib.sha256(pickle.dumps(
            (found.page, found.items, found.references, views, found.citations, found.excerpts),
            protocol=4)).hexdigest()
        self.forget_graph()

    def clear_doc(self, docname: str) -> None:
        for key in PER_DOCUMENT:
            self.data[key].pop(docname, None)
        self.forget_graph()

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in PER_DOCUMENT:
            for docname, value in otherdata[key].items():
                if docname in docnames:
                    self.data[key][docname] = value
        self.forget_graph()

    _graph: tuple[Any, KnowledgeGraph] | None = None  # (what it was made from, the graph)
    _graph_checked = False  # no record changed since the graph was made or found current

    def forget_graph(self) -> None:
        """Rebuild the navigation and excerpts' texts on next use, and the graph unless
        its records and refs.bib turn out the same (records or citations changed)."""
        for derived in ("navigation", "_excerpt_texts"):
            self.__dict__.pop(derived, None)
        self._graph_checked = False

    @cached_property
    def navigation(self) -> Navigation:
        """The toctree structure, indexed for the sidebar; built at most once per build."""
        return Navigation(self.env)

    def _graph_basis(self) -> Any:
        """What the graph is made of: each page's records (their digest) and the bib files
        as sphinxcontrib-bibtex last read them (the papers' records)."""
        bibdata = getattr(cite_domain(self.env), "bibdata", None)
        bibfiles = getattr(bibdata, "bibfiles", {}) or {}
        return (hashlib.sha256(repr(sorted(self.digests.items())).encode()).hexdigest(),
                sorted((str(path), getattr(info, "mtime", None))
                       for path, info in bibfiles.items()))

    @property
    def graph(self) -> KnowledgeGraph:
        """The whole knowledge base, indexed; built at most once per build."""
        if self._graph is not None and self._graph_checked:
            return self._graph[1]
        basis = self._graph_basis()
        if self._graph is None or self._graph[0] != basis:
            # the papers are asked for only when a view shows them
            self._graph = (basis, KnowledgeGraph(
                self.pages, self.items, self.references, self.citations,
                lambda: papers_of(cite_domain(self.env), kb_config(self.env.config).people)))
        self._graph_checked = True
        return self._graph[1]

    def graph_of(self, docnames: Set[str]) -> KnowledgeGraph:
        """The part of the knowledge base these documents hold (a volume of the book:
        build/volumes.py), indexed: its pages, items, references and the works they cite."""
        def kept(data: dict[str, Any]) -> dict[str, Any]:
            return {doc: value for doc, value in data.items() if doc in docnames}

        citations = kept(self.citations)
        cited = {citation.key for cites in citations.values() for citation in cites}
        whole = self.graph
        return KnowledgeGraph(kept(self.pages), kept(self.items), kept(self.references),
                              citations, lambda: {key: paper for key, paper
                                                  in whole.papers.papers.items() if key in cited})

    # -- what describes a page or an item -------------------------------------------
    @cached_property
    def _excerpt_texts(self) -> dict[tuple[str, str], str]:
        return {}

    def excerpt(self, docname: str, anchor: str = "") -> str:
        """What describes the page (`anchor` "") or its item, as plain text: the page's
        summary, else the first sentences of its or the item's first paragraph, with
        references by their targets' titles (excerpts.py); "" if it has neither. Used
        by the feeds, the link previews, the page's meta description and its JSON-LD."""
        page = self.pages.get(docname)
        if not anchor and page is not None and page.summary:
            return page.summary
        texts = self._excerpt_texts
        if (docname, anchor) not in texts:
            parts = self.excerpts.get(docname, {}).get(anchor, [])
            texts[docname, anchor] = excerpt_text(parts, self._reference_title) if parts else ""
        return texts[docname, anchor]

    def _reference_title(self, kind: str, target: str) -> str | None:
        """The text a page shows for a reference (excerpts.py): a citation as the reference
        style renders it, a page by its title, a label by its section's title, a kb
        target by its title; None for what is not there (the build warned about it)."""
        if kind.startswith(CITE):
            return cite_domain(self.env).citation_text(kind.removeprefix(CITE), target)
        if kind == "doc":
            title = self.env.titles.get(target)
            return title.astext() if title is not None else None
        if kind == "ref":
            label = self.env.get_domain("std").labels.get(target)  # type: ignore[attr-defined]
            return label[2] if label and label[2] else None
        links = self.graph.links
        return links.title(kind, links.resolve(kind, target))

    # -- references ----------------------------------------------------------------
    def _target(self, typ: str, target: str) -> tuple[str, str | None, str] | None:
        """(docname, anchor, title) of what a reference of type `typ` names."""
        graph = self.graph
        if typ == "item":
            item = graph.links.find_item(target)
            return (item.docname, item.anchor, item.title) if item else None
        if typ in ("issue", "review"):
            found = graph.catalogue.find(typ, target)
            return (found, None, graph.pages[found].title) if found else None
        slug = graph.taxonomy.resolve(target) if typ == "topic" else None
        if slug is None:
            return None
        topic = graph.taxonomy.topics[slug]
        return topic.docname, None, topic.title

    def resolve_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Any, typ: str, target: str,
        node: addnodes.pending_xref, contnode: nodes.Element,
    ) -> nodes.reference | None:
        found = self._target(typ, target)
        if found is None:
            return None
        docname, anchor, title = found
        if not node.get("refexplicit"):
            contnode = nodes.inline("", title, classes=contnode.get("classes", []))
        return make_refnode(builder, fromdocname, docname, anchor, contnode, title)

    def resolve_any_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Any, target: str,
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
        for slug, topic in sorted(graph.taxonomy.topics.items()):
            yield slug, topic.title, "topic", topic.docname, "", 1
        for docname in sorted(graph.items):
            for item in graph.items[docname]:
                yield f"{docname}#{item.anchor}", item.title, "item", docname, item.anchor, 0
        for (series, number), docname in sorted(graph.catalogue.issue_docs.items()):
            yield f"{series}/{number}", graph.pages[docname].title, "issue", docname, "", 1
        for (series, year), docnames in sorted(graph.catalogue.review_docs.items()):
            # 'series/year' where it names one review; the docname of each where it does not
            named = [(f"{series}/{year}", docnames[0])] if len(docnames) == 1 \
                else [(doc, doc) for doc in sorted(docnames)]
            for name, docname in named:
                yield name, graph.pages[docname].title, "review", docname, "", 1
        # the HTML inventory: a paper index split by year has each entry on its year's page
        parts = graph.papers.part_pages(kb_config(self.env.config).split_links)
        for key, paper in sorted(graph.papers.papers.items()):
            if paper.docname:
                yield (key, paper.title, "paper", parts.get(paper.anchor, paper.docname),
                       paper.anchor, 1)


def kb_domain(env: BuildEnvironment) -> KnowledgeBaseDomain:
    """The `kb` domain of a build, typed."""
    return cast(KnowledgeBaseDomain, env.get_domain("kb"))
