"""No contributor text runs in a reader's browser (safety.py, and the views' escaping).

The policy: raw HTML in a page is shown as text, with a located warning (so the strict
build fails); links and images to javascript:, vbscript: or data: URLs become text.
A site with script in every place contributor text reaches (titles, the home page's
title, headings, item titles and bodies, summaries, author names, topic names and aliases,
links) is built with the real site's look: the book theme, the project's `_templates/`
and `_static/`, its extensions and its address (conftest.with_site_look), so the theme's
own templates, the feeds, OpenGraph and the 404 page are attacked too. Then:

- every file it writes is parsed: HTML pages for script elements the same site without
  the attacks does not have, `on*` attributes and script URLs; XML and JSON files (feeds,
  exports, sitemaps) for the same in their HTML-bearing fields and URLs;
- every page is opened in Chromium (test_safety_browser.py), with a sentinel each attack
  calls installed before the page's scripts, and dialogs watched.
"""

from __future__ import annotations

import ast
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import Build, with_site_look
from kb.build.safety import first_bad_byte, listing_parents, unsafe_scheme

ROOT = Path(__file__).parents[1] / "roots" / "test-kb"
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data",
                  "background", "srcset", "content")
# fields of XML and JSON outputs whose text is HTML (RSS/Atom descriptions, JSON Feed)
HTML_FIELDS = {"description", "content", "summary", "encoded", "content_html", "html",
               "summary_html"}
ATOM = "{http://www.w3.org/2005/Atom}"
# <script> types a browser does not run
DATA_BLOCKS = {"application/ld+json", "application/json"}
# JSON files whose strings are all plain text, never HTML (kb.json: see its schema)
PLAIN_TEXT_JSON = {"kb.json"}


# -- the pure checks ------------------------------------------------------------------------


@pytest.mark.parametrize("url, scheme", [
    ("javascript:alert(1)", "javascript"), (" JavaScript:alert(1)", "javascript"),
    ("java\tscript:alert(1)", "javascript"), ("jav\nascript:x", "javascript"),
    ("vbscript:msgbox", "vbscript"), ("data:text/html,<script>", "data"),
    ("https://example.org/", None), ("/relative/page.html", None), ("#javascript:", None),
    ("page.html?x=javascript:", None), ("mailto:a@example.org", None),
])
def test_unsafe_scheme(url, scheme):
    assert unsafe_scheme(url) == scheme


def test_first_bad_byte_gives_the_line():
    assert first_bad_byte("ok\nCafé\n".encode("latin-1")) == (2, "byte 0xe9")
    assert first_bad_byte("ok\nCafé\n".encode("utf-8")) is None


def test_listing_parents():
    includes = {"index": ["a", "b"], "weekly": ["n1", "n2"], "gone": ["n2"]}
    assert listing_parents(includes, {"n2"}, {"index", "weekly", "a", "b", "n1"}) == {"weekly"}


# -- what a reader's browser would run --------------------------------------------------------


def live_code(html: str) -> tuple[list[str], list[str], list[str]]:
    """(script elements, on* attributes, script URLs) of an HTML text, as parsed."""
    soup = BeautifulSoup(html, "html.parser")
    # a data block (JSON-LD) is not run; text that breaks out of one is a script of its own
    scripts = [f"src={tag.get('src')!r} text={tag.get_text()[:80]!r}"
               for tag in soup.find_all("script")
               if tag.get("type", "").lower() not in DATA_BLOCKS]
    handlers, urls = [], []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            values = value if isinstance(value, list) else [value]
            if name.lower().startswith("on"):
                handlers.append(f"<{tag.name} {name}={value!r}>")
            if name.lower() in URL_ATTRIBUTES:
                for item in values:
                    scheme = unsafe_scheme(str(item))
                    if scheme and not (scheme == "data" and str(item).lower().lstrip()
                                       .startswith("data:image/") and tag.name == "img"):
                        urls.append(f"<{tag.name} {name}={item!r}>")
    return scripts, handlers, urls


def strings_of(value) -> list[tuple[str, str]]:
    """(key, text) of every string in a JSON value."""
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in
                ([(key, item)] if isinstance(item, str) else strings_of(item))]
    if isinstance(value, list):
        return [pair for item in value for pair in strings_of(item)]
    return []


def scan_output(outdir: Path) -> dict[str, set[str]]:
    """Per output file, what a browser would run: scripts (HTML pages), handlers and
    script URLs (HTML, and the HTML fields and URLs of XML and JSON files)."""
    found: dict[str, set[str]] = {}
    for path in sorted(outdir.rglob("*")):
        if not path.is_file() or ".doctrees" in path.parts or "_sources" in path.parts:
            continue
        rel = path.relative_to(outdir).as_posix()
        live: set[str] = set()
        if path.suffix == ".html":
            scripts, handlers, urls = live_code(path.read_text(encoding="utf-8"))
            live |= {f"script {s}" for s in scripts} | set(handlers) | set(urls)
        elif path.suffix in (".xml", ".rss", ".atom"):
            for element in ET.parse(path).iter():
                tag = element.tag.rsplit("}", 1)[-1]
                for name, value in element.attrib.items():
                    if unsafe_scheme(value):
                        live.add(f"<{tag} {name}={value!r}>")
                # an Atom text construct is plain text unless its type says HTML (RFC 4287 3.1)
                html_field = tag in HTML_FIELDS and (
                    not element.tag.startswith(ATOM)
                    or element.get("type", "text") in ("html", "xhtml"))
                if element.text and (html_field or tag in ("link", "loc", "id")):
                    if html_field:
                        scripts, handlers, urls = live_code(element.text)
                        live |= {f"{tag}: script {s}" for s in scripts} | set(handlers) | set(urls)
                    elif unsafe_scheme(element.text):
                        live.add(f"<{tag}>{element.text}")
        elif path.suffix == ".json":
            for key, text in strings_of(json.loads(path.read_text(encoding="utf-8"))):
                if key in HTML_FIELDS and path.name not in PLAIN_TEXT_JSON:
                    scripts, handlers, urls = live_code(text)
                    live |= {f"{key}: script {s}" for s in scripts} | set(handlers) | set(urls)
                elif unsafe_scheme(text) and key in ("url", "link", "href", "src", "id",
                                                     "external_url", "image"):
                    live.add(f"{key}: {text}")
        if live:
            found[rel] = live
    return found


def test_the_scan_finds_each_kind_of_live_code(tmp_path):
    """The scan can fail: each attack, written straight into the output, is found."""
    (tmp_path / "a.html").write_text(
        '<p><script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href=" javascript:alert(3)">x</a><iframe src="data:text/html,x"></iframe></p>')
    (tmp_path / "feed.xml").write_text(
        '<rss><channel><item><link>javascript:alert(4)</link>'
        '<description>&lt;img src=x onerror=alert(5)&gt;</description></item></channel></rss>')
    (tmp_path / "atom.xml").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        '<summary type="html">&lt;img src=x onerror=alert(8)&gt;</summary>'
        '<content>&lt;img src=x onerror=alert(9)&gt; is text here</content></entry></feed>')
    (tmp_path / "feed.json").write_text(json.dumps(
        {"items": [{"url": "javascript:alert(6)", "content_html": "<script>alert(7)</script>"}]}))
    found = scan_output(tmp_path)
    assert len(found["a.html"]) == 4, found
    assert len(found["feed.xml"]) == 2, found
    assert found["atom.xml"] == {"<img onerror='alert(8)'>"}, found
    assert len(found["feed.json"]) == 2, found


# -- a site with script in every place contributor text reaches --------------------------------

# Every attack calls the sentinel (the browser test defines it before any page script runs,
# and records each call), or opens a dialog: either is script that ran.
SENTINEL = "kbRan"
SCRIPT = f"<script>{SENTINEL}(1)</script>"
IMG = f'<img src=x onerror="{SENTINEL}(2)">'


def attack(src: Path) -> None:
    def edit(path: str, old: str, new: str) -> None:
        file = src / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    # the home page's title (the sidebar's home link on every page)
    edit("index.md", "# Test knowledge base", f"# Test knowledge base {SCRIPT}")
    # review: heading, summary, authors, an item's title and body, links
    edit("reviews/r2021.md", "# Review of 2021", f"# Review of 2021 {SCRIPT}")
    edit("reviews/r2021.md", "summary: A review of 2021.", f"summary: 'A review {IMG}'")
    edit("reviews/r2021.md", "authors: [Ana Example, Žídek Augustin]",
         f"authors: ['Ana {SCRIPT}', '{IMG}']")
    edit("reviews/r2021.md", "```{kb:item} AlphaFold2", f"```{{kb:item}} AlphaFold2 {IMG}")
    edit("reviews/r2021.md", "Predicts structures",
         f"Predicts {SCRIPT} [a link](javascript:{SENTINEL}(3)) <javascript:{SENTINEL}(4)> "
         f"<a href='javascript:{SENTINEL}(5)'>x</a> structures")
    # newsletter: a front-matter title (shown in the sidebar and prev/next of others)
    edit("newsletters/n220.md", "kind: newsletter\n", f"kind: newsletter\ntitle: 'Weekly {SCRIPT}'\n")
    edit("newsletters/n220.md", "Complexes",
         f"<div onclick=\"{SENTINEL}(6)\">Complexes</div>\n\nComplexes")
    # topics: a name (heading) and aliases
    edit("topics/gans.md", "# GANs", f"# GANs {IMG}")
    edit("topics/gans.md", "kind: topic\n", f"kind: topic\naliases: ['{SCRIPT}', 'gan {IMG}']\n")
    # eval-rst links
    (src / "topics/protein-structure.md").write_text(
        (src / "topics/protein-structure.md").read_text(encoding="utf-8")
        + f"\n```{{eval-rst}}\n`click <javascript:{SENTINEL}(7)>`_\n\n.. raw:: html\n\n   "
        + SCRIPT + "\n```\n", encoding="utf-8")


def site_look_build(src: Path) -> Build:
    """The root at `src` built (nitpicky) with the real site's theme, templates, static
    files, extensions and address (conftest.with_site_look), as a reader meets the site."""
    return Build(src, confoverrides={**with_site_look(src), "nitpicky": True})


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Build, Build]:
    """The `kb` root as it is and with the attacks, both with the site's look."""
    plain, attacked = (tmp_path_factory.mktemp("safety") / name for name in ("plain", "attacked"))
    shutil.copytree(ROOT, plain)
    shutil.copytree(ROOT, attacked)
    attack(attacked)
    return site_look_build(plain), site_look_build(attacked)


def test_the_attacks_are_built_with_the_sites_theme_and_templates(builds):
    _, attacked = builds
    assert attacked.app.config.html_theme == "sphinx_book_theme"
    page = attacked.page("reviews/r2021")
    # the project's layout.html (the article is Pagefind's body) and the book theme's markup
    assert page.select_one("article.bd-article[data-pagefind-body]") is not None
    assert page.select_one("#jb-print-docs-body h1") is not None


def test_nothing_of_the_attacks_runs_in_any_output_file(builds):
    plain, attacked = builds
    baseline = scan_output(Path(plain.outdir))
    found = scan_output(Path(attacked.outdir))
    # the theme's own scripts are the same in both; anything more came from a page
    new = {path: live - baseline.get(path, set()) for path, live in found.items()}
    new = {path: live for path, live in new.items() if live}
    assert new == {}
    # the only scripts are the ones of the site without attacks
    assert not any(SENTINEL in item for live in found.values() for item in live)


def test_the_attacks_are_shown_as_text(builds):
    _, attacked = builds
    page = attacked.page("reviews/r2021")
    text = page.get_text()
    assert f"Review of 2021 {SCRIPT}" in text  # the heading, as text
    assert f"Ana {SCRIPT}" in text  # an author, as text
    assert "AlphaFold2 <img" in text  # the item's title
    weekly = attacked.page("index")
    # another page's navigation shows the titles as text
    assert f"Weekly {SCRIPT}" in weekly.get_text()


def test_a_title_is_text_in_every_place_the_theme_prints_it(builds):
    """The title in each place the theme's templates put it: <title>, the OpenGraph title,
    the print-only header, the sidebar (the home page's title on every page), the
    previous/next links of the pages around it."""
    _, attacked = builds
    title = f"Review of 2021 {SCRIPT}"
    page = attacked.page("reviews/r2021")
    assert title in page.title.get_text()
    assert page.select_one("meta[property='og:title']")["content"] == title
    assert page.select_one("#jb-print-docs-body h1").get_text() == title
    home = f"Test knowledge base {SCRIPT}"
    assert home in page.select_one(".bd-sidenav__home-link").get_text()
    # the pages before and after the review in the toctree link to it, by its title
    neighbours = [attacked.page(name) for name in ("topics/protein-structure", "newsletters/n220")]
    titles = [link.get_text(" ", strip=True) for other in neighbours
              for link in other.select(".prev-next-area a")]
    assert any(title in text for text in titles), titles
    assert any(f"Weekly {SCRIPT}" in text
               for text in [link.get_text(" ", strip=True)
                            for link in attacked.page("reviews/r2021").select(".prev-next-area a")])


def test_each_raw_html_and_script_link_is_reported_at_its_line(builds):
    _, attacked = builds
    warnings = attacked.warnings
    src = attacked.srcdir

    def line(path: str, marker: str) -> int:
        lines = (src / path).read_text(encoding="utf-8").splitlines()
        return next(n for n, text in enumerate(lines, 1) if marker in text)

    expected = [
        ("reviews/r2021.md", "# Review of 2021", "raw HTML is not allowed"),
        ("reviews/r2021.md", "Predicts", "raw HTML is not allowed"),
        ("newsletters/n220.md", "<div onclick", "raw HTML is not allowed"),
        ("topics/gans.md", "# GANs", "raw HTML is not allowed"),
        ("topics/protein-structure.md", "`click <javascript", "a link to a javascript: URL"),
    ]
    for path, marker, message in expected:
        prefix = f"{src / path}:{line(path, marker)}: WARNING: {message}"
        assert prefix in warnings, f"{prefix}\n{warnings}"
    assert "Traceback" not in warnings


# the theme's own inline scripts and handlers; anything else would have come from a page
THEME_INLINE_SCRIPTS = ("DOCUMENTATION_OPTIONS.", "document.documentElement.dataset.mode",
                        "// Activate the search field")
THEME_HANDLERS = {"<button onclick='toggleFullScreen()'>"}


@pytest.mark.slow
def test_no_page_of_the_real_site_carries_code_from_contributor_text(real_site):
    unexpected = []
    for path, live in scan_output(Path(real_site.outdir)).items():
        for item in live:
            if item.startswith("script src=None text="):
                text = ast.literal_eval(item.split(" text=", 1)[1])  # scan_output wrote a repr
                if text.strip().startswith(THEME_INLINE_SCRIPTS):
                    continue
            elif item.startswith("script src="):
                src = ast.literal_eval(item.split(" text=", 1)[0][len("script src="):])
                if not urlsplit(src).scheme and not urlsplit(src).netloc:
                    continue  # the site's own files (no asset from outside the site)
            elif item in THEME_HANDLERS:
                continue
            unexpected.append(f"{path}: {item}")
    assert unexpected == []
