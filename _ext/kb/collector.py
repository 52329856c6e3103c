"""Python's garbage collector and the loaded environment (builder-inited, build-finished).

An incremental build starts from the unpickled environment: at 2,000 pages some
600,000 objects that live until the build ends. Each full pass of the collector scans
every object it tracks, about half a second each there, and an edit build makes
enough new objects for a dozen passes: 7.8 s of a 35 s build adding an issue at 2,000
pages (timed with gc.callbacks, unprofiled). Frozen (gc.freeze) once the environment
and the bibliography are loaded, those objects are left out of the passes; they are
handed back to the collector when the build finishes. Objects are still freed when
their last reference goes; only reference cycles among the frozen ones wait for the
first full pass after the build.
"""

from __future__ import annotations

import gc
from sphinx.application import Sphinx


def freeze_loaded(app: Sphinx) -> None:
    gc.freeze()


def release_loaded(app: Sphinx, exception: Exception | None) -> None:
    gc.unfreeze()


def setup_collector(app: Sphinx) -> None:
    # last of builder-inited, after refs.bib is loaded (bibliography.py); last of
    # build-finished (emitted after a failed build too), after the feeds and search index
    app.connect("builder-inited", freeze_loaded, priority=900)
    app.connect("build-finished", release_loaded, priority=1000)
