"""Every page type in headless Chromium: no console error, no horizontal scrolling on a phone,
no serious or critical axe-core violation in light or dark mode, and a screenshot of each
(desktop and phone) in _build/screenshots for CI to upload. Fixtures: tests/browser.py."""

from __future__ import annotations

import re

import pytest
from browser import PHONE, SEARCH_RESULTS_SHOWN

pytestmark = pytest.mark.slow

# page type -> the page that stands for it; add a row for a new page type
PAGE_TYPES = {
    "home": "index.html",
    "review": "reviews/hippocampus-garden/2022.html",
    "issue": "newsletters/deep-learning-weekly/2021/issue-220.html",
    "topic": "topics/protein-structure.html",
    "topics-overview": "topics/index.html",
    "archive": "archive.html",
    "paper-index": "references.html",
    "author-index": "authors.html",
    "search": "search.html?q=alphafold",
    "404": "404.html",
}


def _path(page_type: str, site_build) -> str:
    path = PAGE_TYPES[page_type]
    if not (site_build / path.split("?")[0]).exists():
        pytest.skip(f"{path} is not in this build (its page type is not written yet)")
    return path


def _settle(page, page_type: str) -> None:
    if page_type == "search":  # the results arrive after the index chunks and fragments
        page.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=15000)


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_page_type_is_accessible_without_errors(page_type, mode, site_build, site_url, open_page):
    url = site_url + _path(page_type, site_build)
    page = open_page(url, mode=mode)
    _settle(page, page_type)
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    violations = page.kb_axe()
    page.kb_screenshot(f"{page_type}-desktop-{mode}")
    assert not (page.kb_errors or violations), "\n".join(page.kb_errors + violations)


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_page_type_fits_a_phone_without_horizontal_scrolling(page_type, site_build, site_url,
                                                             open_page):
    url = site_url + _path(page_type, site_build)
    page = open_page(url, width=PHONE["width"])
    _settle(page, page_type)
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth,"
                           " client: document.documentElement.clientWidth})")
    page.kb_screenshot(f"{page_type}-phone")
    assert widths["client"] == PHONE["width"]
    assert widths["scroll"] <= widths["client"], widths
    violations = page.kb_axe()
    assert not (page.kb_errors or violations), "\n".join(page.kb_errors + violations)


def test_on_a_phone_a_reader_searches_from_the_visible_button_and_lands_on_the_item(site_url,
                                                                                   open_page):
    """The phone journey: the header's magnifying glass, a query, a result's item, the item."""
    page = open_page(site_url + "reviews/hippocampus-garden/2022.html", width=PHONE["width"])
    button = page.get_by_role("button", name="Search").filter(visible=True)
    assert button.count() == 1  # one magnifying glass in a phone's header
    button.click()
    field = page.locator("#pst-search-dialog[open] input[name=q]")
    field.wait_for()
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("Multimer")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=Multimer"))
    page.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=15000)
    first = page.locator("#kb-search-results > li").first
    item = first.locator(".kb-search-subresult a").first
    assert item.is_visible() and "AlphaFold-Multimer" in item.inner_text()
    item.click()
    target = "newsletters/deep-learning-weekly/2021/issue-220.html#alphafold-multimer"
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    heading = page.locator("#alphafold-multimer .kb-item-title")
    box = heading.bounding_box()
    assert heading.is_visible() and box is not None
    assert 0 <= box["y"] < PHONE["height"], box  # the item is on the screen, not above or below
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth,"
                           " client: document.documentElement.clientWidth})")
    assert widths["scroll"] <= widths["client"], widths
    assert not page.kb_errors, page.kb_errors
