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


# -- a reader's path (issue 24): the menus, a phone, the keyboard, the 404 page ------------------

REVIEW = "reviews/hippocampus-garden/2022.html"
TOOLTIP = "[data-tippy-root] .tippy-box"


def _phone(browser, site_url: str, path: str):
    """A phone: 390 px, touch, as a reader holds it."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True,
                                  reduced_motion="reduce")
    page = context.new_page()
    page.kb_errors = []
    page.on("pageerror", lambda err: page.kb_errors.append(f"page error: {err}"))
    page.goto(site_url + path)
    return context, page


def _follow(page, link) -> None:
    """Tap a link as a reader does: a link with a preview shows it on the first tap and is
    followed on the second (kb-previews.js); any other is followed at once."""
    start = page.url
    link.tap()
    page.wait_for_function("([start, card]) => location.href !== start"
                           " || document.querySelector(card) !== null", arg=[start, TOOLTIP])
    if page.url == start:
        link.tap()
        page.wait_for_function("start => location.href !== start", arg=start)
    page.wait_for_load_state("load")


def test_on_a_phone_the_menu_leads_to_a_topic_an_item_and_its_paper_and_back(browser, site_url):
    context, page = _phone(browser, site_url, REVIEW)
    # the menu button in the article header opens the site's navigation
    page.locator(".primary-toggle:visible").tap()
    menu = page.locator("#pst-primary-sidebar-modal[open]")
    menu.wait_for()
    _follow(page, menu.get_by_role("link", name="Topics", exact=True))
    assert page.url == site_url + "topics/index.html"
    _follow(page, page.locator("article").get_by_role("link", name="Protein structure prediction")
            .first)
    assert page.url == site_url + "topics/protein-structure.html"
    _follow(page, page.locator("ul.kb-listing a", has_text="AlphaFold2").first)
    item_url = site_url + "reviews/hippocampus-garden/2021-applications.html#alphafold2"
    assert page.url == item_url
    assert page.locator("#alphafold2").is_visible()
    _follow(page, page.locator("#alphafold2 .bibtex-citation a").first)
    assert page.url.startswith(site_url + "references.html#")
    entry = page.locator(f"[id='{page.url.split('#', 1)[1]}']")
    assert "Highly accurate protein structure prediction" in entry.inner_text()
    assert entry.is_visible()
    page.go_back()
    page.wait_for_url(item_url)
    assert page.locator("#alphafold2").is_visible()
    assert not page.kb_errors, page.kb_errors
    context.close()


def test_on_a_phone_the_contents_button_shows_the_page_contents(browser, site_url):
    context, page = _phone(browser, site_url, REVIEW)
    page.locator(".secondary-toggle:visible").tap()
    contents = page.locator("#pst-secondary-sidebar-modal[open]")
    contents.wait_for()
    _follow(page, contents.get_by_role("link", name="Applications", exact=True))
    assert page.url == site_url + REVIEW + "#applications"
    context.close()


def test_on_a_desktop_the_sidebar_button_hides_and_shows_the_navigation(open_page, site_url):
    page = open_page(site_url + REVIEW)
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    page.locator(".primary-toggle:visible").click()
    sidebar.wait_for(state="hidden")
    page.locator(".primary-toggle:visible").click()
    sidebar.wait_for(state="visible")
    assert not page.kb_errors, page.kb_errors


def _tab_to(page, selector: str, limit: int = 300, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`, as a
    keyboard-only reader does."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_with_the_keyboard_alone_skip_link_menu_search_and_a_preview(open_page, site_url):
    page = open_page(site_url + REVIEW)
    # the skip link is the first stop, shown when focused, and goes to the article
    page.keyboard.press("Tab")
    skip = page.locator("#pst-skip-link a")
    assert page.evaluate("document.activeElement.closest('#pst-skip-link') !== null")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url("**#main-content")
    # the sidebar button, with Enter (the book theme's script takes the focus off the button
    # once it is pressed, so a keyboard reader comes back to it with Tab)
    _tab_to(page, ".primary-toggle")
    page.keyboard.press("Enter")
    page.locator("#pst-primary-sidebar").wait_for(state="hidden")
    _tab_to(page, ".primary-toggle")
    page.keyboard.press("Enter")
    page.locator("#pst-primary-sidebar").wait_for(state="visible")
    # a citation's preview card: shown on focus, gone with Escape, focus kept
    _tab_to(page, "article .bibtex-citation a")
    described = "document.activeElement.getAttribute('aria-describedby')"
    page.wait_for_function(described)
    card = page.locator(f"#{page.evaluate(described)} .tippy-box")
    card.wait_for(state="visible")
    assert "Cited work" in card.inner_text()
    page.keyboard.press("Escape")
    card.wait_for(state="detached")
    assert page.evaluate("document.activeElement.matches('article .bibtex-citation a')")
    # the search: back up to its button, a query, Enter: the search page with results
    _tab_to(page, ".search-button__button", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.locator("#pst-search-dialog[open]").wait_for()
    page.keyboard.type("alphafold")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=alphafold")
    page.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=15000)
    assert page.locator("#kb-search-results li a").count() > 0
    assert not page.kb_errors, page.kb_errors


def test_with_the_keyboard_the_phone_menu_opens_passes_axe_and_escape_closes_it(open_page,
                                                                                 site_url):
    page = open_page(site_url + REVIEW, width=PHONE["width"])
    _tab_to(page, ".primary-toggle")
    page.keyboard.press("Enter")
    menu = page.locator("#pst-primary-sidebar-modal[open]")
    menu.wait_for()
    assert menu.locator("a").count() > 5
    violations = page.kb_axe()
    page.kb_screenshot("menu-open-phone")
    assert not violations, violations
    page.keyboard.press("Escape")
    page.locator("#pst-primary-sidebar-modal").wait_for(state="hidden")
    assert page.locator("#pst-primary-sidebar-modal[open]").count() == 0


def test_a_phone_shows_no_empty_strip_above_the_article_header(open_page, site_url):
    page = open_page(site_url + REVIEW, width=PHONE["width"])
    top = page.evaluate("document.querySelector('.bd-header-article').getBoundingClientRect().top")
    header = page.evaluate("document.querySelector('#pst-header').getBoundingClientRect().height")
    assert (top, header) == (0, 0)


def test_an_item_reference_in_a_sentence_is_inline_text_and_a_card_keeps_its_border(
        open_page, site_url):
    page = open_page(site_url + REVIEW)
    reference = page.locator("article p a span.kb-item").first
    style = reference.evaluate("e => { const s = getComputedStyle(e);"
                               " return [s.display, s.borderLeftWidth, s.paddingLeft,"
                               " s.marginTop]; }")
    assert style == ["inline", "0px", "0px", "0px"]
    card = page.locator("div.kb-item-card").first
    assert card.evaluate("e => getComputedStyle(e).borderLeftWidth") == "3px"


# relative luminance and contrast ratio, WCAG 2.x
CONTRAST = """e => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let node = e, back = null;
  while (node && node.nodeType === 1) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) { back = c; break; }
    node = node.parentElement;
  }
  back = back || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(back)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_hovered_link_keeps_a_contrast_of_at_least_4_5(open_page, site_url, mode):
    page = open_page(site_url + REVIEW, mode=mode)
    link = page.locator("article p a.reference.external").first
    before = link.evaluate("e => getComputedStyle(e).color")
    link.hover()
    page.wait_for_function("([e, c]) => getComputedStyle(e).color !== c",
                           arg=[link.element_handle(), before])
    assert link.evaluate(CONTRAST) >= 4.5


def test_the_404_page_at_a_missing_address_leads_on(open_page, site_url, site_build):
    """The host serves 404.html at any missing address (deep too): its links, absolute from
    the site's root, and its search form work from there."""
    missing = site_url + "no/such/page.html"
    page = open_page(site_url + "index.html")
    page.route(missing, lambda route: route.fulfill(
        status=404, content_type="text/html",
        body=(site_build / "404.html").read_text(encoding="utf-8")))
    page.kb_errors.clear()
    page.goto(missing)
    assert page.locator("link[rel=canonical]").count() == 0
    assert page.locator("ul.kb-notfound-newest a").count() > 0
    # every link on it leads into the site, the sidebar's too, from a deep address
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    local = [href for href in hrefs if href.startswith(site_url.split("/dl-")[0])]
    assert local and all(href.startswith(site_url) for href in local), local
    for where in ("article", "#pst-primary-sidebar"):
        page.locator(where).get_by_role("link", name="Topics", exact=True).click()
        page.wait_for_url(site_url + "topics/index.html")
        page.goto(missing)
    page.get_by_label("Search the knowledge base").fill("alphafold")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=alphafold")
    page.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=15000)
    # (the missing address itself answers 404; a request cut short by leaving the page is not
    # an error of the page)
    errors = [error for error in page.kb_errors
              if "no/such/page.html" not in error and "net::ERR_ABORTED" not in error]
    assert not errors, errors


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
