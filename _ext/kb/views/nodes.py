"""The knowledge base's nodes: the placeholder of a generated view, and the item.

A placeholder is put in the doctree at read time with the `ViewKey` of the view
and the page it is on; every builder's translator renders it at write time
(render.visit_view).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docutils import nodes

from .data import ViewKey


class kb_view(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """A generated view; `key` (a ViewKey) says which, `docname` where it is shown."""


def view(kind: str, argument: str, docname: str) -> kb_view:
    return kb_view(key=ViewKey(kind, argument), docname=docname)


def joined(parts: Iterable[list[nodes.Node]], separator: str) -> list[nodes.Node]:
    """The parts' nodes, with `separator` as text between two parts ('a, b, c')."""
    out: list[nodes.Node] = []
    for index, part in enumerate(parts):
        if index:
            out.append(nodes.Text(separator))
        out.extend(part)
    return out


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
