"""sphinxcontrib-bibtex and pybtex: the internals the bibliography relies on.

sphinxcontrib-bibtex (bib/cite_domain.py subclasses its `cite` domain):
- `BibtexDomain.env_updated`, `resolve_xref`, `get_all_cited_keys`,
  `get_filtered_entries`, `get_formatted_entries` and `clear_doc` are overridden, and
  `get_sorted_entries` and `get_entries` called. Its API page lists them (autodoc), but
  which calls which, and when, is its own business: the subclass re-does four of them on
  indexes, and calls `format_references` as upstream's `resolve_xref` does. So the
  sha256 of each upstream function it re-does is recorded here; a release that changes
  one is reported, and tests/bib/test_fastbib.py shows whether the output still agrees.
- `_FilterVisitor` (private) evaluates a bibliography's `:filter:`; without it the
  subclass filters with upstream's own `get_filtered_entries`.
- `format_references` (style/referencing, in its docs) is done in its two steps
  (`format_reference`, `join_references`), so that the subclass formats each reference
  once for the pages it links the same from; the sha256 of upstream's function is
  recorded, and where it differs the subclass calls it whole.
- `SphinxReferenceInfo` (style/template.py, not in its docs): what a formatted
  reference's link is made of; and `parse_citation_targets` (citation_target.py, not in its docs), the cite roles' target
  syntax. Without them citations are resolved by upstream's own `resolve_xref`.
- `node_text_transform` (transforms.py, not in its docs): the paper index's part pages
  (outputs/part_pages.py) format their entries as the bibliography does.
- `builder_inited_cite` (its `builder-inited` listener, not in its docs): it parses the bib
  files when the builder is set up, so only once for an application; the live preview's
  warm rebuilds (cli/warm_build.py) run it again before each later build. Without it they
  build in a fresh process every time.
- Each bibliography's `citation_nodes` (`BibliographyValue`, in its docs): the empty
  citation nodes made when the page is read, kept in the domain's data, which its
  `BibliographyTransform` fills and moves into the page as it is written. A fresh
  process unpickles them empty; in the live preview's application they would keep what an
  earlier build put in them, so the preview keeps empty copies (`keep_citation_nodes`) and
  puts them back before the next build (`restore_citation_nodes`).
- `BibliographyValue.citation_nodes`, around each volume of the book
  (`bibliographies_as_read`, build/volumes.py): the citation nodes its post-transform
  fills in place are put back as they were read.
- The `citation_refs` of its domain's data, around its `BibliographyTransform.run` on a
  page holding a bibliography (`BibliographyOnItsOwnReferences`): cut to that page's own
  references, the only ones `run` keeps (its sha256 recorded).

pybtex:
- `LowLevelParser` (its `handle_error`, `command_start` and `current_entry_key`) and
  `split_name_list`: bib/bibfile.py checks refs.bib entry by entry, with lines.
- `pybtex.errors.captured_errors`: while it is a list, pybtex skips a malformed entry
  instead of raising (bib/paper_index.py holds it around sphinxcontrib-bibtex's loading).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pybtex.errors
from pybtex.exceptions import PybtexError
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node
from sphinxcontrib.bibtex.style import referencing
from sphinxcontrib.bibtex.transforms import BibliographyTransform

from .shape import Mismatch, lookup, signature_problem, source_digest

PACKAGE = "sphinxcontrib-bibtex"
PYBTEX = "pybtex"

FilterVisitor = lookup("sphinxcontrib.bibtex.domain", "_FilterVisitor")
SphinxReferenceInfo = lookup("sphinxcontrib.bibtex.style.template", "SphinxReferenceInfo")
parse_citation_targets = lookup("sphinxcontrib.bibtex.citation_target", "parse_citation_targets")
format_references = referencing.format_references
node_text_transform = lookup("sphinxcontrib.bibtex.transforms", "node_text_transform")
load_bib_files = lookup("sphinxcontrib.bibtex", "builder_inited_cite")
LowLevelParser = lookup("pybtex.database.input.bibtex", "LowLevelParser")
split_name_list = lookup("pybtex.database.input.bibtex", "split_name_list")
PybtexSyntaxError = lookup("pybtex.scanner", "PybtexSyntaxError") or PybtexError

# sphinxcontrib-bibtex 2.7.0's functions that cite_domain.py re-does: the sha256 of each
# one's source, dedented (shape.source_digest)
REDONE = {
    "env_updated": "7c044479ceede5f4454fc7351937e956944fda635c39c91fe7bf13a19976236a",
    "resolve_xref": "41c19262b426327c3ac939e338dbce4a44ae043d64f9bb2ad09dc787c1c3062b",
    "get_all_cited_keys": "6654f134a554cbe7720599a0da1570c80ef313d7e44a777556029d6b63f04d4d",
    "get_filtered_entries": "de2f97ce001c6397cc3a8322eff2d7c24930469a442741f97e25a5992fb6d8a0",
    "get_formatted_entries": "e632d93dedbe85744dd165210d0cbf24251ad1122f65df6a08a1b51026ffb041",
    # not re-done but skipped for a page it would find nothing of: it must remove only that
    "clear_doc": "09ee0ac8130c1d698ac4f155b89c78d3c1e304afaaac20f1cb0d1ea29dbd02dc",
}
# sphinxcontrib-bibtex 2.7.0's BibliographyTransform.run, whose backrefs are a bibliography's
# own page's references only (BibliographyOnItsOwnReferences relies on it): its sha256
BIBLIOGRAPHY_RUN = "aa860c34848355edd6c61b0279aa5bd53e048d5098fa6446a13d98a2db8e412b"
# sphinxcontrib-bibtex 2.7.0's format_references, which format_reference and join_references
# do in two steps: its sha256
FORMAT_REFERENCES = "19a0067ddc0846114ec0e4b20c8e6333497f76c286d673ed377c4b7510c99135"
# the parameters each overridden or called method is called with
SIGNATURES = {
    "env_updated": ("self",),
    "resolve_xref": ("self", "env", "fromdocname", "builder", "typ", "target", "node",
                     "contnode"),
    "get_all_cited_keys": ("self", "docnames"),
    "get_filtered_entries": ("self", "bibliography_key"),
    "get_formatted_entries": ("self", "bibliography_key", "docnames", "tooltips",
                              "tooltips_style"),
    "get_sorted_entries": ("self", "bibliography_key", "docnames"),
    "get_entries": ("self", "bibfiles"),
    "clear_doc": ("self", "docname"),
}
REFERENCE_INFO_FIELDS = ("builder", "fromdocname", "todocname", "citation_id", "title",
                         "pre_text", "post_text")


def filters_indexed() -> bool:
    """Whether the subclass can filter bibliographies itself (else upstream's method)."""
    return FilterVisitor is not None


def resolves_indexed() -> bool:
    """Whether the subclass can resolve citations itself (else upstream's method)."""
    return None not in (SphinxReferenceInfo, parse_citation_targets)


def formats_apart() -> bool:
    """Whether `format_references` is the code `format_reference` and `join_references`
    do in two steps (else the subclass calls it whole)."""
    return FORMATS_APART


def format_reference(style: Any, role_name: str, entry: Any, formatted_entry: Any,
                     info: Any) -> Any:
    """One reference of a citation, as `format_references` formats each (its inner
    template); the same for every page whose link to the entry (`info`) is the same."""
    return style.inner(role_name).format_data(data={
        "entry": entry, "formatted_entry": formatted_entry, "reference_info": info,
        "style": style})


def join_references(style: Any, role_name: str, children: list[Any]) -> Any:
    """A citation's references, formatted, joined as `format_references` joins them."""
    return style.outer(role_name, children).format()


CitationNodes = dict[tuple[Any, str], Any]  # (bibliography key, cite key) -> its node


def keep_citation_nodes(env: Any) -> CitationNodes:
    """A copy of every bibliography's citation nodes as reading left them (call it once the
    pages are read, before any is written)."""
    domain = env.get_domain("cite")
    return {(bibliography_key, key): node.deepcopy()
            for bibliography_key, bibliography in domain.bibliographies.items()
            for key, node in bibliography.citation_nodes.items()}


def restore_citation_nodes(env: Any, kept: CitationNodes) -> None:
    """Put back the nodes `keep_citation_nodes` copied, where the bibliography still has
    them (a page read since has made its own)."""
    bibliographies = env.get_domain("cite").bibliographies
    for (bibliography_key, key), node in kept.items():
        bibliography = bibliographies.get(bibliography_key)
        if bibliography is not None and key in bibliography.citation_nodes:
            bibliography.citation_nodes[key] = node
@contextlib.contextmanager
def bibliographies_as_read(env: Any) -> Iterator[None]:
    """The enclosed writing of one volume of the book, with the bibliographies' citation
    nodes put back as they were read afterwards.

    sphinxcontrib-bibtex's post-transform (`BibliographyTransform.run`) fills a
    bibliography's citation nodes (kept in its domain's data) in place when the page
    holding it is resolved: once a build for a page, but once per volume for the book's
    paper index, whose entries would otherwise carry every earlier volume's text too."""
    bibliographies = env.get_domain("cite").bibliographies
    kept = {key: {cited: node.deepcopy() for cited, node in value.citation_nodes.items()}
            for key, value in bibliographies.items()}
    try:
        yield
    finally:
        for key, nodes in kept.items():
            if key in bibliographies:
                bibliographies[key].citation_nodes.clear()
                bibliographies[key].citation_nodes.update(nodes)


FORMATS_APART = source_digest(getattr(referencing, "format_references", None)) == FORMAT_REFERENCES
# whether BibliographyTransform.run is the code BibliographyOnItsOwnReferences relies on
RUN_AS_RECORDED = source_digest(getattr(BibliographyTransform, "run", None)) == BIBLIOGRAPHY_RUN


class BibliographyOnItsOwnReferences(BibliographyTransform):
    """sphinxcontrib-bibtex's post-transform, run on the citation references of the page
    it fills, just before upstream's own (which then finds no bibliography left to fill).

    For each entry of a bibliography, upstream's `run` scans every citation reference of
    the site for those on the bibliography's own page (the entry's backrefs): entries x
    references, in the process that resolves the pages, and growing with the site (the
    paper index at 5,000 pages: 8.6 s under a profiler). Here the domain's references are
    cut to those on the pages whose bibliographies are filled, which gives the same
    backrefs (BIBLIOGRAPHY_RUN: the code this relies on, checked at start-up); where
    upstream's code has changed, this does nothing and upstream's transform runs alone."""

    default_priority = BibliographyTransform.default_priority - 1

    def run(self, **kwargs: Any) -> None:
        if not RUN_AS_RECORDED:
            return
        pages = {node["docname"] for node in self.document.findall(bibliography_node)}
        if not pages:
            return
        data = self.env.get_domain("cite").data
        references = data["citation_refs"]
        data["citation_refs"] = [ref for ref in references if ref.docname in pages]
        try:
            super().run(**kwargs)
        finally:
            data["citation_refs"] = references


def hold_pybtex_errors() -> None:
    """From now on pybtex collects syntax errors instead of raising the first one."""
    pybtex.errors.captured_errors = []


def release_pybtex_errors() -> None:
    pybtex.errors.captured_errors = None


# -- the check -----------------------------------------------------------------------------

DIFFERENT = ("the indexed cite domain (bib/cite_domain.py) may no longer give "
             "sphinxcontrib-bibtex's own bibliographies, labels and links")
SLOWER = ("{} falls back to sphinxcontrib-bibtex's own method: the same output, but builds "
          "slow down as pages and citations grow")


def check(app: Sphinx) -> list[Mismatch]:
    found: list[Mismatch] = []
    for name, expected in SIGNATURES.items():
        problem = signature_problem(getattr(BibtexDomain, name, None), *expected)
        if problem:
            found.append(Mismatch(PACKAGE, f"BibtexDomain.{name} {problem}", DIFFERENT))
    for name, digest in REDONE.items():
        if source_digest(getattr(BibtexDomain, name, None)) != digest:
            found.append(Mismatch(PACKAGE, f"BibtexDomain.{name} has changed", DIFFERENT))
    if signature_problem(getattr(referencing, "format_references", None),
                         "style", "role_name", "references"):
        found.append(Mismatch(PACKAGE, "format_references takes other parameters", DIFFERENT))
    elif source_digest(referencing.format_references) != FORMAT_REFERENCES:
        found.append(Mismatch(PACKAGE, "format_references has changed",
                              "each citation is formatted whole again on every page (the same "
                              "output, but builds slow down as citations grow)"))
    visitor = lookup("sphinxcontrib.bibtex.domain", "_FilterVisitor")
    problem = ("is gone" if visitor is None else
               signature_problem(visitor, "*", "entry", "docname", "cited_docnames"))
    if problem:
        found.append(Mismatch(PACKAGE, f"_FilterVisitor {problem}",
                              SLOWER.format("filtering a bibliography")))
    info = lookup("sphinxcontrib.bibtex.style.template", "SphinxReferenceInfo")
    fields = getattr(info, "_fields", ())
    if tuple(fields) != REFERENCE_INFO_FIELDS or lookup(
            "sphinxcontrib.bibtex.citation_target", "parse_citation_targets") is None:
        found.append(Mismatch(PACKAGE, "SphinxReferenceInfo or parse_citation_targets is "
                              "gone or has other fields",
                              SLOWER.format("resolving a citation")))
    if source_digest(getattr(BibliographyTransform, "run", None)) != BIBLIOGRAPHY_RUN:
        found.append(Mismatch(PACKAGE, "BibliographyTransform.run has changed",
                              "the page holding the paper index (and each volume of the "
                              "book) scans every citation of the site for each entry of its "
                              "bibliography"))
    value = lookup("sphinxcontrib.bibtex.directives", "BibliographyValue")
    if "citation_nodes" not in getattr(value, "_fields", ()):
        found.append(Mismatch(PACKAGE, "BibliographyValue.citation_nodes is gone",
                              "the build stops where it writes the second volume of the book"))
    if lookup("sphinxcontrib.bibtex.transforms", "node_text_transform") is None:
        found.append(Mismatch(PACKAGE, "node_text_transform is gone",
                              "the build stops where it writes the paper index's parts"))
    fields = getattr(lookup("sphinxcontrib.bibtex.directives", "BibliographyValue"), "_fields", ())
    if "citation_nodes" not in fields:
        found.append(Mismatch(PACKAGE, "BibliographyValue.citation_nodes is gone",
                              "the live preview (nox -s serve) may show a bibliography's "
                              "entries twice after an edit"))
    problem = signature_problem(lookup("sphinxcontrib.bibtex", "builder_inited_cite"), "app")
    if problem:
        found.append(Mismatch(PACKAGE, f"builder_inited_cite {problem}",
                              "the live preview (nox -s serve) builds in a fresh process on "
                              "every save"))
    return found + _pybtex_mismatches()


def _pybtex_mismatches() -> list[Mismatch]:
    """pybtex's parser, run on a two-entry file with a broken entry: it reports the error
    with where the entry starts, and goes on to the next one."""
    unchecked = "refs.bib is not checked entry by entry (the build stops where it reads it)"
    parser_class = lookup("pybtex.database.input.bibtex", "LowLevelParser")
    if parser_class is None or lookup("pybtex.database.input.bibtex", "split_name_list") is None:
        return [Mismatch(PYBTEX, "LowLevelParser or split_name_list is gone", unchecked)]
    errors: list[tuple[int, str | None]] = []
    try:
        parser = parser_class("@misc{a, title = {x}\n@misc{b, author = {C and D}}",
                              keyless_entries=False, filename="check.bib",
                              handle_error=lambda error: errors.append(
                                  (parser.command_start, parser.current_entry_key)))
        entries = [body[0] for _, body in parser]
        names = lookup("pybtex.database.input.bibtex", "split_name_list")("C and D")
    except Exception as error:  # noqa: BLE001 - any failure is the mismatch reported
        return [Mismatch(PYBTEX, f"LowLevelParser fails on a broken entry ({error!r})",
                         unchecked)]
    found = []
    if errors != [(0, "a")] or entries != ["a", "b"] or names != ["C", "D"]:
        found.append(Mismatch(PYBTEX, "LowLevelParser reports a broken entry otherwise "
                              f"(errors {errors}, entries {entries}, names {names})", unchecked))
    if not hasattr(pybtex.errors, "captured_errors"):
        found.append(Mismatch(PYBTEX, "pybtex.errors.captured_errors is gone",
                              "a malformed entry in refs.bib stops the build"))
    return found
