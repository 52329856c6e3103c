"""Publishing: the canonical address, link previews, the sitemap, robots.txt, the 404 page,
and output free of the build machine's paths; on the `publishing` test root and (slow)
on the real site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import Build, page
from kb.outputs.publishing import check_base_url
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

PROJECT = Path(__file__).resolve().parents[2]
ROOT = Path(__file__).parents[1] / "roots" / "test-publishing"
BASE = "https://example.org/kb/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
UNLISTED = {"search.html", "genindex.html", "404.html"}
# the `html` fixture: this root built once for the session (conftest)
pytestmark = pytest.mark.sphinx(testroot="publishing", confoverrides={"nitpicky": True})


def test_the_publishing_root_builds_without_any_warning(html) -> None:
    # nitpicky: every cross-reference the extension writes resolves
    assert html.warnings == ""


def front_matter(docname: str, root: Path = ROOT) -> dict:
    return yaml.safe_load((root / f"{docname}.md").read_text(encoding="utf-8").split("---\n")[1])


def meta(soup, key: str) -> str | None:
    tag = soup.select_one(f'head meta[property="{key}"]') or soup.select_one(f'head meta[name="{key}"]')
    return tag["content"] if tag is not None else None


# -- the canonical address ---------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "example.org/kb/", "ftp://example.org/", "https://example.org/kb", "https:///kb/",
    "https://example.org/kb/?x=1", "https://example.org/kb/#top", "https://example.org/my kb/",
])
def test_a_malformed_base_url_is_a_configuration_error(value: str) -> None:
    with pytest.raises(ConfigError, match="html_baseurl .* is malformed: .*Write the published"):
        check_base_url(value)


@pytest.mark.parametrize("value", ["https://example.org/", "http://localhost:8000/kb/", ""])
def test_a_well_formed_base_url_is_accepted(value: str) -> None:
    assert check_base_url(value) == value


def test_sphinx_stops_at_a_malformed_base_url_before_writing_anything(copy_root) -> None:
    src = copy_root("publishing")
    with pytest.raises(ConfigError, match="does not end with '/'"):
        SphinxTestApp("html", srcdir=src, confoverrides={"html_baseurl": "https://example.org/kb"})
    assert not (src / "_build" / "html" / "feeds").exists()


def test_the_real_site_has_one_documented_address() -> None:
    conf = (PROJECT / "conf.py").read_text(encoding="utf-8")
    site_url = re.search(r'^SITE_URL = "([^"]+)"', conf, re.M)
    assert site_url and check_base_url(site_url[1])
    assert re.search(r'^REPOSITORY_URL = "https://github\.com/[^"]+"', conf, re.M)
    assert re.search(r"^html_baseurl = SITE_URL$", conf, re.M)
    assert re.search(r"^ogp_site_url = SITE_URL$", conf, re.M)
    assert '"repository_url": REPOSITORY_URL' in conf
    # no other absolute address of the site is written anywhere in conf.py
    assert conf.count(site_url[1]) == 1


# -- link previews -------------------------------------------------------------------------


@pytest.mark.parametrize("docname, kind", [
    ("reviews/garden/2021", "article"), ("newsletters/weekly/issue-1", "article"),
    ("topics/gans", "website")])
def test_opengraph_tags_of_a_review_an_issue_and_a_topic_page(html, docname: str, kind: str) -> None:
    soup = page(html, docname)
    url = BASE + docname + ".html"
    data = front_matter(docname)
    heading = (ROOT / f"{docname}.md").read_text(encoding="utf-8").split("\n# ", 1)[1].splitlines()[0]
    assert meta(soup, "og:title") == data.get("title", heading)
    assert meta(soup, "og:type") == kind
    assert meta(soup, "og:url") == url
    assert soup.select_one('head link[rel="canonical"]')["href"] == url
    assert meta(soup, "og:image") == BASE + "_static/logo.png"
    assert meta(soup, "og:site_name") == html.app.config.project
    assert meta(soup, "twitter:card") == "summary"
    if kind == "article":
        assert meta(soup, "og:description") == data["summary"]
        assert meta(soup, "description") == data["summary"]
        day = data["date"] if isinstance(data["date"], str) else data["date"].isoformat()
        expected = (day + "-01" if len(day) == 7 else day) + "T00:00:00+00:00"
        assert meta(soup, "article:published_time") == expected
        # the page is the knowledge base's retelling: the original's author is not its author
        assert soup.select('head meta[property="article:author"]') == []
    else:
        assert meta(soup, "article:published_time") is None
        assert meta(soup, "og:description") == "Adversarial networks."


def test_markup_and_quotes_in_metadata_are_escaped(html) -> None:
    data = front_matter("newsletters/weekly/issue-2")
    soup = page(html, "newsletters/weekly/issue-2")
    # read back as the same text: escaped, not interpreted
    assert meta(soup, "og:title") == data["title"]
    assert meta(soup, "og:description") == data["summary"]
    assert meta(soup, "description") == data["summary"]
    head = str(soup.head)
    assert "<script>alert" not in head.replace("&lt;script&gt;alert", "")
    assert not soup.head.select("b, em, summary")


# -- sitemap, robots.txt, 404 page ----------------------------------------------------------


def built_pages(outdir: Path) -> set[str]:
    return {str(p.relative_to(outdir)) for p in outdir.rglob("*.html")
            if not str(p.relative_to(outdir)).startswith("_")}


def sitemap_locs(outdir: Path) -> list[str]:
    tree = ET.parse(outdir / "sitemap.xml")
    return [loc.text for loc in tree.getroot().findall("s:url/s:loc", SITEMAP_NS)]


def test_the_sitemap_lists_every_built_page_once(html) -> None:
    outdir = Path(html.outdir)
    locs = sitemap_locs(outdir)
    assert len(locs) == len(set(locs))
    assert locs == sorted(locs)
    assert set(locs) == {BASE + p for p in built_pages(outdir) - UNLISTED}
    assert BASE + "newsletters/weekly/issue-2.html" in locs


def test_no_robots_txt_below_the_root_of_a_host(html) -> None:
    """The root is published at /kb/, where no crawler reads a robots.txt (test_sitemap.py
    builds one at the root of its host)."""
    assert not (Path(html.outdir) / "robots.txt").exists()


def test_the_404_page_links_absolutely(html) -> None:
    soup = page(html, "404")
    refs = [tag.get("href") or tag.get("src") for tag in soup.select("link[href], script[src], a[href]")]
    local = [r for r in refs if r and not r.startswith(("http://", "https://", "#", "mailto:"))]
    assert local, "the 404 page links nowhere"
    assert all(r.startswith("/kb/") for r in local), local


def no_build_paths(outdir: Path, *paths: Path) -> list[str]:
    needles = [str(p).encode() for p in paths]
    found = []
    for path in outdir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.relative_to(outdir)}: {n.decode()}" for n in needles if n in data]
    return found


def test_output_names_no_build_machine_path(html) -> None:
    outdir = Path(html.outdir)
    assert not no_build_paths(outdir, Path(html.srcdir), outdir, Path(html.srcdir).parent)


def test_publishing_is_off_without_a_base_url(copy_root) -> None:
    """The other test roots (and a fork that has not set SITE_URL yet) build as before."""
    built = Build(copy_root("publishing"), confoverrides={"html_baseurl": ""})
    outdir = built.outdir
    assert not (outdir / "feeds").exists() and not (outdir / "robots.txt").exists()
    assert not built.page("topics/gans").select('link[type="application/atom+xml"], p.kb-subscribe')


# -- the real site (slow) ----------------------------------------------------------------------


@pytest.mark.slow
def test_the_real_site_is_ready_to_upload(real_site) -> None:
    import feedparser

    assert not real_site.warnings
    outdir = real_site.outdir
    builddir = outdir.parent
    conf = (PROJECT / "conf.py").read_text(encoding="utf-8")
    base = re.search(r'^SITE_URL = "([^"]+)"', conf, re.M)[1]

    assert not no_build_paths(outdir, PROJECT, builddir)
    # book.html is the PDF's root (latex_documents), which no page of the site links to
    assert set(sitemap_locs(outdir)) == {
        base + p for p in built_pages(outdir) - UNLISTED - {"book.html"}}
    feeds = sorted((outdir / "feeds").rglob("*.xml"))
    topics = {p.stem for p in (PROJECT / "topics").glob("*.md")} - {"index"}
    assert {p.stem for p in (outdir / "feeds" / "topics").glob("*.xml")} == topics
    # no entry shows a cite key or a document's name (docs/publishing.md, "Feeds")
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", (PROJECT / "refs.bib").read_text("utf-8"), re.M))
    names = {doc for doc in real_site.env.found_docs if "/" in doc}
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, path
        for entry in parsed.entries:
            assert entry.link.startswith(base) and entry.id.startswith(base)
            assert (outdir / entry.link[len(base):].split("#")[0]).is_file(), entry.link
            words = {w.strip(".,;:") for w in re.findall(r"[\w/#.-]+", f"{entry.title} {entry.summary}")}
            assert not words & keys and not {w.split("#")[0] for w in words} & names, entry.id
    assert not (outdir / "robots.txt").exists()  # the site is below a path of its host
    site_feed = feedparser.parse((outdir / "feeds" / "atom.xml").read_bytes())
    dated = [p for p in [*PROJECT.glob("reviews/*/*.md"), *PROJECT.glob("newsletters/*/*/*.md")]
             if p.name != "index.md"]
    assert len(site_feed.entries) == len(dated)
    soup = real_site.page("newsletters/deep-learning-weekly/2021/issue-220")
    data = front_matter("newsletters/deep-learning-weekly/2021/issue-220", PROJECT)
    assert meta(soup, "og:description") == data["summary"]
    assert meta(soup, "article:published_time") == "2021-10-01T00:00:00+00:00"
    assert meta(soup, "og:image") == base + "_static/logo-512.png"
    assert (outdir / "_static" / "logo-512.png").is_file()
