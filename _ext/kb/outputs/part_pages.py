"""The parts of split views as HTML pages (parts.py decides the parts; render.py the
entry point that links to them).

- `kb_split_links` (conf.py, an int; 0 never splits): a generated list showing more
  links than this (its entries and the links each carries, parts.py) is split in HTML.
  Checked when the configuration is read.
- At `html-collect-pages` each part is handed to Sphinx as a page of the theme's
  `page.html`, so it has the site's header and sidebar (its parent's branch), a title,
  a canonical URL (Sphinx's `pageurl`) and the link-preview tags, and Pagefind indexes it
  as it indexes the parent's view (the paper and author indexes' parts; not the listings'
  and archive's, which repeat other pages' titles: search.INDEXED_VIEWS). Its body is the view's renderer on the part's data, with links made
  from the part's own name.
- Sphinx writes every page handed to it on every build. A part is handed over only when
  what it shows changed: each part page carries a digest of everything it shows (its
  data, title, neighbours, sidebar, the build's configuration) in a `<meta>` tag, and a
  part whose file holds the same digest, and is newer than the templates, is skipped. The
  record is the output itself, so it is right after a failed build, a deleted file or
  another builder's run on the same environment. A part no longer planned (a letter
  gone, a list back under the threshold) is deleted, as a clean build would not have it.
- Every part, written this time or not, is listed in the sitemap (sitemap.py), which
  hears of it at html-collect-pages.
- When nothing a part can show changed since the parts were last collected (stamps.py:
  the records, refs.bib, navigation, configuration, templates and code), the planning is
  skipped too: the stamp remembers the parts' names for the sitemap.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from pybtex.plugin import find_plugin
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..bib.cite_domain import cite_domain
from ..build.domain import kb_domain
from ..compat import sphinx as sphinx_compat
from ..compat.bibtex import node_text_transform
from ..views.data import Link, ViewKey, view_data
from ..views.parts import SPLITTABLE, Part, part_data, plan, split_threshold
from ..views.render import PART_RENDERERS, discussed_in, heading, link_maker
from . import sitemap, stamps
from .search import INDEXED_VIEWS

logger = logging.getLogger(__name__)

DEFAULT_SPLIT = 2000
MARK = "kb-part"  # <meta name="kb-part" content="digest">
_MARK_RE = re.compile(rf'<meta name="{MARK}" content="([0-9a-f]+)"')
# the views that can be split (parts.SPLITTABLE): their parts are rendered by render.py,
# and the paper index's by `_paper_entries` (sphinxcontrib-bibtex formats its entries)
PAPER_INDEX = "paper-index"
WRITTEN = frozenset(SPLITTABLE)
DOCUTILS = find_plugin("pybtex.backends", "docutils")()
# bumped when what a part page shows changes in code, so every part is written again
FORMAT = 1


def check_config(app: Sphinx, config: Config) -> None:
    value = config.kb_split_links
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        logger.warning("kb_split_links must be a whole number of links (0: never split), "
                       "not %r; using %d", value, DEFAULT_SPLIT, type="kb", subtype="config",
                       location=f"{Path(app.confdir, 'conf.py')}:{_line_in_conf(app, 'kb_split_links')}")
        config.kb_split_links = DEFAULT_SPLIT


def _line_in_conf(app: Sphinx, name: str) -> int:
    try:
        lines = Path(app.confdir, "conf.py").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((n + 1 for n, line in enumerate(lines) if line.startswith(name)), 1)


class PlannedPart:
    """A part with what its page shows: its view, its parent page, its neighbours."""

    def __init__(self, docname: str, title: str, key: ViewKey, data: Any, part: Part,
                 previous: Part | None, following: Part | None) -> None:
        self.docname, self.title, self.key, self.part = docname, title, key, part
        self.data = part_data(key.kind, data, part.label)
        self.previous, self.following = previous, following
        self.entries: list[Any] = []  # the paper index's formatted entries (their sources)

    @property
    def page_title(self) -> str:
        return f"{self.title}: {self.part.label}"


def planned_parts(app: Sphinx) -> Iterator[PlannedPart]:
    domain = kb_domain(app.env)
    graph = domain.graph
    threshold = split_threshold(app.builder)
    if threshold <= 0:
        return
    for docname in sorted(domain.views):
        if docname not in app.env.found_docs:
            continue
        for key in domain.views[docname]:
            if key.kind not in WRITTEN:
                continue
            data = view_data(graph, key)
            parts = plan(key.kind, data, docname, threshold)
            for n, part in enumerate(parts):
                if part.pagename in app.env.found_docs:
                    logger.warning("the part %r of the split %s view would overwrite the page of "
                                   "that name: rename that page", part.pagename, key.kind,
                                   location=docname, type="kb", subtype="parts")
                    continue
                planned = PlannedPart(docname, graph.page_title(docname), key, data, part,
                                      parts[n - 1] if n else None,
                                      parts[n + 1] if n + 1 < len(parts) else None)
                if key.kind == PAPER_INDEX:
                    planned.entries = _citations(app, planned.data)
                yield planned


def _citations(app: Sphinx, groups: tuple) -> list[Any]:
    """sphinxcontrib-bibtex's citations of the entries in the paper index's `groups`."""
    cite = cite_domain(app.env)
    by_id = {c.citation_id: c for c in cite.citations}
    return [by_id[anchor] for _, papers in groups for anchor, _ in papers if anchor in by_id]


def _paper_entries(planned: PlannedPart, make: Any) -> list[nodes.Node]:
    """A part of the paper index: its year's entries as sphinxcontrib-bibtex writes them
    (label, formatted reference), each with the items and pages that discuss it."""
    box = nodes.container(classes=["kb-paper-index"])
    by_id = {c.citation_id: c for c in planned.entries}
    for year, papers in planned.data:
        box += heading(year, 2, ["kb-paper-year"])
        for anchor, sources in papers:
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
    back = nodes.paragraph(classes=["kb-part-of"])
    back += nodes.Text("Part of ")
    back += make(Link(planned.docname, "", planned.title), [nodes.Text(planned.title)])
    back += nodes.Text(", which links to every part.")
    for word, other in (("Previous", planned.previous), ("Next", planned.following)):
        if other is not None:
            back += nodes.Text(f" {word}: ")
            back += make(Link(other.pagename, "", other.label), [nodes.Text(other.label)])
            back += nodes.Text(".")
    box = nodes.container(classes=["kb-part", f"kb-part-{planned.key.kind}"])
    box += back
    box.extend(_paper_entries(planned, make) if planned.key.kind == PAPER_INDEX
               else PART_RENDERERS[planned.key.kind](planned.data, make))
    fragment = sphinx_compat.render_fragment(app.builder, box)
    anchor = escape(planned.part.pagename.rsplit("/", 1)[-1])
    return (f'<section id="{anchor}"><h1>{escape(planned.page_title)}</h1>\n'
            f"{fragment}</section>\n")


def _digest(app: Sphinx, planned: PlannedPart) -> str:
    """Everything the part's page shows, without rendering it: the data its body is made
    from, its title and neighbours, its sidebar, and the build's configuration."""
    name = planned.part.pagename
    sidebar = kb_domain(app.env).navigation.html(
        name, lambda doc: app.builder.get_relative_uri(name, doc), 4, branch=planned.docname)
    config_hash, tags_hash = sphinx_compat.build_hashes(app.builder) or ("", "")
    shown = repr((FORMAT, name, planned.docname, planned.title, planned.part.label,
                  planned.previous, planned.following, planned.data, sidebar, app.builder.name,
                  # what a paper index entry shows is made from its fields and authors
                  [(c.formatted_entry.label, sorted(c.entry.fields.items()),
                    sorted((role, [str(p) for p in people]) for role, people in c.entry.persons.items()))
                   for c in planned.entries],
                  config_hash, tags_hash))
    return hashlib.sha256(shown.encode()).hexdigest()


def _written_digest(path: Path, templates_mtime: float) -> str | None:
    """The digest in a part page already written (None: no such page, or older than the
    templates). The mark is in the <head>: the page's start is read, not all of it."""
    try:
        if path.stat().st_mtime < templates_mtime:
            return None
        with path.open(encoding="utf-8", errors="replace") as file:
            found = _MARK_RE.search(file.read(1 << 16)) or _MARK_RE.search(path.read_text(
                encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return found.group(1) if found else None


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
            if _written_digest(path, 0) is not None:  # a part page (it carries the mark)
                path.unlink()


def collect_parts(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html" or not sphinx_compat.renders_fragments(app.builder):
        return
    # nothing a part shows changed since they were written (a no-op, a text-only edit):
    # skip planning them, which costs every splittable view's data
    recalled = stamps.names(app, "parts")
    if recalled is not None and stamps.unchanged(
            app, "parts", [sphinx_compat.output_path(app.builder, name) for name in recalled]):
        sitemap.list_pages(app, recalled)
        return
    templates_mtime = sphinx_compat.newest_template_mtime(app.builder)
    planned_names: set[str] = set()
    written = 0
    for planned in planned_parts(app):
        name = planned.part.pagename
        planned_names.add(name)
        digest = _digest(app, planned)
        if _written_digest(sphinx_compat.output_path(app.builder, name), templates_mtime) == digest:
            continue
        written += 1
        yield name, {
            "title": planned.page_title,
            "body": _body(app, planned),
            "kb_part_of": planned.docname,
            # searched as the parent's view is: the indexes' parts are, the listings' are not
            "kb_unindexed": planned.key.kind not in INDEXED_VIEWS,
            "metatags": f'<meta name="{MARK}" content="{digest}" />\n',
            "display_toc": False,
            "toc": "",
            "parents": [{"link": app.builder.get_relative_uri(name, planned.docname),
                         "title": planned.title}],
        }, "page.html"
    _remove_unplanned(app, planned_names)
    sitemap.list_pages(app, planned_names)
    stamps.stamp(app, "parts", planned_names)
    if planned_names:
        logger.info("split views: %d parts, %d written", len(planned_names), written)


def setup_partpages(app: Sphinx) -> None:
    # 'html': a change rewrites the HTML pages (the PDF never splits)
    app.add_config_value("kb_split_links", DEFAULT_SPLIT, "html", types=frozenset({int}))
    app.connect("config-inited", check_config)
    app.connect("html-collect-pages", collect_parts)
