"""The schema.org description (JSON-LD) of reviews, issues and topics.

Pure Python with no Sphinx or docutils import, like export.py; structured_data.py puts
the result in each page's head. What it says:

- A review or issue page is the knowledge base's own work, a retelling in its own words:
  an `Article` whose author and publisher are the knowledge base (its contributors, the
  `Organization` of `KnowledgeBase`), part of the knowledge base's `WebSite`. The
  original post or issue is what it `isBasedOn`, with what the front matter and
  `kb_series` say of it: its address, date, authors (front matter `authors`; left out
  when not given) and its series as publisher. Nothing is guessed.
- Its items are its parts (`hasPart`), each with its own address (the page's, with the
  item's anchor); the works it and its items cite keep their identifiers (DOI, arXiv:
  the `@id` of the work and a `PropertyValue` each). The page describes each work once
  (`citation`), an item names it by that `@id`; a work's authors are named by their
  entry in the author index (and their ORCID iD, where `kb_people` gives it).
- A topic page is a `DefinedTerm` of the knowledge base's `DefinedTermSet`.

Every `@id` and `url` is absolute: `uri` gives a page's address from `html_baseurl`,
so a search engine reading the block alone still knows what it names.

Everything comes from contributor text, so it is only ever serialised with `json.dumps`,
and `script_json` escapes what could end a `<script>` element.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model.graph import KnowledgeGraph
from ..model.people import orcid_iri
from ..model.records import Author, ItemRecord, PageRecord, Paper, Series
from .export import known_citations

CONTEXT = "https://schema.org"
# docname -> the page's absolute address
Uri = Callable[[str], str]
# a person -> the absolute address of their entry in the author index, None without one
PersonUri = Callable[[Author], "str | None"]


@dataclass(frozen=True)
class KnowledgeBase:
    """The site as author and publisher of its own pages."""

    name: str  # the project's name (conf.py `project`)
    contributors: str  # who writes it (conf.py `author`)
    url: str  # its address (`html_baseurl`), absolute, ending in "/"

    def organisation(self) -> dict[str, Any]:
        return {"@type": "Organization", "@id": f"{self.url}#contributors",
                "name": self.contributors, "url": self.url}

    def website(self) -> dict[str, Any]:
        return {"@type": "WebSite", "@id": self.url, "name": self.name, "url": self.url}


def script_json(data: Any) -> str:
    """JSON to put inside <script>: '<', '>' and '&' escaped, so no text can end the
    element ('</script>') or open a comment ('<!--') there."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# -- people and works ------------------------------------------------------------------


def person(author: Author, person_uri: PersonUri) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Person", "name": author.name}
    address = person_uri(author)
    if address:
        found["@id"] = address
    if author.orcid:
        found["sameAs"] = orcid_iri(author.orcid)
        found["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID",
                               "value": author.orcid}
    return found


def paper_identifiers(paper: Paper) -> list[dict[str, str]]:
    found = []
    if paper.doi:
        found.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi})
    if paper.eprint:
        found.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": paper.eprint})
    return found


def cited_work(paper: Paper, person_uri: PersonUri) -> dict[str, Any]:
    """A cited work; its `@id` is its DOI's or arXiv's address where it has one, so every
    page and item citing it names the same work."""
    work: dict[str, Any] = {"@type": "ScholarlyArticle", "name": paper.title}
    if paper.authors:
        work["author"] = [person(a, person_uri) for a in paper.authors]
    if paper.year:
        work["datePublished"] = str(paper.year)
    identifiers = paper_identifiers(paper)
    if identifiers:
        work["identifier"] = identifiers
    link = paper.link
    if link:
        work["url"] = link[1]
        if paper.doi or paper.eprint:
            work["@id"] = link[1]
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


# -- pages -----------------------------------------------------------------------------


def _topic_page(graph: KnowledgeGraph, page: PageRecord, uri: Uri, set_name: str,
                description: str) -> dict[str, Any] | None:
    node = graph.taxonomy.topics.get(page.slug)
    if node is None or node.docname != page.docname:
        return None
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
    return {"@context": CONTEXT, **term}


def original(page: PageRecord, info: Series | None) -> dict[str, Any]:
    """The post or issue a page retells, with what the front matter and `kb_series` say
    of it (its authors only where the front matter names them)."""
    found: dict[str, Any] = {"@type": "PublicationIssue" if page.kind == "newsletter" else "Article"}
    if page.source:
        found["@id"] = found["url"] = page.source
    if page.date:
        found["datePublished"] = page.date.iso()
    if page.authors:
        found["author"] = [{"@type": "Person", "name": name} for name in page.authors]
    if page.kind == "newsletter" and page.issue is not None:
        found["issueNumber"] = str(page.issue)
    if info is not None:
        publisher: dict[str, Any] = {"@type": "Organization", "name": info.name}
        whole: dict[str, Any] = {
            "@type": "Periodical" if page.kind == "newsletter" else "CreativeWorkSeries",
            "name": info.name,
        }
        if info.url:
            publisher["url"] = whole["url"] = info.url
        found["publisher"] = publisher
        found["isPartOf"] = whole
    return found


def _item(graph: KnowledgeGraph, item: ItemRecord, uri: Uri,
          person_uri: PersonUri) -> dict[str, Any]:
    address = f"{uri(item.docname)}#{item.anchor}"
    part: dict[str, Any] = {"@type": "CreativeWork", "@id": address, "url": address,
                            "name": item.title, "genre": item.kind}
    topics = graph.listings.item_topics.get((item.docname, item.anchor), [])
    if topics:
        part["about"] = [{"@id": uri(graph.taxonomy.topics[slug].docname)} for slug in topics]
    if item.url:
        part["mentions"] = {"@id": item.url}
    cited = known_citations(graph, item.cites)
    if cited:
        # the page's `citation` describes each work once; an item names it by its id
        works = [cited_work(graph.papers.papers[key], person_uri) for key in cited]
        part["citation"] = [{"@id": w["@id"]} if "@id" in w else w for w in works]
    return part


def page_jsonld(graph: KnowledgeGraph, docname: str, series: Mapping[str, Series], uri: Uri,
                site: KnowledgeBase, description: str = "",
                person_uri: PersonUri = lambda author: None) -> dict[str, Any] | None:
    """schema.org data for a review or issue (an Article) or a topic (a DefinedTerm);
    None for other pages. `uri` gives absolute addresses; `description` is the page's
    excerpt (its summary, else its first sentences)."""
    page = graph.pages.get(docname)
    if page is None:
        return None
    set_name = f"{site.name}: topics"
    if page.kind == "topic":
        return _topic_page(graph, page, uri, set_name, description)
    if page.kind not in ("review", "newsletter"):
        return None
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Article",
        "@id": uri(docname),
        "url": uri(docname),
        "headline": page.title,
        "name": page.title,
        "inLanguage": "en",
        "author": site.organisation(),
        "publisher": site.organisation(),
        "isPartOf": site.website(),
        "isBasedOn": original(page, series.get(page.series or "")),
    }
    if description:
        data["description"] = description
    topics = graph.links.topics_of_page(docname)
    if topics:
        data["about"] = [_topic_term(graph, slug, uri, set_name) for slug in topics]
    items = graph.items.get(docname, [])
    if items:
        data["hasPart"] = [_item(graph, item, uri, person_uri) for item in items]
    cited = known_citations(graph, graph.papers.cited_on(docname))
    if cited:
        data["citation"] = [cited_work(graph.papers.papers[key], person_uri) for key in cited]
    return data
