"""The paper index's labels read in order, in HTML and in the book's bibliography."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

PLAIN = {"bibtex_default_style": "plain", "suppress_warnings": ["kb", "bibtex"]}
# the `html` and `latex` fixtures: this root built once for the session (conftest)
pytestmark = pytest.mark.sphinx(testroot="references", confoverrides=PLAIN)


def test_paper_index_numbers_run_in_display_order(html):
    soup = BeautifulSoup((html.outdir / "papers.html").read_text(encoding="utf-8"), "html.parser")
    index = soup.select_one(".kb-paper-index")
    labels = [e.select_one(".label").get_text(strip=True) for e in index.select("div.citation")]
    assert labels == [f"[{n}]" for n in range(1, len(labels) + 1)]
    # newest year first: the numbers run down the year groups
    years = [h.get_text(strip=True) for h in index.select(".kb-paper-year")]
    assert years == sorted(years, reverse=True)
    assert len(labels) == 5


def test_book_bibliography_numbers_run_in_order(latex):
    tex = latex.tex
    bibliography = tex[tex.index(r"\begin{sphinxthebibliography}"):]
    labels = re.findall(r"\\bibitem\[(\d+)\]", bibliography)
    assert labels == [str(n) for n in range(1, len(labels) + 1)] and len(labels) == 5
