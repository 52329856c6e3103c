"""The garbage collector's thresholds during a build (build/gc_thresholds.py): raised for the
build, Python's own put back after it; a bad value stops the build (build/config.py) before
they change."""

from __future__ import annotations

import gc
import os

import pytest
from conftest import Build, append
from kb.build.config import DEFAULT_GC_THRESHOLD, SettingError


@pytest.fixture
def python_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)
    gc.unfreeze()


def _threshold_while_building(src, **overrides):
    """The thresholds in force while the pages are written, and after the build."""
    from sphinx.testing.util import SphinxTestApp

    seen = []
    app = SphinxTestApp("html", srcdir=src, confoverrides=overrides or None)
    try:
        app.connect("html-page-context", lambda *args: seen.append(gc.get_threshold()))
        app.build()
    finally:
        app.cleanup()
    return set(seen), gc.get_threshold(), app.warning.getvalue()


def test_thresholds_are_raised_for_the_build_and_restored_after(copy_root, python_threshold):
    during, after, warnings = _threshold_while_building(copy_root("kb"))
    assert during == {DEFAULT_GC_THRESHOLD}
    assert after == python_threshold
    assert not warnings


def test_none_leaves_python_s_thresholds(copy_root, python_threshold):
    during, after, _ = _threshold_while_building(copy_root("kb"), kb_gc_threshold=None)
    assert during == {python_threshold} and after == python_threshold


def test_a_bad_value_stops_the_build_and_python_s_thresholds_are_kept(copy_root, python_threshold):
    with pytest.raises(SettingError, match=r"kb_gc_threshold = \(0, 'x'\): write three positive"):
        _threshold_while_building(copy_root("kb"), kb_gc_threshold=(0, "x"))
    assert gc.get_threshold() == python_threshold


def test_a_bad_value_in_conf_py_is_reported_at_its_line(copy_root, python_threshold):
    srcdir = copy_root("kb")
    conf = srcdir / "conf.py"
    lines = conf.read_text(encoding="utf-8").splitlines()
    append(conf, "kb_gc_threshold = (1, 2)\n")
    with pytest.raises(SettingError) as caught:
        Build(srcdir)
    assert str(caught.value).startswith(f"{conf}:{len(lines) + 1}: kb_gc_threshold = (1, 2): write")
    assert gc.get_threshold() == python_threshold


def test_what_a_build_leaves_alive_is_frozen_until_the_next_build_starts(copy_root,
                                                                        python_threshold):
    """No full pass as the thresholds are put back (nor as sphinx-build exits): what is
    alive is frozen; the next build in the process unfreezes it, so it is collected."""
    from sphinx.testing.util import SphinxTestApp

    gc.unfreeze()
    Build(copy_root("kb", "first"))
    assert gc.get_freeze_count() > 0 and gc.get_threshold() == python_threshold
    frozen_while_writing = []
    app = SphinxTestApp("html", srcdir=copy_root("kb", "second"))
    try:
        app.connect("html-page-context",
                    lambda *args: frozen_while_writing.append(gc.get_freeze_count()))
        app.build()
    finally:
        app.cleanup()
    assert set(frozen_while_writing) == {0}


def test_none_freezes_nothing(copy_root, python_threshold):
    gc.unfreeze()
    Build(copy_root("kb"), confoverrides={"kb_gc_threshold": None})
    assert gc.get_freeze_count() == 0


def test_a_second_build_of_the_same_application_unfreezes_what_the_first_left(
        copy_root, python_threshold):
    """(the live preview keeps one application warm between its rebuilds)"""
    from sphinx.testing.util import SphinxTestApp

    gc.unfreeze()
    src = copy_root("kb")
    frozen_while_writing = []
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.connect("html-page-context",
                    lambda *args: frozen_while_writing.append(gc.get_freeze_count()))
        app.build()
        assert gc.get_freeze_count() > 0
        frozen_while_writing.clear()
        append(src / "newsletters" / "n220.md", "\nOne more sentence.\n")
        app.build()
    finally:
        app.cleanup()
    assert frozen_while_writing and set(frozen_while_writing) == {0}


def test_the_writers_forked_under_j2_find_the_main_process_frozen(copy_root, tmp_path,
                                                                 python_threshold):
    """Under -j 2, the pages are written by forked processes: what the main process held
    as writing started is frozen in them, so that their collections leave its memory
    shared, and the main process collects what it makes since at Python's own pace; the
    serial build writes with nothing frozen, at the raised thresholds."""
    from sphinx.testing.util import SphinxTestApp

    resolving: set[tuple[int, ...]] = set()  # the thresholds as the main process resolves

    def freeze_counts(parallel: int) -> dict[int, list[int]]:
        log = tmp_path / f"frozen-j{parallel}.txt"

        def record(*args) -> None:  # runs in whichever process writes the page
            with log.open("a") as out:
                out.write(f"{os.getpid()} {gc.get_freeze_count()}\n")

        gc.unfreeze()
        app = SphinxTestApp("html", srcdir=copy_root("kb", f"j{parallel}"), parallel=parallel)
        try:
            app.connect("html-page-context", record)
            app.connect("doctree-resolved", lambda *args: resolving.add(gc.get_threshold()))
            app.build()
        finally:
            app.cleanup()
        found: dict[int, list[int]] = {}
        for line in log.read_text().splitlines():
            pid, count = map(int, line.split())
            found.setdefault(pid, []).append(count)
        return found

    parallel = freeze_counts(2)
    # the main process, resolving each page for the writers, collects at Python's own pace
    assert resolving == {python_threshold}
    writers = {pid: counts for pid, counts in parallel.items() if pid != os.getpid()}
    assert len(writers) >= 2  # the pages were written in forked processes
    assert all(count > 1000 for counts in writers.values() for count in counts)
    resolving.clear()
    serial = freeze_counts(1)
    assert list(serial) == [os.getpid()] and set(serial[os.getpid()]) == {0}
    assert resolving == {DEFAULT_GC_THRESHOLD}
