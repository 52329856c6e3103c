"""Pagefind: how the extension runs it, and what it expects of the bundle it writes.

outputs/search.py runs the binary of the `pagefind_bin` wheel (its `get_executable`)
with the command-line options below, and relies on the bundle's layout: `pagefind.js`,
which the search page imports (static/kb-search.js), and `pagefind-entry.json`, which
Pagefind writes on every run and the build takes as the index's time. Pagefind
documents its options and the `data-pagefind-*` attributes the pages carry; the file
names in its bundle are its own business. So the options are checked against the
binary's `--help` at start-up, and the layout after every run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from sphinx.application import Sphinx

from .shape import Mismatch, lookup

PACKAGE = "pagefind"
OPTIONS = ("--site", "--output-subdir", "--output-path", "--exclude-selectors", "--quiet")
SCRIPT = "pagefind.js"  # what the search page imports
ENTRY = "pagefind-entry.json"  # written on every run: the index's time
# What Pagefind writes into every bundle that the search page never loads: the search page
# imports pagefind.js itself (static/kb-search.js) and runs it without a web worker.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
    "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js",
    "pagefind-worker.js",
)


def executable() -> str:
    """The Pagefind binary of the installed wheel (ImportError or FileNotFoundError when
    there is none)."""
    get_executable = lookup("pagefind_bin", "get_executable")
    if get_executable is None:
        raise ImportError("the pagefind_bin package, with its get_executable, is not installed")
    return str(get_executable())


def command(site: Path, executable: str, output: Path | None = None,
            subdir: str | None = None, exclude: tuple[str, ...] = ()) -> list[str]:
    """The Pagefind run over the pages in `site`, writing the bundle into `output`, or into
    `subdir` of the site, leaving out of its text the elements `exclude` selects."""
    where = ["--output-path", str(output)] if output else ["--output-subdir", str(subdir)]
    left_out = ["--exclude-selectors", ", ".join(exclude)] if exclude else []
    return [executable, "--site", str(site), *where, *left_out, "--quiet"]


def layout_mismatches(bundle: Path) -> list[Mismatch]:
    """What a bundle Pagefind has just written lacks of what the site relies on."""
    return [Mismatch(PACKAGE, f"its bundle has no {name}", degrades)
            for name, degrades in ((SCRIPT, "the search page finds nothing"),
                                   (ENTRY, "every build runs Pagefind again"))
            if not (bundle / name).is_file()]


def runs_pagefind(app: Sphinx) -> bool:
    """Whether this build runs Pagefind (as outputs/search.py decides: `kb_search` is not
    "sphinx", on an HTML builder other than epub or single-page)."""
    return (getattr(app.config, "kb_search", "sphinx") != "sphinx"
            and app.builder.name in ("html", "dirhtml"))


def check(app: Sphinx) -> list[Mismatch]:
    """The binary is there and takes the options the build passes."""
    if not runs_pagefind(app):
        return []
    unsearchable = "the site is built without a search index"
    try:
        binary = executable()
    except (ImportError, FileNotFoundError) as error:
        return [Mismatch(PACKAGE, f"its binary is missing ({error})", unsearchable)]
    try:
        shown = subprocess.run([binary, "--help"], capture_output=True, text=True,
                               timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError) as error:
        return [Mismatch(PACKAGE, f"its binary does not run ({error})", unsearchable)]
    absent = [option for option in OPTIONS if option not in shown.split()]
    if absent:
        return [Mismatch(PACKAGE, f"its binary takes no {', '.join(absent)}",
                         "Pagefind fails on every build: " + unsearchable)]
    return []
