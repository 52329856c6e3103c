"""Maintainer entry points: `nox -s html`, `nox -s tests`, `nox -s lock`.

Every session installs the same pinned set (requirements/lock.txt), reuses its
environment between runs, and reinstalls only when the lock file changes.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
LOCK = ROOT / "requirements" / "lock.txt"
BUILD = ROOT / "_build"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["html", "tests"]

# -W: warnings are errors; --keep-going: report all of them; -n: nitpicky.
STRICT = ["-W", "--keep-going", "-n"]


def install_locked(session: nox.Session) -> None:
    """Install the pinned stack, skipping the install when the lock is unchanged."""
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    stamp = Path(session.virtualenv.location) / ".lock-digest"
    if stamp.exists() and stamp.read_text() == digest:
        session.log("environment matches requirements/lock.txt; not reinstalling")
        return
    session.install("-r", str(LOCK))
    stamp.write_text(digest)


@nox.session
def html(session: nox.Session) -> None:
    """Build the site into _build/html (strict, nitpicky)."""
    install_locked(session)
    session.run(
        "sphinx-build", "-b", "html", *STRICT, "-j", "auto",
        "-d", str(BUILD / "doctrees"), str(ROOT), str(BUILD / "html"),
        *session.posargs,
    )


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pass `-- -m "not slow"` to skip the slow tests)."""
    install_locked(session)
    session.run("pytest", *session.posargs)


@nox.session(venv_backend="uv|virtualenv")
def lock(session: nox.Session) -> None:
    """Re-resolve requirements/lock.txt to the newest versions that work together."""
    session.install("uv")
    session.run(
        "uv", "pip", "compile", "pyproject.toml", "--extra", "test", "--extra", "dev",
        "--python-version", "3.11", "--generate-hashes", "--upgrade",
        "-o", str(LOCK),
    )


@nox.session(venv_backend="none")
def clean(session: nox.Session) -> None:
    """Remove build output."""
    shutil.rmtree(BUILD, ignore_errors=True)
