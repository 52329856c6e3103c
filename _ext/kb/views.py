"""The generated views: what each shows (`view_data`) and how it renders (`render`).

`view_data` is what the env-updated handler fingerprints to decide which pages to
rewrite; `render` builds standard docutils nodes from exactly that data, so a page
is rewritten if and only if what it shows has changed.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from docutils import nodes
from sphinx import addnodes

from .model import Entry, KnowledgeGraph

# make_link(todocname, anchor or None, child nodes) -> reference node
LinkMaker = Callable[[str, str | None, list[nodes.Node]], nodes.Node]


def view_key(node: nodes.Element) -> str:
    if "slug" in node:
        return f"listing:{node['slug']}"
    return "overview"


def view_data(graph: KnowledgeGraph, key: str) -> Any:
    """A plain, comparable value holding everything the view shows."""
    if key.startswith("listing:"):
        slug = key.split(":", 1)[1]
        if slug not in graph.topics:
            return ("missing", slug)
        return tuple(
            (e.docname, e.anchor, e.title, e.kind, e.page_title,
             e.date.iso() if e.date else "", e.cites)
            for e in graph.listing(slug)
        )
    if key == "overview":
        return tuple(
            (slug, t.title, t.docname, t.parent, graph.count(slug))
            for slug, t in sorted(graph.topics.items())
        )
    raise KeyError(key)


def cited_keys(graph: KnowledgeGraph, key: str) -> set[str]:
    """The bibliography keys a view cites (their labels are part of what it shows)."""
    if key.startswith("listing:"):
        slug = key.split(":", 1)[1]
        if slug in graph.topics:
            return {cite for entry in graph.listing(slug) for cite in entry.cites}
    return set()


def _heading(text: str, level: int, classes: list[str]) -> nodes.rubric:
    heading = nodes.rubric(text, text, classes=classes)
    heading["heading-level"] = level
    return heading


def _citations(keys: tuple[str, ...], docname: str) -> addnodes.pending_xref:
    """A citation resolved by sphinxcontrib-bibtex, as `{cite:p}` would make it."""
    target = ",".join(keys)
    return addnodes.pending_xref(
        target, nodes.inline(target, target), refdomain="cite", reftype="p",
        reftarget=target, refdoc=docname, refexplicit=False, refwarn=True,
    )


def _entry_paragraph(entry: Entry, docname: str, link: LinkMaker) -> nodes.paragraph:
    para = nodes.paragraph()
    para += link(entry.docname, entry.anchor or None, [nodes.Text(entry.title)])
    if entry.anchor:
        para += nodes.Text(f" ({entry.kind}), in ")
        para += link(entry.docname, None, [nodes.emphasis("", entry.page_title)])
    else:
        para += nodes.Text(f" ({entry.kind})")
    if entry.date:
        para += nodes.Text(f", {entry.date.display()}")
    if entry.cites:
        para += nodes.Text(". Cites ")
        para += _citations(entry.cites, docname)
    return para


def render_listing(graph: KnowledgeGraph, slug: str, docname: str, link: LinkMaker) -> list[nodes.Node]:
    box = nodes.container(classes=["kb-topic-listing"])
    if slug not in graph.topics:
        return [box]
    entries = graph.listing(slug)
    topic = graph.topics[slug]
    box += _heading(f"Everything on {topic.title}", 2, ["kb-listing-title"])
    subtopics = graph.descendants(slug)[1:]
    intro = nodes.paragraph(classes=["kb-listing-summary"])
    intro += nodes.Text(
        f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'} across the knowledge base"
        + (", including the subtopics " if subtopics else ", newest first.")
    )
    for index, sub in enumerate(subtopics):
        if index:
            intro += nodes.Text(", ")
        intro += link(graph.topics[sub].docname, None, [nodes.Text(graph.topics[sub].title)])
    if subtopics:
        intro += nodes.Text("; newest first.")
    box += intro
    for year, group in groupby(entries, key=lambda e: e.date.year if e.date else None):
        box += _heading(str(year) if year else "Undated", 3, ["kb-listing-year"])
        bullets = nodes.bullet_list(classes=["kb-listing"])
        for entry in group:
            bullets += nodes.list_item("", _entry_paragraph(entry, docname, link))
        box += bullets
    return [box]


def render_overview(graph: KnowledgeGraph, docname: str, link: LinkMaker) -> list[nodes.Node]:
    def branch(slugs: list[str]) -> nodes.bullet_list:
        bullets = nodes.bullet_list(classes=["kb-topic-tree"])
        for slug in slugs:
            topic = graph.topics[slug]
            para = nodes.paragraph()
            para += link(topic.docname, None, [nodes.Text(topic.title)])
            count = graph.count(slug)
            para += nodes.Text(f" ({count} {'entry' if count == 1 else 'entries'})")
            item = nodes.list_item("", para)
            children = graph.children(slug)
            if children:
                item += branch(children)
            bullets += item
        return bullets

    box = nodes.container(classes=["kb-topics-overview"])
    if graph.topics:
        box += branch(graph.roots())
    return [box]
