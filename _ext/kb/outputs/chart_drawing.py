"""Topic trend charts drawn with matplotlib: SVG for the HTML, PDF for the book.

Pure Python (no Sphinx). The input is a view's data (views.data.topic_trend,
views.data.topic_trends); the output is bytes, the same bytes for the same data on
every run (no dates, fixed ids, text kept as text in the SVG), so a chart's file
name can be the digest of its data and a chart is drawn only when that changes.
matplotlib is imported only when a chart is drawn: a build that draws nothing
does not pay for it.
"""

from __future__ import annotations

import hashlib
import io
from html import escape
from typing import Any

# colours readable on white and told apart without colour by their hatching/markers
REVIEW_COLOUR, NEWSLETTER_COLOUR = "#1f6fb2", "#e08a1e"
LINE_STYLES = [("#1f6fb2", "o", "-"), ("#e08a1e", "s", "--"), ("#2a9d55", "^", "-."),
               ("#b8336a", "D", ":"), ("#6c4ab6", "v", "-"), ("#5b5b5b", "P", "--"),
               ("#0f8b8d", "X", "-."), ("#a0522d", "*", ":")]


def has_chart(kind: str, data: Any) -> bool:
    """Whether a view's data makes a chart: a topic with dated entries, or topics to compare."""
    return bool(data) and bool(data[1]) and (kind == "trend" or bool(data[0]))


def digest(data: Any) -> str:
    """A short digest of a chart's data: its file name, so it is drawn only when this changes."""
    return hashlib.sha256(repr(data).encode()).hexdigest()[:16]


def trend_summary(data: tuple) -> tuple[str, str]:
    """(title, description) of a topic's trend chart, in words, for the text alternative."""
    title, years = data
    total_reviews = sum(r for _, r, _ in years)
    total_newsletters = sum(n for _, _, n in years)
    head = f"Entries on {title} per year"
    if not years:
        return head, f"No dated entries on {title} yet."
    peak = max(years, key=lambda row: (row[1] + row[2], row[0]))
    return head, (
        f"Entries on {title} per year, from {years[0][0]} to {years[-1][0]}: "
        f"{total_reviews} from year reviews and {total_newsletters} from newsletter issues. "
        f"The busiest year is {peak[0]}, with {peak[1] + peak[2]}.")


def trends_summary(data: tuple) -> tuple[str, str]:
    years, topics = data
    head = "Entries per year on the busiest topics"
    if not years or not topics:
        return head, "No dated entries yet."
    names = ", ".join(f"{title} ({sum(counts)})" for title, counts in topics)
    return head, (f"Entries per year from {years[0]} to {years[-1]} on the "
                  f"{len(topics)} busiest topics: {names}.")


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure of its own (not pyplot's: nothing global to close)."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({
        "svg.hashsalt": "kb-charts",  # fixed ids: the same SVG on every run
        "svg.fonttype": "none",  # text stays text: searchable, and no font paths
        "pdf.fonttype": 42,  # TrueType in the PDF: vector, selectable text
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return Figure(figsize=(width, height))


def _save(figure: Any, fmt: str, title: str, description: str) -> bytes:
    out = io.BytesIO()
    if fmt == "svg":
        metadata = {"Date": None}  # title and description: added by _accessible_svg
    else:
        metadata = {"CreationDate": None, "ModDate": None, "Title": title, "Subject": description}
    # fixed margins (set by each chart), not bbox_inches="tight": that draws the figure twice
    figure.savefig(out, format=fmt, metadata=metadata, facecolor="white")
    data = out.getvalue()
    if fmt == "svg":
        data = _accessible_svg(data, title, description)
    return data


def _accessible_svg(data: bytes, title: str, description: str) -> bytes:
    """role="img", with <title> and <desc> first, so the file names itself when opened alone."""
    text = data.decode("utf-8")
    start = text.index("<svg")
    end = text.index(">", start)
    head = text[start:end].replace("<svg", '<svg role="img" aria-labelledby="kb-chart-title '
                                   'kb-chart-desc"', 1)
    body = (f'<title id="kb-chart-title">{escape(title)}</title>'
            f'<desc id="kb-chart-desc">{escape(description)}</desc>')
    return (text[:start] + head + ">" + body + text[end + 1:]).encode("utf-8")


def draw_trend(data: tuple, fmt: str) -> bytes:
    """Entries on one topic per year, stacked by source: year reviews, newsletter issues."""
    title, rows = data
    years = [str(y) for y, _, _ in rows]
    reviews = [r for _, r, _ in rows]
    newsletters = [n for _, _, n in rows]
    figure = _figure(6.0, 2.4)
    figure.subplots_adjust(left=0.1, right=0.98, bottom=0.12, top=0.97)
    axes = figure.subplots()
    axes.bar(years, reviews, color=REVIEW_COLOUR, label="Year reviews")
    axes.bar(years, newsletters, bottom=reviews, color=NEWSLETTER_COLOUR, hatch="//",
             edgecolor="white", label="Newsletter issues")
    pad = max(0.0, (4 - len(years)) / 2)  # a year or two: narrow bars, not a wall
    axes.set_xlim(-0.5 - pad, len(years) - 0.5 + pad)
    axes.set_ylabel("Entries")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, loc="upper left", ncols=2)
    axes.set_ylim(0, max([r + n for r, n in zip(reviews, newsletters)] + [1]) * 1.3)
    return _save(figure, fmt, *trend_summary(data))


def draw_trends(data: tuple, fmt: str) -> bytes:
    """Entries per year on the busiest topics, one line each."""
    years, topics = data
    figure = _figure(6.4, 4.0)
    figure.subplots_adjust(left=0.09, right=0.98, bottom=0.36, top=0.97)
    axes = figure.subplots()
    labels = [str(y) for y in years]
    for (title, counts), (colour, marker, style) in zip(topics, LINE_STYLES * 4):
        axes.plot(labels, counts, color=colour, marker=marker, linestyle=style, label=title)
    axes.set_ylabel("Entries")
    axes.yaxis.get_major_locator().set_params(integer=True)
    # below the plot, in two columns: long topic names fit the figure's width
    axes.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2)
    return _save(figure, fmt, *trends_summary(data))


DRAW = {"trend": (draw_trend, trend_summary), "trends": (draw_trends, trends_summary)}
