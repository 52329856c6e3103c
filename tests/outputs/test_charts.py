"""Topic trend charts: their numbers against the listings, their text alternative, their
files (drawn only when the data changes), and vector charts in the LaTeX/PDF output."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import Build, add_issue_to_series, page, replace
from kb.outputs import chart_drawing

SVG = "{http://www.w3.org/2000/svg}"


# the `html` and `latex` fixtures: this root built once for the session (conftest);
# test_site checks that it builds without any warning
pytestmark = pytest.mark.sphinx(testroot="kb", confoverrides={"nitpicky": True})


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


@pytest.mark.parametrize("topic", ["ai-for-science", "protein-structure", "gans"])
def test_trend_numbers_are_the_listing_counted_by_year_and_source(html, topic):
    soup = page(html, f"topics/{topic}")
    table = soup.select_one("table.kb-trend-numbers")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Year", "Year reviews", "Newsletter issues"]
    chart = {year: (int(r), int(n)) for year, r, n in numbers(table)}
    listed = listing_counts(soup)
    assert chart == {year: (c["review"], c["newsletter"]) for year, c in listed.items()}
    assert sum(r + n for r, n in chart.values()) == len(soup.select("ul.kb-listing > li"))


def test_overview_chart_compares_the_busiest_topics(html):
    soup = page(html, "topics/index")
    rows = numbers(soup.select_one("table.kb-trends-numbers"))
    overview = {li.p.a.get_text(): li.p.get_text(" ", strip=True)
                for li in soup.select("div.kb-topics-overview li")}
    assert [row[0] for row in rows] == ["AI for science", "Protein structure prediction", "GANs"]
    for title, *counts in rows:
        total = sum(map(int, counts))
        assert f"({total} {'entry' if total == 1 else 'entries'})" in overview[title]


def svg_of(app, soup, selector):
    img = soup.select_one(f"{selector} img")
    path = (Path(app.outdir) / "topics" / img["src"]).resolve()
    return img, path, ElementTree.parse(path).getroot()


def test_chart_is_an_svg_image_with_a_text_alternative(html):
    soup = page(html, "topics/ai-for-science")
    img, path, root = svg_of(html, soup, "figure.kb-chart-trend")
    assert path.parent.name == "_images" and path.name.startswith("kb-trend-")
    assert img["alt"] == ("Entries on AI for science per year, from 2021 to 2021: 2 from year "
                          "reviews and 1 from newsletter issues. The busiest year is 2021, with 3.")
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Entries on AI for science per year"
    assert root.find(f"{SVG}desc").text == img["alt"]
    texts = {t.text for t in root.iter(f"{SVG}text")}  # text kept as text, not paths
    assert {"Year reviews", "Newsletter issues", "2021"} <= texts
    assert "the numbers are in the table below" in soup.select_one("figure figcaption").get_text()


def test_drawing_is_deterministic():
    data = ("Topic <x>", ((2020, 1, 2), (2021, 0, 3)))
    first, second = chart_drawing.draw_trend(data, "svg"), chart_drawing.draw_trend(data, "svg")
    assert first == second
    assert b"Topic &lt;x&gt;" in first and b"<dc:date>" not in first
    pdf = chart_drawing.draw_trend(data, "pdf")
    assert pdf.startswith(b"%PDF") and pdf == chart_drawing.draw_trend(data, "pdf")


def chart_files(outdir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (outdir / "_images").glob("kb-*.svg")}


def test_charts_are_drawn_only_when_their_data_changes(tmp_path, copy_root):
    src = copy_root("kb")
    first = Build(src)
    drawn = chart_files(first.outdir)
    assert len(drawn) == 4  # three topics and the overview

    Build(src)  # no-op
    assert chart_files(first.outdir) == drawn
    replace(src / "reviews/r2021.md", "Predicts structures", "Predicts protein structures")
    Build(src)  # text edit
    assert chart_files(first.outdir) == drawn

    add_issue_to_series(src)  # a new issue on GANs, with an item on GANs: two entries more
    after = Build(src)
    now = chart_files(after.outdir)
    new = sorted(set(now) - set(drawn))
    assert [name.split("-")[1] for name in new] == ["trend", "trends"]  # GANs and the overview
    gone = set(drawn) - set(now)  # the old GANs and overview charts: no page shows them
    assert len(gone) == 2
    assert all(now[name] == drawn[name] for name in drawn if name not in gone)  # nothing redrawn
    clean = tmp_path / "clean"
    shutil.copytree(src, clean, ignore=shutil.ignore_patterns("_build"))
    assert set(chart_files(Build(clean).outdir)) == set(now)  # as a clean build
    gans = after.page("topics/gans")
    assert gans.select_one("figure.kb-chart img")["src"] == f"../_images/{new[0]}"
    assert numbers(gans.select_one("table.kb-trend-numbers")) == [["2021", "0", "3"]]


def test_a_chart_file_gone_from_the_site_is_drawn_again(copy_root):
    """stamps.py vouches for the chart files only while they are all there."""
    src = copy_root("kb")
    first = Build(src)
    drawn = chart_files(first.outdir)
    gone = sorted(drawn)[0]
    (first.outdir / "_images" / gone).unlink()
    Build(src)  # no page is written again: the chart is drawn at the build's end
    assert sorted(chart_files(first.outdir)) == sorted(drawn)
    assert chart_files(first.outdir)[gone] != drawn[gone]


def test_a_new_matplotlib_draws_the_books_charts_again(copy_root, monkeypatch):
    """The file names follow the charts' data; a new matplotlib draws them again under
    the same names (in HTML the same holds: test_stamps.py)."""
    from kb.outputs import versions

    src = copy_root("kb")

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


def test_charts_can_be_switched_off(copy_root):
    built = Build(copy_root("kb"), confoverrides={"kb_charts": False})
    assert not built.warnings
    assert built.page("topics/gans").select_one(".kb-chart-box") is None
    assert built.page("topics/index").select_one(".kb-chart-box") is None
    assert not list((built.outdir / "_images").glob("kb-*"))


def test_latex_includes_each_chart_as_a_vector_pdf(latex):
    outdir = Path(latex.outdir)
    tex = (outdir / "projectnamenotset.tex").read_text(encoding="utf-8")
    charts = sorted(outdir.glob("kb-*.pdf"))
    assert len(charts) == 4
    for chart in charts:
        assert f"\\sphinxincludegraphics[width=0.9\\linewidth]{{{{{chart.name}}}}}" in tex
        assert chart.read_bytes().startswith(b"%PDF")
    assert "Entries on GANs per year" in tex  # the table's caption: the numbers, in print


@pytest.mark.slow
def test_the_pdf_carries_the_charts_as_vector_graphics(copy_root):
    tools = ("latexmk", "pdflatex", "pdfimages", "pdftotext", "pdffonts")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the PDF test needs {', '.join(missing)}")
        pytest.skip(f"the PDF test needs {', '.join(missing)}")
    outdir = Build(copy_root("kb"), "latex").outdir  # its own: make writes into the folder
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
