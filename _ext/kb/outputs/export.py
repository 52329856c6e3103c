"""The knowledge base as data: the `kb.json` export and BibTeX per item (JSON-LD: jsonld.py).

Pure Python with no Sphinx or docutils import: every function here takes the
knowledge graph (`model.KnowledgeGraph`) or records and returns plain data or text,
so the same model feeds the views, the export and the structured data. The Sphinx
glue that writes the results into the site is `structured_data.py`.

Everything written comes from contributor text, so it is only ever serialised with
`json.dumps` (never formatted by hand). kb.json's URLs are relative to the site's root;
no path of the build machine is ever read into the data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..model.graph import KnowledgeGraph
from ..model.records import PageRecord, Paper, Series

# The version of kb.json's format (see docs/data-export.md, "Versioning"): MAJOR.MINOR.
# MINOR goes up when a field or an object type is added (old readers still work);
# MAJOR when a field is removed, renamed, or changes its type or meaning.
SCHEMA_VERSION = "2.0"
SCHEMA_FILE = "kb.schema.json"
EXPORT_FILE = "kb.json"

# docname -> URL of its page (relative to the site's root, or to the current page)
Uri = Callable[[str], str]


# -- kb.json ------------------------------------------------------------------------


def _page(graph: KnowledgeGraph, page: PageRecord, uri: Uri) -> dict[str, Any]:
    docname = page.docname
    data: dict[str, Any] = {
        "docname": docname,
        "url": uri(docname),
        "kind": page.kind,
        "title": page.title,
        "authors": list(page.authors),
    }
    if page.kind == "topic":
        data["topic"] = page.slug
        return data
    data.update({
        "date": page.date.iso() if page.date else None,
        "year": page.year,
        "series": page.series,
        "issue": page.issue,
        "source": page.source,
        "summary": page.summary,
        "topics": list(graph.listings.page_topics.get(docname, [])),
        "items": [f"{docname}#{item.anchor}" for item in graph.items.get(docname, [])],
        "cites": known_citations(graph, graph.papers.cited_on(docname)),
    })
    return data


def known_citations(graph: KnowledgeGraph, keys: Iterable[str]) -> list[str]:
    """The keys of works in refs.bib, each once, in order.

    A key that is not there has been warned about when the page was checked;
    the citation is left out, the rest of the record kept.
    """
    papers = graph.papers.papers
    return [key for key in dict.fromkeys(keys) if key in papers]


def _year_of(page: PageRecord | None) -> int | None:
    """The year an item belongs to: a review's year reviewed, else its page's year."""
    if page is None:
        return None
    if page.year is not None:
        return page.year
    return page.date.year if page.date else None


def _item_records(graph: KnowledgeGraph, uri: Uri) -> list[dict[str, Any]]:
    found = []
    for docname in sorted(graph.items):
        page = graph.pages.get(docname)
        for item in graph.items[docname]:
            found.append({
                "id": f"{docname}#{item.anchor}",
                "page": docname,
                "anchor": item.anchor,
                "url": f"{uri(docname)}#{item.anchor}",
                "title": item.title,
                "kind": item.kind,
                "date": page.date.iso() if page and page.date else None,
                "year": _year_of(page),
                "topics": list(graph.listings.item_topics.get((docname, item.anchor), [])),
                "links": [item.url] if item.url else [],
                "cites": known_citations(graph, item.cites),
            })
    return found


def _topic_records(graph: KnowledgeGraph, uri: Uri) -> list[dict[str, Any]]:
    found = []
    for slug in sorted(graph.taxonomy.topics):
        node = graph.taxonomy.topics[slug]
        direct = graph.listings.direct.get(slug, [])
        found.append({
            "slug": slug,
            "title": node.title,
            "docname": node.docname,
            "url": uri(node.docname),
            "parent": node.parent,
            "children": sorted(node.children),
            "aliases": list(node.aliases),
            "items": sorted(f"{e.docname}#{e.anchor}" for e in direct if e.anchor),
            "pages": sorted(e.docname for e in direct if not e.anchor),
        })
    return found


def _paper_record(graph: KnowledgeGraph, paper: Paper, uri: Uri,
                  parts: Mapping[str, str]) -> dict[str, Any]:
    citing = graph.papers.cited_by(paper.key)
    return {
        "key": paper.key,
        "title": paper.title,
        "year": paper.year,
        "authors": [author.name for author in paper.authors],
        "author_keys": [author.key for author in paper.authors],
        "unverified": list(paper.unverified),
        "doi": paper.doi,
        "arxiv": paper.eprint,
        "url": paper.url,
        "reference": paper.text,
        "index_url": (f"{uri(parts.get(paper.anchor, paper.docname))}#{paper.anchor}"
                      if paper.docname else None),
        "cited_by": {
            "items": [f"{doc}#{anchor}" for doc, anchor in citing if anchor],
            "pages": sorted({doc for doc, _ in citing}),
        },
    }


def _people(graph: KnowledgeGraph, uri: Uri, pages: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{
        "key": person.author.key,
        "name": person.author.name,
        "names": list(person.names),
        "orcid": person.author.orcid,
        "papers": sorted(p.key for p in person.works),
        "url": (f"{uri(pages[person.author.anchor])}#{person.author.anchor}"
                if person.author.anchor in pages else None),
    } for person in graph.papers.authors()]


def build_export(graph: KnowledgeGraph, series: Mapping[str, Series], uri: Uri,
                 project: str, paper_parts: Mapping[str, str] | None = None,
                 person_pages: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The whole knowledge base as one JSON-ready dict, every list in a fixed order.
    `paper_parts`: entry id -> the page holding it, where the paper index is split;
    `person_pages`: a person's anchor -> the page of the author index holding them."""
    paper_parts = paper_parts or {}
    pages = [_page(graph, graph.pages[doc], uri) for doc in sorted(graph.pages)]
    return {
        "$schema": SCHEMA_FILE,
        "schema_version": SCHEMA_VERSION,
        "project": project,
        "pages": pages,
        "items": _item_records(graph, uri),
        "topics": _topic_records(graph, uri),
        "series": [
            {
                "slug": slug,
                "name": series[slug].name,
                "url": series[slug].url,
                "kind": series[slug].kind,
                "pages": list(graph.catalogue.by_series.get(slug, [])),
            }
            for slug in sorted(series)
        ],
        "papers": [_paper_record(graph, graph.papers.papers[key], uri, paper_parts)
                   for key in sorted(graph.papers.papers)],
        "authors": _people(graph, uri, person_pages or {}),
    }


def dump_export(data: Mapping[str, Any]) -> str:
    """kb.json's text: sorted keys, one layout, so the same data gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# -- BibTeX -----------------------------------------------------------------------------


# The fields of BibTeX's standard styles, with the identifiers and links biblatex made
# standard: what a reader's own bibliography software knows. refs.bib's own bookkeeping
# (`unverified`) stays out of what readers copy; kb.json keeps it.
STANDARD_FIELDS = frozenset({
    "address", "annote", "booktitle", "chapter", "crossref", "edition", "howpublished",
    "institution", "journal", "key", "month", "note", "number", "organization", "pages",
    "publisher", "school", "series", "title", "type", "volume", "year",
    "doi", "eprint", "archiveprefix", "primaryclass", "eprintclass", "eprinttype", "url",
    "urldate", "isbn", "issn",
})


def standard_entry(entry: Any) -> Any:
    """The pybtex entry with its standard fields only (its people all kept)."""
    from pybtex.database import Entry

    fields = [(name, value) for name, value in entry.fields.items()
              if name.lower() in STANDARD_FIELDS]
    if len(fields) == len(entry.fields):
        return entry
    return Entry(entry.type, fields=fields, persons=entry.persons)


def bibtex_entries(entries: Mapping[str, Any], keys: Iterable[str],
                   cache: dict[str, str] | None = None) -> list[str]:
    """Each given key's BibTeX (one entry, ending in a newline), in order, unknown keys
    left out, standard fields only (`STANDARD_FIELDS`).

    `cache` keeps each entry's text for the rest of a build: pybtex's writer costs
    about a millisecond an entry, and a work is cited by many items.
    """
    from pybtex.database import BibliographyData
    from pybtex.database.output.bibtex import Writer

    cache = {} if cache is None else cache
    texts = []
    for key in dict.fromkeys(keys):
        if key not in entries:
            continue
        if key not in cache:
            cache[key] = Writer().to_string(BibliographyData(
                entries={key: standard_entry(entries[key])}))
        texts.append(cache[key])
    return texts
