"""`nox -s bench -- --pages N --refs M`: build a generated corpus and print what each build costs.

Builds, each in a fresh Python process:
  clean -j 1, clean -j 2, no-op rebuild, rebuild after editing one page's text,
  after adding a topic to one page, after adding one new issue, and the same corpus
  with the extension switched off (clean -j 1) for the extension's overhead.
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


def html_mtimes(outdir: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in outdir.rglob("*.html")} if outdir.exists() else {}


# the optional parts of the extension, switched off to measure what they cost
PARTS_OFF = ("-D", "kb_previews=0", "-D", "kb_charts=0")


def build(step: str, src: Path, out: Path, jobs: int, log: Path,
          options: tuple[str, ...] = ()) -> Result:
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
    return Result(step, seconds, usage.ru_maxrss / 1024, probe["read"], written, len(pages))


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
        with_parts_off: bool = False) -> list[Result]:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    log = workdir / "build.log"
    corpus = Corpus(pages, refs)
    kb, plain = workdir / "kb", workdir / "plain"
    corpus.write(kb, "kb")
    for name in ("probe.py",):
        shutil.copy(Path(__file__).parent / name, kb / name)
    results = [
        build("clean build -j 1", kb, workdir / "out-j1", 1, log),
        build("clean build -j 2", kb, workdir / "out-j2", 2, log),
        build("no-op rebuild", kb, workdir / "out-j1", 1, log),
    ]
    if with_parts_off:  # the same corpus without link previews and trend charts
        results += [build("previews+charts off: clean", kb, workdir / "off-j1", 1, log, PARTS_OFF),
                    build("previews+charts off: no-op", kb, workdir / "off-j1", 1, log, PARTS_OFF)]
    edit_text(corpus, kb)
    results.append(build("edit one page's text", kb, workdir / "out-j1", 1, log))
    add_topic(corpus, kb)
    results.append(build("add a topic to one page", kb, workdir / "out-j1", 1, log))
    add_issue(corpus, kb)
    results.append(build("add one new issue", kb, workdir / "out-j1", 1, log))
    if with_plain:
        corpus.write(plain, "plain")
        shutil.copy(Path(__file__).parent / "probe.py", plain / "probe.py")
        results.append(build("extension off: clean -j 1", plain, workdir / "plain-j1", 1, log))
    return results


def report(results: list[Result], pages: int, refs: int) -> str:
    docs = results[0].docs
    lines = [f"Benchmark: {pages} reviews and issues ({docs} documents in all), {refs} refs.bib entries",
             "", f"| {'build':<28} | {'wall s':>7} | {'peak MB':>7} | {'read':>5} | {'written':>7} |",
             f"| {'-' * 28} | {'-' * 7}: | {'-' * 7}: | {'-' * 5}: | {'-' * 7}: |"]
    for r in results:
        lines.append(f"| {r.step:<28} | {r.seconds:7.1f} | {r.peak_mb:7.0f} | {r.read:5d} | {r.written:7d} |")
    by = {r.step: r for r in results}
    clean = by["clean build -j 1"].seconds
    lines.append("")
    if "extension off: clean -j 1" in by:
        off = by["extension off: clean -j 1"].seconds
        lines.append(f"extension overhead (clean -j 1, on / off): {clean / off:.2f}x")
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
    parser.add_argument("--parts-off", action="store_true",
                        help="also build without link previews and trend charts (their cost)")
    args = parser.parse_args(argv)
    results = run(args.pages, args.refs, args.workdir / f"{args.pages}-{args.refs}",
                  with_plain=not args.no_plain, with_parts_off=args.parts_off)
    print(report(results, args.pages, args.refs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
