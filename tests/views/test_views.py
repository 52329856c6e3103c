"""The generated views on the `kb` test root, as a reader sees them in HTML and in LaTeX."""

from __future__ import annotations

import pytest
from conftest import page

pytestmark = pytest.mark.sphinx(testroot="kb", confoverrides={"nitpicky": True})


def test_item_is_an_addressable_entry(html):
    soup = page(html, "reviews/r2021")
    item = soup.select_one("div.kb-item-card#alphafold2")
    assert item is not None
    heading = item.select_one("h3.kb-item-title")  # under an h2 section, so h3
    assert heading.get_text(strip=True) == "AlphaFold2"
    assert heading.a["href"] == "https://example.org/af2"
    meta = item.select_one(".kb-item-meta").get_text(" ", strip=True)
    assert meta.startswith("Application")
    topic_link = item.select_one(".kb-item-meta a")
    assert topic_link["href"] == "../topics/protein-structure.html"
    assert topic_link.get_text() == "Protein structure prediction"
    citation = item.select_one("span.bibtex-citation a")
    assert citation.get_text() == "Jumper and Žídek, 2021"
    assert citation["href"].startswith("../references.html#")


def test_page_details_show_date_at_known_precision(html):
    details = page(html, "newsletters/n220").select_one(".kb-page-details").get_text(" ", strip=True)
    assert "Weekly, issue 220" in details
    assert "published October 2021 (day unknown)" in details
    review = page(html, "reviews/r2021").select_one(".kb-page-details").get_text(" ", strip=True)
    assert "Review of 2021" in review and "published 3 January 2022" in review
    assert "by Ana Example, Žídek Augustin" in review


def test_topic_listing_includes_subtopics_newest_first_grouped_by_year(html):
    soup = page(html, "topics/ai-for-science")
    listing = soup.select_one("div.kb-topic-listing")
    years = [h.get_text(strip=True) for h in listing.select("h3.kb-listing-year")]
    # the review of 2021 (published January 2022) is listed under 2021, the year it is about
    assert years == ["2021"]
    intro = listing.select_one(".kb-listing-summary").get_text(" ", strip=True)
    assert "under the year it is about" in intro and "the date shown is the publication date" in intro
    rows = [li.get_text(" ", strip=True) for li in listing.select("li")]
    # the page tagged ai-for-science itself, then AlphaFold2 (protein-structure is a
    # subtopic), then AlphaFold-Multimer tagged through the alias "protein folding"
    assert rows[0].startswith("Review of 2021 (review), 3 January 2022")
    assert rows[1].startswith("AlphaFold2 (application), in Review of 2021 , 3 January 2022")
    assert rows[2].startswith("AlphaFold-Multimer (paper), in Weekly 220 , October 2021")
    assert "Evans and Jumper, 2021" in rows[2]
    links = [a["href"] for a in listing.select("li a.reference.internal")]
    assert "../reviews/r2021.html#alphafold2" in links
    assert "../newsletters/n220.html#alphafold-multimer" in links
    subtopics = listing.select_one(".kb-listing-summary a")
    assert subtopics.get_text() == "Protein structure prediction"


def test_topic_page_shows_parent_and_aliases(html):
    details = page(html, "topics/protein-structure").select_one(".kb-page-details")
    assert "also known as protein folding" in details.get_text(" ", strip=True)
    assert details.a["href"] == "ai-for-science.html"


def test_topics_overview_is_a_tree_with_counts(html):
    tree = page(html, "topics/index").select_one("div.kb-topics-overview > ul")
    top = [li.p.get_text(" ", strip=True) for li in tree.find_all("li", recursive=False)]
    assert top == ["AI for science (3 entries)", "GANs (1 entry)"]
    nested = tree.select_one("li ul li").p.get_text(" ", strip=True)
    assert nested == "Protein structure prediction (2 entries)"


def test_topic_index_lists_topics_with_counts_linking_to_their_pages(html):
    """In HTML the topic index lists topics A to Z with counts, not their items (the
    topic pages list those; the PDF's index keeps them, with page numbers)."""
    soup = page(html, "kb-topicindex")
    assert soup.select_one("h1").get_text(strip=True) == "Topic index"
    rows = [row for row in soup.select("table.modindextable tr") if row.a]
    names = [row.a.get_text(strip=True) for row in rows]
    assert names == ["AI for science", "GANs", "Protein structure prediction"]
    assert {a["href"] for a in soup.select("table.modindextable a")} == {
        "topics/ai-for-science.html#kb-page-start", "topics/gans.html#kb-page-start",
        "topics/protein-structure.html#kb-page-start"}
    text = {row.a.get_text(strip=True): row.get_text(" ", strip=True) for row in rows}
    # the counts are those of the topic pages' listings and of the overview
    assert text["AI for science"] == "AI for science 3 entries"
    assert text["GANs"] == "GANs 1 entry"
    assert text["Protein structure prediction"] == (
        "Protein structure prediction (in AI for science) 2 entries")
    assert "AlphaFold2" not in soup.get_text() and not soup.select(".toggler")
    letters = [a.get_text(strip=True) for a in soup.select(".modindex-jumpbox a")]
    assert letters == ["A", "G", "P"]


def test_objects_inventory_holds_topics_and_items(html):
    from sphinx.util.inventory import InventoryFile

    inventory = InventoryFile.loads((html.outdir / "objects.inv").read_bytes(), uri="")
    data = getattr(inventory, "data", inventory)
    assert "protein-structure" in data["kb:topic"]
    assert "reviews/r2021#alphafold2" in data["kb:item"]


def test_latex_has_listings_items_and_topic_index_with_page_references(latex):
    latex = latex.tex
    assert r"\section*{Everything on Protein structure prediction}" in latex
    assert r"\hyperref[\detokenize{reviews/r2021:alphafold2}]" in latex
    assert r"\subsection*{\sphinxhref{https://example.org/af2}{AlphaFold2}}" in latex
    assert "published October 2021 (day unknown)" in latex
    index = latex[latex.index(r"\renewcommand{\indexname}{Topic index}"):]
    assert r"\begin{sphinxtheindex}" in index
    assert (r"\sphinxstyleindexentry{AlphaFold2}\sphinxstyleindexextra{Review of 2021}"
            r"\sphinxstyleindexpageref{reviews/r2021:\detokenize{alphafold2}}") in index
    # the PDF keeps every item under its topic (HTML lists only the topics)
    assert r"\sphinxstyleindexentry{AlphaFold\sphinxhyphen{}Multimer}" in index


def test_item_role_links_by_anchor_or_full_name_with_the_item_title(html):
    links = [a for a in page(html, "index").select("article a, div.body a")
             if "n220.html#alphafold-multimer" in a.get("href", "")]
    assert len(links) == 2
    assert {a.get_text(strip=True) for a in links} == {"AlphaFold-Multimer"}
