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
from kb.views.parts import Part, author_pages, links, part_data, plan, slug

# the real site's templates: its sidebar (the current branch) and Pagefind's article body
SITE = {"html_theme": "sphinx_book_theme", "html_theme_options": {"collapse_navbar": True},
        "templates_path": [str(PROJECT / "_templates")], "kb_search": "pagefind"}

SPLIT = {  # the parts each entry point lists first (a part split again lists its own)
    "papers": ["papers-2022", "papers-2021"],
    "authors": ["authors-e", "authors-j", "authors-k", "authors-t", "authors-u017d"],
    "archive": ["archive-2022", "archive-2021", "archive-2020"],
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
