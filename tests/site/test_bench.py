"""The benchmark runs end to end on a small corpus, and the corpus is deterministic."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import corpus  # noqa: E402
import page_weight  # noqa: E402
import run  # noqa: E402


def test_corpus_is_deterministic(tmp_path):
    corpus.Corpus(12, 30).write(tmp_path / "a", "kb")
    corpus.Corpus(12, 30).write(tmp_path / "b", "kb")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    assert len(files) > 12 + 60
    for path in files:
        assert (tmp_path / "a" / path).read_text() == (tmp_path / "b" / path).read_text()


# -- the tables, from known figures: each ratio and value is the one the figures give ------

OFF = run.OFF


def known_results(docs: int = 80, scale: float = 1.0) -> list[run.Result]:
    """A run whose every ratio is easy to work out by hand."""
    def result(step: str, seconds: float, read: int = 0, written: int = 0, **extra) -> run.Result:
        return run.Result(step, seconds * scale, 200.0, read, written, docs, **extra)

    return [
        result("clean build -j 1", 10.0, docs, docs, finish=1.25,
               parts={"views": 1.0, "navigation": 0.5}, largest=("reviews/a.html", 2_500_000)),
        result("clean build -j 2", 6.0, docs, docs),
        result("no-op rebuild", 1.0),
        result("edit one page's text", 2.0, 1, 2),
        result("add a topic to one page", 3.0, 1, 9),
        result("add one new issue", 4.0, 2, 12),
        result(f"{OFF}clean -j 1", 8.0, docs, docs),
        result(f"{OFF}no-op rebuild", 0.4),
        result(f"{OFF}edit one page's text", 1.0, 1, 2),
        result(f"{OFF}add a topic to one page", 2.0, 1, 2),
        result(f"{OFF}add one new issue", 2.4, 2, 3),
    ]


def test_the_report_shows_each_build_and_the_ratios_its_figures_give():
    table = run.report(known_results(), 12, 30).splitlines()
    assert table[0] == "Benchmark: 12 reviews and issues (80 documents in all), 30 refs.bib entries"
    rows = {cells[0]: cells[1:] for cells in
            ([c.strip() for c in line.strip("|").split("|")] for line in table
             if line.startswith("| ") and "---" not in line)}
    assert rows["clean build -j 1"] == ["10.0", "200", "80", "80", "1.25"]
    assert rows["add a topic to one page"] == ["3.0", "200", "1", "9", "0.00"]
    assert rows[f"{OFF}add one new issue"] == ["2.4", "200", "2", "3", "0.00"]
    assert len(rows) == 1 + 11  # the header and every build
    # each step against the clean build, with and without the extension, and on / off
    assert "no-op rebuild / clean build: 10.0% (extension off: 5.0%; on / off 2.50x)" in table
    assert ("edit one page's text / clean build: 20.0% (extension off: 12.5%; on / off 2.00x)"
            in table)
    assert ("add a topic to one page / clean build: 30.0% (extension off: 25.0%; on / off 1.50x)"
            in table)
    assert "add one new issue / clean build: 40.0% (extension off: 30.0%; on / off 1.67x)" in table
    assert "text edit - no-op: +1.0 s" in table
    assert "extension overhead (clean -j 1, on / off): 1.25x" in table
    assert "clean -j 2 / clean -j 1: 0.60" in table
    assert "peak memory, clean -j 1: 200 MB, 2500 MB per 1,000 documents" in table
    assert "largest page: reviews/a.html, 2.50 MB" in table
    # every part named, those not measured at 0.0 s
    assert ("seconds in each part's own code, clean -j 1 (of 10.0 s): views 1.0 s, navigation "
            "0.5 s, references 0.0 s, feeds 0.0 s, search 0.0 s, charts 0.0 s, export 0.0 s, "
            "previews 0.0 s") in table


def test_the_summary_compares_the_sizes_by_their_figures():
    summary = run.summary({12: known_results(100), 24: known_results(200, scale=2.4)}, 30)
    lines = summary.splitlines()
    assert "| 12 (100) | 10.0 s | 6.0 s | 1.0 s, 0 read, 0 written | 2.0 s, 1 read, 2 written " \
        "| 3.0 s, 1 read, 9 written | 4.0 s, 2 read, 12 written | 2.50 MB | 2000 |" in lines
    assert "| 24 (200) | 24.0 s | 14.4 s | 2.4 s, 0 read, 0 written | 4.8 s, 1 read, 2 written " \
        "| 7.2 s, 1 read, 9 written | 9.6 s, 2 read, 12 written | 2.50 MB | 1000 |" in lines
    # without the extension: its clean build, and the extension's overhead on / off
    assert "| 12 (100) | 8.0 s | 0.4 s, 0 read, 0 written | 1.0 s, 1 read, 2 written " \
        "| 2.0 s, 1 read, 2 written | 2.4 s, 2 read, 3 written | 1.25x |" in lines
    # the ratios do not depend on the size when every build scales alike (the parts' seconds
    # are as measured: the same figures here)
    ratios = [line for line in lines if line.startswith("| 12 |") or line.startswith("| 24 |")]
    assert [line.split("|", 2)[2] for line in ratios] == [
        " 10.0% | +1.0 s | 30.0% | 40.0% | 0.60 | 1.0 s | 0.5 s | " + " | ".join(["0.0 s"] * 6) + " |",
        " 10.0% | +2.4 s | 30.0% | 40.0% | 0.60 | 1.0 s | 0.5 s | " + " | ".join(["0.0 s"] * 6) + " |"]
    assert lines[-1] == ("clean -j 1 from 12 to 24 pages (2.00x the documents): 2.40x the time; "
                         "0.100 and 0.120 s a document")


def clean_results(docs: int, j1: float, j2: float, largest: tuple[str, int]) -> list[run.Result]:
    """A --clean-only run: the two clean builds, each with both peaks."""
    return [run.Result("clean build -j 1", j1, 300.0, docs, docs, docs, largest=largest,
                       cpu_seconds=j1 * 0.9, peak_all_mb=310.0),
            run.Result("clean build -j 2", j2, 280.0, docs, docs, docs, largest=largest,
                       cpu_seconds=j1, peak_all_mb=450.0, peak_all_at=j2 * 0.6,
                       peak_all_shares=[("main", 200.0), ("python", 150.0), ("python", 100.0)],
                       phases={"read": [1.0, 1.0, 0.0], "write": [j2 * 0.5, 9.0, 9.0]},
                       memory={"read": 120.0, "write": 200.0})]


def test_the_json_gives_each_sizes_clean_builds_by_their_figures():
    runs = {1000: clean_results(1100, 110.0, 66.0, ("archive.html", 600_000)),
            10000: clean_results(10100, 1111.0, 707.0, ("references-2022.html", 990_000))}
    results = run.json_results(runs, 2000)
    assert results["refs"] == 2000 and results["machine"] == run.machine()
    assert results["sizes"][1] == {
        "pages": 10000, "docs": 10100,
        "clean_seconds": {"j1": 1111.0, "j2": 707.0},
        "cpu_seconds": {"j1": 999.9, "j2": 1111.0},
        "seconds_per_document": {"j1": 0.11, "j2": 0.07},
        "peak_mb": {"j1": 300.0, "j2": 280.0},
        "peak_all_mb": {"j1": 310.0, "j2": 450.0},
        "largest_page": {"path": "references-2022.html", "bytes": 990_000},
        "peak_all_when": {
            "j1": {"seconds": 0.0, "phase": "start", "processes": []},
            "j2": {"seconds": 424.2, "phase": "write",
                   "processes": [("main", 200.0), ("python", 150.0), ("python", 100.0)]}},
        "main_memory": {"j1": {}, "j2": {"read": 120.0, "write": 200.0}},
        "phases": {"j1": {}, "j2": {"read": [352.5, 8.0, 9.0]}}}
    # when the processes held the most, in which phase, and what each held
    assert run.peak_line(runs[10000][1]) == (
        "clean build -j 2: all processes' peak 450 MB at 424 s (in write): main 200, python 150, "
        "python 100 MB; the main process as each phase starts: read 120, write 200 MB")
    assert [size["pages"] for size in results["sizes"]] == [1000, 10000]
    table = run.clean_summary(runs, 2000).splitlines()
    assert ("| 1,000 (1,100) | 110.0 s | 66.0 s | 0.60 | 0.1000 | 0.0600 | 300 | 450 "
            "| archive.html, 0.60 MB |") in table
    # the cost per document at the largest size against the smallest's
    assert table[-3:] == ["", "cost per document at 10,000 pages / at 1,000 pages, -j 1: 1.10x",
                          "cost per document at 10,000 pages / at 1,000 pages, -j 2: 1.17x"]


def test_a_clean_only_run_of_one_build_gives_that_builds_figures_alone():
    runs = {1000: clean_results(1100, 110.0, 66.0, ("archive.html", 600_000))[1:],
            10000: clean_results(10100, 1111.0, 777.0, ("authors.html", 700_000))[1:]}
    (small, large) = run.json_results(runs, 2000)["sizes"]
    assert large["clean_seconds"] == {"j2": 777.0} and list(large["phases"]) == ["j2"]
    assert large["seconds_per_document"] == {"j2": round(777.0 / 10100, 5)}
    table = run.clean_summary(runs, 2000).splitlines()
    assert ("| 10,000 (10,100) | not run | 777.0 s | not run | not run | 0.0769 | 280 | 450 "
            "| authors.html, 0.70 MB |") in table
    assert table[-2:] == ["", "cost per document at 10,000 pages / at 1,000 pages, -j 2: 1.28x"]


def test_each_phase_is_the_difference_of_its_marks():
    marks = {"read": [1.0, 1.0, 0.0], "env-updated": [11.0, 2.0, 18.0], "write": [13.0, 4.0, 18.0],
             "after writing": [40.0, 20.0, 70.0], "build-finished": [42.0, 21.0, 70.0],
             "end": [50.0, 27.0, 80.0]}
    assert run.phase_seconds(marks) == {
        "read": [10.0, 1.0, 18.0], "env-updated": [2.0, 2.0, 0.0], "write": [27.0, 16.0, 52.0],
        "after writing": [2.0, 1.0, 0.0], "build-finished": [8.0, 6.0, 10.0]}
    result = run.Result("clean build -j 2", 55.0, 1.0, 1, 1, 1, phases=marks)
    assert run.phases_line(result).endswith(
        "read 10.0 (1.0; 18.0), env-updated 2.0 (2.0; 0.0), write 27.0 (16.0; 52.0), "
        "after writing 2.0 (1.0; 0.0), build-finished 8.0 (6.0; 10.0)")


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux's /proc")
def test_the_peak_counts_every_process_of_the_build():
    """Two processes, each holding 64 MB of its own: the sampled peak holds both."""
    import subprocess
    import time

    holder = ("import os, sys\n"
              "os.fork()\n"  # parent and child each fill their own 64 MB
              "block = bytearray(b'x' * (64 << 20))\n"
              "sys.stdin.read()\n")
    process = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE)
    sampler = run.PeakSampler(process.pid)
    deadline = time.monotonic() + 60
    while sampler.peak_kib < 2 * 64 * 1024 and time.monotonic() < deadline:
        time.sleep(run.SAMPLE_SECONDS)
    process.stdin.close()
    process.wait()
    peak = sampler.stop()
    assert 2 * 64 <= peak < 2 * 64 + 200, peak  # both blocks, and two interpreters
    # what each held at the peak: the process started ("main"), then its forked child
    assert sampler.peak_shares[0][0] == "main" and len(sampler.peak_shares) == 2
    assert all(mb >= 64 for _, mb in sampler.peak_shares)
    assert abs(sum(mb for _, mb in sampler.peak_shares) - peak) < 1 and sampler.peak_at > 0


def test_the_search_report_shows_the_measured_payloads():
    import search_payload

    def payload(kib: float, gzip_kib: float, requests: int, ui_kib: float = 0.0):
        return search_payload.Payload(int(kib * 1024), int(gzip_kib * 1024), requests,
                                      int(ui_kib * 1024))

    rows = {"Pagefind": (payload(40, 20, 6, 5), payload(8, 4, 2), 2.5),
            "Sphinx built-in": (payload(300, 100, 4, 10), payload(0, 0, 0), 0.5)}
    text = search_payload.report(6, 80, rows, 10.0, "attention", "protein",
                                 filters=payload(3, 1.5, 4))
    cells = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:5]]
             for line in text.splitlines() if line.startswith(("| Pagefind", "| Sphinx"))}
    assert cells == {
        "Pagefind": ["40.0 KB (20.0 KB), 6 req", "8.0 KB (4.0 KB), 2 req", "2.50 s"],
        "Sphinx built-in": ["300.0 KB (100.0 KB), 4 req", "0.0 KB (0.0 KB), 0 req", "0.50 s"]}
    assert "Pagefind: of the first query's 20.0 KB (gzip), 5.0 KB is the user interface's code" in text
    assert "Sphinx built-in: of the first query's 100.0 KB (gzip), 10.0 KB is the user interface's code" in text
    assert "Pagefind: opening the filters then fetched 3.0 KB (1.5 KB), 4 req" in text
    assert text.endswith("Pagefind indexing / clean build -j 1: 25.0%")


def test_a_body_counts_as_a_compressing_host_sends_it():
    text = b"<p>the same words again</p>\n" * 200
    assert page_weight.served_size(text) < len(text) / 10  # html, css, js: gzipped
    noise = os.urandom(4000)  # a font or an image: stored compressed, sent as stored
    assert page_weight.served_size(noise) == len(noise)


def test_the_page_weight_report_prints_the_first_visit_and_the_next_page():
    first = page_weight.Transfer({"/r.html": 20 * 1024, "/_static/theme.css": 60 * 1024}, 400 * 1024)
    following = page_weight.Transfer({"/i.html": 19 * 1024}, 100 * 1024)
    text = page_weight.report([page_weight.Weight("r.html", first, "i.html", following),
                               page_weight.Weight("search.html?q=x", first)])
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:4]]
            for line in text.splitlines() if line.startswith("| ") and "---" not in line}
    assert rows["r.html"] == ["80.0 KB (400.0 KB), 2 files", "19.0 KB (100.0 KB), 1 files: i.html"]
    assert rows["search.html?q=x"] == ["80.0 KB (400.0 KB), 2 files", ""]
    assert "r.html, largest files of the first visit: theme.css 60.0 KB, r.html 20.0 KB" in text


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
def test_clean_only_builds_the_clean_builds_and_writes_their_figures(tmp_path, capsys):
    figures = tmp_path / "bench.json"
    assert run.main(["--pages", "6", "--refs", "20", "--clean-only", "--json", str(figures),
                     "--workdir", str(tmp_path / "bench")]) == 0
    workdir = tmp_path / "bench" / "6-20"
    # only the two clean builds ran: no edits, no extension-off or search builds
    log = (workdir / "build.log").read_text()
    assert [line.split(":")[0] for line in log.splitlines() if line.startswith("== ")] == [
        "== clean build -j 1", "== clean build -j 2"]
    assert not (workdir / "plain").exists() and not (tmp_path / "bench" / "site").exists()
    (size,) = json.loads(figures.read_text())["sizes"]
    docs = len([p for p in (workdir / "kb").rglob("*.md")])
    assert (size["pages"], size["docs"]) == (6, docs)
    for jobs in ("j1", "j2"):
        seconds = size["clean_seconds"][jobs]
        # the JSON's own arithmetic: seconds per document from the same build's seconds
        assert isinstance(seconds, float)
        assert abs(size["seconds_per_document"][jobs] - seconds / docs) < 1e-4
        assert size["peak_mb"][jobs] > 50 and size["peak_all_mb"][jobs] > 50
        # the peak's processes add up to it; the main process's memory at every phase
        when = size["peak_all_when"][jobs]
        assert when["processes"][0][0] == "main"
        assert abs(sum(mb for _, mb in when["processes"]) - size["peak_all_mb"][jobs]) < 1
        assert when["phase"] in ("start", *size["phases"][jobs], "end")
        assert list(size["main_memory"][jobs]) == ["read", "env-updated", "write",
                                                   "after writing", "build-finished", "end"]
        assert all(mb > 50 for mb in size["main_memory"][jobs].values())
    sizes = {str(p.relative_to(workdir / out)): p.stat().st_size
             for out in ("out-j1", "out-j2") for p in (workdir / out).rglob("*.html")}
    assert size["largest_page"] == dict(zip(("path", "bytes"),
                                            max(sizes.items(), key=lambda pair: pair[1])))
    for jobs in ("j1", "j2"):  # the main process's share of each phase
        assert list(size["phases"][jobs]) == ["read", "env-updated", "write", "after writing",
                                              "build-finished"]
        assert all(wall >= 0 and main >= 0 for wall, main, _ in size["phases"][jobs].values())
    assert size["phases"]["j2"]["read"][2] > 0  # the readers' CPU, in worker processes
    printed = capsys.readouterr().out
    assert "| 6 (" in printed and "peak MB, all processes" in printed
    assert "phases, clean build -j 2 (wall s" in printed


def test_weight_only_prints_the_sites_page_weight_alone(tmp_path, capsys, monkeypatch):
    asked = []
    monkeypatch.setattr(run, "site_weight", lambda workdir, browser=None: asked.append(workdir)
                        or "the page weight table")
    monkeypatch.setattr(run, "run", lambda *args, **kwargs: pytest.fail("no corpus is built"))
    assert run.main(["--weight-only", "--workdir", str(tmp_path)]) == 0
    assert asked == [tmp_path] and capsys.readouterr().out == "the page weight table\n"


@pytest.mark.slow
def test_the_benchmark_builds_this_site_and_prints_its_first_visit_and_next_page(tmp_path,
                                                                                 browser):
    printed = run.site_weight(tmp_path, browser)  # the tests' Chromium (browser.py)
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:4]]
            for line in printed.splitlines() if line.startswith("| ") and "---" not in line}
    review, search = rows[page_weight.REVIEW], rows[page_weight.SEARCH]
    assert re.fullmatch(r"[\d,.]+ KB \([\d,.]+ KB\), \d+ files", review[0]), review
    assert review[1].endswith(f"files: {page_weight.NEXT_PAGE}"), review
    assert re.fullmatch(r"[\d,.]+ KB \([\d,.]+ KB\), \d+ files", search[0]), search
    assert (tmp_path / "site" / "html" / page_weight.REVIEW).is_file()  # built for it


# -- the book (bench/book.py) ---------------------------------------------------------------


def test_the_corpus_book_is_laid_out_and_configured_as_the_sites(tmp_path):
    import runpy

    import book

    corpus.Corpus(12, 30).write(tmp_path / "kb", "kb")
    toctree = re.compile(r"```\{toctree\}\n(?::[^\n]*\n)*\n(.*?)```", re.S)
    chapters = [toctree.search((root / "book.md").read_text()).group(1).split()
                for root in (tmp_path / "kb", run.PROJECT)]
    assert chapters[0] == chapters[1] == corpus.BOOK_CHAPTERS
    site = runpy.run_path(str(run.PROJECT / "conf.py"))
    generated = runpy.run_path(str(tmp_path / "kb" / "conf.py"))
    for name in ("latex_engine", "latex_documents", "latex_elements", "latex_domain_indices",
                 "project", "author"):
        assert generated[name] == site[name], name
    assert generated.get("kb_book_volumes", "auto") == site.get("kb_book_volumes", "auto")
    # and TeX runs with the options `nox -s pdf` gives it
    from conftest import noxfile_module

    assert book.TEX_ENV == noxfile_module().TEX_ENV


def test_the_book_report_shows_each_volume_and_the_totals():
    import book

    volumes = (book.Volume("kb-2021", "KB, volume 2021", 2.5, 30.0, 28.0, 412, 2_400_000),
               book.Volume("kb-2022", "KB, volume 2022", 1.5, 20.0, 19.0, 1_203, 3_100_000))
    text = book.report(book.Book(100, 60.0, 50.0, 40.0, 900.0, 0, volumes), 90, 30)
    lines = text.splitlines()
    assert lines[0] == ("The book: 90 reviews and issues (100 documents), 30 refs.bib entries, "
                        "2 volumes")
    assert ("LaTeX builder: 60.0 s wall, 50.0 s CPU, peak 900 MB; reading and resolving "
            "(shared by every volume) 40.0 s; 0 warnings") in lines
    assert "| kb-2021.pdf (KB, volume 2021) | 2.5 | 30.0 | 28.0 | 412 | 2.4 |" in lines
    assert "| kb-2022.pdf (KB, volume 2022) | 1.5 | 20.0 | 19.0 | 1,203 | 3.1 |" in lines
    assert lines[-1] == ("the whole book: 110.0 s wall (1.8 min), 97.0 s CPU, 1,615 pages; the "
                         "longest volume 1,203 pages")


@pytest.mark.slow
def test_book_only_builds_the_corpus_book_and_measures_each_volume(tmp_path, capsys):
    import shutil

    if any(shutil.which(tool) is None for tool in ("xelatex", "latexmk", "make", "pdfinfo")):
        pytest.skip("the book needs TeX and poppler (see docs/pdf.md)")
    assert run.main(["--pages", "12", "--refs", "30", "--book-only", "--book-volumes", "year",
                     "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # the corpus's reviews are of 2000 (published 2001), its issues of 2010
    assert out.startswith("The book: 12 reviews and issues (")
    assert "2 volumes" in out.splitlines()[0]
    rows = [line for line in out.splitlines() if line.startswith("| dl-knowledge-base")]
    assert [row.split("|")[1].split(".pdf")[0].strip() for row in rows] == [
        "dl-knowledge-base-2001", "dl-knowledge-base-2010"]
    assert all(int(row.split("|")[5].replace(",", "")) > 0 for row in rows)
    latex = tmp_path / "12-30" / "book-latex"
    assert sorted(p.stem for p in latex.glob("*.pdf") if not p.name.startswith("kb-")) == \
        sorted(row.split("|")[1].split(".pdf")[0].strip() for row in rows)
