"""Topic trend charts: their numbers against the listings, a single year said in a sentence,
the SVG written into the page in two layouts with the theme's colours and labels of at least
10 CSS px, series with equal counts told apart, drawings kept beside the doctrees and drawn
only when the data changes, and vector charts in the LaTeX/PDF output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import Build, add_issue_to_series, add_to_index, page, replace, touch
from kb.outputs import chart_drawing, charts

SVG = "{http://www.w3.org/2000/svg}"


# the `html` and `latex` fixtures: this root built once for the session (conftest);
# test_site checks that it builds without any warning. Its entries are all of 2021.
pytestmark = pytest.mark.sphinx(testroot="kb", confoverrides={"nitpicky": True})

# an issue of 2022: GANs, protein structure and AI for science (its parent) get a second year
ISSUE_OF_2022 = """---
kind: newsletter
date: 2022-03-01
series: weekly
issue: 230
topics: [gans]
summary: Issue 230.
---
# Weekly 230

```{kb:item} Another protein model
:kind: paper
:topics: protein-structure

Text.
```
"""
CHARTED = ["ai-for-science", "protein-structure", "gans"]


def add_a_year(src: Path) -> None:
    touch(src / "newsletters/n230.md", ISSUE_OF_2022)
    add_to_index(src, "newsletters/n230")


def charted_root(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parents[1] / "roots" / "test-kb", src,
                    ignore=shutil.ignore_patterns("_build"))
    add_a_year(src)
    return src


@pytest.fixture(scope="module")
def charted(tmp_path_factory) -> Build:
    """The kb root with an issue of 2022: three topics and the overview have charts."""
    built = Build(charted_root(tmp_path_factory.mktemp("charted")),
                  confoverrides={"nitpicky": True})
    assert not built.warnings, built.warnings
    return built


def numbers(table) -> list[list[str]]:
    return [[cell.get_text(strip=True) for cell in row.select("td")] for row in table.select("tbody tr")]


def listing_counts(soup) -> dict[str, Counter]:
    """year -> Counter of 'review' / 'newsletter' for the rows of a topic's listing."""
    found: dict[str, Counter] = {}
    listing = soup.select_one("div.kb-topic-listing")
    for heading in listing.select("h3.kb-listing-year"):
        rows = heading.find_next_sibling("ul").find_all("li", recursive=False)
        for row in rows:
            page_link = row.select_one("em a") or row.select_one("a")
            kind = "review" if "reviews/" in page_link["href"] else "newsletter"
            found.setdefault(heading.get_text(strip=True), Counter())[kind] += 1
    return found


@pytest.mark.parametrize("topic", CHARTED)
def test_trend_numbers_are_the_listing_counted_by_year_and_source(charted, topic):
    soup = charted.page(f"topics/{topic}")
    table = soup.select_one("table.kb-trend-numbers")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Year", "Year reviews", "Newsletter issues"]
    chart = {year: (int(r), int(n)) for year, r, n in numbers(table)}
    listed = listing_counts(soup)
    assert chart == {year: (c["review"], c["newsletter"]) for year, c in listed.items()}
    assert sorted(chart) == ["2021", "2022"]
    assert sum(r + n for r, n in chart.values()) == len(soup.select("ul.kb-listing > li"))


@pytest.mark.parametrize(("topic", "sentence"), [
    ("gans", "The one entry on GANs is from 2021, from a newsletter issue."),
    ("protein-structure", "Both entries on Protein structure prediction are from 2021: 1 from a "
                          "year review and 1 from a newsletter issue."),
    ("ai-for-science", "All 3 entries on AI for science are from 2021: 2 from year reviews and "
                       "1 from a newsletter issue."),
])
def test_a_single_year_is_a_sentence_not_a_chart(html, topic, sentence):
    soup = page(html, f"topics/{topic}")
    assert soup.select_one("p.kb-trend-single").get_text() == sentence
    assert soup.select_one("figure.kb-chart, svg, table.kb-trend-numbers") is None
    # the counts agree with the listing
    assert sum(listing_counts(soup)["2021"].values()) == len(soup.select("ul.kb-listing > li"))


def test_overview_compares_the_busiest_topics(html, charted):
    soup = page(html, "topics/index")  # all of 2021: a sentence, and the numbers
    assert soup.select_one("p.kb-trends-single").get_text() == (
        "Every entry on the 3 busiest topics is from 2021: AI for science (3), Protein structure "
        "prediction (2), GANs (1).")
    assert soup.select_one("figure.kb-chart") is None
    for built in (html, charted):
        soup = built.page("topics/index")
        rows = numbers(soup.select_one("table.kb-trends-numbers"))
        overview = {li.p.a.get_text(): li.p.get_text(" ", strip=True)
                    for li in soup.select("div.kb-topics-overview li")}
        assert [row[0] for row in rows] == ["AI for science", "Protein structure prediction",
                                            "GANs"]
        for title, *counts in rows:
            total = sum(map(int, counts))
            assert f"({total} {'entry' if total == 1 else 'entries'})" in overview[title]
    assert charted.page("topics/index").select_one("figure.kb-chart-trends svg")


# -- the drawing in the page ------------------------------------------------------------------


def test_chart_is_svg_in_the_page_in_two_layouts_named_by_its_text(charted):
    soup = charted.page("topics/ai-for-science")
    figure = soup.select_one("figure.kb-chart-trend")
    svgs = figure.find_all("svg", recursive=False)
    assert [svg["class"] for svg in svgs] == [["kb-chart-svg", "kb-chart-wide"],
                                              ["kb-chart-svg", "kb-chart-narrow"]]
    description = ("Entries on AI for science per year, from 2021 to 2022: 2 from year reviews "
                   "and 2 from newsletter issues. The busiest year is 2021, with 3.")
    for svg in svgs:
        assert svg["role"] == "img" and "width" not in svg.attrs and "height" not in svg.attrs
        title_id, desc_id = svg["aria-labelledby"].split()
        assert soup.find(id=title_id).get_text() == "Entries on AI for science per year"
        assert soup.find(id=desc_id).get_text() == description
        texts = {t.get_text() for t in svg.find_all("text")}  # text kept as text, not paths
        assert {"Year reviews", "Newsletter issues", "2021", "2022"} <= texts
        assert svg.find("style") is None and svg.find("metadata") is None
    assert "the numbers are in the table below" in figure.figcaption.get_text()
    # ids are unique in the page, and every reference to one finds it
    ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(ids) == len(set(ids))
    text = str(figure)
    assert set(re.findall(r'(?:url\(#|href="#)([^)"]+)', text)) <= set(ids)
    assert soup.select_one("img") is None or "kb-trend" not in str(soup.select("img"))
    assert not list((charted.outdir / "_images").glob("kb-*"))  # nothing published beside it


def test_colours_are_the_themes_css_variables_with_light_fallbacks():
    svg = chart_drawing.draw_trend(("T", ((2020, 1, 2), (2021, 0, 3))), "svg", "wide").decode()
    paints = re.findall(r"(?:fill|stroke):\s*([^;\"]+)", svg) + re.findall(
        r'(?:fill|stroke)="([^"]+)"', svg)
    colours = {p.strip() for p in paints if p.strip() not in ("none",) and
               not p.startswith("url(")}
    assert colours and all(c.startswith("var(--kb-chart-") for c in colours), colours
    assert "var(--kb-chart-first, #1f6fb2)" in colours
    assert "var(--kb-chart-second, #b35900)" in colours  # the newsletters' hatched bars
    assert "var(--kb-chart-ink, #24292f)" in svg  # the labels' text
    assert "#ffffff" not in svg.replace("var(--kb-chart-paper, #ffffff)", "")  # no white block
    css = (Path(charts.__file__).parents[1] / "static" / "kb-views.css").read_text()
    for name in chart_drawing.PALETTE:
        assert f"--kb-chart-{name}:" in css
    assert 'html[data-theme="dark"] .kb-chart {' in css


def rendered_label_sizes(svg: str, shown_width: float) -> list[float]:
    """The CSS px of every label when the SVG is shown `shown_width` CSS px wide."""
    root = ElementTree.fromstring(svg)
    view_width = float(root.get("viewBox").split()[2])
    sizes = [float(re.search(r"font-size:\s*([\d.]+)px", text.get("style")).group(1))
             for text in root.iter(f"{SVG}text")]
    assert sizes
    return [size * shown_width / view_width for size in sizes]


@pytest.mark.parametrize("kind", ["trend", "trends"])
def test_labels_are_at_least_10_css_px_wherever_a_layout_is_shown(kind):
    """kb-views.css shows `wide` in a figure of 540 CSS px or more, `narrow` below; a phone of
    390 px gives the figure 342 px, one of 320 px gives it 288."""
    data = (("T", ((2020, 1, 2), (2021, 0, 3))) if kind == "trend" else
            ((2020, 2021), (("A", (6, 1)), ("B", (6, 1)), ("C", (3, 3)))))
    draw = chart_drawing.DRAW[kind][0]
    assert min(rendered_label_sizes(draw(data, "svg", "wide").decode(), 540)) >= 10
    assert min(rendered_label_sizes(draw(data, "svg", "narrow").decode(), 288)) >= 10
    assert min(rendered_label_sizes(draw(data, "svg", "narrow").decode(), 342)) >= 11.5
    css = (Path(charts.__file__).parents[1] / "static" / "kb-views.css").read_text()
    assert "@container (max-width: 539.98px)" in css


def test_topics_with_equal_counts_are_two_panels_not_one_line_over_another():
    """The overview's Industry and Vision architectures both went 6 -> 1."""
    data = ((2021, 2022), (("Industry, funding & policy", (6, 1)), ("Vision architectures", (6, 1))))
    for layout in chart_drawing.LAYOUTS:
        root = ElementTree.fromstring(chart_drawing.draw_trends(data, "svg", layout))
        texts = [t.text for t in root.iter(f"{SVG}text")]  # a title of two lines: two texts
        assert "Industry, funding & policy" in " ".join(texts)
        assert "Vision architectures" in " ".join(texts)
        assert texts.count("6") == 2 and texts.count("1") == 2  # each point labelled, per panel
        lines = [p.get("d") for p in root.iter(f"{SVG}path")
                 if "stroke: var(--kb-chart-first" in (p.get("style") or "")
                 and "stroke-width: 1.8" in (p.get("style") or "")]
        assert len(lines) == 2 and lines[0] != lines[1]  # two lines, in two places


def test_many_years_are_labelled_without_crowding():
    data = ("T", tuple((2010 + n, n % 3, n % 4) for n in range(14)))
    for layout, most in (("wide", 12), ("narrow", 5)):
        root = ElementTree.fromstring(chart_drawing.draw_trend(data, "svg", layout))
        years = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("20")]
        assert years[-1] == "2023" and len(years) <= most


def test_drawing_is_deterministic():
    data = ("Topic <x> $5", ((2020, 1, 2), (2021, 0, 3)))
    for layout in chart_drawing.LAYOUTS:
        first = chart_drawing.draw_trend(data, "svg", layout)
        assert first == chart_drawing.draw_trend(data, "svg", layout)
        assert b"Topic &lt;x&gt; $5" in first and b"<dc:date>" not in first
    pdf = chart_drawing.draw_trend(data, "pdf")
    assert pdf.startswith(b"%PDF") and pdf == chart_drawing.draw_trend(data, "pdf")


# -- drawn once, kept beside the doctrees -------------------------------------------------------


def kept(build: Build) -> dict[str, int]:
    folder = Path(build.app.doctreedir) / charts.CACHE
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("kb-*.svg")}


def test_charts_are_drawn_only_when_their_data_changes(tmp_path):
    src = charted_root(tmp_path)
    first = Build(src)
    drawn = kept(first)
    assert len(drawn) == 8  # three topics and the overview, in two layouts

    Build(src)  # no-op
    assert kept(first) == drawn
    replace(src / "reviews/r2021.md", "Predicts structures", "Predicts protein structures")
    Build(src)  # text edit
    assert kept(first) == drawn

    add_issue_to_series(src)  # a new issue on GANs, with an item on GANs: two entries more
    after = Build(src)
    now = kept(after)
    new = sorted(set(now) - set(drawn))
    assert [name.split("-")[1] for name in new] == ["trend", "trend", "trends", "trends"]
    gone = set(drawn) - set(now)  # the old GANs and overview charts: no page shows them
    assert len(gone) == 4
    assert all(now[name] == drawn[name] for name in drawn if name not in gone)  # nothing redrawn
    clean = tmp_path / "clean"
    shutil.copytree(src, clean, ignore=shutil.ignore_patterns("_build"))
    assert set(kept(Build(clean))) == set(now)  # as a clean build
    gans = after.page("topics/gans")
    assert gans.select_one("figure.kb-chart svg desc").get_text().startswith(
        "Entries on GANs per year, from 2021 to 2022: 0 from year reviews and 4 from")
    assert numbers(gans.select_one("table.kb-trend-numbers")) == [["2021", "0", "3"],
                                                                  ["2022", "0", "1"]]


def test_a_new_matplotlib_writes_the_chart_pages_again(tmp_path, monkeypatch):
    """The page holds the drawing: what draws it changed, its data did not."""
    from kb.outputs import versions

    src = charted_root(tmp_path)
    first = Build(src)
    drawn = kept(first)
    installed = versions.package_version
    monkeypatch.setattr(versions, "package_version",
                        lambda name: "99.0" if name == "matplotlib" else installed(name))
    again = Build(src)
    assert {"topics/gans", "topics/index", "topics/ai-for-science"} <= again.written_docs
    assert "reviews/r2021" not in again.written_docs
    now = kept(again)
    assert sorted(now) == sorted(drawn) and all(now[n] != drawn[n] for n in drawn)
    assert Build(src).written_docs == set()  # and stamped: the next build writes nothing


def test_chart_files_earlier_versions_published_are_removed(tmp_path):
    src = charted_root(tmp_path)
    first = Build(src)
    images = first.outdir / "_images"
    images.mkdir(exist_ok=True)
    old = [images / "kb-trend-0123456789abcdef.svg", images / charts.LEGACY_STAMP]
    for path in old:
        path.write_text("old", encoding="utf-8")
    add_issue_to_series(src)
    Build(src)
    assert not any(path.exists() for path in old)


def test_a_new_matplotlib_draws_the_books_charts_again(tmp_path, monkeypatch):
    """The file names follow the charts' data; a new matplotlib draws them again under
    the same names."""
    from kb.outputs import versions

    src = charted_root(tmp_path)

    def pdf_charts(outdir: Path) -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in outdir.glob("kb-*.pdf")}

    first = pdf_charts(Build(src, "latex").outdir)
    assert len(first) == 4
    assert pdf_charts(Build(src, "latex").outdir) == first  # the same matplotlib: kept
    installed = versions.package_version
    monkeypatch.setattr(versions, "package_version",
                        lambda name: "99.0" if name == "matplotlib" else installed(name))
    again = pdf_charts(Build(src, "latex").outdir)
    assert sorted(again) == sorted(first)
    assert all(again[name] != first[name] for name in first)


def test_charts_can_be_switched_off(tmp_path):
    built = Build(charted_root(tmp_path), confoverrides={"kb_charts": False})
    assert not built.warnings
    assert built.page("topics/gans").select_one(".kb-chart-box, .kb-trend-single") is None
    assert built.page("topics/index").select_one(".kb-chart-box") is None
    assert not kept(built) and not list(built.outdir.rglob("kb-trend*"))


def test_latex_includes_each_chart_as_a_vector_pdf(tmp_path, latex):
    assert "sphinxincludegraphics" not in latex.tex  # a single year: no chart in the book
    assert "The one entry on GANs is from 2021, from a newsletter issue." in latex.tex
    built = Build(charted_root(tmp_path), "latex")
    charts_drawn = sorted(built.outdir.glob("kb-*.pdf"))
    assert len(charts_drawn) == 4
    for chart in charts_drawn:
        assert f"\\sphinxincludegraphics[width=0.9\\linewidth]{{{{{chart.name}}}}}" in built.tex
        assert chart.read_bytes().startswith(b"%PDF")
    assert "Entries on GANs per year" in built.tex  # the table's caption: the numbers, in print


@pytest.mark.slow
def test_the_pdf_carries_the_charts_as_vector_graphics(tmp_path):
    tools = ("latexmk", "pdflatex", "pdfimages", "pdftotext", "pdffonts")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the PDF test needs {', '.join(missing)}")
        pytest.skip(f"the PDF test needs {', '.join(missing)}")
    outdir = Build(charted_root(tmp_path), "latex").outdir  # its own: make writes into it
    subprocess.run(["make", "-C", str(outdir), "all-pdf"], check=True, capture_output=True,
                   env={**os.environ, "LATEXOPTS": "-interaction=nonstopmode -halt-on-error",
                        "LATEXMKOPTS": "-silent"}, timeout=300)
    pdf = outdir / "projectnamenotset.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    # three tables' headers and three charts' legends: the charts' text is text in the PDF
    assert text.count("Newsletter issues") == 6
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    assert "DejaVuSans" in fonts  # the charts' own font, embedded with them
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                            text=True).stdout.splitlines()
    assert len(images) == 2, images  # the header lines only: no raster image anywhere
