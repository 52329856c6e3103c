"""After reading: check the knowledge base as a whole (at env-updated).

Runs after every read phase, also when nothing was read, so problems that span
pages (an unknown topic, a parent cycle, a duplicate issue number, an unknown
citation key, an uncited refs.bib entry) are reported on every build until they
are fixed, each at its page and line.
"""

from __future__ import annotations

from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..bib import paper_index as bibliography
from .domain import kb_domain
from .reading import warn


def check_whole(app: Sphinx, env: BuildEnvironment) -> None:
    domain = kb_domain(env)
    domain.forget_graph()  # sphinxcontrib-bibtex has just re-formatted the citations
    for docname, problem in domain.graph.problems:
        warn(problem.message, docname, problem.line, problem.subtype)
    bibliography.check_citations(env, domain.citations)


def quiet_generated_references(app: Sphinx, domain: Any, node: addnodes.pending_xref) -> bool | None:
    """An unknown topic in an item's or a page's topic line is already reported, with its line."""
    return True if node.get("kb_generated") else None


def setup_checking(app: Sphinx) -> None:
    # after sphinxcontrib-bibtex's own env-updated handler (priority 500), which
    # decides the citations the graph's papers come from
    app.connect("env-updated", check_whole, priority=600)
    app.connect("warn-missing-reference", quiet_generated_references)
