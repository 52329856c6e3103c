"""Write-time expansion of the generated views, for every builder."""

from __future__ import annotations

from typing import Any, cast

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.nodes import raw_latex

from . import bibliography, views
from .nodes import kb_view


class ExpandGeneratedViews(SphinxPostTransform):
    """Replace each placeholder with standard nodes built from the knowledge graph.

    Runs before Sphinx's ReferencesResolver (priority 10), so the citation and
    topic references it creates are resolved like those a contributor writes.
    """

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(kb_view))
        if not placeholders:
            return
        domain = cast(Any, self.env.get_domain("kb"))
        graph = domain.graph
        docname = self.env.docname
        # as Sphinx's own ReferencesResolver does (SphinxTransform.app is deprecated)
        builder = self.env._app.builder

        latex = self.env._builder_cls.format == "latex"

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

        for node in placeholders:
            if node["key"] == "paper-index":
                # runs after sphinxcontrib-bibtex (priority 5) filled the bibliography
                bibliography.decorate_paper_index(
                    self.document, graph, self.env._builder_cls.format,
                    lambda paper: views.discussed_in(graph, paper, link))
                node.replace_self([])
            else:
                node.replace_self(views.render(graph, node["key"], docname, link))
