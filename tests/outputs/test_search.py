"""The Pagefind search (_ext/kb/search.py): facets from the records, the written pages, the
index, and in Chromium: the home page's search box reaches an item, a typo still finds it,
a topic filter narrows the results, the keyboard alone does it all, file:// says what to do."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import PHONE, SEARCH_RESULTS_SHOWN
from conftest import ROOTS, Build, append, page, touch
from conftest import pagefind_records as _fragments
from kb.build.config import SettingError
from kb.model.records import ItemRecord, PageRecord, PartialDate
from kb.outputs.search import (
    BUNDLE,
    INDEX_WEIGHT,
    SOURCE_COPY,
    TITLE_SUFFIX,
    Suggestion,
    facet_html,
    page_facets,
    pagefind_command,
    refresh_index,
    suggestions,
)
from kb.outputs.search_copy import (
    SKIP_MARK,
    SKIPPED_PAGE,
    SyncCount,
    indexed_part,
    sync,
    without_ignored,
)
from kb.views.data import ViewKey

# -- the data --------------------------------------------------------------------------


def test_facets_come_from_the_records():
    record = PageRecord("newsletters/weekly/2021/issue-220", "newsletter", "Issue 220",
                        date=PartialDate(2021, 10, 15), series="weekly", issue=220)
    items = [ItemRecord(record.docname, "alphafold-multimer", "AlphaFold-Multimer", "paper"),
             ItemRecord(record.docname, "a-course", "A course", "course")]
    facets = page_facets(
        record, items, ["protein-structure", "ai-for-science"],
        {"alphafold-multimer": ["protein-structure"], "a-course": []},
        {"protein-structure": "Protein structure", "ai-for-science": "AI for science"},
        {"weekly": "Deep Learning Weekly"})
    # the items' topics and kinds are the page's (Pagefind filters pages), each value once
    assert facets.filters == {"topic": ["Protein structure", "AI for science"],
                              "kind": ["Newsletter issue", "Paper", "Course"], "year": ["2021"],
                              "series": ["Deep Learning Weekly"]}
    assert facets.sort == {"date": "2021-10-15"}


def test_a_page_without_records_has_no_facets():
    facets = page_facets(None, [], [], {}, {}, {})
    assert facets.filters == {} and facets.sort == {}
    assert facet_html(facets.filters, facets.sort) == ""


def test_facet_values_are_escaped_and_kept_whole():
    markup = facet_html({"topic": ['Privacy, memorization & IP "risk" <b>']}, {"date": "2021-10"})
    assert '<b>' not in markup
    assert 'data-kb-value="Privacy, memorization &amp; IP &quot;risk&quot; &lt;b&gt;"' in markup
    assert 'data-pagefind-filter="topic[data-kb-value]"' in markup
    assert 'data-pagefind-sort="date[data-kb-value]" data-kb-value="2021-10"' in markup


def test_a_search_that_finds_nothing_suggests_the_topics_and_the_pages_to_browse():
    topics = [Suggestion("AI for science", "topics/ai-for-science")]
    views = {"index": [ViewKey("newest")], "topics/index": [ViewKey("overview")],
             "archive": [ViewKey("archive-year"), ViewKey("timeline")],
             "topics/zz-overview-again": [ViewKey("overview")]}
    titles = {"topics/index": "Topics", "archive": "Archive"}
    assert suggestions(topics, views, titles) == (
        topics, [Suggestion("Topics", "topics/index"), Suggestion("Archive", "archive")])
    # a site without those views suggests its topics alone
    assert suggestions([], {}, {}) == ([], [])


def test_pagefind_leaves_the_heading_permalinks_out_of_the_text(tmp_path):
    command = pagefind_command(tmp_path, executable="pagefind")
    assert command[command.index("--exclude-selectors") + 1] == "a.headerlink"


# -- the written site (the test root, any theme) ----------------------------------------


# the `html` fixture: this root built once for the session (conftest); test_site checks
# that it builds without any warning
pytestmark = pytest.mark.sphinx(testroot="kb", confoverrides={"nitpicky": True})


def test_pagefind_indexes_the_site_and_replaces_the_builtin_index(html):
    out = html.outdir
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]  # an index was written, with its chunks
    assert list((out / "pagefind" / "fragment").iterdir())
    assert (out / "pagefind" / "pagefind.js").exists()
    # Pagefind's own interfaces, highlighter and worker are not used, so not published
    assert not [path.name for path in (out / "pagefind").glob("pagefind-*.js")]
    assert not list((out / "pagefind").glob("*.css"))
    assert not (out / "searchindex.js").exists()
    assert "search: Pagefind indexed the site" in html.status
    for html_file in out.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert "searchindex.js" not in text and "searchtools.js" not in text, html_file


def _pagefind_over_the_site(out: Path, bundle: Path) -> dict[str, dict]:
    """The records Pagefind writes when it reads the published pages themselves."""
    import subprocess

    subprocess.run(pagefind_command(out, output=bundle), check=True, capture_output=True)
    return _fragments(bundle)


def test_the_index_has_the_pages_words_without_the_permalinks(html):
    fragments = _fragments(html.outdir / BUNDLE)
    # alabaster's permalink after each heading is a pilcrow; the page's own text has none
    assert any("headerlink" in path.read_text(encoding="utf-8")
               for path in html.outdir.rglob("*.html"))
    assert fragments and not [url for url, record in fragments.items() if "¶" in record["content"]]


@pytest.mark.slow
def test_the_indexes_lists_weigh_less_than_the_articles(real_site):
    """The author and paper indexes repeat each title many times: their lists are marked
    with a weight below 1 (Pagefind's data-pagefind-weight), and nothing else is."""
    from bs4 import BeautifulSoup

    marked = {}
    for path in Path(real_site.outdir).rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        weights = [tag["data-pagefind-weight"] for tag in soup.select("[data-pagefind-weight]")]
        if weights:
            marked[path.relative_to(real_site.outdir).as_posix()] = weights
    assert marked == {"authors.html": [INDEX_WEIGHT], "references.html": [INDEX_WEIGHT]}
    assert 0 < float(INDEX_WEIGHT) < 1


def test_the_copy_pagefind_reads_gives_the_index_of_the_site_itself(html, tmp_path):
    # a theme that marks no article (alabaster, here): the pages are copied whole
    out = html.outdir
    copy = Path(html.app.doctreedir) / SOURCE_COPY
    assert (copy / "newsletters" / "n220.html").read_text(encoding="utf-8") == \
        (out / "newsletters" / "n220.html").read_text(encoding="utf-8")
    from_copy = _fragments(out / BUNDLE)
    assert from_copy == _pagefind_over_the_site(out, tmp_path / "whole")
    assert from_copy["/newsletters/n220.html"]["filters"]["topic"]


@pytest.mark.slow
def test_pagefind_reads_the_real_sites_articles_only_and_indexes_as_from_the_site(
        real_site, tmp_path):
    out = real_site.outdir
    copy = Path(real_site.app.doctreedir) / SOURCE_COPY
    review = (copy / ITEM_PAGE).read_text(encoding="utf-8")
    # the article, without the theme's chrome and the regions Pagefind ignores
    assert "data-pagefind-body" in review and "bd-sidebar" not in review
    assert "<script" not in review and "data-pagefind-ignore" not in review
    assert "Cite the works (BibTeX)" in (out / ITEM_PAGE).read_text(encoding="utf-8")
    assert "Cite the works" not in review
    # the pages the layout leaves out of the index are empty pages in the copy
    assert (copy / "search.html").read_text(encoding="utf-8") == SKIPPED_PAGE
    # (and the PDF's root, book.html: outputs/sitemap.py; the site has no general index)
    assert (copy / "book.html").read_text(encoding="utf-8") == SKIPPED_PAGE
    sizes = [sum(p.stat().st_size for p in folder.rglob("*.html")) for folder in (copy, out)]
    assert sizes[0] < sizes[1] / 2
    from_copy = _fragments(out / BUNDLE)
    assert from_copy == _pagefind_over_the_site(out, tmp_path / "whole")
    assert from_copy["/" + ITEM_PAGE]["meta"]["title"]


def test_ignored_regions_are_cut_out_with_their_nested_elements():
    html = ('<article data-pagefind-body><p>kept</p>'
            '<div class="kb-view" data-pagefind-ignore="all"><div><div>a</div></div>b</div>'
            '<p>also kept</p><details class="kb-bibtex" data-pagefind-ignore="all">'
            '<summary>x</summary><div>@article{k}</div></details><div>tail</div></article>')
    assert without_ignored(html) == (
        '<article data-pagefind-body><p>kept</p><p>also kept</p><div>tail</div></article>')
    # an element whose end is missing is kept whole: Pagefind ignores it itself
    broken = '<p>a</p><div data-pagefind-ignore="all"><div>b</div>'
    assert without_ignored(broken) == broken
    # a page the layout left out of the index, and one of a theme that marks no article
    skipped = f"<html><body>{SKIP_MARK}<main>listing</main></body></html>"
    assert indexed_part(skipped) == SKIPPED_PAGE
    whole = "<html><body><main>all of it is indexed</main></body></html>"
    assert indexed_part(whole) == whole


def test_the_copy_follows_the_pages_by_their_times(tmp_path):
    import os

    site, copy = tmp_path / "site", tmp_path / "copy"
    (site / BUNDLE).mkdir(parents=True)
    (site / BUNDLE / "ignored.html").write_text("bundle files are not pages")
    body = ('<html lang="en"><div id="jb-print-docs-body" class="onlyprint"><h1>{}</h1></div>'
            '<main><article class="bd-article" data-pagefind-body><p>{}</p></article></main>'
            '</html>')
    first, second = site / "a.html", site / "sub" / "b.html"
    second.parent.mkdir()
    first.write_text(body.format("A", "one"))
    second.write_text(body.format("B", "two"))
    assert sync(site, copy, BUNDLE) == SyncCount(2, 0, 0, 2)
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*")
                  if p.is_file()) == ["a.html", "sub/b.html"]
    assert (copy / "a.html").read_text().startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<h1>A</h1>" in (copy / "a.html").read_text()
    assert sync(site, copy, BUNDLE) == SyncCount(0, 2, 0, 0)
    # written again with other chrome around the same article: cut, but not changed
    touch(second, body.format("B", "two").replace("<main>", "<nav>menu</nav><main>"))
    assert sync(site, copy, BUNDLE) == SyncCount(1, 1, 0, 0)
    assert not SyncCount(1, 1, 0, 0).index_changes
    # a page put back with an older time (a restored backup) is cut again, not trusted
    stat = first.stat()
    first.write_text(body.format("A", "restored"))
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**9))
    second.unlink()
    assert sync(site, copy, BUNDLE) == SyncCount(1, 0, 1, 1)
    assert "restored" in (copy / "a.html").read_text()
    assert not (copy / "sub" / "b.html").exists()


def test_pages_rewritten_with_the_same_text_keep_the_index(copy_root, monkeypatch):
    import kb.outputs.search

    src = copy_root("kb")
    built = Build(src)
    out = built.outdir
    fragments = _fragments(out / BUNDLE)

    # a page written again as it was (its navigation or generated lists alone changed)
    written = out / "newsletters" / "n220.html"
    touch(written, written.read_text(encoding="utf-8"))
    said = Build(src).status
    assert re.search(r"search: \d+ pages written, none with other text or facets", said)
    assert _fragments(out / BUNDLE) == fragments

    # a build that stops once the copy took an edit, before Pagefind has run, leaves no
    # claim that the bundle is current: the next build indexes, though the copy is current
    append(src / "newsletters" / "n220.md", "\nA new sentence about zebrafish.\n")

    def stopped(outdir, copy, output, executable=None, unless_unchanged=False):
        sync(outdir, copy, BUNDLE)
        raise KeyboardInterrupt  # as a build stopped by hand

    monkeypatch.setattr(kb.outputs.search, "start_index", stopped)
    with pytest.raises(KeyboardInterrupt):
        Build(src)
    monkeypatch.undo()
    assert not any("zebrafish" in json.dumps(f) for f in _fragments(out / BUNDLE).values())
    assert "search: Pagefind indexed the site" in Build(src).status
    assert any("zebrafish" in json.dumps(f) for f in _fragments(out / BUNDLE).values())


def test_search_page_runs_its_own_interface_with_a_file_url_notice(html):
    soup = page(html, "search")
    scripts = [tag["src"] for tag in soup.find_all("script", src=True)]
    assert "_static/kb-search.js" in scripts
    # Pagefind's engine is imported by kb-search.js when a search starts; its default UI
    # (and its style) is not loaded at all
    assert not any("pagefind" in src for src in scripts)
    assert not any("pagefind" in tag["href"] for tag in soup.find_all("link", href=True))
    assert soup.select_one("#kb-search")["data-bundle"] == "pagefind/"
    assert "nox -s serve" in soup.select_one("#kb-search-offline").get_text()
    box = soup.select_one("input#kb-search-input[name=q]")
    assert box is not None and soup.select_one("label[for=kb-search-input]")
    assert soup.select_one("#kb-search-status[role=status]")


def test_the_search_page_holds_its_suggestions_for_a_search_that_finds_nothing(html):
    soup = page(html, "search")
    suggested = soup.select_one("#kb-search-suggestions[hidden]")  # shown by kb-search.js
    topics = [(a.get_text(), a["href"]) for a in suggested.select(".kb-search-topics a")]
    # the top-level topics by title (Protein structure prediction has a parent), linked
    assert topics == [("AI for science", "topics/ai-for-science.html"),
                      ("GANs", "topics/gans.html")]
    browse = [(a.get_text(), a["href"]) for a in suggested.select("p a")]
    assert browse == [("Topics", "topics/index.html")]  # the overview; this root has no archive
    assert all((html.outdir / href).is_file() for _, href in topics + browse)


def test_items_are_sub_results_and_pages_carry_their_facets(html):
    soup = page(html, "newsletters/n220")
    item = soup.select_one("div.kb-item-card#alphafold-multimer")
    heading = item.select_one(".kb-item-title")
    # a heading with an id: Pagefind makes the item a sub-result of the page
    assert re.fullmatch(r"h\d", heading.name) and heading["id"] == "alphafold-multimer" + TITLE_SUFFIX

    def tagged(container, attribute: str) -> set[tuple[str, str]]:
        """(name, value) of each tag: data-pagefind-filter="topic[data-kb-value]" ..."""
        return {(tag[attribute].split("[")[0], tag["data-kb-value"])
                for tag in container.select(f"[{attribute}]")}

    # the page carries its items' topics (the item's written as the alias "protein folding")
    # and kinds, by title, each once: Pagefind filters pages, not their sub-results
    assert not item.select("[data-pagefind-filter]")
    facets = soup.select(".kb-search-facets")
    assert len(facets) == 1
    assert tagged(facets[0], "data-pagefind-filter") == {
        ("topic", "GANs"), ("topic", "Protein structure prediction"),
        ("kind", "Newsletter issue"), ("kind", "Paper"),
        ("year", "2021"), ("series", "Weekly")}
    values = [tag["data-kb-value"] for tag in facets[0].select("[data-pagefind-filter]")]
    assert len(values) == len(set(values))
    assert tagged(facets[0], "data-pagefind-sort") == {("date", "2021-10")}


def test_generated_views_are_kept_out_of_the_index(html):
    """Every view that repeats other pages' titles, on every page that shows one, is in a
    region Pagefind ignores (the paper and author indexes stay searchable: test_parts)."""
    views = ("kb-topic-listing", "kb-topics-overview", "kb-related", "kb-backlinks",
             "kb-item-backlinks", "kb-page-references")
    shown: dict[str, list[str]] = {view: [] for view in views}
    for path in sorted(html.outdir.rglob("*.html")):
        name = path.relative_to(html.outdir).with_suffix("").as_posix()
        for view in views:
            for element in page(html, name).select(f".{view}"):
                assert element.find_parent(attrs={"data-pagefind-ignore": "all"}) is not None, (
                    f"{name}: .{view} is indexed")
                shown[view].append(name)
    assert all(shown.values()), shown  # the test root shows each view somewhere


def test_builtin_search_stays_available_for_comparison(copy_root):
    out = Build(copy_root("kb"), confoverrides={"kb_search": "sphinx"}).outdir
    assert (out / "searchindex.js").exists()
    assert not (out / "pagefind").exists()
    assert "searchtools.js" in (out / "search.html").read_text(encoding="utf-8")


def test_a_deferred_index_is_left_to_the_preview_which_refreshes_it_outside_the_build(
        copy_root):
    """kb_search = "pagefind-deferred" (nox -s serve): the build runs no Pagefind; the
    preview's refresh_index does, after the page is reloaded, and can be stopped."""
    src = copy_root("kb")
    deferred = {"kb_search": "pagefind-deferred"}
    built = Build(src, confoverrides=deferred)
    out, doctrees = built.outdir, built.app.doctreedir
    assert "Pagefind left to the live preview" in built.status
    assert not (out / BUNDLE).exists()

    assert refresh_index(out, doctrees).outcome == "indexed"
    assert "/newsletters/n220.html" in _fragments(out / BUNDLE)
    assert refresh_index(out, doctrees).outcome == "current"  # no page changed since

    append(src / "newsletters" / "n220.md", "\nA new sentence about zebrafish.\n")
    Build(src, confoverrides=deferred)
    # stopped (the next build starts): nothing published, and no claim left behind
    stopped = refresh_index(out, doctrees, stop=lambda: True)
    assert (stopped.outcome, stopped.files) == ("stopped", None)
    assert not any("zebrafish" in f["content"] for f in _fragments(out / BUNDLE).values())
    # the copy is current now, but the bundle is not: the next refresh runs Pagefind
    again = refresh_index(out, doctrees)
    assert again.outcome == "indexed" and not again.pages.changed
    assert "zebrafish" in _fragments(out / BUNDLE)["/newsletters/n220.html"]["content"]


def test_a_rebuild_that_writes_no_page_keeps_the_index_and_an_edit_renews_it(copy_root, tmp_path):
    src = copy_root("kb")
    out = Build(src).outdir
    entry = out / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns

    assert "the Pagefind index is current" in Build(src).status
    assert entry.stat().st_mtime_ns == first
    append(src / "newsletters" / "n220.md", "\nA new sentence about zebrafish.\n")
    assert "search: Pagefind indexed the site" in Build(src).status
    assert entry.stat().st_mtime_ns > first
    # and the incremental build tags the pages as a clean build of the edited source does
    clean = Build(src, builddir=tmp_path / "clean").outdir
    assert _search_markup(out) == _search_markup(clean)
    # and its index, made from the copy brought up to date, holds what the clean build's does
    assert _fragments(out / BUNDLE) == _fragments(clean / BUNDLE)


def _search_markup(outdir: Path) -> dict[str, list[str]]:
    """What each page gives Pagefind: its facet tags, item heading ids and ignored views."""
    from bs4 import BeautifulSoup

    found = {}
    for path in sorted(outdir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        tags = soup.select("[data-pagefind-filter], [data-pagefind-sort], .kb-item-title[id], "
                           "[data-pagefind-ignore], [data-pagefind-body]")
        found[str(path.relative_to(outdir))] = [
            f"{tag.name} {sorted((k, str(v)) for k, v in tag.attrs.items())}" for tag in tags]
    return found


def test_parallel_and_serial_builds_tag_pages_alike(copy_root):
    serial = Build(copy_root("kb", "j1")).outdir
    parallel = Build(copy_root("kb", "j2"), parallel=2).outdir
    assert _search_markup(serial) == _search_markup(parallel)
    assert any(_search_markup(serial).values())


def test_an_unknown_mode_stops_the_build(copy_root):
    src = copy_root("kb")
    with pytest.raises(SettingError, match="kb_search = 'algolia': write 'pagefind', "
                                           "'pagefind-deferred' or 'sphinx'"):
        Build(src, confoverrides={"kb_search": "algolia"})
    assert not (src / "_build" / "html" / "pagefind").exists()


# -- in the browser (the real site) ----------------------------------------------------

ITEM_PAGE = "reviews/hippocampus-garden/2022.html"
ITEM = "multi-game-decision-transformers"


def _result_links(page_) -> list[str]:
    """The result links, once every result shown has loaded."""
    page_.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=15000)
    return [a.get_attribute("href") for a in page_.query_selector_all(".kb-search-link")]


def _focus_is_visible(page_) -> bool:
    """An outline or a ring on the focused element, or on the form around it (the theme
    rings its search form with :focus-within)."""
    return page_.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const ringed = (node) => {
            const style = getComputedStyle(node);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            return outline || (style.boxShadow && style.boxShadow !== "none");
        };
        const form = el.closest("form");
        return ringed(el) || (form !== null && form.matches(":focus-within") && ringed(form));
    }""")


@pytest.mark.slow
def test_keyboard_search_from_the_home_page_reaches_the_item(site_url, open_page):
    home = open_page(site_url + "index.html")
    home.keyboard.press("Control+k")  # the theme's shortcut opens its search dialog
    home.wait_for_selector("#pst-search-dialog[open] input[name=q]")
    assert home.evaluate("document.activeElement.name") == "q"
    assert _focus_is_visible(home)
    home.keyboard.type("Multi-Game Decision")
    home.keyboard.press("Enter")
    home.wait_for_url(re.compile(r"search\.html\?q=Multi-Game"))
    target = f"{ITEM_PAGE}#{ITEM}"
    assert any(href.endswith(target) for href in _result_links(home))
    # Tab to the item's result, every stop visibly focused, then Enter
    for _ in range(80):
        home.keyboard.press("Tab")
        assert _focus_is_visible(home), home.evaluate("document.activeElement.outerHTML")
        if (home.evaluate("document.activeElement.getAttribute('href')") or "").endswith(target):
            break
    else:
        pytest.fail(f"Tab never reached the result for {target}")
    home.keyboard.press("Enter")
    home.wait_for_url(re.compile(re.escape(target) + "$"))
    assert home.locator(f"#{ITEM}").is_visible()
    assert not home.kb_errors, home.kb_errors


@pytest.mark.slow
def test_a_typo_still_finds_the_item(site_url, open_page):
    search = open_page(site_url + "search.html?q=transformrs")
    assert any(href.endswith(f"{ITEM_PAGE}#{ITEM}") for href in _result_links(search))


@pytest.mark.slow
def test_a_topic_filter_narrows_the_results(site_url, open_page):
    search = open_page(site_url + "search.html?q=alphafold")
    everything = _result_links(search)
    status = search.locator("#kb-search-status").inner_text()
    search.get_by_text("Filter by topic, kind, year or series").click()  # loads the filters
    search.get_by_label(re.compile(r"^Protein structure prediction \(\d+\)$")).check()
    search.wait_for_function(
        "s => !document.querySelector('#kb-search-results[aria-busy]')"
        " && document.querySelector('#kb-search-status').textContent !== s", arg=status,
        timeout=15000)
    narrowed = _result_links(search)
    assert narrowed and set(narrowed) < set(everything)
    assert not any(href.endswith("authors.html") for href in narrowed)  # no topic: filtered out
    # the filter is kept in the address: reloaded, the page shows the same results
    assert "filter=topic%3AProtein+structure+prediction" in search.url
    search.reload()
    assert _result_links(search) == narrowed
    assert search.get_by_label(re.compile(r"^Protein structure prediction \(\d+\)$")).is_checked()


@pytest.mark.slow
def test_filters_alone_list_the_pages_they_select(site_url, open_page):
    search = open_page(site_url + "search.html?filter=year%3A2021")  # no words
    pages = [href for href in _result_links(search) if "#" not in href]
    assert any(href.endswith("newsletters/deep-learning-weekly/2021/issue-220.html") for href in pages)
    # the review of 2021 was published in January 2022
    assert not any(href.endswith("reviews/hippocampus-garden/2021-applications.html") for href in pages)
    assert search.locator("#kb-search-filters").get_attribute("open") is not None
    assert search.get_by_label(re.compile(r"^2021 \(\d+\)$")).is_checked()


@pytest.mark.slow
def test_search_page_from_disk_says_to_run_nox_serve(site_build, open_page):
    search = open_page((site_build / "search.html").as_uri() + "?q=alphafold")
    notice = search.locator("#kb-search-offline")
    assert notice.is_visible()
    assert "nox -s serve" in notice.inner_text()
    assert search.locator(".kb-search-result").count() == 0
    assert not search.locator("#kb-search-form").is_visible()


def _all_results(page_) -> list[str]:
    """The page results' links (not their items'), every batch shown."""
    _result_links(page_)
    while page_.locator("#kb-search-more").is_visible():
        shown = page_.locator("#kb-search-results > li").count()
        page_.locator("#kb-search-more").click()
        page_.wait_for_function(
            "n => document.querySelectorAll('#kb-search-results > li').length > n", arg=shown,
            timeout=15000)
    base = urlsplit(page_.url).path.removesuffix("search.html")
    return [a.get_attribute("href").removeprefix(base) for a in
            page_.query_selector_all("#kb-search-results > li > .kb-search-result-title a")]


def _count(status: str) -> int:
    found = re.match(r"(\d+) results? ", status)
    assert found, status
    return int(found.group(1))


@pytest.mark.slow
def test_date_order_keeps_every_result_and_says_where_the_undated_go(site_url, open_page):
    review = "reviews/hippocampus-garden/2021-applications.html"  # 3 January 2022
    issue = "newsletters/deep-learning-weekly/2021/issue-220.html"  # October 2021
    best = open_page(f"{site_url}search.html?q=alphafold")
    everything = _all_results(best)
    assert _count(best.locator("#kb-search-status").inner_text()) == len(everything) > 2
    for order, dated in (("date:desc", [review, issue]), ("date:asc", [issue, review])):
        search = open_page(f"{site_url}search.html?q=alphafold&sort={order}")
        assert search.locator("#kb-search-sort").input_value() == order
        pages = _all_results(search)
        # the dated pages in date order, then every other result in the best match's order
        assert pages == dated + [page_ for page_ in everything if page_ not in dated], order
        status = search.locator("#kb-search-status").inner_text()
        assert _count(status) == len(everything)
        assert f"the {len(everything) - 2} results without a date" in status
        assert ("newest first" if order == "date:desc" else "oldest first") in status


@pytest.mark.slow
@pytest.mark.parametrize("words", ["zzzqqq", "blockchain", "alphafold blockchain"])
def test_words_the_site_does_not_have_find_nothing_and_suggest_topics(site_url, open_page,
                                                                       words):
    search = open_page(f"{site_url}search.html?q={words}")
    search.wait_for_function(
        "() => /No results|result/.test(document.querySelector('#kb-search-status').textContent)"
        " && !document.querySelector('#kb-search-results[aria-busy]')", timeout=15000)
    status = search.locator("#kb-search-status").inner_text()
    assert status.startswith(f"No results for “{words}”"), status
    assert search.locator("#kb-search-results > li").count() == 0
    suggested = search.locator("#kb-search-suggestions")
    assert suggested.is_visible()
    topics = suggested.locator(".kb-search-topics a")
    assert topics.count() >= 10
    assert suggested.get_by_role("link", name="Archive").is_visible()
    # a suggestion is a way on: it opens its topic page
    name = topics.first.inner_text()
    topics.first.click()
    search.wait_for_url(re.compile(r"/topics/[\w-]+\.html$"))
    assert search.locator("h1").first.inner_text().startswith(name)
    assert not search.kb_errors, search.kb_errors


@pytest.mark.slow
def test_no_results_with_their_suggestions_pass_axe_in_both_modes(site_url, open_page):
    for mode in ("light", "dark"):
        search = open_page(f"{site_url}search.html?q=zzzqqq", mode=mode)
        search.locator("#kb-search-suggestions").wait_for()
        violations = search.kb_axe()
        search.kb_screenshot(f"search-no-results-{mode}")
        assert not (search.kb_errors or violations), "\n".join(search.kb_errors + violations)


@pytest.mark.slow
def test_another_spelling_of_a_stem_still_finds_its_pages(site_url, open_page):
    # the page says "optimised": Pagefind's stems match, and so does the relevance floor
    search = open_page(f"{site_url}search.html?q=optimization")
    assert "topics/alignment-rlhf.html" in _all_results(search)


@pytest.mark.slow
def test_the_page_with_a_named_item_ranks_above_the_indexes(site_url, open_page):
    search = open_page(f"{site_url}search.html?q=Multimer")
    pages = _all_results(search)
    assert pages[0] == "newsletters/deep-learning-weekly/2021/issue-220.html", pages
    assert pages.index("authors.html") > 0 and pages.index("references.html") > 0
    # and the result's item is the first link under it
    first = search.locator("#kb-search-results > li").first
    assert first.locator(".kb-search-subresult a").first.get_attribute("href").endswith(
        "issue-220.html#alphafold-multimer")


@pytest.mark.slow
def test_excerpts_and_item_titles_are_the_pages_text_without_permalinks(site_url, open_page):
    search = open_page(f"{site_url}search.html?q=papers")  # a section heading of the reviews
    _all_results(search)
    text = search.locator("#kb-search-results").inner_text()
    assert "Papers" in text
    # the theme's permalink after each heading is "#", which ended the heading's last word
    # ("Papers# The author chose..."); "Issue #220" is the pages' own text
    assert not re.search(r"\w#(\s|$)", text), text


def test_browser_tests_skip_without_chromium_locally_and_fail_in_ci(monkeypatch, tmp_path):
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser.require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser.require_chromium()


# -- in the browser (a test root with hostile text) ------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, chromium_executable):
    """The `kb` test root with markup in an item's text, served; the extension shows such
    markup as text (safety.py), and the search page must show Pagefind's excerpt of it as
    text too."""
    from browser import serve

    srcdir = tmp_path_factory.mktemp("hostile") / "src"
    shutil.copytree(ROOTS / "test-kb", srcdir)
    source = srcdir / "newsletters" / "n220.md"
    append(source, '\nZebrafinch <img src="x" onerror="window.kbHacked = 1"> and '
           "<script>window.kbHacked = 2</script> zebrafinch.\n")
    with serve(Build(srcdir).outdir) as url:
        yield url


@pytest.mark.slow
def test_page_text_shows_as_text_in_the_results(hostile_site, open_page):
    search = open_page(hostile_site + "search.html?q=zebrafinch")
    assert _result_links(search)
    results = search.locator("#kb-search-results")
    assert "onerror" in results.inner_text()  # the markup is there, as text
    assert results.locator("img, script").count() == 0
    assert search.evaluate("window.kbHacked") is None
    # (the test root has no favicon: the browser's request for one is no error of the page)
    errors = [error for error in search.kb_errors if "favicon.ico" not in error]
    assert not errors, errors


@pytest.mark.slow
def test_open_filters_are_accessible_in_both_modes_and_fit_a_phone(site_url, open_page):
    phone = open_page(site_url + "search.html?q=alphafold", width=PHONE["width"])
    _result_links(phone)
    phone.locator("#kb-search-filters > summary").click()
    phone.wait_for_selector("#kb-search-filter-groups fieldset")
    widths = phone.evaluate("({scroll: document.documentElement.scrollWidth,"
                            " client: document.documentElement.clientWidth})")
    phone.kb_screenshot("search-filters-phone")
    assert widths["scroll"] <= widths["client"] == PHONE["width"], widths
    for mode in ("light", "dark"):
        search = open_page(site_url + "search.html?q=alphafold", mode=mode)
        _result_links(search)
        search.locator("#kb-search-filters > summary").click()
        search.wait_for_selector("#kb-search-filter-groups fieldset")
        assert search.locator("#kb-search-filter-groups legend").all_inner_texts() == [
            "Topic", "Kind", "Year", "Series"]
        violations = search.kb_axe()
        search.kb_screenshot(f"search-filters-desktop-{mode}")
        assert not (search.kb_errors or violations), "\n".join(search.kb_errors + violations)
