"""The knowledge-base Sphinx extension. This module only registers the parts.

The subpackages, by role: `model` (the pure data model), `views` (what the generated views
show and how they render), `build` (the build's phases), `bib` (the bibliography), `outputs`
(search, feeds, sitemap, data export, previews, charts, part pages), `compat` (every use of
another package's internals, checked) and `cli` (lint, scaffold). docs/architecture.md maps
each module to the events it handles, in the order Sphinx runs them.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from .bib.cite_domain import setup_cite_domain
from .bib.labels import setup_paper_labels
from .bib.paper_index import setup_paper_index
from .build.checking import setup_checking
from .build.config import setup_config
from .build.directives import setup_directives
from .build.domain import KnowledgeBaseDomain
from .build.gc_thresholds import setup_gc_thresholds
from .build.navigation import setup_navigation
from .build.parallel import setup_parallel
from .build.reading import setup_reading
from .build.safety import setup_safety
from .build.schedule import setup_schedule
from .build.template_cache import setup_template_cache
from .build.topic_index import setup_topic_index
from .build.volumes import setup_volumes
from .compat.checks import setup_compat
from .outputs.accessibility import setup_accessibility
from .outputs.charts import setup_charts
from .outputs.notfound import setup_notfound
from .outputs.part_pages import setup_part_pages
from .outputs.previews import setup_previews
from .outputs.publishing import setup_publishing
from .outputs.search import setup_search
from .outputs.sitemap import setup_sitemap
from .outputs.structured_data import setup_structured_data
from .outputs.weight import setup_weight
from .views.translate import setup_views

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    setup_cite_domain(app)
    app.add_domain(KnowledgeBaseDomain)
    setup_gc_thresholds(app)
    setup_config(app)
    setup_directives(app)
    setup_topic_index(app)
    setup_volumes(app)
    setup_paper_index(app)
    setup_paper_labels(app)
    setup_reading(app)
    setup_checking(app)
    setup_schedule(app)
    setup_charts(app)
    setup_previews(app)
    setup_views(app)
    setup_navigation(app)
    setup_part_pages(app)
    setup_weight(app)
    setup_publishing(app)
    setup_sitemap(app)
    setup_notfound(app)
    setup_structured_data(app)
    setup_safety(app)
    setup_search(app)
    setup_accessibility(app)
    setup_template_cache(app)
    setup_parallel(app)
    setup_compat(app)
    return {
        "version": __version__,
        "env_version": 11,  # 11: paper anchors made from cite keys
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
