"""After reading: decide which pages must be written again (at env-updated).

Sphinx rewrites the pages it re-read (and their toctree parents). A page also
shows what other pages hold: its generated views, the titles of what it
references, its citations, and the navigation. Each of those is fingerprinted
here, and a page whose fingerprint changed since the last build is returned to
Sphinx to be rewritten, so an incremental build writes what a clean build would.

A view's fingerprint is worked out again only when the records that changed can
reach it (views/deps.py); the others keep last build's, so an edit of one page costs
the views it touches, not every view of the site.

The live preview has the pages a save changed written first (cli/warm_build.py), and this
work done after them (`rewrite_later`): at env-updated nothing more is asked for, and once
the pages read are written, the same schedule names the others, which are written then.
The environment is pickled between the two, with the fingerprints of the build before:
`rewrites_pending` says so in the pickle, and a build that starts from such a pickle (its
worker ended before the rewrites were written) rewrites every page. A worker that ends
in order pickles the environment again first (`pickle_environment`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..bib.cite_domain import cite_domain
from ..compat.sphinx import document_relations, toctree_children
from ..views.data import ViewKey, fingerprint, view_data
from ..views.deps import RelatedShown, basis, changes, footprints, may_have_changed, related_shown
from ..views.linking import author_entry_pages
from .config import kb_config
from .domain import KnowledgeBaseDomain, kb_domain


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _bib_state(env: BuildEnvironment) -> list[Any]:
    bibfiles = cite_domain(env).bibdata.bibfiles
    return sorted((str(path), info.mtime) for path, info in bibfiles.items())


def _citation_state(env: BuildEnvironment) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Per cited key, what its citations show; per page, the keys shown there.

    sphinxcontrib-bibtex decides, after every read, which entries each
    bibliography lists and what each citation looks like, but never asks for the
    pages that show them to be rewritten: without this, a key cited for the first
    time links to an entry the paper index does not have until a clean build.
    These are the inputs for that.
    """
    cite = cite_domain(env)
    shown: dict[str, Any] = {}
    keys_by_doc: dict[str, list[str]] = {}
    # in HTML, the part of a split paper index that holds the entry (outputs/part_pages.py),
    # and those holding its authors' entries, which a page citing it links to (its JSON-LD)
    domain = kb_domain(env)
    split_links = kb_config(env.config).split_links
    parts = domain.graph.papers.part_pages(split_links)
    people = author_entry_pages(domain, split_links)
    papers = domain.graph.papers.papers
    for citation in cite.citations:
        entry = citation.entry
        paper = papers.get(citation.key)
        shown[citation.key] = (
            citation.citation_id, citation.bibliography_key.docname,
            parts.get(citation.citation_id),
            [people.get(author.anchor) for author in paper.authors] if paper else None,
            sorted(entry.fields.items()),
            sorted((role, [str(p) for p in people]) for role, people in entry.persons.items()),
        )
        keys_by_doc.setdefault(citation.bibliography_key.docname, []).append(citation.key)
    for ref in cite.citation_refs:
        keys_by_doc.setdefault(ref.docname, []).extend(t.key for t in ref.targets)
    return shown, keys_by_doc


def _fingerprint(domain: KnowledgeBaseDomain, docname: str, views: Mapping[ViewKey, str],
                 citations: dict[str, Any], cited: list[str]) -> str | None:
    """What the page shows that comes from other pages: views, reference titles, citations."""
    graph = domain.graph
    shown: list[Any] = [(key, views[key]) for key in domain.views.get(docname, ())]
    if shown:  # views link to paper index entries: on one page, or on its parts
        shown.append(bool(graph.papers.part_pages(kb_config(domain.env.config).split_links)))
    for ref in domain.references.get(docname, ()):
        target = graph.links.resolve(ref.reftype, ref.target)
        shown.append((ref.reftype, ref.target, target, graph.links.title(ref.reftype, target)))
    shown.extend((key, citations.get(key)) for key in sorted(set(cited)))
    return _digest(shown) if shown else None


def _view_fingerprints(env: BuildEnvironment, domain: KnowledgeBaseDomain) -> dict[ViewKey, str]:
    """The fingerprint of every view a page shows: worked out again for the views the
    records that changed since the last build can reach (views/deps.py), kept for the rest."""
    graph = domain.graph
    now = footprints(graph, domain.digests)
    # where each paper's entry is, when the paper index is split: a paper moved to another
    # part (its group split again) changes what the views linking to it show, which the
    # records that changed do not tell, so every view is worked out again
    paper_pages = graph.papers.part_pages(kb_config(env.config).split_links)
    basis_now = basis(graph, (_bib_state(env), sorted(paper_pages.items())))
    found = changes(graph, domain.footprints, now)
    found.everything = basis_now != domain.basis or not domain.view_fingerprints
    old, shown = domain.view_fingerprints, domain.related_shown
    views: dict[ViewKey, str] = {}
    related: dict[str, RelatedShown] = {}
    for key in sorted({key for keys in domain.views.values() for key in keys}):
        if key in old and not may_have_changed(key, found, now, shown):
            views[key] = old[key]
            if key.kind == "related" and key.argument in shown:
                related[key.argument] = shown[key.argument]
            continue
        views[key] = fingerprint(graph, key, paper_pages)
        if key.kind == "related":
            related[key.argument] = related_shown(view_data(graph, key))
    domain.footprints, domain.basis = now, basis_now
    domain.view_fingerprints, domain.related_shown = views, related
    return views


def _stale_views(env: BuildEnvironment, domain: KnowledgeBaseDomain) -> set[str]:
    """Pages whose generated content changed since the last build.

    What every generated view shows is a function of the records and of refs.bib:
    when neither changed (a no-op, or an edit of text only), no view changed.
    """
    state = _digest([sorted(domain.digests.items()), _bib_state(env)])
    if state == domain.state:
        return set()
    old = domain.fingerprints
    new: dict[str, str] = {}
    views = _view_fingerprints(env, domain)
    citations, cited = _citation_state(env)
    for docname in sorted(env.found_docs):
        found = _fingerprint(domain, docname, views, citations, cited.get(docname, []))
        if found is not None:
            new[docname] = found
    domain.fingerprints = new
    domain.state = state
    return {doc for doc in new if new[doc] != old.get(doc)}


def _navigation(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    """What navigation shows, by page: each toctree's entries (with their titles), and
    each page's parent, previous and next page (with theirs)."""
    titles = {doc: title.astext() for doc, title in env.titles.items()}
    entries = {parent: _digest([(child, titles.get(child)) for child in children])
               for parent, children in toctree_children(env).items()}
    neighbours = {doc: _digest([(other, titles.get(other)) for other in related])
                  for doc, related in document_relations(env).items()}
    return {"entries": entries, "neighbours": neighbours}


def _subtree(env: BuildEnvironment, top: str) -> set[str]:
    found, stack = set(), [top]
    while stack:
        doc = stack.pop()
        if doc not in found:
            found.add(doc)
            stack.extend(toctree_children(env).get(doc, ()))
    return found


def _stale_navigation(env: BuildEnvironment, domain: KnowledgeBaseDomain) -> set[str]:
    """Pages whose navigation shows something that changed since the last build.

    The sidebar shows only the current branch (navigation.py), so a change to a
    toctree's entries (a page added, removed, renamed or retitled) is shown by that
    toctree's page and the pages below it; a change to the top-level toctree, by
    every page.
    """
    now, old = _navigation(env), domain.navigation_shown
    domain.navigation_shown = now
    entries, old_entries = now["entries"], old.get("entries", {})
    neighbours, old_neighbours = now["neighbours"], old.get("neighbours", {})
    changed = {doc for doc in entries.keys() | old_entries.keys()
               if entries.get(doc) != old_entries.get(doc)}
    stale = {doc for doc in neighbours if neighbours[doc] != old_neighbours.get(doc)}
    if not changed:
        return stale
    if env.config.root_doc in changed:
        return set(env.found_docs)
    for container in changed:
        if container in env.found_docs:
            stale |= _subtree(env, container)
    return stale


def _rewrites(env: BuildEnvironment, untrusted: bool) -> list[str]:
    domain = kb_domain(env)
    domain.navigation  # built here, before parallel writers fork, so each need not
    rewrite = _stale_views(env, domain) | _stale_navigation(env, domain)
    domain.rewrites_pending = False
    if untrusted:  # the last fingerprints may not be what the pages show
        return sorted(env.found_docs)
    return sorted(rewrite & env.found_docs)


_LATER = "_kb_rewrites_later"  # on the builder: its `_Deferred` (where `rewrite_later` ran)


class _Deferred:
    """One application's deferred schedule: set at env-updated, taken once the pages
    read are written."""

    def __init__(self, defer: Callable[[], bool]) -> None:
        self.defer = defer
        self.untrusted: bool | None = None  # None: nothing deferred in this build


def schedule_rewrites(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The pages to write again, besides those Sphinx re-read (none yet where the build
    defers them, `rewrite_later`)."""
    domain = kb_domain(env)
    untrusted = domain.rewrites_pending
    deferred: _Deferred | None = getattr(app.builder, _LATER, None)
    if deferred is not None and deferred.defer():
        deferred.untrusted = untrusted
        domain.rewrites_pending = True
        return []
    return _rewrites(env, untrusted)


def rewrite_later(app: Sphinx, defer: Callable[[], bool]) -> Callable[[], list[str]]:
    """From now on, builds of `app` in which `defer()` holds at env-updated ask for no
    rewrites then; the callable returned names them, to be called once, after the pages
    Sphinx writes anyway (those read, and their toctree parents) are written. (For the
    live preview, which writes those first.)"""
    deferred = _Deferred(defer)
    setattr(app.builder, _LATER, deferred)

    def later() -> list[str]:
        untrusted, deferred.untrusted = deferred.untrusted, None
        return [] if untrusted is None else _rewrites(app.env, untrusted)

    return later


def setup_schedule(app: Sphinx) -> None:
    # after check.check_whole (600), which rebuilt the graph from this read's records
    app.connect("env-updated", schedule_rewrites, priority=610)
