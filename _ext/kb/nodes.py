"""The placeholder node for the generated views.

Put in the doctree at read time with a `key` naming the view ('listing:gans',
'related:<docname>', ...; see views.RENDERERS) and replaced by standard docutils
nodes by `transforms.ExpandGeneratedViews` at write time, for every builder. The
visitors only guard against a builder that skips post-transforms: they drop the
placeholder instead of failing.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes


class kb_view(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """A generated view; `key` says which."""


def view(key: str) -> kb_view:
    return kb_view(key=key)


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


def skip_placeholder(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


PLACEHOLDERS = (kb_view,)
