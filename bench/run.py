"""`nox -s bench -- --pages N --refs M`: build a generated corpus and print what each build costs.

Builds, each in a fresh Python process:
  clean -j 1, clean -j 2, no-op rebuild, rebuild after editing one page's text,
  after adding a topic to one page, after adding one new issue, and the same corpus
  with the extension switched off (clean -j 1) for the extension's overhead, and the
  same corpus with the Atom feeds and the sitemap switched off (clean -j 1) for their
  cost (`--no-feeds` / `--no-sitemap` switch them off in every build instead).
Then (unless --no-search) the search: the same corpus with Sphinx's built-in search, and
what a reader's browser downloads for a first and a later query with each
(bench/search_payload.py), with each index's build seconds.
For each: wall seconds, peak memory of the build process (its parallel workers are
not included), documents read, and documents whose HTML page was written (the
search page and the indexes, which Sphinx writes on every build, not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import Corpus  # noqa: E402

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
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: the build '{step}' failed; see {log}")
    probe = json.loads((out / ".bench-probe.json").read_text())
    pages = {out / f"{doc}.html" for doc in probe["docs"]}  # not search, genindex...
    written = sum(1 for path, mtime in html_mtimes(out).items()
                  if path in pages and before.get(path) != mtime)
    # ru_maxrss is in KiB on Linux
    return Result(step, seconds, usage.ru_maxrss / 1024, probe["read"], written, len(pages),
                  probe.get("finish_seconds", 0.0), probe.get("builtin_search_seconds", 0.0))


def publishing(src: Path, feeds: bool, sitemap: bool) -> None:
    """Switch the Atom feeds (kb_feeds) or the sitemap (sphinx-sitemap) off in a corpus."""
    lines = []
    if not feeds:
        lines.append("kb_feeds = False")
    if not sitemap:
        lines.append('extensions = [e for e in extensions if e != "sphinx_sitemap"]')
    if lines:
        with (src / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write("\n".join(lines) + "\n")


def edit_text(corpus: Corpus, src: Path) -> None:
    page = corpus.pages[len(corpus.pages) // 2]
    path = src / f"{page.docname}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence, edited.\n",
                    encoding="utf-8")


def add_topic(corpus: Corpus, src: Path) -> None:
    page = corpus.pages[len(corpus.pages) // 3]
    path = src / f"{page.docname}.md"
    new = next(slug for slug in corpus.topics if slug not in page.topics)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("topics: [", f"topics: [{new}, ", 1), encoding="utf-8")


def add_issue(corpus: Corpus, src: Path) -> None:
    last = max((p for p in corpus.pages if p.series == "weekly-a"), key=lambda p: p.number)
    page = type(last)(
        f"newsletters/weekly-a/{last.year}/issue-{last.number + 1}", f"weekly-a issue #{last.number + 1}",
        "newsletter", "weekly-a", last.year, min(last.month + 1, 12), 1, last.number + 1,
        last.topics, last.items[:3])
    (src / f"{page.docname}.md").write_text(corpus.page_text(page, kb=True), encoding="utf-8")
    index = src / f"newsletters/weekly-a/{last.year}/index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("\n```\n", f"\nissue-{page.number}\n```\n", 1), encoding="utf-8")


def run(pages: int, refs: int, workdir: Path, with_plain: bool = True,
        feeds: bool = True, sitemap: bool = True, with_parts_off: bool = False) -> list[Result]:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    log = workdir / "build.log"
    corpus = Corpus(pages, refs)
    kb, plain = workdir / "kb", workdir / "plain"
    corpus.write(kb, "kb")
    for name in ("probe.py",):
        shutil.copy(Path(__file__).parent / name, kb / name)
    publishing(kb, feeds, sitemap)
    unpublished = workdir / "kb-no-feeds-sitemap"
    if feeds or sitemap:
        shutil.copytree(kb, unpublished)
        publishing(unpublished, False, False)
    results = [
        build("clean build -j 1", kb, workdir / "out-j1", 1, log),
        build("clean build -j 2", kb, workdir / "out-j2", 2, log),
        build("no-op rebuild", kb, workdir / "out-j1", 1, log),
    ]
    if with_parts_off:  # the same corpus without link previews and trend charts
        results += [build("previews+charts off: clean", kb, workdir / "off-j1", 1, log, *PARTS_OFF),
                    build("previews+charts off: no-op", kb, workdir / "off-j1", 1, log, *PARTS_OFF)]
    edit_text(corpus, kb)
    results.append(build("edit one page's text", kb, workdir / "out-j1", 1, log))
    add_topic(corpus, kb)
    results.append(build("add a topic to one page", kb, workdir / "out-j1", 1, log))
    add_issue(corpus, kb)
    results.append(build("add one new issue", kb, workdir / "out-j1", 1, log))
    if feeds or sitemap:
        results.append(build("feeds+sitemap off: clean -j 1", unpublished,
                             workdir / "unpublished-j1", 1, log))
    if with_plain:
        corpus.write(plain, "plain")
        shutil.copy(Path(__file__).parent / "probe.py", plain / "probe.py")
        results.append(build("extension off: clean -j 1", plain, workdir / "plain-j1", 1, log))
    return results


def run_search(results: list[Result], pages: int, workdir: Path, browser=None) -> str:
    """Pagefind against Sphinx's built-in search on the same corpus (bench/search_payload.py),
    in `browser` (a Playwright browser) or a Chromium launched for each measurement."""
    import search_payload

    sys.path.insert(0, str(PROJECT / "_ext"))
    from kb.search import pagefind_command

    log = workdir / "build.log"
    clean = next(r for r in results if r.step == "clean build -j 1")
    builtin = build("built-in search: clean -j 1", workdir / "kb", workdir / "out-sphinx", 1, log,
                    "-D", "kb_search=sphinx")
    site = workdir / "out-j2"  # a clean build, not edited since
    shutil.rmtree(site / "pagefind")
    started = time.perf_counter()  # Pagefind writing a whole bundle, as in a clean build
    subprocess.run(pagefind_command(site), check=True, capture_output=True)
    pagefind_seconds = time.perf_counter() - started
    first, later = "attention", "protein"
    rows = {
        "Pagefind": (*search_payload.measure(site, "pagefind", first, later, browser),
                     pagefind_seconds),
        "Sphinx built-in": (*search_payload.measure(workdir / "out-sphinx", "sphinx", first, later,
                                                    browser), builtin.builtin_search_seconds),
    }
    text = search_payload.report(pages, clean.docs, rows, clean.seconds, first, later)
    return text + (f"\nclean build -j 1 with Sphinx's built-in search instead: {builtin.seconds:.1f} s"
                   f" (with Pagefind: {clean.seconds:.1f} s)")


def report(results: list[Result], pages: int, refs: int) -> str:
    docs = results[0].docs
    lines = [f"Benchmark: {pages} reviews and issues ({docs} documents in all), {refs} refs.bib entries",
             "", f"| {'build':<29} | {'wall s':>7} | {'peak MB':>7} | {'read':>5} | {'written':>7} "
             f"| {'at end s':>8} |",
             f"| {'-' * 29} | {'-' * 7}: | {'-' * 7}: | {'-' * 5}: | {'-' * 7}: | {'-' * 8}: |"]
    for r in results:
        lines.append(f"| {r.step:<29} | {r.seconds:7.1f} | {r.peak_mb:7.0f} | {r.read:5d} "
                     f"| {r.written:7d} | {r.finish:8.2f} |")
    by = {r.step: r for r in results}
    clean = by["clean build -j 1"].seconds
    lines.append("")
    if "extension off: clean -j 1" in by:
        off = by["extension off: clean -j 1"].seconds
        lines.append(f"extension overhead (clean -j 1, on / off): {clean / off:.2f}x")
    if "feeds+sitemap off: clean -j 1" in by:
        off = by["feeds+sitemap off: clean -j 1"]
        lines.append(f"feeds and sitemap (clean -j 1, on / off): {clean / off.seconds:.3f}x; "
                     f"written at the end of the build in {by['clean build -j 1'].finish:.2f} s "
                     f"({by['clean build -j 1'].finish / clean:.1%} of the clean build)")
    if "previews+charts off: clean" in by:
        off = by["previews+charts off: clean"].seconds
        lines.append(f"previews and charts, clean -j 1 (on / off): {clean / off - 1:+.1%}")
        lines.append("previews and charts, no-op (on - off): "
                     f"{by['no-op rebuild'].seconds - by['previews+charts off: no-op'].seconds:+.2f} s")
    lines.append(f"no-op rebuild / clean build: {by['no-op rebuild'].seconds / clean:.1%}")
    lines.append(f"clean -j 2 / clean -j 1: {by['clean build -j 2'].seconds / clean:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="reviews and issues (default 200)")
    parser.add_argument("--refs", type=int, default=2000, help="refs.bib entries (default 2000)")
    parser.add_argument("--workdir", type=Path, default=PROJECT / "_build" / "bench")
    parser.add_argument("--no-plain", action="store_true", help="skip the extension-off build")
    parser.add_argument("--no-feeds", action="store_true", help="no Atom feeds (kb_feeds = False)")
    parser.add_argument("--no-sitemap", action="store_true", help="no sitemap (without sphinx-sitemap)")
    parser.add_argument("--no-search", action="store_true",
                        help="skip the search payload (Pagefind against the built-in search)")
    parser.add_argument("--parts-off", action="store_true",
                        help="also build without link previews and trend charts (their cost)")
    args = parser.parse_args(argv)
    workdir = args.workdir / f"{args.pages}-{args.refs}"
    results = run(args.pages, args.refs, workdir, with_plain=not args.no_plain,
                  feeds=not args.no_feeds, sitemap=not args.no_sitemap,
                  with_parts_off=args.parts_off)
    print(report(results, args.pages, args.refs))
    if not args.no_search:
        print()
        print(run_search(results, args.pages, workdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
