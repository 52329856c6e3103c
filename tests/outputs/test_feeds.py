"""The Atom feeds, read back with feedparser, against the pages' front matter.

Most tests build the `publishing` test root once: a review and two issues in two
series, three topics (one a subtopic), an issue dated to the month only, and an
issue whose title and summary carry markup and quotes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import yaml
from conftest import Build, page, replace, touch
from kb.model.records import PageRecord, PartialDate
from kb.outputs import atom

ROOT = Path(__file__).parents[1] / "roots" / "test-publishing"
BASE = "https://example.org/kb/"
# the `html` and `latex` fixtures: this root built once for the session (conftest);
# test_publishing checks that it builds without any warning
pytestmark = pytest.mark.sphinx(testroot="publishing", confoverrides={"nitpicky": True})


def front_matter(docname: str, root: Path = ROOT) -> dict:
    text = (root / f"{docname}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1]) if text.startswith("---\n") else {}


def title_of(docname: str, root: Path = ROOT) -> str:
    data = front_matter(docname, root)
    if "title" in data:
        return data["title"]
    text = (root / f"{docname}.md").read_text(encoding="utf-8")
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


def expected_date(value) -> dt.datetime:
    date = PartialDate.parse(value)
    return dt.datetime(date.year, date.month, date.day or 1, tzinfo=dt.timezone.utc)


def parse(outdir: Path, path: str):
    parsed = feedparser.parse((Path(outdir) / path).read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def when(struct) -> dt.datetime:
    return dt.datetime(*struct[:6], tzinfo=dt.timezone.utc)


def test_every_feed_is_written_and_parses(html) -> None:
    outdir = Path(html.outdir)
    written = sorted(str(p.relative_to(outdir)) for p in (outdir / "feeds").rglob("*.xml"))
    assert written == sorted([
        "feeds/atom.xml", "feeds/series/garden.xml", "feeds/series/weekly.xml",
        "feeds/topics/ai-for-science.xml", "feeds/topics/gans.xml",
        "feeds/topics/protein-structure.xml"])
    for path in written:
        parsed = parse(outdir, path)
        assert parsed.version == "atom10"
        assert parsed.feed.id == BASE + path
        links = {link.rel: link.href for link in parsed.feed.links}
        assert links["self"] == BASE + path
        assert links["alternate"].startswith(BASE)
        assert (outdir / links["alternate"][len(BASE):]).is_file()
        # the feed's date is its newest entry's, never the build's
        if parsed.entries:
            assert when(parsed.feed.updated_parsed) == max(when(e.published_parsed) for e in parsed.entries)


def test_site_feed_lists_every_review_and_issue_from_their_front_matter(html) -> None:
    parsed = parse(html.outdir, "feeds/atom.xml")
    sources = [path.relative_to(ROOT).with_suffix("").as_posix() for path in ROOT.rglob("*.md")]
    dated = [doc for doc in sources if front_matter(doc).get("kind") in ("review", "newsletter")]
    assert sorted(e.id for e in parsed.entries) == sorted(BASE + f"{doc}.html" for doc in dated)
    assert [e.id for e in parsed.entries] == [
        BASE + "reviews/garden/2021.html", BASE + "newsletters/weekly/issue-2.html",
        BASE + "newsletters/weekly/issue-1.html"]  # newest first
    for entry in parsed.entries:
        docname = entry.id[len(BASE):-len(".html")]
        data = front_matter(docname)
        assert entry.link == entry.id
        assert (Path(html.outdir) / f"{docname}.html").is_file()
        assert entry.title == title_of(docname)
        assert entry.summary == data["summary"]
        assert when(entry.published_parsed) == expected_date(data["date"])
        assert when(entry.updated_parsed) == expected_date(data["date"])
        # the knowledge base's retelling: no entry names the original's author as its own
        assert "author_detail" not in entry and "authors" not in entry
    assert parsed.feed.author_detail.name == html.app.config.author == "The test authors"


def test_a_month_only_date_is_the_first_of_the_month_at_midnight_utc(html) -> None:
    entry = next(e for e in parse(html.outdir, "feeds/atom.xml").entries if e.id.endswith("issue-1.html"))
    assert entry.published == "2021-10-01T00:00:00+00:00"
    assert atom.published(PartialDate(2021, 10)) == dt.datetime(2021, 10, 1, tzinfo=dt.timezone.utc)


def test_series_feeds_list_their_own_pages(html) -> None:
    weekly = parse(html.outdir, "feeds/series/weekly.xml")
    assert [e.id for e in weekly.entries] == [
        BASE + "newsletters/weekly/issue-2.html", BASE + "newsletters/weekly/issue-1.html"]
    assert weekly.feed.title == "Test KB: Weekly"
    garden = parse(html.outdir, "feeds/series/garden.xml")
    assert [e.id for e in garden.entries] == [BASE + "reviews/garden/2021.html"]


def test_topic_feeds_list_items_and_pages_with_subtopics(html) -> None:
    science = parse(html.outdir, "feeds/topics/ai-for-science.xml")
    # the review carries the topic; the items carry its subtopic protein-structure
    assert [e.id for e in science.entries] == [
        BASE + "reviews/garden/2021.html", BASE + "reviews/garden/2021.html#alphafold2",
        BASE + "newsletters/weekly/issue-2.html#protein-news"]
    alphafold = science.entries[1]
    assert alphafold.title == "AlphaFold2"
    assert alphafold.summary.startswith("Application in The Garden: 2021 in review.")
    assert "Predicts protein structures" in alphafold.summary
    assert when(alphafold.published_parsed) == expected_date("2022-01-03")
    gans = parse(html.outdir, "feeds/topics/gans.xml")
    assert {e.title for e in gans.entries} == {"StyleGAN3", "Weekly: Issue 1", "BigGAN notes"}
    proteins = parse(html.outdir, "feeds/topics/protein-structure.xml")
    assert {e.title for e in proteins.entries} == {"AlphaFold2", "Protein news"}


def test_markup_and_quotes_in_title_and_summary_are_text_in_the_feed(html) -> None:
    raw = (Path(html.outdir) / "feeds/series/weekly.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and "<b>" not in raw and "<em>" not in raw
    entry = parse(html.outdir, "feeds/series/weekly.xml").entries[0]
    data = front_matter("newsletters/weekly/issue-2")
    assert entry.title == data["title"]
    assert entry.summary == data["summary"]
    assert entry.title_detail.type == "text/plain"


def test_feed_links_in_each_pages_head(html) -> None:
    def alternates(name: str) -> list[str]:
        return [link["href"] for link in page(html, name).select(
            'head link[rel="alternate"][type="application/atom+xml"]')]

    site = BASE + "feeds/atom.xml"
    assert alternates("index") == [site]
    assert alternates("newsletters/weekly/issue-1") == [site, BASE + "feeds/series/weekly.xml"]
    assert alternates("newsletters/weekly/index") == [site, BASE + "feeds/series/weekly.xml"]
    assert alternates("reviews/garden/2021") == [site, BASE + "feeds/series/garden.xml"]
    assert alternates("topics/gans") == [site, BASE + "feeds/topics/gans.xml"]


def test_series_and_topic_pages_show_a_subscribe_link(html) -> None:
    for name, feed in [("newsletters/weekly/index", "feeds/series/weekly.xml"),
                       ("reviews/garden/index", "feeds/series/garden.xml"),
                       ("topics/protein-structure", "feeds/topics/protein-structure.xml")]:
        links = page(html, name).select("body p.kb-subscribe a")
        # relative, so it works wherever the site is served; it resolves to the feed
        assert [urljoin(f"{BASE}{name}.html", a["href"]) for a in links] == [BASE + feed], name
        assert not links[0]["href"].startswith(("http:", "https:", "/")), name
        assert (Path(html.outdir) / feed).is_file()
    assert not page(html, "newsletters/weekly/issue-1").select("p.kb-subscribe")


def test_the_latex_build_has_no_subscribe_link_and_no_warning(latex) -> None:
    assert not latex.warnings
    assert "Subscribe" not in latex.tex and "atom.xml" not in latex.tex


def test_the_limit_caps_every_feed(copy_root) -> None:
    built = Build(copy_root("publishing"), confoverrides={"kb_feed_limit": 1})
    for path in sorted((built.outdir / "feeds").rglob("*.xml")):
        assert len(parse(built.outdir, str(path.relative_to(built.outdir))).entries) == 1, path
    site = parse(built.outdir, "feeds/atom.xml")
    assert site.entries[0].id == BASE + "reviews/garden/2021.html"  # the newest is kept


def test_plan_keeps_the_newest_entries_up_to_the_limit() -> None:
    pages = {f"p{n}": PageRecord(f"p{n}", "newsletter", f"Issue {n}", date=PartialDate(2020, n),
                                 series="s", issue=n, summary=f"Summary {n}") for n in range(1, 6)}
    site = atom.Site(base_url=BASE, title="T", author="A", uri=lambda d: f"{d}.html",
                      pages=pages, excerpt=lambda docname, anchor: "", series={"s": "S"},
                      series_pages={},
                      series_docs={"s": sorted(pages)}, topics={}, topic_pages={},
                      listing=lambda slug: [])
    planned = {feed.path: feed for feed in atom.plan(site, 2)}
    assert [e.title for e in planned["feeds/atom.xml"].entries] == ["Issue 5", "Issue 4"]
    assert [e.title for e in planned["feeds/series/s.xml"].entries] == ["Issue 5", "Issue 4"]
    assert planned["feeds/atom.xml"].updated == dt.datetime(2020, 5, 1, tzinfo=dt.timezone.utc)


def test_a_topic_feed_ranks_its_listing_before_making_entries_and_keeps_their_order() -> None:
    # pages with equal dates, one undated, items and whole pages: the newest 5 of the
    # listing, made into feed entries, are those the whole listing gives, in its order
    from kb.model.records import Entry

    dates = [PartialDate(2021, 3), PartialDate(2021, 3), PartialDate(2020, 5), None,
             PartialDate(2021, 3, 1)]
    pages = {f"p{n}": PageRecord(f"p{n}", "newsletter", f"Issue {n}", date=date, series="s",
                                 issue=n, summary=f"Summary {n}") for n, date in enumerate(dates)}
    listing = [Entry(f"p{n}", f"i{k}" if k >= 0 else "", f"Item {n}.{k}", "paper", f"Issue {n}",
                     dates[n], (), k)
               for n in (4, 1, 3, 0, 2) for k in (2, -1, 0, 1)]
    site = atom.Site(base_url=BASE, title="T", author="A", uri=lambda d: f"{d}.html",
                      pages=pages, excerpt=lambda docname, anchor: "", series={},
                      series_pages={},
                      series_docs={}, topics={"t": "T"}, topic_pages={}, listing=lambda slug: listing)
    every = atom._newest([atom.listing_entry(site, entry) for entry in listing], 5)
    planned = {feed.path: feed for feed in atom.plan(site, 5)}
    assert planned["feeds/topics/t.xml"].entries == every
    # the day known (p4) is newer than the month alone (p0, p1); a page before its items
    assert [e.id for e in every] == [BASE + "p4.html", BASE + "p4.html#i0", BASE + "p4.html#i1",
                                     BASE + "p4.html#i2", BASE + "p0.html"]


def test_a_page_without_summary_warns_with_its_line_and_is_listed_with_its_first_paragraph(
        copy_root) -> None:
    src = copy_root("publishing")
    replace(src / "newsletters/weekly/issue-1.md",
            "summary: First issue, dated to the month only.\n", "")
    built = Build(src)
    assert "issue-1.md:1:" in built.warnings and "'summary'" in built.warnings, built.warnings
    for path in ("feeds/atom.xml", "feeds/series/weekly.xml", "feeds/topics/gans.xml"):
        entry = next(e for e in parse(built.outdir, path).entries
                     if e.id == BASE + "newsletters/weekly/issue-1.html")
        assert entry.summary == "Opening words of issue 1."
    head = built.page("newsletters/weekly/issue-1").select_one('meta[property="og:description"]')
    assert head["content"] == "Opening words of issue 1."


NEW_ISSUE = """---
kind: newsletter
date: 2021-12-01
series: weekly
issue: 3
authors: [Dana New]
topics: [protein-structure]
summary: The third issue, added later.
---
# Weekly: Issue 3

Opening words of issue 3.
"""


def published_files(outdir: Path) -> dict[str, bytes]:
    found = {str(p.relative_to(outdir)): p.read_bytes() for p in (outdir / "feeds").rglob("*.xml")}
    found["sitemap.xml"] = (outdir / "sitemap.xml").read_bytes()
    return found


def test_an_incremental_build_after_a_new_issue_equals_a_clean_build(copy_root) -> None:
    src = copy_root("publishing", "incremental")
    before = published_files(Build(src).outdir)
    # as if a topic had been removed since: its feed must go, as a clean build has none
    outdir = src / "_build" / "html"
    stale = outdir / "feeds" / "topics" / "removed-topic.xml"
    stale.write_bytes(before["feeds/topics/gans.xml"])
    touch(src / "newsletters/weekly/issue-3.md", NEW_ISSUE)
    after = published_files(Build(src).outdir)

    clean_src = copy_root("publishing", "clean")
    touch(clean_src / "newsletters/weekly/issue-3.md", NEW_ISSUE)
    assert after == published_files(Build(clean_src).outdir)
    assert not stale.exists()

    # and the new issue is in every feed that should list it, and the sitemap
    new = BASE + "newsletters/weekly/issue-3.html"
    for path in ("feeds/atom.xml", "feeds/series/weekly.xml", "feeds/topics/protein-structure.xml",
                 "feeds/topics/ai-for-science.xml"):
        assert new in [e.id for e in parse(outdir, path).entries], path
        assert after[path] != before[path]
    for path in ("feeds/series/garden.xml", "feeds/topics/gans.xml"):
        assert new not in [e.id for e in parse(outdir, path).entries], path
        assert after[path] == before[path]
    assert f"<loc>{new}</loc>".encode() in after["sitemap.xml"]


def test_a_parallel_build_writes_the_same_feeds_and_sitemap(copy_root) -> None:
    serial = Build(copy_root("publishing", "serial"))
    parallel = Build(copy_root("publishing", "parallel"), parallel=2)
    assert published_files(parallel.outdir) == published_files(serial.outdir)


def test_one_excerpt_describes_a_page_and_an_item_wherever_they_are_described(copy_root) -> None:
    """build/excerpts.py: the feed entry, the link preview, the meta and OpenGraph
    descriptions and the JSON-LD say the same of a page, and the feed entry and the link
    preview the same of an item: its first sentences as the page shows them, references by
    their targets' titles, citations as the page renders them, quotes as on the page."""
    import json

    from conftest import Build, replace
    from test_previews import preview_data

    src = copy_root("publishing")
    issue = src / "newsletters" / "weekly" / "issue-1.md"  # no summary: its paragraph stands in
    replace(issue, "summary: First issue, dated to the month only.\n", "")
    replace(issue, "Opening words of issue 1.",
            "Opening words on {kb:topic}`gans` {cite:p}`doe2021`. It's short. Not shown.")
    replace(issue, "Notes on large GANs.",
            "Notes on large {kb:topic}`gans` models {cite:p}`doe2021`, \"quoted\". Two.\n\nThree.")
    # an item with no text of its own: the line the extension writes is not its excerpt
    issue.write_text(issue.read_text(encoding="utf-8") + "\n```{kb:item} Bare\n:kind: paper\n"
                     ":topics: gans\n:cites: doe2021\n```\n", encoding="utf-8")
    build = Build(src)
    soup = page(build.app, "newsletters/weekly/issue-1")
    # the citation as the page renders it (this root's reference style: a label)
    [cited] = {span.get_text() for span in soup.select("span.bibtex-citation")}
    assert cited.startswith("[") and "doe2021" not in cited
    page_text = f"Opening words on GANs {cited}. It\u2019s short."
    item_text = f"Notes on large GANs models {cited}, \u201cquoted\u201d. Two."

    def entry(path: str, anchor: str = "") -> str:
        url = BASE + "newsletters/weekly/issue-1.html" + (f"#{anchor}" if anchor else "")
        return next(e.summary for e in parse(build.outdir, path).entries if e.id == url)

    previews = preview_data(build.outdir)["pages/newsletters/weekly/issue-1"]
    jsonld = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert entry("feeds/atom.xml") == page_text
    assert previews[""]["text"] == page_text
    assert soup.select_one('meta[property="og:description"]')["content"] == page_text
    assert soup.select_one('meta[name="description"]')["content"] == page_text
    assert jsonld["description"] == page_text
    assert entry("feeds/topics/gans.xml", "biggan-notes") == \
        f"Article in Weekly: Issue 1. {item_text}"
    assert previews["biggan-notes"]["text"] == item_text
    assert entry("feeds/topics/gans.xml", "bare") == "Paper in Weekly: Issue 1."
    assert previews["bare"]["text"] == ""


def test_no_feed_entry_shows_a_cite_key_or_a_document_name(copy_root) -> None:
    """A feed reader shows an entry's text as it is: what the page shows a reader, never
    the source's keys, docnames, labels or targets. Every kind of reference a contributor
    writes, in an item's first sentences and a page's."""
    src = copy_root("publishing")
    issue = src / "newsletters" / "weekly" / "issue-1.md"
    replace(issue, "summary: First issue, dated to the month only.\n", "")
    replace(issue, "# Weekly: Issue 1\n", "(weekly-one)=\n# Weekly: Issue 1\n")
    replace(issue, "Opening words of issue 1.",
            "Opening words {cite:p}`doe2021`, after {cite:t}`doe2021`; see {kb:issue}`weekly/2`.")
    replace(issue, "Notes on large GANs.",
            "Notes {cite:p}`doe2021` on {kb:review}`garden/2021` and {doc}`issue-2`, "
            "{doc}`/reviews/garden/2021`, {ref}`weekly-one`, {kb:topic}`gans`, "
            "{kb:item}`reviews/garden/2021#alphafold2` and [the home page](../../index.md).")
    build = Build(src)
    # every reference resolves (the page's own text stands in for its summary, with a warning)
    assert [w for w in build.warning_lines if "WARNING" in w and "needs 'summary'" not in w] == []
    keys = {"doe2021"}
    names = set(build.env.found_docs) | {"weekly/2", "garden/2021", "issue-2", "weekly-one",
                                         "reviews/garden/2021#alphafold2", "alphafold2"}
    entries = [entry for path in sorted((build.outdir / "feeds").rglob("*.xml"))
               for entry in parse(build.outdir, str(path.relative_to(build.outdir))).entries]
    assert len(entries) > 10
    for entry in entries:
        text = f"{entry.title} {entry.summary}"
        words = set(text.replace(",", " ").replace(";", " ").split())
        assert not {w.strip(".") for w in words} & (keys | names), (entry.id, text)
        assert not [key for key in keys if key in text], (entry.id, text)
    soup = page(build.app, "newsletters/weekly/issue-1")
    [cited] = {span.get_text() for span in soup.select("span.bibtex-citation")
               if span.get_text().startswith("[")}

    def summary(path: str, anchor: str = "") -> str:
        url = BASE + "newsletters/weekly/issue-1.html" + (f"#{anchor}" if anchor else "")
        return next(e.summary for e in parse(build.outdir, path).entries if e.id == url)

    # each reference as the page shows it: titles, the citation's rendering, a link's text
    issue_2 = 'Issue 2: <b>bold</b> & "quoted" <script>alert(1)</script>'  # its title, as text
    assert summary("feeds/atom.xml") == f"Opening words {cited}, after Doe {cited}; see {issue_2}."
    assert summary("feeds/topics/gans.xml", "biggan-notes") == (
        f"Article in Weekly: Issue 1. Notes {cited} on The Garden: 2021 in review and "
        f"{issue_2}, The Garden: 2021 in review, Weekly: Issue 1, GANs, AlphaFold2 and the "
        "home page.")
    # and that is the text of the item's paragraph on the page, word for word
    [para] = [p for p in soup.select("#biggan-notes p") if not any(
        c.startswith("kb-") for c in p.get("class", []))]
    shown = " ".join(para.get_text().split())
    assert summary("feeds/topics/gans.xml", "biggan-notes") == f"Article in Weekly: Issue 1. {shown}"
