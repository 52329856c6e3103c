"""`python -m kb.cli.serve SOURCEDIR OUTDIR [options]`: the live preview (`nox -s serve`).

It serves OUTDIR on http://127.0.0.1:8000, watches the sources and rebuilds on every save,
keeping one Sphinx application warm between rebuilds (cli/warm_build.py: a worker
process owns it, so a save pays for reading the pages that changed, not for starting
Python, importing Sphinx and the extensions, unpickling the environment and parsing
refs.bib). Then:

1. An open page reloads as soon as the build has written it again, and only then
   (cli/serve_http.py: each page carries a script that names its file to the server). The
   pages of the documents the save changed are written first and reload at once; the
   pages that show them (a topic's listing, the archive, the parts of long lists) follow,
   and reload as they are written; the build's whole-site files (the link previews' data,
   the feeds, the sitemap) come after every page.
2. Then, in a process of its own, the search index is brought up to date
   (`kb_search = "pagefind-deferred"`: outputs/search.py, `refresh_index`), so the
   search catches up a few seconds after the page, without delaying it. A save while it
   runs stops it (Pagefind is ended, its output never published); the next build's
   refresh runs again.

A fresh worker (a new process, whose first build starts from the pickled environment,
as sphinx-build does) builds instead of the warm one when:
- conf.py, a Python file, anything in the extension's folder (`_ext/`) or in a folder of
  templates or themes the configuration names changed: what the application holds from
  them when it is made would be stale;
- the installed packages changed (a site-packages folder's time): Sphinx's environment
  version and each extension's `env_version` are in their code;
- the last build failed, or the worker ended; and with `--cold`, for every build (the old
  way, a fresh process per save, for the benchmark's comparison).
A warm build that fails is retried at once by a fresh worker. A build that fails there
too leaves the last pages served; the next save tries again. Bad input in a page is a
warning of the build, printed in this console with its file and line: the build goes on.

Nothing the build writes starts another build: the output and doctree folders are never
watched, nor what `--ignore` matches (shell patterns on the path from the watched folder,
so `*/_build/*` is any `_build` folder in it), nor what watchfiles leaves out by default
(`.git`, `__pycache__`, editors' swap files).

Every line of its own starts with `[kb-serve]`: each build with its number, whether it
was warm or fresh and why, what changed, when its pages were written (and reloaded) and
when it was done, the worker's process id and how many builds that worker has made (a warm
worker keeps its id), and each search refresh.
"""

from __future__ import annotations

import argparse
import fnmatch
import multiprocessing
import os
import queue
import signal
import site
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from .serve_http import Builds, PreviewServer
from .warm_build import BUILD, BuildSetup, PagesWritten, Report

PREFIX = "[kb-serve]"
DEFERRED_SEARCH = "pagefind-deferred"
SEARCH_BUILDERS = ("html", "dirhtml")
EXTENSION_FOLDER = Path(__file__).resolve().parents[2]  # _ext/, which holds the kb package
SHOWN_CHANGES = 8  # changed paths named in a build's line; the rest are counted


def say(message: str) -> None:
    print(f"{PREFIX} {message}", flush=True)


# -- what changed ---------------------------------------------------------------------------


def ignored(path: Path, patterns: Sequence[str], outputs: Sequence[Path],
            watched: Sequence[Path] = ()) -> bool:
    """Whether a change of `path` is not the sources': in an output folder, or matched by
    one of the `--ignore` shell patterns. A pattern is matched against the path from the
    watched folder holding it, as `/reviews/r2021.md` (`*/_build/*` is any `_build` folder
    inside it), so that where the sources themselves lie (a benchmark's corpus under
    `_build/`) never counts; a path in no watched folder, against its absolute path."""
    if any(path == folder or path.is_relative_to(folder) for folder in outputs):
        return True
    holder = next((folder for folder in watched if path.is_relative_to(folder)), None)
    text = "/" + path.relative_to(holder).as_posix() if holder is not None else path.as_posix()
    return any(fnmatch.fnmatch(text, pattern) for pattern in patterns)


def fresh_reason(changed: Iterable[Path], conf: Path, code_folders: Sequence[Path],
                 shown: Callable[[Path], str] = str) -> str:
    """Why the changed paths need a fresh worker ("" when a warm rebuild is right)."""
    for path in sorted(changed):
        if path == conf:
            return f"{shown(path)} changed"
        if path.suffix == ".py":
            return f"{shown(path)} changed (Python code)"
        if any(path.is_relative_to(folder) for folder in code_folders):
            return f"{shown(path)} changed (the extension, templates or a theme)"
    return ""


def packages_state() -> tuple[tuple[str, int], ...]:
    """The time of each site-packages folder: installing, upgrading or removing a package
    changes it (as Python's own import system relies on)."""
    folders = [*site.getsitepackages(), site.getusersitepackages()]
    state = []
    for folder in folders:
        try:
            state.append((folder, os.stat(folder).st_mtime_ns))
        except OSError:
            continue
    return tuple(state)


# -- the worker and the search refresh ------------------------------------------------------


class Worker:
    """A process of cli/warm_build.py, holding one Sphinx application."""

    def __init__(self, setup: BuildSetup) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of this server's threads
        self.connection, child = context.Pipe()
        from .warm_build import work

        # not a daemon: a parallel build (-j) starts processes of its own
        self.process = context.Process(target=work, args=(child, setup), name="kb-preview-build")
        self.process.start()
        child.close()
        self.pid = self.process.pid or 0
        self.packages = packages_state()

    def build(self, pages_written: Callable[[PagesWritten], None]) -> Report:
        """Build; `pages_written` is called as pages are written: those of the documents
        read, then the rest (before the build's last work, unless it fails first)."""
        try:
            self.connection.send(BUILD)
            while isinstance(message := self.connection.recv(), PagesWritten):
                pages_written(message)
            return message
        except (EOFError, OSError):
            self.process.join()
            return Report(self.pid, 0, False, f"the worker ended (exit code "
                          f"{self.process.exitcode})", 0, 0, 0, 0.0, 0.0, (), ())

    def end(self) -> None:
        if self.process.is_alive():
            try:
                self.connection.send("stop")
            except OSError:
                pass
            self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.connection.close()


def refresh_search(outdir: Path, doctreedir: Path, build: int) -> None:
    """The search refresh's process: `refresh_index`, stopped by SIGTERM to its process
    group (which ends Pagefind, its child, too)."""
    os.setpgrp()  # its own group: the server ends it and Pagefind at once, Ctrl+C does not
    stopped: list[int] = []
    signal.signal(signal.SIGTERM, lambda *args: stopped.append(1))
    from ..outputs.search import refresh_index

    started = time.perf_counter()
    done = refresh_index(outdir, doctreedir, stop=lambda: bool(stopped))
    seconds = time.perf_counter() - started
    pages = done.pages
    read = f"{pages.cut} pages read again" if pages else "no page read"
    if done.outcome == "indexed":
        files = done.files
        say(f"search: index refreshed after build #{build} in {seconds:.2f} s ({read}; "
            f"{files.replaced} files replaced, {files.kept} kept, {files.removed} removed)")
    elif done.outcome == "current":
        say(f"search: index current after build #{build} ({read}, none with other text)")
    elif done.outcome == "stopped":
        say(f"search: refresh after build #{build} stopped for the next build")
    else:
        say(f"search: refresh after build #{build} failed: {done.outcome}")


class SearchRefresh:
    """At most one refresh at a time, stopped before a build starts."""

    def __init__(self, outdir: Path, doctreedir: Path) -> None:
        self.outdir, self.doctreedir = outdir, doctreedir
        self.process: Any = None

    def start(self, build: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(target=refresh_search, name="kb-preview-search",
                                       args=(self.outdir, self.doctreedir, build))
        self.process.start()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or not process.is_alive():
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):  # not yet its own group
            process.terminate()
        process.join()


# -- the preview ------------------------------------------------------------------------------


class Preview:
    """Builds on request, warm or fresh, and tells the pages and the search."""

    def __init__(self, setup: BuildSetup, builds: Builds, cold: bool = False) -> None:
        self.setup = setup
        self.builds = builds
        self.cold = cold
        self.number = 0
        self.worker: Worker | None = None
        self.why_fresh = "start"  # why the next build needs a fresh worker ("" if it does not)
        self.code_folders: list[Path] = [EXTENSION_FOLDER]
        self.search = SearchRefresh(setup.outdir, setup.doctreedir)

    def shown(self, path: Path) -> str:
        return str(path.relative_to(self.setup.srcdir)) if path.is_relative_to(
            self.setup.srcdir) else str(path)

    def _changes(self, changed: set[Path]) -> str:
        names = sorted(self.shown(path) for path in changed)
        more = len(names) - SHOWN_CHANGES
        return ", ".join(names[:SHOWN_CHANGES]) + (f" and {more} more" if more > 0 else "")

    def _fresh_because(self, changed: set[Path]) -> str:
        if self.why_fresh:
            return self.why_fresh
        if self.worker is None or not self.worker.process.is_alive():
            return "the worker ended"
        if self.cold:
            return "a fresh process for every build (--cold)"
        reason = fresh_reason(changed, self.setup.confdir / "conf.py", self.code_folders,
                              self.shown)
        if reason:
            return reason
        if packages_state() != self.worker.packages:
            return "the installed packages changed"
        return ""

    def _start_worker(self) -> None:
        if self.worker is not None:
            self.worker.end()
        self.worker = Worker(self.setup)
        say(f"worker {self.worker.pid} started")

    def build(self, changed: set[Path]) -> None:
        self.search.stop()
        self.number += 1
        reason = self._fresh_because(changed)
        what = f"fresh ({reason})" if reason else "warm"
        say(f"build #{self.number} started: {what}"
            + (f"; changed: {self._changes(changed)}" if changed else ""))
        if reason:
            self._start_worker()
        report = self.worker.build(self._pages_written)
        if not report.ok and not reason:
            self._failed(report, "a fresh worker builds again")
            self.search.stop()
            self._start_worker()
            report = self.worker.build(self._pages_written)
        if not report.ok:
            self._failed(report, "the last pages stay served; save again to retry")
            self.search.stop()
            self.worker.end()
            self.worker = None
            self.why_fresh = "the last build failed"
            return
        self.why_fresh = ""
        if report.warm_problems:  # compat/sphinx.py reported them at start-up too
            self.cold = True
        self.code_folders = [EXTENSION_FOLDER, *map(Path, report.code_folders)]
        say(f"build #{self.number} done in {report.seconds:.2f} s "
            f"({report.cpu_seconds:.2f} s CPU) by worker {report.pid} "
            f"(its build {report.builds}): {report.read} read, {report.written} written, "
            f"{report.warnings} warnings")

    def _pages_written(self, written: PagesWritten) -> None:
        """Pages of the build are written: those pages reload now. Once every page is
        written, the search index is brought up to date while the build writes its
        whole-site files."""
        files = written.files
        self.builds.written(files, self.number if written.last else None)
        reloaded = "pages reloaded" if files is None else f"{len(files)} pages reloaded"
        if not written.last:
            say(f"build #{self.number} pages of the documents read written in "
                f"{written.seconds:.2f} s ({written.cpu_seconds:.2f} s CPU): {reloaded}")
            return
        say(f"build #{self.number} pages written in {written.seconds:.2f} s "
            f"({written.cpu_seconds:.2f} s CPU) by worker "
            f"{written.pid} (its build {written.builds}): {written.read} read, "
            f"{written.written} written; {reloaded}")
        if written.search == DEFERRED_SEARCH and self.setup.builder in SEARCH_BUILDERS:
            self.search.start(self.number)

    def _failed(self, report: Report, then: str) -> None:
        say(f"build #{self.number} failed in worker {report.pid} (its build {report.builds}): "
            f"{report.failure}; {then}")

    def close(self) -> None:
        self.search.stop()
        if self.worker is not None:
            self.worker.end()


# -- watching ---------------------------------------------------------------------------------


def watch(folders: Sequence[Path], keep: Callable[[Path], bool], changes: queue.Queue,
          stop: threading.Event) -> None:
    """Put each batch of changed paths the sources' filter keeps into `changes`."""
    import watchfiles

    default = watchfiles.DefaultFilter()

    def wanted(change: Any, path: str) -> bool:
        return default(change, path) and keep(Path(path))

    for batch in watchfiles.watch(*folders, watch_filter=wanted, stop_event=stop,
                                  raise_interrupt=False):
        changes.put({Path(path) for _, path in batch})


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kb.cli.serve", description=__doc__.split(
        "\n")[0].split(": ", 1)[1])
    parser.add_argument("sourcedir", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("-b", dest="builder", default="html", help="builder (default html)")
    parser.add_argument("-d", dest="doctreedir", type=Path,
                        help="doctree folder (default OUTDIR/.doctrees)")
    parser.add_argument("-c", dest="confdir", type=Path, help="folder of conf.py (SOURCEDIR)")
    parser.add_argument("-D", dest="define", action="append", default=[], metavar="NAME=VALUE",
                        help="override a setting of conf.py, as sphinx-build -D")
    parser.add_argument("-t", dest="tags", action="append", default=[], metavar="TAG")
    parser.add_argument("-j", dest="jobs", default="1",
                        help="processes for reading and writing, or auto (default 1)")
    parser.add_argument("-q", dest="quiet", action="store_true", help="print only warnings")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--watch", action="append", default=[], type=Path, metavar="DIR",
                        help="another folder to watch (conf.py's folder and SOURCEDIR are)")
    parser.add_argument("--ignore", action="append", default=[], metavar="PATTERN",
                        help="changes to paths matching this shell pattern start no build")
    parser.add_argument("--cold", action="store_true",
                        help="a fresh process for every build, as sphinx-autobuild ran "
                             "sphinx-build (for comparison)")
    return parser.parse_args(argv)


def setup_from(args: argparse.Namespace) -> BuildSetup:
    srcdir = args.sourcedir.resolve()
    outdir = args.outdir.resolve()
    overrides: dict[str, Any] = {}
    for definition in args.define:
        name, equals, value = definition.partition("=")
        if not equals:
            raise SystemExit(f"-D {definition}: write NAME=VALUE")
        overrides[name] = value
    jobs = (os.cpu_count() or 1) if args.jobs == "auto" else int(args.jobs)
    return BuildSetup(srcdir, outdir,
                      (args.doctreedir or outdir / ".doctrees").resolve(),
                      (args.confdir or srcdir).resolve(), args.builder, overrides,
                      tuple(args.tags), jobs, args.quiet)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    setup = setup_from(args)
    setup.outdir.mkdir(parents=True, exist_ok=True)
    outputs = [setup.outdir, setup.doctreedir]
    folders = list(dict.fromkeys([setup.srcdir, setup.confdir,
                                  *(folder.resolve() for folder in args.watch)]))
    changes: queue.Queue[set[Path]] = queue.Queue()
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch, name="kb-preview-watch", daemon=True,
        args=(folders, lambda path: not ignored(path, args.ignore, outputs, folders), changes,
              stop))
    builds = Builds()
    server = PreviewServer(setup.outdir, args.host, args.port, builds)
    preview = Preview(setup, builds, cold=args.cold)
    # ended by another program (SIGTERM) as by Ctrl+C: the worker and the search stop too
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        watcher.start()
        server.start()
        say(f"serving {setup.outdir} on {server.url}; watching "
            + ", ".join(str(folder) for folder in folders))
        preview.build(set())
        while True:
            changed = changes.get()
            while True:  # what else changed while the last build ran
                try:
                    changed |= changes.get_nowait()
                except queue.Empty:
                    break
            preview.build(changed)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        stop.set()
        preview.close()
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
