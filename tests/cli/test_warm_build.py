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
from kb.cli.warm_build import BuildSetup, KeptForNextBuild, make_app, prepare_rebuild
from kb.compat.sphinx import (
    EnvironmentPickledAside,
    keep_initial_assets,
    sphinx_in_process,
    warning_count,
)


def clean_pages(src: Path, look: dict) -> dict[str, str]:
    """A clean build of the sources copied to `src` (run after the warm application is
    done: an application's end takes the node classes it registered with docutils away,
    and Sphinx registers them once per process)."""
    return html_pages(Build(src, confoverrides=look).outdir)


def warm_app(src: Path, look: dict):
    setup = BuildSetup(src, src / "_build" / "warm", src / "_build" / "doctrees", src,
                       overrides=look)
    warnings = io.StringIO()
    app = make_app(setup, io.StringIO(), warnings)
    keep_initial_assets(app)
    return app, KeptForNextBuild(app), warnings


def warm_rebuilds_equal_clean_builds(src: Path, tmp_path: Path,
                                     edits: dict[str, Callable[[], None]]) -> dict:
    """Build `src` once, then again after each edit on the same application; compare each
    with a clean build of the sources as they were. Returns the pages after each edit."""
    look = with_site_look(src)
    with sphinx_in_process(src):
        app, kept, warnings = warm_app(src, look)
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
    return served


def test_a_warm_rebuild_after_a_new_page_gives_what_a_clean_build_gives(copy_root, tmp_path):
    """A new issue: the root's toctree, the navigation, the series and the paper index."""
    src = copy_root("kb")
    warm_rebuilds_equal_clean_builds(src, tmp_path, {"a new issue": lambda: add_issue_to_series(src)})


def remove_page(src: Path, docname: str) -> None:
    (src / f"{docname}.md").unlink()
    replace(src / "index.md", f"{docname}\n", "")


@pytest.mark.slow
def test_warm_rebuilds_after_a_sequence_of_edits_give_what_clean_builds_give(copy_root, tmp_path):
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
    })
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
