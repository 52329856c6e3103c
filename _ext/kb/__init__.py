"""The knowledge-base Sphinx extension. This module only registers the parts.

The pure model (no Sphinx import), then the Sphinx glue in the order a build runs:

    model.py        records: PageRecord, ItemRecord, Reference, Citation, Paper, Series...
    frontmatter.py  YAML front matter with the line of every key
    contract.py     the front-matter contract: YAML -> PageRecord + located problems
    graph.py        KnowledgeGraph, by concern: taxonomy.py (topics), catalogue.py
                    (series, issues, dates), listings.py (entries per topic),
                    links.py (references, backlinks, related), papers.py (works, authors)
    viewdata.py     ViewKey -> what each generated view shows, as plain data
    viewdeps.py     which views an edit of some pages' records can have changed
    parts.py        a long view's parts (a page per year or letter, in HTML) and their names
    chartdraw.py    a trend view's data -> SVG / PDF bytes (matplotlib)

    collector.py    config-inited   the garbage collector run less often until build-finished
    config.py       config-inited   kb_series as Series records, checked; kb_navigation
    bibliography.py builder-inited  refs.bib loaded despite errors, checked with lines
    templatecache.py builder-inited the theme's compiled templates kept between builds
    safety.py       source-read     a file that is not UTF-8 reported and left out;
                    (transform)     raw HTML and script URLs shown as text; env-get-outdated:
                                    the pages whose toctree lists a page that is gone
    collect.py      source-read     front matter parsed
    directives.py     (parsing)     kb:item records its ItemRecord; views get placeholders
    collect.py      doctree-read    PageRecord, references, citations -> domain.note_page
    domain.py         (state)       the records by docname; clear_doc, merge_domaindata
    check.py        env-updated     problems across pages, unknown citation keys
    schedule.py     env-updated     fingerprints + navigation -> the pages to rewrite
    render.py       (writing)       each placeholder rendered from its view's data;
                    doctree-resolved  the paper index decorated
    navigation.py   html-page-context  the sidebar's current branch
    partpages.py    html-collect-pages the parts of long views (parts.py: which parts), one
                                       page each, written only when what they show changed
    search.py       html-page-context  facets from the records; build-finished: the Pagefind
                                       index (accessibility.py: citations as list items),
                                       read from a cut-down copy of the site (searchsource.py)
    publishing.py   html-page-context  feed links, link previews (feeds.py: the Atom feeds,
                    build-finished     written from the model), the sitemap's pages, robots.txt
    dataout.py      html-page-context  JSON-LD; BibTeX per item (export.py: kb.json, from the
                    build-finished     model, with its schema kb.schema.json); refs.bib copied
    stamps.py       (build-finished)   the feeds and kb.json written only when their inputs changed
    indices.py      (writing)       the topic index (HTML, and LaTeX with page numbers)
    fastbib.py      sphinxcontrib-bibtex's domain, indexed; Paper records for the graph
    paperlabels.py  config-inited   the paper index's pybtex style: numbered in display order
    charts.py         (writing)     trend charts drawn to files (only when their data changed)
    previews.py     doctree-read    first sentences of pages and items (domain `kbpreview`);
                    build-finished  link-preview data files; tippy.js vendored in static/

A front-matter `topics:` value goes frontmatter.load -> contract.read_front_matter
(PageRecord.topics) -> listings.TopicListings (resolved, per topic) ->
viewdata.listing (rows) -> render.render_listing (nodes).

lint.py (`nox -s lint`) and scaffold.py (`nox -s new`) are command-line tools on
the same model. deferred.py is called from conf.py, before the extensions load.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from .bib.cite_domain import IndexedBibtexDomain
from .bib.labels import setup_paper_labels
from .bib.paper_index import setup_bibliography
from .build.checking import setup_check
from .build.config import setup_config
from .build.directives import setup_directives
from .build.domain import KnowledgeBaseDomain
from .build.gc_thresholds import setup_collector
from .build.navigation import setup_navigation
from .build.reading import setup_collect
from .build.safety import setup_safety
from .build.schedule import setup_schedule
from .build.template_cache import setup_templatecache
from .build.topic_index import setup_indices
from .compat.checks import setup_compat
from .outputs.accessibility import setup_accessibility
from .outputs.charts import setup_charts
from .outputs.part_pages import setup_partpages
from .outputs.previews import setup_previews
from .outputs.publishing import setup_publishing
from .outputs.search import setup_search
from .outputs.sitemap import setup_sitemap
from .outputs.structured_data import setup_dataout
from .views.nodes import depart_item_latex, kb_item, kb_view, visit_item_latex
from .views.translate import decorate_paper_index, depart_view, visit_view

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    # the same domain, with lookups indexed and formatted entries kept (fastbib.py)
    app.add_domain(IndexedBibtexDomain, override=True)
    app.add_domain(KnowledgeBaseDomain)
    setup_collector(app)
    setup_config(app)
    setup_directives(app)
    setup_indices(app)
    setup_bibliography(app)
    setup_paper_labels(app)
    setup_collect(app)
    setup_check(app)
    setup_schedule(app)
    setup_charts(app)
    setup_previews(app)
    app.add_node(kb_view, **{fmt: (visit_view, depart_view)
                             for fmt in ("html", "latex", "text", "man", "texinfo")})
    app.add_node(kb_item, latex=(visit_item_latex, depart_item_latex))
    app.connect("doctree-resolved", decorate_paper_index)
    setup_navigation(app)
    setup_partpages(app)
    setup_publishing(app)
    setup_sitemap(app)
    setup_dataout(app)
    setup_safety(app)
    setup_search(app)
    setup_accessibility(app)
    setup_templatecache(app)
    setup_compat(app)
    return {
        "version": __version__,
        "env_version": 10,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
