"""The cut-down copy of the site that Pagefind reads (kb.outputs.search_copy.sync)."""

from __future__ import annotations

from pathlib import Path

from kb.outputs.search_copy import sync

PAGE = ('<html lang="en"><body><h1>{title}</h1>'
        '<article data-pagefind-body><p>{title} text</p></article></body></html>')


def pages_of(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*.html")}


def test_a_copy_inside_the_site_is_never_copied_into_itself(tmp_path: Path) -> None:
    """`sphinx-build -b html SRC OUT` keeps the doctrees in OUT/.doctrees, so the copy
    (beside the doctrees) is inside the site it copies: it holds the site's pages only,
    build after build, and the search bundle's folder is left out."""
    site = tmp_path / "out"
    for name in ("index.html", "reviews/r2021.html", "pagefind/fragment.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(PAGE.format(title=name), encoding="utf-8")
    copy = site / ".doctrees" / "kb-search-pages"
    first = sync(site, copy, "pagefind")
    second = sync(site, copy, "pagefind")
    assert pages_of(copy) == {"index.html", "reviews/r2021.html"}
    assert (first.cut, second.cut, second.kept, second.removed) == (2, 0, 2, 0)


def test_a_page_gone_from_the_site_leaves_the_copy(tmp_path: Path) -> None:
    site, copy = tmp_path / "out", tmp_path / "doctrees" / "kb-search-pages"
    site.mkdir()
    for name in ("a.html", "b.html"):
        (site / name).write_text(PAGE.format(title=name), encoding="utf-8")
    sync(site, copy, "pagefind")
    (site / "b.html").unlink()
    assert sync(site, copy, "pagefind").removed == 1
    assert pages_of(copy) == {"a.html"}
    assert "a.html text" in (copy / "a.html").read_text(encoding="utf-8")
