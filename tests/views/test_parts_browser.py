"""The pages of lists split again, as a reader meets them in headless Chromium (issue 26): the
subparts root with the site's theme, templates and static files, served; an index's entry
point, a letter's page and a person's part on a phone and a desktop, axe-core on each, and
the way from the jump bar down to an entry and along the "Next" links. Fixtures:
tests/browser.py."""

from __future__ import annotations

import shutil

import pytest
from browser import PHONE, serve
from conftest import ROOTS, Build, with_site_look

pytestmark = pytest.mark.slow

PAGES = ["authors.html", "authors-l.html", "authors-l-le-lee-lee-ki.html", "papers-2021-l.html",
         "archive-2021-03.html"]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, chromium_executable):
    """The subparts root with the site's look (its address is the root of its host), served."""
    src = tmp_path_factory.mktemp("subparts-look") / "src"
    shutil.copytree(ROOTS / "test-subparts", src)
    build = Build(src, confoverrides={**with_site_look(src), "html_baseurl": "https://example.org/"})
    assert not build.warnings, build.warnings
    with serve(build.outdir) as url:
        yield url


@pytest.mark.parametrize("width", [PHONE["width"], 1280])
@pytest.mark.parametrize("path", PAGES)
def test_split_pages_pass_axe_and_fit_the_screen(site_url, open_page, path, width) -> None:
    page = open_page(site_url + path, width=width)
    assert page.kb_axe() == []
    assert page.kb_errors == []
    # nothing wider than the screen: the nested lists of parts, the jump bar, the entries
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    # the links between a list's pages show no preview card (they have none to show)
    assert page.locator("article .kb-parts-list a.kb-previewable, "
                        "article .kb-part-of a.kb-previewable").count() == 0
    page.kb_screenshot(f"parts-{path.removesuffix('.html')}-{width}")


def test_from_the_jump_bar_to_an_entry_and_on_to_the_next(site_url, open_page) -> None:
    """A reader on a person's part jumps to L (its page, at its heading), opens "Le…", then
    "Lee, K…", then the first person, and pages on with "Next" to the one after."""
    page = open_page(site_url + "authors-l-li-liu.html", width=PHONE["width"])
    page.locator("article .kb-jump-bar a", has_text="L").click()
    page.wait_for_url("**/authors-l.html#letter-l")
    heading = page.locator("article #letter-l")
    assert heading.is_visible() and heading.inner_text().strip() == "L"
    for label in ("Le…", "Lee, K…", "Lee, Kimin"):
        page.locator("article .kb-parts-list a", has_text=label).first.click()
    page.wait_for_url("**/authors-l-le-lee-lee-ki.html")
    assert page.locator("article #person-lee--kimin").is_visible()
    page.locator("article .kb-part-of a", has_text="Lee, Kuang-Huei").click()
    page.wait_for_url("**/authors-l-le-lee-lee-ku.html")
    assert page.locator("article p.kb-author strong").inner_text() == "Lee, Kuang-Huei"
    assert page.kb_errors == []
