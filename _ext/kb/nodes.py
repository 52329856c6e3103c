"""The placeholder node for the generated views.

Put in the doctree at read time with a `key` naming the view ('listing:gans',
'related:<docname>', ...; see views.RENDERERS) and replaced by standard docutils
nodes by `transforms.ExpandGeneratedViews` at write time, for every builder. The
visitors only guard against a builder that skips post-transforms: they drop the
placeholder instead of failing.
"""

from __future__ import annotations

from docutils import nodes


class kb_view(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """A generated view; `key` says which."""


def view(key: str) -> kb_view:
    return kb_view(key=key)


def skip_placeholder(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


PLACEHOLDERS = (kb_view,)
