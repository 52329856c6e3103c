"""A warm rebuild (kb/cli/warm_build.py): one Sphinx application built again after each
edit gives, page for page, what a clean build of the same sources gives.

In this process, without the preview server (tests/cli/test_serve.py runs the same
oracle through it): the `kb` root with the site's own theme and templates, so the
navigation, the theme's per-page scripts and the bibliography are all on the pages.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    Build,
    add_issue_to_series,
    differences_from_clean,
    html_pages,
    replace,
    with_site_look,
)
from kb.build.schedule import rewrite_later
from kb.cli.warm_build import BuildSetup, KeptForNextBuild, make_app, prepare_rebuild
from kb.compat.sphinx import (
    EnvironmentPickledAside,
    keep_initial_assets,
    pickle_environment,
    sphinx_in_process,
    warning_count,
    write_some_first,
)


def clean_pages(src: Path, look: dict) -> dict[str, str]:
    """A clean build of the sources copied to `src` (run after the warm application is
    done: an application's end takes the node classes it registered with docutils away,
    and Sphinx registers them once per process)."""
    return html_pages(Build(src, confoverrides=look).outdir)


def warm_app(src: Path, look: dict, outdir: str = "warm"):
    setup = BuildSetup(src, src / "_build" / outdir, src / "_build" / "doctrees", src,
                       overrides=look)
    warnings = io.StringIO()
    app = make_app(setup, io.StringIO(), warnings)
    keep_initial_assets(app)
    return app, KeptForNextBuild(app), warnings


def read_pages_first(app) -> list[list[str]]:
    """Have `app` write the documents each build reads first and work out the extension's
    other rewrites after them, as the preview's worker does; returns the lists of
    documents written first, one per build that read any."""
    read: set[str] = set()
    firsts: list[list[str]] = []

    def reading(app, env, docnames):
        read.clear()
        read.update(docnames)

    app.connect("env-before-read-docs", reading)
    later = rewrite_later(app, lambda: bool(read))
    assert write_some_first(app.builder, lambda: set(read), firsts.append, later)
    return firsts


def warm_rebuilds_equal_clean_builds(src: Path, tmp_path: Path,
                                     edits: dict[str, Callable[[], None]],
                                     first: bool = False) -> dict:
    """Build `src` once, then again after each edit on the same application; compare each
    with a clean build of the sources as they were. Returns the pages after each edit.
    With `first`, the pages read are written first and the other rewrites after them."""
    look = with_site_look(src)
    with sphinx_in_process(src):
        app, kept, warnings = warm_app(src, look)
        firsts = read_pages_first(app) if first else None
        app.build()
        served: dict[str, dict[str, str]] = {}
        for name, edit in edits.items():
            edit()
            assert prepare_rebuild(app, kept) == ""
            app.build()
            assert warning_count(app) == 0, warnings.getvalue()
            served[name] = html_pages(app.outdir)
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("_build"))
    for name in edits:
        clean = clean_pages(tmp_path / name, look)
        found = differences_from_clean(served[name], clean)
        assert not found, f"after {name}: {found.explain(served[name], clean)}"
    if first:  # the builds wrote their pages read first (the first build: all of them)
        assert len(firsts) > 1 and "index" in firsts[0], firsts
    return served


@pytest.mark.parametrize("first", [False, True], ids=["in Sphinx's order", "read pages first"])
def test_a_warm_rebuild_after_a_new_page_gives_what_a_clean_build_gives(copy_root, tmp_path,
                                                                        first):
    """A new issue: the root's toctree, the navigation, the series and the paper index."""
    src = copy_root("kb")
    warm_rebuilds_equal_clean_builds(
        src, tmp_path, {"a new issue": lambda: add_issue_to_series(src)}, first)


def test_a_pickle_taken_before_the_deferred_rewrites_is_not_trusted(copy_root, tmp_path):
    """The environment is pickled after reading, before the rewrites worked out later are
    written, so it holds the fingerprints of the pages before them. A worker that ends
    without pickling again, then the edit undone: the fresh application finds the records
    as that pickle has them, yet the topic's page shows the edit. It rewrites every page,
    and the site is what a clean build gives; from the pickle of an orderly end, a fresh
    application writes nothing. (Sphinx's basic theme, as its test application's: with the
    site's, a fresh application's first build writes every page whatever its pickle says.)"""
    src = copy_root("kb")
    look = {"html_theme": "basic"}
    tagged = ":topics: protein-structure\n"

    def fresh_build() -> set[str]:
        """A fresh application on the same folders, built once: the documents written."""
        app, _, _ = warm_app(src, look)
        written = set()
        app.connect("html-page-context", lambda app, pagename, *args: written.add(pagename))
        app.build()
        return written & set(app.env.found_docs)

    with sphinx_in_process(src):
        app, kept, _ = warm_app(src, look)
        read_pages_first(app)
        app.build()
        replace(src / "reviews/r2021.md", tagged, ":topics: protein-structure, gans\n")
        assert prepare_rebuild(app, kept) == ""
        app.build()  # the worker ends here, without pickling again
        assert "AlphaFold2" in (Path(app.outdir) / "topics/gans.html").read_text()
        replace(src / "reviews/r2021.md", ":topics: protein-structure, gans\n", tagged)
        assert fresh_build() == set(app.env.found_docs)  # every page rewritten

        app, kept, _ = warm_app(src, look)
        read_pages_first(app)
        app.build()
        kept.restore(app)
        pickle_environment(app)  # as the worker does when it ends in order
        assert fresh_build() == set()
    served = html_pages(app.outdir)
    shutil.copytree(src, tmp_path / "clean", ignore=shutil.ignore_patterns("_build"))
    clean = clean_pages(tmp_path / "clean", look)
    found = differences_from_clean(served, clean)
    assert not found, found.explain(served, clean)


def remove_page(src: Path, docname: str) -> None:
    (src / f"{docname}.md").unlink()
    replace(src / "index.md", f"{docname}\n", "")


@pytest.mark.slow
def test_warm_rebuilds_after_a_sequence_of_edits_give_what_clean_builds_give(copy_root, tmp_path):
    """As the preview's worker builds: the pages read first, the other rewrites after them
    (the quick test above builds in Sphinx's order too)."""
    src = copy_root("kb")
    served = warm_rebuilds_equal_clean_builds(src, tmp_path, {
        "a new issue": lambda: add_issue_to_series(src),
        "a retitled work": lambda: replace(src / "refs.bib", "Highly accurate protein",
                                           "Highly accurate, retitled protein"),
        "a text edit": lambda: replace(src / "reviews/r2021.md", "Predicts structures",
                                       "Predicts folded shapes"),
        "another work cited": lambda: replace(
            src / "reviews/r2021.md", "{cite:p}`jumper2021alphafold`",
            "{cite:p}`jumper2021alphafold,evans2021multimer`"),
        "a topic retitled": lambda: replace(src / "topics/gans.md", "# GANs",
                                            "# Generative adversarial networks"),
        "a page removed": lambda: remove_page(src, "newsletters/n221"),
    }, first=True)
    assert "retitled" in served["a text edit"]["references.html"]


def test_without_the_resets_a_second_build_differs(copy_root, tmp_path):
    """What prepare_rebuild puts right: built again as it stands, the same application
    writes a page's scripts into other pages and a bibliography's entries twice."""
    src = copy_root("kb")
    look = with_site_look(src)
    with sphinx_in_process(src):
        app, _, _ = warm_app(src, look)
        app.build()
        add_issue_to_series(src)
        app.build()
    served = html_pages(app.outdir)
    shutil.copytree(src, tmp_path / "clean", ignore=shutil.ignore_patterns("_build"))
    clean = clean_pages(tmp_path / "clean", look)
    found = differences_from_clean(served, clean)
    assert {"404.html", "references.html"} <= set(found.stale), found
    assert served["references.html"].count('id="paper-jumper2021alphafold"') == 1
    assert served["references.html"].count(">JZ21<") > clean["references.html"].count(">JZ21<")


def test_the_environment_pickled_aside_is_what_the_next_application_starts_from(
        copy_root, monkeypatch):
    """The preview pickles the environment in a forked copy of the process, while the pages
    are written: the pickle it leaves is complete, and a fresh application (the fresh
    worker after conf.py changed) starting from it reads nothing again."""
    import pickle

    import sphinx.builders

    aside = EnvironmentPickledAside(pickle)
    monkeypatch.setattr(sphinx.builders, "pickle", aside)
    src = copy_root("kb")
    setup = BuildSetup(src, src / "_build" / "html", src / "_build" / "doctrees", src)
    with sphinx_in_process(src):
        app = make_app(setup, io.StringIO(), io.StringIO())
        app.build()
        add_issue_to_series(src)
        prepare_rebuild(app, KeptForNextBuild(app))
        app.build()
        assert aside.pending == 2  # one copy per build that read a page
    assert aside.wait() == []
    monkeypatch.undo()
    again = Build(src)  # the same folders: from the pickle the warm builds left
    assert again.read == []
    assert "newsletters/n221" in again.env.found_docs
