"""The live preview (`nox -s serve`, kb/cli/serve.py): an edit is rebuilt warm and served,
the browser reloads, the search catches up, a failure falls back to a fresh process, and
after any sequence of edits the served site is what a clean build gives.

No clock decides anything here. The tests follow the server's own log: each build prints
`build #N started: warm` (or `fresh (why)`) with the paths that changed, `build #N pages
written ...; pages reloaded`, then `build #N done ... by worker PID (its build K)` or
`build #N failed ...`, and each search refresh prints `search: index refreshed after
build #N`. A warm build is one whose worker keeps its process id and counts one build
more; a fresh one has a new id and counts 1. A rebuild loop (a build that writes into the
watched tree) shows as a build whose changes are not ours: the tests require that every
build names exactly the paths they edited.
The time limits only stop a test whose server hangs; they are never the measure.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import (
    DATE_FIX,
    PROJECT,
    Build,
    add_issue_to_series,
    append,
    differences_from_clean,
    html_pages,
    line_of,
    pagefind_records,
    plain,
    replace,
    touch,
    with_site_look,
)
from kb.cli.serve import fresh_reason, ignored
from kb.cli.serve_http import EVENTS, RELOAD, Builds, reload_script, with_reload_script

sys.path.insert(0, str(PROJECT))
from noxfile import IGNORED_BY_PREVIEW, PREVIEW_OPTIONS  # noqa: E402  (the session's own)

SAFETY_NET = 300  # seconds: only for a server that hangs; a loaded machine stays far below
PAGE = "reviews/r2021"
STARTED = re.compile(r"build #(\d+) started: (warm|fresh \((?P<reason>.*)\))"
                     r"(?:; changed: (?P<changed>.*))?$")
DONE = re.compile(r"build #(\d+) done in [\d.]+ s \([\d.]+ s CPU\) by worker (\d+) "
                  r"\(its build (\d+)\): "
                  r"(\d+) read, (\d+) written, (\d+) warnings")
WRITTEN = re.compile(r"build #(\d+) pages written in [\d.]+ s \([\d.]+ s CPU\) by worker "
                     r"(\d+) \(its build (\d+)\): (\d+) read, (\d+) written; "
                     r"(?:(\d+) )?pages reloaded")
READ_WRITTEN = re.compile(r"build #(\d+) pages of the documents read written in [\d.]+ s "
                          r"\([\d.]+ s CPU\): (\d+) pages reloaded")
FAILED = re.compile(r"build #(\d+) failed in worker (\d+) \(its build (\d+)\): (.*)$")
SEARCHED = re.compile(r"search: index (refreshed|current) after build #(\d+)")


# -- quick: the decisions, without a server ------------------------------------------------


def test_code_and_configuration_need_a_fresh_worker_and_pages_do_not(tmp_path):
    conf, ext = tmp_path / "conf.py", tmp_path / "_ext"
    templates = tmp_path / "_templates"

    def reason(*paths: str) -> str:
        return fresh_reason([tmp_path / p for p in paths], conf, [ext, templates],
                            lambda path: str(path.relative_to(tmp_path)))

    assert reason("reviews/r2021.md", "refs.bib", "_static/site.css", "topics/new.md") == ""
    assert reason("reviews/r2021.md", "conf.py") == "conf.py changed"
    assert reason("_ext/kb/build/reading.py") == "_ext/kb/build/reading.py changed (Python code)"
    assert reason("_ext/kb/static/kb-search.css") == (
        "_ext/kb/static/kb-search.css changed (the extension, templates or a theme)")
    assert reason("_templates/layout.html") == (
        "_templates/layout.html changed (the extension, templates or a theme)")
    assert reason("tools/helper.py") == "tools/helper.py changed (Python code)"


def test_the_output_and_the_ignored_paths_start_no_build(tmp_path):
    out, doctrees = tmp_path / "_build" / "serve", tmp_path / "_build" / "doctrees"

    def skipped(path: str, patterns=()) -> bool:
        return ignored(tmp_path / path, patterns, [out, doctrees])

    assert skipped("_build/serve/reviews/r2021.html")
    assert skipped("_build/doctrees/kb-search-pages/index.html")
    assert not skipped("reviews/r2021.md")
    assert skipped("_build/other/x.html", IGNORED_BY_PREVIEW)
    assert skipped(".nox/tests/lib/site.py", IGNORED_BY_PREVIEW)
    assert skipped("_ext/kb/__pycache__/serve.cpython-311.pyc", IGNORED_BY_PREVIEW)
    assert not skipped("reviews/r2021.md", IGNORED_BY_PREVIEW)
    # the patterns apply inside the watched folder: sources that lie under a `_build`
    # folder themselves (the benchmark's corpus) are watched
    src = tmp_path / "_build" / "bench" / "src"
    assert not ignored(src / "reviews/r2021.md", IGNORED_BY_PREVIEW, [out, doctrees], [src])
    assert ignored(src / "_build/serve/x.html", IGNORED_BY_PREVIEW, [out, doctrees], [src])


def test_a_page_is_sent_with_the_reload_script_before_its_end():
    page = b"<html><body><p>Text</p></BODY></html>"
    script = reload_script("reviews/r2021.html", 7, "abc")
    assert with_reload_script(page, script) == (
        b"<html><body><p>Text</p>" + script + b"</BODY></html>")
    assert (f"{EVENTS}?page=reviews%2Fr2021.html&served=7&server=abc").encode() in script
    assert with_reload_script(b"no body", script) == b"no body" + script


def test_a_page_is_stale_once_its_own_file_is_written_after_it_was_served():
    builds = Builds()
    me = builds.server
    assert not builds.stale("a.html", 0, me)
    builds.written(None, finished=1)  # a first build: every file
    assert builds.stale("a.html", 0, me) and not builds.stale("a.html", 1, me)
    builds.written(["a.html"])  # the documents read, first
    assert builds.stale("a.html", 1, me) and not builds.stale("b.html", 1, me)
    assert builds.number == 1  # build #2 has not written all its pages yet
    builds.written(["topics/x.html"], finished=2)
    assert builds.number == 2 and builds.notices == 3
    assert not builds.stale("b.html", 1, me) and builds.stale("topics/x.html", 2, me)
    assert not builds.stale("a.html", 2, me)  # served after it was written: current
    # a page served by a server before a restart reloads once this one has built
    assert builds.stale("b.html", 3, "an earlier server")
    assert not Builds().stale("b.html", 0, me)


# -- the server, started as `nox -s serve` starts it ---------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str] | None:
    """(status, text) of a page, or None when the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
    except OSError:
        return None


def first_event(server_url: str, page_html: str) -> str:
    """The first line the server sends on the event stream of a page served as
    `page_html`: "data: reload" when the page's file was written since, ": idle" if not."""
    url = re.search(r"new EventSource\('([^']+)'\)", page_html)[1]
    with urllib.request.urlopen(server_url + url, timeout=10) as stream:  # loopback only
        return stream.readline().decode().strip()


@dataclass
class BuildSeen:
    """One build, as the server's log tells it."""

    number: int
    warm: bool
    reason: str  # why fresh ("" when warm)
    changed: set[str]
    pid: int = 0  # the worker that built it (0 until done)
    its_build: int = 0  # that worker's count of builds, this one included
    warnings: int = -1
    reloaded: bool = False  # its pages were written and reloaded (before it was done)
    done: bool = False
    failures: list[str] = field(default_factory=list)  # "failed" lines (a warm one is retried)


class Server:
    """kb.cli.serve as `nox -s serve` runs it, on a copy of a test root, logging to a file."""

    def __init__(self, src: Path, log: Path, *options: str) -> None:
        self.src, self.log = src, log
        self.url = f"http://127.0.0.1:{free_port()}"
        self.outdir = src / "_build" / "serve"
        # output inside the source tree, as in the nox session, and ignored the same way
        command = [sys.executable, "-m", "kb.cli.serve", str(src), str(self.outdir),
                   "-d", str(src / "_build" / "doctrees"), "--host", "127.0.0.1",
                   "--port", self.url.rsplit(":", 1)[1], *PREVIEW_OPTIONS, *options]
        for pattern in IGNORED_BY_PREVIEW:
            command += ["--ignore", pattern]
        with log.open("w") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, cwd=src,
                env={"PYTHONPATH": str(PROJECT / "_ext"), "PATH": "", "PYTHONUNBUFFERED": "1"})

    def text(self) -> str:
        return plain(self.log.read_text(encoding="utf-8"))

    def messages(self) -> list[str]:
        """The server's own lines, in order."""
        return [line.split("[kb-serve] ", 1)[1] for line in self.text().splitlines()
                if "[kb-serve] " in line]

    def builds(self) -> list[BuildSeen]:
        seen: dict[int, BuildSeen] = {}
        for message in self.messages():
            if started := STARTED.match(message):
                changed = started["changed"]
                seen[int(started[1])] = BuildSeen(
                    int(started[1]), started[2] == "warm", started["reason"] or "",
                    set(changed.split(", ")) if changed else set())
            elif written := WRITTEN.match(message):
                seen[int(written[1])].reloaded = not seen[int(written[1])].done
            elif done := DONE.match(message):
                build = seen[int(done[1])]
                build.pid, build.its_build, build.warnings = int(done[2]), int(done[3]), int(done[6])
                build.done = True
            elif failed := FAILED.match(message):
                seen[int(failed[1])].failures.append(message)
        return list(seen.values())

    def searched(self) -> list[int]:
        """The builds after which the search index was refreshed (or found current)."""
        return [int(match[2]) for message in self.messages()
                if (match := SEARCHED.match(message))]

    def wait(self, what: str, predicate: Callable[[], bool]) -> None:
        """Block until `predicate()` holds (or the server exits, or the safety net)."""
        deadline = time.monotonic() + SAFETY_NET
        while not predicate():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what}: did not happen\n{self.text()}")
            time.sleep(0.1)

    def settled(self, count: int) -> bool:
        """Whether `count` builds have started and the last of them has ended."""
        builds = self.builds()
        return len(builds) >= count and (builds[-1].done or (
            bool(builds[-1].failures) and "save again" in builds[-1].failures[-1]))

    def wait_for_build(self, number: int) -> BuildSeen:
        self.wait(f"build #{number} ends", lambda: self.settled(number))
        return self.builds()[number - 1]

    @contextlib.contextmanager
    def builds_of(self, edited: set[str]) -> Iterator[list[BuildSeen]]:
        """`with server.builds_of({"a.md"}) as seen:` edit a.md in the block; on leaving it,
        wait for the builds of the edit (the watcher may see its files in one batch or in
        two) to end, and put them in `seen`."""
        before = len(self.builds())
        seen: list[BuildSeen] = []
        yield seen

        def covered() -> bool:
            builds = self.builds()[before:]
            return (bool(builds) and set().union(*(b.changed for b in builds)) >= edited
                    and self.settled(len(self.builds())))

        self.wait(f"the build of {sorted(edited)} ends", covered)
        seen += self.builds()[before:]

    def page(self, name: str) -> str:
        found = fetch(f"{self.url}/{name}.html")
        assert found is not None and found[0] == 200, (found, self.text())
        return found[1]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


@pytest.fixture
def serve(copy_root, tmp_path):
    """serve(root="kb", *options): the server on a copy of tests/roots/test-<root>, with its
    first build served; stopped after the test."""
    servers: list[Server] = []

    def start(root: str = "kb", *options: str, before: Callable[[Path], None] | None = None):
        src = copy_root(root, "site")
        if before is not None:
            before(src)
        server = Server(src, tmp_path / "serve.log", *options)
        servers.append(server)
        first = server.wait_for_build(1)
        assert first.done and not first.warm and first.reason == "start", server.text()
        server.wait("the server answers", lambda: fetch(f"{server.url}/index.html") is not None)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.mark.slow
def test_an_edit_is_rebuilt_warm_and_served_and_no_build_starts_another(serve):
    server = serve()
    src = server.src
    first = server.builds()[0]
    assert "Predicts structures" in server.page(PAGE)
    # the reload script names the page's file
    assert f"page={PAGE.replace('/', '%2F')}.html&served=" in server.page(PAGE)

    with server.builds_of({"reviews/r2021.md"}) as seen:
        replace(src / "reviews/r2021.md", "Predicts structures", "Predicts folded shapes")
    [edit] = seen
    assert "Predicts folded shapes" in server.page(PAGE)
    # warm: the same worker, one build more
    assert (edit.warm, edit.pid, edit.its_build) == (True, first.pid, 2), server.text()

    with server.builds_of({"newsletters/n220.md"}) as seen:
        append(src / "newsletters/n220.md", "\nA sentence more.\n")
    [second] = seen
    assert "A sentence more." in server.page("newsletters/n220")
    assert (second.warm, second.pid, second.its_build) == (True, first.pid, 3)

    # the sentinel: a file in the watched tree that is no document; a loop started by an
    # edit's build shows as a build before it, or in the same batch of changes
    with server.builds_of({"sentinel.txt"}):
        touch(src / "sentinel.txt", "sentinel\n")
    assert [b.changed for b in server.builds()] == [
        set(), {"reviews/r2021.md"}, {"newsletters/n220.md"}, {"sentinel.txt"}], server.text()

    # conf.py changed: a fresh worker, which then stays warm
    with server.builds_of({"conf.py"}) as seen:
        append(src / "conf.py", '\nhtml_title = "Preview title"\n')
    [fresh] = seen
    assert not fresh.warm and fresh.reason == "conf.py changed", server.text()
    assert fresh.pid != first.pid and fresh.its_build == 1
    assert "Preview title" in server.page(PAGE)
    with server.builds_of({"reviews/r2021.md"}) as seen:
        replace(src / "reviews/r2021.md", "Predicts folded shapes", "Predicts shapes")
    [warm_again] = seen
    assert (warm_again.warm, warm_again.pid, warm_again.its_build) == (True, fresh.pid, 2)
    assert "Predicts shapes" in server.page(PAGE)
    # each build reloaded the pages once they were written, before its last work
    assert all(build.done and build.reloaded and not build.failures
               for build in server.builds()), server.text()


@pytest.mark.slow
def test_only_the_pages_an_edit_wrote_reload_and_the_edited_page_first(serve):
    server = serve()
    src = server.src
    edited, untouched = server.page(PAGE), server.page("topics/ai-for-science")
    with server.builds_of({"reviews/r2021.md"}):
        replace(src / "reviews/r2021.md", "Predicts structures", "Predicts folded shapes")
    assert first_event(server.url, edited) == f"data: {RELOAD}"
    assert first_event(server.url, untouched) == ": idle"  # a text edit shows on its page only
    # the edited page, served now, is current
    assert first_event(server.url, server.page(PAGE)) == ": idle"

    # a new issue: the documents read (the issue and the page listing it in its toctree)
    # are written and reloaded before the pages that show it otherwise (its topic's)
    listing = server.page("topics/gans")
    with server.builds_of({"newsletters/n221.md", "index.md"}) as seen:
        add_issue_to_series(src)
    issue = seen[-1]
    messages = server.messages()
    first = next(i for i, m in enumerate(messages) if (match := READ_WRITTEN.match(m))
                 and int(match[1]) == issue.number)
    every = next(i for i, m in enumerate(messages) if (match := WRITTEN.match(m))
                 and int(match[1]) == issue.number)
    assert first < every, server.text()
    # as many pages reloaded first as documents read
    assert int(READ_WRITTEN.match(messages[first])[2]) == int(WRITTEN.match(messages[every])[4])
    assert first_event(server.url, listing) == f"data: {RELOAD}"
    assert "Weekly 221" in server.page("topics/gans")


@pytest.mark.slow
def test_bad_input_is_a_warning_in_the_log_and_the_server_keeps_serving(serve):
    server = serve()
    page = server.src / "newsletters/n220.md"
    with server.builds_of({"newsletters/n220.md"}) as seen:
        replace(page, "date: 2021-10", "date: 2021-13")
    [bad] = seen
    assert bad.done and bad.warm and bad.warnings >= 1, server.text()
    line = line_of(page, "date: 2021-13")
    warnings = [text for text in server.text().splitlines()
                if f"n220.md:{line}: WARNING" in text]
    assert warnings and DATE_FIX in warnings[0], server.text()
    assert "Traceback" not in server.text()
    assert "Weekly 220" in server.page("newsletters/n220")  # still served, as built

    with server.builds_of({"newsletters/n220.md"}) as seen:
        replace(page, "date: 2021-13", "date: 2021-11")
    [fixed] = seen
    assert fixed.done and fixed.warm and fixed.warnings == 0, server.text()


FAILS_WHEN_WARM = '''
"""A test extension: a build that reads a page saying FAIL-WHEN-WARM raises, unless it
is the first build of its process."""

BUILDS = []


def check(app, env, docnames):
    BUILDS.append(len(docnames))
    if len(BUILDS) > 1 and any("FAIL-WHEN-WARM" in env.doc2path(doc).read_text()
                               for doc in docnames):
        raise RuntimeError("this build fails when warm")


def setup(app):
    app.connect("env-before-read-docs", check)
    return {"parallel_read_safe": True}
'''


def fails_when_warm(src: Path) -> None:
    touch(src / "fails_when_warm.py", FAILS_WHEN_WARM)
    append(src / "conf.py", "\nimport sys\nsys.path.insert(0, '.')\n"
                            "extensions.append('fails_when_warm')\n")


@pytest.mark.slow
def test_a_failed_warm_rebuild_falls_back_to_a_fresh_worker_which_recovers(serve):
    server = serve(before=fails_when_warm)
    first = server.builds()[0]
    with server.builds_of({"reviews/r2021.md"}) as seen:
        replace(server.src / "reviews/r2021.md", "Predicts structures",
                "Predicts structures FAIL-WHEN-WARM")
    [retried] = seen
    assert retried.warm and len(retried.failures) == 1, server.text()
    assert "this build fails when warm" in retried.failures[0]
    assert retried.failures[0].endswith("a fresh worker builds again")
    # built again by a fresh worker: a new process, its first build
    assert retried.done and retried.pid != first.pid and retried.its_build == 1
    assert "FAIL-WHEN-WARM" in server.page(PAGE)
    # and the next edit is warm on the new worker
    with server.builds_of({"newsletters/n220.md"}) as seen:
        append(server.src / "newsletters/n220.md", "\nA sentence more.\n")
    [after] = seen
    assert (after.warm, after.pid, after.its_build) == (True, retried.pid, 2), server.text()


@pytest.mark.slow
def test_a_build_that_cannot_start_leaves_the_pages_served_and_the_next_save_retries(serve):
    server = serve()
    conf = server.src / "conf.py"
    good = conf.read_text(encoding="utf-8")
    with server.builds_of({"conf.py"}) as seen:
        touch(conf, good + "\nkb_feed_limit = 0\n")  # a bad value: the build stops at start-up
    [stopped] = seen
    assert not stopped.done and "save again to retry" in stopped.failures[-1], server.text()
    assert "kb_feed_limit" in stopped.failures[-1]
    assert "Predicts structures" in server.page(PAGE)  # the last pages, still served

    with server.builds_of({"conf.py"}) as seen:
        touch(conf, good + "\nhtml_title = 'Fixed'\n")
    [fixed] = seen
    assert fixed.done and not fixed.warm and fixed.reason == "the last build failed"
    assert "Fixed" in server.page(PAGE)


@pytest.mark.slow
def test_the_search_index_is_refreshed_after_the_page_reloads(serve):
    server = serve()
    server.wait("the first index", lambda: 1 in server.searched())
    bundle = server.outdir / "pagefind"
    assert not any("zebrafish" in str(record) for record in pagefind_records(bundle).values())

    with server.builds_of({"newsletters/n220.md"}) as seen:
        append(server.src / "newsletters/n220.md", "\nA sentence about zebrafish.\n")
    [edit] = seen
    server.wait("the index after the edit", lambda: edit.number in server.searched())
    found = [url for url, record in pagefind_records(bundle).items()
             if "zebrafish" in record["content"]]
    assert found == ["/newsletters/n220.html"], found
    # the page was reloaded before the search was refreshed
    messages = server.messages()
    reloaded = next(i for i, m in enumerate(messages)
                    if m.startswith(f"build #{edit.number} pages written"))
    refreshed = next(i for i, m in enumerate(messages) if SEARCHED.match(m)
                     and int(SEARCHED.match(m)[2]) == edit.number)
    assert reloaded < refreshed


@pytest.mark.slow
def test_an_open_page_reloads_by_itself_after_an_edit(serve, open_page):
    server = serve()
    page = open_page(f"{server.url}/{PAGE}.html")
    assert "Predicts structures" in page.inner_text("body")
    with server.builds_of({"reviews/r2021.md"}):
        replace(server.src / "reviews/r2021.md", "Predicts structures", "Predicts folded shapes")
    # while the reload parses the new page, document.body is briefly null
    page.wait_for_function("document.body?.innerText.includes('Predicts folded shapes')",
                           timeout=SAFETY_NET * 1000)
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
    # the reload ends the page's event stream; the test root has no favicon
    errors = [error for error in page.kb_errors
              if EVENTS not in error and "favicon.ico" not in error]
    assert not errors, page.kb_errors


# -- the edit-sequence oracle, through the server ------------------------------------------

NEW_TOPIC = "---\nkind: topic\n---\n# Diffusion\n\nDenoising.\n"


def text_edit(src: Path) -> None:
    replace(src / "reviews/r2021.md", "Predicts structures", "Predicts folded shapes")


def new_page(src: Path) -> None:
    add_issue_to_series(src)


def new_topic(src: Path) -> None:
    touch(src / "topics/diffusion.md", NEW_TOPIC)
    replace(src / "newsletters/n221.md", "topics: [gans]", "topics: [gans, diffusion]")


def conf_change(src: Path) -> None:
    append(src / "conf.py", "\nkb_feed_limit = 5\nhtml_title = 'Edited'\n")


def removed_page(src: Path) -> None:
    (src / "newsletters/n220.md").unlink()
    replace(src / "index.md", "newsletters/n220\n", "")


def bib_change(src: Path) -> None:
    replace(src / "refs.bib", "Highly accurate protein structure prediction",
            "Highly accurate protein structure prediction, retitled")


# each edit, and the paths it changes
EDITED = {
    text_edit: {"reviews/r2021.md"},
    new_page: {"newsletters/n221.md", "index.md"},
    new_topic: {"topics/diffusion.md", "newsletters/n221.md"},
    conf_change: {"conf.py"},
    removed_page: {"newsletters/n220.md", "index.md"},
    bib_change: {"refs.bib"},
}


def site_look(src: Path) -> None:
    """The site's theme, templates and static files (conftest.with_site_look), written into
    the root's conf.py, so the server and the clean build both use them."""
    look = with_site_look(src)
    append(src / "conf.py", "".join(f"\n{name} = {value!r}" for name, value in look.items()))


@pytest.mark.slow
def test_after_each_edit_of_a_sequence_the_served_site_equals_a_clean_build(serve, tmp_path):
    """The edit-sequence oracle of tests/build/test_edit_sequences.py, through the server,
    with the site's own theme (its navigation is made from the toctrees an edit changes)."""
    server = serve(before=site_look)
    overrides = dict(option.split("=", 1) for option in PREVIEW_OPTIONS[1::2])
    for step, edit in enumerate(EDITED, 1):
        with server.builds_of(EDITED[edit]) as builds:
            edit(server.src)
        assert all(build.done and not build.failures for build in builds), server.text()
        assert all(build.warm for build in builds) == (edit is not conf_change), server.text()
        clean_src = tmp_path / f"clean-{step}"
        shutil.copytree(server.src, clean_src, ignore=shutil.ignore_patterns("_build"))
        clean = html_pages(Build(clean_src, confoverrides=overrides).outdir)
        served = html_pages(server.outdir)
        found = differences_from_clean(served, clean)
        assert not found, f"after {edit.__name__}: {found.explain(served, clean)}"
    assert "Highly accurate protein structure prediction, retitled" in server.page("references")
    assert "n220.html" not in server.page("index")
