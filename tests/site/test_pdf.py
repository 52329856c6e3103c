"""The PDF: the whole knowledge base as a book, built with xelatex, read back with pdftotext."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pybtex.database
import pytest
from conftest import PROJECT, Build

TOOLS = ("xelatex", "latexmk", "xindy", "make", "pdftotext", "pdffonts")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"the PDF test needs {', '.join(missing)} (see docs/pdf.md)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs TeX: a missing tool there is a failure
        pytest.skip(message)
    build = Build(PROJECT, "latex", builddir=tmp_path_factory.mktemp("book"),
                  confoverrides={"nitpicky": True})
    assert build.warnings == ""
    app, outdir = build.app, build.outdir
    subprocess.run(
        ["make", "-C", str(outdir), "all-pdf"], check=True, capture_output=True,
        env={**os.environ, "LATEXOPTS": "-interaction=nonstopmode -halt-on-error",
             "LATEXMKOPTS": "-silent"},
        timeout=600,
    )
    pdf = outdir / "dl-knowledge-base.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    log = (outdir / "dl-knowledge-base.log").read_text(encoding="utf-8", errors="replace")
    return app, pdf, text, log


def squash(text: str) -> str:
    """Letters and digits only, lower case: immune to line breaks and hyphenation."""
    text = unicodedata.normalize("NFC", text).casefold()
    return "".join(c for c in text if c.isalnum())


def test_book_has_no_undefined_references(book):
    _app, _pdf, text, log = book
    assert "undefined" not in log
    # LaTeX prints an unresolved reference or citation as "??"
    assert "??" not in text


def test_every_page_title_is_in_the_book(book):
    app, _pdf, text, _log = book
    body = squash(text)
    titles = {doc: title.astext() for doc, title in app.env.titles.items()
              if doc not in ("index",)}
    missing = [t for t in titles.values() if squash(t) not in body]
    assert not missing


def test_every_item_title_is_in_the_book(book):
    app, _pdf, text, _log = book
    body = squash(text)
    items = [item.title for records in app.env.get_domain("kb").items.values() for item in records]
    assert len(items) == 33
    assert [t for t in items if squash(t) not in body] == []


def test_topic_index_and_listings_are_in_the_book(book):
    app, _pdf, text, _log = book
    # the book's closing chapters, headed in capitals by Sphinx's LaTeX style
    index = squash(text[text.index("TOPIC INDEX"):])
    titles = [topic.title for topic in app.env.get_domain("kb").graph.taxonomy.topics.values()]
    assert len(titles) >= 20
    assert [title for title in titles if squash(title) not in index] == []
    assert "Everything on Protein structure prediction" in text


def test_bibliography_holds_every_paper_with_discussed_in(book):
    _app, _pdf, text, _log = book
    bibliography = text[text.index("BIBLIOGRAPHY"):text.index("TOPIC INDEX")]
    bib = pybtex.database.parse_file(str(PROJECT / "refs.bib"))
    titles = [re.sub(r"[{}]", "", e.fields["title"]) for e in bib.entries.values()]
    assert [t for t in titles if squash(t) not in squash(text)] == []
    assert bibliography.count("Discussed in:") >= 30


def test_non_ascii_names_print(book):
    _app, _pdf, text, _log = book
    for name in ("Žídek", "Tramèr", "Härkönen", "Dürr"):
        assert name in unicodedata.normalize("NFC", text)


def test_fonts_are_embedded(book):
    _app, pdf, _text, _log = book
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts


def test_book_carries_the_topic_trend_charts_as_vector_graphics(book):
    app, pdf, text, _log = book
    outdir = Path(app.outdir)
    tex = (outdir / "dl-knowledge-base.tex").read_text(encoding="utf-8")
    from kb.build.domain import kb_domain
    from kb.outputs.chart_drawing import has_chart
    from kb.views.data import ViewKey, view_data

    charts = sorted(outdir.glob("kb-trend*.pdf"))
    graph = kb_domain(app.env).graph
    # a topic with entries in two years or more (one year is a sentence), and the overview
    charted = [slug for slug in graph.taxonomy.topics
               if has_chart("trend", view_data(graph, ViewKey("trend", slug)))]
    assert len(charted) >= 5 and len(charts) == len(charted) + 1
    for chart in charts:
        assert f"{{{{{chart.name}}}}}" in tex
    # the charts' text is text in the book (vector drawings with their font), no bitmap
    assert squash("Newsletter issues") in squash(text)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    assert "DejaVuSans" in fonts
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]
    assert images == []  # the book holds no bitmap at all: the charts are drawn as vectors
