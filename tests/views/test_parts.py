"""Long generated lists split into parts (issue 17, page weight), on the `parts` test root,
and parts split again (issue 26), on the `subparts` test root.

The parts root's conf.py sets `kb_split_links = 2`, so the paper index and the archive (by
year), the author index (by letter) and the topic listing (by year) are split in HTML (the
paper index's 2021 again, by first author); the PDF keeps them whole.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import PROJECT, Build, append, edited_and_clean, html_pages, replace, touch
from kb.build.config import SettingError
from kb.views.data import EntryRow, Link, PageLine
from kb.views.parts import (
    Part,
    author_pages,
    entry_pages,
    group_pages,
    leaves,
    links,
    pages,
    paper_pages,
    part_data,
    parted_by,
    plan,
    slug,
)

# the real site's templates: its sidebar (the current branch) and Pagefind's article body
SITE = {"html_theme": "sphinx_book_theme", "html_theme_options": {"collapse_navbar": True},
        "templates_path": [str(PROJECT / "_templates")], "kb_search": "pagefind"}

SPLIT = {  # the parts each entry point lists first (a part split again lists its own)
    "papers": ["papers-2022", "papers-2021"],
    "authors": ["authors-e", "authors-j", "authors-k", "authors-t", "authors-u017d"],
    "archive": ["archive-2021-to-2022", "archive-2020"],  # two short years share a page
    "topics/proteins": ["topics/proteins-2022", "topics/proteins-2021", "topics/proteins-2020"],
}
# 2021's papers show 8 links (two papers, one discussed twice, each place two links): more
# than 2, so it is split again, by first author (Evans, Jumper)
SUBPARTS = {"papers-2021": ["papers-2021-e", "papers-2021-j"]}


@pytest.fixture(scope="module")
def site(shared_build) -> Build:
    """The parts root, with the real site's templates, built once for the session."""
    return shared_build("parts", **SITE)


def top_parts(page) -> list:
    """The links of an entry point's (or a split part's) own list of parts, not the lists
    of the parts split again nested in it."""
    return page.select("article .kb-parts-list:not(.kb-parts-nested) > li > p > a")


def holding(build: Build, part: str) -> list[str]:
    """The pages holding a part's entries: itself, or, split again, its parts' (followed
    from the links its page lists)."""
    page = build.page(part)
    if page.select_one("article .kb-part .kb-parts-list") is None:
        return [part]
    folder = part.rpartition("/")[0]
    return [found for a in top_parts(page)
            for found in holding(build, f"{folder}/{a['href']}".lstrip("/").removesuffix(".html"))]


def resolve(build: Build, page: str, href: str) -> Path:
    """The file a relative link from `page` points to (it must exist), and its anchor checked."""
    target, _, anchor = href.partition("#")
    path = (build.outdir / page).parent / target if target else build.outdir / f"{page}.html"
    assert path.is_file(), f"{page}: {href} is broken"
    if anchor:
        assert f'id="{anchor}"' in path.read_text(encoding="utf-8"), f"{page}: {href}: no anchor"
    return path.resolve()


# -- the pure part ------------------------------------------------------------------------


def test_plan_splits_only_past_the_threshold_of_links() -> None:
    data = (("2021", ("x", "y")), ("2020", ("z",)))  # the archive: one link a page
    assert plan("archive-year", data, "archive", 3) == ()
    assert plan("archive-year", data, "archive", 0) == ()  # 0: never
    assert plan("related", data, "archive", 1) == ()  # not a list of groups
    parts = plan("archive-year", data, "archive", 2)
    assert parts == (Part("archive-2021", "2021", 2, "2021", "2021"),
                     Part("archive-2020", "2020", 1, "2020", "2020"))
    assert part_data("archive-year", data, parts[1]) == (("2020", ("z",)),)
    # an author counts with their works and the pages discussing them: 1 + (1 + 2) + (1 + 0)
    people = (("A", (("person-ada", "Ada", (("work", 2021, ("p1", "p2")), ("other", 2020, ()))),)),)
    assert links("authors", people) == 5
    assert plan("authors", people, "authors", 5) == ()
    # (one person: more than 4 links, but nothing to part them by)
    assert plan("authors", people, "authors", 4) == (Part("authors-a", "A", 1, "A", "A"),)
    # a person's entry is on their letter's part, or on the index while it is one page
    assert author_pages(people, "authors", 4) == {"person-ada": "authors-a"}
    assert author_pages(people, "authors", 5) == {"person-ada": "authors"}
    assert [slug(label) for label in ("2021", "Undated", "Z", "Ž")] == ["2021", "undated", "z", "u017d"]


def line(title: str, iso: str | None) -> PageLine:
    """An archive's line for a page dated `iso` (the date shown does not matter here)."""
    return PageLine(Link(title.lower().replace(" ", "-"), "", title), "newsletter", None, iso)


def test_a_year_over_the_threshold_is_split_by_month_then_by_day() -> None:
    """A year is split by month of publication; a month still too long, by day, with the
    pages dated to the month alone on a page of their own; a group that cannot be told
    apart any further (one day) stays one page, however long."""
    may = (line("May", "2021-05-03"),)
    march = (line("Fifteen", "2021-03-15"), line("Eight", "2021-03-08"),
             line("Eight again", "2021-03-08"), line("March", "2021-03"))
    undated = (line("Lost", None), line("Lost too", None))
    data = (("2021", may + march), ("Undated", undated))
    parts = plan("archive-year", data, "archive", 2)
    assert [(p.pagename, p.label, p.count) for p in parts] == [
        ("archive-2021", "2021", 5), ("archive-undated", "Undated", 2)]
    year, lost = parts
    assert lost.parts == ()  # two links: at the threshold, one page
    assert [(p.pagename, p.label, p.heading, p.count) for p in year.parts] == [
        ("archive-2021-05", "May 2021", "May 2021", 1),
        ("archive-2021-03", "March 2021", "March 2021", 4)]
    assert [(p.pagename, p.label, p.count) for p in year.parts[1].parts] == [
        ("archive-2021-03-15", "15 March 2021", 1), ("archive-2021-03-08", "8 March 2021", 2),
        ("archive-2021-03-no-day", "March 2021, no day given", 1)]
    # the pages holding the entries, in the list's order, each entry on one of them once
    assert [leaf.pagename for leaf in leaves(parts)] == [
        "archive-2021-05", "archive-2021-03-15", "archive-2021-03-08", "archive-2021-03-no-day",
        "archive-undated"]
    shown = [row for leaf in leaves(parts) for _, rows in part_data("archive-year", data, leaf)
             for row in rows]
    assert shown == [*may, *march, *undated]
    assert part_data("archive-year", data, year.parts[1].parts[1]) == (
        ("8 March 2021", march[1:3]),)
    # the year's page lists its parts, then the months' pages theirs: every page, top down
    assert [(page.pagename, [a.pagename for a in above]) for page, above in pages(parts)][:3] == [
        ("archive-2021", []), ("archive-2021-05", ["archive-2021"]),
        ("archive-2021-03", ["archive-2021"])]
    assert parted_by("archive-year", year) == "by month of publication"
    assert parted_by("archive-year", year.parts[1]) == "by day of publication"
    # one day's pages cannot be parted: the day stays one page over the threshold
    same_day = (("2021", tuple(line(f"P{n}", "2021-03-08") for n in range(5))),)
    assert [p.parts for p in plan("archive-year", same_day, "archive", 2)] == [()]


def test_a_month_is_named_below_its_year_even_when_the_year_parts_by_day() -> None:
    """A year whose pages all share a month is parted by day at once: the month stays in
    the names ('2021-03-08'), which never read as another month's."""
    data = (("2021", (line("A", "2021-03-08"), line("B", "2021-03-01"), line("C", "2021-03-01"))),)
    (year,) = plan("timeline", tuple(row for _, rows in data for row in rows), "archive", 2)
    assert year.pagename == "archive-timeline-2021" and year.heading == "Timeline, 2021"
    assert [(p.pagename, p.heading) for p in year.parts] == [
        ("archive-timeline-2021-03-08", "Timeline, 8 March 2021"),
        ("archive-timeline-2021-03-01", "Timeline, 1 March 2021")]


def test_a_listings_year_holds_the_review_of_it_published_the_next_january() -> None:
    """A topic's listing is grouped by the year an entry is about; its parts by the month
    of publication, so a review of 2021 published in January 2022 has its own part,
    named with its year."""
    def row(title: str, iso: str) -> EntryRow:
        return EntryRow(Link(title, "", title), "news", Link("page", "", "Page"), None, (), iso)

    data = ("Proteins", (), 3, (("2021", (row("Review", "2022-01-10"), row("May", "2021-05-03"),
                                          row("Also May", "2021-05-04"))),))
    (year,) = plan("listing", data, "topics/proteins", 4)
    assert [(p.pagename, p.label) for p in year.parts] == [
        ("topics/proteins-2021-2022-01", "January 2022"), ("topics/proteins-2021-05", "May 2021")]


def person(name: str, works: int = 1) -> tuple:
    """An author index entry with `works` works, each discussed on one page: 1 + 2 links a work."""
    return (f"person-{name.lower()}", name, tuple((Link("p", "", "w"), 2021, (Link("d", "", "D"),))
                                                  for _ in range(works)))


def test_a_letter_over_the_threshold_is_split_by_the_next_letters_of_the_names() -> None:
    """'L' by 'Le' and 'Li'; 'Le' again, where 'Lee' holds two people, cut where their
    names part ('Lee, Ki', 'Lee, Ku'); a level where every name shares the next letter
    is skipped. The labels say what the names begin with ('…' where that is not a whole
    name), the page names where the group was cut, so they stay when names are added."""
    names = ["LeCun, Yann", "Lee, Kimin", "Lee, Kuang-Huei", "Li, Fei-Fei", "Liu, Ming"]
    data = (("L", tuple(person(name) for name in names)), ("Z", (person("Zhang, Wei", 2),)))
    parts = plan("authors", data, "authors", 3)
    tree = [(page.pagename, page.label, page.count, len(above)) for page, above in pages(parts)]
    assert tree == [
        ("authors-l", "L", 5, 0),
        ("authors-l-le", "Le…", 3, 1),
        ("authors-l-le-lec", "LeCun, Yann", 1, 2),
        ("authors-l-le-lee", "Lee, K…", 2, 2),
        ("authors-l-le-lee-lee-ki", "Lee, Kimin", 1, 3),
        ("authors-l-le-lee-lee-ku", "Lee, Kuang-Huei", 1, 3),
        ("authors-l-li", "Li…", 2, 1),
        ("authors-l-li-li", "Li, Fei-Fei", 1, 2),  # the names "Li, ...": cut at "li,"
        ("authors-l-li-liu", "Liu, Ming", 1, 2),
        ("authors-z", "Z", 1, 0)]  # one person over the threshold: nothing to part them by
    assert parted_by("authors", parts[0]) == "by name"
    # a person's entry is on the page holding it; the jump bar's letters on their groups' pages
    assert author_pages(data, "authors", 3) == {
        "person-lecun, yann": "authors-l-le-lec", "person-lee, kimin": "authors-l-le-lee-lee-ki",
        "person-lee, kuang-huei": "authors-l-le-lee-lee-ku", "person-li, fei-fei": "authors-l-li-li",
        "person-liu, ming": "authors-l-li-liu", "person-zhang, wei": "authors-z"}
    assert group_pages(parts) == {"L": "authors-l", "Z": "authors-z"}
    # names the same to the end cannot be parted; two spellings slugged alike stay apart
    twins = (("K", (person("Kaur, Ana"), person("Kaur, Ana"))),)
    assert [p.parts for p in plan("authors", twins, "authors", 3)] == [()]
    assert slug("Kaur, A") == "kaur-a" and slug("Lee") == "lee" and slug("Ží") == "u017d-u00ed"


def paper(anchor: str, author: str, places: int = 1, length: int = 100) -> tuple:
    """A paper index entry: (anchor, the places discussing it, first author, the length of
    its reference)."""
    return (anchor, tuple(("page", "item") for _ in range(places)), author, length)


def test_a_paper_index_year_is_split_by_first_author() -> None:
    """A paper counts with the item and the page of each place discussing it, and a link
    for every 150 characters of its reference; a year too long is parted by its first
    author's name, as the year is sorted (works without an author first); an entry's
    anchor maps to the page holding it, as the model's map does."""
    assert links("paper-index", (("2022", (paper("p", "A, B", places=2, length=449),)),)) == 1 + 4 + 2
    # (Adams is discussed twice: with the work without an author, over 6 links, so the two
    # do not share a page)
    year = (paper("paper-anon", ""), paper("paper-adams", "Adams, Ann", places=2),
            paper("paper-baker", "Baker, Bo"), paper("paper-bell", "Bell, Cy"))
    data = (("2022", year), ("2021", (paper("paper-old", "Old, Al"),)))
    assert links("paper-index", data) == 4 * 3 + 5
    parts = plan("paper-index", data, "references", 6)
    assert [(page.pagename, page.heading, page.label) for page, _ in pages(parts)] == [
        ("references-2022", "2022", "2022"),
        ("references-2022-no-author", "2022 (No author)", "No author"),
        ("references-2022-a", "2022 (Adams, Ann)", "Adams, Ann"),
        ("references-2022-b", "2022 (B…)", "B…"),
        ("references-2021", "2021", "2021")]
    assert parted_by("paper-index", parts[0]) == "by first author"
    expected = {"paper-anon": "references-2022-no-author", "paper-adams": "references-2022-a",
                "paper-baker": "references-2022-b", "paper-bell": "references-2022-b",
                "paper-old": "references-2021"}
    assert entry_pages("paper-index", data, "references", 6) == expected
    assert paper_pages([(label, list(rows)) for label, rows in data], "references", 6) == expected
    assert paper_pages([(label, list(rows)) for label, rows in data], "references", 17) == {}


def test_adjacent_small_parts_share_a_page_within_the_threshold() -> None:
    """A year split by month packs adjacent months on one page while they stay within the
    threshold, named and labelled by the first and the last; a month over it stays alone
    and is split again, by day, whose small parts are packed the same way. So are a
    letter's names, and a dated view's own years (not an index's letters)."""
    months = tuple(line(f"Issue {n}", f"2021-{n:02d}-01") for n in range(1, 7))
    busy = (line("Five", "2021-07-05"), line("Nine", "2021-07-09"), line("Nine b", "2021-07-09"),
            line("Twenty", "2021-07-20"))
    data = (("2021", months + busy + (line("Autumn", "2021-10-02"),)),)
    parts = plan("archive-year", data, "archive", 3)
    assert [(p.pagename, p.label, p.count) for p in parts[0].parts] == [
        ("archive-2021-01-to-03", "January to March 2021", 3),
        ("archive-2021-04-to-06", "April to June 2021", 3),
        ("archive-2021-07", "July 2021", 4),
        ("archive-2021-10", "October 2021", 1)]
    july = parts[0].parts[2]
    assert [(p.pagename, p.label, p.count) for p in july.parts] == [
        ("archive-2021-07-05-to-09", "5 to 9 July 2021", 3),
        ("archive-2021-07-20", "20 July 2021", 1)]
    # every entry on exactly one page, in the list's order
    assert [row for leaf in leaves(parts) for _, rows in part_data("archive-year", data, leaf)
            for row in rows] == list(data[0][1])
    assert part_data("archive-year", data, parts[0].parts[1]) == (
        ("April to June 2021", months[3:6]),)
    # newest first, a range still runs from its earliest day, and the entries dated to the
    # month alone keep their own page between them
    march = (line("Fifteen", "2021-03-15"), line("Eight", "2021-03-08"), line("March", "2021-03"),
             line("One", "2021-03-01"))
    assert [(p.pagename, p.label) for p in plan("archive-year", (("2021", march),), "archive",
                                                  3)[0].parts] == [
        ("archive-2021-03-08-to-03-15", "8 to 15 March 2021"),
        ("archive-2021-03-no-day", "March 2021, no day given"),
        ("archive-2021-03-01", "1 March 2021")]
    # the view's own groups too: short years share a page, each under its own heading, and
    # a year that is too long alone keeps its page; the undated stay apart
    years = (("2024", months[:1]), ("2023", months[1:2]), ("2022", busy), ("2021", months[2:4]),
             ("Undated", (line("Lost", None),)))
    parts = plan("archive-year", years, "archive", 3)
    assert [(p.pagename, p.label, p.heading, p.count, p.groups) for p in parts] == [
        ("archive-2023-to-2024", "2023 to 2024", "2023 to 2024", 2, ("2024", "2023")),
        ("archive-2022", "2022", "2022", 4, ()), ("archive-2021", "2021", "2021", 2, ()),
        ("archive-undated", "Undated", "Undated", 1, ())]
    assert part_data("archive-year", years, parts[0]) == (("2024", months[:1]),
                                                          ("2023", months[1:2]))
    assert group_pages(parts) == {"2024": "archive-2023-to-2024", "2023": "archive-2023-to-2024",
                                  "2022": "archive-2022", "2021": "archive-2021",
                                  "Undated": "archive-undated"}
    assert [row for leaf in leaves(parts) for _, rows in part_data("archive-year", years, leaf)
            for row in rows] == [row for _, rows in years for row in rows]
    people = (("L", tuple((f"person-{n}", name, (("work", 2021, ()),)) for n, name in enumerate(
        ("Lam, Al", "Lane, Bo", "Lee, Cy", "Li, Di", "Lu, Ed")))),)
    assert [(p.pagename, p.label) for p in plan("authors", people, "authors", 6)[0].parts] == [
        ("authors-l-la-to-le", "La… to Lee, Cy"), ("authors-l-li-to-lu", "Li, Di to Lu, Ed")]
    # an index's letters keep a page each, where its jump bar links to their headings
    letters = (*people, ("M", (("person-m", "Ma, Flo", ()),)), ("N", (("person-n", "Ng, Gu", ()),)))
    assert [p.pagename for p in plan("authors", letters, "authors", 6)] == [
        "authors-l", "authors-m", "authors-n"]


# -- the entry point and its parts ---------------------------------------------------------


@pytest.mark.parametrize("parent", sorted(SPLIT))
def test_entry_point_links_to_every_part_with_its_count(site: Build, parent: str) -> None:
    page = site.page(parent)
    links = top_parts(page)
    assert [resolve(site, parent, a["href"]) for a in links] == [
        (site.outdir / f"{part}.html").resolve() for part in SPLIT[parent]]
    counts = [int(re.search(r"\((\d+) entr", a.parent.get_text()).group(1)) for a in links]
    # each part holds the entries its link counts (list items; the paper index's
    # citations), on its page or, split again, on its parts' pages
    for part, count in zip(SPLIT[parent], counts, strict=True):
        rows = [row for page in holding(site, part)
                for row in site.page(page).select("article .kb-part li, article .kb-part div.citation")
                if not row.find_parent(class_="kb-jump-bar")]
        assert len(rows) == count, part
    assert holding(site, "papers-2021") == SUBPARTS["papers-2021"]


JUMPS = {"authors": ("letter", ["E", "J", "K", "T", "Ž"]),
         "papers": ("year", ["2022", "2021"])}


@pytest.mark.parametrize("parent", sorted(JUMPS))
def test_a_split_index_jumps_to_each_group_on_its_part_page(site: Build, parent: str) -> None:
    """The index's page and each of its parts carry the jump bar: every letter (or year),
    linked to its heading on the part page that holds it; a part names its own group."""
    kind, labels = JUMPS[parent]
    targets = [f"{part}.html#{kind}-{part.rsplit('-', 1)[1]}" for part in SPLIT[parent]]
    bar = site.page(parent).select_one("article .kb-jump-bar")
    assert [a.get_text() for a in bar.select("a")] == labels
    assert [a["href"] for a in bar.select("a")] == targets
    for href in targets:
        resolve(site, parent, href)
    for n, part in enumerate(SPLIT[parent]):
        bar = site.page(part).select_one("article .kb-jump-bar")
        assert bar.select_one(".kb-jump-current").get_text(strip=True) == labels[n]
        assert [a["href"] for a in bar.select("a")] == targets[:n] + targets[n + 1:]
        for href in targets:
            resolve(site, part, href)
        heading = site.page(part).select_one(f"article #{kind}-{part.rsplit('-', 1)[1]}")
        assert heading.name == "h2" and heading.get_text(strip=True) == labels[n]


def test_parts_hold_every_entry_once(site: Build) -> None:
    people = [p.strong.get_text() for part in SPLIT["authors"]
              for p in site.page(part).select("article p.kb-author")]
    assert sorted(people) == sorted(["Evans, Richard", "Jumper, John", "Kolter, J. Zico",
                                     "Trockman, Asher", "Žídek, Augustin"])
    # kb.json's address of each person is their entry on their letter's part
    authors = json.loads((site.outdir / "kb.json").read_text(encoding="utf-8"))["authors"]
    assert sorted(a["url"] for a in authors) == sorted([
        "authors-e.html#person-evans--richard", "authors-j.html#person-jumper--john",
        "authors-k.html#person-kolter--j-zico", "authors-t.html#person-trockman--asher",
        "authors-u017d.html#person-zidek--augustin"])
    for person in authors:
        resolve(site, "index", person["url"])
    pages = [a.get_text() for part in SPLIT["archive"]
             for a in site.page(part).select("article .kb-archive-list a")]
    assert pages == ["Weekly 3", "Weekly 2", "Weekly 1"]
    entries = [a.get_text() for part in SPLIT["topics/proteins"]
               for a in site.page(part).select("article .kb-listing > li > p > a:first-child")]
    assert entries == ["ConvMixer", "AlphaFold2", "Weekly 1", "AlphaFold-Multimer"]
    # the topic page keeps its introduction, trend and the listing's summary
    topic = site.page("topics/proteins").select_one("article").get_text(" ", strip=True)
    assert "Protein structure, written by hand." in topic
    assert "Everything on Proteins" in topic and "4 entries across the knowledge base" in topic
    assert "AlphaFold2" not in topic


def test_paper_index_parts_hold_the_entries_and_every_link_goes_to_their_part(site: Build) -> None:
    index = site.page("papers")
    assert not index.select("div.citation")  # the entries are on the parts only
    assert index.select_one(".kb-bib-download a")["href"] == "refs.bib"
    assert not site.page("papers-2021").select("div.citation")  # split again, by first author
    entries = [e for part in SUBPARTS["papers-2021"]
               for e in site.page(part).select("article .kb-paper-index div.citation")]
    # newest first, then first author; each anchor made from its cite key
    assert [e["id"] for e in entries] == ["paper-evans2021multimer", "paper-jumper2021alphafold"]
    assert [e.select_one(".label").get_text(strip=True) for e in entries] == ["[EJ21]", "[JZ21]"]
    text = entries[1].get_text(" ", strip=True)
    assert "Highly accurate protein structure prediction with AlphaFold" in text
    assert "doi:10.1038/s41586-021-03819-2" in text
    assert "Discussed in: AlphaFold2 , in Weekly 2 ; ConvMixer , in Weekly 3" in text
    # a cite role, a topic listing's "Cites", the author index and kb.json: to the part
    cites = [a["href"] for a in site.page("n2").select("article .bibtex-citation a")]
    assert cites and set(cites) == {"papers-2021-j.html#paper-jumper2021alphafold"}
    listing = [a["href"] for a in site.page("topics/proteins-2022").select("article .kb-citations a")]
    assert listing == ["../papers-2022.html#paper-trockman2022patches",
                       "../papers-2021-j.html#paper-jumper2021alphafold"]
    for page, href in [("n2", cites[0]), ("topics/proteins-2022", listing[0])]:
        resolve(site, page, href)
    works = [a["href"] for a in site.page("authors-t").select("article a[href*='papers']")]
    assert works == ["papers-2022.html#paper-trockman2022patches"]
    exported = json.loads((site.outdir / "kb.json").read_text(encoding="utf-8"))
    assert {p["key"]: p["index_url"] for p in exported["papers"]}["trockman2022patches"] == \
        "papers-2022.html#paper-trockman2022patches"


def test_objects_inventory_points_papers_to_their_part(site: Build) -> None:
    from sphinx.util.inventory import InventoryFile

    inventory = InventoryFile.loads((site.outdir / "objects.inv").read_bytes(), uri="")
    papers = getattr(inventory, "data", inventory)["kb:paper"]
    assert papers["jumper2021alphafold"].uri == "papers-2021-j.html#paper-jumper2021alphafold"


def test_a_part_has_the_sites_chrome_title_canonical_link_and_links_back(site: Build) -> None:
    page = site.page("topics/proteins-2021")
    assert page.title.get_text().startswith("Proteins: 2021")
    assert page.select_one("article h1").get_text(strip=True) == "Proteins: 2021"
    assert page.select_one('link[rel="canonical"]')["href"] == \
        "https://example.org/kb/topics/proteins-2021.html"
    # the header and the sidebar, on the parent page's branch
    assert page.select_one("header") is not None
    current = [a.get_text() for a in page.select(".bd-sidenav li.current > a")]
    assert current == ["Topics", "Proteins"]
    assert page.select_one(".bd-sidenav a[href='proteins.html']") is not None
    back = page.select_one("article .kb-part-of")
    assert [a["href"] for a in back.select("a")] == ["proteins.html", "proteins-2022.html",
                                                    "proteins-2020.html"]
    # searched as its parent's view is: a listing is kept out of the search index (it
    # repeats other pages' titles), the paper and author indexes are indexed
    assert not page.select("[data-pagefind-body]")
    entry = json.loads((site.outdir / "pagefind" / "pagefind-entry.json").read_text())
    indexed = sum(lang["page_count"] for lang in entry["languages"].values())
    bodies = {path for path in site.outdir.rglob("*.html")
              if "data-pagefind-body" in path.read_text(encoding="utf-8")}
    assert indexed == len(bodies)
    parts = {site.outdir / f"{page}.html" for parent in ("papers", "authors")
             for part in SPLIT[parent] for page in holding(site, part)}
    assert parts <= bodies
    # a part split again only links to its parts: nothing there to find
    assert site.outdir / "papers-2021.html" not in bodies
    assert not {site.outdir / f"{part}.html" for part in SPLIT["archive"]} & bodies
    assert site.page("authors-j").select_one("article[data-pagefind-body]") is not None
    assert not site.page("authors-j").select(".kb-part [data-pagefind-ignore]")


def test_every_internal_link_on_every_page_resolves(site: Build) -> None:
    """No broken link or anchor anywhere: parts, entry points and the pages linking to them."""
    checked = 0
    for path in sorted(site.outdir.rglob("*.html")):
        name = path.relative_to(site.outdir).as_posix().removesuffix(".html")
        for a in site.page(name).select("article a[href]"):
            href = a["href"]
            if "://" in href or href.startswith(("mailto:", "#")) or ".html" not in href:
                continue
            resolve(site, name, href)
            checked += 1
    assert checked > 100


def test_parts_are_in_the_sitemap(site: Build) -> None:
    sitemap = (site.outdir / "sitemap.xml").read_text(encoding="utf-8")
    locations = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    for parts in [*SPLIT.values(), *SUBPARTS.values()]:
        for part in parts:
            assert f"https://example.org/kb/{part}.html" in locations


def test_latex_keeps_the_whole_lists(shared_build) -> None:
    tex = shared_build("parts", "latex").tex
    assert "kb-parts" not in tex and "each on a page of its own" not in tex
    for name in ["Evans, Richard", "Kolter, J. Zico", r"Žídek, Augustin"]:
        assert name in tex
    assert "Everything on Proteins" in tex
    for title in ["ConvMixer", "AlphaFold2", r"AlphaFold\sphinxhyphen{}Multimer"]:
        assert title in tex
    # every entry in the book's bibliography, and the cite roles link to them
    bibliography = tex[tex.index(r"\begin{sphinxthebibliography}"):]
    assert bibliography.count(r"\bibitem") == 3
    assert "Patches are all you need?" in bibliography and "Discussed in" in bibliography


def test_a_single_page_build_keeps_the_whole_lists(copy_root) -> None:
    build = Build(copy_root("parts"), "singlehtml")
    page = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert "kb-parts" not in page and "Trockman, Asher" in page and 'id="paper-trockman2022patches"' in page
    assert not list(build.outdir.glob("authors-*.html"))


def test_a_bad_threshold_stops_the_build_at_its_line(copy_root) -> None:
    src = copy_root("parts")
    conf = src / "conf.py"
    replace(conf, "kb_split_links = 2", "kb_split_links = -3")
    with pytest.raises(SettingError) as caught:
        Build(src)
    line = conf.read_text(encoding="utf-8").splitlines().index("kb_split_links = -3") + 1
    assert str(caught.value) == \
        f"{conf}:{line}: kb_split_links = -3: write a whole number of links, 0 to never split"
    assert not (src / "_build" / "html" / "authors.html").exists()


def test_noop_rebuild_writes_no_part(copy_root) -> None:
    src = copy_root("parts")
    first = Build(src)
    parts = {part for found in [*SPLIT.values(), *SUBPARTS.values()] for part in found}
    assert parts <= set(first.written)
    again = Build(src)
    assert again.read == [] and not set(again.written) & parts


def test_noop_rebuild_does_not_even_plan_the_parts(copy_root, monkeypatch) -> None:
    """stamps.py: nothing a part shows changed, so no view's data is worked out for them;
    the sitemap still lists every part."""
    import kb.outputs.part_pages

    src = copy_root("parts")
    Build(src)
    sitemap = (src / "_build" / "html" / "sitemap.xml")
    before = sitemap.read_text(encoding="utf-8")
    assert "papers-2021" in before
    planned: list[str] = []
    plan_parts = kb.outputs.part_pages.planned_parts
    monkeypatch.setattr(kb.outputs.part_pages, "planned_parts",
                        lambda app: planned.append("planned") or plan_parts(app))
    Build(src)
    assert planned == []
    assert sitemap.read_text(encoding="utf-8") == before
    replace(src / "n2.md", "{kb:item} AlphaFold2", "{kb:item} AlphaFold 2")
    Build(src)
    assert planned == ["planned"]


def test_an_edit_rewrites_only_the_parts_that_show_it(copy_root) -> None:
    src = copy_root("parts")
    Build(src)
    parts = {part for found in [*SPLIT.values(), *SUBPARTS.values()] for part in found}
    replace(src / "n2.md", "{kb:item} AlphaFold2", "{kb:item} AlphaFold 2")
    again = Build(src)
    # the item's year in the listing, and its paper's part, which names it in "Discussed in"
    assert set(again.written) & parts == {"topics/proteins-2021", "papers-2021-j"}
    replace(src / "refs.bib", "prediction with {AlphaFold}}", "prediction with {AlphaFold2}}")
    again = Build(src)
    assert set(again.written) & parts == {"authors-j", "authors-u017d", "papers-2021-j"}


def test_a_part_page_deleted_or_left_by_a_stopped_build_is_written_again(
        copy_root, monkeypatch) -> None:
    """The parts' stamp (beside the doctrees, not in the pages) vouches only for pages that
    are there, and is taken back for the parts being written before Sphinx writes them."""
    import kb.outputs.part_pages

    src = copy_root("parts")
    first = Build(src)
    part = first.outdir / "papers-2021-j.html"
    shown = part.read_text(encoding="utf-8")
    part.unlink()
    assert "papers-2021-j" in Build(src).written and part.read_text(encoding="utf-8") == shown

    # an edit whose build stops once the parts showing it are written, then undone: the
    # stamp still holds the digests of the parts as they were, but those pages are gone
    source = src / "n2.md"
    original = source.read_text(encoding="utf-8")
    replace(source, "{kb:item} AlphaFold2", "{kb:item} AlphaFold 2")

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt  # as a build stopped by hand

    monkeypatch.setattr(kb.outputs.part_pages, "_remove_unplanned", stopped)
    with pytest.raises(KeyboardInterrupt):
        Build(src)
    monkeypatch.undo()
    assert "AlphaFold 2" in part.read_text(encoding="utf-8")
    touch(source, original)
    again = Build(src)
    assert "papers-2021-j" in again.written and part.read_text(encoding="utf-8") == shown


def add_2019_issue(src: Path) -> None:
    touch(src / "n0.md", "---\nkind: newsletter\ndate: 2019-05\nseries: weekly\nissue: 4\n"
          "topics: [proteins]\nsummary: Zero.\n---\n# Weekly 4\n\nText {cite:p}`trockman2022patches`.\n")
    replace(src / "index.md", "n1\n", "n0\nn1\n")


def retitle_issue(src: Path) -> None:
    replace(src / "n2.md", "# Weekly 2", "# Weekly Two")


def remove_only_2022_issue(src: Path) -> None:
    (src / "n3.md").unlink()
    replace(src / "index.md", "n3\n", "")


def below_the_threshold(src: Path) -> None:
    append(src / "conf.py", "kb_split_links = 100\n")


def rename_bib_author(src: Path) -> None:
    replace(src / "refs.bib", "Trockman, Asher", "Trockmann, Asher")


@pytest.mark.parametrize("edit", [add_2019_issue, retitle_issue, remove_only_2022_issue,
                                  below_the_threshold, rename_bib_author],
                         ids=lambda edit: edit.__name__)
def test_incremental_parts_equal_clean_parts(copy_root, edit) -> None:
    second, fresh = edited_and_clean(copy_root("parts"), edit)
    assert second.warnings == fresh.warnings
    got, want = html_pages(second.outdir), html_pages(fresh.outdir)
    if edit is remove_only_2022_issue:
        del got["n3.html"]  # Sphinx leaves a deleted source's page behind
    assert got == want


def test_a_paper_index_back_under_the_threshold_is_one_page_again_as_in_a_clean_build(
        copy_root) -> None:
    """Without n3, the paper index shows 6 links (2 papers, each discussed once, by an item
    on a page), not 11: at 6 it is one page again, and every link to a paper must follow, as
    in a clean build."""
    incremental = copy_root("parts", "incremental")
    replace(incremental / "conf.py", "kb_split_links = 2", "kb_split_links = 6")
    assert (Build(incremental).outdir / "papers-2021.html").exists()
    second, fresh = edited_and_clean(incremental, remove_only_2022_issue)
    got, want = html_pages(second.outdir), html_pages(fresh.outdir)
    del got["n3.html"]  # Sphinx leaves a deleted source's page behind
    assert got == want
    assert "papers-2021.html" not in want and 'href="papers.html#paper-jumper2021alphafold"' in want["n2.html"]


def test_parallel_parts_equal_serial_parts(copy_root) -> None:
    serial = Build(copy_root("parts", "serial"), parallel=1)
    parallel = Build(copy_root("parts", "parallel"), parallel=2)
    assert html_pages(parallel.outdir) == html_pages(serial.outdir)


# -- parts split again, built: the subparts root ------------------------------------------

# every page of a split view in the subparts root (kb_split_links = 3), by view, top down
# (March 2021's days, one issue each, share a page: the 1st to the 15th)
SUBPARTS_ROOT = {
    "archive": ["archive-2022", "archive-2021", "archive-2021-05", "archive-2021-03",
                "archive-2021-03-01-to-15", "archive-2021-03-no-day", "archive-2020"],
    "timeline": ["archive-timeline-2020", "archive-timeline-2021", "archive-timeline-2021-03",
                 "archive-timeline-2021-03-no-day", "archive-timeline-2021-03-01-to-15",
                 "archive-timeline-2021-05", "archive-timeline-2022"],
    "weekly": ["weekly-2020", "weekly-2021", "weekly-2021-03", "weekly-2021-03-01-to-15",
               "weekly-2021-03-no-day", "weekly-2021-05"],
    "topics/proteins": ["topics/proteins-2021", "topics/proteins-2021-2022-01",
                        "topics/proteins-2021-05", "topics/proteins-2021-03",
                        "topics/proteins-2021-03-15", "topics/proteins-2021-03-08",
                        "topics/proteins-2021-03-01", "topics/proteins-2021-03-no-day",
                        "topics/proteins-2020"],
    "authors": ["authors-l", "authors-l-le", "authors-l-le-lec", "authors-l-le-lee",
                "authors-l-le-lee-lee-ki", "authors-l-le-lee-lee-ku", "authors-l-li",
                "authors-l-li-li", "authors-l-li-liu", "authors-z", "authors-z-zha",
                "authors-z-zho"],
    "papers": ["papers-2021", "papers-2021-l", "papers-2021-l-le", "papers-2021-l-le-lec",
               "papers-2021-l-le-lee", "papers-2021-l-le-lee-lee-ki",
               "papers-2021-l-le-lee-lee-ku", "papers-2021-l-li", "papers-2021-l-li-li",
               "papers-2021-l-li-liu", "papers-2021-z", "papers-2020"],
}
ISSUES = ["Weekly 1", "Weekly 2", "Weekly 3", "Weekly 4", "Weekly 5", "Weekly 6",
          "The Garden 2021"]


@pytest.fixture(scope="module")
def subparts(shared_build) -> Build:
    """The subparts root, with the real site's templates, built once for the session."""
    return shared_build("subparts", **SITE)


def part_pages_of(build: Build) -> set[str]:
    """Every page of a split view the build left: they alone carry the "Part of" line."""
    return {path.relative_to(build.outdir).as_posix().removesuffix(".html")
            for path in build.outdir.rglob("*.html")
            if 'class="kb-part-of"' in path.read_text(encoding="utf-8")}


def linked_parts(build: Build, page: str) -> list[str]:
    """Every part a page's lists of parts link to (nested lists too), in order."""
    folder = page.rpartition("/")[0]
    return [f"{folder}/{a['href']}".lstrip("/").removesuffix(".html")
            for a in build.page(page).select("article .kb-parts-list > li > p > a")]


def test_every_split_part_has_its_page_and_is_linked_from_the_entry_point(subparts: Build) -> None:
    assert not subparts.warnings
    assert part_pages_of(subparts) == {page for found in SUBPARTS_ROOT.values() for page in found}
    for view, page in [("archive", "archive"), ("weekly", "weekly"), ("authors", "authors"),
                       ("topics/proteins", "topics/proteins"), ("papers", "papers")]:
        linked = linked_parts(subparts, page)
        if view == "archive":  # the archive by year, then the timeline, on one page
            linked = linked[:len(SUBPARTS_ROOT["archive"])]
        assert linked == SUBPARTS_ROOT[view], view
    assert linked_parts(subparts, "archive")[len(SUBPARTS_ROOT["archive"]):] == \
        SUBPARTS_ROOT["timeline"]


def test_a_year_split_again_keeps_its_page_which_links_to_its_parts(subparts: Build) -> None:
    """archive-2021.html stays, with the year's heading, and leads to the months, whose
    page leads to the days; each part names the parts it is in."""
    year = subparts.page("archive-2021")
    assert year.select_one("article .kb-part-heading").get_text(strip=True) == "2021"
    assert linked_parts(subparts, "archive-2021") == [
        "archive-2021-05", "archive-2021-03", "archive-2021-03-01-to-15", "archive-2021-03-no-day"]
    summary = year.select_one("article .kb-parts-summary").get_text()
    assert summary == "5 entries in 2 parts by month of publication, each on a page of its own:"
    month = subparts.page("archive-2021-03")
    assert [a["href"] for a in top_parts(month)] == [
        "archive-2021-03-01-to-15.html", "archive-2021-03-no-day.html"]
    days = subparts.page("archive-2021-03-01-to-15")
    assert days.select_one("article h1").get_text() == "Archive: 1 to 15 March 2021"
    day = subparts.page("archive-2021-03-no-day")
    assert day.select_one("article h1").get_text() == "Archive: March 2021, no day given"
    back = day.select_one("article .kb-part-of")
    assert [a["href"] for a in back.select("a")] == [
        "archive-2021-03.html", "archive-2021.html", "archive.html",  # the parts it is in
        "archive-2021-03-01-to-15.html", "archive-2020.html"]  # the pages of entries around it
    assert back.get_text(" ", strip=True).startswith(
        "Part of March 2021 , in 2021 , in Archive , which links to every part.")


def entries_on(build: Build, view: str, selector: str) -> list[str]:
    """The text of every entry on the pages holding a view's entries, in order."""
    holding = [page for page in SUBPARTS_ROOT[view] if not linked_parts(build, page)]
    return [element.get_text(" ", strip=True) for page in holding
            for element in build.page(page).select(f"article .kb-part {selector}")]


def test_every_entry_is_on_exactly_one_page(subparts: Build) -> None:
    newest_first = ["The Garden 2021", "Weekly 6", "Weekly 4", "Weekly 3", "Weekly 2", "Weekly 5",
                    "Weekly 1"]
    assert entries_on(subparts, "archive", ".kb-archive-list > li > p > a") == newest_first
    assert entries_on(subparts, "timeline", ".kb-timeline > li > p > a") == [
        "Weekly 1", "Weekly 5", "Weekly 2", "Weekly 3", "Weekly 4", "Weekly 6", "The Garden 2021"]
    assert entries_on(subparts, "weekly", ".kb-archive-series > li > p > a") == ISSUES[:6]
    listed = entries_on(subparts, "topics/proteins", ".kb-listing > li > p > a:first-child")
    assert sorted(listed) == sorted([*ISSUES, "Wide nets", "Energy", "Offline", "Agents",
                                     "Images", "Graphs"])
    people = entries_on(subparts, "authors", "p.kb-author > strong")
    assert people == ["LeCun, Yann", "Lee, Kimin", "Lee, Kuang-Huei", "Li, Fei-Fei", "Liu, Ming",
                      "Zhang, Wei", "Zhou, Bo"]
    holding = [page for page in SUBPARTS_ROOT["papers"] if not linked_parts(subparts, page)]
    ids = [e["id"] for page in holding for e in subparts.page(page).select("article div.citation")]
    assert ids == ["paper-lecun2021", "paper-lee2021a", "paper-lee2021b", "paper-li2021",
                   "paper-liu2021", "paper-zhang2021", "paper-zhang2020"]


def test_jump_bars_and_anchors_land_on_the_page_holding_them(subparts: Build) -> None:
    """The jump bars' letters and years, each person and each paper: every link to them,
    from the index, its parts, the pages citing a paper, kb.json and objects.inv, goes to
    the page that holds the heading or the entry."""
    from sphinx.util.inventory import InventoryFile

    bar = [a["href"] for a in subparts.page("authors").select("article .kb-jump-bar a")]
    assert bar == ["authors-l.html#letter-l", "authors-z.html#letter-z"]
    # a part of L links back to L's heading; L's own page names it
    bar = subparts.page("authors-l-le-lee-lee-ki").select_one("article .kb-jump-bar")
    assert [a["href"] for a in bar.select("a")] == ["authors-l.html#letter-l", "authors-z.html#letter-z"]
    assert subparts.page("authors-l").select_one("article .kb-jump-current").get_text(strip=True) == "L"
    heading = subparts.page("authors-l-le").select_one("article #letter-l-le")
    assert heading.name == "h2" and heading.get_text(strip=True) == "Le…"
    for page in ("authors", "papers", "authors-l-le", "papers-2021-l-le-lee"):
        for a in subparts.page(page).select("article .kb-jump-bar a"):
            resolve(subparts, page, a["href"])
    exported = json.loads((subparts.outdir / "kb.json").read_text(encoding="utf-8"))
    urls = {a["name"]: a["url"] for a in exported["authors"]}
    assert urls["Lee, Kimin"] == "authors-l-le-lee-lee-ki.html#person-lee--kimin"
    assert urls["Zhou, Bo"] == "authors-z-zho.html#person-zhou--bo"
    for url in urls.values():
        resolve(subparts, "index", url)
    papers = {p["key"]: p["index_url"] for p in exported["papers"]}
    assert papers["lee2021b"] == "papers-2021-l-le-lee-lee-ku.html#paper-lee2021b"
    assert papers["zhang2020"] == "papers-2020.html#paper-zhang2020"
    cites = [a["href"] for a in subparts.page("issues/i3").select("article .bibtex-citation a")]
    assert cites and set(cites) == {"../papers-2021-l-le-lee-lee-ki.html#paper-lee2021a"}
    works = [a["href"] for a in subparts.page("authors-z-zha").select("article a[href*='papers']")]
    assert works == ["papers-2021-z.html#paper-zhang2021", "papers-2020.html#paper-zhang2020"]
    inventory = InventoryFile.loads((subparts.outdir / "objects.inv").read_bytes(), uri="")
    assert getattr(inventory, "data", inventory)["kb:paper"]["li2021"].uri == \
        "papers-2021-l-li-li.html#paper-li2021"
    checked = 0
    for path in sorted(subparts.outdir.rglob("*.html")):
        name = path.relative_to(subparts.outdir).as_posix().removesuffix(".html")
        for a in subparts.page(name).select("a[href]"):
            href = a["href"]
            if "://" in href or href.startswith(("mailto:", "#")) or ".html" not in href:
                continue
            resolve(subparts, name, href)
            checked += 1
    assert checked > 300


def test_the_text_builder_keeps_the_whole_lists(shared_build) -> None:
    """Only HTML splits: the text builder (as the PDF) lists every entry on the view's page."""
    text = shared_build("subparts", "text")
    out = {name: (text.outdir / f"{name}.txt").read_text(encoding="utf-8")
           for name in ("archive", "authors", "weekly", "topics/proteins")}
    assert not [name for name, found in out.items() if "each on a page of its own" in found]
    for title in ISSUES:
        assert out["archive"].count(title) == 2  # by year, and in the timeline
    for name in ["LeCun, Yann", "Lee, Kimin", "Lee, Kuang-Huei", "Li, Fei-Fei", "Zhou, Bo"]:
        assert name in out["authors"]
    assert all(title in out["weekly"] for title in ISSUES[:6])
    assert "The Garden 2021" in out["topics/proteins"] and "Images" in out["topics/proteins"]
    assert not list(text.outdir.glob("archive-*.txt"))


def add_may_issue(src: Path) -> None:
    """An issue of May 2021, without topics or citations: one more line in the archive,
    the timeline and the series' archive."""
    touch(src / "issues" / "i7.md", "---\nkind: newsletter\ndate: 2021-05-10\nseries: weekly\n"
          "issue: 7\nsummary: Seven.\n---\n# Weekly 7\n\nText.\n")
    replace(src / "issues" / "index.md", "i6\n", "i6\ni7\n")


def test_an_entry_added_to_one_month_rewrites_only_the_parts_showing_it(copy_root) -> None:
    """The month's page and the pages of the parts it is in (their counts); no other part,
    though the year's neighbours and the jump bars list the same groups."""
    src = copy_root("subparts")
    first = Build(src)
    parts = part_pages_of(first)
    assert parts <= set(first.written)
    add_may_issue(src)
    again = Build(src)
    assert set(again.written) & parts == {
        "archive-2021", "archive-2021-05", "archive-timeline-2021", "archive-timeline-2021-05",
        "weekly-2021", "weekly-2021-05"}
    assert "Weekly 7" in (again.outdir / "archive-2021-05.html").read_text(encoding="utf-8")


def remove_a_march_issue(src: Path) -> None:
    """March 2021 back to three pages: no longer split by day, its days' pages gone."""
    (src / "issues" / "i4.md").unlink()
    replace(src / "issues" / "index.md", "i4\n", "")


def add_a_namesake(src: Path) -> None:
    """A second "Zhou", coauthor of a work of 2020 cited by issue 2: "Zhou, Bo" moves to a
    part of "Zho", and so does the address of their entry, which the pages citing their
    work give (JSON-LD), though that work stays where it was in the paper index."""
    append(src / "refs.bib", "\n@misc{adams2020,\n  title = {Graph sets},\n"
           "  author = {Adams, Ann and Zhou, Yi},\n  eprint = {2101.00008},\n"
           "  archiveprefix = {arXiv},\n  year = {2020},\n}\n")
    replace(src / "issues" / "i2.md", "{cite:p}`lecun2021`", "{cite:p}`lecun2021,adams2020`")


@pytest.mark.parametrize("edit", [add_may_issue, remove_a_march_issue, add_a_namesake],
                         ids=lambda edit: edit.__name__)
def test_incremental_subparts_equal_clean_subparts(copy_root, edit) -> None:
    second, fresh = edited_and_clean(copy_root("subparts"), edit)
    assert second.warnings == fresh.warnings
    got, want = html_pages(second.outdir), html_pages(fresh.outdir)
    if edit is remove_a_march_issue:
        del got["issues/i4.html"]  # Sphinx leaves a deleted source's page behind
        assert "archive-2021-03.html" in want and "archive-2021-03-15.html" not in want
    if edit is add_a_namesake:
        assert "authors-z-zho-zhou-b.html#person-zhou--bo" in want["issues/i6.html"]
        # zhang2020's year is split by first author: the unsplit listing citing it follows
        assert "papers-2020-z.html#paper-zhang2020" in want["topics/graphs.html"]
    assert got == want


def test_the_views_linking_to_papers_are_the_ones_named(subparts: Build) -> None:
    """A view's fingerprint covers the pages its links to papers go to (data.LINKS_PAPERS),
    so a page showing it is written again when a paper moves to another part: every view
    of the root that links to a paper is of a kind named there."""
    from kb.build.domain import kb_domain
    from kb.views.data import LINKS_PAPERS, VIEWS, ViewKey, linked_papers, view_data

    domain = kb_domain(subparts.env)
    keys = {key for keys in domain.views.values() for key in keys}
    linking = {key.kind for key in keys if linked_papers(view_data(domain.graph, key))}
    assert linking == LINKS_PAPERS
    assert not {kind for kind in VIEWS if kind not in {key.kind for key in keys}} - {
        "busiest", "newest", "trends", "item-backlinks", "topic-backlinks"}
    assert linked_papers(view_data(domain.graph, ViewKey("listing", "graphs"))) == {"paper-zhang2020"}
