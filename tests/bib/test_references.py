"""References: refs.bib checks with lines, the paper and author indexes, per-page lists."""

from __future__ import annotations

import re

import pytest
from conftest import page

pytestmark = pytest.mark.sphinx(testroot="references", confoverrides={"nitpicky": True})


@pytest.fixture(scope="module")
def warnings(html) -> str:
    return html.warnings


@pytest.mark.parametrize(("where", "message"), [
    ("refs.bib:16", "malformed BibTeX entry ('}' expected at line 22); the rest of the file "
                    "still loads: check this entry's braces, commas and quotes [kb.bib_syntax]"),
    ("refs.bib:30", "duplicate key 'jumper2021alphafold' (first defined at line 1); the second "
                    "entry is ignored: rename or remove one [kb.bib_duplicate]"),
    ("refs.bib:37", "entry 'noid2019paper' has no doi or eprint: add its DOI, or its arXiv id as "
                    "eprint with archiveprefix = {arXiv}, so readers can find the work "
                    "[kb.bib_identifier]"),
    # declaring the identifier unverified records why it is missing; it is still reported
    ("refs.bib:43", "entry 'chang2023muse' has no doi or eprint (it is listed in `unverified`: "
                    "verify it, from the publisher or arXiv): add its DOI"),
    ("n1.md:23", "unknown citation key 'jumpr2021alphafold'; did you mean 'jumper2021alphafold'? "
                 "[kb.citation]"),
    ("refs.bib:50", "entry 'lonely2018paper' is not cited anywhere: cite it from an item or "
                    "remove it (silence with suppress_warnings = ['kb.bib_uncited'])"),
])
def test_bib_problem_is_reported_with_file_line_and_fix(warnings, where, message):
    assert re.search(rf"/src/{re.escape(where)}: WARNING: {re.escape(message)}", warnings)


def test_each_problem_is_reported_once_and_nothing_else(warnings):
    lines = [line for line in warnings.splitlines() if "WARNING" in line]
    assert len(lines) == 6, lines
    assert "Traceback" not in warnings
    # a work cited on two pages is one entry, without duplicate-citation warnings
    assert "duplicate citation" not in warnings


def test_the_rest_of_a_bib_file_with_a_malformed_entry_still_loads(html):
    link = page(html, "n2").select_one("#convmixer span.bibtex-citation a")
    assert link.get_text() == "Trockman and Kolter, 2022"
    assert link["href"].startswith("papers.html#")


def test_paper_index_groups_by_year_with_identifiers_and_discussed_in(html):
    index = page(html, "papers").select_one(".kb-paper-index")
    assert [h.get_text(strip=True) for h in index.select(".kb-paper-year")] == [
        "2023", "2022", "2021", "2019"]
    entries = index.select("div.citation")
    assert len(entries) == 5
    jumper = next(e for e in entries if "Highly accurate" in e.get_text())
    assert jumper.select_one("a[href='https://doi.org/10.1038/s41586-021-03819-2']")
    discussed = jumper.select_one(".kb-discussed-in")
    assert discussed.get_text(" ", strip=True) == (
        "Discussed in: AlphaFold-Multimer , in Weekly 1 ; ConvMixer , in Weekly 2")
    assert {a["href"] for a in discussed.select("a")} == {
        "n1.html#alphafold-multimer", "n1.html", "n2.html#convmixer", "n2.html"}
    muse = next(e for e in entries if "Muse" in e.get_text())
    assert "Discussed in: Muse , in Weekly 1" in muse.get_text(" ", strip=True)


@pytest.mark.parametrize("name", ["n1", "n2"])
def test_citations_in_the_text_link_to_the_paper_index(html, name):
    ids = {tag["id"] for tag in page(html, "papers").select("[id]")}
    links = [link["href"] for link in page(html, name).select("span.bibtex-citation a")]
    assert links, f"{name} shows no citation links"
    targets = [href.partition("#") for href in links]
    assert [(path, fragment in ids) for path, _, fragment in targets] == \
        [("papers.html", True)] * len(links), links


def test_author_index_keeps_initials_apart_and_links_works_and_pages(html):
    authors = page(html, "authors").select(".kb-author")
    text = {a.strong.get_text(): a.get_text(" ", strip=True) for a in authors}
    # "Žídek, A." (evans2021multimer) may be Augustin Žídek (jumper2021alphafold) or another
    # Žídek: initials are a person of their own (model/people.py; lint asks for the name)
    assert [name for name in text if "Žídek" in name] == ["Žídek, A.", "Žídek, Augustin"]
    assert text["Žídek, Augustin"].startswith("Žídek, Augustin (1 work)")
    assert text["Žídek, A."].startswith("Žídek, A. (1 work)")
    assert "discussed in Weekly 1 , Weekly 2" in text["Žídek, Augustin"]
    assert "Nobody, N." not in text  # the malformed entry is not a cited work


def test_each_page_lists_only_the_works_it_cites(html):
    n1 = [li.get_text(" ", strip=True) for li in page(html, "n1").select(".kb-page-references li")]
    assert [row.split(".")[0] for row in n1] == ["Muse", "R", "John Jumper and Augustin Žídek", "P"]
    n2 = page(html, "n2").select(".kb-page-references li")
    assert len(n2) == 2
    assert "Trockman" in n2[1].get_text()


def test_latex_bibliography_carries_discussed_in(latex):
    latex = latex.tex
    bibliography = latex[latex.index(r"\begin{sphinxthebibliography}"):]
    assert r"\bibitem[JZ21]" in bibliography
    assert "Discussed in: " in bibliography
    assert r"\hyperref[\detokenize{n2:convmixer}]" in bibliography
    assert "Žídek" in latex


def test_an_entry_without_author_or_title_is_reported_and_does_not_stop_the_build(tmp_path):
    from kb.bib import bibfile

    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{ok, title={T}, doi={10.1000/ok}}\n\n"
                   "@misc{bare, year={2020}, eprint={2001.00001}}\n", encoding="utf-8")
    _, problems = bibfile.read(bib)
    assert [(p.line, p.subtype, p.message) for p in problems] == [
        (3, "bib_fields", "entry 'bare' has no author, editor or title: add at least the title")]


def test_a_url_is_not_an_identifier(tmp_path):
    from kb.bib import bibfile

    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{web, title={T}, url={https://example.org}}\n", encoding="utf-8")
    _, problems = bibfile.read(bib)
    assert [(p.line, p.subtype) for p in problems] == [(1, "bib_identifier")]
    assert problems[0].message.startswith("entry 'web' has no doi or eprint: add its DOI")


# -- paper anchors: made from cite keys, so shared links keep working ------------------------


def test_each_paper_is_anchored_by_its_cite_key_and_every_citation_links_there(html):
    index = page(html, "papers")
    ids = [entry["id"] for entry in index.select(".kb-paper-index div.citation")]
    assert "paper-jumper2021alphafold" in ids and "paper-trockman2022patches" in ids
    assert all(i.startswith("paper-") for i in ids), ids
    links = [a["href"] for a in page(html, "n2").select("span.bibtex-citation a")]
    assert links == ["papers.html#paper-trockman2022patches",
                     "papers.html#paper-jumper2021alphafold"]
    works = [a["href"] for a in page(html, "authors").select(".kb-author a[href^='papers']")]
    assert "papers.html#paper-jumper2021alphafold" in works


def _anchors(build) -> dict[str, str]:
    """Each cited work's reference (its text before "Discussed in") -> its anchor."""
    return {entry.select_one("p").get_text(" ", strip=True): entry["id"]
            for entry in build.page("papers").select(".kb-paper-index div.citation")}


def test_an_entry_added_before_another_leaves_the_others_anchor_unchanged(copy_root):
    """docutils' own ids (#id7) number the entries in file order: a new entry at the top of
    refs.bib would move every anchor after it, and the links readers shared with them."""
    from conftest import Build, replace

    src = copy_root("references")
    first = Build(src)
    before = _anchors(first)
    link = first.page("n2").select_one("span.bibtex-citation a")["href"]
    bib = src / "refs.bib"
    bib.write_text("@misc{aaa2021first,\n  title = {A first entry},\n  author = {Aa, A.},\n"
                   "  year = {2021},\n  doi = {10.1000/aaa},\n}\n\n"
                   + bib.read_text(encoding="utf-8"), encoding="utf-8")
    replace(src / "n2.md", "{cite:p}`trockman2022patches`",
            "{cite:p}`trockman2022patches` {cite:p}`aaa2021first`")
    again = Build(src)
    after = _anchors(again)
    added = [text for text in after if "A first entry" in text]
    assert [after.pop(text) for text in added] == ["paper-aaa2021first"]
    assert after == before and len(before) == 5
    links = [a["href"] for a in again.page("n2").select("span.bibtex-citation a")]
    assert links[0] == link and "papers.html#paper-aaa2021first" in links


def test_two_keys_that_make_one_anchor_are_reported_at_the_second(copy_root):
    from conftest import Build

    src = copy_root("references")
    bib = src / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text + "\n@misc{Trockman2022Patches,\n  title = {Another},\n"
                   "  author = {Else, S.},\n  year = {2022},\n  doi = {10.1000/x},\n}\n",
                   encoding="utf-8")
    line = text.count("\n") + 2
    warnings = Build(src).warnings
    assert re.search(rf"/src/refs.bib:{line}: WARNING: entry 'Trockman2022Patches' gets the "
                     r"anchor 'paper-trockman2022patches' of entry 'trockman2022patches' "
                     r"\(line \d+\): rename one of the keys", warnings), warnings


def test_a_cite_id_without_the_key_is_reported(copy_root):
    from conftest import Build

    warnings = Build(copy_root("references"),
                     confoverrides={"bibtex_cite_id": "cite-{bibliography_count}"}).warnings
    assert "bibtex_cite_id = 'cite-{bibliography_count}' has no '{key}'" in warnings


@pytest.mark.parametrize(("name", "title", "labels"), [
    ("authors", "Jump to a letter:", ["E", "J", "K", "P", "T", "Ž"]),
    ("papers", "Jump to a year:", ["2023", "2022", "2021", "2019"]),
])
def test_an_index_jumps_to_each_of_its_headings(html, name, title, labels):
    article = page(html, name).select_one("div.body, article, [role=main]")
    bar = article.select_one(".kb-jump-bar")
    assert bar.select_one(".kb-jump-title").get_text(strip=True) == title
    links = bar.select("a")
    assert [a.get_text() for a in links] == labels
    headings = article.select("h2.kb-author-letter, h2.kb-paper-year")
    assert [h.get_text(strip=True) for h in headings] == labels
    assert [a["href"] for a in links] == [f"#{h['id']}" for h in headings]
    assert headings[-1]["id"] == ("letter-u017d" if name == "authors" else "year-2019")


def test_the_book_has_no_jump_bar(latex):
    assert "Jump to a" not in latex.tex
