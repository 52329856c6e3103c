"""Topic trend charts in the site and the book (the Sphinx glue of chart_drawing.py).

Two views (views.data.topic_trend on every topic page, views.data.topic_trends from
the `kb:topic-trends` directive on the topics overview) render, in render.py, as
a `kb_chart` node holding the chart's data, followed by the same numbers as a
table (a single year is a sentence instead: chart_drawing.has_chart). The translators
here turn the node into a drawing:

- HTML: the chart's SVG written into the page, in both its layouts (chart_drawing.LAYOUTS;
  kb-views.css shows the one that fits the column, so its labels are at least 10 CSS px
  on a phone), its colours the theme's CSS variables (light and dark), named by its
  <title> and <desc> (the table below gives every number);
- LaTeX: `kb-<kind>-<digest>.pdf` beside the .tex, vector, by \\sphinxincludegraphics;
- other builders: nothing (the table stands alone).

A drawn SVG is kept beside the doctrees (`kb-charts/kb-<kind>-<digest>-<layout>.svg`,
never published) under a digest of its data, and a chart whose file is there is not
drawn again: a rewrite of a topic page whose counts did not change draws nothing. Which
pages show a chart follows the view fingerprints (schedule.py), as for every other view.
When what draws a chart changes with its data the same (matplotlib's version, the
drawing code: `drawing_digest`), the kept drawings (the book's PDFs) are removed before
the pages are written (`forget_old_drawings`), and every page showing a chart is written
again (`rewrite_chart_pages`), drawing them anew. At the end of an HTML build in which a
record changed, `sync_charts` removes the kept drawings no page shows any more, and the
chart files earlier versions published in `_images/`.

`kb_charts = False` in conf.py leaves the charts out (for measuring their cost).
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..build.config import kb_config
from ..build.domain import kb_domain
from ..compat.sphinx import image_folder, writes_in_parallel
from ..views.data import ViewKey, view_data
from ..views.nodes import kb_view
from . import stamps, versions
from .chart_drawing import DRAW, LAYOUTS, digest, has_chart, import_drawing
from .writing import write_if_changed

CACHE = "kb-charts"  # beside the doctrees: the HTML's drawn SVGs
LEGACY_STAMP = ".kb-charts-state"  # the stamp earlier versions kept among the published images


class kb_chart(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """A chart: `kind` ('trend' or 'trends', see chart_drawing.DRAW) and its `data`."""


def chart_file(kind: str, data: Any, fmt: str, layout: str = "wide") -> str:
    """The book's `kb-trend-<digest>.pdf`; a kept SVG's `kb-trend-<digest>-<layout>.svg`."""
    return f"kb-{kind}-{digest(data)}{'' if fmt == 'pdf' else '-' + layout}.{fmt}"


def drawn_chart(folder: Path, kind: str, data: Any, fmt: str, layout: str = "wide") -> bytes:
    """The chart, drawn into `folder` unless a file of its data is there already."""
    path = folder / chart_file(kind, data, fmt, layout)
    if path.exists():
        return path.read_bytes()
    drawn = DRAW[kind][0](data, fmt, layout)
    write_if_changed(path, drawn)  # parallel writers may draw the same chart: whole files only
    return drawn


def visit_chart_html(self: Any, node: kb_chart) -> None:
    kind, data = node["kind"], node["data"]
    folder = Path(self.builder.doctreedir) / CACHE
    drawings = "".join(drawn_chart(folder, kind, data, "svg", layout).decode("utf-8")
                       for layout in LAYOUTS)
    title, _ = DRAW[kind][1](data)
    self.body.append(
        f'<figure class="kb-chart kb-chart-{kind}">{drawings}'
        f'<figcaption>{escape(title)}; the numbers are in the table below.</figcaption></figure>')
    raise nodes.SkipNode


def visit_chart_latex(self: Any, node: kb_chart) -> None:
    outdir = Path(self.builder.outdir)
    drawn_chart(outdir, node["kind"], node["data"], "pdf")
    name = chart_file(node["kind"], node["data"], "pdf")
    self.body.append("\n\\begin{center}\n\\sphinxincludegraphics[width=0.9\\linewidth]"
                     f"{{{{{name}}}}}\n\\end{{center}}\n")
    raise nodes.SkipNode


def skip_chart(self: Any, node: kb_chart) -> None:
    raise nodes.SkipNode


DRAWN_BY = Path(__file__).with_name("chart_drawing.py")


def drawing_digest() -> str:
    """What draws a chart besides its data: matplotlib's version and the drawing code."""
    return stamps.digest(versions.versions(versions.CHARTS),
                         hashlib.sha256(DRAWN_BY.read_bytes()).hexdigest())


def _kept(app: Sphinx) -> tuple[Path, str] | None:
    """Where this build keeps its drawn charts, and their format (None: it draws none)."""
    if not kb_config(app.config).charts:
        return None
    if app.builder.format == "html":
        return Path(app.doctreedir) / CACHE, "svg"
    if app.builder.format == "latex":
        return Path(app.outdir), "pdf"
    return None


def _drawing_changed(app: Sphinx) -> bool:
    return stamps.stamped_digest(app, "chart-drawing") not in (None, drawing_digest())


def rewrite_chart_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: in HTML, the pages showing a chart, when what draws it changed (the
    page holds the drawing, and its data, which decides when it is written, did not)."""
    if app.builder.format != "html" or _kept(app) is None or not _drawing_changed(app):
        return []
    return sorted(docname for docname, keys in kb_domain(env).views.items()
                  if any(key.kind in DRAW for key in keys))


def forget_old_drawings(app: Sphinx, builder: Any) -> None:
    """Before the pages are written (write-started): every kept drawing goes when what draws
    them changed, so each is drawn anew by the pages written."""
    where = _kept(app)
    if where is None or not _drawing_changed(app):
        return
    folder, fmt = where
    stamps.withdraw(app, "charts")
    for path in folder.glob(f"kb-trend*.{fmt}"):
        path.unlink()


def import_before_forking(app: Sphinx, builder: Any) -> None:
    """write-started: where forked processes write the pages (-j N), each chunk of pages
    is written by a new process, forked from the main one; matplotlib (half a second to
    import) is imported here once, so that no chunk's process imports it again."""
    if (_kept(app) is None or not writes_in_parallel(builder)
            or not any(key.kind in DRAW for keys in kb_domain(app.env).views.values()
                       for key in keys)):
        return
    import_drawing()


def sync_charts(app: Sphinx, exception: Exception | None) -> None:
    """The kept drawings pruned to those a page shows, when a record changed (HTML), and
    the drawing stamped."""
    where = _kept(app)
    if exception is not None or where is None:
        return
    folder, fmt = where
    drawing = drawing_digest()
    if fmt == "svg":
        domain = kb_domain(app.env)
        inputs = stamps.digest(drawing, domain.state)
        if stamps.stamped_digest(app, "charts") != inputs:
            stamps.withdraw(app, "charts")
            wanted = {chart_file(key.kind, data, fmt, layout)
                      for keys in domain.views.values() for key in keys if key.kind in DRAW
                      for data in [view_data(domain.graph, key)] if has_chart(key.kind, data)
                      for layout in LAYOUTS}
            for path in folder.glob("kb-trend*.svg"):
                if path.name not in wanted:
                    path.unlink()
            published = Path(app.outdir) / image_folder(app.builder)
            for path in [*published.glob("kb-trend*.svg"), published / LEGACY_STAMP]:
                path.unlink(missing_ok=True)  # the charts were files beside the pages once
            stamps.stamp(app, "charts", inputs, sorted(wanted))
    # the book's pages are all written on every build: each drew its own charts
    stamps.stamp(app, "chart-drawing", drawing)


class TopicTrendsDirective(SphinxDirective):
    """A chart of the busiest topics' entries per year (`:limit:` topics, default 6)."""

    option_spec = {"limit": lambda value: str(max(1, min(int(value), 8)))}

    def run(self) -> list[nodes.Node]:
        if not kb_config(self.config).charts:
            return []
        node = kb_view(key=ViewKey("trends", self.options.get("limit", "6")),
                       docname=self.env.docname)
        self.set_source_info(node)
        return [node]


def setup_charts(app: Sphinx) -> None:
    app.add_directive_to_domain("kb", "topic-trends", TopicTrendsDirective)
    app.connect("env-get-updated", rewrite_chart_pages)
    app.connect("write-started", forget_old_drawings)
    app.connect("write-started", import_before_forking)
    app.connect("build-finished", sync_charts)
    app.add_node(kb_chart, html=(visit_chart_html, None), latex=(visit_chart_latex, None),
                 **{fmt: (skip_chart, None) for fmt in ("text", "man", "texinfo")})
