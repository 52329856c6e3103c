"""JSON-LD read as a search engine reads it: expanded by a maintained JSON-LD processor
(PyLD), offline, into a graph the tests can check (tests/outputs/test_jsonld.py, the real
site's pages in tests/site/test_site.py)."""

from __future__ import annotations

from typing import Any

from pyld import jsonld

SCHEMA = "http://schema.org/"

# What schema.org's own JSON-LD context (release 26.0: data/releases/26.0/schemaorgcontext.jsonld
# in the schemaorg/schemaorg repository) says of the terms the site writes, restated for
# them alone: every term is in the schema.org vocabulary, and these take an IRI ("@type":
# "@id", so a relative reference would be resolved against the page) or a date. The terms
# the site writes are all in TERMS, so a new one is looked up here before it is used.
IRI_TERMS = ("url", "sameAs", "isBasedOn", "isPartOf", "inDefinedTermSet")
DATE_TERMS = ("datePublished",)
TEXT_OR_NODE_TERMS = (
    "name", "headline", "description", "inLanguage", "author", "publisher", "about",
    "citation", "hasPart", "mentions", "genre", "identifier", "propertyID", "value",
    "termCode", "issueNumber", "alternateName",
)
TERMS = set(IRI_TERMS + DATE_TERMS + TEXT_OR_NODE_TERMS)
CONTEXT = {"@context": {
    "@vocab": SCHEMA, "schema": SCHEMA,
    **{term: {"@id": f"schema:{term}", "@type": "@id"} for term in IRI_TERMS},
    **{term: {"@id": f"schema:{term}", "@type": "Date"} for term in DATE_TERMS},
}}
CONTEXT_URLS = ("https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/")


def offline_loader(url: str, options: dict) -> dict:
    """schema.org's context from CONTEXT; any other address is an error (no network)."""
    if url not in CONTEXT_URLS:
        raise AssertionError(f"the JSON-LD asked for {url}, which a test cannot fetch")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": CONTEXT}


def expand(data: dict) -> list[dict]:
    """The JSON-LD as a processor reads it, with no base address: a relative reference
    stays relative, so a check of `references` sees it."""
    return jsonld.expand(data, {"documentLoader": offline_loader, "base": None})


def keys_of(data: Any) -> set[str]:
    """Every property the compact JSON-LD uses (not its keywords)."""
    if isinstance(data, dict):
        return {k for k in data if not k.startswith("@")} | \
            {key for value in data.values() for key in keys_of(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_of(value)}
    return set()


def references(expanded: Any) -> list[str]:
    """Every IRI of the expanded graph: node ids, IRI values and types."""
    found: list[str] = []
    if isinstance(expanded, dict):
        for key, value in expanded.items():
            if key == "@id":
                found.append(value)
            elif key == "@type":
                found.extend(value if isinstance(value, list) else [value])
            elif key != "@value":
                found.extend(references(value))
    elif isinstance(expanded, list):
        for value in expanded:
            found.extend(references(value))
    return found


def nodes_of(expanded: Any, type_: str) -> list[dict]:
    """Every node of the expanded graph with the schema.org type `type_`."""
    found = []
    if isinstance(expanded, dict):
        if SCHEMA + type_ in expanded.get("@type", []):
            found.append(expanded)
        for value in expanded.values():
            found.extend(nodes_of(value, type_))
    elif isinstance(expanded, list):
        for value in expanded:
            found.extend(nodes_of(value, type_))
    return found


def value(node: dict, term: str) -> Any:
    """The one value of a term in an expanded node: its text, the IRI it is, or its node."""
    [found] = node[SCHEMA + term]
    if "@value" in found:
        return found["@value"]
    return found["@id"] if set(found) == {"@id"} else found
