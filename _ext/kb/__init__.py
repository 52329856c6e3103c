"""The knowledge-base Sphinx extension: registration only (see the modules for the parts).

- model.py, frontmatter.py: the data model and front-matter contract (no Sphinx).
- domain.py: the `kb` domain, holding all state keyed by docname.
- directives.py, nodes.py: the item directive and the view placeholders.
- listeners.py: reading pages into records; deciding what to rewrite.
- transforms.py, views.py: rendering the generated views at write time.
- indices.py: the topic index.
- navigation.py: the sidebar's current branch, from the toctree structure.
- bibcheck.py, bibliography.py: refs.bib checks; papers, the paper and author indexes.
- fastbib.py: sphinxcontrib-bibtex's domain with indexed lookups and cached formatting.
- accessibility.py: accessible markup where the HTML writer's is not (citations).
- search.py: the Pagefind search (facets from the records, the index at build-finished).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import bibliography, listeners, navigation
from .accessibility import setup_accessibility
from .search import setup_search
from .domain import KnowledgeBaseDomain
from .fastbib import IndexedBibtexDomain
from .nodes import depart_item_latex, kb_item, kb_view, visit_item_latex
from .transforms import DecoratePaperIndex, depart_view, visit_view

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    # the same domain, with lookups indexed and formatted entries kept (fastbib.py)
    app.add_domain(IndexedBibtexDomain, override=True)
    # 'env': a change of series re-reads pages, since validation depends on it.
    app.add_config_value("kb_series", {}, "env", types=frozenset({dict}))
    # "branch": the theme's navigation shows only the current branch, so a page
    # added or retitled rewrites only the pages that show it; "site": all pages.
    app.add_config_value("kb_navigation", "site", "html", types=frozenset({str}))
    app.add_domain(KnowledgeBaseDomain)
    app.add_node(kb_view, **{fmt: (visit_view, depart_view)
                             for fmt in ("html", "latex", "text", "man", "texinfo")})
    app.add_node(kb_item, latex=(visit_item_latex, depart_item_latex))
    app.add_post_transform(DecoratePaperIndex)
    app.connect("source-read", listeners.stash_front_matter)
    # before Sphinx's title collector (priority 500), so a front-matter title counts
    app.connect("doctree-read", listeners.collect_page, priority=400)
    # around sphinxcontrib-bibtex's loading of the bib files (priority 500)
    app.connect("builder-inited", bibliography.hold_bib_errors, priority=400)
    app.connect("builder-inited", bibliography.check_bibfiles, priority=600)
    # after sphinxcontrib-bibtex's own env-updated handler (priority 500), which
    # decides the citations the graph's papers come from
    app.connect("env-updated", listeners.check_and_schedule, priority=600)
    app.connect("warn-missing-reference", listeners.quiet_generated_references)
    app.connect("html-page-context", navigation.add_to_context)
    setup_search(app)
    setup_accessibility(app)
    return {
        "version": __version__,
        "env_version": 8,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
