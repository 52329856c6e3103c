"""sphinxcontrib-bibtex's domain, made linear for a knowledge base of thousands of pages.

After every read (also when nothing was read), sphinxcontrib-bibtex decides each
bibliography's entries and formats every cited entry again. Three parts of that
grow with the site, or cost time on every build (on the benchmark's corpus, 200 pages
citing a 2,000-entry refs.bib, the filtered per-page bibliographies alone took most of
the build):

- the filter scans every citation reference for every entry (entries x references),
  and the citation order looks each reference's page up in a list (references x pages);
- it formats every cited entry through pybtex's templates, on every build, a no-op
  rebuild included;
- resolving each citation looks up pybtex's plain-text backend by scanning the
  installed packages' entry points, and scans every citation.

This subclass indexes the references and citations once per build, looks the
backend up once, keeps each entry's formatted text between builds, keyed by
what it is made from (style, entry, label, the versions of pybtex and
sphinxcontrib-bibtex), and keeps for the rest of the build the plain text of each
citation formatted while the pages are resolved, which the excerpts quote (the link
previews, feeds and descriptions: `citation_text`) instead of formatting it again.

Each reference of a citation is formatted once a build for every page it links the same
from (`_formatted_reference`): the same role, entry, words around it and link, which is the
relative URI of the entry's page, the same from a whole folder. Upstream formats it on
every page; in the process that resolves the pages for the writers that was most of the
time spent per page, and it grew with the site as works are cited again and again (at
1,000 pages, under cProfile, 14.2 s of the 36.3 s resolving pages took; 7.1 s now).

Its output is sphinxcontrib-bibtex's own: the same entries, order, text and links
(tests/bib/test_fastbib.py compares the two). It also gives the knowledge graph its `Paper`
records (`papers`).

It overrides methods of sphinxcontrib-bibtex's domain whose calls to one another are
not an API (`env_updated`, `resolve_xref`, `get_all_cited_keys`, `get_filtered_entries`,
`get_formatted_entries`, `clear_doc`), and uses its private `_FilterVisitor`. Every name of
sphinxcontrib-bibtex it relies on comes from compat/bibtex.py, which checks them at
start-up (with the digest of each upstream method re-done here); where a private name is
gone, the method falls back to upstream's own. The test pins the behaviour they rely
on, so an upgrade that changes it fails there too.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, cast

import docutils.nodes
import pybtex.plugin
from pybtex.richtext import BaseMultipartText, BaseText, Symbol, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.template import FieldIsMissing
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ..compat import bibtex as upstream
from ..compat.bibtex import BibtexDomain
from ..model.people import KnownPerson, Name
from ..model.records import Author, Paper, unverified_fields
from ..outputs.versions import REFERENCES, versions
from ..views.parts import split_threshold

logger = logging.getLogger(__name__)
PLAINTEXT = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()


def _entry_digest(entry: Any) -> str:
    parts = [entry.type, *sorted(entry.fields.items()),
             *sorted((role, [str(p) for p in people]) for role, people in entry.persons.items())]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class IndexedBibtexDomain(BibtexDomain):
    """The `cite` domain, with indexed lookups and formatted entries kept across builds."""

    initial_data = {**BibtexDomain.initial_data, "kb_formatted": {}}
    _cited_docnames: dict[str, set[str]] | None = None
    _by_key: dict[str, list[Any]] | None = None  # citations by key, for resolve_xref
    _positions: dict[int, int] | None = None  # place of each citation in the list
    # (the citation list, the reference list, how many of each were seen, their pages)
    _holding: tuple[list, list, int, int, set[str]] | None = None

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self.bibtex_texts: dict[str, str] = {}  # each entry's BibTeX, kept for one build
        # (role, (citation id, pre, post) of each reference, in order) -> the citation's
        # text as resolve_xref formatted it, without links; kept for one build
        self.plain_citations: dict[tuple, str] = {}
        # each reference formatted for resolve_xref, by what it is made of; kept for one build
        self.formatted_references: dict[tuple, BaseText] = {}

    def env_updated(self) -> Iterable[str]:
        index: dict[str, set[str]] = defaultdict(set)
        for ref in self.citation_refs:
            for target in ref.targets:
                index[target.key].add(ref.docname)
        self._cited_docnames = index
        self.data.setdefault("kb_formatted", {})
        try:
            return super().env_updated()
        finally:
            self._cited_docnames = None
            self._by_key = None  # the citations were just recomputed
            self._positions = None
            self.bibtex_texts = {}  # refs.bib may have changed
            self.plain_citations = {}
            self.formatted_references = {}

    def clear_doc(self, docname: str) -> None:
        """Upstream's, for a page that holds a citation, a reference or a bibliography.
        Upstream rebuilds both lists for every page cleared, and Sphinx's serial read clears
        each page just before reading it: a clean `-j 1` build paid references x pages."""
        if docname in self._docnames_holding() or any(
                key.docname == docname for key in self.bibliographies):
            super().clear_doc(docname)

    def _docnames_holding(self) -> set[str]:
        """The pages of the citations and references: kept as the lists grow (sphinxcontrib-
        bibtex appends to them, or replaces them), found again when a list is replaced."""
        citations, references = self.data["citations"], self.data["citation_refs"]
        known = self._holding
        if (known is None or known[0] is not citations or known[1] is not references
                or known[2] > len(citations) or known[3] > len(references)):
            known = (citations, references, 0, 0, set())
        names = known[4]
        names.update(citation.bibliography_key.docname for citation in citations[known[2]:])
        names.update(ref.docname for ref in references[known[3]:])
        self._holding = (citations, references, len(citations), len(references), names)
        return names

    def _order(self, citation: Any) -> int:
        """The citation's place in the citation list (citations are tuples: by identity)."""
        if self._positions is None:
            self._positions = {id(c): n for n, c in enumerate(self.citations)}
        return self._positions[id(citation)]

    def _citations_of(self, key: str) -> list[Any]:
        if self._by_key is None:
            self._by_key = defaultdict(list)
            for citation in self.citations:
                if self.bibliographies[citation.bibliography_key].list_ == "citation":
                    self._by_key[citation.key].append(citation)
        return self._by_key.get(key, [])

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        """sphinxcontrib-bibtex's resolve_xref, with citations looked up by key."""
        if not upstream.resolves_indexed():  # reported at start-up (compat/bibtex.py)
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        keys = {t.key: t for t in upstream.parse_citation_targets(target)}
        # as upstream's dict comprehensions over the citation list: a key's citation
        # on this page wins over one elsewhere; each key takes the place of its first
        # citation in the list and the value of its last; this page's keys come first
        local: dict[str, tuple[int, Any]] = {}
        other: dict[str, tuple[int, Any]] = {}
        for key in keys:
            for citation in self._citations_of(key):
                found = local if citation.bibliography_key.docname == fromdocname else other
                found[key] = (found[key][0] if key in found else self._order(citation), citation)
        citations = {key: c for key, (_, c) in sorted(local.items(), key=lambda kv: kv[1][0])}
        for key, (_, citation) in sorted(other.items(), key=lambda kv: kv[1][0]):
            citations.setdefault(key, citation)
        for key in keys:
            if key not in citations:
                logger.warning('could not find bibtex key "%s"' % key, location=node,
                               type="bibtex", subtype="key_not_found")
        parts = _paper_parts(env, builder)
        linked = [(citation, keys[citation.key],
                   parts.get(citation.citation_id, citation.bibliography_key.docname))
                  for citation in citations.values()]
        if upstream.formats_apart():
            formatted = upstream.join_references(self.reference_style, typ, [
                self._formatted_reference(typ, citation, cited, fromdocname, builder, todoc)
                for citation, cited, todoc in linked])
        else:  # reported at start-up (compat/bibtex.py)
            formatted = upstream.format_references(self.reference_style, typ, [
                self._reference(citation, cited, fromdocname, builder, todoc)
                for citation, cited, todoc in linked])
        # its text is the same from every page (only its links differ): the excerpts
        # quote it (citation_text), in the process that resolves the pages
        self.plain_citations.setdefault(
            _citation_key(typ, keys, citations.values()), _plain_text(formatted))
        result = docutils.nodes.inline(rawsource=target)
        result["classes"].append("bibtex-citation")
        result += formatted.render(self.backend)
        return result

    def _formatted_reference(self, typ: str, citation: Any, target: Any, fromdocname: str,
                             builder: Any, todocname: str) -> BaseText:
        """One reference of a citation, formatted once for all the pages it links the same
        from: its role, entry and words around it, and its link (make_refnode's: an anchor
        on the entry's own page, else the relative URI, the same from a whole folder)."""
        link = (None if todocname == fromdocname
                else builder.get_relative_uri(fromdocname, todocname))
        made_of = (builder.name, typ, citation.citation_id, target.pre, target.post,
                   todocname, link)
        known = self.formatted_references.get(made_of)
        if known is None:
            known = upstream.format_reference(self.reference_style, typ, *self._reference(
                citation, target, fromdocname, builder, todocname))
            self.formatted_references[made_of] = known
        return known

    def citation_text(self, typ: str, target: str) -> str | None:
        """A cite role's text as its page shows it, plain ("[Jumper et al., 2021]"): the
        reference style's own formatting, as `resolve_xref` does it, without the links;
        None where none of its keys is known (the build warned) or upstream's internals
        this relies on are not there (compat/bibtex.py reported that at start-up)."""
        if not upstream.resolves_indexed():
            return None
        keys = {t.key: t for t in upstream.parse_citation_targets(target)}
        # each key's first citation in the list, as resolve_xref takes one from another page
        found = {key: self._citations_of(key)[0] for key in keys if self._citations_of(key)}
        if not found:
            return None
        ordered = sorted(found.values(), key=self._order)
        known = self.plain_citations.get(_citation_key(typ, keys, ordered))
        if known is not None:  # formatted as a page that shows it was resolved
            return known
        references = [self._reference(citation, keys[citation.key], "", None,
                                      citation.bibliography_key.docname)
                      for citation in ordered]
        return _plain_text(upstream.format_references(self.reference_style, typ, references))

    def _reference(self, citation: Any, target: Any, fromdocname: str, builder: Any,
                   todocname: str) -> tuple[Any, Any, Any]:
        """What format_references takes for one citation: a reference from `fromdocname`,
        linking to the citation on `todocname` (the part of a split paper index holding it)."""
        info = upstream.SphinxReferenceInfo(
            builder=builder, fromdocname=fromdocname, todocname=todocname,
            citation_id=citation.citation_id,
            title=(citation.tooltip_entry.text.render(PLAINTEXT).replace("\\url ", "")
                   if citation.tooltip_entry else None),
            pre_text=target.pre, post_text=target.post)
        return citation.entry, citation.formatted_entry, info

    def get_all_cited_keys(self, docnames):
        position = {docname: n for n, docname in enumerate(docnames)}
        for citation_ref in sorted(self.citation_refs, key=lambda c: position[c.docname]):
            for target in citation_ref.targets:
                yield target.key

    def get_filtered_entries(self, bibliography_key):
        if not upstream.filters_indexed():  # reported at start-up (compat/bibtex.py)
            yield from super().get_filtered_entries(bibliography_key)
            return
        bibliography = self.bibliographies[bibliography_key]
        index = self._cited_docnames
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            if index is not None:
                cited_docnames = index.get(key, set())
            else:  # called outside env_updated: do as sphinxcontrib-bibtex does
                cited_docnames = {ref.docname for ref in self.citation_refs
                                  if key in {t.key for t in ref.targets}}
            visitor = upstream.FilterVisitor(entry=entry, docname=bibliography_key.docname,
                                     cited_docnames=cited_docnames)
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:
                logger.warning("syntax error in :filter: expression; %s" % err,
                               location=(bibliography_key.docname, bibliography.line),
                               type="bibtex", subtype="filter_syntax_error")
                success = bool(cited_docnames)
            if success or entry.key in bibliography.keys:
                yield key, entry

    def get_formatted_entries(self, bibliography_key, docnames, tooltips, tooltips_style):
        bibliography = self.bibliographies[bibliography_key]
        entries = dict(self.get_sorted_entries(bibliography_key, docnames))
        style = pybtex.plugin.find_plugin("pybtex.style.formatting", bibliography.style)()
        style2 = ((pybtex.plugin.find_plugin("pybtex.style.formatting", tooltips_style)()
                   if tooltips_style else style) if tooltips else None)
        sorted_entries = list(style.sort(entries.values()))
        labels = style.format_labels(sorted_entries)
        cache: dict[tuple, FormattedEntry | None] = self.data["kb_formatted"]
        fresh: dict[tuple, FormattedEntry | None] = {}
        # an upgrade of the packages that format them formats every entry again
        made_by = tuple(versions(REFERENCES))
        for label, entry in zip(labels, sorted_entries):
            full_label = bibliography.labelprefix + label
            digest = (made_by, _entry_digest(entry))
            try:
                main = self._format(cache, fresh, style, bibliography.style, full_label, entry, digest)
                tip = (self._format(cache, fresh, style2, tooltips_style or bibliography.style,
                                    full_label, entry, digest) if style2 else None)
                yield entry, main, tip
            except FieldIsMissing as exc:
                logger.warning(str(exc), location=(bibliography_key.docname, bibliography.line),
                               type="bibtex", subtype="missing_field")
                yield entry, FormattedEntry(entry.key, Tag("b", str(exc)), full_label), None
        # keep only what this build used, so the cache does not grow with old entries
        self.data["kb_formatted"] = {**{k: v for k, v in cache.items() if k in fresh}, **fresh}

    @staticmethod
    def _format(cache, fresh, style, style_name, label, entry, digest) -> FormattedEntry:
        key = (style_name, label, entry.key, digest)
        if key in fresh:
            return fresh[key]
        found = cache.get(key)
        if found is None:
            found = style.format_entry(label, entry)
        fresh[key] = found
        return found


def _citation_key(typ: str, targets: Mapping[str, Any], citations: Iterable[Any]) -> tuple:
    """What a citation's text is made of: the role, and each reference's entry and the
    words before and after it, in order (which page it is on changes only its links)."""
    return (typ, tuple((c.citation_id, targets[c.key].pre, targets[c.key].post)
                       for c in citations))


def _plain_text(text: BaseText) -> str:
    """Formatted text without its links: a reference (which renders only as docutils
    nodes, with a link made for a builder) is the text of its parts."""
    if isinstance(text, BaseMultipartText):
        return "".join(_plain_text(part) for part in text.parts)
    return text.render(PLAINTEXT)


def _paper_parts(env: BuildEnvironment, builder: Any) -> dict[str, str]:
    """In HTML, entry id -> the part of the paper index split by year that holds it (kb's
    graph; {} where the index is one page, or this domain is used without kb)."""
    try:
        kb = env.get_domain("kb")
    except ExtensionError:
        return {}
    return kb.graph.papers.part_pages(split_threshold(builder))  # type: ignore[attr-defined]


def _year(entry: Any) -> int | None:
    digits = "".join(c for c in entry.fields.get("year", "") if c.isdigit())
    return int(digits[:4]) if len(digits) >= 4 else None


def _plain(latex: str) -> str:
    # braces only protect capitals; pybtex's full LaTeX parser is far slower
    return " ".join(latex.replace("{", "").replace("}", "").split())


def _venue(entry: Any, text: BaseText) -> str:
    """The reference after its authors and title, as plain text.

    pybtex's styles join a reference's blocks (the authors, the title, where it appeared,
    its identifiers) with the `newblock` symbol; an entry without authors starts with its
    title."""
    blocks: list[list[Any]] = [[]]
    for part in getattr(text, "parts", [text]):
        if isinstance(part, Symbol) and part.name == "newblock":
            blocks.append([])
        else:
            blocks[-1].append(part)
    skip = 2 if entry.persons.get("author") else 1
    return " ".join(Text(*block).render(PLAINTEXT).strip() for block in blocks[skip:] if block)


def setup_cite_domain(app: Sphinx) -> None:
    """The `cite` domain, indexed, in place of sphinxcontrib-bibtex's own (set up first);
    and its bibliographies filled from their own pages' references (compat/bibtex.py)."""
    app.add_domain(IndexedBibtexDomain, override=True)
    app.add_post_transform(upstream.BibliographyOnItsOwnReferences)


def cite_domain(env: BuildEnvironment) -> IndexedBibtexDomain:
    """sphinxcontrib-bibtex's `cite` domain of a build (this subclass), typed."""
    return cast(IndexedBibtexDomain, env.get_domain("cite"))


def author_of(person: Any, people: Mapping[str, KnownPerson]) -> Author:
    """A pybtex person as the knowledge base names them: their id by the name rule
    (model/people.py), or the id their ORCID iD in `people` (kb_people) gives them."""
    name = Name.of(" ".join(person.first_names + person.middle_names),
                   " ".join(person.prelast_names + person.last_names + person.lineage_names))
    known = people.get(name.key)
    if known is None:
        return Author(name.key, _plain(str(person)))
    return Author(known.key, _plain(str(person)), known.orcid)


def papers_of(domain: IndexedBibtexDomain,
              people: Mapping[str, KnownPerson] | None = None) -> dict[str, Paper]:
    """Every cited work, from the citations the domain formatted for this build (the
    knowledge graph's Paper records); `people`: kb_people, read."""
    people = people or {}
    found: dict[str, Paper] = {}
    for citation in domain.citations:
        entry = citation.entry
        authors = tuple(author_of(p, people) for p in entry.persons.get("author", ()))
        found[citation.key] = Paper(
            key=citation.key,
            title=_plain(entry.fields.get("title", citation.key)),
            text=citation.formatted_entry.text.render(PLAINTEXT),
            year=_year(entry),
            authors=authors,
            doi=entry.fields.get("doi"),
            eprint=entry.fields.get("eprint"),
            url=entry.fields.get("url"),
            docname=citation.bibliography_key.docname,
            anchor=citation.citation_id,
            unverified=unverified_fields(entry.fields.get("unverified", "")),
            venue=_venue(entry, citation.formatted_entry.text),
        )
    return found
