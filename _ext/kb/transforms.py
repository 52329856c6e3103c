"""Write-time expansion of the generated views.

A view is expanded by the translator when it visits the placeholder, not by a
post-transform: Sphinx runs post-transforms for every page in the main process,
and only the translators in parallel writers, so expanding here keeps `-j N`
useful and keeps the large listings out of the trees every other transform walks
(and out of the search index, which indexes the pages' own text). Views hold only
finished references (no pending ones), so nothing needs resolving afterwards.
The paper index is the exception: it decorates sphinxcontrib-bibtex's
bibliography, which its post-transform fills, so it is a post-transform too.
"""

from __future__ import annotations

from typing import Any, cast

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.nodes import raw_latex

from . import bibliography, views
from .nodes import kb_view

PAPER_INDEX = "paper-index"


def link_maker(builder: Any, docname: str) -> views.LinkMaker:
    """Links from `docname` for this builder; paper anchors become LaTeX bibitem links."""
    latex = builder.format == "latex"

    def link(todocname: str, anchor: str | None, children: list[nodes.Node]) -> nodes.Node:
        if anchor and anchor.startswith(views.PAPER):
            anchor = anchor.removeprefix(views.PAPER)
            if latex:  # the entries are \bibitems, whose targets are named cite.<doc>:<id>
                target = f"cite.{todocname}:{anchor}"
                return nodes.inline("", "", raw_latex(f"\\hyperlink{{{target}}}{{"),
                                    *children, raw_latex("}"))
        try:
            return make_refnode(builder, docname, todocname, anchor, children)
        except NoUri:  # a page this output leaves out (the home page, in the book)
            return nodes.inline("", "", *children)

    return link


def visit_view(self: Any, node: kb_view) -> None:
    """Render the view into the placeholder; the translator then visits what it holds."""
    if node["key"] == PAPER_INDEX or node.children:
        return
    domain = cast(Any, self.builder.env.get_domain("kb"))
    docname = node.get("docname") or self.builder.current_docname
    node.extend(views.render(domain.graph, node["key"], docname, link_maker(self.builder, docname)))


def depart_view(self: Any, node: kb_view) -> None:
    pass


class DecoratePaperIndex(SphinxPostTransform):
    """Add 'discussed in' to the paper index, after sphinxcontrib-bibtex (priority 5)."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(kb_view)):
            if node["key"] != PAPER_INDEX:
                continue
            graph = cast(Any, self.env.get_domain("kb")).graph
            # as Sphinx's own ReferencesResolver does (SphinxTransform.app is deprecated)
            builder = self.env._app.builder
            link = link_maker(builder, self.env.docname)
            bibliography.decorate_paper_index(
                self.document, graph, builder.format,
                lambda paper: views.discussed_in(graph, paper, link))
            node.replace_self([])
