"""sitemap.xml and robots.txt, written by the extension (kb/outputs/sitemap.py): every page
once, the same from an incremental, a clean and a parallel build, on the `parts` test root
(documents, the general index and search page, and the parts of split views) and the
`publishing` root (its excludes, the 404 page)."""

from __future__ import annotations

import re
import sys
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Build, edited_and_clean, replace, touch
from kb.outputs.sitemap import at_host_root, pdf_only_pages, render, robots, site_links
from kb.outputs.writing import write_if_changed
from sphinx.deprecation import RemovedInSphinx10Warning, RemovedInSphinx11Warning

BASE = "https://example.org/kb/"  # the html_baseurl of both roots


def locations(outdir: Path) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", (outdir / "sitemap.xml").read_text(encoding="utf-8"))


def written_pages(outdir: Path) -> set[str]:
    return {p.relative_to(outdir).as_posix() for p in outdir.rglob("*.html")
            if not p.relative_to(outdir).as_posix().startswith("_")}


# -- pure ----------------------------------------------------------------------------------


def test_links_are_sorted_once_each_less_the_excluded() -> None:
    uris = ["b.html", "a.html", "b.html", "search.html", "x/genindex.html", "genindex.html"]
    assert site_links(uris, ["search.html", "genindex.html"]) == [
        "a.html", "b.html", "x/genindex.html"]
    assert site_links(uris, ["*genindex.html"]) == ["a.html", "b.html", "search.html"]


def test_a_pdfs_own_root_is_a_pdf_only_page_the_home_page_is_not() -> None:
    book = ("book", "kb.tex", "KB", "The authors", "manual")
    assert pdf_only_pages([book], "index") == {"book"}
    assert pdf_only_pages([("index", "kb.tex", "KB", "The authors", "manual")], "index") == set()
    assert pdf_only_pages([], "index") == set()


def test_the_sitemap_is_the_xml_sphinx_sitemap_wrote_with_urls_escaped() -> None:
    assert render(BASE, ["a.html", "q&a.html"]) == (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://example.org/kb/a.html</loc></url>"
        b"<url><loc>https://example.org/kb/q&amp;a.html</loc></url></urlset>")
    assert robots("https://example.org/") == (
        b"User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n")


def test_robots_txt_belongs_at_the_root_of_a_host_only() -> None:
    assert at_host_root("https://example.org/") and at_host_root("http://localhost:8000/")
    assert not at_host_root(BASE) and not at_host_root("https://user.github.io/project/")


def test_a_file_is_written_only_when_its_bytes_change(tmp_path: Path) -> None:
    path = tmp_path / "out" / "sitemap.xml"
    assert write_if_changed(path, b"one")
    stamp = path.stat().st_mtime_ns
    assert not write_if_changed(path, b"one")
    assert path.stat().st_mtime_ns == stamp
    assert write_if_changed(path, b"two") and path.read_bytes() == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["sitemap.xml"]  # no temporary left


# -- builds --------------------------------------------------------------------------------


def test_every_page_written_is_in_the_sitemap_once(copy_root) -> None:
    """Documents, the parts of split views, the general index and Sphinx's search page (the
    parts root excludes nothing)."""
    app = Build(copy_root("parts")).app
    outdir = Path(app.outdir)
    found = locations(outdir)
    assert found == sorted(set(found))
    assert set(found) == {BASE + page for page in written_pages(outdir)}
    assert {BASE + "papers-2021.html", BASE + "topics/proteins-2020.html",
            BASE + "genindex.html", BASE + "search.html"} <= set(found)


def test_the_excludes_leave_pages_out(copy_root) -> None:
    outdir = Build(copy_root("publishing")).outdir
    listed = written_pages(outdir) - {"search.html", "genindex.html", "404.html"}
    assert set(locations(outdir)) == {BASE + page for page in listed}


NEW_ISSUE = """---
kind: newsletter
date: 2023-01-10
series: weekly
issue: 4
summary: Four.
---
# Weekly 4

Opening words.
"""


def add_page(src: Path) -> None:
    touch(src / "n4.md", NEW_ISSUE)
    replace(src / "index.md", "n3\n", "n3\nn4\n")


def remove_page(src: Path) -> None:
    (src / "n3.md").unlink()
    replace(src / "index.md", "n3\n", "")


def retitle_page(src: Path) -> None:
    replace(src / "n3.md", "# Weekly 3", "# Weekly three")


@pytest.mark.parametrize("edit", [add_page, remove_page, retitle_page])
def test_an_incremental_build_writes_the_sitemap_a_clean_build_writes(
        copy_root, edit: Callable[[Path], None]) -> None:
    incremental, clean = edited_and_clean(copy_root("parts"), edit)
    assert (incremental.outdir / "sitemap.xml").read_bytes() == \
        (clean.outdir / "sitemap.xml").read_bytes()
    assert set(locations(incremental.outdir)) == {
        BASE + page for page in written_pages(clean.outdir)}


def test_robots_txt_is_written_only_at_the_root_of_a_host(copy_root) -> None:
    """Crawlers read robots.txt at the root of a host alone: below a path it would mislead
    (docs/publishing.md says what to do there). Moved from the root to a path, the site's
    old robots.txt goes; a file of the project's own is left alone."""
    src = copy_root("parts")
    at_root = Build(src, confoverrides={"html_baseurl": "https://example.org/"})
    robots_txt = at_root.outdir / "robots.txt"
    assert robots_txt.read_text(encoding="utf-8").splitlines() == [
        "User-agent: *", "Allow: /", "", "Sitemap: https://example.org/sitemap.xml"]
    below = Build(src)  # at https://example.org/kb/
    assert not robots_txt.exists()
    assert (below.outdir / "sitemap.xml").exists()
    robots_txt.write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    Build(src)
    assert robots_txt.read_text(encoding="utf-8") == "User-agent: *\nDisallow: /private/\n"


def test_a_noop_rebuild_leaves_the_sitemap_alone(copy_root) -> None:
    src = copy_root("parts")
    first = Build(src)
    sitemap = first.outdir / "sitemap.xml"
    stamp = sitemap.stat().st_mtime_ns
    Build(src)  # the parts are not written again: the sitemap still lists them
    assert sitemap.stat().st_mtime_ns == stamp


def test_a_parallel_build_writes_the_same_sitemap(copy_root) -> None:
    serial = Build(copy_root("parts", "serial"))
    parallel = Build(copy_root("parts", "parallel"), parallel=2)
    assert (parallel.outdir / "sitemap.xml").read_bytes() == (
        serial.outdir / "sitemap.xml").read_bytes()


@pytest.mark.parametrize("root", ["publishing", "parts"])
def test_a_build_uses_nothing_sphinx_10_or_11_removes(copy_root, root: str) -> None:
    """sphinx-sitemap reached its list through env.app (RemovedInSphinx11Warning, 83 times
    in a build of the site): the extension's sitemap needs nothing of the kind."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Build(copy_root(root))
    removed = [f"{w.filename}:{w.lineno}: {w.message}" for w in caught
               if issubclass(w.category, (RemovedInSphinx10Warning, RemovedInSphinx11Warning))]
    assert removed == []


def test_sphinx_sitemap_loaded_as_well_is_reported(copy_root, monkeypatch) -> None:
    """A conf.py that still loads sphinx-sitemap (before kb: it registers sitemap_excludes
    first) builds, with a warning saying to remove it; the sitemap is the extension's.
    The package is no longer installed: a stand-in registers what it registered."""
    stand_in = types.ModuleType("sphinx_sitemap")

    def setup(app):
        app.add_config_value("sitemap_excludes", [], "")
        return {"parallel_read_safe": True, "parallel_write_safe": True}

    stand_in.setup = setup
    monkeypatch.setitem(sys.modules, "sphinx_sitemap", stand_in)
    extensions = ["myst_parser", "sphinxcontrib.bibtex", "sphinx_sitemap", "kb"]
    app = Build(copy_root("parts"), confoverrides={"extensions": extensions}).app
    assert "remove 'sphinx_sitemap' from extensions" in app.warning.getvalue()
    outdir = Path(app.outdir)
    assert set(locations(outdir)) == {BASE + page for page in written_pages(outdir)}
