"""The benchmark runs end to end on a small corpus, and the corpus is deterministic."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import corpus  # noqa: E402
import run  # noqa: E402


def test_corpus_is_deterministic(tmp_path):
    corpus.Corpus(12, 30).write(tmp_path / "a", "kb")
    corpus.Corpus(12, 30).write(tmp_path / "b", "kb")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    assert len(files) > 12 + 60
    for path in files:
        assert (tmp_path / "a" / path).read_text() == (tmp_path / "b" / path).read_text()


@pytest.mark.slow
def test_benchmark_prints_every_build_and_measures_reads_and_writes(tmp_path):
    results = run.run(pages=12, refs=30, workdir=tmp_path / "bench")
    by = {r.step: r for r in results}
    kinds = ["edit one page's text", "add a topic to one page", "add one new issue"]
    assert list(by) == ["clean build -j 1", "clean build -j 2", "no-op rebuild", *kinds,
                        "extension off: clean -j 1", "extension off: no-op rebuild",
                        *(f"extension off: {kind}" for kind in kinds)]
    docs = by["clean build -j 1"].docs
    assert docs > 12 + 60  # the pages, the topic pages, the indexes
    # a clean build reads and writes every document, with or without the extension
    for step in ("clean build -j 1", "clean build -j 2", "extension off: clean -j 1"):
        assert (by[step].read, by[step].written) == (by[step].docs, by[step].docs), step
    for step in ("no-op rebuild", "extension off: no-op rebuild"):
        assert (by[step].read, by[step].written) == (0, 0), step
    # the edited page, and the index whose toctree shows its title (Sphinx's own rule)
    for prefix in ("", "extension off: "):
        assert (by[prefix + kinds[0]].read, by[prefix + kinds[0]].written) == (1, 2)
        assert by[prefix + kinds[1]].read == 1
        assert by[prefix + kinds[2]].read == 2  # the issue and its year's index
    # the page and the views that show the topic, not the whole site
    assert 2 < by["add a topic to one page"].written < docs
    # the navigation branch and the views that show it, not the whole site
    assert 2 < by["add one new issue"].written < by["add one new issue"].docs
    # without the extension nothing shows a topic: the page and its parent only
    assert by["extension off: add a topic to one page"].written == 2
    # the clean -j 1 build times each part in its own code, and finds the largest page
    parts = by["clean build -j 1"].parts
    assert set(parts) >= {"views", "navigation", "references", "feeds", "search", "charts",
                          "export"}
    clean_out = tmp_path / "bench" / "out-j2"  # not edited after its clean build
    sizes = {str(p.relative_to(clean_out)): p.stat().st_size for p in clean_out.rglob("*.html")}
    assert by["clean build -j 2"].largest == max(sizes.items(), key=lambda pair: pair[1])
    out = tmp_path / "bench" / "out-j1"
    # the corpus build publishes feeds and a sitemap
    assert (out / "feeds" / "atom.xml").is_file()
    assert (out / "sitemap.xml").is_file()

    table = run.report(results, 12, 30)
    assert table.startswith(
        f"Benchmark: 12 reviews and issues ({docs} documents in all), 30 refs.bib entries")
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [(step, float(seconds), int(read), int(written), float(finish))
            for step, seconds, _mb, read, written, finish in rows] == [
        (r.step, round(r.seconds, 1), r.read, r.written, round(r.finish, 2)) for r in results]
    assert "extension overhead (clean -j 1, on / off): " in table
    assert "no-op rebuild / clean build: " in table
    assert "MB per 1,000 documents" in table
    assert f"largest page: {by['clean build -j 1'].largest[0]}" in table

    summary = run.summary({12: results, 13: results}, 30)
    assert "| 12 (" in summary and "| 13 (" in summary
    assert "Extension off" in summary
    assert "clean -j 1 from 12 to 13 pages" in summary


@pytest.mark.slow
def test_benchmark_compares_the_search_payload_with_the_builtin_search(tmp_path, browser):
    workdir = tmp_path / "bench"
    results = run.run(pages=6, refs=20, workdir=workdir, with_plain=False)
    table = run.run_search(results, 6, workdir, browser)  # the tests' Chromium (browser.py)
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()
            if line.startswith("| Pagefind") or line.startswith("| Sphinx built-in")}
    assert set(rows) == {"Pagefind", "Sphinx built-in"}
    for line in rows.values():
        # first query, later query: bytes (gzip), requests; then the index's build seconds
        first, later, seconds = (cell.strip() for cell in line.split("|")[2:5])
        assert re.match(r"[\d,.]+ KB \([\d,.]+ KB\), [1-9]\d* req", first), line
        assert re.fullmatch(r"\d+\.\d+ s", seconds), line
    # the built-in search downloads its whole index for the first query; Pagefind does not
    assert (workdir / "out-sphinx" / "searchindex.js").exists()
    assert "Pagefind indexing / clean build -j 1" in table
    # the filters' indexes are fetched only when the reader opens the filters
    assert re.search(r"opening the filters then fetched [\d,.]+ KB \([\d,.]+ KB\), [1-9]\d* req",
                     table), table
