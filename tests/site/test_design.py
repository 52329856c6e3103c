"""sphinx-design cards on the home page and the topics overview, in the HTML and in the book.

The cards are written by hand in index.md and topics/index.md, so the sources are checked
against the data they mirror (every series has a card; the topics overview has one card per
top-level topic, listing its subtopics), and the built site against what a reader gets: the
cards are there with working links (HTML), and their text is in the book (LaTeX), one
paragraph each, so no two topics run together on the printed page.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import PROJECT, Build
from kb.model import frontmatter

TOPICS = PROJECT / "topics"
HOME_CARD = ".kb-home-cards .sd-card"
TOPIC_CARD = ".kb-topic-cards .sd-card"
ROLE = re.compile(r"\{kb:topic\}`([^`<>]+)`")


def grid(markdown: str, container_class: str) -> str:
    """The source of the grid whose `:class-container:` is `container_class`."""
    match = re.search(r"^::::\{grid\}[^\n]*\n(?::[^\n]*\n)*?:class-container: " + container_class
                      + r"\n(.*?)^::::$", markdown, re.S | re.M)
    assert match, f"no grid with :class-container: {container_class}"
    return match[1]


def cards(grid_source: str) -> list[str]:
    return re.findall(r"^:::\{grid-item-card\}[^\n]*\n(.*?)^:::$", grid_source, re.S | re.M)


def topic_vocabulary() -> dict[str, tuple[str, str | None]]:
    """slug -> (title, parent slug), read from the topic pages' front matter and heading."""
    found = {}
    for path in sorted(TOPICS.glob("*.md")):
        source = path.read_text(encoding="utf-8")
        data = frontmatter.load(source).data
        if data.get("kind") != "topic":
            continue
        title = data.get("title") or re.search(r"^# (.+)$", source, re.M)[1]
        found[path.stem] = (title, data.get("parent"))
    return found


def by_title(slugs, vocabulary) -> list[str]:
    return sorted(slugs, key=lambda slug: vocabulary[slug][0].lower())


# -- the sources --------------------------------------------------------------------------


def test_the_topics_overview_has_a_card_per_top_level_topic_with_its_subtopics() -> None:
    vocabulary = topic_vocabulary()
    assert len(vocabulary) >= 20
    source = (TOPICS / "index.md").read_text(encoding="utf-8")
    found = []
    for card in cards(grid(source, "kb-topic-cards")):
        paragraphs = [p.strip() for p in card.strip().split("\n\n")]
        title = re.fullmatch(r"\*\*\{kb:topic\}`([^`]+)`\*\*", paragraphs[0])
        assert title, f"a topic card starts with its topic, in bold: {paragraphs[0]!r}"
        found.append((title[1], ROLE.findall(" ".join(paragraphs[1:]))))
    roots = by_title([s for s, (_, parent) in vocabulary.items() if parent is None], vocabulary)
    expected = [(root, by_title([s for s, (_, p) in vocabulary.items() if p == root], vocabulary))
                for root in roots]
    assert found == expected


def test_the_home_page_has_a_card_per_series() -> None:
    from kb.build.config import load_series

    series = load_series(PROJECT)  # a bad entry stops it (SettingError)
    assert series
    source = (PROJECT / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"^:::\{grid-item-card\} \[[^\]]+\]\(([^)]+)/index\.md\)", source, re.M))
    folders = {"review": "reviews", "newsletter": "newsletters"}
    assert linked >= {f"{folders[entry.kind]}/{slug}" for slug, entry in series.items()}


# -- the built site -----------------------------------------------------------------------


def resolves(page_path: Path, href: str, outdir: Path) -> bool:
    """An internal link names a file of the site, and an id in it if it has a fragment."""
    from bs4 import BeautifulSoup

    parts = urlsplit(href)
    target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
    if not target.is_relative_to(outdir.resolve()) or not target.is_file():
        return False
    if not parts.fragment:
        return True
    page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
    return page.find(id=unquote(parts.fragment)) is not None


@pytest.fixture(scope="module")
def site(real_site) -> Build:
    return real_site


@pytest.mark.slow
@pytest.mark.parametrize("name, selector, count", [
    ("index", HOME_CARD, 7),  # five ways to browse, two series
    ("topics/index", TOPIC_CARD, 13),  # the top-level topics
])
def test_the_cards_are_built_with_working_links(site, name, selector, count):
    page_path = Path(site.outdir) / f"{name}.html"
    found = site.page(name).select(selector)
    assert len(found) == count
    for card in found:
        links = card.select("a[href]")
        assert links, f"a card without a link: {card.get_text(' ', strip=True)}"
        for link in links:
            assert not urlsplit(link["href"]).scheme, link["href"]
            assert resolves(page_path, link["href"], Path(site.outdir)), link["href"]


@pytest.mark.slow
def test_the_topic_cards_show_each_top_level_topic_and_link_its_subtopics(site):
    taxonomy = site.env.get_domain("kb").graph.taxonomy
    shown = []
    for card in site.page("topics/index").select(TOPIC_CARD):
        links = card.select("a[href]")
        shown.append([(a.get_text(" ", strip=True), a["href"]) for a in links])
    assert shown == [
        [(taxonomy.topics[slug].title, f"{slug}.html")
         for slug in (root, *taxonomy.children(root))]
        for root in taxonomy.roots
    ]


@pytest.mark.slow
def test_the_series_cards_link_every_series_page(site):
    titles = {card.select_one("a").get_text(strip=True): card for card in site.page("index").select(HOME_CARD)}
    garden, weekly = titles["Hippocampus’s Garden"], titles["Deep Learning Weekly"]
    assert garden.select_one("a")["href"] == "reviews/hippocampus-garden/index.html"
    assert {a["href"] for a in garden.select("li a")} == {
        "reviews/hippocampus-garden/2021-applications.html", "reviews/hippocampus-garden/2022.html"}
    assert [a["href"] for a in weekly.select("li a")] == [
        "newsletters/deep-learning-weekly/2021/issue-220.html"]
    assert "Year reviews" in garden.get_text() and "Newsletter" in weekly.get_text()


# -- the book -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book_tex(tmp_path_factory) -> str:
    """The LaTeX of the real site's book (the topics overview is one of its chapters)."""
    build = Build(PROJECT, "latex", builddir=tmp_path_factory.mktemp("book"),
                  confoverrides={"nitpicky": True})
    assert build.warnings == ""
    return (build.outdir / "dl-knowledge-base.tex").read_text(encoding="utf-8")


def card_paragraphs(tex: str) -> list[str]:
    """The paragraphs of each card body in the LaTeX, markup dropped, in order."""
    found = []
    for body in re.findall(r"\\begin\{sphinxuseclass\}\{sd-card-body\}(.*?)\\end\{sphinxuseclass\}",
                           tex, re.S):
        for paragraph in re.split(r"\n\s*\n", body):
            text = paragraph.replace("\\sphinxhyphen{}", "-").replace("\\&", "&")
            # a command's name, and the arguments that are names rather than text
            text = re.sub(r"\\(?:detokenize|DUrole)\{[^}]*\}|\\[A-Za-z]+|[{}\[\]]", "", text)
            text = " ".join(text.split())
            if text:
                found.append(text)
    return found


@pytest.mark.slow
def test_the_topic_cards_are_in_the_book_one_paragraph_each(book_tex):
    vocabulary = topic_vocabulary()
    roots = by_title([s for s, (_, parent) in vocabulary.items() if parent is None], vocabulary)
    paragraphs = card_paragraphs(book_tex)
    titles = [vocabulary[root][0] for root in roots]
    # each top-level topic is a paragraph of its own, in the overview's order, and links there
    assert [p for p in paragraphs if p in titles] == titles
    for root in roots:
        assert f"\\hyperref[\\detokenize{{topics/{root}::doc}}]" in book_tex
    subtopics = [", ".join(vocabulary[s][0] for s in by_title(
        [s for s, (_, p) in vocabulary.items() if p == root], vocabulary)) for root in roots]
    assert [p for p in paragraphs if p in subtopics] == [s for s in subtopics if s]
