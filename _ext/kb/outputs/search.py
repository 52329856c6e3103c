"""Static search: Pagefind, run by the extension once the HTML is written.

Sphinx's built-in search makes the browser download the whole `searchindex.js` before the
first result (and pydata-sphinx-theme loads it on *every* page, for its search-as-you-type),
then the full HTML of every hit. Pagefind writes a chunked index: a query fetches the
entry file, the WebAssembly runtime, the index chunks its words fall in and the fragments
of the results shown, so the payload stays small as the site grows (issue 13).

What this module does:

- `kb_search = "pagefind"` (the default) switches Sphinx's indexer off (no `searchindex.js`,
  no per-page indexing at write time) and writes `search.html` from `templates/kb-search.html`
  (beside this module): a small interface of the extension's own (`static/kb-search.js`) on
  Pagefind's JavaScript API, with filters loaded when opened, fed by the theme's search box
  and Ctrl+K dialog (their form submits to `search.html?q=`). `_templates/layout.html` drops the theme's search
  scripts and marks the article `data-pagefind-body`, so chrome stays out of the index.
- At write time (a post-transform, HTML only) each page gets its facets from the extension's
  records, not from scraped text: `topic`, `kind`, `year`, `series` as Pagefind filters and
  `date` as a sort key, on hidden empty elements; the page's items add their topics and
  kinds, and each item's title heading gets an id so Pagefind makes the item a sub-result of its page (Pagefind
  splits pages on headings with ids; the id is the item's anchor + `--title`, which the
  search page maps back to the item's anchor).
- Generated views that repeat other pages' titles (listings, related pages, backlinks,
  archive) are marked `data-pagefind-ignore`, so a search for an item finds the item, not
  every page that lists it. The paper and author indexes stay searchable, weighed down
  (INDEX_WEIGHT) so that the page with an item comes before the indexes that name it;
  Sphinx's heading permalinks are left out of the text (EXCLUDED_FROM_TEXT).
- `build-finished` runs the Pagefind binary from the `pagefind_bin` wheel, unless no page
  was written since the last index (a no-op rebuild keeps it); the rest of build-finished
  (previews, feeds, sitemap) is done while it runs. Pagefind reads a copy of
  the output cut down to what it indexes, kept beside the doctrees (search_copy.py: half
  of Pagefind's time at 2,000 pages), and writes a fresh bundle there; only the files
  that differ are moved over (filesync.py), so an edit replaces a few chunks, not the
  whole bundle.
  `kb_search = "pagefind-deferred"` (the live preview, `nox -s serve`) runs no Pagefind in
  the build: the preview server (cli/serve.py) reloads the browser as soon as the pages are
  written, then brings the index up to date in a process of its own (`refresh_index`, the
  same copy and the same move into place as a build's), so the search catches up a few
  seconds after the page.
- `kb_search = "sphinx"` keeps Sphinx's built-in search untouched (the benchmark compares).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from ..build.config import kb_config
from ..build.domain import kb_domain
from ..compat import pagefind
from ..compat.shape import report
from ..compat.sphinx import output_path, switch_off_builtin_search
from ..model.records import ITEM_KINDS, ItemRecord, PageRecord
from ..views.nodes import kb_item, kb_view
from ..views.translate import depart_view, visit_view
from . import search_copy, stamps, versions
from .filesync import SyncCount, sync_folder

logger = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the bundle's folder in the output
SOURCE_COPY = "kb-search-pages"  # in the doctree folder: what Pagefind reads (search_copy.py)
FRESH_BUNDLE = "kb-pagefind-fresh"  # in the doctree folder: Pagefind's output, before the move
CLAIM = "search"  # the stamp (stamps.py) saying the bundle was made from the copy as it is
TITLE_SUFFIX = "--title"  # item anchors are slugs, which never contain "--"
# views whose text is other pages' titles or links: kept out of the index
INDEXED_VIEWS = frozenset({"authors", "paper-index"})
# Their text repeats a work's title once for each of its authors and beside every page
# that discusses it, so by word counts the author index outranks the page that has the
# item ("Multimer"). Pagefind's documented data-pagefind-weight (0 to 10, default 1, on a
# quadratic scale) makes a word there count for a tenth of a word of an article.
INDEX_WEIGHT = "0.3"
WEIGHED_START = f'<div class="kb-search-weight" data-pagefind-weight="{INDEX_WEIGHT}">'
PAPER_INDEX_CLASS = "kb-paper-index"  # the paper index's list (bib/paper_index.py)


def weighed(html_text: str) -> str:
    """An index's list (a part page's, outputs/part_pages.py) with its search weight."""
    return f"{WEIGHED_START}{html_text}</div>"
# Sphinx's permalink after each heading (its text is "#"): not the page's words, and it
# would end every heading in the excerpts and sub-result titles (Pagefind's documented
# --exclude-selectors; the markup is Sphinx's, so no page carries data-pagefind-ignore there)
EXCLUDED_FROM_TEXT = ("a.headerlink",)
PAGE_KIND_LABELS = {"review": "Year review", "newsletter": "Newsletter issue", "topic": "Topic page"}
SEARCH_BUILDERS = ("html", "dirhtml")


# -- the data: facets of a page, from the records (no Sphinx) ------------------------


@dataclass
class Facets:
    """What a page contributes to the search's filters and sort.

    Pagefind filters pages, not sub-results, so an item's topics and kind are the page's
    too: they are merged into the page's values, each value once (a value repeated on one
    page would be stored again in the filter's index, which the browser downloads)."""

    filters: dict[str, list[str]] = field(default_factory=dict)  # filter -> values
    sort: dict[str, str] = field(default_factory=dict)  # sort key -> value


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def page_facets(
    page: PageRecord | None,
    items: list[ItemRecord],
    page_topics: list[str],
    item_topics: Mapping[str, list[str]],
    topic_titles: Mapping[str, str],
    series_names: Mapping[str, str],
) -> Facets:
    """The filters (topic, kind, year, series) and sort (date) of one page with its items.

    `page_topics` and `item_topics` (anchor -> slugs) are resolved topic slugs.
    """
    facets = Facets()
    slugs = [*page_topics, *(slug for item in items for slug in item_topics.get(item.anchor, []))]
    kinds = [PAGE_KIND_LABELS[page.kind]] if page is not None and page.kind in PAGE_KIND_LABELS else []
    kinds += [item.kind.capitalize() for item in items if item.kind in ITEM_KINDS]
    filters: dict[str, list[str]] = {
        "topic": _unique(topic_titles.get(slug, slug) for slug in slugs),
        "kind": _unique(kinds),
    }
    if page is not None and page.date is not None:
        filters["year"] = [str(page.date.year)]
        facets.sort["date"] = page.date.iso()
    if page is not None and page.series:
        filters["series"] = [series_names.get(page.series, page.series)]
    facets.filters = {name: values for name, values in filters.items() if values}
    return facets


def facet_html(filters: Mapping[str, list[str]], sort: Mapping[str, str] | None = None) -> str:
    """Empty elements that tag the page for Pagefind; values in attributes, so no text is
    indexed and a comma in a value is safe. Everything is escaped."""
    parts = []
    for name, values in filters.items():
        for value in values:
            parts.append(f'<span data-pagefind-filter="{html.escape(name)}[data-kb-value]" '
                         f'data-kb-value="{html.escape(value)}"></span>')
    for name, value in (sort or {}).items():
        parts.append(f'<span data-pagefind-sort="{html.escape(name)}[data-kb-value]" '
                     f'data-kb-value="{html.escape(value)}"></span>')
    if not parts:
        return ""
    return f'<div class="kb-search-facets" hidden>{"".join(parts)}</div>'


# -- the glue --------------------------------------------------------------------------


def gather(env: Any, docname: str) -> Facets:
    """Everything search needs from the knowledge graph, for one page (the one place that
    reads the graph, so a change of its API is adapted here)."""
    graph = kb_domain(env).graph
    page = graph.pages.get(docname)
    items = graph.items.get(docname, [])
    listings = graph.listings
    item_topics = {item.anchor: listings.item_topics.get((docname, item.anchor), []) for item in items}
    titles = {slug: node.title for slug, node in graph.taxonomy.topics.items()}
    series = {slug: spec.name for slug, spec in kb_config(env.config).series.items()}
    return page_facets(page, items, listings.page_topics.get(docname, []), item_topics, titles, series)


def mode(app: Sphinx) -> str:
    """The search in use: 'pagefind', 'pagefind-deferred' or 'sphinx'
    (kb_search)."""
    return kb_config(app.config).search


def searching(app: Sphinx) -> bool:
    return mode(app) != "sphinx" and app.builder.name in SEARCH_BUILDERS


class TagForSearch(SphinxPostTransform):
    """Give items a heading id (a Pagefind sub-result each), weigh the paper index's list
    down (as visit_view_html does the author index's) and tag the page with its facets (its
    items' included)."""

    builders = SEARCH_BUILDERS
    default_priority = 900

    def run(self, **kwargs: Any) -> None:
        if kb_config(self.config).search == "sphinx":
            return
        facets = gather(self.env, self.env.docname)
        for item in self.document.findall(kb_item):
            anchor = item.get("kb_anchor") or (item["ids"][0] if item["ids"] else "")
            heading = next((child for child in item.children if isinstance(child, nodes.rubric)
                            and "kb-item-title" in child["classes"]), None)
            if anchor and heading is not None and not heading["ids"]:
                heading["ids"] = [anchor + TITLE_SUFFIX]
        for box in list(self.document.findall(nodes.container)):
            if PAPER_INDEX_CLASS in box["classes"]:  # sphinxcontrib-bibtex's list, no view
                at = box.parent.index(box)
                box.parent.insert(at + 1, nodes.raw("", "</div>", format="html"))
                box.parent.insert(at, nodes.raw("", WEIGHED_START, format="html"))
        tags = facet_html(facets.filters, facets.sort)
        if tags:
            self.document += nodes.raw("", tags, format="html")


def visit_view_html(self: Any, node: kb_view) -> None:
    """The extension's own view rendering, wrapped so Pagefind skips what repeats elsewhere
    and ranks the indexes' lists below the pages they point to."""
    indexed = node["key"].kind in INDEXED_VIEWS
    self.body.append(WEIGHED_START if indexed else '<div class="kb-view" data-pagefind-ignore="all">')
    visit_view(self, node)


def depart_view_html(self: Any, node: kb_view) -> None:
    depart_view(self, node)
    self.body.append("</div>")


def switch_off_builtin(app: Sphinx) -> None:
    """No Sphinx indexer and no searchindex.js: Pagefind replaces them."""
    if searching(app):
        switch_off_builtin_search(app.builder)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    context["kb_search"] = mode(app) if app.builder.name in SEARCH_BUILDERS else "sphinx"
    context["kb_search_bundle"] = BUNDLE


class Suggestion(NamedTuple):
    """A page the search page offers when a search finds nothing."""

    title: str
    docname: str


# the views whose pages a reader can browse instead of searching, in the order offered
BROWSING_VIEWS = ("overview", "archive-year")


def suggestions(topics: list[Suggestion], views: Mapping[str, list[Any]],
                titles: Mapping[str, str]) -> tuple[list[Suggestion], list[Suggestion]]:
    """(the top-level topics, the first pages (by name) that show the topics overview or the
    archive by year): what the search page suggests when a search finds nothing."""
    shown: dict[str, str] = {}
    for docname, keys in sorted(views.items()):
        for key in keys:
            shown.setdefault(key.kind, docname)
    pages = [Suggestion(titles.get(shown[kind], shown[kind]), shown[kind])
             for kind in BROWSING_VIEWS if kind in shown]
    return topics, pages


def search_page(app: Sphinx) -> Iterable[tuple[str, dict, str]]:
    if searching(app):
        domain = kb_domain(app.env)
        taxonomy = domain.graph.taxonomy
        roots = [Suggestion(taxonomy.topics[slug].title, taxonomy.topics[slug].docname)
                 for slug in taxonomy.roots]
        titles = {docname: title.astext() for docname, title in app.env.titles.items()}
        topics, pages = suggestions(roots, domain.views, titles)
        yield "search", {"kb_search_topics": topics, "kb_search_pages": pages}, "kb-search.html"


def pages_written_since(app: Sphinx, mtime_ns: int) -> bool:
    """Whether any document's page is newer than `mtime_ns` (the search and index pages,
    which Sphinx writes on every build, are not indexed and do not count)."""
    for docname in app.env.found_docs:
        path = output_path(app.builder, docname)
        if not path.exists() or path.stat().st_mtime_ns > mtime_ns:
            return True
    return False


def pagefind_command(site: Path, executable: str | None = None,
                     output: Path | None = None) -> list[str]:
    """The Pagefind run over the pages in `site`, writing the bundle into `output` (by
    default the site's own bundle folder)."""
    return pagefind.command(site, executable or pagefind.executable(), output, BUNDLE,
                            EXCLUDED_FROM_TEXT)


def start_index(outdir: Path, copy: Path, output: Path, executable: str | None = None,
                unless_unchanged: bool = False) -> tuple[search_copy.SyncCount,
                                                         subprocess.Popen | None]:
    """Bring the cut-down copy of `outdir` up to date and start Pagefind over it, writing
    the bundle into `output` (not started, None, when `unless_unchanged` and no page's copy
    changed). The build goes on with its other work while Pagefind runs."""
    count = search_copy.sync(outdir, copy, BUNDLE)
    if unless_unchanged and not count.index_changes:
        return count, None
    process = subprocess.Popen(pagefind_command(copy, executable, output),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return count, process


def index_site(outdir: Path, copy: Path, output: Path, executable: str | None = None,
               unless_unchanged: bool = False) -> tuple[search_copy.SyncCount,
                                                        subprocess.CompletedProcess | None]:
    """`start_index`, waited for: what the benchmark times."""
    count, process = start_index(outdir, copy, output, executable, unless_unchanged)
    if process is None:
        return count, None
    stdout, stderr = process.communicate()
    return count, subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_pagefind(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not searching(app):
        return
    outdir = Path(app.outdir)
    stale = outdir / "searchindex.js"  # from a build with kb_search = "sphinx"
    if stale.exists():
        stale.unlink()
    bundle = outdir / BUNDLE
    entry = bundle / pagefind.ENTRY
    if mode(app) == "pagefind-deferred":
        # the index is brought up to date outside the build (refresh_index), which this
        # claim does not vouch for: a later build in this mode or another indexes afresh
        stamps.withdraw(app, CLAIM, every_output=True)
        logger.info("search: Pagefind left to the live preview, which runs it after the "
                    "page is reloaded")
        return
    # The claim (stamps.py) that this output folder's bundle was made, by this Pagefind,
    # from the copy as it is before this sync: only then may an unchanged copy keep it.
    made_by = stamps.digest(versions.versions(versions.SEARCH))
    current = stamps.unchanged(app, CLAIM, made_by, [bundle / pagefind.SCRIPT])
    if current and entry.exists() and not pages_written_since(app, entry.stat().st_mtime_ns):
        logger.info("search: no page was written; the Pagefind index is current")
        return
    try:
        executable = pagefind.executable()
    except (ImportError, FileNotFoundError) as err:
        logger.warning("search: the Pagefind binary is missing (%s); install the pinned stack "
                       "(requirements/lock.txt, package pagefind[bin])", err,
                       type="kb", subtype="search")
        return
    # written to a fresh folder, then moved over the published bundle file by file, so an
    # edit replaces only the chunks that changed and no chunk of an earlier index is left
    fresh = Path(app.doctreedir) / FRESH_BUNDLE
    shutil.rmtree(fresh, ignore_errors=True)
    started = time.perf_counter()
    # Taken back first, so a build stopped before Pagefind has run leaves no claim for the
    # next one; from every output folder, as they share the copy beside the doctrees.
    stamps.withdraw(app, CLAIM, every_output=True)
    pages, process = start_index(outdir, Path(app.doctreedir) / SOURCE_COPY, fresh, executable,
                                 unless_unchanged=current)
    if process is None:  # pages were written, but what Pagefind reads of them is the same
        entry.touch()
        stamps.stamp(app, CLAIM, made_by)
        logger.info("search: %d pages written, none with other text or facets; the Pagefind "
                    "index is current", pages.cut)
        return
    # the previews, feeds and sitemap are written while Pagefind runs (finish_pagefind)
    setattr(app.builder, INDEXING, Indexing(process, fresh, started, pages, made_by))


@dataclass(frozen=True)
class Indexing:
    """A Pagefind run started at build-finished, for finish_pagefind."""

    process: subprocess.Popen  # Pagefind, writing its bundle into `fresh`
    fresh: Path
    started: float  # time.perf_counter() when the copy's sync began
    pages: search_copy.SyncCount  # what the sync did to the copy
    made_by: str  # the stamp's digest of what made the bundle (stamps.py)


INDEXING = "_kb_pagefind_run"  # on the builder, from run_pagefind to finish_pagefind


def finish_pagefind(app: Sphinx, exception: Exception | None) -> None:
    """Wait for the Pagefind run that run_pagefind started, and publish its bundle."""
    indexing: Indexing | None = getattr(app.builder, INDEXING, None)
    if indexing is None:
        return
    setattr(app.builder, INDEXING, None)
    fresh, outdir = indexing.fresh, Path(app.outdir)
    if exception is not None:  # the claim stays withdrawn: the next build indexes
        indexing.process.kill()
        indexing.process.communicate()
        shutil.rmtree(fresh, ignore_errors=True)
        return
    stdout, stderr = indexing.process.communicate()
    if indexing.process.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        logger.warning("search: Pagefind failed (exit %s): %s", indexing.process.returncode,
                       (stderr or stdout).strip(), type="kb", subtype="search")
        return
    bundle = outdir / BUNDLE
    count = publish_bundle(fresh, bundle)
    stamps.stamp(app, CLAIM, indexing.made_by)
    logger.info("search: Pagefind indexed the site in %.2f s (%d pages read again, %d "
                "unchanged; %d files replaced, %d kept, %d removed)",
                time.perf_counter() - indexing.started, indexing.pages.cut, indexing.pages.kept,
                count.replaced, count.kept, count.removed)


def publish_bundle(fresh: Path, bundle: Path) -> SyncCount:
    """Move the bundle Pagefind has just written into `fresh` over the published `bundle`,
    file by file."""
    report(pagefind.layout_mismatches(fresh))  # kb.compat: not the bundle the site expects
    for name in pagefind.UNUSED_BUNDLE_FILES:  # not published: nothing on the site uses them
        (fresh / name).unlink(missing_ok=True)
    count = sync_folder(fresh, bundle)
    # the index is as new as the pages it was made from, even where its bytes are not
    (bundle / pagefind.ENTRY).touch()
    return count


# -- the live preview's index (kb_search = "pagefind-deferred") --------------------------

PREVIEW_CLAIM = "kb-pagefind-deferred.current"  # in the doctree folder


class Refreshed(NamedTuple):
    """What `refresh_index` did."""

    pages: search_copy.SyncCount | None  # the copy's sync (None: stopped before it)
    files: SyncCount | None  # the bundle's files moved (None: Pagefind not run or stopped)
    outcome: str  # "indexed", "current" (the copy is unchanged), "stopped" or the failure


def refresh_index(outdir: Path, doctreedir: Path,
                  stop: Callable[[], bool] = lambda: False) -> Refreshed:
    """Bring the Pagefind bundle of `outdir` up to date with its pages, outside a build, as
    `run_pagefind` does in one: the copy beside the doctrees synced, Pagefind run over it
    into a fresh folder, the files that differ moved over the bundle.

    `stop()` is asked before Pagefind runs and before its bundle is moved into place: the
    live preview stops a refresh when the next rebuild starts (it ends Pagefind; its
    output is then never published). A claim file beside the doctrees says the bundle was
    made from the copy as it is; it is taken back before the copy changes and written once
    the bundle is in place, so a stopped refresh leaves the next one to run Pagefind even
    when the copy has not changed since."""
    claim = Path(doctreedir) / PREVIEW_CLAIM
    bundle = Path(outdir) / BUNDLE
    current = claim.exists() and (bundle / pagefind.ENTRY).exists()
    claim.unlink(missing_ok=True)
    try:
        executable = pagefind.executable()
    except (ImportError, FileNotFoundError) as err:
        return Refreshed(None, None, f"the Pagefind binary is missing ({err}); install the "
                                     "pinned stack (requirements/lock.txt, package pagefind[bin])")
    fresh = Path(doctreedir) / FRESH_BUNDLE
    shutil.rmtree(fresh, ignore_errors=True)
    pages = search_copy.sync(Path(outdir), Path(doctreedir) / SOURCE_COPY, BUNDLE)
    if current and not pages.index_changes:
        claim.touch()
        return Refreshed(pages, None, "current")
    if stop():
        return Refreshed(pages, None, "stopped")
    result = subprocess.run(pagefind_command(Path(doctreedir) / SOURCE_COPY, executable, fresh),
                            capture_output=True, text=True, check=False)
    if stop():
        shutil.rmtree(fresh, ignore_errors=True)
        return Refreshed(pages, None, "stopped")
    if result.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        return Refreshed(pages, None, f"Pagefind failed (exit {result.returncode}): "
                                      f"{(result.stderr or result.stdout).strip()}")
    files = publish_bundle(fresh, bundle)
    claim.touch()
    return Refreshed(pages, files, "indexed")


TEMPLATES = str(Path(__file__).parent.parent / "templates")


def add_assets(app: Sphinx, config: Any) -> None:
    """The search page's template ships with the extension (its script and style are in the
    extension's static folder, which accessibility.add_static adds)."""
    if kb_config(config).search != "sphinx" and TEMPLATES not in config.templates_path:
        config.templates_path = [*config.templates_path, TEMPLATES]


def setup_search(app: Sphinx) -> None:
    app.connect("config-inited", add_assets)
    app.connect("builder-inited", switch_off_builtin)
    app.connect("html-page-context", page_context)
    app.connect("html-collect-pages", search_page)
    # Pagefind starts once the pages are all written (the parts written in parallel are
    # waited for at 300, build/parallel.py), and runs while the rest of build-finished
    # (the previews, feeds, sitemap) is written; its bundle is published at 850
    app.connect("build-finished", run_pagefind, priority=400)
    app.connect("build-finished", finish_pagefind, priority=850)
    app.add_post_transform(TagForSearch)
    app.add_node(kb_view, override=True, html=(visit_view_html, depart_view_html))

