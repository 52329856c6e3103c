"""Data out, the Sphinx glue: kb.json and its schema, JSON-LD, BibTeX per item, refs.bib.

The data itself comes from `export.py` (no Sphinx there). This module:

- writes `kb.json`, `kb.schema.json` and a copy of every bib file into the HTML
  output at the end of every HTML build (`html-collect-pages`, which Sphinx emits
  on every build, incremental and no-op included), each atomically (writing.py);
- adds a JSON-LD block (jsonld.py) to the head of every review, issue and topic page
  of a site with an address (`html-page-context`);
- gives each item that cites papers its references as BibTeX (HTML only), and the
  paper index a link to the whole bib file (a post-transform).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..bib.cite_domain import cite_domain
from ..build.config import kb_config
from ..build.domain import kb_domain
from ..compat.sphinx import relative_uri
from ..model.graph import KnowledgeGraph
from ..model.records import Author, Series
from ..views.linking import paper_part_pages, people_pages
from ..views.nodes import kb_item
from . import export, jsonld, stamps, versions
from .publishing import base_url
from .writing import write_if_changed

SCHEMA_SOURCE = Path(__file__).with_name(export.SCHEMA_FILE)
SITE_BUILDERS = ("html", "dirhtml")


def knowledge(app: Sphinx) -> tuple[KnowledgeGraph, Mapping[str, Series], Mapping[str, Any]]:
    """All this module reads of the knowledge base: the graph, the series and the bib
    entries (key -> pybtex entry); in one place, for when the graph's API changes."""
    return (kb_domain(app.env).graph, kb_config(app.config).series,
            cite_domain(app.env).bibdata.data.entries)


def bib_names(app: Sphinx) -> list[str]:
    """The site-relative names the bib files are published under (their base names)."""
    return [Path(name).name for name in app.config.bibtex_bibfiles or ()]


def write_data_files(app: Sphinx) -> list[Any]:
    """kb.json, its schema and the bib files, into the HTML output (html-collect-pages).

    Only for the site's builders (html, dirhtml): an EPUB or a single page has no
    site root for the export's URLs to be relative to.
    """
    builder = app.builder
    if builder.name not in SITE_BUILDERS:
        return []
    outdir = Path(builder.outdir)
    written = [outdir / export.EXPORT_FILE, outdir / export.SCHEMA_FILE,
               *(outdir / name for name in bib_names(app))]
    # kb.json holds each cited work's reference as pybtex formats it
    digest = stamps.inputs_digest(app, versions.REFERENCES)
    if stamps.unchanged(app, "data", digest, written):
        return []
    stamps.withdraw(app, "data")
    graph, series, _ = knowledge(app)
    data = export.build_export(graph, series, builder.get_target_uri, str(app.config.project),
                               paper_part_pages(builder), people_pages(builder))
    write_if_changed(outdir / export.EXPORT_FILE, export.dump_export(data))
    write_if_changed(outdir / export.SCHEMA_FILE, SCHEMA_SOURCE.read_bytes())
    for name, source in zip(bib_names(app), app.config.bibtex_bibfiles or ()):
        path = Path(app.confdir) / source
        if path.exists():
            write_if_changed(outdir / name, path.read_bytes())
    stamps.stamp(app, "data", digest)
    return []


def add_jsonld(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: Any) -> None:
    """The page's schema.org description, in its head (html-page-context), for a site with
    an address (`html_baseurl`): every `@id` and `url` in it is absolute."""
    base = base_url(app)
    if doctree is None or not base:
        return
    graph, series, _ = knowledge(app)
    builder = app.builder

    def uri(docname: str) -> str:
        return base + builder.get_target_uri(docname)

    people = _people_pages(app)

    def person_uri(author: Author) -> str | None:
        page = people.get(author.anchor)
        return f"{uri(page)}#{author.anchor}" if page else None

    site = jsonld.KnowledgeBase(str(app.config.project), str(app.config.author), base)
    data = jsonld.page_jsonld(graph, pagename, series, uri, site,
                              kb_domain(app.env).excerpt(pagename), person_uri)
    if data is None:
        return
    block = f'<script type="application/ld+json">{jsonld.script_json(data)}</script>\n'
    context["metatags"] = context.get("metatags", "") + block


def _people_pages(app: Sphinx) -> dict[str, str]:
    """people_pages, once per build (the graph does not change while pages are written)."""
    graph = kb_domain(app.env).graph
    kept = getattr(app.builder, "_kb_people_pages", None)
    if kept is None or kept[0] is not graph:
        kept = (graph, people_pages(app.builder))
        app.builder._kb_people_pages = kept  # type: ignore[attr-defined]
    return kept[1]


class kb_bibtex(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """An item's references as BibTeX (`bibtex`), shown as a collapsed, copyable block."""


def visit_bibtex(self: Any, node: kb_bibtex) -> None:
    # data-pagefind-ignore: search finds the item by its text, not by its references' BibTeX
    self.body.append('<details class="kb-bibtex" data-pagefind-ignore="all">'
                     '<summary>Cite the works (BibTeX)</summary>'
                     '<div class="kb-bibtex-code highlight-bibtex notranslate">')
    # Pygments escapes the text as it highlights it
    self.body.append(self.highlighter.highlight_block(node["bibtex"], "bibtex", linenos=False))
    self.body.append("</div></details>\n")
    raise nodes.SkipNode


def skip_bibtex(self: Any, node: kb_bibtex) -> None:
    raise nodes.SkipNode


def add_bibtex(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Each item that cites papers: its references as BibTeX, in a collapsed block.

    HTML only: in the PDF the bibliography at the end of the book has the entries,
    and a BibTeX block there would only be noise. The paper index gets a link to
    the whole bib file, published beside kb.json.
    """
    if app.builder.format != "html":
        return
    graph, _, entries = knowledge(app)
    for node in list(doctree.findall(nodes.container)):
        if "kb-paper-index" in node["classes"] and app.builder.name in SITE_BUILDERS:
            node.parent.insert(node.parent.index(node), _whole_bib(app, docname))
            continue
        if not isinstance(node, kb_item):
            continue
        item = graph.links.item(docname, node["kb_anchor"])
        if item is None:
            continue
        texts = export.bibtex_entries(entries, export.known_citations(graph, item.cites),
                                      cite_domain(app.env).bibtex_texts)
        if texts:
            # rendered by the translator (visit_bibtex), so it stays out of the
            # search index, which indexes the tree's text before writing; the
            # entries, for the translator to highlight each once a build
            node += kb_bibtex(bibtex="\n".join(texts))


def _whole_bib(app: Sphinx, docname: str) -> nodes.Element:
    para = nodes.paragraph(classes=["kb-bib-download"])
    para += nodes.Text("Download every reference as BibTeX: ")
    names = bib_names(app)
    current = app.builder.get_target_uri(docname)
    for n, name in enumerate(names):
        if n:
            para += nodes.Text(", ")
        para += nodes.reference(name, name, refuri=relative_uri(current, name),
                                classes=["kb-bib-file"])
    para += nodes.Text(" (the knowledge base as data: ")
    para += nodes.reference(export.EXPORT_FILE, export.EXPORT_FILE,
                            refuri=relative_uri(current, export.EXPORT_FILE))
    para += nodes.Text(").")
    return para


def setup_structured_data(app: Sphinx) -> None:
    app.connect("html-collect-pages", write_data_files)
    app.connect("html-page-context", add_jsonld)
    app.add_node(kb_bibtex, html=(visit_bibtex, None),
                 **{fmt: (skip_bibtex, None) for fmt in ("latex", "text", "man", "texinfo")})
    # after render.decorate_paper_index, which rebuilds the paper index's box
    app.connect("doctree-resolved", add_bibtex, priority=600)
