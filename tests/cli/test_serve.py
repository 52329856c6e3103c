"""The live preview (`nox -s serve`): an edit is rebuilt and served, and nothing loops.

No clock decides anything here. The test follows sphinx-autobuild's own log: each
rebuild prints `Detected changes (<paths>)`, `Rebuilding...` and, when done,
`Serving on <url>`. A rebuild loop (a build that writes into the watched tree) shows
as a rebuild whose changes are not ours; to see one, the test makes a second, sentinel
edit after the first edit's build is served and requires that exactly two rebuilds
happened, one for each edit, with nothing detected in between or alongside. The time
limits only stop a test whose server hangs; they are never the measure.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PROJECT, plain, replace, touch

sys.path.insert(0, str(PROJECT))
from noxfile import IGNORED_BY_PREVIEW  # noqa: E402  (the session's own ignore list)

pytestmark = pytest.mark.slow

SAFETY_NET = 300  # seconds: only for a server that hangs; a loaded machine stays far below
MESSAGE = re.compile(r"\[sphinx-autobuild\] (.*)$")
DETECTED = re.compile(r"Detected changes \((.*)\)$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
            return response.read().decode("utf-8")
    except OSError:
        return None


class Server:
    """sphinx-autobuild as `nox -s serve` runs it, on a copy of the kb root, logging to a file."""

    def __init__(self, src: Path, log: Path) -> None:
        self.log = log
        self.url = f"http://127.0.0.1:{free_port()}"
        # output inside the source tree, as in the nox session, and ignored the same way
        command = [sys.executable, "-m", "sphinx_autobuild", str(src), str(src / "_build/serve"),
                   "-d", str(src / "_build/doctrees"), "--host", "127.0.0.1",
                   "--port", self.url.rsplit(":", 1)[1]]
        for pattern in IGNORED_BY_PREVIEW:
            command += ["--ignore", pattern]
        with log.open("w") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, cwd=src,
                env={"PYTHONPATH": str(PROJECT / "_ext"), "PATH": "", "PYTHONUNBUFFERED": "1"})

    def messages(self) -> list[str]:
        """sphinx-autobuild's own lines, in order."""
        lines = plain(self.log.read_text(encoding="utf-8")).splitlines()
        return [match[1].strip() for line in lines if (match := MESSAGE.search(line))]

    def served(self) -> int:
        """How many builds have finished and are served."""
        return sum(message.startswith("Serving on") for message in self.messages())

    def rebuilds(self) -> list[object]:
        """Each rebuild: the set of changed paths it names ("?" for paths that no longer exist)."""
        out: list[object] = []
        previous = ""
        for message in self.messages():
            if message == "Rebuilding...":
                detected = DETECTED.match(previous)
                out.append({p.strip() for p in detected[1].split(",")} if detected else "?")
            previous = message
        return out

    def wait(self, what: str, predicate: Callable[[], bool]) -> None:
        """Block until `predicate()` holds (or the server exits, or the safety net)."""
        deadline = time.monotonic() + SAFETY_NET
        while not predicate():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what}: did not happen\n{self.log.read_text(encoding='utf-8')}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def test_an_edit_is_rebuilt_and_served_and_the_server_does_not_rebuild_in_a_loop(copy_root,
                                                                                  tmp_path):
    src = copy_root("kb", "site")
    server = Server(src, tmp_path / "serve.log")
    page = f"{server.url}/reviews/r2021.html"
    try:
        server.wait("the first build is served", lambda: server.served() == 1)
        # the watcher starts with the server's startup, before the first request is answered
        server.wait("the server answers", lambda: fetch(page) is not None)
        assert "Predicts structures" in fetch(page)

        replace(src / "reviews/r2021.md", "Predicts structures", "Predicts folded shapes")
        server.wait("the edit's build is served", lambda: server.served() >= 2)
        assert "Predicts folded shapes" in fetch(page)

        # the sentinel: a file in the watched tree that is no document; a loop started by
        # the edit's build shows before it, or in the same batch of changes
        touch(src / "sentinel.txt", "sentinel\n")
        server.wait("the sentinel's build is served", lambda: any(
            "sentinel.txt" in paths for paths in server.rebuilds()
            if isinstance(paths, set)) and server.served() >= 3)
        rebuilds = server.rebuilds()
        assert rebuilds == [{"reviews/r2021.md"}, {"sentinel.txt"}], server.log.read_text()
        assert server.messages().count("Rebuilding...") == 2
        assert server.served() == 3
    finally:
        server.stop()
