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
no-op build compares one digest (stamps.py). What describes each page and item is
its excerpt (build/excerpts.py), as in the feeds and the page's own metadata.

`kb_previews = False` in conf.py leaves them out (for measuring their cost).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Set
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from ..build.config import kb_config
from ..build.domain import kb_domain
from ..model.graph import KnowledgeGraph
from ..model.records import PageRecord, Paper
from ..views.linking import paper_part_pages
from ..views.parts import split_threshold
from . import stamps, versions
from .writing import write_if_changed

STATIC = Path(__file__).parent.parent / "static"
FOLDER = "kb-previews"  # under _static in the output
PAPER_BUCKETS = 32
Describe = Callable[[str, str], str]  # (docname, anchor) -> its excerpt's text

# -- pure: what each preview shows -------------------------------------------------


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


def page_previews(graph: KnowledgeGraph, docname: str, describe: Describe) -> dict[str, Any]:
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
    head["text"] = describe(docname, "")
    found[""] = head
    for item in graph.items.get(docname, []):
        preview = {"title": item.title, "kind": item.kind.capitalize(), "page": page.title,
                   "topics": _topics(graph, graph.listings.item_topics.get((docname, item.anchor), [])),
                   "text": describe(docname, item.anchor)}
        if page.date:
            preview["date"] = page.date.display()
        found[item.anchor] = preview
    return found


# a longer author list is cut after this many names: a card stays a card (Codex has 58)
SHOWN_AUTHORS = 3


def reading_name(name: str) -> str:
    """'Chen, Mark' as it is read: 'Mark Chen' ('King, Jr., Martin': 'Martin King, Jr.')."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and parts[1]:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and parts[2]:
        return f"{parts[2]} {parts[0]}, {parts[1]}"
    return name


def author_line(names: list[str]) -> str:
    """'A and B', 'A, B, C and D'; past SHOWN_AUTHORS + 1 names, 'A, B, C and 55 others'."""
    if len(names) > SHOWN_AUTHORS + 1:
        return f"{', '.join(names[:SHOWN_AUTHORS])} and {len(names) - SHOWN_AUTHORS} others"
    return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))


def paper_preview(graph: KnowledgeGraph, paper: Paper) -> dict[str, Any]:
    """A cited work's card: its title, its authors (cut), where it appeared, how many items
    discuss it. The full reference, every author with it, is in the paper index."""
    sources = graph.papers.cited_by(paper.key)
    items = sum(1 for _doc, anchor in sources if anchor)
    return {"title": paper.title, "kind": "Cited work", "date": str(paper.year or ""),
            "authors": author_line([reading_name(a.name) for a in paper.authors]),
            "venue": paper.venue, "count": items}


def preview_files(graph: KnowledgeGraph, describe: Describe, docnames: Set[str] = frozenset(),
                  paper_parts: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every preview file: {'pages/<docname>': {...}, 'papers/<n>': {...}}.

    Every page in `docnames` and every bucket has a file, empty if it previews nothing,
    so the script never asks for a file that is not there."""
    files: dict[str, Any] = {}
    for docname in sorted(set(graph.pages) | set(docnames)):
        files[f"pages/{docname}"] = page_previews(graph, docname, describe)
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


# -- write time: the files, and the scripts on each page ------------------------------


def write_previews(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not kb_config(app.config).previews:
        return
    kb = kb_domain(app.env)
    folder = Path(app.outdir) / "_static" / FOLDER
    # what a preview shows: the records and excerpts (in the domain's state), the split
    # of the paper index, and its references as pybtex formats them
    digest = stamps.inputs_digest(app, versions.REFERENCES, split_threshold(app.builder))
    written = stamps.names(app, "previews") or []
    if written and stamps.unchanged(app, "previews", digest, [folder / n for n in written]):
        return  # nothing a preview shows has changed since these files were written
    stamps.withdraw(app, "previews")
    # the graph is built only here: a no-op build never builds it
    wanted = {f"{name}.js": script(name, data)
              for name, data in preview_files(kb.graph, kb.excerpt, app.env.found_docs,
                                              paper_part_pages(app.builder)).items()}
    for name, text in wanted.items():
        write_if_changed(folder / name, text)
    for path in sorted(folder.rglob("*"), reverse=True):  # files of pages that are gone
        if path.is_file() and path.relative_to(folder).as_posix() not in wanted:
            path.unlink()  # (and the stamp earlier versions kept here, "state")
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    stamps.stamp(app, "previews", digest, wanted)


def add_assets(app: Sphinx, config: Config) -> None:
    if not kb_config(config).previews:
        return
    config.html_static_path.append(str(STATIC))
    app.add_css_file("vendor/tippy/tippy.css")
    app.add_css_file("kb-previews.css")
    for name in ("vendor/popper/popper.min.js", "vendor/tippy/tippy.umd.min.js", "kb-previews.js"):
        app.add_js_file(name, defer="defer")


def setup_previews(app: Sphinx) -> None:
    app.connect("config-inited", add_assets)
    app.connect("build-finished", write_previews)
