"""Topic trend charts in the site and the book (the Sphinx glue of chart_drawing.py).

Two views (views.data.topic_trend on every topic page, views.data.topic_trends from
the `kb:topic-trends` directive on the topics overview) render, in render.py, as
a `kb_chart` node holding the chart's data, followed by the same numbers as a
table. The translators here turn the node into a file and a reference to it:

- HTML: `_images/kb-<kind>-<digest>.svg`, shown as an <img> whose alt text says
  what the chart shows (the table beside it gives every number);
- LaTeX: `kb-<kind>-<digest>.pdf` beside the .tex, vector, by \\sphinxincludegraphics;
- other builders: nothing (the table stands alone).

The file name is a digest of the chart's data, and a chart whose file exists is
not drawn again: a no-op or text-only rebuild, or a rewrite of a topic page whose
counts did not change, draws nothing. Which pages show a chart follows the view
fingerprints (schedule.py), as for every other view. So that the output matches a
clean build's (`sync_charts`, HTML, at the end of a build when a record changed or a
file is missing; stamps.py remembers which):

- files no page shows any more are removed, files a page shows but the output lacks
  are drawn;
- when what draws a chart changes with its data the same (matplotlib's version, the
  drawing code: `drawing_digest`), every chart file is removed before the pages are
  written (`forget_old_drawings`), and drawn again under its name.

`kb_charts = False` in conf.py leaves the charts out (for measuring their cost).
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..build.config import kb_config
from ..build.domain import kb_domain
from ..compat.sphinx import image_folder, image_uri
from ..views.data import ViewKey, view_data
from ..views.nodes import kb_view
from . import stamps, versions
from .chart_drawing import DRAW, digest, has_chart
from .writing import write_if_changed


class kb_chart(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """A chart: `kind` ('trend' or 'trends', see chart_drawing.DRAW) and its `data`."""


def chart_file(kind: str, data: Any, fmt: str) -> str:
    return f"kb-{kind}-{digest(data)}.{fmt}"


def write_chart(folder: Path, kind: str, data: Any, fmt: str) -> str:
    """Draw the chart into `folder` unless a file of its data is there; return its name."""
    name = chart_file(kind, data, fmt)
    path = folder / name
    if not path.exists():
        # parallel writers may draw the same chart: each writes whole files only
        write_if_changed(path, DRAW[kind][0](data, fmt))
    return name


def visit_chart_html(self: Any, node: kb_chart) -> None:
    kind, data = node["kind"], node["data"]
    name = write_chart(Path(self.builder.outdir) / image_folder(self.builder), kind, data, "svg")
    title, description = DRAW[kind][1](data)
    self.body.append(
        f'<figure class="kb-chart kb-chart-{kind}">'
        f'<img src="{escape(image_uri(self.builder))}/{escape(name)}" alt="{escape(description)}" '
        f'loading="lazy" decoding="async"/>'
        f'<figcaption>{escape(title)}; the numbers are in the table below.</figcaption></figure>')
    raise nodes.SkipNode


def visit_chart_latex(self: Any, node: kb_chart) -> None:
    name = write_chart(Path(self.builder.outdir), node["kind"], node["data"], "pdf")
    self.body.append("\n\\begin{center}\n\\sphinxincludegraphics[width=0.9\\linewidth]"
                     f"{{{{{name}}}}}\n\\end{{center}}\n")
    raise nodes.SkipNode


def skip_chart(self: Any, node: kb_chart) -> None:
    raise nodes.SkipNode


# each builder format's chart files: their format, and whether they go in the image
# folder (the HTML's _images) or beside the output's own files (the LaTeX .tex)
FORMATS = {"html": ("svg", True), "latex": ("pdf", False)}
DRAWN_BY = Path(__file__).with_name("chart_drawing.py")
LEGACY_STAMP = ".kb-charts-state"  # the stamp earlier versions kept among the published images


def drawing_digest() -> str:
    """What draws a chart besides its data: matplotlib's version and the drawing code."""
    return stamps.digest(versions.versions(versions.CHARTS),
                         hashlib.sha256(DRAWN_BY.read_bytes()).hexdigest())


def _chart_folder(app: Sphinx) -> tuple[Path, str] | None:
    """Where this build's chart files go, and their format (None: it draws none)."""
    found = FORMATS.get(app.builder.format)
    if found is None or not kb_config(app.config).charts:
        return None
    fmt, in_images = found
    outdir = Path(app.outdir)
    return (outdir / image_folder(app.builder) if in_images else outdir), fmt


def forget_old_drawings(app: Sphinx, builder: Any) -> None:
    """Before the pages are written (write-started): every chart file goes when what draws
    them changed, so each is drawn anew, by the pages written or by `sync_charts`."""
    where = _chart_folder(app)
    if where is None or stamps.stamped_digest(app, "chart-drawing") == drawing_digest():
        return
    folder, fmt = where
    stamps.withdraw(app, "charts")
    for path in folder.glob(f"kb-trend*.{fmt}"):
        path.unlink()


def sync_charts(app: Sphinx, exception: Exception | None) -> None:
    """The site's chart files, as a clean build has them: drawn where a page shows them and
    the file is missing, removed where no page shows them any more. Skipped when no record
    changed and every file is there."""
    where = _chart_folder(app)
    if exception is not None or where is None:
        return
    folder, fmt = where
    drawing = drawing_digest()
    if fmt == "svg":
        domain = kb_domain(app.env)
        inputs = stamps.digest(drawing, domain.state)
        recorded = stamps.names(app, "charts")
        if recorded is None or not stamps.unchanged(app, "charts", inputs,
                                                    [folder / name for name in recorded]):
            stamps.withdraw(app, "charts")
            wanted = {write_chart(folder, key.kind, data, fmt)
                      for keys in domain.views.values() for key in keys if key.kind in DRAW
                      for data in [view_data(domain.graph, key)] if has_chart(key.kind, data)}
            for path in folder.glob("kb-trend*.svg"):
                if path.name not in wanted:
                    path.unlink()
            (folder / LEGACY_STAMP).unlink(missing_ok=True)
            stamps.stamp(app, "charts", inputs, wanted)
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
    app.connect("write-started", forget_old_drawings)
    app.connect("build-finished", sync_charts)
    app.add_node(kb_chart, html=(visit_chart_html, None), latex=(visit_chart_latex, None),
                 **{fmt: (skip_chart, None) for fmt in ("text", "man", "texinfo")})
