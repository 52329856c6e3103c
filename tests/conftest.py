"""Shared fixtures and helpers: one way to build a site, one copy of each edit helper.

Building a site in a test
- `Build(srcdir, buildername="html", ...)` runs Sphinx once (through
  `sphinx.testing.util.SphinxTestApp`) and keeps what a test looks at: the app, its
  environment, the output directory, the warnings (colour codes removed), and the
  documents the build read and wrote. Tests build through it (one that must connect to
  the app before its build, or see Sphinx refuse a configuration, makes its own app).
- `copy_root("kb")` (fixture) copies `tests/roots/test-kb` into the test's own temporary
  directory, for a test that edits the sources before or between builds.
- `shared_build("kb", "latex", nitpicky=True)` (session fixture) builds a test root once for
  the whole session, for the many tests that only read the output: never edit what it returns.
  The `html` and `latex` fixtures give a module's own root that way, named by the module's
  `pytestmark = pytest.mark.sphinx(testroot="kb", confoverrides={"nitpicky": True})`
  (the marker is Sphinx's own, from `sphinx.testing.fixtures`; its function-scoped `app`
  fixture is not used).
- `edited_and_clean(src, edit)` builds, edits, rebuilds, and builds the edited sources
  afresh: an incremental build must give what the clean one does.

Comparing builds: `html_pages(outdir)` gives every HTML page of a build (asset checksums
removed); `differences_from_clean(incremental, clean)` names the pages an incremental build
lacks or has otherwise than a clean build of the same sources (the edit-sequence oracle's
check, run by tests/build/ on incremental builds and by tests/cli/ through the live
preview). `pagefind_records(bundle)` reads a Pagefind bundle's page records.

Editing sources: `touch`, `replace` and `append` write a file with its modification time
"now", as an editor would, never in the future (see `touch`). `add_issue_to_series` adds a
newsletter issue to the `kb` root, an edit the incremental, chart and preview tests share.

The tests are grouped like the code (`model/`, `views/`, `build/`, `bib/`, `outputs/`,
`compat/`, `cli/`), with `site/` for the real site, its PDF, the browser and the repository's
own files; `roots/` holds the small Sphinx projects they build.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

PROJECT = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).parent / "roots"
sys.path.insert(0, str(PROJECT / "_ext"))

from kb.model.records import Series  # noqa: E402  (importable once _ext is on the path)

# sphinx.testing.fixtures: the `sphinx` marker; browser.py: the built site over http,
# Chromium, axe-core (for any test module)
pytest_plugins = ("sphinx.testing.fixtures", "browser")


ANSI = re.compile(r"\x1b\[[0-9;]*m")

# the fixes the extension's messages end with
DATE_FIX = "write YYYY-MM-DD, or YYYY-MM when the day is not known"
URL_FIX = "write an absolute http:// or https:// address"

# `kb_series` as the test roots declare it, as the extension reads it (build/config.py)
SERIES = {
    "garden": Series("garden", "The Garden", "https://example.org/", "review"),
    "weekly": Series("weekly", "Weekly", "https://example.org/weekly", "newsletter"),
}


# -- building ---------------------------------------------------------------------------


class Build:
    """One Sphinx run, with its warnings and the documents it read and wrote."""

    def __init__(self, srcdir: Path, buildername: str = "html", *, builddir: Path | None = None,
                 parallel: int = 0, confoverrides: dict | None = None,
                 warningiserror: bool = False) -> None:
        from sphinx.testing.util import SphinxTestApp

        self.read: list[str] = []  # in the order Sphinx read them
        self.written: list[str] = []  # every page written, generated ones too
        self.merged = 0  # parallel read chunks merged back
        app = SphinxTestApp(buildername, srcdir=Path(srcdir), builddir=builddir,
                            parallel=parallel, confoverrides=confoverrides,
                            warningiserror=warningiserror)
        try:
            app.connect("source-read", lambda _app, docname, _source: self.read.append(docname))
            app.connect("env-merge-info", self._merged)
            app.connect("html-page-context", self._page)
            app.build()
        finally:
            app.cleanup()
        self.app = app
        self.env = app.env
        self.srcdir = Path(app.srcdir)
        self.outdir = Path(app.outdir)
        self.warnings = plain(app.warning.getvalue())
        self.status = plain(app.status.getvalue())
        self.written_docs = set(self.written) & set(app.env.found_docs)

    def _merged(self, *args: object) -> None:
        self.merged += 1

    def _page(self, _app: object, pagename: str, *args: object) -> None:
        self.written.append(pagename)

    @property
    def warning_lines(self) -> list[str]:
        return [line for line in self.warnings.splitlines() if line.strip()]

    def page(self, name: str):
        """A built HTML page, parsed."""
        return page(self, name)

    @property
    def tex(self) -> str:
        """The LaTeX builder's main file (the test roots set no project name)."""
        return (self.outdir / "projectnamenotset.tex").read_text(encoding="utf-8")


@pytest.fixture
def copy_root(tmp_path: Path) -> Callable[..., Path]:
    """copy_root(name, dest="src"): a copy of tests/roots/test-<name> in this test's tmp_path."""

    def copy(name: str, dest: str = "src") -> Path:
        target = tmp_path / dest
        shutil.copytree(ROOTS / f"test-{name}", target, ignore=shutil.ignore_patterns("_build"))
        return target

    return copy


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory) -> Callable[..., Build]:
    """shared_build(root, buildername="html", **confoverrides): built once per session."""
    builds: dict[tuple, Build] = {}

    def get(root: str, buildername: str = "html", **confoverrides) -> Build:
        key = (root, buildername, repr(sorted(confoverrides.items())))  # values may be lists
        if key not in builds:
            workdir = tmp_path_factory.mktemp(f"{root}-{buildername}")
            srcdir = workdir / "src"
            shutil.copytree(ROOTS / f"test-{root}", srcdir)
            builds[key] = Build(srcdir, buildername, confoverrides=confoverrides or None)
        return builds[key]

    return get


def _module_root(request) -> tuple[str, dict]:
    marker = request.node.get_closest_marker("sphinx")
    assert marker and "testroot" in marker.kwargs, (
        "say which test root: pytestmark = pytest.mark.sphinx(testroot=...)")
    return marker.kwargs["testroot"], marker.kwargs.get("confoverrides") or {}


@pytest.fixture(scope="module")
def html(request, shared_build) -> Build:
    """The module's test root (`pytestmark = pytest.mark.sphinx(testroot=..., confoverrides=...)`)
    built to HTML, shared by the session."""
    root, confoverrides = _module_root(request)
    return shared_build(root, "html", **confoverrides)


@pytest.fixture(scope="module")
def latex(request, shared_build) -> Build:
    """The module's test root built to LaTeX, shared by the session."""
    root, confoverrides = _module_root(request)
    return shared_build(root, "latex", **confoverrides)


def edited_and_clean(src: Path, edit: Callable[[Path], None]) -> tuple[Build, Build]:
    """Build `src`, edit it, rebuild it incrementally; then build the edited sources afresh
    into a folder of their own. Returns (the incremental rebuild, the clean build)."""
    Build(src)
    edit(src)
    return Build(src), Build(src, builddir=src.parent / f"{src.name}-clean-build")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """This project's real site (nitpicky, -j 2), built once for every test that only
    reads it (test_site, test_publishing, the browser)."""
    return Build(PROJECT, builddir=tmp_path_factory.mktemp("real-site"), parallel=2,
                 confoverrides={"nitpicky": True})


# The settings of the real site's conf.py that make its pages look and work as a reader
# meets them: the extensions, the book theme and its options, the project's templates and
# static files, the address (so the feeds, OpenGraph, the sitemap and the 404 page are
# written too). Not the sources, the series or the bibliography: those stay the root's.
SITE_LOOK = ("extensions", "html_theme", "html_theme_options", "html_context", "html_title",
             "templates_path", "html_static_path", "html_css_files", "html_favicon",
             "html_logo", "html_baseurl", "myst_enable_extensions", "myst_heading_anchors",
             "ogp_site_url", "ogp_image", "ogp_image_alt", "ogp_social_cards",
             "ogp_enable_meta_description", "ogp_type", "notfound_urls_prefix",
             "sitemap_excludes")


def with_site_look(srcdir: Path) -> dict:
    """conf overrides that give the test root copied to `srcdir` the real site's look, read
    from conf.py; the site's `_templates/` and `_static/` are copied beside its sources."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    namespace = eval_config_file(PROJECT / "conf.py", Tags())
    for folder in (*namespace["templates_path"], *namespace["html_static_path"]):
        shutil.copytree(PROJECT / folder, Path(srcdir) / folder, dirs_exist_ok=True)
    return {key: namespace[key] for key in SITE_LOOK if key in namespace}


# -- reading the output -------------------------------------------------------------------


def plain(text: str) -> str:
    """Sphinx's output without its colour codes."""
    return ANSI.sub("", text)


def page(built, name: str):
    """A built HTML page (of a `Build` or an app), parsed."""
    from bs4 import BeautifulSoup

    path = Path(built.outdir) / f"{name}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def texts(soup, selector: str) -> list[str]:
    """The text of every element the selector finds, whitespace squeezed."""
    return [element.get_text(" ", strip=True) for element in soup.select(selector)]


def html_pages(outdir: Path) -> dict[str, str]:
    """Every HTML page of a build, by path, as an incremental and a clean build must agree on."""
    outdir = Path(outdir)
    pages = {}
    for path in sorted(outdir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        # asset checksums ("?v=1a2b3c") are per build; nothing else may differ
        pages[str(path.relative_to(outdir))] = re.sub(r"\?v=[0-9a-f]+", "", text)
    assert "index.html" in pages, f"no HTML pages in {outdir}"
    return pages


class Differences(NamedTuple):
    """Where an incremental build's HTML is not what a clean build of the same sources gives."""

    missing: list[str]  # pages the clean build writes and the incremental one lacks
    stale: list[str]  # pages of both whose HTML differs

    def __bool__(self) -> bool:
        return bool(self.missing or self.stale)

    def explain(self, incremental: dict[str, str], clean: dict[str, str]) -> str:
        """The pages, and the first lines where the first stale page differs."""
        import difflib

        text = f"missing: {self.missing}; stale: {self.stale}"
        if self.stale:
            page = self.stale[0]
            diff = difflib.unified_diff(clean[page].splitlines(), incremental[page].splitlines(),
                                        f"clean/{page}", f"incremental/{page}", lineterm="", n=1)
            text += "\n" + "\n".join(list(diff)[:40])
        return text


def differences_from_clean(incremental: dict[str, str], clean: dict[str, str]) -> Differences:
    """Compare the pages of an incremental build with a clean build's (both `html_pages`).
    The incremental build may keep pages the clean one has not: Sphinx never removes the
    output of a deleted source."""
    return Differences(sorted(set(clean) - set(incremental)),
                       sorted(page for page in clean
                              if page in incremental and incremental[page] != clean[page]))


def pagefind_records(bundle: Path) -> dict[str, dict]:
    """Each page's record in a Pagefind bundle (URL, text, filters, sort, anchors, title):
    the fragments are gzipped JSON after Pagefind's signature."""
    import gzip
    import json

    found = {}
    for path in (Path(bundle) / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{"):])
        found[record["url"]] = record
    return found


# -- editing sources ----------------------------------------------------------------------


def touch(path: Path, text: str) -> None:
    """Write the file, as an editor saves it; its modification time is now, never later.

    Sphinx re-reads a source whose mtime is later than the moment it last read it
    (`env.all_docs`, stamped with `time.time_ns()` in microseconds). The kernel stamps
    files from a coarser clock, which can lag `time.time_ns()` by a tick (milliseconds), so
    an edit made right after a build could look older than the build's last read: the mtime
    is set to `time.time_ns()` taken after the write, the clock Sphinx's stamp comes from,
    which is the present moment and later than anything the previous build recorded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def replace(path: Path, old: str, new: str) -> None:
    """Replace `old`, which must occur exactly once in the file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    touch(path, text.replace(old, new))


def append(path: Path, text: str) -> None:
    touch(path, path.read_text(encoding="utf-8") + text)


def add_duplicate_issue(src: Path) -> None:
    """The `kb` root's issue 220 again, as newsletters/n220b (listed in the index)."""
    touch(src / "newsletters/n220b.md", (src / "newsletters/n220.md").read_text(encoding="utf-8")
          .replace("# Weekly 220", "# Weekly 220 again"))
    replace(src / "index.md", "newsletters/n220\n", "newsletters/n220\nnewsletters/n220b\n")


def line_of(path: Path, marker: str) -> int:
    """The 1-based number of the last line of the file that contains `marker`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, text in enumerate(lines, 1) if marker in text]
    assert found, f"{marker!r} not in {path}"
    return found[-1]


def only(problems: list):
    """The one problem of a list that must hold exactly one."""
    assert len(problems) == 1, problems
    return problems[0]


# Edits of the `kb` test root shared by the incremental, chart and preview tests

def add_to_index(src: Path, entry: str) -> None:
    replace(src / "index.md", "references\n```", f"{entry}\nreferences\n```")


NEW_ISSUE = """---
kind: newsletter
date: 2021-11-02
series: weekly
issue: 221
topics: [{topic}]
summary: Issue 221.
---
# Weekly 221

```{{kb:item}} A new item
:kind: news
:topics: {topic}

Text.
```
"""


def add_issue_to_series(src: Path) -> None:
    touch(src / "newsletters/n221.md", NEW_ISSUE.format(topic="gans"))
    add_to_index(src, "newsletters/n221")


def noxfile_module():
    """noxfile.py imported as a module, for the tests of its helpers (nox must be installed)."""
    import importlib.util
    import warnings

    pytest.importorskip("nox")
    spec = importlib.util.spec_from_file_location("project_noxfile", PROJECT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nox warns when its sessions are registered again
        spec.loader.exec_module(module)
    return module
