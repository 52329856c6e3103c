"""The benchmark's longer runs end to end on a small corpus: the search payload against
Sphinx's own search, the A/B comparison of two checkouts, and the live preview (apart from
test_bench.py, so that the two test workers share the benchmark's runs)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import run  # noqa: E402


@pytest.mark.slow
def test_benchmark_compares_the_search_payload_with_the_builtin_search(tmp_path, browser,
                                                                       monkeypatch):
    import search_payload

    measured: dict[str, tuple] = {}  # engine -> (first, later, filters), as measured
    measure = search_payload.measure
    monkeypatch.setattr(search_payload, "measure", lambda site, engine, *args: measured.setdefault(
        engine, measure(site, engine, *args)))
    workdir = tmp_path / "bench"
    results = run.run(pages=6, refs=20, workdir=workdir, with_plain=False)
    table = run.run_search(results, 6, workdir, browser)  # the tests' Chromium (browser.py)
    assert set(measured) == {"pagefind", "sphinx"}
    pagefind, builtin = measured["pagefind"], measured["sphinx"]

    # the table shows what was measured
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:4]]
            for line in table.splitlines() if line.startswith(("| Pagefind", "| Sphinx built-in"))}
    assert rows == {name: [f"{search_payload.kb(p.bytes)} ({search_payload.kb(p.gzip_bytes)}), "
                           f"{p.requests} req" for p in payloads[:2]]
                    for name, payloads in (("Pagefind", pagefind), ("Sphinx built-in", builtin))}
    filters = pagefind[2]
    assert (f"opening the filters then fetched {search_payload.kb(filters.bytes)} "
            f"({search_payload.kb(filters.gzip_bytes)}), {filters.requests} req") in table

    def paths(payload) -> list[str]:
        return [urlsplit(url).path for url in payload.urls]

    # the built-in search downloads its whole index for the first query, and not again
    index = workdir / "out-sphinx" / "searchindex.js"
    assert "/searchindex.js" in paths(builtin[0])
    assert builtin[0].bytes >= index.stat().st_size
    assert "/searchindex.js" not in paths(builtin[1])
    # Pagefind starts from its entry file and fetches nothing of the built-in search
    assert "/pagefind/pagefind-entry.json" in paths(pagefind[0])
    assert not any("searchindex" in path for payload in pagefind[:2] for path in paths(payload))
    # opening the filters fetches every filter's index, and only those
    bundle = workdir / "out-j2" / "pagefind"
    assert sorted(paths(filters)) == sorted(
        "/pagefind/" + path.relative_to(bundle).as_posix() for path in (bundle / "filter").iterdir())


@pytest.mark.slow
def test_compare_prints_wall_and_cpu_seconds_of_both_checkouts(tmp_path):
    """bench/compare.py against this same checkout: both tables (wall, CPU), each with the
    three kinds of build, every run's figure on both sides, and a ratio near 1."""
    import compare

    table = compare.compare(compare.HERE.parent, compare.HERE.parent, pages=6, refs=20,
                            repeat=2, workdir=tmp_path / "compare")
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| build (wall seconds)", "| clean -j 1", "| no-op", "| text edit",
        "| build (CPU seconds)", "| clean -j 1", "| no-op", "| text edit"]
    for row in rows:
        if "build (" in row:
            continue
        cells = [cell.strip() for cell in row.strip("| ").split(" | ")]
        runs_a, runs_b = (list(map(float, cells[n].split(", "))) for n in (1, 2))
        assert len(runs_a) == len(runs_b) == 2 and min(runs_a + runs_b) > 0
        assert 0.2 < float(cells[5]) < 5  # the same code on both sides


@pytest.mark.slow
def test_the_preview_benchmark_times_each_edit_to_the_browser_warm_and_cold(tmp_path, browser):
    """bench/preview.py on a tiny corpus: each edit is timed in Chromium (the tests' own,
    browser.py), warm by the same worker, and the old way by a fresh process each time."""
    import preview

    ways, documents = preview.run(pages=6, refs=20, workdir=tmp_path / "preview", repeats=1,
                                  browser=browser)
    assert [way.name for way in ways] == ["warm (kb.cli.serve)",
                                          "fresh process per save (--cold)"]
    for way in ways:
        assert list(way.timings) == ["text edit", "new issue"]
        timings = [t for found in way.timings.values() for t in found]
        # each build's pages were written before it was done (the server's log, in order)
        assert all(t.written_before_done for t in timings), timings
        assert all(0 < t.pages_cpu_seconds for t in timings), timings
        # the pages of the documents saved were told written before the others (the log's
        # order of the server's lines, not its clocks)
        assert all(t.read_written_first for t in timings), timings
        # the browser showed the change in a page the server's message reloaded, which it
        # sends once the page is written
        assert all(t.shown_by == "reload" for t in timings), timings
        assert all(t.warm == (way is ways[0]) for t in timings), timings
    table = preview.report(ways, 6, documents)
    assert f"Preview: 6 reviews and issues ({documents} documents)" in table
    assert "| text edit | warm (kb.cli.serve) | 1 |" in table
    assert "| new issue | fresh process per save (--cold) | 1 |" in table
    assert "target, text edit within 2 s (warm (kb.cli.serve), median)" in table
    assert "warm builds (same worker process): 2 of 2" in table
