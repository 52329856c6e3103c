"""`nox -s bench -- --pages N --preview`: the live preview, timed from saving a file to the
browser showing the change.

The preview server (`python -m kb.cli.serve`, as `nox -s serve` runs it) serves the
generated corpus; a page is open in headless Chromium (Debian's, through Playwright). Each
edit is saved, and the time runs until the browser has rendered the reloaded page holding
the change: the page records, on its own clock (the wall clock, as Python's), the first
frame after its content is parsed, and the benchmark subtracts the moment the file was
saved. Two edits, `--repeats` times each:
- a text edit: a sentence more on an issue's page, the page open;
- a new issue: a new page in a series, listed in its year's index, that index open (the
  change shown is the new issue's title in its list).
Before each edit the preview is idle: the last edit's build is done and its search
refresh finished (the seconds from saving to the search being current are printed too).

Then the same edits the old way, a fresh process for every save (`--cold`: a new Python,
Sphinx, extensions, pickled environment and refs.bib each time, as sphinx-autobuild ran
sphinx-build), unless `--preview-warm-only`.

The figures depend on the machine and on what else runs on it; each run prints both.
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).parent))
from corpus import Corpus  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the tests' own harness)

sys.path.insert(0, str(PROJECT))
from noxfile import IGNORED_BY_PREVIEW, PREVIEW_OPTIONS  # noqa: E402  (the session's own)

TARGETS = {"text edit": 2.0, "new issue": 5.0}  # seconds, issue 26
SAFETY_NET = 1800.0  # seconds: only for a server that hangs (the first build at 2,000 pages)
POLL = 0.05  # seconds between looks at the page and the log; the page keeps its own time
DONE = re.compile(r"\[kb-serve\] build #(\d+) done in ([\d.]+) s \(([\d.]+) s CPU\) by worker "
                  r"(\d+) \(its build (\d+)\)")
FAILED = re.compile(r"\[kb-serve\] build #(\d+) failed .*save again")
WRITTEN = re.compile(r"\[kb-serve\] build #(\d+) pages written in ([\d.]+) s \(([\d.]+) s CPU\)")
# the pages of the documents read (the ones saved), written and reloaded before the others
READ_WRITTEN = re.compile(r"\[kb-serve\] build #(\d+) pages of the documents read written in "
                          r"([\d.]+) s \(([\d.]+) s CPU\)")
SEARCHED = re.compile(r"\[kb-serve\] search: (?:index (?:refreshed|current)|refresh) after "
                      r"build #(\d+)")
# Run in every page before its own scripts: once the page's text holds the marker the
# benchmark set, the time of the first frame rendered after it (two animation frames: the
# callback of the second runs once the first has been painted), kept across the reload.
RECORDER = """
document.addEventListener("DOMContentLoaded", () => {
  const marker = sessionStorage.getItem("kb-bench-marker");
  if (!marker || !document.body.textContent.includes(marker)) return;
  // how this document came to be shown: "reload" when the server's message reloaded it
  const [navigation] = performance.getEntriesByType("navigation");
  sessionStorage.setItem("kb-bench-shown-by", navigation ? navigation.type : "unknown");
  requestAnimationFrame(() => requestAnimationFrame(() => sessionStorage.setItem(
    "kb-bench-shown", String(performance.timeOrigin + performance.now()))));
});
"""


@dataclass
class Timing:
    """One edit: from saving the file to the browser showing it, and what the server did."""

    seconds: float  # saved -> rendered in the browser
    read_pages_seconds: float  # the builds until the pages of the documents saved were written
    read_pages_cpu_seconds: float  # the CPU seconds of its worker for that
    pages_seconds: float  # the server's builds until every page was written
    pages_cpu_seconds: float  # the CPU seconds of its worker for that (the machine's load aside)
    build_seconds: float  # the server's builds to their end, as it reports them
    search_seconds: float  # saved -> the search index current again
    warm: bool  # built by the worker that built the edit before (same process id)
    # the order of events, not of clocks: how the page showing the edit was loaded ("reload":
    # by the server's message, sent once a build's pages are written), and whether the log
    # says each build's pages were written before it was done
    shown_by: str = ""
    written_before_done: bool = False
    # the pages of the documents saved were told written before the rest, in the log's order
    read_written_first: bool = False


@dataclass
class Way:
    """The preview run one way (warm, or a fresh process per save), with its timings."""

    name: str
    timings: dict[str, list[Timing]] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The preview server on the corpus, with its log."""

    def __init__(self, src: Path, out: Path, log: Path, *options: str) -> None:
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "kb.cli.serve", str(src), str(out / "html"),
                   "-d", str(out / "doctrees"), "--port", str(self.port), *PREVIEW_OPTIONS,
                   *options]
        for pattern in IGNORED_BY_PREVIEW:
            command += ["--ignore", pattern]
        self.output = log.open("a")
        self.output.write(f"\n== {' '.join(command)}\n")
        self.output.flush()
        self.start = log.stat().st_size
        self.process = subprocess.Popen(command, stdout=self.output, stderr=subprocess.STDOUT,
                                        cwd=src, env={"PYTHONPATH": str(PROJECT / "_ext"),
                                                      "PATH": "", "PYTHONUNBUFFERED": "1"})

    def text(self) -> str:
        with self.log.open(encoding="utf-8", errors="replace") as log:
            log.seek(self.start)
            return log.read()

    def wait_for(self, what: str, pattern: re.Pattern, build: int) -> re.Match:
        """Block until the log has a line of `pattern` for build `build`; returns it."""
        deadline = time.monotonic() + SAFETY_NET
        while True:
            for match in pattern.finditer(self.text()):
                if int(match[1]) == build:
                    return match
            for failed in FAILED.finditer(self.text()):
                if int(failed[1]) == build:
                    raise SystemExit(f"bench: the preview's build #{build} failed; see {self.log}")
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: {what} did not happen; see {self.log}")
            time.sleep(POLL)

    def builds(self) -> int:
        return len(re.findall(r"\[kb-serve\] build #\d+ started", self.text()))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=120)
        self.output.close()


# -- the edits ---------------------------------------------------------------------------


class Edit(NamedTuple):
    """One edit: the page to watch, the text it shows once the edit is served, the save."""

    kind: str  # "text edit" or "new issue"
    page: str  # the page open in the browser, relative to the site
    marker: str
    save: Callable[[], None]


class Edits:
    """The benchmark's edits of the corpus, as run.py's edits make them."""

    def __init__(self, corpus: Corpus, src: Path) -> None:
        self.corpus, self.src = corpus, src
        self.text_page = corpus.pages[len(corpus.pages) // 2]
        self.last = max((p for p in corpus.pages if p.series == "weekly-a"),
                        key=lambda p: p.number)
        self.texts = 0

    def text_edit(self) -> Edit:
        """A sentence more on an issue's page."""
        self.texts += 1
        marker = f"Preview edit number {self.texts} saved."
        path = self.src / f"{self.text_page.docname}.md"

        def save() -> None:
            path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")

        return Edit("text edit", f"{self.text_page.docname}.html", marker, save)

    def new_issue(self) -> Edit:
        """A new issue after the last of its series, listed in its year's index."""
        last = self.last
        page = type(last)(
            f"newsletters/weekly-a/{last.year}/issue-{last.number + 1}",
            f"weekly-a issue #{last.number + 1}", "newsletter", "weekly-a", last.year,
            min(last.month + 1, 12), 1, last.number + 1, last.topics, last.items[:3])
        self.last = page
        index = self.src / f"newsletters/weekly-a/{last.year}/index.md"

        def save() -> None:
            (self.src / f"{page.docname}.md").write_text(self.corpus.page_text(page, kb=True),
                                                          encoding="utf-8")
            text = index.read_text(encoding="utf-8")
            index.write_text(text.replace("\n```\n", f"\nissue-{page.number}\n```\n", 1),
                             encoding="utf-8")

        # the index lists its issues by title; the title ends where the next one's would
        return Edit("new issue", f"newsletters/weekly-a/{last.year}/index.html",
                    page.title, save)


# -- measuring ---------------------------------------------------------------------------


def shown_at(page: Any) -> float | None:
    """When the open page showed the marker (epoch seconds), or None yet."""
    try:
        value = page.evaluate("sessionStorage.getItem('kb-bench-shown')")
    except Exception:  # noqa: BLE001 - the page is between two documents (reloading)
        return None
    return float(value) / 1000 if value else None


def idle(server: Server, since: int) -> list[re.Match] | None:
    """The builds started after the first `since`, once the last of them is done and its
    search refresh has ended (None while one runs)."""
    text = server.text()
    started = len(re.findall(r"\[kb-serve\] build #\d+ started", text))
    if started <= since:
        return None
    done = {int(m[1]): m for m in DONE.finditer(text)}
    searched = {int(m[1]) for m in SEARCHED.finditer(text)}
    if started not in done or started not in searched:
        return None
    return [done[number] for number in range(since + 1, started + 1) if number in done]


def measure(server: Server, page: Any, edit: Edit, worker: int) -> tuple[Timing, int]:
    """Save `edit` with `page` showing its page; time it to the browser, then wait for the
    server to be idle. Returns the timing and the worker that built it."""
    url = f"{server.url}/{edit.page}"
    if page.url != url:
        page.goto(url, wait_until="load")
    page.evaluate("(marker) => { sessionStorage.setItem('kb-bench-marker', marker);"
                  " sessionStorage.removeItem('kb-bench-shown');"
                  " sessionStorage.removeItem('kb-bench-shown-by'); }", edit.marker)
    since = server.builds()
    edit.save()
    saved_at = time.time()
    deadline = time.monotonic() + SAFETY_NET
    shown = builds = None
    while builds is None:
        shown = shown or shown_at(page)
        builds = idle(server, since) if shown is not None else None
        if builds is not None:
            break
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"bench: the {edit.kind} never showed {edit.marker!r}, or its "
                             f"build never ended; see {server.log}")
        if FAILED.search(server.text()):
            raise SystemExit(f"bench: a build of the preview failed; see {server.log}")
        time.sleep(POLL)
    searched_at = time.time()  # the search current again (to the poll's step)
    pids = {int(match[4]) for match in builds}
    warm = pids == {worker} and all(int(match[5]) > 1 for match in builds)
    numbers = {int(match[1]) for match in builds}
    text = server.text()
    written = [m for m in WRITTEN.finditer(text) if int(m[1]) in numbers]
    read_written = [m for m in READ_WRITTEN.finditer(text) if int(m[1]) in numbers]
    done_at = {int(m[1]): m.start() for m in DONE.finditer(text)}
    in_order = (sorted(int(m[1]) for m in written) == sorted(numbers)
                and all(m.start() < done_at[int(m[1])] for m in written))
    written_at = {int(m[1]): m.start() for m in written}
    read_first = bool(read_written) and all(m.start() < written_at.get(int(m[1]), -1)
                                            for m in read_written)
    shown_by = page.evaluate("sessionStorage.getItem('kb-bench-shown-by')") or ""
    return (Timing(shown - saved_at, sum(float(m[2]) for m in read_written),
                   sum(float(m[3]) for m in read_written), sum(float(m[2]) for m in written),
                   sum(float(m[3]) for m in written), sum(float(m[2]) for m in builds),
                   searched_at - saved_at, warm, shown_by, in_order, read_first),
            int(builds[-1][4]))


def run_way(name: str, server: Server, edits: Edits, repeats: int, browser: Any) -> Way:
    way = Way(name)
    first = server.wait_for("the first build", DONE, 1)
    worker = int(first[4])
    deadline = time.monotonic() + SAFETY_NET
    while idle(server, 0) is None:  # the first search index too
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"bench: the preview did not start; see {server.log}")
        time.sleep(POLL)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORDER)
    page = context.new_page()
    try:
        for kind, make in (("text edit", edits.text_edit), ("new issue", edits.new_issue)):
            for _ in range(repeats):
                timing, worker = measure(server, page, make(), worker)
                way.timings.setdefault(kind, []).append(timing)
                print(f"  {name}, {kind}: {timing.seconds:.2f} s to the browser (its pages "
                      f"written {timing.read_pages_seconds:.2f} s, "
                      f"{timing.read_pages_cpu_seconds:.2f} s CPU; every page "
                      f"written {timing.pages_seconds:.2f} s, {timing.pages_cpu_seconds:.2f} s "
                      f"CPU; build {timing.build_seconds:.2f} s"
                      f", search current at "
                      f"{timing.search_seconds:.2f} s, {'warm' if timing.warm else 'fresh'})",
                      flush=True)
    finally:
        context.close()
    return way


def run(pages: int, refs: int, workdir: Path, repeats: int = 3, cold: bool = True,
        browser: Any = None) -> tuple[list[Way], int]:
    """Generate the corpus, serve it, and time the edits each way; returns the ways and
    the number of documents."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    corpus = Corpus(pages, refs)
    src = workdir / "src"
    corpus.write(src, "kb")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        # the benchmark's probe (run.py's timings) is no part of a contributor's preview
        conf.write('extensions = [e for e in extensions if e != "probe"]\n')
    edits = Edits(corpus, src)
    log = workdir / "preview.log"
    ways = [("warm (kb.cli.serve)", ())] + ([("fresh process per save (--cold)", ("--cold",))]
                                            if cold else [])
    results = []
    owned = None
    if browser is None:
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise SystemExit(f"the preview benchmark needs Chromium ({CHROMIUM}): "
                             "sudo apt-get install chromium")
        owned = sync_playwright().start()
        browser = owned.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        for name, options in ways:
            server = Server(src, workdir / "out", log, *options)
            try:
                results.append(run_way(name, server, edits, repeats, browser))
            finally:
                server.stop()
    finally:
        if owned is not None:
            browser.close()
            owned.stop()
    documents = sum(1 for _ in src.rglob("*.md"))
    return results, documents


def report(ways: list[Way], pages: int, documents: int) -> str:
    import datetime

    from run import machine

    lines = [f"Preview: {pages} reviews and issues ({documents} documents), from saving a file "
             "to the browser showing the change; "
             f"{datetime.date.today().isoformat()}; {machine()}", "",
             "| edit | preview | runs | median s | min s | max s | its pages written s "
             "(CPU s) | every page written s (CPU s) | build s | search current s |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for way in ways:
        for kind, timings in way.timings.items():
            seconds = [t.seconds for t in timings]
            lines.append(
                f"| {kind} | {way.name} | {len(seconds)} | {statistics.median(seconds):.2f} "
                f"| {min(seconds):.2f} | {max(seconds):.2f} "
                f"| {statistics.median(t.read_pages_seconds for t in timings):.2f} "
                f"({statistics.median(t.read_pages_cpu_seconds for t in timings):.2f}) "
                f"| {statistics.median(t.pages_seconds for t in timings):.2f} "
                f"({statistics.median(t.pages_cpu_seconds for t in timings):.2f}) "
                f"| {statistics.median(t.build_seconds for t in timings):.2f} "
                f"| {statistics.median(t.search_seconds for t in timings):.2f} |")
    warm = ways[0]
    lines.append("")
    for kind, target in TARGETS.items():
        timings = warm.timings.get(kind, [])
        if timings:
            median = statistics.median(t.seconds for t in timings)
            verdict = "met" if median <= target else "MISSED"
            lines.append(f"target, {kind} within {target:.0f} s ({warm.name}, median): "
                         f"{median:.2f} s, {verdict}")
    every = [t for timings in warm.timings.values() for t in timings]
    lines.append(f"warm builds (same worker process): {sum(t.warm for t in every)} of {len(every)}")
    lines.append("(the last four columns are medians: the server's seconds until the pages "
                 "of the documents saved were written and reloaded, and until every page "
                 "was, with its worker's CPU seconds for each, which the machine's other work "
                 "does not stretch; until its build was done; and from the save until the "
                 "search index was current again)")
    return "\n".join(lines)
