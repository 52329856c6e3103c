"""The warning for an HTML page over the bound a page may weigh (outputs/weight.py).

The bound is 1 MB; the test roots' pages weigh a few KB, so the tests lower the module's
bound to sizes the built pages have, and compare the warnings with the files."""

from __future__ import annotations

import re

import pytest
from conftest import Build
from kb.outputs import weight


def sizes(build: Build) -> dict[str, int]:
    """Every HTML page of the site (less Sphinx's own search and index pages) and its size."""
    return {path.relative_to(build.outdir).as_posix(): path.stat().st_size
            for path in build.outdir.rglob("*.html")
            if path.name not in ("search.html", "genindex.html")}


WARNING = re.compile(r"^(?P<where>\S+): WARNING: the (?P<what>part page|page) (?P<file>\S+) is "
                     r"(?P<mb>[\d.]+) MB, over the (?P<bound>[\d.e+-]+) MB a page may weigh: "
                     r"(?P<advice>.*) \[kb\.page-weight\]$")


def warned(build: Build) -> dict[str, re.Match]:
    found = [WARNING.match(line) for line in build.warning_lines]
    assert all(found), build.warnings
    return {match["file"]: match for match in found if match}


def test_no_page_of_a_small_site_is_over_the_bound(copy_root) -> None:
    build = Build(copy_root("subparts"))
    assert max(sizes(build).values()) < weight.MAX_PAGE_BYTES
    assert "page-weight" not in build.warnings


def test_each_page_over_the_bound_is_named_with_its_size_and_what_to_lower(
        copy_root, monkeypatch) -> None:
    src = copy_root("subparts")
    pages = sizes(Build(src))
    bound = sorted(pages.values())[len(pages) // 2]  # half the pages are over it
    monkeypatch.setattr(weight, "MAX_PAGE_BYTES", bound)
    again = Build(src)  # nothing written again: every page is checked, not only those written
    assert again.read == []
    over = {page for page, size in pages.items() if size > bound}
    found = warned(again)
    assert set(found) == over
    for page, match in found.items():
        assert abs(float(match["mb"]) - pages[page] / 1e6) < 0.01
        assert float(match["bound"]) == bound / 1e6
    # a part page: at the page showing its view, lower the threshold; a page without a
    # list that splits: split its text
    parts = [m for m in found.values() if m["what"] == "part page"]
    assert parts and {m["file"] for m in parts} == {page for page in over if "-" in page}
    for part in parts:  # authors-l-le.html: at authors.md
        assert part["advice"] == ("lower kb_split_links in conf.py (now 3), so that its list "
                                  "is split into smaller parts")
        assert part["where"] == f"{src / part['file'].split('-', 1)[0]}.md"
    plain = [m for f, m in found.items() if f.startswith("issues/")]
    assert plain and all(m["what"] == "page" and m["advice"] == "split its text into several pages"
                         and m["where"] == f"{src / m['file'].removesuffix('.html')}.md"
                         for m in plain)


@pytest.mark.parametrize(("split_links", "shows_split_view", "advice"), [
    (0, True, "set kb_split_links in conf.py (now 0, which never splits a list; 2000 is the default)"),
    (2000, True, "lower kb_split_links in conf.py (now 2000), so that its list is split into "
                 "smaller parts"),
    (2000, False, "split its text into several pages"),
])
def test_the_advice_names_the_setting_to_lower(split_links, shows_split_view, advice) -> None:
    assert weight.advice(split_links, shows_split_view) == advice
