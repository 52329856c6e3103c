"""The live preview's builds: one Sphinx application kept warm between rebuilds.

A fresh `sphinx-build` for every save pays, each time, for starting Python, importing
Sphinx, the theme and the extensions, unpickling the environment and parsing refs.bib,
before it reads the one page that changed. A worker is one process (cli/serve.py starts
it) that makes one `sphinx.application.Sphinx` and builds it again on every request:
`app.build()` on the same application reads only the outdated documents, as a fresh
process would with the pickled environment (Sphinx supports it: after the first read it
marks the configuration as checked, "okay to call builder.read() twice in same process",
sphinx/builders/__init__.py).

What an application does once, when it is made, is done again before each later build
(`prepare_rebuild`), so that the build gives what a fresh process gives:
- the bib files are read again: sphinxcontrib-bibtex parses them when the builder is set
  up (bib/paper_index.py, `reload_bib_files`), and the extension checks them then;
- what writing the pages changes of the environment's data is put back as reading left
  it: sphinxcontrib-bibtex fills its citation nodes, kept in its domain's data, as it
  writes the bibliography (compat/bibtex.py, `keep_citation_nodes`); a fresh process
  unpickles them empty;
- Sphinx's counters and caches that outlive a build are reset: the warning count of its
  summary, the scripts and style sheets a theme added to single pages (which Sphinx also
  registers for every page of later builds), the doctrees it keeps in memory, the root
  page's doctree that the global toctree is made from (compat/sphinx.py,
  `start_another_build`);
- the garbage collector's thresholds are raised again (build/gc_thresholds.py puts
  Python's back when a build finishes).

The worker writes the documents the build read (those the save changed) before the other
pages the edit changed (compat/sphinx.py, `write_some_first`); the extension works out which
other pages to rewrite only then (build/schedule.py, `rewrite_later`: its fingerprints of
every view a save can reach take seconds on a large site). Since the environment is
pickled before that, a worker that ends in order pickles it again, so that the next one
starts from the fingerprints of what was written. It tells the server which
files it wrote as it goes (`PagesWritten`): first those documents' pages, so the page being
edited reloads before the pages that list it are written; then, once every page is written
(as the HTML builder turns to its inventory, `when_pages_written`, before the inventory and
the whole-site files of `build-finished`: the link previews' data, the feeds, the sitemap),
the other pages, which reload then. A page the build did not write does not reload. Where
pages are written by forked processes (`-j N`), the worker cannot hear which, and says
"every page". Last, it reports the build done (`Report`).

A worker never decides whether it should be warm: the server starts a fresh one when the
code or the configuration changed. A build that raises leaves the application unusable
(Sphinx deletes the pickled environment as it re-raises), so the worker reports the
failure and ends. Everything the build prints goes to the server's console: Sphinx's
status to stdout, its warnings to stderr.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

BUILD = "build"  # the one request; anything else (or the pipe closing) ends the worker


@dataclass(frozen=True)
class BuildSetup:
    """What sphinx-build's arguments say: the application a worker makes."""

    srcdir: Path
    outdir: Path
    doctreedir: Path
    confdir: Path
    builder: str = "html"
    overrides: dict[str, Any] = field(default_factory=dict)  # -D name=value
    tags: tuple[str, ...] = ()  # -t
    jobs: int = 1  # -j
    quiet: bool = False  # -q: warnings only


class PagesWritten(NamedTuple):
    """Sent when a build has written the pages of the documents it read (`last` False), and
    again when it has written every page (`last` True), before its `build-finished` work
    (the link previews' files, the feeds, the sitemap): the server reloads those pages."""

    pid: int
    builds: int  # the builds this worker has made, this one included
    read: int  # documents read
    written: int  # pages written so far (generated ones too)
    seconds: float  # in the build so far
    cpu_seconds: float  # of this process in the build so far (the machine's load aside)
    search: str  # kb_search in force ("" without the kb extension)
    # the files written since the last message, relative to the output folder (posix);
    # None: every file may have been (written by forked processes, which the worker
    # does not hear)
    files: tuple[str, ...] | None = None
    last: bool = True  # every page of the build is written


class Report(NamedTuple):
    """A worker's answer to one request (or, with `builds` 0, its failure to start)."""

    pid: int  # the worker's process id
    builds: int  # the builds this worker has made, this one included
    ok: bool  # False: the build (or making the application) raised; the worker has ended
    failure: str  # what went wrong, one line ("" when ok)
    warnings: int  # warnings this build gave
    read: int  # documents read
    written: int  # pages written (generated ones too)
    seconds: float  # in the build
    cpu_seconds: float  # of this process in the build
    code_folders: tuple[str, ...]  # the templates and themes the configuration names
    warm_problems: tuple[str, ...]  # why a second build on this app may differ from a fresh one


class KeptForNextBuild:
    """What a build's write phase changes of the environment's data, as reading left it:
    put back before the next build (a fresh process would unpickle it as it was read)."""

    def __init__(self, app: Any) -> None:
        self.citation_nodes: dict = {}
        self.bibtex = "sphinxcontrib.bibtex" in app.extensions
        if self.bibtex:
            # after every other listener: the pages are read, none is written yet
            app.connect("env-updated", self.keep, priority=900)

    def keep(self, app: Any, env: Any) -> None:
        from ..compat.bibtex import keep_citation_nodes

        self.citation_nodes = keep_citation_nodes(env)

    def restore(self, app: Any) -> None:
        from ..compat.bibtex import restore_citation_nodes

        if self.bibtex:
            restore_citation_nodes(app.env, self.citation_nodes)


class _Counts:
    """What one build read and wrote, heard through Sphinx's events."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.read = self.written = 0
        self.read_docs: set[str] = set()
        self.pages: list[str] = []  # the pages written since the server was last told

    def reading(self, app: Any, env: Any, docnames: list[str]) -> None:
        self.read = len(docnames)
        self.read_docs = set(docnames)

    def page(self, app: Any, pagename: str, *args: Any) -> None:
        self.written += 1
        self.pages.append(pagename)


def describe(error: BaseException) -> str:
    """One line: what sphinx-build would print first (a Sphinx error's category and
    message, an extension's error with the module it came from), or the exception."""
    from sphinx.errors import SphinxError

    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, SphinxError):
        return f"{error.category}: {text}"
    return f"{type(error).__name__}: {text}"


def make_app(setup: BuildSetup, status: Any = sys.stdout, warning: Any = sys.stderr) -> Any:
    """The application, printing its progress to `status` and its warnings to `warning`."""
    from sphinx.application import Sphinx

    return Sphinx(
        srcdir=setup.srcdir, confdir=setup.confdir, outdir=setup.outdir,
        doctreedir=setup.doctreedir, buildername=setup.builder,
        confoverrides=dict(setup.overrides), status=None if setup.quiet else status,
        warning=warning, freshenv=False, warningiserror=False, tags=list(setup.tags),
        parallel=setup.jobs,
    )


def code_folders(app: Any) -> tuple[str, ...]:
    """The folders of templates and themes the configuration names: a change there needs
    a fresh worker (Jinja's compiled templates and the theme's settings are kept)."""
    confdir = Path(app.confdir)
    names = [*getattr(app.config, "templates_path", ()), *getattr(app.config, "html_theme_path", ())]
    return tuple(str((confdir / name).resolve()) for name in names)


def prepare_rebuild(app: Any, kept: KeptForNextBuild) -> str:
    """Ready `app`, which has built, to build again as a fresh application would; returns
    why it cannot ("" when it can)."""
    from ..bib.paper_index import reload_bib_files
    from ..build.gc_thresholds import raise_threshold
    from ..compat.sphinx import start_another_build

    start_another_build(app)
    kept.restore(app)
    if "sphinxcontrib.bibtex" in app.extensions and not reload_bib_files(app):
        return "sphinxcontrib-bibtex's loading of the bib files is not there to call again"
    raise_threshold(app, app.config)
    return ""


def work(connection: Any, setup: BuildSetup) -> None:
    """The worker process: make the application, then build on every request until the
    server says to stop (or goes away)."""
    from ..compat.sphinx import plain_console_unless_terminal, sphinx_in_process

    # Ctrl+C in the console reaches the whole process group: the server ends the worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    plain_console_unless_terminal()
    with sphinx_in_process(setup.confdir):
        try:
            app = make_app(setup)
        except Exception as error:  # noqa: BLE001 - reported to the server, which keeps serving
            connection.send(Report(os.getpid(), 0, False, describe(error), 0, 0, 0, 0.0, 0.0,
                                   (), ()))
            return
        _Builds(app, connection).serve()


class _Builds:
    """One application's builds, on request, each reported to the server."""

    def __init__(self, app: Any, connection: Any) -> None:
        from ..build.schedule import rewrite_later
        from ..compat.sphinx import (
            another_build_problems,
            keep_initial_assets,
            pickle_environment_aside,
            when_pages_written,
            write_documents_problem,
            write_some_first,
        )

        self.app, self.connection = app, connection
        self.pid = os.getpid()
        self.builds = 0
        self.started = self.started_cpu = 0.0
        self.counts = _Counts()
        keep_initial_assets(app)
        self.kept = KeptForNextBuild(app)
        # the environment is pickled by a forked copy while the pages are written
        self.pickling = pickle_environment_aside()
        app.connect("env-before-read-docs", self.counts.reading)
        app.connect("html-page-context", self.counts.page)
        self.told = False  # the server knows this build's pages are written
        self.pickle_behind = False  # the pickle has the fingerprints of a build before
        # else the pages are written in Sphinx's order, and reloaded once all are
        if not write_documents_problem(app.builder):
            # the extension's rewrites of other pages are worked out after those read are
            # written (build/schedule.py), not before
            later = rewrite_later(app, lambda: bool(self.counts.read_docs))
            write_some_first(app.builder, lambda: self.counts.read_docs,
                             self.read_pages_written, lambda: self.rewrites(later))
        if not when_pages_written(app, self.pages_written):
            # else as soon as build-finished starts, before the other listeners' work
            app.connect("build-finished", lambda app, error: error or self.pages_written(),
                        priority=0)
        self.search = str(getattr(app.config, "kb_search", ""))
        self.facts = (code_folders(app), tuple(another_build_problems(app)))

    def files(self, pagenames: list[str]) -> tuple[str, ...]:
        from ..compat.sphinx import output_path

        builder = self.app.builder
        outdir = Path(builder.outdir)
        return tuple(sorted({output_path(builder, name).relative_to(outdir).as_posix()
                             for name in pagenames}))

    def rewrites(self, later: Any) -> list[str]:
        found = later()
        self.pickle_behind = True
        return found

    def read_pages_written(self, docnames: list[str]) -> None:
        """The pages of the documents read are written (the others are next). Told by
        name: the writers may have been forked processes, which this one does not hear."""
        self.tell(self.files(docnames), last=False)

    def pages_written(self) -> None:
        from ..compat.sphinx import writes_in_parallel

        if not self.told:
            self.told = True
            heard = not writes_in_parallel(self.app.builder)
            self.tell(self.files(self.counts.pages) if heard else None, last=True)

    def tell(self, files: tuple[str, ...] | None, last: bool) -> None:
        self.counts.pages.clear()  # the next message names the pages written after this
        self.connection.send(PagesWritten(self.pid, self.builds, self.counts.read,
                                          self.counts.written,
                                          time.perf_counter() - self.started,
                                          time.process_time() - self.started_cpu,
                                          self.search, files, last))

    def serve(self) -> None:
        try:
            while True:
                try:
                    request = self.connection.recv()
                except EOFError:
                    return
                if request != BUILD or not self.build():
                    return
        finally:
            if self.pickling is not None:
                self.pickling.wait()  # the next worker reads the pickle whole
            if self.pickle_behind:  # the next worker starts from what was written
                self.save_environment()

    def save_environment(self) -> None:
        from ..compat.sphinx import pickle_environment

        try:
            self.kept.restore(self.app)  # as reading left it, as the builds pickle it
            pickle_environment(self.app)
        except Exception:  # noqa: BLE001 - the pickle says rewrites are pending: all are
            traceback.print_exc()

    def build(self) -> bool:
        """Build once and report it; False when the application is of no further use."""
        from ..compat.sphinx import warning_count

        app = self.app
        self.builds += 1
        self.counts.reset()
        self.told = False
        self.started, self.started_cpu = time.perf_counter(), time.process_time()
        try:
            if self.pickling is not None:
                self.pickling.wait()  # the last build's pickle, before this one writes it
            why_not = prepare_rebuild(app, self.kept) if self.builds > 1 else ""
            if why_not:
                self.report(False, why_not)
                return False
            app.build()
        except Exception as error:  # noqa: BLE001 - reported; the server starts afresh
            # a failure that no bad input explains is a bug: its traceback helps fix it
            traceback.print_exc()
            self.pickle_behind = False  # Sphinx deleted the pickle; nothing here to save
            self.report(False, describe(error))
            return False
        self.report(True, "", warning_count(app))
        return True

    def report(self, ok: bool, failure: str, warnings: int = 0) -> None:
        self.connection.send(Report(self.pid, self.builds, ok, failure, warnings,
                                    self.counts.read, self.counts.written,
                                    time.perf_counter() - self.started,
                                    time.process_time() - self.started_cpu, *self.facts))
