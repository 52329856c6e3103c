"""Every page of the real site, parsed, for the markup a reader's browser depends on (issue 24):
one pair of sidebar toggles (the theme's scripts bind the first of each), one viewport meta,
no link to an empty general index, and the PDF's root page out of the sitemap. Slow: the real
site is built once a session (conftest.real_site). The browser tests of the same things are
in test_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pages(real_site) -> dict[str, BeautifulSoup]:
    outdir = Path(real_site.outdir)
    return {path.relative_to(outdir).as_posix(): BeautifulSoup(
                path.read_text(encoding="utf-8"), "html.parser")
            for path in sorted(outdir.rglob("*.html"))
            if not {"_static", "_sources", "pagefind", ".doctrees"} & set(path.parts)}


def test_every_page_has_one_menu_button_and_at_most_one_contents_button(pages):
    """The book theme's toggles in the article header, and no hidden navbar copies before
    them (conf.py navbar_persistent []; compat/themes.py RELIED_ON)."""
    assert len(pages) > 40
    wrong = {}
    for name, soup in pages.items():
        primary, secondary = soup.select(".primary-toggle"), soup.select(".secondary-toggle")
        if len(primary) != 1 or len(secondary) > 1 or any(
                button.find_parent(class_="bd-header-article") is None
                for button in primary + secondary):
            wrong[name] = (len(primary), len(secondary))
    assert wrong == {}
    assert pages["reviews/hippocampus-garden/2022.html"].select(".secondary-toggle")


def test_every_page_has_one_viewport(pages):
    counts = {name: len(soup.select("meta[name=viewport]")) for name, soup in pages.items()}
    assert {name: n for name, n in counts.items() if n != 1} == {}


def test_no_empty_general_index_and_no_link_to_one(real_site, pages):
    assert not (Path(real_site.outdir) / "genindex.html").exists()
    linking = [name for name, soup in pages.items()
               if soup.select("link[rel=index], a[href$='genindex.html']")]
    assert linking == []


def test_the_pdfs_root_is_neither_in_the_sitemap_nor_in_the_search(real_site, pages):
    sitemap = (Path(real_site.outdir) / "sitemap.xml").read_text(encoding="utf-8")
    assert "book.html" not in sitemap and "index.html" in sitemap
    # built (Sphinx builds every source), but left out of what Pagefind indexes
    assert "<!-- kb-search: not indexed -->" in str(pages["book.html"])
    assert "<!-- kb-search: not indexed -->" not in str(pages["index.html"])
