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
    assert list(by) == ["clean build -j 1", "clean build -j 2", "no-op rebuild",
                        "edit one page's text", "add a topic to one page", "add one new issue",
                        "feeds+sitemap off: clean -j 1", "extension off: clean -j 1"]
    docs = by["clean build -j 1"].docs
    assert docs > 12 + 60  # the pages, the topic pages, the indexes
    # a clean build reads and writes every document, with or without the extension
    for step in ("clean build -j 1", "clean build -j 2", "extension off: clean -j 1"):
        assert (by[step].read, by[step].written) == (by[step].docs, by[step].docs), step
    assert by["no-op rebuild"].read == 0 and by["no-op rebuild"].written == 0
    # the edited page, and the index whose toctree shows its title (Sphinx's own rule)
    assert (by["edit one page's text"].read, by["edit one page's text"].written) == (1, 2)
    # the page and the views that show the topic, not the whole site
    assert by["add a topic to one page"].read == 1
    assert 2 < by["add a topic to one page"].written < docs
    # the issue and its year's index; the navigation branch, not the whole site
    assert by["add one new issue"].read == 2
    assert 2 < by["add one new issue"].written < by["add one new issue"].docs
    # the corpus build publishes feeds and a sitemap; the comparison build neither
    bench = tmp_path / "bench"
    assert (bench / "out-j1" / "feeds" / "atom.xml").is_file()
    assert (bench / "out-j1" / "sitemap.xml").is_file()
    assert not (bench / "unpublished-j1" / "feeds").exists()
    assert not (bench / "unpublished-j1" / "sitemap.xml").exists()

    table = run.report(results, 12, 30)
    assert table.startswith(
        f"Benchmark: 12 reviews and issues ({docs} documents in all), 30 refs.bib entries")
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [(step, float(seconds), int(read), int(written), float(finish))
            for step, seconds, _mb, read, written, finish in rows] == [
        (r.step, round(r.seconds, 1), r.read, r.written, round(r.finish, 2)) for r in results]
    assert "feeds and sitemap (clean -j 1, on / off)" in table
    assert "extension overhead (clean -j 1, on / off): " in table
    assert "no-op rebuild / clean build: " in table


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
