"""Link to the knowledge base's topics, items, issues, reviews and papers from another
Sphinx project, through intersphinx.

Sphinx only accepts a role whose domain the project itself has, so a project that
links to ours needs a `kb` domain with the roles, but none of our extension.
This file is that domain: copy it next to your conf.py and write

    extensions = ["sphinx.ext.intersphinx", "kb_intersphinx"]
    intersphinx_mapping = {"dlkb": ("https://<our site>/", None)}

then ``{external+dlkb:kb:topic}`diffusion-models` `` (or ``{kb:topic}`diffusion-models` ``,
which intersphinx resolves when nothing local does). Standalone on purpose: it
imports nothing from the knowledge base.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole

# the object types the knowledge base puts into its objects.inv, and their targets
OBJECT_TYPES = {
    "topic": "a topic's slug: diffusion-models",
    "item": "an item: <page>#<anchor>, e.g. reviews/hippocampus-garden/2022#chatgpt",
    "issue": "an issue: <series>/<number>, e.g. deep-learning-weekly/220",
    "review": "a review: <series>/<year>, e.g. hippocampus-garden/2022",
    "paper": "a paper: its refs.bib key, e.g. jumper2021alphafold",
}


class ExternalKnowledgeBaseDomain(Domain):
    """Roles only: every reference is left to intersphinx (nothing resolves locally)."""

    name = "kb"
    label = "Knowledge base (external)"
    object_types = {name: ObjType(name, name) for name in OBJECT_TYPES}
    roles = {name: XRefRole() for name in OBJECT_TYPES}

    def merge_domaindata(self, docnames: Any, otherdata: dict[str, Any]) -> None:
        pass  # no data

    def resolve_any_xref(self, *args: Any) -> list[Any]:
        return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.intersphinx")
    app.add_domain(ExternalKnowledgeBaseDomain)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
