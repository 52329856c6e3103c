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

Putting them back would make the next allocation start a full pass over everything the
build left alive, and the interpreter makes one more as it exits: at 1,000 pages 5 s each,
for nothing when the process is about to end (sphinx-build). So, as the build finishes,
what is alive is frozen first (`gc.freeze`: the collector leaves it alone from then on);
the next build in the same process unfreezes it as it starts (a new application's at
`config-inited`, another build of the same application's as it starts reading), so a
long-lived process (the live preview, the test suite) still has its garbage collected, one
build later.

Where the pages are written by forked processes (-j N), what is alive is frozen as writing
starts (`freeze_for_writers`). A forked writer shares the main process's memory until it
writes to a page of it, and a collection in the writer writes into the header of every
object it looks at: each writer came to hold its own copy of most of the main process (at
10,000 pages, the build's processes together held 9.6 GB where the main one held 3.8 GB;
docs/benchmark.md). Frozen objects are not looked at. What the main process made before
writing is the environment and the site's data, alive to the end of the build anyway; it is
unfrozen by the next build, as above. A pass now looks only at what was made since, so the
main process goes back to Python's own thresholds while it writes: each page's doctree,
resolved for a writer and then dropped, is collected soon instead of piling up until the
next full pass. Each writer freezes what it was forked with, first thing
(`freeze_in_writer`), and the processes forked after writing (build/parallel.py,
`in_background`) find it frozen too.

`kb_gc_threshold` in conf.py (config.py): three positive integers (see `gc.set_threshold`), or
None to leave Python's thresholds alone.
"""

from __future__ import annotations

import gc
import platform
from typing import Any

from sphinx.application import Sphinx

from ..compat import sphinx as sphinx_compat
from .config import kb_config

_SAVED = "_kb_gc_saved_threshold"  # Python's thresholds, kept on the app until the build ends


class _Frozen:
    """Whether a build froze what was alive as it finished (the collector is the process's
    own, so this is too): the next build unfreezes only what a build froze."""

    by_a_build = False


def unfreeze(*_args: Any) -> None:
    """What an earlier build in this process left alive is collected again."""
    if _Frozen.by_a_build:
        gc.unfreeze()
        _Frozen.by_a_build = False


def raise_threshold(app: Sphinx, config: Any) -> None:
    unfreeze()
    wanted = kb_config(config).gc_threshold
    if wanted is None or platform.python_implementation() != "CPython":
        return
    setattr(app, _SAVED, gc.get_threshold())
    gc.set_threshold(*wanted)


def freeze_before_forking() -> None:
    """What is alive is left alone by the collector, here and in the processes forked from
    here from now on, until the next build starts."""
    gc.freeze()
    _Frozen.by_a_build = True


def freeze_for_writers(app: Sphinx, builder: Any) -> None:
    """write-started: where the build writes in parallel, its writers are forked from here.
    What the main process makes from now on (each page's doctree, resolved for a writer,
    then dropped) is collected at Python's own pace: a pass looks only at what is not
    frozen, so it is short, and the doctrees dropped do not pile up until the rare full
    pass of the raised thresholds."""
    if sphinx_compat.writes_in_parallel(builder):
        freeze_before_forking()
        if getattr(app, _SAVED, None) is not None:
            gc.set_threshold(*getattr(app, _SAVED))


def freeze_in_writer() -> None:
    """First in each forked writer: what it was forked with is frozen in it (the pages
    the main process made since writing started, too), so its collections look only at
    what it makes itself, at Python's own pace (the main process's, set above)."""
    gc.freeze()


def restore_threshold(app: Sphinx, exception: Exception | None) -> None:
    saved = getattr(app, _SAVED, None)
    if saved is not None:
        gc.freeze()  # no full pass now, nor as sphinx-build exits
        _Frozen.by_a_build = True
        gc.set_threshold(*saved)
        setattr(app, _SAVED, None)


def setup_gc_thresholds(app: Sphinx) -> None:
    # kb_gc_threshold: registered and checked in config.py, before this listener runs
    app.connect("config-inited", raise_threshold)
    app.connect("env-before-read-docs", unfreeze)  # a later build of the same application
    app.connect("write-started", freeze_for_writers)
    app.connect("build-finished", restore_threshold, priority=900)
