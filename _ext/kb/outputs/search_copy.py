"""What Pagefind reads: each page's indexed part, kept beside the doctrees.

Pagefind has no incremental mode (Pagefind/pagefind#71): every run parses every page of
the site. At 2,000 pages that is 236 MB of HTML, of which Pagefind indexes only the
article (`data-pagefind-body`) less the regions marked `data-pagefind-ignore="all"`: the
generated lists of other pages' titles and the BibTeX blocks. The rest (the theme's
navigation, sidebars, scripts; the ignored regions) is parsed and thrown away. So the
extension hands Pagefind a copy of the site cut down to what it indexes (42 MB at 2,000
pages), and Pagefind's run takes less than half the time (docs/benchmark.md), on every
build that writes a page; cutting costs reading the pages written.

The copy gives Pagefind's own result: for each page, the same `<html lang>`, the first
`<h1>` of the page (Pagefind's title: the theme's print-only heading, before the
article), and the article without its ignored regions; every fragment of the bundle is
the same as from the site itself (tests/outputs/test_search.py compares them).

A page that Pagefind reads whole (a theme that marks no `data-pagefind-body`, as in the
test projects) is copied whole. A page that the site's layout leaves out of the index
(`_templates/layout.html` marks it with `SKIP_MARK`: the search page, the indexes' lists,
the split listings) becomes an empty page: the site marks its articles, so Pagefind
skips a page without one.

The copy follows the output, not the build's events: each copy carries its page's
modification time; a page whose copy is missing or has another time is cut again, and a
copy whose page is gone is deleted. So it is right after a failed or interrupted build,
another builder's run, or an output folder edited by hand, and an edit costs reading the
pages just written.

Pure Python, no Sphinx: search.py calls `sync` before it runs Pagefind.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .writing import write_if_changed

BODY_START = "<article class=\"bd-article\" data-pagefind-body>"
# the theme's print-only heading (_templates/layout.html), Pagefind's title for the page
PRINT_HEADING = re.compile(
    r'<div id="jb-print-docs-body" class="onlyprint">\s*(<h1>.*?</h1>)', re.S)
HTML_TAG = re.compile(r"<html\b[^>]*>")
# a start tag Pagefind ignores with all its content; the attribute is only ever written
# by the extension (search.visit_view_html, structured_data.visit_bibtex)
IGNORED_START = re.compile(r'<(\w+)\b[^>]*\sdata-pagefind-ignore="all"[^>]*>')
# written by _templates/layout.html on the pages it leaves out of the index
SKIP_MARK = "<!-- kb-search: not indexed -->"
SKIPPED_PAGE = "<!DOCTYPE html>\n<html><body></body></html>\n"


@dataclass(frozen=True)
class SyncCount:
    """What `sync` did to the copy."""

    cut: int  # pages read and cut again (new, or of another time than their copy)
    kept: int  # copies already current
    removed: int  # copies whose page is gone
    changed: int = 0  # of the pages cut, those whose copy is new or says something else

    @property
    def index_changes(self) -> bool:
        """Whether Pagefind would index anything other than last time (a page rewritten
        for its navigation or its generated lists alone gives the same copy)."""
        return bool(self.changed or self.removed)


def without_ignored(html: str) -> str:
    """`html` less every element marked `data-pagefind-ignore="all"`, with its content.

    The article is markup written by docutils, Sphinx and the extension: contributor text
    is escaped (raw HTML is shown as text, safety.py), so tags can be counted. An element
    whose end is not found is kept whole: Pagefind then ignores it itself."""
    pieces: list[str] = []
    position = 0
    while (start := IGNORED_START.search(html, position)) is not None:
        end = _element_end(html, start.group(1), start.end())
        if end is None:
            break
        pieces.append(html[position:start.start()])
        position = end
    pieces.append(html[position:])
    return "".join(pieces)


def _element_end(html: str, tag: str, after: int) -> int | None:
    """The index just past the end tag that closes an element `tag` opened before `after`."""
    depth = 1
    tags = re.compile(rf"<(/?){tag}\b[^>]*>")
    for found in tags.finditer(html, after):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end()
    return None


def indexed_part(page: str) -> str:
    """The page as Pagefind needs it: its `<html>` tag, first heading and article, less the
    ignored regions; an empty page where the layout left it out of the index; the whole
    page where neither is marked."""
    start = page.find(BODY_START)
    if start < 0:
        return SKIPPED_PAGE if SKIP_MARK in page else page
    main_end = page.find("</main>", start)
    end = page.rfind("</article>", start, main_end if main_end >= 0 else len(page))
    if end < 0:
        return page
    html_tag = HTML_TAG.search(page)
    heading = PRINT_HEADING.search(page, 0, start)
    return "".join((
        "<!DOCTYPE html>\n", html_tag.group(0) if html_tag else "<html>",
        '<head><meta charset="utf-8"></head><body>', heading.group(1) if heading else "",
        without_ignored(page[start:end + len("</article>")]), "</body></html>\n",
    ))


def sync(site: Path, copy: Path, skip: str) -> SyncCount:
    """Bring `copy` in step with the HTML pages of `site` (all but the folder `skip`, the
    search bundle): cut the pages whose copy is missing or of another time, delete copies
    without a page.

    The copy sits in the doctree folder, which is inside the site when Sphinx is given no
    `-d` (`OUT/.doctrees`): the folder holding the copy is never walked, or each build
    would copy the copy into itself."""
    cut = kept = changed = 0
    pages: set[Path] = set()
    copy = copy.resolve()
    for folder, subfolders, files in os.walk(site):
        if Path(folder) == site:
            subfolders[:] = [name for name in subfolders if name != skip]
        subfolders[:] = [name for name in subfolders
                         if not copy.is_relative_to(Path(folder, name).resolve())]
        for name in files:
            if not name.endswith(".html"):
                continue
            page = Path(folder, name)
            relative = page.relative_to(site)
            pages.add(relative)
            target = copy / relative
            written = page.stat()
            try:
                if target.stat().st_mtime_ns == written.st_mtime_ns:
                    kept += 1
                    continue
            except FileNotFoundError:
                pass
            part = indexed_part(page.read_text(encoding="utf-8", errors="replace"))
            changed += write_if_changed(target, part)
            # the copy carries its page's time: equal times mean the copy is of this page
            os.utime(target, ns=(written.st_atime_ns, written.st_mtime_ns))
            cut += 1
    removed = 0
    for folder, _, files in os.walk(copy):
        for name in files:
            path = Path(folder, name)
            if path.relative_to(copy) not in pages:
                path.unlink()
                removed += 1
    return SyncCount(cut, kept, removed, changed)
