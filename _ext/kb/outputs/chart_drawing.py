"""Topic trend charts drawn with matplotlib: SVG for the HTML, PDF for the book.

Pure Python (no Sphinx). The input is a view's data (views.data.topic_trend,
views.data.topic_trends); the output is bytes, the same bytes for the same data on
every run (no dates, ids salted with the chart's digest, text kept as text), so a
chart's file name can be the digest of its data and a chart is drawn only when that
changes. matplotlib is imported only when a chart is drawn: a build that draws nothing
does not pay for it.

Each chart has two layouts (LAYOUTS), drawn with the same type size: `wide` for a column
of 540 CSS px or more (and the book), `narrow` for a phone, so a label is at least 10 CSS
px wherever it is shown (kb-views.css picks the layout by the figure's width). The SVG is
written into the page (`inline_svg`), its colours CSS variables whose fallbacks are the
light colours (PALETTE), so the chart follows the page's light or dark theme; the PDF
keeps the light colours.

- A topic's chart stacks its entries per year by source, each bar labelled with its total.
- The overview compares the busiest topics as small multiples, one panel a topic on the
  same scale, each point labelled with its value: two topics with the same counts stay two
  panels, not one line over another.
- A single year is no chart (`has_chart`): render.py says it in a sentence.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
from html import escape
from typing import Any, NamedTuple

# name -> the light colour, in the PDF and as the SVG's fallback; in the page each is the
# CSS variable --kb-chart-<name> (kb-views.css: the theme's colours, light and dark). The
# reviews' bars are solid, the newsletters' hatched, so colour is not the only difference.
PALETTE = {"ink": "#24292f", "muted": "#57606a", "grid": "#d0d7de", "paper": "#ffffff",
           "first": "#1f6fb2", "second": "#b35900"}
FONT_SIZE = 9  # points; in the SVG, 1pt is one unit of the viewBox
FONTS = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"


class Layout(NamedTuple):
    """A chart's size in inches (the SVG's viewBox is 72 units an inch), the panels a row of
    the overview has, and the most year labels an axis shows."""

    width: float
    height: float  # of a topic's chart; the overview's grows with its rows
    columns: int
    ticks: int


# `wide` is shown in a column of 540 CSS px or more: 9pt at 540 / (6.4 * 72) is 10.5 px;
# `narrow` below: 9pt at 342 / (3.6 * 72) is 11.9 px, at a 320 px phone's 288 px, 10 px
LAYOUTS = {"wide": Layout(6.4, 2.6, 3, 12), "narrow": Layout(3.6, 2.6, 2, 5)}


def has_chart(kind: str, data: Any) -> bool:
    """Whether a view's data makes a chart: entries (or topics) over two years or more."""
    if not data:
        return False
    years = [row[0] for row in data[1]] if kind == "trend" else list(data[0])
    return len(years) >= 2 and (kind == "trend" or bool(data[1]))


def digest(data: Any) -> str:
    """A short digest of a chart's data: its file name, so it is drawn only when this changes."""
    return hashlib.sha256(repr(data).encode()).hexdigest()[:16]


def _entries(n: int) -> str:
    return f"{n} {'entry' if n == 1 else 'entries'}"


def trend_summary(data: tuple) -> tuple[str, str]:
    """(title, description) of a topic's trend chart, in words: its text alternative, and,
    for a single year, what the page says instead of a chart."""
    title, years = data
    total_reviews = sum(r for _, r, _ in years)
    total_newsletters = sum(n for _, _, n in years)
    head = f"Entries on {title} per year"
    if not years:
        return head, f"No dated entries on {title} yet."
    sources = (f"{total_reviews} from year reviews and {total_newsletters} from newsletter "
               "issues")
    if len(years) == 1:
        return head, _one_year(title, years[0][0], total_reviews, total_newsletters)
    peak = max(years, key=lambda row: (row[1] + row[2], row[0]))
    return head, (
        f"Entries on {title} per year, from {years[0][0]} to {years[-1][0]}: {sources}. "
        f"The busiest year is {peak[0]}, with {peak[1] + peak[2]}.")


def _one_year(title: str, year: int, reviews: int, newsletters: int) -> str:
    """'All 3 entries on GANs are from 2021: 2 from year reviews and 1 from a newsletter
    issue.', 'The one entry on GANs is from 2021, from a newsletter issue.'"""
    def source(count: int, one: str, many: str) -> str:
        return f"{count} from {one if count == 1 else many}"

    total = reviews + newsletters
    every = {1: "The one entry", 2: "Both entries"}.get(total, f"All {total} entries")
    head = f"{every} on {title} {'is' if total == 1 else 'are'} from {year}"
    if reviews and newsletters:
        return (f"{head}: {source(reviews, 'a year review', 'year reviews')} and "
                f"{source(newsletters, 'a newsletter issue', 'newsletter issues')}.")
    if total == 1:
        return f"{head}, from {'a year review' if reviews else 'a newsletter issue'}."
    return f"{head}, from {'year reviews' if reviews else 'newsletter issues'}."


def trends_summary(data: tuple) -> tuple[str, str]:
    years, topics = data
    head = "Entries per year on the busiest topics"
    if not years or not topics:
        return head, "No dated entries yet."
    names = ", ".join(f"{title} ({sum(counts)})" for title, counts in topics)
    if len(years) == 1:
        return head, (f"Every entry on the {len(topics)} busiest topics is from {years[0]}: "
                      f"{names}.")
    return head, (f"Entries per year from {years[0]} to {years[-1]} on the "
                  f"{len(topics)} busiest topics, one panel each: {names}.")


# -- drawing --------------------------------------------------------------------------------


def import_drawing() -> None:
    """Import what draws a chart (matplotlib, its SVG and PDF writers): where forked
    processes write the pages, once in the process they are forked from, instead of once
    in each of them (charts.py)."""
    import matplotlib.backends.backend_pdf  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.figure  # noqa: F401


def _figure(layout: Layout, height: float, salt: str) -> Any:
    """A matplotlib Figure of its own (not pyplot's: nothing global to close)."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({
        "svg.hashsalt": salt,  # ids fixed by the chart, and apart from another chart's
        "svg.fonttype": "none",  # text stays text: searchable, and no font paths
        "pdf.fonttype": 42,  # TrueType in the PDF: vector, selectable text
        "text.parse_math": False,  # a '$' in a topic's title is a dollar sign
        "font.family": "DejaVu Sans",
        "font.size": FONT_SIZE,
        "text.color": PALETTE["ink"],
        "axes.labelcolor": PALETTE["ink"],
        "axes.edgecolor": PALETTE["muted"],
        "xtick.color": PALETTE["muted"],
        "ytick.color": PALETTE["muted"],
        "xtick.labelcolor": PALETTE["ink"],
        "ytick.labelcolor": PALETTE["ink"],
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.color": PALETTE["paper"],
    })
    return Figure(figsize=(layout.width, height), facecolor="none")


def _year_ticks(axes: Any, years: list[int], most: int) -> None:
    """Every year labelled, or every n-th back from the latest where they would crowd."""
    step = max(1, math.ceil(len(years) / most))
    shown = years[::-step][::-1]
    axes.set_xticks(shown, [str(y) for y in shown])
    axes.set_xlim(years[0] - 0.6, years[-1] + 0.6)


def _margins(figure: Any, layout: Layout, left: float, bottom: float, top: float) -> None:
    """Margins in inches (fixed, not bbox_inches="tight", which draws the figure twice)."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=left / width, right=1 - 0.12 / width,
                           bottom=bottom / height, top=1 - top / height)


def draw_trend(data: tuple, fmt: str, layout: str = "wide") -> bytes:
    """Entries on one topic per year, stacked by source: year reviews, newsletter issues."""
    title, rows = data
    shape = LAYOUTS[layout]
    years = [y for y, _, _ in rows]
    reviews = [r for _, r, _ in rows]
    newsletters = [n for _, _, n in rows]
    totals = [r + n for r, n in zip(reviews, newsletters)]
    figure = _figure(shape, shape.height, f"kb-{digest(data)}-{layout}")
    _margins(figure, shape, left=0.45, bottom=0.32, top=0.08)
    axes = figure.subplots()
    axes.set_facecolor("none")
    width = 0.6 if len(years) > 3 else 0.4  # a year or two: narrow bars, not a wall
    axes.bar(years, reviews, width, color=PALETTE["first"], label="Year reviews")
    axes.bar(years, newsletters, width, bottom=reviews, color=PALETTE["second"], hatch="//",
             edgecolor=PALETTE["paper"], linewidth=0, label="Newsletter issues")
    for year, total in zip(years, totals):
        axes.annotate(str(total), (year, total), xytext=(0, 2), textcoords="offset points",
                      ha="center", va="bottom")
    _year_ticks(axes, years, shape.ticks)
    axes.set_ylabel("Entries")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max(totals + [1]) * 1.45)  # room for the totals and the legend
    axes.legend(frameon=False, loc="upper left", ncols=2, handlelength=1.2, columnspacing=1.0,
                borderaxespad=0.2)
    return _save(figure, fmt, layout, data, *trend_summary(data))


def draw_trends(data: tuple, fmt: str, layout: str = "wide") -> bytes:
    """Entries per year on the busiest topics: a panel each, on one scale, points labelled."""
    years, topics = data
    shape = LAYOUTS[layout]
    rows = math.ceil(len(topics) / shape.columns)
    panel = 1.55  # inches a row: two lines of title, the plot, the year labels
    figure = _figure(shape, rows * panel + 0.1, f"kb-{digest(data)}-{layout}")
    _margins(figure, shape, left=0.4, bottom=0.25, top=0.42)
    figure.subplots_adjust(hspace=0.75, wspace=0.12)  # between rows: a two-line title
    grid = figure.subplots(rows, shape.columns, sharey=True, squeeze=False)
    peak = max([c for _, counts in topics for c in counts] + [1])
    chars = 26 if layout == "wide" else 19  # a panel's width in characters of its title
    for n, axes in enumerate(grid.flat):
        if n >= len(topics):
            axes.set_visible(False)
            continue
        title, counts = topics[n]
        axes.set_facecolor("none")
        axes.grid(axis="y", color=PALETTE["grid"], linewidth=0.6)
        axes.set_axisbelow(True)
        axes.plot(years, counts, color=PALETTE["first"], marker="o", markersize=4, linewidth=1.8)
        for year, count in zip(years, counts):
            if len(years) <= 4 or year in (years[0], years[-1]) or count == max(counts):
                axes.annotate(str(count), (year, count), xytext=(0, 4),
                              textcoords="offset points", ha="center", va="bottom")
        lines = textwrap.wrap(title, chars)
        if len(lines) > 2:  # the whole title is in the table and the text alternative
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), chars, placeholder="…")]
        axes.set_title("\n".join(lines), loc="left", fontsize=FONT_SIZE, pad=4)
        _year_ticks(axes, list(years), max(2, shape.ticks // shape.columns + 1))
        axes.set_ylim(0, peak * 1.35)
        axes.yaxis.get_major_locator().set_params(integer=True, nbins=3)
        axes.tick_params(axis="y", labelleft=n % shape.columns == 0)
    return _save(figure, fmt, layout, data, *trends_summary(data))


# -- output -----------------------------------------------------------------------------------


def _save(figure: Any, fmt: str, layout: str, data: Any, title: str, description: str) -> bytes:
    out = io.BytesIO()
    if fmt == "svg":
        metadata = {"Date": None}
    else:
        metadata = {"CreationDate": None, "ModDate": None, "Title": title, "Subject": description}
    figure.savefig(out, format=fmt, metadata=metadata, transparent=True)
    drawn = out.getvalue()
    if fmt != "svg":
        return drawn
    return inline_svg(drawn.decode("utf-8"), f"kb-chart-{digest(data)}-{layout}", layout,
                      title, description).encode("utf-8")


_COLOURS = {hex_: f"var(--kb-chart-{name}, {hex_})" for name, hex_ in PALETTE.items()}
_PAINT = re.compile(r'\b(style|fill|stroke)="([^"]*)"')
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def inline_svg(svg: str, prefix: str, layout: str, title: str, description: str) -> str:
    """matplotlib's SVG as an element of the page: its palette's colours as CSS variables, no
    XML prolog, metadata or page-wide <style>, no size of its own (kb-views.css scales it to
    the column), only the ids something refers to, its name from <title> and <desc>."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    # `*{stroke-linejoin: round; ...}`: in a page, a <style> applies to the whole page
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = _PAINT.sub(lambda m: f'{m[1]}="{_HEX.sub(lambda h: _COLOURS.get(h[0].lower(), h[0]), m[2])}"',
                     svg)
    referred = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    svg = re.sub(r'\sid="([^"]+)"', lambda m: m[0] if m[1] in referred else "", svg)
    # a reader without DejaVu Sans gets a font as wide (Verdana), or their sans-serif
    svg = svg.replace("font-family: 'DejaVu Sans'", f"font-family: {FONTS}")
    svg = re.sub(r"\s*\n\s*", " ", svg)
    svg = re.sub(r">\s+<", "><", svg)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    start = svg.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:start])
    head = head.replace("<svg", f'<svg class="kb-chart-svg kb-chart-{layout}" role="img" '
                        f'aria-labelledby="{prefix}-title {prefix}-desc"', 1)
    name = (f'<title id="{prefix}-title">{escape(title)}</title>'
            f'<desc id="{prefix}-desc">{escape(description)}</desc>')
    return head + ">" + name + svg[start + 1:]


DRAW = {"trend": (draw_trend, trend_summary), "trends": (draw_trends, trends_summary)}
