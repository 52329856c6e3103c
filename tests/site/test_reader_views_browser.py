"""The reader's charts, cards, tables and indexes on the real site in headless Chromium (issue
24): chart labels measured as rendered on a phone, colours and contrast in dark mode, the
Codex card (58 authors) bounded and clear of its link, the indexes' jump bars, and axe-core
in dark mode with a card shown. Fixtures: tests/browser.py."""

from __future__ import annotations

import pytest
from browser import PHONE

pytestmark = pytest.mark.slow

TOOLTIP = "[data-tippy-root] .tippy-box"
OVERVIEW = "topics/index.html"
TOPIC = "topics/vision-architectures.html"  # entries in 2021 and 2022: a chart
REVIEW = "reviews/hippocampus-garden/2021-applications.html"
CODEX = "a[href$='references.html#paper-chen2021codex']"

# WCAG's contrast of two CSS colours, each over the page's own background where it is not opaque
CONTRAST_JS = """
(function () {
  function rgba(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) { return null; }
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function background(el) {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c && c[3] > 0.5) { return c; }
    }
    return rgba(getComputedStyle(document.body).backgroundColor);
  }
  function luminance(c) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }
  function contrast(a, b) {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  }
  window.kbContrast = function (el, property) {
    const colour = rgba(getComputedStyle(el)[property]);
    return colour ? contrast(colour, background(el)) : null;
  };
  window.kbLuminance = function (text) { const c = rgba(text); return c ? luminance(c) : null; };
})();
"""

SHOWN_CHART = "figure.kb-chart svg.kb-chart-svg >> visible=true"


def label_sizes(page) -> list[float]:
    """The rendered size of every label of the chart shown, in CSS px: its font size times
    the scale the SVG is drawn at (a rotated label's too: the length of its x axis)."""
    return page.locator(SHOWN_CHART).first.evaluate(
        "svg => [...svg.querySelectorAll('text')].map(t => { const m = t.getScreenCTM();"
        " return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); })")


@pytest.mark.parametrize("path", [OVERVIEW, TOPIC])
@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_chart_labels_are_at_least_10_css_px(site_url, open_page, path, width):
    page = open_page(site_url + path, width=width)
    figure = page.locator("figure.kb-chart").first
    figure.scroll_into_view_if_needed()
    shown = page.locator(SHOWN_CHART)
    assert shown.count() == 1  # one layout of the two
    layout = "narrow" if width == PHONE["width"] else "wide"
    assert f"kb-chart-{layout}" in shown.first.get_attribute("class")
    sizes = label_sizes(page)
    assert len(sizes) >= 8 and min(sizes) >= 10, sizes
    box = shown.first.bounding_box()
    assert box["width"] <= page.viewport_size["width"]
    page.kb_screenshot(f"chart-{path.replace('/', '-')}-{width}")


@pytest.mark.parametrize("path", [OVERVIEW, TOPIC])
def test_charts_follow_dark_mode(site_url, open_page, path):
    colours = {}
    for mode in ("light", "dark"):
        page = open_page(site_url + path, mode=mode)
        page.add_script_tag(content=CONTRAST_JS)
        chart = page.locator(SHOWN_CHART).first
        chart.scroll_into_view_if_needed()
        found = chart.evaluate("""svg => {
          const texts = [...svg.querySelectorAll('text')];
          const painted = [...svg.querySelectorAll('path, rect, use')].filter(el => {
            const fill = getComputedStyle(el).fill;
            return fill && fill !== 'none' && !fill.startsWith('url');
          });
          // the bars, lines and points: what is painted in a series' colour
          const series = [...svg.querySelectorAll('[style*="--kb-chart-first"],'
                                                  + '[style*="--kb-chart-second"]')]
            .filter(el => !el.closest('defs'));  // a marker's shape, painted where it is used
          const area = svg.getBoundingClientRect();
          return {
            text: getComputedStyle(texts[0]).fill,
            textContrast: Math.min(...texts.map(t => kbContrast(t, 'fill'))),
            // a mark that covers most of the chart is a background of its own
            blocks: painted.filter(el => { const b = el.getBoundingClientRect();
              return b.width * b.height > 0.5 * area.width * area.height; }).length,
            series: series.map(el => kbContrast(el,
              getComputedStyle(el).fill === 'none' ? 'stroke' : 'fill')),
          };
        }""")
        assert found["blocks"] == 0, found
        assert found["textContrast"] >= 4.5, (mode, found)
        # WCAG's 3:1 for graphics, against the page's background
        assert found["series"] and min(found["series"]) >= 3, (mode, found)
        colours[mode] = found["text"]
        page.kb_screenshot(f"chart-{path.replace('/', '-')}-{mode}")
    assert colours["light"] != colours["dark"]  # the labels follow the theme


def test_tables_and_text_are_readable_in_dark_mode(site_url, open_page):
    page = open_page(site_url + TOPIC, mode="dark")
    page.add_script_tag(content=CONTRAST_JS)
    cells = page.locator("table.kb-chart-table th, table.kb-chart-table td")
    assert cells.count() >= 6
    contrasts = cells.evaluate_all("cells => cells.map(c => kbContrast(c, 'color'))")
    assert min(contrasts) >= 4.5, contrasts
    caption = page.locator("figure.kb-chart figcaption").first
    assert caption.evaluate("c => kbContrast(c, 'color')") >= 4.5


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def shown_card(page, link) -> dict:
    box = page.locator(TOOLTIP)
    box.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('[data-tippy-root] .tippy-box')"
                           ".getAnimations().length")  # placed, not moving
    return box.bounding_box()


@pytest.mark.parametrize("where", ["middle", "bottom"])
@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_the_codex_card_is_bounded_and_never_covers_its_link(site_url, open_page, width, where):
    """Codex has 58 authors: the card names three 'and 55 others', and sits below the link,
    or above it when the link is near the bottom of the window."""
    page = open_page(site_url + REVIEW, width=width)
    link = page.locator(CODEX).first
    height = page.viewport_size["height"]
    link.evaluate("(el, [where, height]) => window.scrollBy(0, el.getBoundingClientRect().top"
                  " - (where === 'middle' ? height / 2 : height - 70))", [where, height])
    if width == PHONE["width"]:
        link.focus()  # (a tap on a phone shows it too: test_previews_browser.py)
    else:
        link.hover()
    card, target = shown_card(page, link), link.bounding_box()
    assert not overlap(card, target), (card, target)
    if where == "bottom":
        assert card["y"] + card["height"] <= target["y"], (card, target)
    assert card["width"] <= 22 * 16 + 2 and card["height"] <= min(20 * 16, 0.45 * height) + 12
    lines = page.locator(f"{TOOLTIP} .kb-preview p").all_inner_texts()
    assert lines[:3] == ["Cited work · 2021", "Evaluating Large Language Models Trained on Code",
                         "Mark Chen, Jerry Tworek, Heewoo Jun and 55 others"], lines
    page.kb_screenshot(f"card-codex-{width}-{where}")


def test_dark_mode_journey_charts_cards_and_tables(site_url, open_page):
    """In dark mode, a reader reads a review's citation card, then the topics overview's
    chart and table: each readable, and axe-core finds no serious violation with the card
    shown."""
    page = open_page(site_url + REVIEW, mode="dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.add_script_tag(content=CONTRAST_JS)
    link = page.locator(CODEX).first
    link.scroll_into_view_if_needed()
    link.focus()
    shown_card(page, link)
    card = page.locator(f"{TOOLTIP} .kb-preview-title")
    assert card.evaluate("el => kbContrast(el, 'color')") >= 4.5
    assert page.locator(TOOLTIP).evaluate(
        "el => kbLuminance(getComputedStyle(el).backgroundColor)") < 0.1  # a dark card
    violations = page.kb_axe()
    page.kb_screenshot("journey-dark-card")
    assert not (page.kb_errors or violations), "\n".join(page.kb_errors + violations)
    page.keyboard.press("Escape")
    page.locator(TOOLTIP).wait_for(state="detached")

    page.goto(site_url + OVERVIEW)
    page.add_script_tag(content=CONTRAST_JS)
    chart = page.locator(SHOWN_CHART).first
    chart.scroll_into_view_if_needed()
    assert chart.evaluate("svg => Math.min(...[...svg.querySelectorAll('text')]"
                          ".map(t => kbContrast(t, 'fill')))") >= 4.5
    cells = page.locator("table.kb-trends-numbers td")
    assert min(cells.evaluate_all("cs => cs.map(c => kbContrast(c, 'color'))")) >= 4.5
    violations = page.kb_axe()
    page.kb_screenshot("journey-dark-overview")
    assert not (page.kb_errors or violations), "\n".join(page.kb_errors + violations)


@pytest.mark.parametrize(("path", "label", "target"), [
    ("authors.html", "Ž", "letter-u017d"),
    ("references.html", "2016", "year-2016"),
])
def test_a_reader_jumps_to_a_letter_or_a_year_on_a_phone(site_url, open_page, path, label,
                                                         target):
    page = open_page(site_url + path, width=PHONE["width"])
    jump = page.locator(".kb-jump-bar a", has_text=label).first
    # the jump bar's links get no card (tippy marks each link it serves with `_tippy`); after
    # the jump the pointer may rest on a work's link, whose card may show
    assert jump.evaluate("a => a._tippy === undefined")
    jump.click()
    page.wait_for_function(f"location.hash === '#{target}'")
    heading = page.locator(f"#{target}")
    assert heading.inner_text() == label
    page.wait_for_function("id => { const r = document.getElementById(id)"
                           ".getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
                           arg=target)
