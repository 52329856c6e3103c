"""`nox -s bench -- --pages N [N ...] --refs M`: build a generated corpus and print what each
build costs.

Builds, each in a fresh Python process:
  clean -j 1, clean -j 2, no-op rebuild, rebuild after editing one page's text,
  after adding a topic to one page, after adding one new issue; then the same corpus
  with the extension switched off, through the same builds (clean, no-op, text edit, the
  topic written into the page's text, a new issue), for the extension's overhead on every
  kind of build. `--parts-off` adds the corpus without link previews and trend charts.
Then (unless --no-search) the search: the same corpus with Sphinx's built-in search, and
what a reader's browser downloads for a first and a later query with each
(bench/search_payload.py), with each index's build seconds.
Last (unless --no-weight) this project's own site, built, and what a first visit to a
review page and the next page transfer, and the search page's first visit
(bench/page_weight.py); `--weight-only` prints that alone.
`--book` also builds each corpus's PDF book as `nox -s pdf` does and prints each volume's
seconds and page count (bench/book.py); `--book-only` builds only the book.
`--clean-only` builds only the clean -j 1 and -j 2 builds of each size (no edits, no
extension-off builds, no search payload, no page weight), or those `--jobs` names (`--jobs
2`: `nox -s html`'s own, without the long serial build); `--json FILE` writes each size's
clean-build figures to FILE as well (docs/benchmark.md#machine-readable-results).
For each build: wall seconds, peak memory of the build process (the largest resident
set of one process: the main one, or a parallel worker if it grew larger) and of all its
processes together (sampled), documents read, and documents whose HTML page was written (the
search page and the indexes, which Sphinx writes on every build, not counted); for the
clean -j 1 build, the seconds each generated part took in its own code (bench/probe.py)
and the largest HTML page. With several sizes, a summary table follows, with the date
and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import Corpus  # noqa: E402
from probe import PHASES  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    step: str
    seconds: float
    peak_mb: float
    read: int
    written: int
    docs: int
    finish: float = 0.0  # seconds in build-finished handlers: feeds, sitemap, search index
    builtin_search_seconds: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)  # part -> seconds in its own code
    largest: tuple[str, int] = ("", 0)  # the largest HTML page after the build, and its bytes
    # user + system CPU seconds of the build and the processes it waited for (Pagefind, -j N
    # workers): steadier than wall seconds when other work shares the machine
    cpu_seconds: float = 0.0
    # the most memory the build and its processes (-j N workers, Pagefind) held at once:
    # their proportional set sizes (a page shared after fork counted once), summed and
    # sampled every SAMPLE_SECONDS; 0.0 where /proc does not tell (not Linux)
    peak_all_mb: float = 0.0
    # when that peak was reached (seconds since the build started) and what each process
    # held then: [(process, MB)], the build's own process first ("main")
    peak_all_at: float = 0.0
    peak_all_shares: list[tuple[str, float]] = field(default_factory=list)
    # the main process's resident MB as each phase starts (probe.py), and at the end
    memory: dict[str, float] = field(default_factory=dict)
    # phase -> [wall s, main-process CPU s, waited-for workers' CPU s] where it starts
    # (bench/probe.py PHASES, and "end"): what ran in the main process alone
    phases: dict[str, list[float]] = field(default_factory=dict)


SAMPLE_SECONDS = 0.5


def _children(pid: int) -> list[int]:
    found = []
    for tasks in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in tasks.read_text().split()]
        except (OSError, ValueError):  # the task ended meanwhile
            pass
    return found


def _pss_kib(pid: int) -> int:
    """The proportional set size of one process, in KiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _command(pid: int) -> str:
    """A process's program name ('python', 'pagefind_extended'), or '?' once it is gone."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() or "?"
    except OSError:
        return "?"


class PeakSampler:
    """The largest sum of the proportional set sizes of a process and its descendants,
    sampled in a thread while it runs (Linux's /proc; elsewhere it stays 0), with when it
    was reached (seconds since the sampler started) and what each process held then."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.peak_kib = pid, 0
        self.peak_at = 0.0
        self.peak_shares: list[tuple[str, float]] = []  # (process, MB) at the peak
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if Path(f"/proc/{pid}/smaps_rollup").exists():
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            tree, shares = [self.pid], []
            while tree:
                pid = tree.pop()
                kib = _pss_kib(pid)
                shares.append(("main" if pid == self.pid else _command(pid), kib))
                tree += _children(pid)
            total = sum(kib for _, kib in shares)
            if total > self.peak_kib:
                self.peak_kib, self.peak_at = total, time.perf_counter() - self._started
                self.peak_shares = [(name, round(kib / 1024, 1)) for name, kib in shares]

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak_kib / 1024


def html_mtimes(outdir: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in outdir.rglob("*.html")} if outdir.exists() else {}


# the optional parts of the extension, switched off to measure what they cost
PARTS_OFF = ("-D", "kb_previews=0", "-D", "kb_charts=0")


def build(step: str, src: Path, out: Path, jobs: int, log: Path, *options: str) -> Result:
    before = html_mtimes(out)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", str(jobs), *options,
               "-d", str(out.parent / (out.name + "-doctrees")), str(src), str(out)]
    with log.open("a") as err:
        err.write(f"\n== {step}: {' '.join(command)}\n")
        err.flush()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=src)
        sampler = PeakSampler(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        peak_all = sampler.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: the build '{step}' failed; see {log}")
    probe = json.loads((out / ".bench-probe.json").read_text())
    pages = {out / f"{doc}.html" for doc in probe["docs"]}  # not search, genindex...
    written = sum(1 for path, mtime in html_mtimes(out).items()
                  if path in pages and before.get(path) != mtime)
    largest = max(((str(p.relative_to(out)), p.stat().st_size) for p in out.rglob("*.html")),
                  key=lambda pair: pair[1])
    # ru_maxrss is in KiB on Linux: wait4 gives the largest of the process and the
    # children it waited for
    return Result(step, seconds, usage.ru_maxrss / 1024, probe["read"], written, len(pages),
                  probe.get("finish_seconds", 0.0), probe.get("builtin_search_seconds", 0.0),
                  probe.get("parts", {}), largest, usage.ru_utime + usage.ru_stime,
                  peak_all_mb=peak_all, peak_all_at=sampler.peak_at,
                  peak_all_shares=sampler.peak_shares, phases=probe.get("phases", {}),
                  memory={name: mb for name, mb in probe.get("memory", {}).items()
                          if mb is not None})


def peak_phase(result: Result) -> str:
    """The phase (probe.py's marks) the build was in when its processes held the most."""
    started = [(name, marks[0]) for name, marks in result.phases.items()]
    return max((item for item in started if item[1] <= result.peak_all_at),
               key=lambda item: item[1], default=("start", 0.0))[0]


def peak_line(result: Result) -> str:
    """When the build's processes held the most together, and what each held then."""
    shares = ", ".join(f"{name} {mb:,.0f}" for name, mb in result.peak_all_shares)
    line = (f"{result.step}: all processes' peak {result.peak_all_mb:,.0f} MB at "
            f"{result.peak_all_at:.0f} s (in {peak_phase(result)}): {shares} MB")
    if result.memory:
        line += "; the main process as each phase starts: " + ", ".join(
            f"{name} {mb:,.0f}" for name, mb in result.memory.items()) + " MB"
    return line


def phase_seconds(phases: dict[str, list[float]]) -> dict[str, list[float]]:
    """Each phase's [wall s, main-process CPU s, workers' CPU s] (probe.py's marks, in
    order; the CPU of workers counted when they were waited for)."""
    marks = [(name, phases[name]) for name in (*(p[0] for p in PHASES), "end") if name in phases]
    return {name: [round(b - a, 2) for a, b in zip(start, end)]
            for (name, start), (_, end) in zip(marks, marks[1:])}


def phases_line(r: Result) -> str:
    cells = ", ".join(f"{name} {wall:.1f} ({main:.1f}; {workers:.1f})"
                      for name, (wall, main, workers) in phase_seconds(r.phases).items())
    return (f"phases, {r.step} (wall s, in brackets the main process's CPU s and its "
            f"workers' CPU s): {cells}")


def publishing(src: Path, feeds: bool) -> None:
    """Switch the Atom feeds (kb_feeds) off in a corpus."""
    if not feeds:
        with (src / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write("kb_feeds = False\n")


def edit_text(corpus: Corpus, src: Path) -> None:
    page = corpus.pages[len(corpus.pages) // 2]
    path = src / f"{page.docname}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence, edited.\n",
                    encoding="utf-8")


def add_topic(corpus: Corpus, src: Path, kb: bool = True) -> None:
    """A topic more in a page's front matter; without the extension there is none, so the
    same page names the topic in its text."""
    page = corpus.pages[len(corpus.pages) // 3]
    path = src / f"{page.docname}.md"
    new = next(slug for slug in corpus.topics if slug not in page.topics)
    text = path.read_text(encoding="utf-8")
    if kb:
        text = text.replace("topics: [", f"topics: [{new}, ", 1)
    else:
        text = text.replace("\n\n", f"\n\nTopic: {corpus.topics[new][0]}.\n\n", 1)
    path.write_text(text, encoding="utf-8")


def add_issue(corpus: Corpus, src: Path, kb: bool = True) -> None:
    last = max((p for p in corpus.pages if p.series == "weekly-a"), key=lambda p: p.number)
    page = type(last)(
        f"newsletters/weekly-a/{last.year}/issue-{last.number + 1}", f"weekly-a issue #{last.number + 1}",
        "newsletter", "weekly-a", last.year, min(last.month + 1, 12), 1, last.number + 1,
        last.topics, last.items[:3])
    (src / f"{page.docname}.md").write_text(corpus.page_text(page, kb=kb), encoding="utf-8")
    index = src / f"newsletters/weekly-a/{last.year}/index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("\n```\n", f"\nissue-{page.number}\n```\n", 1), encoding="utf-8")


def edits(corpus: Corpus, src: Path, out: Path, log: Path, prefix: str = "",
          kb: bool = True) -> list[Result]:
    """The three edits, each followed by a rebuild into `out`."""
    edit_text(corpus, src)
    results = [build(f"{prefix}edit one page's text", src, out, 1, log)]
    add_topic(corpus, src, kb)
    results.append(build(f"{prefix}add a topic to one page", src, out, 1, log))
    add_issue(corpus, src, kb)
    results.append(build(f"{prefix}add one new issue", src, out, 1, log))
    return results


OFF = "extension off: "


def run(pages: int, refs: int, workdir: Path, with_plain: bool = True,
        feeds: bool = True, with_parts_off: bool = False, clean_only: bool = False,
        jobs: tuple[int, ...] = (1, 2)) -> list[Result]:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    log = workdir / "build.log"
    corpus = Corpus(pages, refs)
    kb, plain = workdir / "kb", workdir / "plain"
    corpus.write(kb, "kb")
    shutil.copy(Path(__file__).parent / "probe.py", kb / "probe.py")
    publishing(kb, feeds)
    if clean_only:  # only the clean builds `jobs` names
        return [build(f"clean build -j {n}", kb, workdir / f"out-j{n}", n, log) for n in jobs]
    results = [
        build("clean build -j 1", kb, workdir / "out-j1", 1, log),
        build("clean build -j 2", kb, workdir / "out-j2", 2, log),
    ]
    results.append(build("no-op rebuild", kb, workdir / "out-j1", 1, log))
    if with_parts_off:  # the same corpus without link previews and trend charts
        results += [build("previews+charts off: clean", kb, workdir / "off-j1", 1, log, *PARTS_OFF),
                    build("previews+charts off: no-op", kb, workdir / "off-j1", 1, log, *PARTS_OFF)]
    results += edits(corpus, kb, workdir / "out-j1", log)
    if with_plain:
        corpus.write(plain, "plain")
        shutil.copy(Path(__file__).parent / "probe.py", plain / "probe.py")
        out = workdir / "plain-j1"
        results += [build(f"{OFF}clean -j 1", plain, out, 1, log),
                    build(f"{OFF}no-op rebuild", plain, out, 1, log)]
        results += edits(corpus, plain, out, log, OFF, kb=False)
    return results


def site_weight(workdir: Path, browser=None) -> str:
    """This project's site built into `workdir`, and what its pages transfer
    (bench/page_weight.py), in `browser` or a Chromium launched for it."""
    import page_weight

    out, doctrees = workdir / "site" / "html", workdir / "site" / "doctrees"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees),
               str(PROJECT), str(out)]
    if subprocess.run(command, cwd=PROJECT, check=False).returncode != 0:
        raise SystemExit("bench: this project's site did not build")
    return page_weight.report(page_weight.site_weights(out, browser))


def run_search(results: list[Result], pages: int, workdir: Path, browser=None) -> str:
    """Pagefind against Sphinx's built-in search on the same corpus (bench/search_payload.py),
    in `browser` (a Playwright browser) or a Chromium launched for each measurement."""
    import search_payload

    sys.path.insert(0, str(PROJECT / "_ext"))
    from kb.outputs.search import SOURCE_COPY, index_site

    log = workdir / "build.log"
    clean = next(r for r in results if r.step == "clean build -j 1")
    builtin = build("built-in search: clean -j 1", workdir / "kb", workdir / "out-sphinx", 1, log,
                    "-D", "kb_search=sphinx")
    site = workdir / "out-j2"  # a clean build, not edited since
    copy = workdir / "out-j2-doctrees" / SOURCE_COPY  # the pages Pagefind reads
    shutil.rmtree(site / "pagefind")
    shutil.rmtree(copy)
    started = time.perf_counter()  # Pagefind writing a whole bundle, as in a clean build
    _, result = index_site(site, copy, site / "pagefind")
    pagefind_seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bench: Pagefind failed: {result.stderr or result.stdout}")
    first, later = "attention", "protein"
    pagefind_first, pagefind_later, filters = search_payload.measure(
        site, "pagefind", first, later, browser)
    builtin_first, builtin_later, _ = search_payload.measure(
        workdir / "out-sphinx", "sphinx", first, later, browser)
    rows = {"Pagefind": (pagefind_first, pagefind_later, pagefind_seconds),
            "Sphinx built-in": (builtin_first, builtin_later, builtin.builtin_search_seconds)}
    text = search_payload.report(pages, clean.docs, rows, clean.seconds, first, later, filters)
    return text + (f"\nclean build -j 1 with Sphinx's built-in search instead: {builtin.seconds:.1f} s"
                   f" (with Pagefind: {clean.seconds:.1f} s)")


PARTS = ("views", "navigation", "references", "feeds", "search", "charts", "export", "previews")
STEPS = ("clean build -j 1", "clean build -j 2", "no-op rebuild", "edit one page's text",
         "add a topic to one page", "add one new issue")


def report(results: list[Result], pages: int, refs: int) -> str:
    docs = results[0].docs
    lines = [f"Benchmark: {pages} reviews and issues ({docs} documents in all), {refs} refs.bib entries",
             "", f"| {'build':<38} | {'wall s':>7} | {'peak MB':>7} | {'read':>5} | {'written':>7} "
             f"| {'at end s':>8} |",
             f"| {'-' * 38} | {'-' * 7}: | {'-' * 7}: | {'-' * 5}: | {'-' * 7}: | {'-' * 8}: |"]
    for r in results:
        lines.append(f"| {r.step:<38} | {r.seconds:7.1f} | {r.peak_mb:7.0f} | {r.read:5d} "
                     f"| {r.written:7d} | {r.finish:8.2f} |")
    by = {r.step: r for r in results}
    first = by["clean build -j 1"]
    clean = first.seconds
    lines.append("")
    for step in (step for step in STEPS[2:] if step in by):  # none with --clean-only
        line = f"{step} / clean build: {by[step].seconds / clean:.1%}"
        if OFF + step in by:
            line += (f" (extension off: {by[OFF + step].seconds / by[OFF + 'clean -j 1'].seconds:.1%}; "
                     f"on / off {by[step].seconds / by[OFF + step].seconds:.2f}x)")
        lines.append(line)
    if "edit one page's text" in by:
        text_edit = by["edit one page's text"].seconds - by["no-op rebuild"].seconds
        lines.append(f"text edit - no-op: {text_edit:+.1f} s")
    if OFF + "clean -j 1" in by:
        lines.append(f"extension overhead (clean -j 1, on / off): "
                     f"{clean / by[OFF + 'clean -j 1'].seconds:.2f}x")
    lines.append(f"clean -j 2 / clean -j 1: {by['clean build -j 2'].seconds / clean:.2f}")
    lines.append(f"peak memory, clean -j 1: {first.peak_mb:.0f} MB, "
                 f"{first.peak_mb / first.docs * 1000:.0f} MB per 1,000 documents")
    if by["clean build -j 2"].peak_all_mb:
        lines.append(f"peak memory of all its processes together, clean -j 2: "
                     f"{by['clean build -j 2'].peak_all_mb:.0f} MB (clean -j 1: "
                     f"{first.peak_all_mb:.0f} MB)")
    for step in ("clean build -j 1", "clean build -j 2"):
        if by[step].phases:
            lines.append(phases_line(by[step]))
        if by[step].peak_all_shares:
            lines.append(peak_line(by[step]))
    lines.append("seconds per document, clean -j 1 / -j 2: "
                 f"{clean / first.docs:.4f} / {by['clean build -j 2'].seconds / first.docs:.4f}")
    lines.append(f"largest page: {first.largest[0]}, {first.largest[1] / 1e6:.2f} MB")
    if first.parts:
        cells = ", ".join(f"{part} {first.parts.get(part, 0.0):.1f} s" for part in PARTS)
        lines.append(f"seconds in each part's own code, clean -j 1 (of {clean:.1f} s): {cells}")
    if "previews+charts off: clean" in by:
        off = by["previews+charts off: clean"].seconds
        lines.append(f"previews and charts, clean -j 1 (on / off): {clean / off - 1:+.1%}")
        lines.append("previews and charts, no-op (on - off): "
                     f"{by['no-op rebuild'].seconds - by['previews+charts off: no-op'].seconds:+.2f} s")
    return "\n".join(lines)


def machine() -> str:
    """This machine, as the figures depend on it: CPU model, cores, memory, OS, Python."""
    import platform

    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown CPU") if Path("/proc/cpuinfo").exists() else "?"
    memory = next((int(line.split()[1]) / 1024 ** 2 for line in
                   Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
                  0.0) if Path("/proc/meminfo").exists() else 0.0
    return (f"{model}, {os.cpu_count()} cores, {memory:.0f} GB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def cell(r: Result, counts: bool = True) -> str:
    return f"{r.seconds:.1f} s" + (f", {r.read} read, {r.written} written" if counts else "")


def summary(runs: dict[int, list[Result]], refs: int) -> str:
    """One table for several sizes (docs/benchmark.md's), and the growth between them."""
    import datetime

    lines = [f"Summary, {refs} refs.bib entries; {datetime.date.today().isoformat()}; {machine()}", "",
             "| N pages (documents) | clean -j 1 | clean -j 2 | no-op | text edit | "
             "new topic on a page | new issue | largest page | peak MB per 1,000 docs |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for pages, results in runs.items():
        by = {r.step: r for r in results}
        first = by["clean build -j 1"]
        lines.append(
            f"| {pages:,} ({first.docs:,}) | {first.seconds:.1f} s | {by['clean build -j 2'].seconds:.1f} s"
            f" | {cell(by['no-op rebuild'])} | {cell(by[STEPS[3]])} | {cell(by[STEPS[4]])} "
            f"| {cell(by[STEPS[5]])} | {first.largest[1] / 1e6:.2f} MB | "
            f"{first.peak_mb / first.docs * 1000:.0f} |")
    if all(OFF + "clean -j 1" in {r.step for r in results} for results in runs.values()):
        lines += ["", "Extension off (the same text, stock Sphinx and sphinxcontrib-bibtex):", "",
                  "| N pages (documents) | clean -j 1 | no-op | text edit | topic named in the text "
                  "| new issue | clean, on / off |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for pages, results in runs.items():
            by = {r.step: r for r in results}
            off = by[OFF + "clean -j 1"]
            lines.append(
                f"| {pages:,} ({off.docs:,}) | {off.seconds:.1f} s | {cell(by[OFF + 'no-op rebuild'])} "
                f"| {cell(by[OFF + STEPS[3]])} | {cell(by[OFF + STEPS[4]])} | {cell(by[OFF + STEPS[5]])} "
                f"| {by['clean build -j 1'].seconds / off.seconds:.2f}x |")
    lines += ["", "| N pages | no-op / clean | text edit - no-op | new topic / clean | "
              "new issue / clean | -j 2 / -j 1 | " + " | ".join(PARTS) + " |",
              "| --- | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in PARTS) + " |"]
    for pages, results in runs.items():
        by = {r.step: r for r in results}
        clean = by["clean build -j 1"].seconds
        parts = by["clean build -j 1"].parts
        lines.append(
            f"| {pages:,} | {by['no-op rebuild'].seconds / clean:.1%} "
            f"| {by[STEPS[3]].seconds - by['no-op rebuild'].seconds:+.1f} s "
            f"| {by[STEPS[4]].seconds / clean:.1%} | {by[STEPS[5]].seconds / clean:.1%} "
            f"| {by['clean build -j 2'].seconds / clean:.2f} | "
            + " | ".join(f"{parts.get(part, 0.0):.1f} s" for part in PARTS) + " |")
    sizes = list(runs)
    for small, large in zip(sizes, sizes[1:]):
        a = {r.step: r for r in runs[small]}["clean build -j 1"]
        b = {r.step: r for r in runs[large]}["clean build -j 1"]
        lines.append(f"\nclean -j 1 from {small:,} to {large:,} pages ({b.docs / a.docs:.2f}x the "
                     f"documents): {b.seconds / a.seconds:.2f}x the time; "
                     f"{a.seconds / a.docs:.3f} and {b.seconds / b.docs:.3f} s a document")
    return "\n".join(lines)


def _cell(value: float | None, form: str) -> str:
    return "not run" if value is None else form.format(value)


def clean_summary(runs: dict[int, list[Result]], refs: int) -> str:
    """The clean builds of several sizes (--clean-only), and how the cost per document grows."""
    import datetime

    lines = [f"Clean builds, {refs} refs.bib entries; {datetime.date.today().isoformat()}; {machine()}",
             "", "| N pages (documents) | clean -j 1 | clean -j 2 | -j 2 / -j 1 | s per document, -j 1 "
             "| s per document, -j 2 | peak MB, one process | peak MB, all processes | largest page |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for pages, results in runs.items():
        figures = clean_figures(results)
        seconds, each = figures["clean_seconds"], figures["seconds_per_document"]
        j1, j2 = seconds.get("j1"), seconds.get("j2")
        lines.append(
            f"| {pages:,} ({figures['docs']:,}) | {_cell(j1, '{:.1f} s')} "
            f"| {_cell(j2, '{:.1f} s')} "
            f"| {_cell(j2 / j1 if j1 and j2 else None, '{:.2f}')} "
            f"| {_cell(each.get('j1'), '{:.4f}')} | {_cell(each.get('j2'), '{:.4f}')} "
            f"| {max(figures['peak_mb'].values()):.0f} | {max(figures['peak_all_mb'].values()):.0f} "
            f"| {figures['largest_page']['path']}, {figures['largest_page']['bytes'] / 1e6:.2f} MB |")
    sizes = list(runs)
    if len(sizes) > 1:
        small, large = (clean_figures(runs[size]) for size in (sizes[0], sizes[-1]))
        lines.append("")
        for jobs in (jobs for jobs in ("j1", "j2") if jobs in small["clean_seconds"]
                     and jobs in large["clean_seconds"]):
            lines.append(f"cost per document at {sizes[-1]:,} pages / at {sizes[0]:,} pages, "
                         f"-{jobs.replace('j', 'j ')}: "
                         f"{large['seconds_per_document'][jobs] / small['seconds_per_document'][jobs]:.2f}x")
    return "\n".join(lines)


def clean_figures(results: list[Result]) -> dict:
    """One size's clean builds as the --json file gives them (keyed "j1", "j2": those run)."""
    by = {f"j{r.step.rsplit(' ', 1)[1]}": r for r in results
          if r.step.startswith("clean build -j ")}
    largest = max((r.largest for r in by.values()), key=lambda pair: pair[1])
    return {
        "docs": next(iter(by.values())).docs,
        "clean_seconds": {jobs: round(r.seconds, 2) for jobs, r in by.items()},
        "cpu_seconds": {jobs: round(r.cpu_seconds, 2) for jobs, r in by.items()},
        "seconds_per_document": {jobs: round(r.seconds / r.docs, 5) for jobs, r in by.items()},
        # the largest resident set of one process (wait4: the build, or a worker it waited
        # for), and all the build's processes together (PeakSampler; 0 where not measured)
        "peak_mb": {jobs: round(r.peak_mb, 1) for jobs, r in by.items()},
        "peak_all_mb": {jobs: round(r.peak_all_mb, 1) for jobs, r in by.items()},
        # when that peak came (seconds, phase) and each process's MB then
        "peak_all_when": {jobs: {"seconds": round(r.peak_all_at, 1), "phase": peak_phase(r),
                                 "processes": r.peak_all_shares} for jobs, r in by.items()},
        # the main process's resident MB as each phase starts
        "main_memory": {jobs: r.memory for jobs, r in by.items()},
        "largest_page": {"path": largest[0], "bytes": largest[1]},
        # each phase's [wall s, main-process CPU s, workers' CPU s] (probe.py)
        "phases": {jobs: phase_seconds(r.phases) for jobs, r in by.items()},
    }


def json_results(runs: dict[int, list[Result]], refs: int) -> dict:
    """What --json FILE writes: the date, the machine, and each size's clean builds."""
    import datetime

    return {"date": datetime.date.today().isoformat(), "machine": machine(), "refs": refs,
            "sizes": [{"pages": pages, **clean_figures(results)} for pages, results in runs.items()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[200],
                        help="reviews and issues; several sizes give a summary (default 200)")
    parser.add_argument("--refs", type=int, default=2000, help="refs.bib entries (default 2000)")
    parser.add_argument("--workdir", type=Path, default=PROJECT / "_build" / "bench")
    parser.add_argument("--no-plain", action="store_true", help="skip the extension-off builds")
    parser.add_argument("--no-feeds", action="store_true", help="no Atom feeds (kb_feeds = False)")
    parser.add_argument("--no-search", action="store_true",
                        help="skip the search payload (Pagefind against the built-in search)")
    parser.add_argument("--search-at-largest", action="store_true",
                        help="measure the search payload only at the largest size")
    parser.add_argument("--parts-off", action="store_true",
                        help="also build without link previews and trend charts (their cost)")
    parser.add_argument("--no-weight", action="store_true",
                        help="skip the page weight of this project's site")
    parser.add_argument("--weight-only", action="store_true",
                        help="only the page weight of this project's site (no corpus)")
    parser.add_argument("--preview", action="store_true",
                        help="instead of the builds: the live preview (bench/preview.py), from "
                             "saving a file to the browser showing it, warm and a fresh "
                             "process per save")
    parser.add_argument("--repeats", type=int, default=3,
                        help="--preview: how many times each edit is timed (default 3)")
    parser.add_argument("--preview-warm-only", action="store_true",
                        help="--preview: not the old way (a fresh process per save)")
    parser.add_argument("--book", action="store_true",
                        help="also build each corpus's PDF book, volume by volume (bench/book.py)")
    parser.add_argument("--book-only", action="store_true",
                        help="only the PDF book of each corpus (no HTML builds)")
    parser.add_argument("--book-volumes", metavar="MODE",
                        help="kb_book_volumes for the book: auto (the default), year, off or N")
    parser.add_argument("--clean-only", action="store_true",
                        help="only the clean -j 1 and -j 2 builds of each size (no edits, no "
                             "extension-off builds, no search payload, no page weight)")
    parser.add_argument("--jobs", type=int, nargs="+", choices=(1, 2), default=[1, 2],
                        metavar="N", help="with --clean-only: the clean builds to run, by -j "
                                          "(default 1 2)")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write each size's clean builds to FILE, as JSON")
    args = parser.parse_args(argv)
    if args.jobs != [1, 2] and not args.clean_only:
        parser.error("--jobs chooses among the clean builds of --clean-only")
    if args.preview:
        import preview

        for pages in args.pages:
            ways, documents = preview.run(pages, args.refs,
                                          args.workdir / f"preview-{pages}-{args.refs}",
                                          args.repeats, cold=not args.preview_warm_only)
            print(preview.report(ways, pages, documents), flush=True)
        return 0
    if args.book_only:
        import book

        for pages in args.pages:
            workdir = args.workdir / f"{pages}-{args.refs}"
            print(book.run_book(Corpus(pages, args.refs), workdir, pages, args.refs,
                                args.book_volumes), flush=True)
        return 0
    if args.weight_only:
        print(site_weight(args.workdir))
        return 0
    runs: dict[int, list[Result]] = {}
    for pages in args.pages:
        workdir = args.workdir.resolve() / f"{pages}-{args.refs}"  # the builds run in the corpus
        results = run(pages, args.refs, workdir, with_plain=not args.no_plain,
                      feeds=not args.no_feeds, with_parts_off=args.parts_off,
                      clean_only=args.clean_only, jobs=tuple(args.jobs))
        runs[pages] = results
        both = {r.step for r in results} >= {"clean build -j 1", "clean build -j 2"}
        print(report(results, pages, args.refs) if both else
              "\n".join([clean_summary({pages: results}, args.refs),
                          *map(phases_line, (r for r in results if r.phases)),
                          *map(peak_line, (r for r in results if r.peak_all_shares))]),
              flush=True)
        if args.json:  # written after each size, so a long run leaves what it measured
            args.json.write_text(json.dumps(json_results(runs, args.refs), indent=2) + "\n")
        if args.clean_only:
            print()
            continue
        if not args.no_search and (not args.search_at_largest or pages == max(args.pages)):
            print()
            print(run_search(results, pages, workdir), flush=True)
        if args.book:
            import book

            print()
            print(book.run_book(Corpus(pages, args.refs), workdir, pages, args.refs,
                                args.book_volumes), flush=True)
        print()
    if args.clean_only:
        print(clean_summary(runs, args.refs))
        return 0
    if len(runs) > 1:
        print(summary(runs, args.refs))
    if not args.no_weight:
        print()
        print(site_weight(args.workdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
