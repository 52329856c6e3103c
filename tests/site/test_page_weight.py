"""What a reader's browser downloads (issue 24), and the icons drawn without Font Awesome's
script and fonts (_templates/static/webpack-macros.html, _static/kb-icons.css).

The bytes are measured as the benchmark measures them (bench/page_weight.py: the real
site served and loaded in Chromium, each body counted as a compressing static host sends
it); what a page loads is fixed by the built site, so the budget is a plain assertion."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from browser import PHONE, PROJECT, SEARCH_RESULTS_SHOWN

sys.path.insert(0, str(PROJECT / "bench"))
import page_weight  # noqa: E402

pytestmark = pytest.mark.slow

ICON_FILES = re.compile(r"fontawesome|\.(woff2?|ttf|otf|eot)(\?|$)")
# the pages whose header, sidebars and footers show every kind of icon the theme draws
PAGES = ("reviews/hippocampus-garden/2022.html", "topics/index.html", "search.html?q=alphafold")


def test_a_review_page_and_the_next_page_are_within_the_budget(site_build, browser):
    weight = page_weight.measure(site_build, page_weight.REVIEW, page_weight.NEXT_PAGE, browser)
    report = page_weight.report([weight])
    assert 15 < weight.first.requests and weight.next is not None, report
    assert weight.first.total <= page_weight.FIRST_VISIT_BUDGET, report
    assert weight.next.total <= page_weight.NEXT_PAGE_BUDGET, report
    # the page itself and its style sheets are counted, compressed as a host sends them
    assert f"/{page_weight.REVIEW}" in weight.first.sizes
    assert weight.first.stored > weight.first.total
    assert not [url for url in weight.first.sizes if ICON_FILES.search(url)], report


def test_the_search_page_loads_no_icon_script_or_font(site_build, browser):
    weight = page_weight.measure(site_build, page_weight.SEARCH, browser=browser)
    assert any(url.endswith("pagefind.js") for url in weight.first.sizes)  # it searched
    assert not [url for url in weight.first.sizes if ICON_FILES.search(url)]


def test_every_icon_in_the_sites_markup_is_drawn(site_build):
    """Each Font Awesome icon named in any page (<i class="fa-solid fa-NAME">) is one that
    kb-icons.css draws; one it does not would fetch Font Awesome's font again."""
    style = (site_build / "_static" / "kb-icons.css").read_text(encoding="utf-8")
    drawn = set(re.findall(r"\.fa-([\w-]+) \{ --kb-icon", style))
    drawn |= {alias for selector in re.findall(r"^(.*) \{ --kb-icon", style, re.M)
              for alias in re.findall(r"\.fa-([\w-]+)", selector)}
    modifiers = {"solid", "regular", "brands", "lg", "fw", "xs", "sm", "xl", "2xl", "custom"}
    named: dict[str, str] = {}
    for path in site_build.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for classes in re.findall(r'<(?:i|span)\b[^>]*\bclass="([^"]*\bfa-[^"]*)"', text):
            for name in re.findall(r"(?<![\w-])fa-([\w-]+)", classes):
                if name not in modifiers:
                    named.setdefault(name, path.relative_to(site_build).as_posix())
    assert named and {"bars", "magnifying-glass", "github"} <= set(named)
    assert {name: page for name, page in named.items() if name not in drawn} == {}


# every visible icon element: (its classes, the mask its ::before draws, its size); every
# visible element or pseudo-element drawn with a Font Awesome font and some text
ICONS_SHOWN = """() => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible";
  const icons = [...document.querySelectorAll('i[class*="fa-"], span[class*="fa-"]')].filter(shown)
    .map((el) => { const before = getComputedStyle(el, "::before"); const box = el.getBoundingClientRect();
      return [el.className, before.maskImage || before.webkitMaskImage, box.width, box.height]; });
  const fonts = [];
  for (const el of document.querySelectorAll("*")) {
    if (!shown(el)) continue;
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      if (/Font Awesome/.test(style.fontFamily) && !["none", "normal", '""'].includes(style.content))
        fonts.push(`${el.tagName.toLowerCase()}.${el.className}${pseudo} ${style.content}`);
    }
  }
  return {icons, fonts};
}"""


def _check_icons(page) -> list[str]:
    found = page.evaluate(ICONS_SHOWN)
    assert found["icons"], "no icon shown"
    problems = [f"{classes}: no SVG ({mask}, {width}x{height})"
                for classes, mask, width, height in found["icons"]
                if "data:image/svg+xml" not in (mask or "") or width < 4 or height < 4]
    return problems + [f"drawn with an icon font: {what}" for what in found["fonts"]]


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
@pytest.mark.parametrize("path", PAGES)
def test_every_icon_shown_is_an_svg_and_none_uses_a_font(path, width, site_url, open_page):
    page = open_page(site_url + path, width=width, mode="dark" if width == 1280 else "light")
    if path.startswith("search.html"):
        page.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=15000)
    problems = _check_icons(page)
    # the repository button's menu (desktop) or the search dialog (phone), opened
    if width == 1280:
        page.locator(".article-header-buttons .dropdown-toggle").first.click()
        page.wait_for_selector(".article-header-buttons .dropdown-menu.show")
    else:
        page.get_by_role("button", name="Search").filter(visible=True).first.click()
        page.wait_for_selector("#pst-search-dialog[open]")
    problems += _check_icons(page)
    assert not (problems or page.kb_errors), "\n".join(problems + page.kb_errors)


def test_an_admonitions_icon_is_an_svg(site_build, open_page):
    """The search page opened from disk shows a warning admonition (the theme draws its
    icon in its style sheet, with a Font Awesome glyph, which kb-icons.css replaces)."""
    page = open_page((site_build / "search.html").as_uri())
    title = page.locator("#kb-search-offline .admonition-title")
    assert title.is_visible()
    after = title.evaluate("el => { const s = getComputedStyle(el, '::after');"
                           " return [s.maskImage || s.webkitMaskImage, s.content, s.width]; }")
    mask, content, width = after
    assert "data:image/svg+xml" in mask and content == '""', after
    assert float(width.removesuffix("px")) > 4, after


def test_the_icons_carry_their_licences_attribution():
    """Font Awesome Free's icons are CC BY 4.0: the file that holds them says whose they are."""
    style = (Path(PROJECT) / "_static" / "kb-icons.css").read_text(encoding="utf-8")
    assert re.search(r"Font Awesome Free [\d.]+ by Fonticons, Inc\.", style)
    assert "CC BY 4.0" in style
