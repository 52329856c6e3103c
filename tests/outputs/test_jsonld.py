"""JSON-LD (outputs/jsonld.py) in a built site, read as a search engine reads it: expanded by
a maintained JSON-LD processor (PyLD), offline, then checked as a graph.

The `data` root (tests/roots/test-data, published at https://example.org/kb/) has a review
with front-matter authors and a source, an issue with neither, topics with a parent, and
titles with '</script>' and '<!--' in them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Build, page
from linked_data import SCHEMA, TERMS, expand, keys_of, nodes_of, references, value

BASE = "https://example.org/kb/"


def blocks(build: Build) -> dict[str, dict]:
    """Each page's JSON-LD block, by page name."""
    found = {}
    for path in sorted(Path(build.outdir).rglob("*.html")):
        soup = page(build, str(path.relative_to(build.outdir).with_suffix("")))
        for script in soup.select('script[type="application/ld+json"]'):
            found[str(path.relative_to(build.outdir).with_suffix(""))] = json.loads(script.string)
    return found


@pytest.fixture(scope="module")
def site(shared_build) -> Build:
    """The data root, built once for the session: never edit it."""
    return shared_build("data", nitpicky=True)


def test_every_block_expands_offline_with_absolute_references_only(site):
    found = blocks(site)
    assert set(found) == {"reviews/r2022", "newsletters/n7", "topics/generative",
                          "topics/text-to-image", "topics/rl"}
    for name, data in found.items():
        assert keys_of(data) <= TERMS, (name, keys_of(data) - TERMS)
        expanded = expand(data)
        assert expanded, name
        iris = references(expanded)
        relative = [iri for iri in iris if not iri.startswith(("http://", "https://"))]
        assert not relative, (name, relative)
        # the page names itself by its own address
        assert expanded[0]["@id"] == f"{BASE}{name}.html", name


def test_a_review_is_the_knowledge_base_s_work_based_on_the_original_post(site):
    [article] = expand(blocks(site)["reviews/r2022"])
    assert article["@type"] == [SCHEMA + "Article"]
    assert value(article, "headline") == "The year </script><script>alert(1)</script> & <!-- more"
    # the knowledge base (its contributors) wrote and published the page
    for role in ("author", "publisher"):
        author = value(article, role)
        assert author["@type"] == [SCHEMA + "Organization"]
        assert author["@id"] == f"{BASE}#contributors"
        assert value(author, "name") == "The data test contributors"
    assert value(article, "isPartOf")["@type"] == [SCHEMA + "WebSite"]
    assert value(article, "isPartOf")["@id"] == BASE
    # the original: its address, date, authors and publisher, from the front matter and kb_series
    original = value(article, "isBasedOn")
    assert original["@type"] == [SCHEMA + "Article"]
    assert original["@id"] == "https://example.org/garden/2022?a=1&b=2"
    assert value(original, "datePublished") == "2023-01-17"
    assert [value(p, "name") for p in original[SCHEMA + "author"]] == ["Ana Example", "Žídek Augustin"]
    assert value(value(original, "publisher"), "name") == "The Garden <reviews>"
    assert value(value(original, "isPartOf"), "url") == "https://example.org/garden/"
    assert SCHEMA + "datePublished" not in article  # when the page itself went up is not known


def test_an_issue_names_the_original_issue_and_never_an_author_it_was_not_given(site):
    [article] = expand(blocks(site)["newsletters/n7"])
    original = value(article, "isBasedOn")
    assert original["@type"] == [SCHEMA + "PublicationIssue"]
    assert value(original, "issueNumber") == "7"
    assert value(value(original, "isPartOf"), "name") == "Weekly"
    assert value(original, "datePublished") == "2021-10"
    # the front matter names no author and no source: none is made up
    assert SCHEMA + "author" not in original and "@id" not in original


def test_items_and_cited_works_keep_their_identifiers(site):
    [article] = expand(blocks(site)["newsletters/n7"])
    [item] = article[SCHEMA + "hasPart"]
    assert item["@id"] == f"{BASE}newsletters/n7.html#alphafold"
    assert value(item, "name") == "AlphaFold" and value(item, "genre") == "paper"
    # the item names the works it cites by their DOI's or arXiv's address
    assert [c["@id"] for c in item[SCHEMA + "citation"]] == [
        "https://doi.org/10.1038/s41586-021-03819-2", "https://arxiv.org/abs/2006.04779"]
    works = {w["@id"]: w for w in nodes_of(article, "ScholarlyArticle")}
    identifiers = {(value(i, "propertyID"), value(i, "value"))
                   for w in works.values() for i in w.get(SCHEMA + "identifier", [])}
    assert {("DOI", "10.1038/s41586-021-03819-2"), ("arXiv", "2006.04779"),
            ("arXiv", "2301.00704")} <= identifiers
    # each author is named by their entry in the author index (the root has none: no id)
    alphafold = works["https://doi.org/10.1038/s41586-021-03819-2"]
    assert [value(p, "name") for p in alphafold[SCHEMA + "author"]] == ["Jumper, John", "Žídek, Augustin"]


def test_topic_page_is_a_defined_term_in_a_defined_term_set(site):
    data = blocks(site)["topics/text-to-image"]
    assert data["@type"] == "DefinedTerm" and data["termCode"] == "text-to-image"
    assert data["inDefinedTermSet"] == {"@type": "DefinedTermSet", "name": "Data test: topics"}
    assert data["isPartOf"] == {"@type": "DefinedTerm", "@id": f"{BASE}topics/generative.html",
                                "termCode": "generative"}
    assert blocks(site)["topics/rl"]["name"] == 'RL </script><!-- & "friends"'
    assert not page(site, "index").select('script[type="application/ld+json"]')


def test_a_title_cannot_break_out_of_the_block(site):
    raw = (Path(site.outdir) / "reviews" / "r2022.html").read_text(encoding="utf-8")
    [script] = page(site, "reviews/r2022").select('script[type="application/ld+json"]')
    assert "</script" not in script.string.lower() and "<!--" not in script.string
    # the title's script never runs: the only scripts in the head are the theme's and ours
    assert "<script>alert(1)" not in raw


def test_dirhtml_addresses_follow_the_builder(copy_root):
    built = Build(copy_root("data"), "dirhtml")
    text = (built.outdir / "reviews" / "r2022" / "index.html").read_text("utf-8")
    from bs4 import BeautifulSoup

    data = json.loads(BeautifulSoup(text, "html.parser").select_one(
        'script[type="application/ld+json"]').string)
    assert data["@id"] == data["url"] == f"{BASE}reviews/r2022/"
    assert f"{BASE}topics/rl/" in {t["url"] for t in data["about"]}


def test_a_site_without_an_address_has_no_json_ld(copy_root):
    """Without html_baseurl there is no absolute address to name anything by."""
    built = Build(copy_root("data"), confoverrides={"html_baseurl": ""})
    assert not page(built, "reviews/r2022").select('script[type="application/ld+json"]')
