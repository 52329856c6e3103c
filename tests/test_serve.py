"""The live preview (`nox -s serve`): an edit shows within seconds, and nothing loops."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
from noxfile import IGNORED_BY_PREVIEW  # noqa: E402  (the session's own ignore list)

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_edit_shows_within_seconds_and_the_server_does_not_rebuild_in_a_loop(tmp_path):
    src = tmp_path / "site"
    shutil.copytree(ROOTS / "test-kb", src)
    port = free_port()
    log = tmp_path / "serve.log"
    # as the nox session runs it: output inside the source tree, ignored
    command = [sys.executable, "-m", "sphinx_autobuild", str(src), str(src / "_build" / "serve"),
               "-d", str(src / "_build" / "doctrees"), "--port", str(port), "--host", "127.0.0.1"]
    for pattern in IGNORED_BY_PREVIEW:
        command += ["--ignore", pattern]
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=src,
                                  env={"PYTHONPATH": str(PROJECT / "_ext"), "PATH": ""})
    try:
        page = f"http://127.0.0.1:{port}/reviews/r2021.html"
        assert wait_for(lambda: "Predicts structures" in (fetch(page) or ""), 60), log.read_text()
        builds_before = log.read_text().count("build succeeded")

        started = time.monotonic()
        path = src / "reviews/r2021.md"
        path.write_text(path.read_text().replace("Predicts structures", "Predicts folded shapes"))
        assert wait_for(lambda: "Predicts folded shapes" in (fetch(page) or ""), 30), log.read_text()
        elapsed = time.monotonic() - started
        assert elapsed < 15, f"the edit took {elapsed:.1f} s to show"

        # with nothing edited, no further build may start (a loop would rebuild again)
        time.sleep(6)
        builds_after = log.read_text().count("build succeeded")
        assert builds_after == builds_before + 1, log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=20)
