"""The sidebar the extension renders is the one sphinx-book-theme renders, branch for branch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

PROJECT = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).parent / "roots"
THEME = {
    "html_theme": "sphinx_book_theme",
    "html_theme_options": {"show_navbar_depth": 1, "max_navbar_depth": 4, "collapse_navbar": True},
}


def sidebar(app: SphinxTestApp, page: str) -> list[tuple]:
    soup = BeautifulSoup((Path(app.outdir) / f"{page}.html").read_text(), "html.parser")
    nav = soup.select_one("nav.bd-docs-nav ul.bd-sidenav:not(.bd-sidenav__home-link)")
    return [(li["class"], li.a.get_text(strip=True), li.a["href"]) for li in nav.select("li")]


@pytest.mark.slow
def test_sidebar_matches_the_themes_own_for_every_page(tmp_path):
    theirs_src, ours_src = tmp_path / "theirs", tmp_path / "ours"
    shutil.copytree(ROOTS / "test-navigation", theirs_src)
    shutil.copytree(ROOTS / "test-navigation", ours_src)
    shutil.copytree(PROJECT / "_templates", ours_src / "_templates")
    apps = {}
    for name, src, extra in (("theirs", theirs_src, {}), ("ours", ours_src, {"templates_path": ["_templates"]})):
        app = SphinxTestApp("html", srcdir=src, confoverrides={**THEME, **extra})
        try:
            app.build()
        finally:
            app.cleanup()
        apps[name] = app
    pages = sorted(apps["ours"].env.found_docs)
    assert len(pages) >= 8
    for page in pages:
        assert sidebar(apps["ours"], page) == sidebar(apps["theirs"], page), page
