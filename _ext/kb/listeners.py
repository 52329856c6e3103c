"""Event handlers: read each page into records, check the whole, choose what to rewrite."""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
# the cite roles' target syntax ("{pre}key{post},key2"), parsed their way
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from . import bibliography, contract, frontmatter, model, views
from .directives import topic_reference
from .domain import KnowledgeBaseDomain
from .nodes import kb_view, view

logger = logging.getLogger(__name__)



def warn(message: str, docname: str, line: int | None, subtype: str) -> None:
    logger.warning(message, location=(docname, line), type="kb", subtype=subtype)


def domain_of(env: BuildEnvironment) -> KnowledgeBaseDomain:
    return cast(KnowledgeBaseDomain, env.get_domain("kb"))


# -- reading --------------------------------------------------------------------


def stash_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """Parse the YAML front matter (types and lines kept) while the text is at hand."""
    if app.env.doc2path(docname).suffix == ".md":
        app.env.temp_data["kb_front_matter"] = frontmatter.load(source[0])


def _cited_keys(node: nodes.Element) -> list[str]:
    """The keys of the cite roles in `node` (itself one, or containing some)."""
    keys: list[str] = []
    for ref in node.findall(addnodes.pending_xref):
        if ref.get("refdomain") != "cite":
            continue
        try:
            keys.extend(t.key for t in parse_citation_targets(ref["reftarget"]))
        except ValueError:
            continue  # sphinxcontrib-bibtex reports the malformed target itself
    return keys


def _first_title(doctree: nodes.document) -> nodes.title | None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        return section[0]
    return None


def collect_page(app: Sphinx, doctree: nodes.document) -> None:
    """Turn the parsed page into records in the domain (runs before the title collector)."""
    env = app.env
    docname = env.docname
    fm: frontmatter.FrontMatter = env.temp_data.pop("kb_front_matter", None) or frontmatter.FrontMatter()
    if fm.error:
        warn(fm.error, docname, fm.error_line, "front_matter")
    for message, line in fm.problems:
        warn(message, docname, line, "front_matter")

    title_node = _first_title(doctree)
    title = title_node.astext() if title_node is not None else docname
    page, problems = contract.read_front_matter(docname, title, fm.data, fm.lines, app.config.kb_series)
    for problem in problems:
        warn(problem.message, docname, problem.line, problem.subtype)
    if page is not None and "title" in fm.data and page.title != title:
        if title_node is not None:
            # the front-matter title overrides the first heading, as the contract says
            title_node.children = []
            title_node += nodes.Text(page.title)
        else:
            warn("the page has no heading for its title to replace; add a '# Heading'",
                 docname, fm.lines.get("title"), "front_matter")

    # a page whose front matter is broken or names a misspelt kind was reported
    # already; don't also tell its items they are on the wrong kind of page
    kind_unknown = page is None and (fm.error is not None or "kind" in fm.data)
    items = _collect_items(doctree, docname, page, kind_unknown)
    if page is not None and title_node is not None:
        position = title_node.parent.index(title_node) + 1
        title_node.parent.insert(position, page_details(page, app.config.kb_series, docname))
        title_node.parent.insert(position, nodes.target("", "", ids=[model.PAGE_ANCHOR]))

    _place_views(doctree, docname, page)
    refs = [
        model.Reference(docname, _enclosing_item(node), node["reftype"], node["reftarget"],
                        node.line, bool(node.get("kb_generated")))
        for node in doctree.findall(addnodes.pending_xref)
        if node.get("refdomain") == "kb"
    ]
    view_keys = [node["key"] for node in doctree.findall(kb_view)]
    cites = [
        model.Citation(docname, _enclosing_item(node), key, node.line)
        for node in doctree.findall(addnodes.pending_xref)
        if node.get("refdomain") == "cite"
        for key in _cited_keys(node)
    ]
    # ordinary pages are recorded too (kind None), so a backlink from one shows its title
    record = page or model.PageRecord(docname, None, title)
    domain_of(env).note_page(docname, record, items, refs, view_keys, cites)


def _place_views(doctree: nodes.document, docname: str, page: model.PageRecord | None) -> None:
    """The views every page of a kind shows: listings, series links, related pages, backlinks."""
    if page is None:
        return
    body = next(iter(doctree.findall(nodes.section)), None) or doctree
    if page.kind == "topic":
        body += view(f"listing:{page.slug}", docname)
        body += view(f"backlinks:topic:{page.slug}", docname)
        return
    for item in doctree.findall(nodes.container):
        if item.get("kb_item"):
            item += view(f"item-backlinks:{docname}#{item['ids'][0]}", docname)
    body += view(f"references:{docname}", docname)
    body += view(f"series-nav:{docname}", docname)
    body += view(f"related:{docname}", docname)
    body += view(f"backlinks:{docname}", docname)


def _enclosing_item(node: nodes.Node) -> str:
    for ancestor in _ancestors(node):
        if isinstance(ancestor, nodes.container) and ancestor.get("kb_item"):
            return ancestor["kb_anchor"]
    return ""


def page_details(page: model.PageRecord, series: dict[str, Any], docname: str) -> nodes.Element:
    """The line under a page's title: kind, series, date, authors, source; then topics."""
    box = nodes.container(classes=["kb-page-details"])
    line = nodes.paragraph(classes=["kb-page-meta"])
    parts: list[list[nodes.Node]] = []
    if page.kind == "topic":
        parts.append([nodes.Text("Topic")])
        if page.parent:
            parts.append([nodes.Text("part of "), topic_reference(page.parent.name, docname)])
        if page.aliases:
            parts.append([nodes.Text("also known as " + ", ".join(page.aliases))])
    else:
        kind = "Newsletter issue" if page.kind == "newsletter" else "Year review"
        if page.kind == "review" and page.year:
            kind = f"Review of {page.year}"
        parts.append([nodes.Text(kind)])
        if page.series and page.series in series:
            info = series[page.series]
            name = info.get("name", page.series)
            label = f"{name}, issue {page.issue}" if page.issue else name
            parts.append([nodes.reference("", label, refuri=info["url"])] if info.get("url")
                         else [nodes.Text(label)])
        if page.date:
            parts.append([nodes.Text(f"published {page.date.display()}"
                                     + (" (day unknown)" if page.date.day is None else ""))])
        if page.authors:
            parts.append([nodes.Text("by " + ", ".join(page.authors))])
        if page.source:
            parts.append([nodes.reference("", "original", refuri=page.source)])
    for index, part in enumerate(parts):
        if index:
            line += nodes.Text(" · ")
        line.extend(part)
    box += line
    if page.topics:
        topics = nodes.paragraph(classes=["kb-page-topics"])
        topics += nodes.Text("Topics: ")
        for index, ref in enumerate(page.topics):
            if index:
                topics += nodes.Text(", ")
            topics += topic_reference(ref.name, docname)
        box += topics
    return box


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _collect_items(
    doctree: nodes.document, docname: str, page: model.PageRecord | None, kind_unknown: bool,
) -> list[model.ItemRecord]:
    items: list[model.ItemRecord] = []
    anchors: set[str] = set()
    for node in doctree.findall(nodes.container):
        if not node.get("kb_item"):
            continue
        line = node.line
        if not kind_unknown and (page is None or page.kind not in ("review", "newsletter")):
            warn("kb:item entries belong on review and newsletter pages; "
                 "give this page kind: review or kind: newsletter", docname, line, "item")
        anchor = node["kb_anchor"]
        if anchor in anchors:
            unique = next(f"{anchor}-{n}" for n in range(2, 10**6) if f"{anchor}-{n}" not in anchors)
            warn(f"two items on this page have the anchor {anchor!r}; give this one "
                 f":id: {unique} (or another unique id)", docname, line, "item")
            node["ids"] = [unique if i == anchor else i for i in node["ids"]]
            anchor = unique
        anchors.add(anchor)
        depth = sum(1 for ancestor in _ancestors(node) if isinstance(ancestor, nodes.section))
        node[0]["heading-level"] = min(6, max(depth, 1) + 1)
        cites = list(dict.fromkeys(_cited_keys(node)))
        items.append(model.ItemRecord(
            docname=docname,
            anchor=anchor,
            title=node["kb_title"],
            kind=node["kb_kind"],
            topics=tuple(model.TopicRef(name, node.get("kb_topics_line") or line)
                         for name in node["kb_topics"]),
            cites=tuple(cites),
            url=node["kb_url"] or None,
            line=line,
        ))
    return items


# -- after reading: check the whole, choose what to rewrite -------------------------


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _bib_state(env: BuildEnvironment) -> list[Any]:
    bibfiles = cast(Any, env.get_domain("cite")).bibdata.bibfiles
    return sorted((str(path), info.mtime) for path, info in bibfiles.items())


def _citation_state(env: BuildEnvironment) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Per cited key, what its citations show; per page, the keys shown there.

    sphinxcontrib-bibtex decides, after every read, which entries each
    bibliography lists and what each citation looks like, but never asks for the
    pages that show them to be rewritten (the stale global bibliography of
    PRODUCT.md lesson 8). These are the inputs for that.
    """
    cite = cast(Any, env.get_domain("cite"))
    shown: dict[str, Any] = {}
    keys_by_doc: dict[str, list[str]] = {}
    for citation in cite.citations:
        entry = citation.entry
        shown[citation.key] = (
            citation.citation_id, citation.bibliography_key.docname,
            sorted(entry.fields.items()),
            sorted((role, [str(p) for p in people]) for role, people in entry.persons.items()),
        )
        keys_by_doc.setdefault(citation.bibliography_key.docname, []).append(citation.key)
    for ref in cite.citation_refs:
        keys_by_doc.setdefault(ref.docname, []).extend(t.key for t in ref.targets)
    return shown, keys_by_doc


def _fingerprint(
    domain: KnowledgeBaseDomain, docname: str, citations: dict[str, Any], cited: list[str],
) -> str | None:
    """What the page shows that comes from other pages: views, reference titles, citations."""
    graph = domain.graph
    shown: list[Any] = []
    keys = set(cited)
    for key in domain.data["views"].get(docname, ()):
        shown.append((key, views.fingerprint(graph, key)))
    for ref in domain.data["refs"].get(docname, ()):
        target = graph.resolve(ref.reftype, ref.target)
        shown.append((ref.reftype, ref.target, target, _title_of(graph, ref.reftype, target)))
    shown.extend((key, citations.get(key)) for key in sorted(keys))
    return _digest(shown) if shown else None


def _title_of(graph: model.KnowledgeGraph, reftype: str, target: str | None) -> str | None:
    """The text a resolved reference shows by default."""
    if target is None:
        return None
    if reftype == "topic":
        return graph.topics[target].title
    if reftype == "item":
        item = graph.find_item(target)
        return item.title if item else None
    page = graph.pages.get(target)
    return page.title if page else None


def _navigation(env: BuildEnvironment) -> tuple[dict[str, str], dict[str, str]]:
    """What navigation shows, by page: each toctree's entries (with their titles), and
    each page's parent, previous and next page (with theirs)."""
    titles = {doc: title.astext() for doc, title in env.titles.items()}
    entries = {parent: _digest([(child, titles.get(child)) for child in children])
               for parent, children in env.toctree_includes.items()}
    neighbours = {doc: _digest([(other, titles.get(other)) for other in related])
                  for doc, related in env.collect_relations().items()}
    return entries, neighbours


def _subtree(env: BuildEnvironment, top: str) -> set[str]:
    found, stack = set(), [top]
    while stack:
        doc = stack.pop()
        if doc not in found:
            found.add(doc)
            stack.extend(env.toctree_includes.get(doc, ()))
    return found


def _stale_navigation(env: BuildEnvironment, domain: KnowledgeBaseDomain) -> set[str]:
    """Pages whose navigation shows something that changed since the last build.

    Sphinx rewrites only the pages it re-read (and their toctree parents), but the
    theme puts navigation into every page. With `kb_navigation = "branch"` (the
    theme shows only the current branch, as sphinx-book-theme does with
    collapse_navbar), a change to a toctree's entries (a page added, removed,
    renamed or retitled) is shown by that toctree's page and the pages below it;
    a change to the top-level toctree, by every page. With "site", any change
    rewrites every page.
    """
    entries, neighbours = _navigation(env)
    old = domain.data["navigation"]
    old_entries, old_neighbours = old.get("entries", {}), old.get("neighbours", {})
    domain.data["navigation"] = {"entries": entries, "neighbours": neighbours}
    changed = {doc for doc in entries.keys() | old_entries.keys()
               if entries.get(doc) != old_entries.get(doc)}
    stale = {doc for doc in neighbours if neighbours[doc] != old_neighbours.get(doc)}
    if not changed:
        return stale
    if env.config.kb_navigation != "branch" or env.config.root_doc in changed:
        return set(env.found_docs)
    for container in changed:
        if container in env.found_docs:
            stale |= _subtree(env, container)
    return stale


def check_and_schedule(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Report cross-page problems; return the pages whose output must be rewritten.

    Runs after every read phase, also when nothing was read, so problems that
    span pages are reported on every build until they are fixed.
    """
    domain = domain_of(env)
    domain.forget_graph()  # sphinxcontrib-bibtex has just re-formatted the citations
    graph = domain.graph
    domain.navigation  # built here, before parallel writers fork, so each need not
    for docname, problem in graph.problems:
        warn(problem.message, docname, problem.line, problem.subtype)
    bibliography.check_citations(env, domain.data["cites"])

    # What every generated view shows is a function of the records and of refs.bib:
    # when neither changed (a no-op, or an edit of text only), no view changed.
    state = _digest([sorted(domain.data["digests"].items()), _bib_state(env)])
    rewrite: set[str] = set()
    if state != domain.data["state"]:
        old = domain.data["fingerprints"]
        new: dict[str, str] = {}
        citations, cited = _citation_state(env)
        for docname in sorted(env.found_docs):
            fingerprint = _fingerprint(domain, docname, citations, cited.get(docname, []))
            if fingerprint is not None:
                new[docname] = fingerprint
        rewrite = {doc for doc in new if new[doc] != old.get(doc)}
        domain.data["fingerprints"] = new
        domain.data["state"] = state

    rewrite |= _stale_navigation(env, domain)
    return sorted(rewrite & env.found_docs)


def quiet_generated_references(app: Sphinx, domain: Any, node: addnodes.pending_xref) -> bool | None:
    """An unknown topic in an item's topic line is already reported, with its line."""
    return True if node.get("kb_generated") else None
