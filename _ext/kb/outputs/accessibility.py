"""Accessibility fixes in the HTML that Sphinx and docutils write (issue 13).

The theme's own violations are fixed in the project's `_templates/`; this module fixes the
markup that comes from the HTML writer itself, and adds `static/kb-a11y.css` to every page
(and `static/kb-views.css`, the generated views' jump bars and charts):

- Focus is always visible: a focus ring on whatever Tab reaches, which some of the theme's
  buttons do not show.

- Citations (the paper index, sphinxcontrib-bibtex's bibliography): docutils writes
  `<div role="list">` holding `<div role="doc-biblioentry">` entries. DPUB-ARIA 1.1
  deprecated `doc-biblioentry` because it is not a list item (w3c/dpub-aria#22), so axe-core
  reports a list without list items (`aria-required-children`, critical; see
  dequelabs/axe-core#2759). Each entry is written as a `listitem` instead.

- One viewport: Sphinx's layout writes `<meta name="viewport">` itself, and docutils' HTML5
  writer adds one more to every page's meta tags; that second one is left out (the
  project's layout.html leaves out pydata-sphinx-theme's third).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..compat import docutils as docutils_compat


def visit_citation(self: Any, node: nodes.citation) -> None:
    """docutils' own visitor, with `listitem` for the deprecated `doc-biblioentry` role
    (compat/docutils.py records the one it was copied from)."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self: Any, node: nodes.citation) -> None:
    docutils_compat.depart_citation(self, node)


# what docutils' HTML5 writer adds to the meta tags of every page (html5_polyglot.HTMLTranslator)
DOCUTILS_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'


def one_viewport(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: Any) -> None:
    metatags = context.get("metatags")
    if isinstance(metatags, str) and DOCUTILS_VIEWPORT in metatags:
        context["metatags"] = metatags.replace(DOCUTILS_VIEWPORT, "", 1)


STATIC = str(Path(__file__).parent.parent / "static")


def add_static(app: Sphinx, config: Any) -> None:
    """The extension's own static folder (kb-a11y.css, the search page's script and style)."""
    if STATIC not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, STATIC]


def setup_accessibility(app: Sphinx) -> None:
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("config-inited", add_static)
    app.add_css_file("kb-a11y.css")
    app.add_css_file("kb-views.css")
    app.connect("html-page-context", one_viewport)
