"""`nox -s bench -- --pages N --book`: the generated corpus's book, built as `nox -s pdf` builds it.

Sphinx's LaTeX builder (one process, as `nox -s pdf` runs it), then TeX for each volume in
turn (`make <volume>.pdf`: latexmk, xelatex and xindy, with `nox -s pdf`'s LATEXOPTS). For
each volume it prints the seconds the LaTeX builder spent writing it, TeX's wall and CPU
seconds, and the PDF's page count (`pdfinfo`, from poppler) and size; the builder's reading
(shared by every volume), its CPU seconds and peak memory come first. CPU seconds are
user + system time of the process and every process it waited for: steadier than wall
seconds when other work shares the machine.

This module is also the Sphinx extension that times the builder's writing of each volume:
the generated corpus's conf.py loads it (`TIMING_EXTENSION`), and it writes what it measured
to `<outdir>/.bench-book.json`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# as `nox -s pdf` runs TeX (noxfile.py's pdf session; tests/site/test_bench.py compares them)
TEX_ENV = {"LATEXOPTS": "-interaction=nonstopmode -halt-on-error -file-line-error",
           "LATEXMKOPTS": "-silent"}
TIMING_EXTENSION = "book"  # this module, on the corpus's sys.path (bench/)
TIMINGS = ".bench-book.json"


@dataclass(frozen=True)
class Volume:
    """One PDF of the book."""

    name: str  # the .tex file's name without its suffix
    title: str  # as the title page gives it
    latex_seconds: float  # the LaTeX builder assembling, resolving and writing this volume
    tex_seconds: float  # `make <name>.pdf`, wall
    tex_cpu_seconds: float  # the same, user + system of TeX and every tool latexmk ran
    pages: int  # PDF pages (pdfinfo)
    size: int  # bytes


@dataclass(frozen=True)
class Book:
    """The book of one corpus: the LaTeX builder's run and each volume."""

    docs: int  # source documents
    builder_seconds: float  # the whole sphinx-build, wall
    builder_cpu_seconds: float
    read_seconds: float  # before the first volume is written: reading and resolving, shared
    peak_mb: float  # the builder's peak memory
    warnings: int  # warning lines the builder printed (the log holds them)
    volumes: tuple[Volume, ...]

    @property
    def seconds(self) -> float:
        return self.builder_seconds + sum(v.tex_seconds for v in self.volumes)

    @property
    def cpu_seconds(self) -> float:
        return self.builder_cpu_seconds + sum(v.tex_cpu_seconds for v in self.volumes)


def timed_run(command: list[str], log: Path, cwd: Path, env: dict[str, str] | None = None
              ) -> tuple[float, float, float]:
    """Run `command`, its output appended to `log`: (wall s, CPU s, peak MB) or SystemExit."""
    with log.open("a") as out:
        out.write(f"\n== {' '.join(command)}\n")
        out.flush()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                   env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(command[:4])}... failed; see {log}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def load_timing(src: Path) -> None:
    """Have the corpus's conf.py load this module as an extension (it is on its sys.path)."""
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"extensions = [*extensions, {TIMING_EXTENSION!r}]\n")


def build_book(src: Path, out: Path, log: Path, volumes: str | None = None) -> Book:
    """The corpus at `src` as a book in `out`, as `nox -s pdf` builds it, measured;
    `volumes`: a `kb_book_volumes` value instead of the configured one."""
    doctrees = out.parent / (out.name + "-doctrees")
    # nitpicky as `nox -s pdf`, but not -W: a warning is counted, not fatal, at this size
    command = [sys.executable, "-m", "sphinx", "-b", "latex", "-n", "-d", str(doctrees),
               *(["-D", f"kb_book_volumes={volumes}"] if volumes else []), str(src), str(out)]
    log_start = log.stat().st_size if log.exists() else 0
    seconds, cpu, peak = timed_run(command, log, src)
    with log.open(encoding="utf-8", errors="replace") as text:
        text.seek(log_start)
        warnings = sum(1 for line in text if "WARNING:" in line)
    timing = json.loads((out / TIMINGS).read_text())
    volumes = []
    for name, title, latex_seconds in timing["volumes"]:
        tex_seconds, tex_cpu, _ = timed_run(["make", "-C", str(out), f"{name}.pdf"], log, out,
                                            TEX_ENV)
        pdf = out / f"{name}.pdf"
        volumes.append(Volume(name, title, latex_seconds, tex_seconds, tex_cpu,
                              pdf_pages(pdf), pdf.stat().st_size))
    return Book(timing["docs"], seconds, cpu, timing["read_seconds"], peak, warnings,
                tuple(volumes))


def report(book: Book, pages: int, refs: int) -> str:
    lines = [f"The book: {pages} reviews and issues ({book.docs} documents), {refs} refs.bib "
             f"entries, {len(book.volumes)} volume{'s' if len(book.volumes) != 1 else ''}", "",
             f"LaTeX builder: {book.builder_seconds:.1f} s wall, {book.builder_cpu_seconds:.1f} s "
             f"CPU, peak {book.peak_mb:.0f} MB; reading and resolving (shared by every volume) "
             f"{book.read_seconds:.1f} s; {book.warnings} warnings", "",
             "| volume | LaTeX writer s | TeX wall s | TeX CPU s | PDF pages | PDF MB |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for v in book.volumes:
        lines.append(f"| {v.name}.pdf ({v.title}) | {v.latex_seconds:.1f} | {v.tex_seconds:.1f} "
                     f"| {v.tex_cpu_seconds:.1f} | {v.pages:,} | {v.size / 1e6:.1f} |")
    lines += ["", f"the whole book: {book.seconds:.1f} s wall ({book.seconds / 60:.1f} min), "
                  f"{book.cpu_seconds:.1f} s CPU, {sum(v.pages for v in book.volumes):,} pages; "
                  f"the longest volume {max(v.pages for v in book.volumes):,} pages"]
    return "\n".join(lines)


def run_book(corpus, workdir: Path, pages: int, refs: int, volumes: str | None = None) -> str:
    """Write `corpus` into `workdir`/book, build its book (`volumes`: a `kb_book_volumes`
    value instead of the configured one), and return the report."""
    src, out, log = workdir / "book", workdir / "book-latex", workdir / "book.log"
    for old in (src, out, out.parent / (out.name + "-doctrees")):  # a clean build
        shutil.rmtree(old, ignore_errors=True)
    log.unlink(missing_ok=True)
    corpus.write(src, "kb")
    load_timing(src)
    return report(build_book(src, out, log, volumes), pages, refs)


# -- the Sphinx extension: when the LaTeX builder writes each volume ------------------------


def setup(app):
    marks: dict[str, float] = {}
    starts: list[tuple[str, float]] = []  # each volume's start document, when its writing began

    def wrap(app):
        builder = app.builder
        if builder.format != "latex":
            return
        marks["inited"] = time.perf_counter()
        assemble, write = builder.assemble_doctree, builder.write_documents

        def assemble_doctree(indexfile, *args, **kwargs):
            starts.append((indexfile, time.perf_counter()))
            return assemble(indexfile, *args, **kwargs)

        def write_documents(docnames):
            marks["writing"] = time.perf_counter()
            try:
                return write(docnames)
            finally:
                marks["written"] = time.perf_counter()

        builder.assemble_doctree = assemble_doctree
        builder.write_documents = write_documents

    def finished(app, exception):
        if exception is not None or "written" not in marks:
            return
        ends = [when for _, when in starts[1:]] + [marks["written"]]
        # the volumes are written in the order of their entries (which share one start
        # document, book.md), one assembly each
        entries = app.builder.document_data
        assert len(entries) == len(starts), (entries, starts)
        volumes = [(Path(entry[1]).stem, entry[2], end - start)
                   for entry, (_, start), end in zip(entries, starts, ends)]
        Path(app.outdir, TIMINGS).write_text(json.dumps({
            "docs": len(app.env.found_docs), "volumes": volumes,
            "read_seconds": marks["writing"] - marks["inited"]}))

    app.connect("builder-inited", wrap)
    app.connect("build-finished", finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
