"""The real site, built strictly (nitpicky, no warning allowed), read as a reader reads it."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

PROJECT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

SOURCES = {
    "reviews/hippocampus-garden/2021-applications": {
        "title": "A Look Back at Deep Learning in 2021 (Application)",
        "date": "published 3 January 2022",
        "sections": ["Application Projects", "Concluding Remarks"],
        "items": ["AlphaFold2", "GitHub Copilot", "Airfriend", "Background Effect of Google Meet"],
    },
    "reviews/hippocampus-garden/2022": {
        "title": "Year in Review: Deep Learning in 2022",
        "date": "published 17 January 2023",
        "sections": ["Research Papers", "Applications", "Concluding Remarks"],
        "items": [
            "Block-NeRF: Scalable Large Scene Neural View Synthesis",
            "Multi-Game Decision Transformers",
            "Scaling Laws vs Model Architectures: How does Inductive Bias Influence Scaling?",
            "Cold Diffusion: Inverting Arbitrary Image Transforms Without Noise",
            "Robust Speech Recognition via Large-Scale Weak Supervision",
            "Stable Diffusion & DreamStudio", "ChatGPT", "YouChat", "Gran Turismo Sophy",
        ],
    },
    "newsletters/deep-learning-weekly/2021/issue-220": {
        "title": "Deep Learning Weekly: Issue #220",
        "date": "published October 2021 (day unknown)",
        "sections": ["Mobile & Edge", "Libraries & Code", "Papers & Publications"],
        "items": [
            "NVIDIA invites healthcare startups to use Cambridge-1",
            "Perceive: Building the World’s AI Community",
            "UK’s National AI Strategy",
            "Facebook Loves Self-Supervised Learning. Period.",
            "State of AI Report 2021",
            "A New Link to an Old Model Could Crack the Mystery of Deep Learning",
            "Hailo becomes a unicorn after a $136m investment",
            "AI and Machine Learning for On-Device Development",
            "Revolutionizing the Edge with TinyML",
            "Building Scalable, Explainable, and Adaptive NLP Models with Retrieval",
            "Image Encoders: BigTransfer vs CLIP",
            "Finding Complex Metal Oxides for Technology Advancement",
            "Yann LeCun’s Deep Learning Course at CDS",
            "Building AI that can generate images of things it has never seen before",
            "DataQA: Unstructured Text Documents Labeling",
            "Data-Efficient Deep Learning Benchmark (DEIC)",
            "Colab Notebook: Logging and Visualizing StyleGAN3 training runs with Comet",
            "Protein complex prediction with AlphaFold-Multimer",
            "Exploring the Limits of Large Scale Pre-training",
            "Patches Are All You Need?",
        ],
    },
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SphinxTestApp:
    builddir = tmp_path_factory.mktemp("site")
    app = SphinxTestApp("html", srcdir=PROJECT, builddir=builddir,
                        confoverrides={"nitpicky": True}, parallel=2)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def soup(site: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(site.outdir) / f"{name}.html").read_text(encoding="utf-8"),
                         "html.parser")


def test_site_builds_without_any_warning(site):
    assert site.warning.getvalue() == ""


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_source_page_shows_title_date_sections_and_every_item(site, name):
    expected = SOURCES[name]
    page = soup(site, name)
    article = page.select_one("article")
    assert article.h1.get_text(strip=True).rstrip("#") == expected["title"]
    assert expected["date"] in article.select_one(".kb-page-details").get_text(" ", strip=True)
    sections = [h.get_text(strip=True).rstrip("#") for h in article.select("section > h2")]
    for section in expected["sections"]:
        assert section in sections
    titles = [h.get_text(strip=True) for h in article.select("div.kb-item .kb-item-title")]
    assert titles == expected["items"]
    for item in article.select("div.kb-item"):
        assert item.get("id"), "every item has an anchor"
        assert item.select_one(".kb-item-meta a"), f"{item['id']} links to its topics"
        body = item.get_text(" ", strip=True)
        assert len(body) > 80, f"{item['id']} has a paraphrase"


def test_every_citation_resolves_to_a_bibliography_entry(site):
    references = soup(site, "references")
    anchors = {tag["id"] for tag in references.select("[id]")}
    cited = 0
    for name in SOURCES:
        for citation in soup(site, name).select("span.bibtex-citation"):
            links = citation.select("a")
            assert links, f"unresolved citation on {name}: {citation}"
            for link in links:
                parts = urlsplit(link["href"])
                assert parts.path.endswith("references.html")
                assert parts.fragment in anchors
                cited += 1
    assert cited >= 32


def test_bibliography_lists_every_cited_paper_with_identifiers(site):
    references = soup(site, "references")
    entries = references.select("div.citation")
    assert len(entries) == 32
    for entry in entries:
        # every entry has its identifier link except those whose identifier is unverified
        text = entry.get_text(" ", strip=True)
        assert entry.select("a[href^='https://doi.org/'], a[href^='https://arxiv.org/']") \
            or "not verified" in text, text
    text = references.get_text(" ", strip=True)
    # braces in refs.bib keep names capitalised where the style lowercases titles
    for fact in ["Žídek", "Highly accurate protein structure prediction with AlphaFold",
                 "10.1038/s41586-021-03819-2", "Patches are all you need?", "arXiv:2201.09792"]:
        assert fact in text


def test_topic_page_gathers_items_across_sources(site):
    listing = soup(site, "topics/protein-structure").select_one(".kb-topic-listing")
    text = listing.get_text(" ", strip=True)
    assert "AlphaFold2 (application), in A Look Back at Deep Learning in 2021 (Application)" in text
    assert "Protein complex prediction with AlphaFold-Multimer (paper), in Deep Learning Weekly" in text
    hrefs = {a["href"] for a in listing.select("a")}
    assert "../reviews/hippocampus-garden/2021-applications.html#alphafold2" in hrefs
    assert "../newsletters/deep-learning-weekly/2021/issue-220.html#alphafold-multimer" in hrefs


def test_topic_listing_files_a_review_under_the_year_it_reviews(site):
    """Issue 14: 'A Look Back at Deep Learning in 2021' (January 2022) is listed under 2021."""
    listing = soup(site, "topics/protein-structure").select_one(".kb-topic-listing")
    alphafold = listing.select_one("a[href$='2021-applications.html#alphafold2']")
    year = alphafold.find_parent("ul").find_previous_sibling("h3")
    assert year.get_text(strip=True) == "2021"
    assert "3 January 2022" in alphafold.find_parent("li").get_text()  # the publication date
    chart = soup(site, "topics/protein-structure").select_one("table.kb-trend-numbers")
    assert [td.get_text(strip=True) for td in chart.select("tbody td")] == ["2021", "2", "2"]


def test_paper_index_numbers_read_in_order(site):
    labels = [label.get_text(strip=True)
              for label in soup(site, "references").select(".kb-paper-index div.citation .label")]
    assert labels == [f"[{n}]" for n in range(1, len(labels) + 1)] and len(labels) > 20


def test_every_topic_has_a_page_in_the_overview_and_the_index(site):
    overview = soup(site, "topics/index").select(".kb-topics-overview a")
    assert len(overview) >= 20
    index = soup(site, "kb-topicindex").get_text(" ", strip=True)
    for link in overview:
        assert link.get_text(strip=True) in index


def test_home_page_links_to_every_section(site):
    home = soup(site, "index")
    hrefs = {a["href"] for a in home.select("article a")}
    for target in ["reviews/index.html", "newsletters/index.html", "topics/index.html",
                   "kb-topicindex.html", "references.html"]:
        assert target in hrefs
    assert home.select_one('link[rel="icon"]')["href"].endswith("favicon.svg")
    footer = home.get_text(" ", strip=True)
    assert "CC BY 4.0" in footer and "MIT" in footer


def test_theme_buttons_and_navigation_hierarchy(site):
    page = soup(site, "newsletters/deep-learning-weekly/2021/issue-220")
    buttons = " ".join(a.get("href", "") for a in page.select(".article-header-buttons a"))
    assert "/edit/main/newsletters/deep-learning-weekly/2021/issue-220.md" in buttons
    assert "/issues/new" in buttons
    nav = page.select_one("nav.bd-docs-nav")
    # series > year > issue: the current branch is expanded down to the issue
    current = [a.get_text(strip=True) for a in nav.select("li.current > a")]
    assert current == ["Newsletters", "Deep Learning Weekly", "Deep Learning Weekly in 2021",
                       "Deep Learning Weekly: Issue #220"]


def test_noop_rebuild_reads_no_document(site, tmp_path):
    builddir = tmp_path / "build"
    shutil.copytree(Path(site.outdir).parent, builddir)
    read: list[str] = []
    app = SphinxTestApp("html", srcdir=PROJECT, builddir=builddir)
    try:
        app.connect("source-read", lambda _app, docname, _source: read.append(docname))
        app.build()
    finally:
        app.cleanup()
    assert read == []


def _internal_links(path: Path, outdir: Path) -> set[Path]:
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    found = set()
    for link in page.select("a[href]"):
        parts = urlsplit(link["href"])
        if parts.scheme or parts.netloc or not parts.path.endswith(".html"):
            continue
        target = (path.parent / parts.path).resolve()
        if target.is_relative_to(outdir) and target.exists():
            found.add(target)
    return found


def test_every_page_is_at_most_three_clicks_from_the_home_page(site):
    outdir = Path(site.outdir).resolve()
    reached = {outdir / "index.html"}
    frontier = set(reached)
    for _click in range(3):
        frontier = {t for page in frontier for t in _internal_links(page, outdir)} - reached
        reached |= frontier
    # orphan pages are outside the navigation on purpose (book.md is the PDF's root)
    pages = {outdir / f"{doc}.html" for doc in site.env.found_docs
             if "orphan" not in site.env.metadata[doc]}
    assert len(pages) >= 35
    missing = sorted(str(p.relative_to(outdir)) for p in pages - reached)
    assert not missing


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_review_and_issue_shows_related_pages_and_backlinks(site, name):
    page = soup(site, name)
    related = page.select(".kb-related li")
    assert related and all("sharing" in li.get_text() for li in related)
    backlinks = page.select(".kb-backlinks li")
    assert backlinks, f"{name} shows what references it"


def test_archive_and_timeline_list_every_review_and_issue_in_date_order(site):
    archive = soup(site, "archive")
    timeline = [li.get_text(" ", strip=True) for li in archive.select(".kb-timeline li")]
    assert timeline == [
        "October 2021 : Deep Learning Weekly: Issue #220 (newsletter)",
        "3 January 2022 : A Look Back at Deep Learning in 2021 (Application) (review)",
        "17 January 2023 : Year in Review: Deep Learning in 2022 (review)",
    ]
    assert len(archive.select(".kb-archive-list li")) == len(SOURCES)


def test_cross_links_between_sources_resolve(site):
    multimer = soup(site, "newsletters/deep-learning-weekly/2021/issue-220").select_one(
        "#alphafold-multimer")
    hrefs = {a["href"] for a in multimer.select("a")}
    assert "../../../reviews/hippocampus-garden/2021-applications.html#alphafold2" in hrefs
    alphafold2 = soup(site, "reviews/hippocampus-garden/2021-applications").select_one("#alphafold2")
    mentioned = alphafold2.select_one(".kb-item-backlinks").get_text(" ", strip=True)
    assert "Protein complex prediction with AlphaFold-Multimer" in mentioned


def test_paper_index_shows_alphafold_discussed_by_both_sources(site):
    entries = soup(site, "references").select("div.citation")
    alphafold = next(e for e in entries if "Highly accurate protein structure" in e.get_text())
    discussed = alphafold.select_one(".kb-discussed-in")
    hrefs = {a["href"] for a in discussed.select("a")}
    assert "reviews/hippocampus-garden/2021-applications.html#alphafold2" in hrefs
    assert "newsletters/deep-learning-weekly/2021/issue-220.html#alphafold-multimer" in hrefs


def test_author_index_lists_every_author_and_shows_overlaps(site):
    import pybtex.database

    people = {a.strong.get_text(): a.get_text(" ", strip=True)
              for a in soup(site, "authors").select(".kb-author")}
    bib = pybtex.database.parse_file(str(PROJECT / "refs.bib"))
    last_names = {" ".join(p.last_names).replace("{", "").replace("}", "")
                  for e in bib.entries.values() for p in e.persons.get("author", [])}
    shown = " ".join(people)
    missing = [name for name in last_names if name not in shown]
    assert not missing
    # the authors shared by the two scaling papers
    for name in ("Abnar", "Dehghani"):
        row = next(text for person, text in people.items() if person.startswith(name))
        assert "Exploring the Limits of Large Scale Pre-training" in row
        assert "Scaling Laws vs Model Architectures" in row


def test_each_review_and_issue_lists_the_works_it_cites(site):
    refs = soup(site, "reviews/hippocampus-garden/2021-applications").select(
        ".kb-page-references li")
    assert len(refs) == 4  # Jumper, Chen (Codex), Carlini, Howard
    assert all(li.select_one("span.kb-citations a[href^='../../references.html#']")
               for li in refs)
