"""The placeholder node for the generated views, and the item node.

A placeholder is put in the doctree at read time with a `key` naming the view
('listing:gans', 'related:<docname>', ...; see views.RENDERERS) and the page it
is on; every builder's translator renders it at write time (transforms.visit_view).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes


class kb_view(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """A generated view; `key` says which."""


def view(key: str, docname: str) -> kb_view:
    return kb_view(key=key, docname=docname)


class kb_item(nodes.container):  # noqa: N801
    """An item: a container (so any builder renders it as one) with an anchor.

    Sphinx's translators dispatch along the class hierarchy, so builders without
    a visitor of their own render it as a container; LaTeX also needs a label
    for the anchor, which a plain container does not get.
    """


def visit_item_latex(self: Any, node: kb_item) -> None:
    self.body.append("\n" + self.hypertarget_to(node, anchor=True))
    self.visit_container(node)


def depart_item_latex(self: Any, node: kb_item) -> None:
    self.depart_container(node)



