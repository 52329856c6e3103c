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
