"""`-j 2` as build/parallel.py runs it: one read share per worker, every worker writing,
and the same pages as a serial build."""

from __future__ import annotations

import sys

import pytest
from conftest import PROJECT, Build, html_pages
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util.parallel import make_chunks

sys.path.insert(0, str(PROJECT / "bench"))
from corpus import Corpus  # noqa: E402


@pytest.fixture
def writers_asked(monkeypatch) -> list[int]:
    """The number of writing processes each build asks Sphinx's parallel writer for."""
    asked: list[int] = []
    write_parallel = StandaloneHTMLBuilder._write_parallel

    def spy(self, docnames, nproc):
        asked.append(nproc)
        return write_parallel(self, docnames, nproc)

    monkeypatch.setattr(StandaloneHTMLBuilder, "_write_parallel", spy)
    return asked


def test_every_worker_writes_while_the_main_process_resolves(copy_root, writers_asked):
    Build(copy_root("kb"), parallel=2)
    assert writers_asked == [2]  # Sphinx alone asks for 2 - 1


def test_each_writer_freezes_what_it_was_forked_with_and_the_main_process_caches_no_doctree(
        copy_root, tmp_path, monkeypatch):
    """Memory under -j 2: each forked writer freezes, once, before its first page (never the
    main process); the main process, resolving every page once for the writers, keeps no
    doctree file in memory meanwhile, and its own cache is back after writing."""
    import gc
    import os

    import kb.build.parallel

    log = tmp_path / "writers.txt"
    real = kb.build.parallel.freeze_in_writer

    def freeze_and_tell() -> None:
        real()
        with log.open("a") as out:
            out.write(f"{os.getpid()} {gc.get_freeze_count()}\n")

    monkeypatch.setattr(kb.build.parallel, "freeze_in_writer", freeze_and_tell)
    from sphinx.testing.util import SphinxTestApp

    cached: list[int] = []
    app = SphinxTestApp("html", srcdir=copy_root("kb"), parallel=2)
    try:
        app.connect("html-page-context",
                    lambda app, *args: cached.append(len(app.env._pickled_doctree_cache)))
        app.build()
    finally:
        app.cleanup()
    pids = [int(line.split()[0]) for line in log.read_text().splitlines()]
    assert pids and os.getpid() not in pids and len(pids) == len(set(pids))  # once in each
    assert all(int(line.split()[1]) > 0 for line in log.read_text().splitlines())
    # (html-page-context in the main process: its first page and the indexes after writing)
    assert cached and set(cached) == {0}
    assert type(app.env._pickled_doctree_cache) is dict


def test_where_sphinxs_internals_changed_sphinxs_own_parallel_build_runs(copy_root, writers_asked,
                                                                          monkeypatch):
    """(compat/sphinx.py's check warns at start-up: tests/compat/test_compat.py)"""
    monkeypatch.setattr("kb.compat.sphinx.parallel_build_problems",
                        lambda builder, env: ["Builder._read_parallel is gone"])
    build = Build(copy_root("kb"), parallel=2)
    assert writers_asked == [1]  # Sphinx's own: one writer beside the main process
    assert "_read_parallel" not in vars(build.app.builder)


def test_the_part_pages_are_written_by_forked_workers_as_a_serial_build_writes_them(
        copy_root, monkeypatch):
    import kb.outputs.part_pages

    handed: list[list[str]] = []
    real = kb.outputs.part_pages.in_background

    def spy(app, work, shares, then):
        handed.extend([planned.part.pagename for planned in share] for share in shares)
        return real(app, work, shares, then)

    monkeypatch.setattr(kb.outputs.part_pages, "in_background", spy)
    parallel = Build(copy_root("parts", "parallel"), parallel=2)
    serial = Build(copy_root("parts", "serial"), parallel=1)
    assert len(handed) == 2 and all(handed)  # a share for each worker
    parts = sorted(sum(handed, []))
    pages = html_pages(parallel.outdir)
    assert {f"{name}.html" for name in parts} <= set(pages)
    assert pages == html_pages(serial.outdir)
    # written in the workers: the main process heard of no part page being written
    assert not set(parts) & set(parallel.written)
    assert set(parts) <= set(serial.written)


def test_a_failing_worker_fails_the_build(copy_root, monkeypatch):
    import kb.outputs.part_pages
    from sphinx.errors import SphinxParallelError

    def broken(app, share):
        raise RuntimeError("a part could not be written")

    monkeypatch.setattr(kb.outputs.part_pages, "_write_parts", broken)
    with pytest.raises(Exception) as caught:
        Build(copy_root("parts"), parallel=2)
    assert "a part could not be written" in str(caught.value)
    assert isinstance(caught.value, SphinxParallelError) or \
        isinstance(caught.value.__cause__, SphinxParallelError)


def test_a_serial_build_keeps_sphinxs_own_methods(copy_root):
    build = Build(copy_root("kb"), parallel=1)
    assert "_read_parallel" not in vars(build.app.builder)
    assert "write_documents" not in vars(build.app.builder)


@pytest.mark.slow
def test_a_parallel_build_of_the_benchmark_corpus_equals_the_serial_build(tmp_path):
    """The benchmark's corpus (its pages, views, parts, references): each share read by one
    worker and merged once, and every page byte for byte as a serial build writes it."""
    for name in ("serial", "parallel"):  # a corpus writes the same text once (its seed)
        Corpus(12, 30).write(tmp_path / name, "kb")
        (tmp_path / name / "probe.py").write_text((PROJECT / "bench" / "probe.py").read_text())
    serial = Build(tmp_path / "serial", parallel=1)
    parallel = Build(tmp_path / "parallel", parallel=2)
    docs = sorted(serial.env.found_docs)
    assert len(make_chunks(docs, 2)) > 2  # Sphinx alone would merge more chunks than this
    assert parallel.merged == 2  # one share a worker
    assert sorted(parallel.env.all_docs) == docs
    assert parallel.warnings.replace(str(tmp_path / "parallel"), "SRC") == \
        serial.warnings.replace(str(tmp_path / "serial"), "SRC")
    assert html_pages(parallel.outdir) == html_pages(serial.outdir)


def test_the_shares_interleave_the_documents():
    from kb.compat.sphinx import shares

    docnames = [f"doc{n:02d}" for n in range(7)]
    assert shares(docnames, 2) == [docnames[0::2], docnames[1::2]]
    assert shares(docnames[:1], 2) == [docnames[:1]]  # no empty share, no idle worker
    assert sorted(sum(shares(docnames, 3), [])) == docnames


def test_the_pages_of_whole_site_views_are_spread_among_the_others():
    from kb.build.parallel import spread_heavy_pages

    docs = [f"a{n:02d}" for n in range(12)] + ["topics/x", "topics/y", "topics/z"]
    ordered = spread_heavy_pages(docs, {"topics/x", "topics/y", "topics/z"})
    assert sorted(ordered) == docs  # each once
    assert ordered[0] == "a00"  # Sphinx writes the first before the workers start
    assert [ordered.index(doc) for doc in ("topics/x", "topics/y", "topics/z")] == [4, 9, 14]
    assert spread_heavy_pages(docs[:3], set()) == docs[:3]


def test_the_writers_are_handed_the_heavy_pages_spread(copy_root, monkeypatch):
    handed: list[list[str]] = []
    write_parallel = StandaloneHTMLBuilder._write_parallel

    def spy(self, docnames, nproc):
        handed.append(list(docnames))
        return write_parallel(self, docnames, nproc)

    monkeypatch.setattr(StandaloneHTMLBuilder, "_write_parallel", spy)
    build = Build(copy_root("parts"), parallel=2)
    (docnames,) = handed
    assert sorted(docnames) == sorted(build.env.found_docs)
    from kb.build.parallel import heavy_pages

    heavy = heavy_pages(build.app)
    assert heavy and heavy < set(docnames)
    assert docnames != sorted(docnames) and docnames[0] not in heavy


@pytest.mark.parametrize("parallel", [1, 2])
def test_matplotlib_is_imported_once_before_the_writers_fork(copy_root, monkeypatch, parallel):
    """Each chunk of pages is written by a process forked then: one import for them all."""
    import kb.outputs.charts

    imported: list[int] = []
    monkeypatch.setattr(kb.outputs.charts, "import_drawing", lambda: imported.append(1))
    build = Build(copy_root("kb"), parallel=parallel)
    assert "kb-trend" in (build.outdir / "topics" / "gans.html").read_text(encoding="utf-8")
    assert imported == ([1] if parallel > 1 else [])  # a serial build imports as it draws
