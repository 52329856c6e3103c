"""kb.build.volumes: the book split into a volume per year, by Sphinx's LaTeX builder.

The test root is a book of two years (2021: a review and two issues; 2022: a review and an
issue), laid out as the site's, with `kb_book_volumes = "year"`. Each volume's .tex is read
back: its pages, its references to the other volume, its indexes. The slow test runs
noxfile.py's pdf session on it, which makes each volume a PDF with TeX, and reads them with
pdftotext.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import PROJECT, Build, noxfile_module, replace

EXTENSION = PROJECT / "_ext"

DATED = {
    "2021": ["reviews/garden/r2021", "newsletters/weekly/2021/n1", "newsletters/weekly/2021/n2"],
    "2022": ["reviews/garden/r2022", "newsletters/weekly/2022/n3"],
}
ITEMS = {"2021": ["Twentyone vision transformer", "Oneitem image benchmark",
                  "Twoitem caption model"],
         "2022": ["Twentytwo language scaling", "Threeitem chat assistant"]}
OTHER = {"2021": "2022", "2022": "2021"}


@pytest.fixture(scope="module")
def book(shared_build) -> Build:
    return shared_build("volumes", "latex", nitpicky=True)


def volume(build: Build, year: str) -> str:
    return (build.outdir / f"volumes-test-{year}.tex").read_text(encoding="utf-8")


def label(docname: str) -> str:
    return rf"\label{{\detokenize{{{docname}::doc}}}}"


def topic_index(tex: str) -> str:
    return tex[tex.index(r"\begin{sphinxtheindex}"):tex.index(r"\end{sphinxtheindex}")]


def test_one_book_per_volume_and_no_warning(book):
    assert book.warnings == ""
    assert sorted(p.name for p in book.outdir.glob("*.tex")) == [
        "volumes-test-2021.tex", "volumes-test-2022.tex"]


@pytest.mark.parametrize("year", ["2021", "2022"])
def test_each_page_of_a_year_is_in_its_volume_once_and_in_no_other(book, year):
    tex, other = volume(book, year), volume(book, OTHER[year])
    for docname in DATED[year]:
        assert tex.count(label(docname)) == 1
        assert label(docname) not in other
    for title in ITEMS[year]:
        assert rf"\subsection*{{{title}}}" in tex
        assert rf"\subsection*{{{title}}}" not in other
    # a series' page of another year is left out with its pages; the series itself is kept
    assert label(f"newsletters/weekly/{year}/index") in tex
    assert label(f"newsletters/weekly/{OTHER[year]}/index") not in tex
    assert label("newsletters/weekly/index") in tex and label("topics/vision") in tex


@pytest.mark.parametrize("year", ["2021", "2022"])
def test_the_title_page_and_the_introduction_say_which_volume(book, year):
    tex = volume(book, year)
    assert rf"\title{{Volumes Test, volume {year}}}" in tex
    pages = len(DATED[year])
    assert (f"This volume holds the {pages} reviews and newsletter issues of the knowledge base "
            f"published in {year}.") in tex


@pytest.mark.parametrize("year", ["2021", "2022"])
def test_every_link_in_a_volume_leads_into_it(book, year):
    tex = volume(book, year)
    targets = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", tex))
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*)\}\}", tex))
    assert targets and targets <= labels
    cites = set(re.findall(r"\\hyperlink\{cite\.([^}]*)\}", tex))
    bibitems = set(re.findall(r"\\bibitem\[\d+\]\{([^}]*)\}", tex))
    assert cites and cites <= bibitems


def test_a_reference_to_a_page_of_another_volume_is_its_title_naming_that_volume(book):
    later, earlier = volume(book, "2022"), volume(book, "2021")
    # a kb role and a {doc} link written in 2022 to pages of 2021
    assert r"\DUrole{kb-issue}{Weekly issue two}}} (in volume 2021)" in later
    assert r"\DUrole{kb-item}{Twoitem caption model}}} (in volume 2021)" in later
    assert r"\DUrole{doc}{Garden review of 2021} (in volume 2021)" in later
    # the generated views: series neighbours and what references a page
    assert "Next in the series: Weekly issue three (in volume 2022)" in earlier
    assert "Previous in the series: Weekly issue two (in volume 2021)" in later
    assert "Mentioned in: Weekly issue three (in volume 2022)" in earlier


def test_the_topic_index_lists_the_volumes_entries_only(book):
    for year in DATED:
        index = topic_index(volume(book, year))
        assert all(title in index for title in ITEMS[year])
        assert not any(title in index for title in ITEMS[OTHER[year]])
        assert "sphinxstyleindexentry{Vision}" in index  # every topic is in every volume


def test_listings_archive_and_author_index_show_the_volumes_pages_only(book):
    earlier, later = volume(book, "2021"), volume(book, "2022")
    archive = earlier[earlier.index(r"\chapter{Archive}"):earlier.index(r"\chapter{Papers}")]
    assert "Weekly issue one" in archive and "Weekly issue three" not in archive
    authors = earlier[earlier.index(r"\chapter{Authors}"):]
    assert "Aalto, Anna" in authors and "Zorn, Zeno" not in authors
    listing = later[later.index(r"\section*{Everything on Vision}"):]
    listing = listing[:listing.index(r"\end{sphinxuseclass}")]
    assert "Twoitem caption model" not in listing  # 2021's: only in the 2021 volume
    # its count is the volume's, and says so
    assert "in volume 2022" in listing and "across the knowledge base" not in listing


def charts(tex: str) -> list[str]:
    return re.findall(r"\{\{(kb-trends?-[0-9a-f]+)\.pdf\}\}", tex)


def test_a_volume_shows_the_whole_trend_of_the_busiest_topics_and_no_topics_own(book,
                                                                                 shared_build):
    drawn = {year: charts(volume(book, year)) for year in DATED}
    # the overview's chart, of both years, the same drawing in both volumes
    assert drawn["2021"] == drawn["2022"] and len(drawn["2021"]) == 1
    assert drawn["2021"][0].startswith("kb-trends-")
    assert [p.stem for p in book.outdir.glob("kb-trend*.pdf")] == drawn["2021"]
    assert "Entries on Language per year" not in volume(book, "2022")
    # one book has Language's own chart (it has entries in 2021 and 2022) too
    whole = shared_build("volumes", "latex", kb_book_volumes="off")
    tex = (whole.outdir / "volumes-test.tex").read_text(encoding="utf-8")
    assert len(charts(tex)) == 2 and "Entries on Language per year" in tex


def test_the_bibliography_holds_the_works_the_volume_cites_numbered_from_one(book):
    bibitems = {year: re.findall(r"\\bibitem\[(\d+)\]\{references:paper-([^}]*)\}",
                                 volume(book, year)) for year in DATED}
    # newest first, as the paper index: a work cited in both volumes is in both
    assert bibitems == {"2021": [("1", "alpha2021"), ("2", "shared2020")],
                        "2022": [("1", "beta2022"), ("2", "shared2020")]}


def test_discussed_in_names_the_volumes_places_only(book):
    later = volume(book, "2022")
    entry = later[later.index(r"\bibitem[2]{references:paper-shared2020}"):]
    entry = entry[:entry.index(r"\end{sphinxthebibliography}")]
    assert "Twentytwo language scaling" in entry and "Oneitem image benchmark" not in entry
    assert entry.count("Sharedwork benchmark of everything") == 1


def test_off_writes_one_book_with_everything(shared_build):
    build = shared_build("volumes", "latex", kb_book_volumes="off")
    assert [p.name for p in build.outdir.glob("*.tex")] == ["volumes-test.tex"]
    tex = (build.outdir / "volumes-test.tex").read_text(encoding="utf-8")
    assert all(tex.count(label(doc)) == 1 for docs in DATED.values() for doc in docs)
    assert r"\title{Volumes Test}" in tex and "This volume holds" not in tex
    assert re.findall(r"\\bibitem\[(\d+)\]\{references:paper-([^}]*)\}", tex) == [
        ("1", "beta2022"), ("2", "alpha2021"), ("3", "shared2020")]


def test_auto_keeps_a_small_book_whole(shared_build):
    build = shared_build("volumes", "latex", kb_book_volumes="auto")
    assert [p.name for p in build.outdir.glob("*.tex")] == ["volumes-test.tex"]
    split = shared_build("volumes", "latex", kb_book_volumes=4)  # 5 reviews and issues
    assert len(list(split.outdir.glob("volumes-test-*.tex"))) == 2


def test_a_page_without_a_date_is_printed_with_a_warning_at_its_line(copy_root):
    src = copy_root("volumes")
    page = src / "newsletters/weekly/2021/n2.md"
    replace(page, "date: 2021-09\n", "")
    build = Build(src, "latex")
    located = [line for line in build.warning_lines if "[kb.volume]" in line]
    assert located == [
        f"{page}:2: WARNING: this newsletter has no date, so the book cannot tell which year's "
        "volume holds it: it is printed in the 2022 volume (the newest); add 'date: YYYY-MM-DD' "
        "(or YYYY-MM) to its front matter [kb.volume]"]
    assert label("newsletters/weekly/2021/n2") in volume(build, "2022")
    assert label("newsletters/weekly/2021/n2") not in volume(build, "2021")


TOOLS = ("xelatex", "latexmk", "make", "pdftotext")


class Session:
    """What noxfile.py's pdf session asks of nox: its commands run here, in this Python."""

    posargs: list[str] = []

    def __init__(self, src):
        self.src = src

    def run(self, *command, env=None, external=False):
        if command[0] == "sphinx-build":
            command = (sys.executable, "-m", "sphinx", *command[1:])
        environment = {**os.environ, "PYTHONPATH": str(EXTENSION), **(env or {})}
        subprocess.run(command, check=True, capture_output=True, cwd=self.src,
                       env=environment, timeout=600)

    def log(self, message):
        pass

    def error(self, message):
        raise AssertionError(message)


@pytest.mark.slow
def test_nox_s_pdf_makes_each_volume_a_pdf_holding_its_year(copy_root, monkeypatch):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the PDF test needs {', '.join(missing)} (see docs/pdf.md)")
        pytest.skip(f"the PDF test needs {', '.join(missing)} (see docs/pdf.md)")
    src = copy_root("volumes")
    noxfile = noxfile_module()
    monkeypatch.setattr(noxfile, "ROOT", src)
    monkeypatch.setattr(noxfile, "BUILD", src / "_build")
    monkeypatch.setattr(noxfile, "install_locked", lambda session: None)
    # what an earlier build left: the one book, before the book was split
    for left in ("latex/volumes-test.tex", "pdf/volumes-test.pdf"):
        (src / "_build" / left).parent.mkdir(parents=True, exist_ok=True)
        (src / "_build" / left).write_text("left by an earlier build")
    noxfile.pdf(Session(src))
    written = sorted(path.name for path in (src / "_build" / "pdf").iterdir())
    assert written == ["volumes-test-2021.pdf", "volumes-test-2022.pdf"]
    for year in DATED:
        pdf = src / "_build" / "pdf" / f"volumes-test-{year}.pdf"
        text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                                       capture_output=True, text=True).stdout.split())
        log = (src / "_build" / "latex" / f"volumes-test-{year}.log").read_text(errors="replace")
        assert "undefined" not in log and "??" not in text
        assert f"Volumes Test, volume {year}" in text
        assert all(title in text for title in ITEMS[year])
        # another year's item is there only where a page names it, with its volume
        other = OTHER[year]
        assert all(text.count(title) == text.count(f"{title} (in volume {other})")
                   for title in ITEMS[other])
        assert "TOPIC INDEX" in text and "BIBLIOGRAPHY" in text
        if year == "2022":
            assert "Weekly issue two (in volume 2021)" in text
            assert "Twoitem caption model (in volume 2021)" in text
