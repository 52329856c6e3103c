"""Link previews in headless Chromium: hover, focus, Escape, touch, a phone viewport, axe-core.

On the shared browser harness (tests/browser.py: Debian's Chromium, the local
server); `site_url` serves the `kb` test root, and `open_page` here opens a page as
a phone with touch where asked, recording every request the page makes.
"""

from __future__ import annotations

import pytest
from browser import PHONE, serve

pytestmark = pytest.mark.slow

TOOLTIP = "[data-tippy-root] .tippy-box"


# -- the site and its pages ----------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(shared_build, chromium_executable):
    """The `kb` test root, built and served (the browser harness: tests/browser.py)."""
    with serve(shared_build("kb", nitpicky=True).outdir) as url:
        yield url


@pytest.fixture
def open_page(browser, site_url):
    """open_page(path, phone=False) -> a page with `kb_requests` (every URL it asked for)."""
    contexts = []

    def opener(path: str, phone: bool = False):
        context = browser.new_context(viewport=PHONE if phone else {"width": 1280, "height": 900},
                                      has_touch=phone, is_mobile=phone, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.kb_requests = []
        page.kb_errors = []
        page.on("request", lambda request: page.kb_requests.append(request.url))
        page.on("pageerror", lambda error: page.kb_errors.append(str(error)))
        # (not console errors: Chromium logs its own /favicon.ico request, which alabaster
        # does not serve, as one; the page's requests are all seen here)
        page.on("response", lambda response: response.status >= 400 and page.kb_errors.append(
            f"{response.status} {response.url}"))
        page.goto(site_url + path)
        page.wait_for_function("document.querySelectorAll('a.kb-previewable').length > 0")
        return page

    yield opener
    for context in contexts:
        context.close()


# -- the tests ---------------------------------------------------------------------------

# (page, link, what the preview says first) for each kind of link the extension makes
LINKS = [
    pytest.param("index.html", "a[href='newsletters/n220.html#alphafold-multimer']",
                 # the excerpt shows the item's citations as its page does
                 ["Paper · October 2021", "AlphaFold-Multimer", "In Weekly 220",
                  "Complexes [Evans and Jumper, 2021, Jumper and Žídek, 2021]."],
                 id="item"),
    pytest.param("reviews/r2021.html", ".kb-item-meta a[href='../topics/protein-structure.html']",
                 ["Topic", "Protein structure prediction"], id="topic"),
    pytest.param("topics/gans.html", "ul.kb-listing a[href='../newsletters/n220.html']",
                 ["Newsletter issue 220 · October 2021", "Weekly 220", "Issue 220."], id="issue"),
    pytest.param("topics/ai-for-science.html", "ul.kb-listing a[href='../reviews/r2021.html']",
                 ["Year review of 2021 · 3 January 2022", "Review of 2021", "A review of 2021."],
                 id="review"),
    pytest.param("reviews/r2021.html", "#alphafold2 span.bibtex-citation a",
                 ["Cited work · 2021", "Highly accurate protein structure prediction with AlphaFold",
                  "John Jumper and Augustin Žídek", "Nature, 2021. doi:10.1038/s41586-021-03819-2.",
                  "Discussed in 2 items."],
                 id="citation"),
]


def preview_lines(page) -> list[str]:
    return [p.inner_text() for p in page.locator(f"{TOOLTIP} .kb-preview p").all()]


def assert_shows(page, link, expected: list[str]) -> None:
    box = page.locator(TOOLTIP)
    box.wait_for(state="visible")
    lines = preview_lines(page)
    for want, got in zip(expected, lines):
        assert got.startswith(want), lines
    # announced: the link is described by the visible tooltip
    described = link.get_attribute("aria-describedby")
    assert described and page.locator(f"#{described}").is_visible()
    assert page.locator(f"#{described} .tippy-box[role=tooltip]").count() == 1


@pytest.mark.parametrize(("path", "selector", "expected"), LINKS)
def test_hover_shows_the_preview(open_page, site_url, path, selector, expected):
    page = open_page(path)
    link = page.locator(selector).first
    link.hover()
    assert_shows(page, link, expected)
    page.mouse.move(1, 1)
    page.locator(TOOLTIP).wait_for(state="detached")
    # nothing came from outside the site
    assert all(url.startswith(site_url) for url in page.kb_requests), page.kb_requests
    assert not page.kb_errors


@pytest.mark.parametrize(("path", "selector", "expected"), LINKS)
def test_focus_shows_and_escape_dismisses(open_page, path, selector, expected):
    page = open_page(path)
    link = page.locator(selector).first
    link.focus()
    assert_shows(page, link, expected)
    page.keyboard.press("Escape")
    page.locator(TOOLTIP).wait_for(state="detached")
    assert link.get_attribute("aria-describedby") is None


def overlap(a: dict, b: dict) -> bool:
    """Whether two bounding boxes (Playwright's x, y, width, height) intersect."""
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("where", ["top", "bottom"])
def test_a_card_never_covers_its_link(open_page, phone, where):
    """Below the link, or above it when the link is at the bottom of the window."""
    page = open_page("reviews/r2021.html", phone=phone)
    link = page.locator("#alphafold2 span.bibtex-citation a").first
    if where == "bottom":  # the window ends just below the link (the page is too short to scroll)
        bottom = link.bounding_box()["y"] + link.bounding_box()["height"]
        page.set_viewport_size({"width": page.viewport_size["width"], "height": int(bottom) + 30})
    link.focus()
    box = page.locator(TOOLTIP)
    box.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('[data-tippy-root] .tippy-box')"
                           ".getAnimations().length")  # positioned, not moving
    card, target = box.bounding_box(), link.bounding_box()
    assert not overlap(card, target), (card, target)
    assert (card["y"] >= target["y"] + target["height"]) == (where == "top"), (card, target)


def test_a_link_to_an_ordinary_page_shows_nothing_and_fails_nothing(open_page):
    page = open_page("index.html")
    link = page.locator("a.kb-previewable[href='references.html']").first
    link.hover()
    page.wait_for_load_state("networkidle")
    assert page.locator(TOOLTIP).count() == 0
    assert link.get_attribute("aria-describedby") is None
    assert not page.kb_errors


def test_first_tap_previews_second_follows_inside_a_phone_viewport(open_page, site_url):
    page = open_page("topics/ai-for-science.html", phone=True)
    link = page.locator("ul.kb-listing a[href='../reviews/r2021.html#alphafold2']").first
    link.scroll_into_view_if_needed()
    link.tap()
    box = page.locator(TOOLTIP)
    box.wait_for(state="visible")
    assert page.url == site_url + "topics/ai-for-science.html"  # not followed yet
    bounds = box.bounding_box()
    assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= PHONE["width"], bounds
    assert preview_lines(page)[1] == "AlphaFold2"
    with page.expect_navigation():
        link.tap()
    assert page.url == site_url + "reviews/r2021.html#alphafold2"


def test_a_tap_on_a_link_to_a_page_without_a_card_follows_it(open_page, site_url):
    """On a touch screen the first tap is held back to show a card; a page without one (an
    ordinary page, such as the paper index) is opened by that tap, not never."""
    page = open_page("index.html", phone=True)
    link = page.locator("a.kb-previewable[href='references.html']").first
    link.scroll_into_view_if_needed()
    with page.expect_navigation():
        link.tap()
    assert page.url == site_url + "references.html"
    assert page.locator(TOOLTIP).count() == 0


def test_a_shown_preview_passes_axe(open_page):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page("reviews/r2021.html")
    link = page.locator("#alphafold2 span.bibtex-citation a").first
    link.focus()
    page.locator(TOOLTIP).wait_for(state="visible")
    results = Axe().run(page).response
    serious = [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
    # alabaster (the test root's theme) has no issues of its own here; any is the preview's
    assert serious == []
