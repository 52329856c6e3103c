"""The knowledge base as data: the `kb.json` export, JSON-LD, and BibTeX per item.

Pure Python with no Sphinx or docutils import: every function here takes the
knowledge graph (`model.KnowledgeGraph`) or records and returns plain data or text,
so the same model feeds the views, the export and the structured data. The Sphinx
glue that writes the results into the site is `structured_data.py`.

Everything written comes from contributor text, so it is only ever serialised with
`json.dumps` (never formatted by hand), and `script_json` escapes what could end a
`<script>` element. URLs are relative to the site's root (or to the page, for
JSON-LD); no path of the build machine is ever read into the data.
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
SCHEMA_VERSION = "1.0"
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


def build_export(graph: KnowledgeGraph, series: Mapping[str, Series], uri: Uri,
                 project: str, paper_parts: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The whole knowledge base as one JSON-ready dict, every list in a fixed order.
    `paper_parts`: entry id -> the page holding it, where the paper index is split."""
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
        "authors": [
            {"key": author.key, "name": author.name, "papers": sorted(p.key for p in works)}
            for author, works in graph.papers.authors()
        ],
    }


def dump_export(data: Mapping[str, Any]) -> str:
    """kb.json's text: sorted keys, one layout, so the same data gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# -- JSON-LD (schema.org) --------------------------------------------------------------


def script_json(data: Any) -> str:
    """JSON to put inside <script>: '<', '>' and '&' escaped, so no text can end the
    element ('</script>') or open a comment ('<!--') there."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def paper_identifiers(paper: Paper) -> list[dict[str, str]]:
    found = []
    if paper.doi:
        found.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi})
    if paper.eprint:
        found.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": paper.eprint})
    return found


def _cited_work(paper: Paper) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "ScholarlyArticle", "name": paper.title}
    if paper.authors:
        work["author"] = [{"@type": "Person", "name": a.name} for a in paper.authors]
    if paper.year:
        work["datePublished"] = str(paper.year)
    identifiers = paper_identifiers(paper)
    if identifiers:
        work["identifier"] = identifiers
    link = paper.link
    if link:
        work["sameAs"] = link[1]
    return work


def _topic_term(graph: KnowledgeGraph, slug: str, uri: Uri, set_name: str) -> dict[str, Any]:
    """A topic as other pages name it: what their own views show of it (its title, slug
    and page), so an edit elsewhere (an alias, say) never leaves this data stale."""
    node = graph.taxonomy.topics[slug]
    return {
        "@type": "DefinedTerm", "@id": uri(node.docname), "url": uri(node.docname),
        "name": node.title, "termCode": slug,
        "inDefinedTermSet": {"@type": "DefinedTermSet", "name": set_name},
    }


def page_jsonld(graph: KnowledgeGraph, docname: str, series: Mapping[str, Series],
                uri: Uri, project: str, description: str = "") -> dict[str, Any] | None:
    """schema.org data for a review or issue (an Article) or a topic (a DefinedTerm).

    `uri` gives URLs relative to the page itself, which JSON-LD resolves against
    the page's address; `description`, what describes the page (its excerpt: the
    summary, else its first sentences). None for other pages.
    """
    page = graph.pages.get(docname)
    set_name = f"{project}: topics"
    if page is None:
        return None
    if page.kind == "topic":
        if page.slug not in graph.taxonomy.topics or graph.taxonomy.topics[page.slug].docname != docname:
            return None
        node = graph.taxonomy.topics[page.slug]
        term = _topic_term(graph, page.slug, uri, set_name)
        if node.aliases:
            term["alternateName"] = list(node.aliases)
        if node.parent is not None:
            # schema.org has no "broader": name the parent by what this page's own front
            # matter gives (its slug, so its page), not by the parent's other fields
            parent = graph.taxonomy.topics[node.parent].docname
            term["isPartOf"] = {"@type": "DefinedTerm", "@id": uri(parent), "termCode": node.parent}
        if description:
            term["description"] = description
        return {"@context": "https://schema.org", **term}
    if page.kind not in ("review", "newsletter"):
        return None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["Article", "PublicationIssue"] if page.kind == "newsletter" else "Article",
        "@id": uri(docname),
        "url": uri(docname),
        "headline": page.title,
        "name": page.title,
        "inLanguage": "en",
    }
    if page.date:
        data["datePublished"] = page.date.iso()
    if description:
        data["description"] = description
    if page.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in page.authors]
    if page.source:
        data["isBasedOn"] = page.source
    if page.kind == "newsletter" and page.issue is not None:
        data["issueNumber"] = str(page.issue)
    info = series.get(page.series or "")
    if info is not None:
        name = info.name
        home = info.url
        organisation: dict[str, Any] = {"@type": "Organization", "name": name}
        whole: dict[str, Any] = {
            "@type": "Periodical" if page.kind == "newsletter" else "CreativeWorkSeries",
            "name": name,
        }
        if home:
            organisation["url"] = whole["url"] = str(home)
        data["publisher"] = organisation
        data["isPartOf"] = whole
    topics = graph.links.topics_of_page(docname)
    if topics:
        data["about"] = [_topic_term(graph, slug, uri, set_name) for slug in topics]
    cited = known_citations(graph, graph.papers.cited_on(docname))
    if cited:
        data["citation"] = [_cited_work(graph.papers.papers[key]) for key in cited]
    return data


# -- BibTeX -----------------------------------------------------------------------------


def bibtex_entries(entries: Mapping[str, Any], keys: Iterable[str],
                   cache: dict[str, str] | None = None) -> list[str]:
    """Each given key's BibTeX (one entry, ending in a newline), in order, unknown keys
    left out.

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
            cache[key] = Writer().to_string(BibliographyData(entries={key: entries[key]}))
        texts.append(cache[key])
    return texts
