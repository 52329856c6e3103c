"""The 404 page: a way on, made from the knowledge base itself.

sphinx-notfound-page writes 404.html, by default with one sentence and nothing else, and the
host serves it for every address that does not exist. A reader who lands there needs a way
on, so its body is made here (at `html-page-context`, from the `kb` domain):

- a search form (the search page reads `?q=`), where the site has a search page;
- the home page, the topics overview and the archive, each under its own title, found by
  what they show (the overview and archive views), not by a fixed address;
- the newest reviews and issues, with their dates (the catalogue, as the feeds have them).

Its links are absolute from the site's root (sphinx-notfound-page's `pathto`), since the
page is served at any depth. It has no canonical link: a "not found" page is the address
of nothing, and search engines must not be told that `404.html` is one.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sphinx.application import Sphinx

from ..build.domain import kb_domain
from ..model.catalogue import is_dated
from ..model.graph import KnowledgeGraph
from .search import searching

NEWEST = 5  # reviews and issues listed
# the views that make a page the topics overview or the archive (views/data.py VIEWS)
OVERVIEW_VIEWS = {"overview"}
ARCHIVE_VIEWS = {"archive-year", "timeline"}


class WayOn(NamedTuple):
    """A link the 404 page offers: its text, its address and a line on what is there."""

    title: str
    url: str
    note: str = ""


def page_body(search_url: str | None, places: Sequence[WayOn], newest: Sequence[WayOn]) -> str:
    """The 404 page's article, as HTML; every text escaped."""
    e = html.escape
    parts = ["<h1>Page not found</h1>",
             "<p>There is no page at this address: the link may be mistyped, or the page "
             "may have moved.</p>"]
    if search_url:
        parts.append(
            f'<form class="kb-notfound-search" action="{e(search_url)}" method="get" '
            'role="search">'
            '<label for="kb-notfound-query">Search the knowledge base</label>'
            '<div class="kb-notfound-search-row">'
            '<input id="kb-notfound-query" class="form-control" type="search" name="q" '
            'required>'
            '<button class="btn btn-primary" type="submit">Search</button></div></form>')

    def links(ways: Sequence[WayOn]) -> str:
        return "".join(f'<li><a href="{e(way.url)}">{e(way.title)}</a>'
                       + (f" ({e(way.note)})" if way.note else "") + "</li>" for way in ways)

    if places:
        parts.append(f'<h2>Where to go</h2><ul class="kb-notfound-places">{links(places)}</ul>')
    if newest:
        parts.append('<h2>The newest reviews and issues</h2>'
                     f'<ul class="kb-notfound-newest">{links(newest)}</ul>')
    return "\n".join(parts)


def newest_pages(graph: KnowledgeGraph, limit: int = NEWEST) -> list[str]:
    """The newest dated reviews and issues, newest first (undated ones are not "newest")."""
    dated = [page for page in graph.catalogue.dated if is_dated(page) and page.date]
    return [page.docname for page in reversed(dated)][:limit]


def pages_showing(views: dict[str, list[Any]], kinds: set[str]) -> list[str]:
    """The documents that show one of these views, in name order."""
    return sorted(doc for doc, keys in views.items() if any(key.kind in kinds for key in keys))


def ways_on(app: Sphinx, pathto: Callable[[str], str]) -> tuple[list[WayOn], list[WayOn]]:
    domain = kb_domain(app.env)
    graph = domain.graph
    titles = app.env.titles

    def title(doc: str) -> str:
        return titles[doc].astext() if doc in titles else graph.page_title(doc)

    root = app.config.root_doc
    places = [WayOn(title(root), pathto(root), "the home page")]
    for kinds, note in ((OVERVIEW_VIEWS, "every topic"), (ARCHIVE_VIEWS, "every review and issue")):
        places += [WayOn(title(doc), pathto(doc), note)
                   for doc in pages_showing(domain.views, kinds) if doc != root]
    newest = []
    for doc in newest_pages(graph):
        page = graph.pages[doc]
        newest.append(WayOn(title(doc), pathto(doc), page.date.display() if page.date else ""))
    return places, newest


def fill_notfound_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                       doctree: Any) -> None:
    """After sphinx-notfound-page's own handler (500), which sets the absolute `pathto`."""
    if pagename != getattr(app.config, "notfound_pagename", None) or doctree is not None:
        return
    pathto = context["pathto"]
    places, newest = ways_on(app, pathto)
    # Sphinx's search page, or the Pagefind one (outputs/search.py)
    has_search = searching(app) or context.get("hasdoc", lambda name: False)("search")
    context["body"] = page_body(pathto("search") if has_search else None, places, newest)
    context["pageurl"] = None  # no canonical link (Sphinx writes one where pageurl is set)


def setup_notfound(app: Sphinx) -> None:
    app.connect("html-page-context", fill_notfound_page, priority=600)
