"""A Sphinx extension used only by the benchmark: how many documents a build read.

`env-before-read-docs` runs in the main process with the full list, also in a
parallel build. It writes `<outdir>/.bench-probe.json` when the build finishes.
"""

from __future__ import annotations

import json
from pathlib import Path


def setup(app):
    counts = {"read": 0}

    def before_read(_app, _env, docnames):
        counts["read"] = len(docnames)

    def on_finished(app, exception):
        if exception is None:
            Path(app.outdir, ".bench-probe.json").write_text(
                json.dumps({"read": counts["read"], "docs": sorted(app.env.found_docs)}))

    app.connect("env-before-read-docs", before_read)
    app.connect("build-finished", on_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
