"""Links from a page at write time, for the builder at hand.

A view's data names its targets as `Link`s (docname and anchor); which node a link
becomes depends on the builder: in LaTeX a cited work is a bibitem of the book's one
bibliography, in HTML it may sit on a part page of the split paper index.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.nodes import raw_latex

from ..build.domain import kb_domain
from ..build.volumes import volume_note
from .data import PAPER, Link, ViewKey, view_data
from .parts import author_pages, split_threshold

# make_link(link, child nodes) -> a reference node (or the children, where no link is possible)
LinkMaker = Callable[[Link, list[nodes.Node]], nodes.Node]


def paper_part_pages(builder: Any) -> dict[str, str]:
    """Entry id -> the page of the paper index's part that holds it ({}: one page)."""
    return kb_domain(builder.env).graph.papers.part_pages(split_threshold(builder))


def people_pages(builder: Any) -> dict[str, str]:
    """Person anchor (`Author.anchor`) -> the page holding their entry in the author index
    (its part, where the index is split); {} where no page shows the author index."""
    return author_entry_pages(kb_domain(builder.env), split_threshold(builder))


def author_entry_pages(domain: Any, threshold: int) -> dict[str, str]:
    """people_pages, for the author index split past `threshold` (0: one page)."""
    shown = sorted(doc for doc, keys in domain.views.items()
                   if any(key.kind == "authors" for key in keys))
    if not shown:
        return {}
    return author_pages(view_data(domain.graph, ViewKey("authors")), shown[0], threshold)


def link_maker(builder: Any, docname: str) -> LinkMaker:
    """Links from `docname` for this builder; paper anchors become LaTeX bibitem links,
    and, in HTML, links to the part of the paper index that holds the entry."""
    latex = builder.format == "latex"
    parts = {} if latex else paper_part_pages(builder)

    def make(link: Link, children: list[nodes.Node]) -> nodes.Node:
        if not link.docname:
            return nodes.inline("", "", *children)
        anchor = link.anchor or None
        if anchor and anchor.startswith(PAPER):
            anchor = anchor.removeprefix(PAPER)
            if latex:  # the entries are \bibitems, whose targets are named cite.<doc>:<id>
                target = f"cite.{link.docname}:{anchor}"
                return nodes.inline("", "", raw_latex(f"\\hyperlink{{{target}}}{{"),
                                    *children, raw_latex("}"))
            elif anchor in parts:
                return nodes.reference("", "", *children, internal=True, refuri=(
                    builder.get_relative_uri(docname, parts[anchor]) + "#" + anchor))
        try:
            return make_refnode(builder, docname, link.docname, anchor, children)
        except NoUri:  # a page this output leaves out (the home page, in the book), or
            # that another volume of the book holds: then its text says which
            return nodes.inline("", "", *children, *volume_note(builder, link.docname))

    return make
