"""Python's garbage collector, run less often during a build.

CPython's cyclic collector runs a full pass over every live object whenever enough new
objects have survived; a Sphinx build keeps a large environment alive and makes and drops
doctrees by the thousand, so it triggers many such passes, each longer as the environment
grows (timed with `gc.callbacks`, they were a large share of a clean build).
Raising the thresholds for the build, as mypy does for its own (`gc.set_threshold(200_000,
30, 30)` in mypy/build.py), leaves fewer, larger passes for more memory at the peak (the
benchmark prints both). The thresholds are set as the configuration is read, so loading the
saved environment benefits too, and Python's own are put back when the build finishes, so a
process that goes on after the build (the test suite, the live preview) is left as it was.

`kb_gc_threshold` in conf.py (config.py): three positive integers (see `gc.set_threshold`), or
None to leave Python's thresholds alone.
"""

from __future__ import annotations

import gc
import platform
from typing import Any

from sphinx.application import Sphinx

from .config import kb_config

_SAVED = "_kb_gc_saved_threshold"  # Python's thresholds, kept on the app until the build ends


def raise_threshold(app: Sphinx, config: Any) -> None:
    wanted = kb_config(config).gc_threshold
    if wanted is None or platform.python_implementation() != "CPython":
        return
    setattr(app, _SAVED, gc.get_threshold())
    gc.set_threshold(*wanted)


def restore_threshold(app: Sphinx, exception: Exception | None) -> None:
    saved = getattr(app, _SAVED, None)
    if saved is not None:
        gc.set_threshold(*saved)
        setattr(app, _SAVED, None)


def setup_gc_thresholds(app: Sphinx) -> None:
    # kb_gc_threshold: registered and checked in config.py, before this listener runs
    app.connect("config-inited", raise_threshold)
    app.connect("build-finished", restore_threshold, priority=900)
