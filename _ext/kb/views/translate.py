"""The translators' side of a view: its placeholder expanded as the page is written.

A view is expanded by the translator when it visits the placeholder, not by a
post-transform: Sphinx runs post-transforms for every page in the main process,
and only the translators in parallel writers, so expanding here keeps `-j N`
useful and keeps the large listings out of the trees every other transform walks
(and out of the search index, which indexes the pages' own text). The paper index
is the exception: it decorates sphinxcontrib-bibtex's bibliography, which a
post-transform fills, so it is done once that has run (`decorate_paper_index`, at
doctree-resolved).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..build.domain import kb_domain
from ..build.volumes import writing_volume, written_graph
from ..compat.sphinx import book_bibliographies
from .data import AS_IN_THE_WHOLE, NOT_IN_A_VOLUME, ViewKey, view_data
from .linking import link_maker
from .nodes import depart_item_latex, kb_item, kb_view, visit_item_latex
from .parts import group_pages, plan, split_threshold
from .render import (
    JUMPS,
    RENDERERS,
    discussed_in,
    group_heading,
    render_entry_point,
    render_jump_bar,
    render_listing,
)


def visit_view(self: Any, node: kb_view) -> None:
    """Render the view into the placeholder; the translator then visits what it holds."""
    key: ViewKey = node["key"]
    if key.kind not in RENDERERS or node.children:
        return
    # in a volume of the book, a collection shows what that volume holds (build/volumes.py)
    if key.kind in NOT_IN_A_VOLUME and writing_volume(self.builder):
        return
    graph = (kb_domain(self.builder.env).graph if key.kind in AS_IN_THE_WHOLE
             else written_graph(self.builder))
    make = link_maker(self.builder, node["docname"])  # in LaTeX, the page it was on in the book
    data = view_data(graph, key)
    parts = plan(key.kind, data, node["docname"], split_threshold(self.builder))
    if key.kind in JUMPS and data and self.builder.format == "html":  # the book has page numbers
        node.extend(render_jump_bar(key.kind, (label for label, _ in data), node["docname"],
                                    group_pages(parts), make))
    if parts:
        node.extend(render_entry_point(key.kind, data, parts, make))
    elif key.kind == "listing" and writing_volume(self.builder):  # counts the volume's only
        node.extend(render_listing(data, make, f"in volume {self.builder.volume.label}"))
    else:
        node.extend(RENDERERS[key.kind](data, make))


def depart_view(self: Any, node: kb_view) -> None:
    pass


def decorate_paper_index(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Add 'discussed in' to each entry of the paper index; group the entries by year (HTML).

    Runs at doctree-resolved, once sphinxcontrib-bibtex's post-transform has put the
    formatted entries in (and, in LaTeX, Sphinx has gathered them at the book's end)."""
    placeholders = [node for node in doctree.findall(kb_view) if node["key"].kind == "paper-index"]
    if not placeholders:
        return
    groups = view_data(written_graph(app.builder), placeholders[0]["key"])
    make = link_maker(app.builder, docname)
    entries = {c["ids"][0]: c for c in doctree.findall(nodes.citation) if c["ids"]}
    for _, papers in groups:
        for anchor, sources, *_ in papers:
            if anchor in entries:
                entries[anchor] += discussed_in(sources, make)
    for node in placeholders:
        node.replace_self([])
    if app.builder.format == "latex":
        # the book's bibliography lists the works its pages cite: in a volume, that volume's
        shown = {anchor for _, papers in groups for anchor, *_ in papers}
        papers = {paper.anchor for paper in kb_domain(app.env).graph.papers.papers.values()}
        leave_out_uncited(doctree, entries, papers - shown, shown)
        return
    parts = plan("paper-index", groups, docname, split_threshold(app.builder))
    for box in list(doctree.findall(nodes.container)):
        if "kb-paper-index" not in box["classes"]:
            continue
        for entry in entries.values():
            entry.parent.remove(entry)
        box.children = []  # the (now empty) list sphinxcontrib-bibtex made
        if groups:
            box += render_jump_bar("paper-index", (year for year, _ in groups), docname,
                                   group_pages(parts), make)
        if parts:  # each year (or part of one) on a page of its own (outputs/part_pages.py)
            box += render_entry_point("paper-index", groups, parts, make)
            continue
        for year, papers in groups:
            box += group_heading("paper-index", year, ["kb-paper-year"])
            box += [entries[anchor] for anchor, *_ in papers if anchor in entries]


def leave_out_uncited(doctree: nodes.document, entries: dict[str, nodes.citation],
                      uncited: set[str], cited: set[str]) -> None:
    """The bibliography's paper entries cut to the works the book cites: those `uncited`
    (by a volume's pages) go, those `cited` are numbered again from 1 (where they are
    numbered), and a bibliography left empty goes too."""
    if not uncited.intersection(entries):
        return
    for anchor in uncited.intersection(entries):
        entries[anchor].parent.remove(entries[anchor])
    labels = [entries[anchor].next_node(nodes.label) for anchor in entries if anchor in cited]
    if all(label is not None and label.astext().isdigit() for label in labels):
        for number, label in enumerate(labels, 1):
            label.children = [nodes.Text(str(number))]
    for bibliography in book_bibliographies(doctree):
        if not bibliography.children:
            bibliography.parent.remove(bibliography)


def setup_views(app: Sphinx) -> None:
    """The placeholder node, expanded as each builder writes it, and the item node in LaTeX."""
    app.add_node(kb_view, **{fmt: (visit_view, depart_view)
                             for fmt in ("html", "latex", "text", "man", "texinfo")})
    app.add_node(kb_item, latex=(visit_item_latex, depart_item_latex))
    app.connect("doctree-resolved", decorate_paper_index)
