"""kb.bib.cite_domain: sphinxcontrib-bibtex's domain, indexed, must give sphinxcontrib-bibtex's output.

IndexedBibtexDomain overrides methods of sphinxcontrib-bibtex's domain that are not
a documented API, and uses its private `_FilterVisitor`. These tests pin the
behaviour it relies on: the same project built with the upstream domain and with
the subclass gives the same pages (citations, labels, links, filtered and styled
bibliographies, the warning for an entry with a missing field), on a clean build and
on an incremental one. An upgrade of sphinxcontrib-bibtex that changes what the
subclass copies fails here first.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOTS, Build, append

PAGES = ("index", "first", "second", "sub/third")
INDEXED = {"extensions": ["sphinxcontrib.bibtex", "indexed"]}


def build(srcdir, indexed: bool) -> tuple[dict[str, str], str]:
    """Each page's body, and the warnings; `indexed`: with the subclassed domain."""
    built = Build(srcdir, confoverrides=INDEXED if indexed else None)
    bodies = {name: built.page(name).select_one("div.body, div[role=main]").decode()
              for name in PAGES}
    return bodies, built.warnings


def _messages(warnings: str) -> list[str]:
    """The warnings without the folder the project was built in."""
    return sorted(line.split("/", 1)[-1].split(": ", 1)[-1] for line in warnings.splitlines())


@pytest.fixture(scope="module")
def upstream(tmp_path_factory) -> tuple[dict[str, str], str]:
    srcdir = tmp_path_factory.mktemp("upstream") / "src"
    shutil.copytree(ROOTS / "test-fastbib", srcdir)
    return build(srcdir, indexed=False)


def test_the_fixture_exercises_what_the_subclass_overrides(upstream):
    bodies, warnings = upstream
    # a key in two bibliographies (the order of a multi-key citation depends on it)
    assert 'href="second.html#' in bodies["first"] and 'href="index.html#' in bodies["first"]
    # a filtered bibliography with its own style and label prefix, and a bullet list
    assert ">SHJA20<" in bodies["second"] and "<ul" in bodies["second"]
    # an entry missing a field its style requires is reported, not a crash
    assert "missing journal in nojournal2020" in warnings


def test_clean_build_matches_upstream(upstream, copy_root):
    bodies, warnings = build(copy_root("fastbib"), indexed=True)
    assert bodies == upstream[0]
    assert _messages(warnings) == _messages(upstream[1])


def test_incremental_build_with_kept_formatting_matches_upstream(upstream, copy_root):
    """The second build formats nothing again (kept entries) and still shows the same."""
    src = copy_root("fastbib")
    build(src, indexed=True)
    append(src / "first.rst", "\nMore text.\n")
    bodies, _ = build(src, indexed=True)
    assert {k: v.replace("<p>More text.</p>\n", "") for k, v in bodies.items()} == upstream[0]


def test_references_are_formatted_once_a_build_and_link_from_their_own_page(copy_root):
    """A work cited from several pages is formatted once a build; each page's link is its
    own (sub/third's go up a folder), and the next build starts with nothing kept."""
    built = Build(copy_root("fastbib"), confoverrides=INDEXED)
    kept = built.env.get_domain("cite").formatted_references
    # the same references from first and sub/third, and ho2020ddpm twice on sub/third
    resolved = sum(len(built.page(name).select("span.bibtex-citation a")) for name in PAGES)
    assert 0 < len(kept) < resolved
    third = built.page("sub/third").select("span.bibtex-citation a")
    assert third and all(a["href"].startswith("../") for a in third)
    built.app.build()  # nothing changed: env_updated starts the build's caches afresh
    assert built.app.env.get_domain("cite").formatted_references == {}
