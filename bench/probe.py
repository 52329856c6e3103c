"""A Sphinx extension used only by the benchmark: how many documents a build read.

`env-before-read-docs` runs in the main process with the full list, also in a
parallel build. It writes `<outdir>/.bench-probe.json` when the build finishes,
with the seconds the other `build-finished` handlers took (the feeds, the sitemap,
robots.txt and the Pagefind index are written there: it runs first (priority 100)
and last (990)), and the seconds Sphinx's built-in search indexer took, where it
runs (kb_search = "sphinx").
"""

from __future__ import annotations

import json
import time
from pathlib import Path


def setup(app):
    counts = {"read": 0, "finish_started": 0.0, "builtin_search_seconds": 0.0}

    def timed(function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                counts["builtin_search_seconds"] += time.perf_counter() - started
        return wrapper

    def builder_inited(app):
        # Sphinx's built-in search index: fed page by page, then written as searchindex.js
        if getattr(app.builder, "search", False):
            app.builder.index_page = timed(app.builder.index_page)
            app.builder.dump_search_index = timed(app.builder.dump_search_index)

    def before_read(_app, _env, docnames):
        counts["read"] = len(docnames)

    def finish_starts(app, exception):
        counts["finish_started"] = time.perf_counter()

    def on_finished(app, exception):
        if exception is None:
            finish = time.perf_counter() - counts["finish_started"]
            Path(app.outdir, ".bench-probe.json").write_text(
                json.dumps({"read": counts["read"], "docs": sorted(app.env.found_docs),
                            "finish_seconds": finish,
                            "builtin_search_seconds": counts["builtin_search_seconds"]}))

    app.connect("builder-inited", builder_inited)
    app.connect("env-before-read-docs", before_read)
    app.connect("build-finished", finish_starts, priority=100)
    app.connect("build-finished", on_finished, priority=990)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
