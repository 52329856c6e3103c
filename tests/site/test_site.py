"""Sites build strictly (nitpicky, no warning allowed): the test roots, and the real site,
read as a reader reads it (slow)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import PROJECT, Build

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


@pytest.mark.parametrize("builder", ["html", "latex"])
@pytest.mark.parametrize("root", ["kb", "navigation"])
def test_a_test_root_builds_without_any_warning(shared_build, root, builder):
    # nitpicky: every cross-reference the extension writes resolves
    assert shared_build(root, builder, nitpicky=True).warnings == ""


@pytest.fixture(scope="module")
def site(real_site) -> Build:
    return real_site


@pytest.mark.slow
def test_site_builds_without_any_warning(site):
    assert site.warnings == ""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_source_page_shows_title_date_sections_and_every_item(site, name):
    expected = SOURCES[name]
    page = site.page(name)
    article = page.select_one("article")
    assert article.h1.get_text(strip=True).rstrip("#") == expected["title"]
    assert expected["date"] in article.select_one(".kb-page-details").get_text(" ", strip=True)
    sections = [h.get_text(strip=True).rstrip("#") for h in article.select("section > h2")]
    for section in expected["sections"]:
        assert section in sections
    titles = [h.get_text(strip=True) for h in article.select("div.kb-item-card .kb-item-title")]
    assert titles == expected["items"]
    for item in article.select("div.kb-item-card"):
        assert item.get("id"), "every item has an anchor"
        assert item.select_one(".kb-item-meta a"), f"{item['id']} links to its topics"
        body = item.get_text(" ", strip=True)
        assert len(body) > 80, f"{item['id']} has a paraphrase"


@pytest.mark.slow
def test_every_citation_resolves_to_a_bibliography_entry(site):
    references = site.page("references")
    anchors = {tag["id"] for tag in references.select("[id]")}
    cited = 0
    for name in SOURCES:
        for citation in site.page(name).select("span.bibtex-citation"):
            links = citation.select("a")
            assert links, f"unresolved citation on {name}: {citation}"
            for link in links:
                parts = urlsplit(link["href"])
                assert parts.path.endswith("references.html")
                assert parts.fragment in anchors
                cited += 1
    assert cited >= 32


@pytest.mark.slow
def test_bibliography_lists_every_cited_paper_with_identifiers(site):
    references = site.page("references")
    entries = references.select("div.citation")
    assert len(entries) == 32
    for entry in entries:
        # every entry has its DOI or arXiv link (a missing identifier is a build warning)
        text = entry.get_text(" ", strip=True)
        assert entry.select("a[href^='https://doi.org/'], a[href^='https://arxiv.org/']"), text
    text = references.get_text(" ", strip=True)
    # braces in refs.bib keep names capitalised where the style lowercases titles
    for fact in ["Žídek", "Highly accurate protein structure prediction with AlphaFold",
                 "10.1038/s41586-021-03819-2", "Patches are all you need?", "arXiv:2201.09792"]:
        assert fact in text


@pytest.mark.slow
def test_topic_page_gathers_items_across_sources(site):
    listing = site.page("topics/protein-structure").select_one(".kb-topic-listing")
    text = listing.get_text(" ", strip=True)
    assert "AlphaFold2 (application), in A Look Back at Deep Learning in 2021 (Application)" in text
    assert "Protein complex prediction with AlphaFold-Multimer (paper), in Deep Learning Weekly" in text
    hrefs = {a["href"] for a in listing.select("a")}
    assert "../reviews/hippocampus-garden/2021-applications.html#alphafold2" in hrefs
    assert "../newsletters/deep-learning-weekly/2021/issue-220.html#alphafold-multimer" in hrefs


@pytest.mark.slow
def test_topic_listing_files_a_review_under_the_year_it_reviews(site):
    """Issue 14: 'A Look Back at Deep Learning in 2021' (January 2022) is listed under 2021."""
    listing = site.page("topics/protein-structure").select_one(".kb-topic-listing")
    alphafold = listing.select_one("a[href$='2021-applications.html#alphafold2']")
    year = alphafold.find_parent("ul").find_previous_sibling("h3")
    assert year.get_text(strip=True) == "2021"
    assert "3 January 2022" in alphafold.find_parent("li").get_text()  # the publication date
    # every entry of 2021: said in a sentence, not drawn as a chart from 2021 to 2021
    single = site.page("topics/protein-structure").select_one("p.kb-trend-single")
    assert single.get_text() == ("All 4 entries on Protein structure prediction are from 2021: "
                                 "2 from year reviews and 2 from newsletter issues.")


@pytest.mark.slow
def test_paper_index_numbers_read_in_order(site):
    labels = [label.get_text(strip=True)
              for label in site.page("references").select(".kb-paper-index div.citation .label")]
    assert labels == [f"[{n}]" for n in range(1, len(labels) + 1)] and len(labels) > 20


@pytest.mark.slow
def test_every_topic_has_a_page_in_the_overview_and_the_index(site):
    overview = site.page("topics/index").select(".kb-topics-overview a")
    assert len(overview) >= 20
    index = site.page("kb-topicindex").get_text(" ", strip=True)
    for link in overview:
        assert link.get_text(strip=True) in index


@pytest.mark.slow
def test_home_page_links_to_every_section(site):
    home = site.page("index")
    hrefs = {a["href"] for a in home.select("article a")}
    for target in ["reviews/index.html", "newsletters/index.html", "topics/index.html",
                   "kb-topicindex.html", "references.html"]:
        assert target in hrefs
    assert home.select_one('link[rel="icon"]')["href"].endswith("favicon.svg")
    footer = home.get_text(" ", strip=True)
    assert "CC BY 4.0" in footer and "MIT" in footer


@pytest.mark.slow
def test_theme_buttons_and_navigation_hierarchy(site):
    page = site.page("newsletters/deep-learning-weekly/2021/issue-220")
    buttons = " ".join(a.get("href", "") for a in page.select(".article-header-buttons a"))
    assert "/edit/main/newsletters/deep-learning-weekly/2021/issue-220.md" in buttons
    assert "/issues/new" in buttons
    nav = page.select_one("nav.bd-docs-nav")
    # series > year > issue: the current branch is expanded down to the issue
    current = [a.get_text(strip=True) for a in nav.select("li.current > a")]
    assert current == ["Newsletters", "Deep Learning Weekly", "Deep Learning Weekly in 2021",
                       "Deep Learning Weekly: Issue #220"]


@pytest.mark.slow
def test_noop_rebuild_reads_no_document(site, tmp_path):
    builddir = tmp_path / "build"
    shutil.copytree(site.outdir.parent, builddir)
    assert Build(PROJECT, builddir=builddir).read == []


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


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_review_and_issue_shows_related_pages_and_backlinks(site, name):
    page = site.page(name)
    related = page.select(".kb-related li")
    assert related and all("sharing" in li.get_text() for li in related)
    backlinks = page.select(".kb-backlinks li")
    assert backlinks, f"{name} shows what references it"


@pytest.mark.slow
def test_archive_and_timeline_list_every_review_and_issue_in_date_order(site):
    archive = site.page("archive")
    timeline = [li.get_text(" ", strip=True) for li in archive.select(".kb-timeline li")]
    assert timeline == [
        "October 2021 : Deep Learning Weekly: Issue #220 (newsletter)",
        "3 January 2022 : A Look Back at Deep Learning in 2021 (Application) (review)",
        "17 January 2023 : Year in Review: Deep Learning in 2022 (review)",
    ]
    assert len(archive.select(".kb-archive-list li")) == len(SOURCES)


@pytest.mark.slow
def test_cross_links_between_sources_resolve(site):
    multimer = site.page("newsletters/deep-learning-weekly/2021/issue-220").select_one(
        "#alphafold-multimer")
    hrefs = {a["href"] for a in multimer.select("a")}
    assert "../../../reviews/hippocampus-garden/2021-applications.html#alphafold2" in hrefs
    alphafold2 = site.page("reviews/hippocampus-garden/2021-applications").select_one("#alphafold2")
    mentioned = alphafold2.select_one(".kb-item-backlinks").get_text(" ", strip=True)
    assert "Protein complex prediction with AlphaFold-Multimer" in mentioned


@pytest.mark.slow
def test_paper_index_shows_alphafold_discussed_by_both_sources(site):
    entries = site.page("references").select("div.citation")
    alphafold = next(e for e in entries if "Highly accurate protein structure" in e.get_text())
    discussed = alphafold.select_one(".kb-discussed-in")
    hrefs = {a["href"] for a in discussed.select("a")}
    assert "reviews/hippocampus-garden/2021-applications.html#alphafold2" in hrefs
    assert "newsletters/deep-learning-weekly/2021/issue-220.html#alphafold-multimer" in hrefs


@pytest.mark.slow
def test_author_index_lists_every_author_and_shows_overlaps(site):
    import pybtex.database

    people = {a.strong.get_text(): a.get_text(" ", strip=True)
              for a in site.page("authors").select(".kb-author")}
    bib = pybtex.database.parse_file(str(PROJECT / "refs.bib"))
    last_names = {" ".join(p.last_names).replace("{", "").replace("}", "")
                  for e in bib.entries.values() for p in e.persons.get("author", [])}
    shown = " ".join(people)
    missing = [name for name in last_names if name not in shown]
    assert not missing
    # the authors shared by the two scaling papers
    for name in ("Abnar, Samira", "Dehghani, Mostafa"):
        row = people[name]
        assert "Exploring the Limits of Large Scale Pre-training" in row
        assert "Scaling Laws vs Model Architectures" in row
    # people who share a surname and an initial are apart (issue 25), each with their works
    works = {person: text.split(": ", 1)[1] for person, text in people.items()}
    assert "Multi-Game Decision Transformers" in works["Lee, Kuang-Huei"]
    assert "Extracting Training Data" in works["Lee, Katherine"]
    assert "Decision Transformer: Reinforcement Learning" in works["Lee, Kimin"]
    assert "Decision Transformer: Reinforcement Learning" in works["Chen, Lili"]
    assert "Multi-Game Decision Transformers" in works["Yang, Mengjiao"]
    assert people["Chen, Liang-Chieh"].startswith("Chen, Liang-Chieh (1 work): Searching for MobileNetV3")
    anchors = [entry["id"] for entry in site.page("authors").select(".kb-author")]
    assert len(anchors) == len(set(anchors)) == len(people)


@pytest.mark.slow
def test_each_review_and_issue_lists_the_works_it_cites(site):
    refs = site.page("reviews/hippocampus-garden/2021-applications").select(
        ".kb-page-references li")
    assert len(refs) == 4  # Jumper, Chen (Codex), Carlini, Howard
    assert all(li.select_one("span.kb-citations a[href^='../../references.html#']")
               for li in refs)


# -- data out (kb.json, JSON-LD, BibTeX, objects.inv; details in test_dataout.py) -------------


@pytest.mark.slow
def test_kb_json_validates_and_counts_the_sources(site):
    import json
    import re

    import jsonschema

    out = Path(site.outdir)
    data = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    schema = json.loads((out / "kb.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads((PROJECT / "_ext" / "kb" / "outputs" / "kb.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    kinds = {}
    for path in [*PROJECT.glob("*/**/*.md"), *PROJECT.glob("*.md")]:
        doc = path.relative_to(PROJECT).with_suffix("").as_posix()
        if doc.split("/")[0] in ("reviews", "newsletters", "topics"):
            found = re.search(r"^kind:\s*(\S+)", path.read_text(encoding="utf-8"), re.M)
            kinds[doc] = found[1] if found else None
    exported = {p["docname"]: p["kind"] for p in data["pages"]}
    assert {doc: exported[doc] for doc in kinds} == kinds
    assert {kind: sum(1 for k in exported.values() if k == kind) for kind in ("review", "newsletter")} \
        == {"review": 2, "newsletter": 1}
    items = sum(len(spec["items"]) for spec in SOURCES.values())
    assert len(data["items"]) == items
    assert len(data["topics"]) == len(list((PROJECT / "topics").glob("*.md"))) - 1  # not index.md
    bib = (PROJECT / "refs.bib").read_text(encoding="utf-8")
    assert len(data["papers"]) == len(re.findall(r"^@\w+\{", bib, re.M)) == 32
    # every cited work has a DOI or an arXiv id
    assert all(p["doi"] or p["arxiv"] for p in data["papers"]), [
        p["key"] for p in data["papers"] if not (p["doi"] or p["arxiv"])]
    papers = {p["key"]: p for p in data["papers"]}
    assert papers["kumar2020cql"]["arxiv"] == "2006.04779"
    assert papers["chang2023muse"]["arxiv"] == "2301.00704"
    assert len(papers["chang2023muse"]["authors"]) == 12
    assert (out / "refs.bib").read_bytes() == (PROJECT / "refs.bib").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(("name", "kind"), [
    ("reviews/hippocampus-garden/2022", "Article"),
    ("newsletters/deep-learning-weekly/2021/issue-220", "Article"),
    ("topics/diffusion-models", "DefinedTerm"),
])
def test_pages_describe_themselves_in_json_ld(site, name, kind):
    import json

    from linked_data import expand, references

    [script] = site.page(name).select('script[type="application/ld+json"]')
    data = json.loads(script.string)
    assert data["@type"] == kind
    base = "https://dl-knowledge-base.github.io/dl-knowledge-base/"
    assert data["@id"] == f"{base}{name}.html"
    # every reference absolute, as a JSON-LD processor reads them (offline)
    assert all(iri.startswith(("http://", "https://")) for iri in references(expand(data)))
    if kind == "DefinedTerm":
        assert data["termCode"] == "diffusion-models"
        return
    assert data["headline"] == SOURCES[name]["title"]
    ids = {i["value"] for work in data["citation"] for i in work.get("identifier", [])}
    assert len(ids) >= len(data["citation"])  # every cited work with its DOI or arXiv id
    # the page is the knowledge base's retelling; the original is what it is based on
    assert data["author"]["name"] == data["publisher"]["name"] == \
        "The Deep Learning Knowledge Base contributors"
    if name.endswith("2022"):
        assert {"2006.04779", "2301.00704", "10.1038/s41586-021-04357-7"} <= ids
        original = data["isBasedOn"]
        assert original["url"] == "https://hippocampus-garden.com/deep_learning_2022"
        assert original["datePublished"] == "2023-01-17"
        assert original["author"] == [{"@type": "Person", "name": "Shion Honda"}]
        assert original["publisher"]["name"] == "Hippocampus's Garden year reviews"


@pytest.mark.slow
def test_items_offer_their_references_as_bibtex(site):
    from pybtex.database import parse_string

    page = site.page("reviews/hippocampus-garden/2022")
    item = page.select_one("#multi-game-decision-transformers")
    entries = parse_string(item.select_one(".kb-bibtex pre").get_text(), "bibtex").entries
    assert "kumar2020cql" in entries
    assert entries["kumar2020cql"].fields["eprint"] == "2006.04779"
    link = site.page("references").select_one(".kb-bib-download a.kb-bib-file")
    assert link["href"] == "refs.bib"


# -- link integrity ------------------------------------------------------------------------


def internal_links(outdir: Path, base_path: str = "/") -> tuple[int, list[str]]:
    """Every internal href and src of every built page: (links checked, broken ones).

    A link resolves when its path names a file of the site (a folder: its index.html)
    and its fragment, if any, an `id` (or an anchor's `name`) in that file. A path from
    the server's root (the 404 page's links) must start with the site's `base_path`."""
    from urllib.parse import unquote

    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {tag["id"] for tag in page.find_all(id=True)} | {
                tag["name"] for tag in page.find_all("a", attrs={"name": True})}
        return ids[path]

    checked, broken = 0, []
    for page_path in sorted(outdir.rglob("*.html")):
        if page_path.relative_to(outdir).parts[0] == "_static":
            continue  # the themes' Jinja macro files, copied as assets: not pages
        page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
        for tag in page.find_all(True):
            for attribute in ("href", "src"):
                url = tag.get(attribute)
                if not url or not isinstance(url, str):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue  # external (checked by no test: builds are offline)
                checked += 1
                where = f"{page_path.relative_to(outdir)}: {attribute}={url!r}"
                path = unquote(parts.path)
                if path.startswith("/"):
                    if not path.startswith(base_path):
                        broken.append(f"{where}: outside the site's path {base_path}")
                        continue
                    target = (outdir / path.removeprefix(base_path)).resolve()
                else:
                    target = page_path if not path else (page_path.parent / path).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    broken.append(f"{where}: no such file")
                elif parts.fragment and target.suffix == ".html" \
                        and unquote(parts.fragment) not in ids_of(target):
                    broken.append(f"{where}: no id {parts.fragment!r} in {target.name}")
    return checked, broken


@pytest.mark.slow
def test_every_internal_link_resolves_to_a_file_and_an_id(site):
    base_path = urlsplit(site.app.config.html_baseurl).path or "/"
    checked, broken = internal_links(Path(site.outdir), base_path)
    print(f"links checked: {checked}, broken: {len(broken)}")
    assert checked > 1000
    assert broken == []


def test_the_link_walk_finds_a_broken_link(tmp_path):
    """The walk above can fail: a missing page and a missing id are both reported."""
    (tmp_path / "a.html").write_text('<p id="here"><a href="b.html">x</a> <a href="#gone">y</a>'
                                     '<a href="#here">z</a><img src="_static/x.png">'
                                     '<a href="/site/a.html#here">r</a><a href="/other/a.html">o</a>'
                                     '<a href="/site/c.html">c</a></p>')
    checked, broken = internal_links(tmp_path, "/site/")
    assert checked == 7
    assert len(broken) == 5, broken
