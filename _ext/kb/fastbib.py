"""sphinxcontrib-bibtex's domain, made linear for a knowledge base of thousands of pages.

After every read (also when nothing was read), sphinxcontrib-bibtex decides each
bibliography's entries and formats every cited entry again. Two parts of that
grow with the site (PRODUCT.md, lesson 8):

- the filter scans every citation reference for every entry (entries x references),
  and the citation order looks each reference's page up in a list (references x pages);
- formatting an entry through pybtex's templates costs about 12 ms, for every cited
  entry, on every build, a no-op rebuild included.

This subclass indexes the references once per build and keeps each entry's
formatted text between builds, keyed by what it is made from (style, entry, label).
Its output is sphinxcontrib-bibtex's own: the same entries, order and text.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pybtex.plugin
from pybtex.richtext import Tag
from pybtex.style import FormattedEntry
from pybtex.style.template import FieldIsMissing
from sphinx.util import logging
from sphinxcontrib.bibtex.domain import BibtexDomain, _FilterVisitor

logger = logging.getLogger(__name__)


def _entry_digest(entry: Any) -> str:
    parts = [entry.type, *sorted(entry.fields.items()),
             *sorted((role, [str(p) for p in people]) for role, people in entry.persons.items())]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class IndexedBibtexDomain(BibtexDomain):
    """The `cite` domain, with indexed lookups and formatted entries kept across builds."""

    initial_data = {**BibtexDomain.initial_data, "kb_formatted": {}}
    _cited_docnames: dict[str, set[str]] | None = None

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

    def get_all_cited_keys(self, docnames):
        position = {docname: n for n, docname in enumerate(docnames)}
        for citation_ref in sorted(self.citation_refs, key=lambda c: position[c.docname]):
            for target in citation_ref.targets:
                yield target.key

    def get_filtered_entries(self, bibliography_key):
        bibliography = self.bibliographies[bibliography_key]
        index = self._cited_docnames
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            if index is not None:
                cited_docnames = index.get(key, set())
            else:  # called outside env_updated: do as sphinxcontrib-bibtex does
                cited_docnames = {ref.docname for ref in self.citation_refs
                                  if key in {t.key for t in ref.targets}}
            visitor = _FilterVisitor(entry=entry, docname=bibliography_key.docname,
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
        for label, entry in zip(labels, sorted_entries):
            full_label = bibliography.labelprefix + label
            digest = _entry_digest(entry)
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
