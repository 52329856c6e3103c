"""Python's garbage collector, run less often during a build.

CPython's cyclic collector runs a full pass over every live object whenever enough new
objects have survived; a Sphinx build keeps a large environment alive and makes and drops
doctrees by the thousand, so it triggers many such passes. Timed with `gc.callbacks` in one
clean `-j 1` build of the benchmark's 200-page corpus: 19 full passes, 6.2 s of 22.5 s.
Raising the thresholds for the build, as mypy does for its own (`gc.set_threshold(200_000,
30, 30)` in mypy/build.py), leaves fewer, larger passes for more memory at the peak (the
benchmark prints both). The thresholds are set as the configuration is read, so loading the
saved environment benefits too, and Python's own are put back when the build finishes, so a
process that goes on after the build (the test suite, the live preview) is left as it was.

`kb_gc_threshold` in conf.py: three positive integers (see `gc.set_threshold`), or None to
leave Python's thresholds alone.
"""

from __future__ import annotations

import gc
import platform
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = (50_000, 20, 20)
_SAVED = "_kb_gc_saved_threshold"  # Python's thresholds, kept on the app until the build ends


def valid_threshold(value: Any) -> bool:
    return (isinstance(value, (tuple, list)) and len(value) == 3
            and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value))


def _where_set(conf: Path) -> str:
    """conf.py and the line that sets kb_gc_threshold (1 when it is set elsewhere, by -D)."""
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("kb_gc_threshold")), 1)
    return f"{conf}:{line}"


def raise_threshold(app: Sphinx, config: Any) -> None:
    wanted = config.kb_gc_threshold
    if wanted is None or platform.python_implementation() != "CPython":
        return
    if not valid_threshold(wanted):
        logger.warning("kb_gc_threshold = %r in conf.py: write three positive integers, such as "
                       "%r, or None for Python's own; using Python's own", wanted,
                       DEFAULT_THRESHOLD, location=_where_set(Path(app.confdir, "conf.py")),
                       type="kb", subtype="config")
        return
    setattr(app, _SAVED, gc.get_threshold())
    gc.set_threshold(*wanted)


def restore_threshold(app: Sphinx, exception: Exception | None) -> None:
    saved = getattr(app, _SAVED, None)
    if saved is not None:
        gc.set_threshold(*saved)
        setattr(app, _SAVED, None)


def setup_collector(app: Sphinx) -> None:
    # "": what the collector does changes no output, so no page is rebuilt for it
    app.add_config_value("kb_gc_threshold", DEFAULT_THRESHOLD, "",
                         types=frozenset({tuple, list, type(None)}))
    app.connect("config-inited", raise_threshold)
    app.connect("build-finished", restore_threshold, priority=900)
