"""Hover and focus previews of every knowledge-base link: items, topics, reviews,
issues, and citations into refs.bib.

What a preview shows is written at build time, from the records, into small
script files under `_static/kb-previews/` (so it works from `file://` too, and
nothing is fetched from elsewhere):

- `pages/<docname>.js`: the page itself (key "") and each of its items (by anchor);
- `papers/<n>.js`: the cited works whose paper-index anchor falls in bucket n.

`_static/kb-previews.js` finds the links in a page's text whose target has a
preview, loads the target's file on first hover or focus, and shows the preview
with tippy.js (vendored in `_static/vendor/`, with Popper for the positioning).

The pages themselves carry no preview data: a retitled item changes only the
preview files, which are written again from the whole graph whenever any record
or refs.bib changed, and only where their content differs, files of pages that
are gone removed; so an incremental build writes what a clean build writes. A
no-op build compares one digest. The first sentences of items and pages are
read from the doctrees into this module's own small domain, `kbpreview`.

`kb_previews = False` in conf.py leaves them out (for measuring their cost).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Set
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains import Domain

from ..build.config import kb_config
from ..model.graph import KnowledgeGraph
from ..model.records import PageRecord, Paper
from ..views.linking import paper_part_pages
from ..views.nodes import kb_item, kb_view
from ..views.parts import split_threshold

STATIC = Path(__file__).parent.parent / "static"
FOLDER = "kb-previews"  # under _static in the output
PAPER_BUCKETS = 32
EXCERPT_LIMIT = 280
FORMAT_VERSION = "1"  # change when the files' content changes for the same records
# an item's or page's first paragraph as read: text, and [reftype, target] for each kb
# reference shown by its target's title (known only once every page is read)
Excerpt = list

# -- pure: what each preview shows -------------------------------------------------


def first_sentences(text: str, sentences: int = 2, limit: int = EXCERPT_LIMIT) -> str:
    """The first sentences of `text`, at most `limit` characters (cut at a word, with '…')."""
    text = " ".join(text.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\u201c])", text)
    found = " ".join(parts[:sentences])
    if len(found) > limit:
        found = found[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return found


def paper_bucket(anchor: str) -> int:
    """The bucket of a paper's anchor; kb-previews.js computes the same."""
    return sum(ord(c) for c in anchor) % PAPER_BUCKETS


def _page_kind(page: PageRecord) -> str:
    if page.kind == "review":
        return f"Year review of {page.year}" if page.year else "Year review"
    if page.kind == "newsletter":
        return f"Newsletter issue {page.issue}" if page.issue is not None else "Newsletter issue"
    return "Topic" if page.kind == "topic" else "Page"


def _topics(graph: KnowledgeGraph, slugs: list[str]) -> list[str]:
    return [graph.taxonomy.title(slug) for slug in slugs]


def page_previews(graph: KnowledgeGraph, docname: str,
                  excerpts: dict[str, Excerpt]) -> dict[str, Any]:
    """{anchor: preview} of a page ("") and its items; {} for a page that is not in the kb."""
    page = graph.pages.get(docname)
    if page is None or page.kind is None:
        return {}
    found: dict[str, Any] = {}
    head: dict[str, Any] = {"title": page.title, "kind": _page_kind(page)}
    if page.date:
        head["date"] = page.date.display()
    if page.kind == "topic":
        head["count"] = graph.listings.count(page.slug)
        if page.parent:
            parent = graph.taxonomy.resolve(page.parent.name)
            if parent:
                head["topics"] = [graph.taxonomy.title(parent)]
    else:
        head["topics"] = _topics(graph, graph.listings.page_topics.get(docname, []))
    head["text"] = first_sentences(page.summary) or excerpt_text(graph, excerpts.get("", []))
    found[""] = head
    for item in graph.items.get(docname, []):
        preview = {"title": item.title, "kind": item.kind.capitalize(), "page": page.title,
                   "topics": _topics(graph, graph.listings.item_topics.get((docname, item.anchor), [])),
                   "text": excerpt_text(graph, excerpts.get(item.anchor, []))}
        if page.date:
            preview["date"] = page.date.display()
        found[item.anchor] = preview
    return found


def paper_preview(graph: KnowledgeGraph, paper: Paper) -> dict[str, Any]:
    sources = graph.papers.cited_by(paper.key)
    items = sum(1 for _doc, anchor in sources if anchor)
    return {"title": paper.title, "kind": "Cited work", "date": str(paper.year or ""),
            "reference": paper.text, "count": items}


def preview_files(graph: KnowledgeGraph, excerpts: dict[str, dict[str, Excerpt]],
                  docnames: Set[str] = frozenset(),
                  paper_parts: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every preview file: {'pages/<docname>': {...}, 'papers/<n>': {...}}.

    Every page in `docnames` and every bucket has a file, empty if it previews nothing,
    so the script never asks for a file that is not there."""
    files: dict[str, Any] = {}
    for docname in sorted(set(graph.pages) | set(docnames)):
        files[f"pages/{docname}"] = page_previews(graph, docname, excerpts.get(docname, {}))
    buckets: dict[int, dict[str, Any]] = {n: {} for n in range(PAPER_BUCKETS)}
    for paper in sorted(graph.papers.papers.values(), key=lambda p: p.anchor):
        if paper.anchor:
            buckets.setdefault(paper_bucket(paper.anchor), {})[paper.anchor] = {
                # the page the links go to: the paper index's part, where it is split
                **paper_preview(graph, paper),
                "page": (paper_parts or {}).get(paper.anchor, paper.docname)}
    files.update({f"papers/{n}": found for n, found in sorted(buckets.items())})
    return files


def script(name: str, data: Any) -> str:
    """The file's text: a call that hands the data to kb-previews.js (JSON, so no code)."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"window.kbPreviewData({json.dumps(name)},{text});\n"


# -- read time: the first sentences of items and pages --------------------------------


def _excerpt_of(element: nodes.Element) -> Excerpt:
    """The element's text, with kb references kept as references (their titles are
    known only once every page is read) and citations and view placeholders left out."""
    parts: Excerpt = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, kb_view):
            return
        if isinstance(node, addnodes.pending_xref):
            if node.get("refdomain") == "kb" and not node.get("refexplicit"):
                parts.append([node["reftype"], node["reftarget"]])
                return
            if node.get("refdomain") == "cite":
                return
        if isinstance(node, nodes.Text):
            parts.append(node.astext())
            return
        for child in node.children:
            walk(child)

    walk(element)
    return parts


def excerpt_text(graph: KnowledgeGraph, excerpt: Excerpt) -> str:
    """The excerpt's first sentences, each reference shown by its target's current title."""
    text = "".join(part if isinstance(part, str) else
                   graph.links.title(part[0], graph.links.resolve(part[0], part[1])) or part[1]
                   for part in excerpt)
    text = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\(\s*\)", "", text))  # a dropped citation
    return first_sentences(text)


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def collect_excerpts(doctree: nodes.document) -> dict[str, Excerpt]:
    """{item anchor: its first paragraph, "": the page's first paragraph}, as excerpts."""
    found: dict[str, Excerpt] = {}
    for item in doctree.findall(kb_item):
        for child in item.children:
            if isinstance(child, nodes.paragraph) and "kb-item-meta" not in child["classes"]:
                found[item["kb_anchor"]] = _excerpt_of(child)
                break
    for para in doctree.findall(nodes.paragraph):
        if any(isinstance(a, (kb_item, kb_view, nodes.container, nodes.table, nodes.list_item,
                              nodes.docinfo, nodes.field_list))
               for a in _ancestors(para)):
            continue
        if para.astext().strip():
            found[""] = _excerpt_of(para)
            break
    return found


class PreviewDomain(Domain):
    """The first sentences of each page and item, keyed by docname (for the previews)."""

    name = "kbpreview"
    label = "Knowledge-base previews"
    data_version = 1
    initial_data: dict[str, Any] = {"excerpts": {}, "written": ""}

    @property
    def excerpts(self) -> dict[str, dict[str, Excerpt]]:
        return self.data["excerpts"]

    def clear_doc(self, docname: str) -> None:
        self.excerpts.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname, value in otherdata["excerpts"].items():
            if docname in docnames:
                self.excerpts[docname] = value


def note_excerpts(app: Sphinx, doctree: nodes.document) -> None:
    domain = app.env.get_domain("kbpreview")
    found = collect_excerpts(doctree)
    if found:
        domain.excerpts[app.env.docname] = found  # type: ignore[attr-defined]


# -- write time: the files, and the scripts on each page ------------------------------


def _knowledge_base(app: Sphinx) -> Any:
    """The kb domain: `.state` (a digest of every record and of refs.bib) and `.graph`."""
    from ..build.domain import kb_domain

    return kb_domain(app.env)


def write_previews(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not kb_config(app.config).previews:
        return
    kb = _knowledge_base(app)
    state = kb.state
    previews = app.env.get_domain("kbpreview")
    excerpts = previews.excerpts  # type: ignore[attr-defined]
    folder = Path(app.outdir) / "_static" / FOLDER
    stamp = folder / "state"
    digest = hashlib.sha256(json.dumps(
        [FORMAT_VERSION, state, sorted(excerpts.items()), split_threshold(app.builder)],
        sort_keys=True).encode()).hexdigest()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == digest:
        return  # nothing a preview shows has changed since these files were written
    # the graph is built only here: a no-op build never builds it
    wanted = {f"{name}.js": script(name, data)
              for name, data in preview_files(kb.graph, excerpts, app.env.found_docs,
                                                     paper_part_pages(app.builder)).items()}
    for name, text in wanted.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in folder.rglob("*.js"):  # files of pages that are gone
        if path.relative_to(folder).as_posix() not in wanted:
            path.unlink()
    stamp.write_text(digest, encoding="utf-8")


def add_assets(app: Sphinx, config: Config) -> None:
    if not kb_config(config).previews:
        return
    config.html_static_path.append(str(STATIC))
    app.add_css_file("vendor/tippy/tippy.css")
    app.add_css_file("kb-previews.css")
    for name in ("vendor/popper/popper.min.js", "vendor/tippy/tippy.umd.min.js", "kb-previews.js"):
        app.add_js_file(name, defer="defer")


def setup_previews(app: Sphinx) -> None:
    app.add_domain(PreviewDomain)
    app.connect("config-inited", add_assets)
    app.connect("doctree-read", note_excerpts, priority=450)
    app.connect("build-finished", write_previews)
