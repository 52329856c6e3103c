"""The sidebar the extension renders is the one sphinx-book-theme renders, branch for branch."""

from __future__ import annotations

import shutil

import pytest
from conftest import PROJECT, Build

THEME = {
    "html_theme": "sphinx_book_theme",
    "html_theme_options": {"show_navbar_depth": 1, "max_navbar_depth": 4, "collapse_navbar": True},
}


def sidebar(build: Build, page: str) -> list[tuple]:
    nav = build.page(page).select_one("nav.bd-docs-nav ul.bd-sidenav:not(.bd-sidenav__home-link)")
    return [(li["class"], li.a.get_text(strip=True), li.a["href"]) for li in nav.select("li")]


@pytest.mark.slow
def test_sidebar_matches_the_themes_own_for_every_page(copy_root):
    theirs = Build(copy_root("navigation", "theirs"), confoverrides=THEME)
    ours_src = copy_root("navigation", "ours")
    shutil.copytree(PROJECT / "_templates", ours_src / "_templates")
    ours = Build(ours_src, confoverrides={**THEME, "templates_path": ["_templates"]})
    pages = sorted(ours.env.found_docs)
    assert len(pages) >= 8
    for page in pages:
        mine = sidebar(ours, page)
        # every page of the root is in its toctree, so every sidebar lists pages
        assert len(mine) >= 3, page
        assert mine == sidebar(theirs, page), page


def test_the_sidebar_check_is_answered_as_the_theme_answers_it(copy_root, monkeypatch):
    """pydata-sphinx-theme's layout.html asks `suppress_sidebar_toctree(includehidden=True)`
    on every page; the extension answers from its navigation's index, as the theme's own
    function does (asked here too, for every page and both questions), without the theme
    indexing every toctree of the site for each page."""
    from pydata_sphinx_theme import toctree

    indexed = []
    get_ancestor_pagename = toctree._get_ancestor_pagename
    monkeypatch.setattr(toctree, "_get_ancestor_pagename", lambda *args, **kwargs: (
        indexed.append(kwargs.get("pagename")) or get_ancestor_pagename(*args, **kwargs)))
    src = copy_root("navigation")
    shutil.copytree(PROJECT / "_templates", src / "_templates")
    answers = {}

    def ask(app, pagename, templatename, context, doctree):
        ours = context["suppress_sidebar_toctree"]
        before = len(indexed)
        mine = ours(includehidden=True)
        asked_theirs = len(indexed) > before
        answers[pagename] = (mine, ours.theirs(includehidden=True), asked_theirs,
                             ours(includehidden=False) == ours.theirs(includehidden=False))

    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=src,
                        confoverrides={**THEME, "templates_path": ["_templates"]})
    try:
        app.connect("html-page-context", ask, priority=999)
        app.build()
    finally:
        app.cleanup()
    assert set(app.env.found_docs) <= set(answers)
    # the theme looked the ancestors up only when this test asked it (theirs twice, and
    # ours for the other question): never for the template's own question
    assert len(indexed) == 3 * len(answers)
    assert answers["index"][:2] == (True, True)  # the root is no toctree's entry
    shown = [name for name, (mine, *_) in answers.items() if not mine]
    assert len(shown) >= 7
    for name, (mine, theirs, asked_theirs, same_otherwise) in answers.items():
        assert mine == theirs and same_otherwise, name
        assert not asked_theirs, name


def test_a_folder_s_pages_share_the_entries_off_their_path(copy_root):
    """newsletters/n1 and n2 list the same entries off their own path: the second page's
    sidebar makes links only for its path and for n1 (on the first page's path), and is
    what a navigation without the kept entries renders."""
    from kb.build.navigation import Navigation

    built = Build(copy_root("navigation"))
    navigation = Navigation(built.env)
    linked: list[str] = []

    def uri(doc: str) -> str:
        linked.append(doc)
        return built.app.builder.get_relative_uri("newsletters/n1", doc)

    first = navigation.html("newsletters/n1", uri, 4)
    made_for_first = len(linked)
    second = navigation.html("newsletters/n2", uri, 4)
    made_for_second = linked[made_for_first:]
    # the root (the folder's key), the page on the path not itself (weekly), and n1
    assert made_for_second == ["index", "weekly", "newsletters/n1"]
    assert made_for_first >= 6
    assert second == Navigation(built.env).html("newsletters/n2", uri, 4)
    assert first != second and 'href="#">Weekly 2' in second
