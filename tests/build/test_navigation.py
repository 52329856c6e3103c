"""Walking the graph: roles, archives, timeline, series links, related pages, backlinks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, Build, append, line_of, page, texts

pytestmark = pytest.mark.sphinx(testroot="navigation", confoverrides={"nitpicky": True})


def test_roles_resolve_with_the_target_title_as_text(html):
    body = page(html, "reviews/r2022").select_one("div.body")
    links = {a.get_text(strip=True): a["href"] for a in body.select("a.reference.internal")}
    assert links["GANs"] == "../topics/gans.html"
    assert links["Weekly 1"] == "../newsletters/n1.html"
    assert links["IC-GAN"] == "../newsletters/n1.html#ic-gan"


def test_archive_by_year_is_newest_first_with_known_precision(html):
    archive = page(html, "archive")
    years = texts(archive, ".kb-archive-year-title")
    assert years == ["2023", "2021"]
    rows = texts(archive, ".kb-archive-list li")
    assert rows == [
        "Review of 2022 (review), 17 January 2023",
        "Weekly 2 (newsletter), 2 November 2021",
        "Weekly 1 (newsletter), October 2021",
    ]


def test_timeline_is_oldest_first(html):
    rows = texts(page(html, "archive"), ".kb-timeline li")
    assert rows == [
        "October 2021 : Weekly 1 (newsletter)",
        "2 November 2021 : Weekly 2 (newsletter)",
        "17 January 2023 : Review of 2022 (review)",
    ]


def test_series_archive_lists_issues_in_order(html):
    assert texts(page(html, "weekly"), ".kb-archive-series li") == [
        "#1: Weekly 1 (newsletter), October 2021",
        "#2: Weekly 2 (newsletter), 2 November 2021",
    ]


def test_issues_link_to_previous_and_next_in_their_series(html):
    first = page(html, "newsletters/n1").select_one(".kb-series-nav")
    assert first.get_text(" ", strip=True) == "Next in the series: Weekly 2"
    assert first.a["href"] == "n2.html"
    second = page(html, "newsletters/n2").select_one(".kb-series-nav")
    assert second.get_text(" ", strip=True) == "Previous in the series: Weekly 1"


def test_related_pages_are_ranked_by_shared_topics_and_show_them(html):
    related = texts(page(html, "reviews/r2022"), ".kb-related li")
    assert related == [
        "Weekly 2 (newsletter), 2 November 2021, sharing 1 topic: GANs",
        "Weekly 1 (newsletter), October 2021, sharing 1 topic: GANs",
    ]


def test_backlinks_on_pages_items_and_topics(html):
    issue = page(html, "newsletters/n1")
    # the page and its items: n2's item and r2022 (its text and its item) refer to it
    assert texts(issue, ".kb-backlinks li") == [
        "StyleGAN3 , in Weekly 2", "Review of 2022", "Cold Diffusion , in Review of 2022"]
    mentioned = issue.select_one("#ic-gan .kb-item-backlinks")
    assert mentioned.get_text(" ", strip=True) == (
        "Mentioned in: StyleGAN3 , in Weekly 2 ; Cold Diffusion , in Review of 2022")
    assert {a["href"] for a in mentioned.select("a")} >= {"n2.html#stylegan3",
                                                          "../reviews/r2022.html#cold-diffusion"}
    assert texts(page(html, "topics/gans"), ".kb-backlinks li") == ["Review of 2022"]
    # a topic tag is not a reference: the topic listing shows tagged pages
    assert not page(html, "topics/diffusion").select(".kb-backlinks")
    assert texts(page(html, "reviews/r2022"), ".kb-backlinks p") == [
        "No other page references this one yet."]


def test_a_navigation_page_s_links_are_not_backlinks(copy_root):
    """A page without a kind (the home page, a topics overview) links to topics and pages
    as a menu does: the links work, but the targets do not list it under "Referenced
    from"; a review that mentions the topic still counts."""
    src = copy_root("navigation")
    append(src / "index.md", "\nOverview: {kb:topic}`gans`, {kb:issue}`weekly/1`.\n")
    built = Build(src)
    home = built.page("index")
    assert {a["href"] for a in home.select("a.reference")} >= {"topics/gans.html",
                                                               "newsletters/n1.html"}
    assert texts(built.page("topics/gans"), ".kb-backlinks li") == ["Review of 2022"]
    assert "Navigation test" not in " ".join(texts(built.page("newsletters/n1"),
                                                     ".kb-backlinks li"))


def test_home_page_shows_newest_pages_and_busiest_topics(html):
    home = page(html, "index")
    assert texts(home, ".kb-newest li") == [
        "Review of 2022 (review), 17 January 2023. The year 2022.",
        "Weekly 2 (newsletter), 2 November 2021. The second issue.",
    ]
    assert texts(home, ".kb-busiest-topics li") == ["GANs (5 entries)"]


def test_latex_carries_archives_series_links_and_backlinks(latex):
    latex = latex.tex
    assert r"Next in the series: {\hyperref[\detokenize{newsletters/n2::doc}]" in latex
    assert r"\section*{Referenced from}" in latex
    assert "October 2021}: {\\hyperref[\\detokenize{newsletters/n1::doc}]" in latex
    assert r"\section*{Related pages}" in latex


DANGLING = [
    ("issue", "weekly/9", "unknown issue 'weekly/9': write 'series/number'"),
    ("review", "garden/1999", "unknown review 'garden/1999': write 'series/year'"),
    ("item", "no-such-item", "unknown item 'no-such-item': write 'docname#anchor'"),
    ("topic", "no-such-topic", "unknown topic 'no-such-topic': use a slug or alias"),
]


@pytest.fixture(scope="module")
def dangling(tmp_path_factory) -> tuple[Path, Build]:
    """The navigation root with one dangling reference of each kind, each on its own line of
    newsletters/n2.md, built once (each is reported on its own)."""
    src = tmp_path_factory.mktemp("dangling") / "src"
    shutil.copytree(ROOTS / "test-navigation", src)
    path = src / "newsletters/n2.md"
    append(path, "".join(f"\nSee {{kb:{role}}}`{target}`.\n" for role, target, _ in DANGLING))
    return path, Build(src, confoverrides={"nitpicky": True})


@pytest.mark.parametrize(("role", "target", "message"), DANGLING)
def test_dangling_reference_is_reported_with_its_location(dangling, role, target, message):
    path, build = dangling
    line = line_of(path, target)
    assert f"n2.md:{line}: WARNING: {message}" in build.warnings
    assert "Traceback" not in build.warnings


def test_each_dangling_reference_is_reported_once(dangling):
    _, build = dangling
    assert [sum(target in line for line in build.warning_lines) for _, target, _ in DANGLING] == \
        [1] * len(DANGLING)
