"""A Sphinx extension used only by the benchmark: how many documents a build read.

`env-before-read-docs` runs in the main process with the full list, also in a
parallel build. It writes `<outdir>/.bench-probe.json` when the build finishes,
with the seconds the other `build-finished` handlers took (the feeds, the sitemap
and robots.txt are written there): it runs first (priority 100) and last (990).
"""

from __future__ import annotations

import json
import time
from pathlib import Path


def setup(app):
    counts = {"read": 0, "finish_started": 0.0}

    def before_read(_app, _env, docnames):
        counts["read"] = len(docnames)

    def finish_starts(app, exception):
        counts["finish_started"] = time.perf_counter()

    def on_finished(app, exception):
        if exception is None:
            finish = time.perf_counter() - counts["finish_started"]
            Path(app.outdir, ".bench-probe.json").write_text(
                json.dumps({"read": counts["read"], "docs": sorted(app.env.found_docs),
                            "finish_seconds": finish}))

    app.connect("env-before-read-docs", before_read)
    app.connect("build-finished", finish_starts, priority=100)
    app.connect("build-finished", on_finished, priority=990)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
