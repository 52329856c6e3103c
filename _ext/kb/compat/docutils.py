"""docutils: the HTML writer's citation markup, which outputs/accessibility.py rewrites.

docutils writes citations in `docutils.writers._html_base` (private); Sphinx's HTML
translator inherits them through the public `docutils.writers.html5_polyglot`
translator, which is what is used here. accessibility.visit_citation is that translator's
`visit_citation` with one role changed (`listitem` for the deprecated
`doc-biblioentry`), and its `depart_citation` closes what it opened: the sha256 of both
upstream methods is recorded, so a docutils release that writes citations otherwise is
reported instead of being half overridden.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.writers.html5_polyglot import HTMLTranslator
from sphinx.application import Sphinx

from .shape import Mismatch, source_digest

PACKAGE = "docutils"

# docutils 0.22.4's methods, the sha256 of each one's source, dedented (shape.source_digest)
COPIED = {
    "visit_citation": "3439d6018ee7012755a916143b314c824463d3d3352632d501268f6fa370a607",
    "depart_citation": "06d508354fb6b90af485d1e1d1e98c8a32746f6a9757cf3dec20a9f9b0f09fff",
}


def depart_citation(translator: Any, node: nodes.citation) -> None:
    """docutils' own: the end of an entry, and of the list after the last one."""
    HTMLTranslator.depart_citation(translator, node)


def check(app: Sphinx) -> list[Mismatch]:
    found = [Mismatch(PACKAGE, f"HTMLTranslator.{name} has changed",
                      "citations (the paper index, bibliographies) may be written with "
                      "unbalanced or outdated markup by accessibility.visit_citation")
             for name, digest in COPIED.items()
             if source_digest(getattr(HTMLTranslator, name, None)) != digest]
    if not callable(getattr(nodes.Element, "previous_sibling", None)):
        found.append(Mismatch(PACKAGE, "Element.previous_sibling is gone",
                              "the build stops where it writes a citation"))
    return found
