"""The parts of split views as HTML pages (parts.py decides the parts; render.py the
entry point that links to them).

- `kb_split_links` (conf.py, an int; 0 never splits; build/config.py): a generated list
  showing more links than this (its entries and the links each carries, parts.py) is split
  in HTML.
- At `html-collect-pages` each part is handed to Sphinx as a page of the theme's
  `page.html`, so it has the site's header and sidebar (its parent's branch), a title,
  a canonical URL (Sphinx's `pageurl`) and the link-preview tags, and Pagefind indexes it
  as it indexes the parent's view (the paper and author indexes' parts; not the listings'
  and archive's, which repeat other pages' titles: search.INDEXED_VIEWS). Its body is the view's renderer on the part's data, with links made
  from the part's own name. Where the build writes in parallel (-j N), N forked processes
  render and write the parts, as Sphinx's own writers write pages, while the main process
  goes on (build/parallel.py).
- A part split again (parts.py: a year by month, a letter by the next letters) keeps its
  page, which shows its heading (with the jump bar's id) and links to its own parts, with
  their counts; it is not searched (the pages holding the entries are). A page of
  entries links to the pages of entries before and after it, so a reader can page
  through the whole list; a part split again to its siblings. Its "Part of" line names
  every part it is in, up to the view's page.
- Sphinx writes every page handed to it on every build. A part is handed over only when
  what it shows changed: the parts' stamp (stamps.py, beside the doctrees, per builder and
  output folder) keeps a digest of everything each part page shows (its data, title,
  neighbours, sidebar, the build's configuration, the templates, the code and the
  packages that render it), and a part whose page is there with the same digest is
  skipped. Its neighbours and the jump bar's groups count in it by name and heading, not
  by their counts: an entry added to one month rewrites that month's page, the pages of
  the parts it is in (their counts) and the view's page, not every part. The parts about to be written lose their digests before Sphinx writes them,
  so a failed build leaves no claim for a page it may have left half written. A part no
  longer planned (a letter gone, a list back under the threshold) is deleted, as a clean
  build would not have it (a part page is known by its "Part of" line).
- Every part, written this time or not, is listed in the sitemap (sitemap.py), which
  hears of it at html-collect-pages.
- When nothing a part can show changed since the parts were last collected (stamps.py:
  the records, refs.bib, navigation, configuration, templates, code and packages), the
  planning is skipped too: the stamp remembers the parts' names for the sitemap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from pybtex.plugin import find_plugin
from sphinx.application import Sphinx
from sphinx.util import logging

from ..bib.cite_domain import cite_domain
from ..build.domain import kb_domain
from ..build.parallel import in_background
from ..compat import sphinx as sphinx_compat
from ..compat.bibtex import node_text_transform
from ..views.data import Link, ViewKey, paper_pages_shown, view_data
from ..views.linking import link_maker, paper_part_pages
from ..views.parts import (
    SPLITTABLE,
    Part,
    group_pages,
    leaves,
    pages,
    part_data,
    plan,
    split_threshold,
)
from ..views.render import (
    JUMPS,
    PART_RENDERERS,
    discussed_in,
    group_heading,
    part_id,
    render_authors,
    render_jump_bar,
    render_split_part,
)
from . import sitemap, stamps, versions, weight
from .search import INDEXED_VIEWS, weighed

logger = logging.getLogger(__name__)

PART_OF = "kb-part-of"  # the class of a part page's "Part of" line, which only they have
# the views that can be split (parts.SPLITTABLE): their parts are rendered by render.py,
# and the paper index's by `_paper_entries` (sphinxcontrib-bibtex formats its entries)
PAPER_INDEX = "paper-index"
WRITTEN = frozenset(SPLITTABLE)
DOCUTILS = find_plugin("pybtex.backends", "docutils")()
# what renders a part page besides its data: its HTML, and the paper index's references
PACKAGES = (*versions.PAGES, *versions.REFERENCES)


Neighbour = tuple[str, str]  # a page's name and heading, as a link to it shows them


def _shown(part: Part | None) -> Neighbour | None:
    return (part.pagename, part.heading) if part is not None else None


class PlannedPart:
    """A page of a split view with what it shows: its view, its parent page, the parts
    above it, its neighbours; the entries it holds, or (a part split again) its parts."""

    def __init__(self, docname: str, title: str, key: ViewKey, data: Any, part: Part,
                 above: tuple[Part, ...], previous: Part | None, following: Part | None,
                 jumps: tuple[Part, ...] = ()) -> None:
        self.docname, self.title, self.key, self.part = docname, title, key, part
        self.above = tuple(_shown(p) for p in above)  # the parts it is in, nearest last
        # an index's jump bar links to each group's page: its label and page, no counts,
        # so that an entry added to one group does not rewrite every part
        self.jumps = tuple(group_pages(jumps).items())
        self.data = None if part.parts else part_data(key.kind, data, part)
        self.previous, self.following = _shown(previous), _shown(following)
        self.entries: list[Any] = []  # the paper index's formatted entries (their sources)

    @property
    def page_title(self) -> str:
        return f"{self.title}: {self.part.heading}"


def _neighbours(parts: tuple[Part, ...], part: Part, above: tuple[Part, ...],
                order: list[Part]) -> tuple[Part | None, Part | None]:
    """A page's previous and next: a page of entries, the pages of entries before and after
    it, so a reader can page through the whole list; a part split again, its siblings."""
    found = order if not part.parts else list(above[-1].parts if above else parts)
    n = found.index(part)
    return (found[n - 1] if n else None), (found[n + 1] if n + 1 < len(found) else None)


def planned_parts(app: Sphinx) -> Iterator[PlannedPart]:
    domain = kb_domain(app.env)
    graph = domain.graph
    threshold = split_threshold(app.builder)
    if threshold <= 0:
        return
    for docname in sorted(domain.views):
        if docname not in app.env.found_docs:
            continue
        taken: dict[str, str] = {}  # a part's name -> the kind of view it is a part of
        for key in domain.views[docname]:
            if key.kind not in WRITTEN:
                continue
            data = view_data(graph, key)
            parts = plan(key.kind, data, docname, threshold)
            order = leaves(parts)
            for part, above in pages(parts):
                clash = ("the page of that name" if part.pagename in app.env.found_docs
                         else f"a part of the {taken[part.pagename]} view on the same page"
                         if part.pagename in taken else "")
                if clash:
                    logger.warning("the part %r of the split %s view would overwrite %s: "
                                   "rename that page, or show one of the views on another",
                                   part.pagename, key.kind, clash,
                                   location=docname, type="kb", subtype="parts")
                    continue
                taken[part.pagename] = key.kind
                previous, following = _neighbours(parts, part, above, order)
                planned = PlannedPart(docname, graph.page_title(docname), key, data, part,
                                      above, previous, following,
                                      parts if key.kind in JUMPS else ())
                if key.kind == PAPER_INDEX and planned.data is not None:
                    planned.entries = _citations(app, planned.data)
                yield planned


def _citations(app: Sphinx, groups: tuple) -> list[Any]:
    """sphinxcontrib-bibtex's citations of the entries in the paper index's `groups`."""
    cite = cite_domain(app.env)
    by_id = {c.citation_id: c for c in cite.citations}
    return [by_id[anchor] for _, papers in groups for anchor, *_ in papers if anchor in by_id]


def _paper_entries(planned: PlannedPart, make: Any) -> list[nodes.Node]:
    """A part of the paper index: its year's entries as sphinxcontrib-bibtex writes them
    (label, formatted reference), each with the items and pages that discuss it."""
    box = nodes.container(classes=["kb-paper-index"])
    by_id = {c.citation_id: c for c in planned.entries}
    for year, papers in planned.data:
        box += group_heading(PAPER_INDEX, year, ["kb-paper-year"],
                             part_id(PAPER_INDEX, planned.part, planned.docname))
        for anchor, sources, *_ in papers:
            citation = by_id.get(anchor)
            if citation is None:
                continue
            entry = nodes.citation(ids=[anchor], docname=planned.docname)
            entry += nodes.label("", citation.formatted_entry.label, support_smartquotes=False)
            entry += DOCUTILS.paragraph(citation.formatted_entry)
            node_text_transform(entry)
            entry += discussed_in(sources, make)
            box += entry
    return [box]


def _body(app: Sphinx, planned: PlannedPart) -> str:
    make = link_maker(app.builder, planned.part.pagename)
    back = nodes.paragraph(classes=[PART_OF])
    back += nodes.Text("Part of ")
    # the parts it is in, nearest first, then the view's page
    for n, (pagename, text) in enumerate((*reversed(planned.above), (planned.docname, planned.title))):
        if n:
            back += nodes.Text(", in ")
        back += make(Link(pagename, "", text), [nodes.Text(text)])
    back += nodes.Text(", which links to every part.")
    for word, other in (("Previous", planned.previous), ("Next", planned.following)):
        if other is not None:
            back += nodes.Text(f" {word}: ")
            back += make(Link(other[0], "", other[1]), [nodes.Text(other[1])])
            back += nodes.Text(".")
    box = nodes.container(classes=["kb-part", f"kb-part-{planned.key.kind}"])
    box += back
    if planned.jumps:
        # a group's own page names it; a part of it links back to it, as to the others
        current = None if planned.above else planned.part.group
        box.extend(render_jump_bar(planned.key.kind, (label for label, _ in planned.jumps),
                                   planned.docname, dict(planned.jumps), make, current))
    kind = planned.key.kind
    if planned.data is None:  # split again: its page links to its parts
        box.extend(render_split_part(kind, planned.part, planned.docname, make))
    elif kind == PAPER_INDEX:
        box.extend(_paper_entries(planned, make))
    elif kind == "authors":
        box.extend(render_authors(planned.data, make, part_id(kind, planned.part, planned.docname)))
    else:
        box.extend(PART_RENDERERS[kind](planned.data, make))
    fragment = sphinx_compat.render_fragment(app.builder, box)
    if planned.key.kind in INDEXED_VIEWS and planned.data is not None:  # searched, weighed as on the parent page
        fragment = weighed(fragment)
    anchor = escape(planned.part.pagename.rsplit("/", 1)[-1])
    return (f'<section id="{anchor}"><h1>{escape(planned.page_title)}</h1>\n'
            f"{fragment}</section>\n")


def _digest(app: Sphinx, planned: PlannedPart, rendered_by: str) -> str:
    """Everything the part's page shows, without rendering it: the data its body is made
    from, its title and neighbours, its sidebar, the build's configuration, and what
    renders it (`rendered_by`, stamps.tools_digest)."""
    name = planned.part.pagename
    sidebar = kb_domain(app.env).navigation.html(
        name, lambda doc: app.builder.get_relative_uri(name, doc), 4, branch=planned.docname)
    config_hash, tags_hash = sphinx_compat.build_hashes(app.builder) or ("", "")
    # the pages its links to papers go to (a paper moves when its group is split again)
    papers = paper_pages_shown(planned.data, paper_part_pages(app.builder))
    shown = repr((rendered_by, name, planned.docname, planned.title, planned.part,
                  planned.above, planned.previous, planned.following, planned.jumps,
                  planned.data, papers, sidebar,
                  app.builder.name,
                  # what a paper index entry shows is made from its fields and authors
                  [(c.formatted_entry.label, sorted(c.entry.fields.items()),
                    sorted((role, [str(p) for p in people]) for role, people in c.entry.persons.items()))
                   for c in planned.entries],
                  config_hash, tags_hash))
    return hashlib.sha256(shown.encode()).hexdigest()


def _is_part_page(path: Path) -> bool:
    try:
        return f'<p class="{PART_OF}">' in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _remove_unplanned(app: Sphinx, planned: set[str]) -> None:
    """Delete part pages of split views that a clean build would not write."""
    outdir = Path(app.outdir)
    suffix = sphinx_compat.output_suffix(app.builder)
    for docname in sorted(kb_domain(app.env).views):
        keys = kb_domain(app.env).views[docname]
        if not any(key.kind in WRITTEN for key in keys):
            continue
        base = sphinx_compat.output_path(app.builder, docname)
        for path in sorted(base.parent.glob(f"{base.name.removesuffix(suffix)}-*{suffix}")):
            name = path.relative_to(outdir).as_posix().removesuffix(suffix)
            if name in planned or name in app.env.found_docs:
                continue
            if _is_part_page(path):
                path.unlink()


def collect_parts(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html" or not sphinx_compat.renders_fragments(app.builder):
        return
    # nothing a part shows changed since they were written (a no-op, a text-only edit):
    # skip planning them, which costs every splittable view's data
    inputs = stamps.inputs_digest(app, PACKAGES)
    recalled = stamps.names(app, "parts")
    if recalled is not None and stamps.unchanged(
            app, "parts", inputs, [sphinx_compat.output_path(app.builder, name) for name in recalled]):
        sitemap.list_pages(app, recalled)
        weight.note_parts(app, recalled)
        return
    rendered_by = stamps.tools_digest(app, PACKAGES)
    shown = {planned.part.pagename: (planned, _digest(app, planned, rendered_by))
             for planned in planned_parts(app)}
    written_before = stamps.file_digests(app, "parts")
    current = {name: digest for name, (_, digest) in shown.items()
               if written_before.get(name) == digest
               and sphinx_compat.output_path(app.builder, name).exists()}
    # the parts written now lose their claim first: a build that stops while Sphinx
    # writes them leaves none for a page it may have left half written
    stamps.withdraw(app, "parts", keep=current)
    sitemap.list_pages(app, shown)
    weight.note_parts(app, shown)
    written = [planned for name, (planned, _) in shown.items() if name not in current]

    def claim() -> None:  # once every part is written
        _remove_unplanned(app, set(shown))
        stamps.stamp(app, "parts", inputs, {name: digest for name, (_, digest) in shown.items()})
        if shown:
            logger.info("split views: %d parts, %d written", len(shown), len(written))

    # Rendering a part is the view's renderer over a year's or a letter's data, and its
    # page the theme's templates: where the build writes in parallel, each worker renders
    # and writes an interleaved share of them while the main process goes on (waited for
    # at build-finished: build/parallel.py); otherwise Sphinx writes them here
    if sphinx_compat.writes_in_parallel(app.builder) and len(written) > 1:
        in_background(app, partial(_write_parts, app),
                      [written[n::app.parallel] for n in range(app.parallel)], claim)
        return
    for planned in written:
        yield planned.part.pagename, _context(app, planned), "page.html"
    claim()


def _context(app: Sphinx, planned: PlannedPart) -> dict[str, Any]:
    """What the theme's page.html shows for a part."""
    return {
        "title": planned.page_title,
        "body": _body(app, planned),
        "kb_part_of": planned.docname,
        # searched as the parent's view is: the indexes' parts are, the listings' are not
        # (a part split again only links to its parts: not searched)
        "kb_unindexed": planned.key.kind not in INDEXED_VIEWS or planned.data is None,
        "metatags": "",  # the link-preview tags are added to it (publishing.py)
        "display_toc": False,
        "toc": "",
        "parents": [{"link": app.builder.get_relative_uri(planned.part.pagename, pagename),
                     "title": text}
                    for pagename, text in ((planned.docname, planned.title), *planned.above)],
    }


def _write_parts(app: Sphinx, share: list[PlannedPart]) -> None:
    """In a forked worker: each part's page, written as Sphinx writes a page an extension
    collected (handle_page, with its html-page-context handlers)."""
    for planned in share:
        app.builder.handle_page(planned.part.pagename, _context(app, planned), "page.html")


def setup_part_pages(app: Sphinx) -> None:
    app.connect("html-collect-pages", collect_parts)
