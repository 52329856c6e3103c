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
from typing import Any, cast

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
    """An item's references as BibTeX (`bibtex`; its entries' texts: `entries`), shown as
    a collapsed, copyable block."""


def visit_bibtex(self: Any, node: kb_bibtex) -> None:
    # data-pagefind-ignore: search finds the item by its text, not by its references' BibTeX
    self.body.append('<details class="kb-bibtex" data-pagefind-ignore="all">'
                     '<summary>Cite the works (BibTeX)</summary>'
                     '<div class="kb-bibtex-code highlight-bibtex notranslate">')
    # Pygments escapes the text as it highlights it
    self.body.append(highlighted_bibtex(self.highlighter, node["bibtex"],
                                        node.get("entries", []),
                                        cite_domain(self.builder.env).bibtex_html))
    self.body.append("</div></details>\n")
    raise nodes.SkipNode


# How Pygments' HtmlFormatter wraps a block, with Sphinx's options and no line numbers
BLOCK_START = '<div class="highlight"><pre><span></span>'
BLOCK_END = "</pre></div>\n"
# The first and last lines of an entry's highlighted lines (_entry_lines)
ENTRY_START = '<span class="nc">@'
ENTRY_END = '\n<span class="p">}</span>\n'


def highlighted_bibtex(highlighter: Any, text: str, entries: list[str],
                       cache: dict[str, str | None]) -> str:
    """`highlighter.highlight_block(text, "bibtex")`, where `text` is `entries` joined by
    newlines, assembled from each entry's highlighted lines where `cache` has them all.

    The same works are cited by thousands of items, and Pygments' lexing is the dearest step
    of writing an item's BibTeX.
    A block highlighted whole teaches `cache` the lines of its entries, so no entry is
    highlighted twice and no entry alone.
    """
    pieces = [cache.get(entry) for entry in entries]
    if pieces and None not in pieces and "\n".join(entries) == text:
        return BLOCK_START + "\n".join(cast(list[str], pieces)) + BLOCK_END
    block = str(highlighter.highlight_block(text, "bibtex", linenos=False))
    if "\n".join(entries) == text:
        for entry, lines in _entry_lines(block, entries).items():
            # lines found are right in any block; None only keeps an unknown entry out
            if lines is not None or entry not in cache:
                cache[entry] = lines
    return block


def _entry_lines(block: str, entries: list[str]) -> dict[str, str | None]:
    """Each entry's highlighted lines (ending in a newline) in `block`, the highlighted
    text of `entries` joined by newlines; None for an entry whose lines are not what it
    would give in any other block.

    They are, where the entry starts at the lexer's root state and ends there, on a line
    of its own: Pygments' formatter closes its spans at every line end, so the lines of
    a block are the lines of its entries, and the newline between two entries is the
    blank line between their lines. The entry's lines show it: its "@type" is a class
    name, which only the root state gives, and its last line is its closing brace as
    punctuation, which only closes what the root state opened. Pygments strips leading
    and trailing newlines and adds one: an entry must begin with its "@" and end with
    one newline, as pybtex's writer gives it. A lexing error (which Sphinx warns about
    for each block it highlights) keeps the entry out.
    """
    found: dict[str, str | None] = dict.fromkeys(entries)
    if not (block.startswith(BLOCK_START) and block.endswith(BLOCK_END)):
        return found
    lines = block[len(BLOCK_START):-len(BLOCK_END)].split("\n")
    # one line for each newline of the text; the last split is the empty end
    if len(lines) != sum(entry.count("\n") for entry in entries) + len(entries):
        return found
    start = 0
    for entry in entries:
        end = start + entry.count("\n")
        piece = "\n".join(lines[start:end]) + "\n"
        if (entry.startswith("@") and entry.endswith("}\n") and not entry.endswith("\n\n")
                and lines[end] == "" and piece.startswith(ENTRY_START)
                and piece.endswith(ENTRY_END) and 'class="err"' not in piece):
            found[entry] = piece
        start = end + 1  # past the blank line between two entries
    return found


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
            node += kb_bibtex(bibtex="\n".join(texts), entries=texts)


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


def setup_dataout(app: Sphinx) -> None:
    app.connect("html-collect-pages", write_data_files)
    app.connect("html-page-context", add_jsonld)
    app.add_node(kb_bibtex, html=(visit_bibtex, None),
                 **{fmt: (skip_bibtex, None) for fmt in ("latex", "text", "man", "texinfo")})
    # after render.decorate_paper_index, which rebuilds the paper index's box
    app.connect("doctree-resolved", add_bibtex, priority=600)
