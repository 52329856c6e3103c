"""sphinx-book-theme and pydata-sphinx-theme: the template text the project copies.

The project's `_templates/` override theme templates with copies of the theme's markup,
changed where the site needs it (layout.html: the search, sbt-sidebar-nav.html: the
sidebar, search-button-field.html: an accessible name). A copy does not follow the
theme: a release that changes the original leaves the site on the old markup. So each
copy names what it was copied from, with the sha256 of that text, in a Jinja comment:

    kb-compat: copied from <distribution> <file in it> [block <name>] sha256:<hex>

(the file as the distribution installs it, e.g.
`sphinx_book_theme/theme/sphinx_book_theme/layout.html`; `block` when the copy is of
one `{% block %}` of it, from its start tag to its end tag). At start-up each such
record is compared with the installed file; a difference is reported, naming the copy.

Some theme templates are not copied but relied on as they are, by the configuration
(`RELIED_ON`): they are recorded here the same way, and checked the same way.

pydata-sphinx-theme's layout.html asks `suppress_sidebar_toctree(includehidden=...)` on
every page (a function its `add_toctree_functions` puts in the page's context). With
`includehidden` true, the theme's default, the answer is whether the page is in no toctree,
but the theme works it out by indexing every toctree of the site on each call (Sphinx's
`_get_toctree_ancestors`): each page costs time in proportion to the site. The extension
answers it from its navigation's index (build/navigation.py, `answer_sidebar_check`), where
the code that gives the theme's answer is as recorded here (`SIDEBAR_CHECK`: the sha256 of
each function); otherwise the theme's own function stays, and the check reports it.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path
from typing import NamedTuple

from sphinx.application import Sphinx

from .shape import Mismatch, lookup, source_digest, text_digest

PACKAGE = "sphinx-book-theme"
RECORD = re.compile(r"kb-compat: copied from (?P<package>[\w.-]+) (?P<path>\S+)"
                    r"(?: block (?P<block>\w+))? sha256:(?P<digest>[0-9a-f]{64})")
_BLOCK_TAG = re.compile(r"{%[-+]?\s*(?P<tag>block|endblock)\b\s*(?P<name>\w*)\s*[-+]?%}")


def block_text(template: str, name: str) -> str | None:
    """The text of `{% block name %}` ... its `{% endblock %}`, both tags included (blocks
    nest: the end tag is the one at the same depth)."""
    depth, start = 0, None
    for tag in _BLOCK_TAG.finditer(template):
        if tag["tag"] == "block":
            if start is None and tag["name"] == name:
                start, depth = tag.start(), 0
            depth += 1
        else:
            depth -= 1
            if start is not None and depth == 0:
                return template[start:tag.end()]
    return None


def upstream_text(package: str, path: str, block: str | None) -> str | None:
    """The installed text a copy was made from (None: the file or block is gone)."""
    try:
        located = Path(str(importlib.metadata.distribution(package).locate_file(path)))
        text = located.read_text(encoding="utf-8")
    except (importlib.metadata.PackageNotFoundError, OSError):
        return None
    return block_text(text, block) if block else text


def copy_mismatches(copy: Path, label: str) -> list[Mismatch]:
    """Each record in the template `copy` whose upstream text is gone or changed."""
    found = []
    for record in RECORD.finditer(copy.read_text(encoding="utf-8")):
        package, path, block = record["package"], record["path"], record["block"]
        what = f"{path}" + (f", block {block}" if block else "")
        text = upstream_text(package, path, block)
        if text is None:
            found.append(Mismatch(package, f"{what} (copied into {label}) is gone",
                                  f"{label} overrides a template the theme no longer has"))
        elif text_digest(text) != record["digest"]:
            found.append(Mismatch(package, f"{what} (copied into {label}) has changed",
                                  f"the site keeps the old markup there until {label} is "
                                  "copied again and its kb-compat record updated"))
    return found


class ReliedOn(NamedTuple):
    """A theme template the site's configuration relies on, as it was when checked."""

    package: str
    path: str  # as the distribution installs it
    digest: str  # sha256 of the text
    because: str  # what the site relies on in it, and what it loses when that changes


RELIED_ON = (
    ReliedOn("pydata-sphinx-theme",
             "pydata_sphinx_theme/theme/pydata_sphinx_theme/sections/header.html",
             "5e68a0b5d9c0f40434c45a33a2a5439f18a10ded012ad08845e5680d558741d7",
             "with every navbar_* slot empty (conf.py: navbar_persistent []) it renders no "
             "second pair of sidebar toggles; were it to, the theme scripts would bind those "
             "and the visible menu and Contents buttons would do nothing"),
)


def relied_on_mismatches(relied_on: tuple[ReliedOn, ...] = RELIED_ON) -> list[Mismatch]:
    found = []
    for template in relied_on:
        text = upstream_text(template.package, template.path, None)
        if text is None or text_digest(text) != template.digest:
            state = "is gone" if text is None else "has changed"
            found.append(Mismatch(template.package, f"{template.path} {state}",
                                  f"check it again (kb/compat/themes.py, RELIED_ON): "
                                  f"{template.because}"))
    return found


# pydata-sphinx-theme 0.20.0's add_toctree_functions and _get_ancestor_pagename
# (toctree.py), and Sphinx 9.0's _get_toctree_ancestors: with startdepth 1 and includehidden,
# suppress_sidebar_toctree is "the page is no toctree's entry" (sha256 of each one's source)
SIDEBAR_CHECK = {
    ("pydata-sphinx-theme", "pydata_sphinx_theme.toctree", "add_toctree_functions"):
        "909fd5123b27d0403343b68582690b584f575b07afdd3fd3174eb980915f3f26",
    ("pydata-sphinx-theme", "pydata_sphinx_theme.toctree", "_get_ancestor_pagename"):
        "1d40e3a8dde3fe1c1a3ca0b96590c8539fa3d99b95fb5c0bdb2a1c8c49586ac4",
    ("Sphinx", "sphinx.environment.adapters.toctree", "_get_toctree_ancestors"):
        "228275169fd48c7dd908c6165d5c97065e442dad88ab39867b6b06b9bcf26ee8",
}


def _sidebar_check_changes() -> list[tuple[str, str]]:
    """(package, function) of each function SIDEBAR_CHECK records that is gone or changed."""
    return [(package, name) for (package, module, name), digest in SIDEBAR_CHECK.items()
            if source_digest(lookup(module, name)) != digest]


SIDEBAR_CHECK_AS_RECORDED = not _sidebar_check_changes()


def answers_sidebar_check() -> bool:
    """Whether the extension may answer the theme's `suppress_sidebar_toctree` itself."""
    return SIDEBAR_CHECK_AS_RECORDED


def check(app: Sphinx) -> list[Mismatch]:
    found = relied_on_mismatches()
    for package, name in _sidebar_check_changes():
        found.append(Mismatch(package, f"{name} is gone or has changed",
                              "each page asks the theme whether it is in a toctree, and the "
                              "theme indexes every toctree of the site to answer: builds slow "
                              "down with the square of the pages"))
    for folder in app.config.templates_path:
        root = Path(app.confdir, folder)
        for copy in sorted(root.rglob("*.html")) if root.is_dir() else ():
            label = copy.relative_to(app.confdir).as_posix() if copy.is_relative_to(
                app.confdir) else str(copy)
            found += copy_mismatches(copy, label)
    return found
