"""Shared fixtures: Sphinx's own testing fixtures, pointed at tests/roots."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

# browser.py: the built site over http, Chromium, axe-core (for any test module)
pytest_plugins = ("sphinx.testing.fixtures", "browser")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


def build_copy(testroot: str, workdir: Path, buildername: str = "html", **kwargs):
    """Copy tests/roots/test-<testroot> into workdir and build it once; return the app.

    For module-scoped fixtures, where Sphinx's function-scoped `make_app` can't be used.
    """
    import shutil

    from sphinx.testing.util import SphinxTestApp

    srcdir = workdir / "src"
    shutil.copytree(Path(__file__).parent / "roots" / f"test-{testroot}", srcdir)
    app = SphinxTestApp(buildername, srcdir=srcdir, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def strict_build(testroot: str, workdir: Path, buildername: str = "html"):
    """Build a test root nitpicky; fail on any warning. LaTeX: return the .tex text."""
    app = build_copy(testroot, workdir, buildername, confoverrides={"nitpicky": True})
    assert not app.warning.getvalue()
    if buildername == "latex":
        return (app.outdir / "projectnamenotset.tex").read_text(encoding="utf-8")
    return app


def build_project(builddir: Path, parallel: int = 2):
    """Build this project's real site (nitpicky, -j 2) into builddir; return the app."""
    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=ROOT, builddir=builddir,
                        confoverrides={"nitpicky": True}, parallel=parallel)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def page(app, name: str):
    """A built HTML page, parsed."""
    from bs4 import BeautifulSoup

    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
