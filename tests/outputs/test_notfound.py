"""The 404 page (kb/outputs/notfound.py): a search form, the home page, the topics overview
and the archive, the newest reviews and issues, made from the knowledge base; links absolute
from the site's root; no canonical link. On the `kb` root with the site's look (its theme,
templates, extensions and address); the real site's 404 page is opened in the browser in
tests/site/test_browser.py."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import ROOTS, Build, with_site_look
from kb.build.domain import kb_domain
from kb.outputs.notfound import WayOn, newest_pages, page_body


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Build:
    src = tmp_path_factory.mktemp("notfound") / "src"
    shutil.copytree(ROOTS / "test-kb", src)
    return Build(src, confoverrides={**with_site_look(src), "nitpicky": True})


def test_the_body_escapes_every_text_and_leaves_out_what_is_missing() -> None:
    body = page_body(None, [WayOn("A <b>", "/x/a.html", "the <home>")], [])
    soup = BeautifulSoup(body, "html.parser")
    assert soup.find("form") is None and soup.find("b") is None
    assert soup.select_one("ul a").get_text() == "A <b>"
    assert "(the <home>)" in soup.get_text()
    assert [h.get_text() for h in soup.find_all("h2")] == ["Where to go"]


def test_the_404_page_offers_search_home_topics_and_the_newest_pages(site) -> None:
    assert site.warnings == ""
    page = site.page("404")
    prefix = "/dl-knowledge-base/"  # the site's path (conf.py SITE_URL): served at any depth
    form = page.select_one("article form[role=search]")
    assert form["action"] == prefix + "search.html" and form["method"] == "get"
    field = form.select_one("input[name=q]")
    assert form.select_one(f"label[for={field['id']}]").get_text() == "Search the knowledge base"
    places = {a.get_text(): a["href"] for a in page.select("ul.kb-notfound-places a")}
    assert places == {"Test knowledge base": prefix + "index.html",
                      "Topics": prefix + "topics/index.html"}
    graph = kb_domain(site.env).graph
    newest = [(a.get_text(), a["href"]) for a in page.select("ul.kb-notfound-newest a")]
    expected = newest_pages(graph)
    assert expected, "the kb root has dated pages"
    assert newest == [(site.env.titles[doc].astext(), f"{prefix}{doc}.html") for doc in expected]
    # newest first
    dates = [graph.pages[doc].date.sort_key for doc in expected]
    assert dates == sorted(dates, reverse=True)


def test_the_404_page_has_no_canonical_link_and_the_other_pages_keep_theirs(site) -> None:
    assert site.page("404").select("link[rel=canonical]") == []
    canonical = site.page("reviews/r2021").select("link[rel=canonical]")
    assert [link["href"] for link in canonical] == [
        "https://dl-knowledge-base.github.io/dl-knowledge-base/reviews/r2021.html"]
