"""Placeholder nodes for the generated views.

Each is put in the doctree at read time and replaced by standard docutils nodes
by `transforms.ExpandGeneratedViews` at write time, for every builder. The
visitors below only guard against a builder that skips post-transforms: they
drop the placeholder instead of failing.
"""

from __future__ import annotations

from docutils import nodes


class kb_view(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Base of the placeholders; `view` names what to generate."""


class kb_topic_listing(kb_view):  # noqa: N801
    """Everything that carries a topic (attribute `slug`), grouped by year."""


class kb_topics_overview(kb_view):  # noqa: N801
    """The topic hierarchy with counts."""


def skip_placeholder(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


PLACEHOLDERS = (kb_topic_listing, kb_topics_overview)
