"""The paper index's labels read in order: its entries are numbered as they are shown.

The paper index shows the cited works newest year first, then by first author and
title (`papers.paper_order`). sphinxcontrib-bibtex numbers a bibliography's entries
in the order of its pybtex style's sorting, which for `plain` is by author: the
numbers jumped inside a year group ([1], [3], [23], [28]). This module registers a
pybtex formatting style, `kb-paper-index`, which is the configured
`bibtex_default_style` with a sorting style that sorts by the same key as the
paper index, so the numbers run 1, 2, 3... down the page, and in the PDF's
bibliography, which lists the same entries in the same order.
"""

from __future__ import annotations

from typing import Any

import pybtex.plugin
from pybtex.style.sorting import BaseSortingStyle
from sphinx.application import Sphinx
from sphinx.config import Config

from ..model.papers import paper_order
from .cite_domain import _plain, _year

PAPER_INDEX_STYLE = "kb-paper-index"
SORTING = "kb-paper-index"


class PaperIndexSorting(BaseSortingStyle):
    """Newest year first, then first author, then title: the paper index's order."""

    def sorting_key(self, entry: Any) -> tuple:
        people = entry.persons.get("author", ())
        first = _plain(str(people[0])) if people else ""
        return paper_order(_year(entry), first, _plain(entry.fields.get("title", entry.key)),
                           entry.key)


def register_style(app: Sphinx, config: Config) -> None:
    """`kb-paper-index`: the configured style, sorted as the paper index shows it."""
    base = pybtex.plugin.find_plugin("pybtex.style.formatting", config.bibtex_default_style)
    style = type("PaperIndexStyle", (base,), {"default_sorting_style": SORTING})
    pybtex.plugin.register_plugin("pybtex.style.formatting", PAPER_INDEX_STYLE, style, force=True)


def setup_paper_labels(app: Sphinx) -> None:
    pybtex.plugin.register_plugin("pybtex.style.sorting", SORTING, PaperIndexSorting, force=True)
    app.connect("config-inited", register_style)
