"""Topic trend charts in the site and the book (the Sphinx glue of chartdraw.py).

Two views (viewdata.topic_trend on every topic page, viewdata.topic_trends from
the `kb:topic-trends` directive on the topics overview) render, in render.py, as
a `kb_chart` node holding the chart's data, followed by the same numbers as a
table. The translators here turn the node into a file and a reference to it:

- HTML: `_images/kb-<kind>-<digest>.svg`, shown as an <img> whose alt text says
  what the chart shows (the table beside it gives every number);
- LaTeX: `kb-<kind>-<digest>.pdf` beside the .tex, vector, by \\sphinxincludegraphics;
- other builders: nothing (the table stands alone).

The file name is a digest of the chart's data, and a chart whose file exists is
not drawn again: a no-op or text-only rebuild, or a rewrite of a topic page whose
counts did not change, draws nothing. Files no page shows any more are removed
(`prune_charts`), so the output matches a clean build's. Which pages show a chart follows the view
fingerprints (schedule.py), as for every other view.

`kb_charts = False` in conf.py leaves the charts out (for measuring their cost).
"""

from __future__ import annotations

import os
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..compat.sphinx import image_folder, image_uri
from ..views.data import ViewKey, view_data
from ..views.nodes import kb_view
from .chart_drawing import DRAW, digest, has_chart


class kb_chart(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """A chart: `kind` ('trend' or 'trends', see chartdraw.DRAW) and its `data`."""


def chart_file(kind: str, data: Any, fmt: str) -> str:
    return f"kb-{kind}-{digest(data)}.{fmt}"


def write_chart(folder: Path, kind: str, data: Any, fmt: str) -> str:
    """Draw the chart into `folder` unless a file of its data is there; return its name."""
    name = chart_file(kind, data, fmt)
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        content = DRAW[kind][0](data, fmt)
        # parallel writers may draw the same chart: each writes whole files only
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".kb-chart-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
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


def prune_charts(app: Sphinx, exception: Exception | None) -> None:
    """Remove the site's chart files that no page shows any more (their data changed), so
    the output folder holds what a clean build's does. Skipped when no record changed."""
    if exception is not None or app.builder.format != "html" or not app.config.kb_charts:
        return
    from ..build.domain import kb_domain

    domain = kb_domain(app.env)
    folder = Path(app.outdir) / image_folder(app.builder)
    stamp = folder / ".kb-charts-state"
    if not folder.exists() or (stamp.exists() and stamp.read_text() == domain.state):
        return
    wanted = {chart_file(key.kind, data, "svg")
              for keys in domain.views.values() for key in keys if key.kind in DRAW
              for data in [view_data(domain.graph, key)] if has_chart(key.kind, data)}
    for path in folder.glob("kb-trend*.svg"):
        if path.name not in wanted:
            path.unlink()
    stamp.write_text(domain.state)


class TopicTrendsDirective(SphinxDirective):
    """A chart of the busiest topics' entries per year (`:limit:` topics, default 6)."""

    option_spec = {"limit": lambda value: str(max(1, min(int(value), 8)))}

    def run(self) -> list[nodes.Node]:
        if not self.config.kb_charts:
            return []
        node = kb_view(key=ViewKey("trends", self.options.get("limit", "6")),
                       docname=self.env.docname)
        self.set_source_info(node)
        return [node]


def setup_charts(app: Sphinx) -> None:
    # "env": switching the charts on or off re-reads the pages that place them
    app.add_config_value("kb_charts", True, "env", bool)
    app.add_directive_to_domain("kb", "topic-trends", TopicTrendsDirective)
    app.connect("build-finished", prune_charts)
    app.add_node(kb_chart, html=(visit_chart_html, None), latex=(visit_chart_latex, None),
                 **{fmt: (skip_chart, None) for fmt in ("text", "man", "texinfo")})
