"""export.py and jsonld.py, the pure part of data out: kb.json's data, JSON-LD, BibTeX, escaping.

Built from a small graph of records (no Sphinx), so each rule is shown on its own;
tests/outputs/test_dataout.py shows the same in built sites.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kb.model.graph import KnowledgeGraph
from kb.model.records import (
    Author,
    Citation,
    ItemRecord,
    PageRecord,
    Paper,
    PartialDate,
    Series,
    TopicRef,
)
from kb.outputs import export, jsonld
from pybtex.database import parse_string

SCHEMA = json.loads((Path(export.__file__).with_name(export.SCHEMA_FILE)).read_text("utf-8"))
SERIES = {"weekly": Series("weekly", "Weekly", "https://example.org/w/", "newsletter")}
EVIL = 'Evil </script><script>alert(1)</script> & <!-- "quoted" \u2028'


def uri(docname: str) -> str:
    return f"{docname}.html"


SITE = jsonld.KnowledgeBase("KB", "The KB contributors", "https://example.org/kb/")


def absolute(docname: str) -> str:
    return f"{SITE.url}{docname}.html"


def graph(title: str = "Weekly 1", item_title: str = "AlphaFold") -> KnowledgeGraph:
    pages = {
        "topics/folding": PageRecord("topics/folding", "topic", "Folding", aliases=("protein folding",)),
        "n1": PageRecord("n1", "newsletter", title, date=PartialDate(2021, 10), series="weekly",
                         issue=1, summary=title, authors=(title,),
                         topics=(TopicRef("protein folding", 3),)),
    }
    items = {"n1": [ItemRecord("n1", "alphafold", item_title, "paper",
                               topics=(TopicRef("folding", 9),),
                               cites=("jumper2021", "nosuch2020"), url="https://example.org/?a=1&b=2")]}
    cites = {"n1": [Citation("n1", "alphafold", "jumper2021", 10),
                    Citation("n1", "alphafold", "nosuch2020", 10)]}
    papers = {"jumper2021": Paper("jumper2021", item_title, "Jumper. " + item_title, 2021,
                                  (Author("jumper--john", "Jumper, John"),),
                                  doi="10.1038/x", eprint="2101.00001", docname="refs", anchor="id1")}
    return KnowledgeGraph(pages, items, {}, cites, lambda: papers)


def test_export_validates_against_the_schema_and_drops_only_the_unknown_citation():
    data = export.build_export(graph(), SERIES, uri, "KB")
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    item = data["items"][0]
    # the unknown key was warned about at read time; the item is whole without it
    assert item["cites"] == ["jumper2021"]
    assert item["topics"] == ["folding"]
    assert item["links"] == ["https://example.org/?a=1&b=2"]
    assert data["papers"][0]["cited_by"] == {"items": ["n1#alphafold"], "pages": ["n1"]}
    assert data["papers"][0]["arxiv"] == "2101.00001"
    page = next(p for p in data["pages"] if p["docname"] == "n1")
    assert page["topics"] == ["folding"] and page["cites"] == ["jumper2021"]
    topic = data["topics"][0]
    assert topic["aliases"] == ["protein folding"] and topic["items"] == ["n1#alphafold"]


def test_the_schema_rejects_what_breaks_the_format():
    data = export.build_export(graph(), SERIES, uri, "KB")
    bad = json.loads(json.dumps(data))
    bad["items"][0]["kind"] = "rumour"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA, cls=jsonschema.Draft202012Validator)
    bad = json.loads(json.dumps(data))
    del bad["papers"][0]["doi"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_same_records_give_the_same_bytes_in_any_order():
    one = export.dump_export(export.build_export(graph(), SERIES, uri, "KB"))
    records = graph()
    records.pages = dict(reversed(list(records.pages.items())))
    two = export.dump_export(export.build_export(records, SERIES, uri, "KB"))
    assert one == two and one.endswith("}\n")


@given(st.text())
def test_any_text_survives_json_and_cannot_end_a_script(text):
    encoded = jsonld.script_json({"headline": text})
    assert json.loads(encoded) == {"headline": text}
    assert not re.search(r"[<>&\u2028\u2029]", encoded)
    data = export.build_export(graph(text or "x", text or "x"), SERIES, uri, "KB")
    assert json.loads(export.dump_export(data)) == data


def test_jsonld_of_an_issue_has_types_identifiers_and_escapes_its_title():
    data = jsonld.page_jsonld(graph(EVIL, EVIL), "n1", SERIES, absolute, SITE)
    assert data["@type"] == "Article" and data["@id"] == "https://example.org/kb/n1.html"
    assert data["headline"] == EVIL
    assert data["author"] == data["publisher"] == SITE.organisation()
    original = data["isBasedOn"]
    assert original["@type"] == "PublicationIssue" and original["issueNumber"] == "1"
    assert original["author"] == [{"@type": "Person", "name": EVIL}]
    assert original["isPartOf"] == {"@type": "Periodical", "name": "Weekly",
                                    "url": "https://example.org/w/"}
    assert [t["termCode"] for t in data["about"]] == ["folding"]
    [work] = data["citation"]
    assert {(i["propertyID"], i["value"]) for i in work["identifier"]} == {
        ("DOI", "10.1038/x"), ("arXiv", "2101.00001")}
    assert work["@id"] == "https://doi.org/10.1038/x"
    [item] = data["hasPart"]
    assert item["@id"] == "https://example.org/kb/n1.html#alphafold"
    assert item["citation"] == [{"@id": "https://doi.org/10.1038/x"}]  # the unknown key left out
    assert item["mentions"] == {"@id": "https://example.org/?a=1&b=2"}
    text = jsonld.script_json(data)
    assert "</script" not in text and "<!--" not in text
    assert json.loads(text) == data


def test_jsonld_names_an_author_by_their_entry_and_orcid():
    paper = graph().papers.papers["jumper2021"]
    person = Author("jumper--john", "Jumper, John", "0000-0002-1825-0097")
    work = jsonld.cited_work(dataclasses.replace(paper, authors=(person,)),
                             lambda a: f"https://example.org/kb/authors.html#{a.anchor}")
    assert work["author"] == [{
        "@type": "Person", "name": "Jumper, John",
        "@id": "https://example.org/kb/authors.html#person-jumper--john",
        "sameAs": "https://orcid.org/0000-0002-1825-0097",
        "identifier": {"@type": "PropertyValue", "propertyID": "ORCID",
                       "value": "0000-0002-1825-0097"}}]


def test_jsonld_of_a_topic_is_a_defined_term_and_other_pages_have_none():
    data = jsonld.page_jsonld(graph(), "topics/folding", SERIES, absolute, SITE)
    assert data["@type"] == "DefinedTerm" and data["termCode"] == "folding"
    assert data["@id"] == "https://example.org/kb/topics/folding.html"
    assert data["inDefinedTermSet"] == {"@type": "DefinedTermSet", "name": "KB: topics"}
    assert data["alternateName"] == ["protein folding"]
    assert jsonld.page_jsonld(graph(), "index", SERIES, absolute, SITE) is None


def test_bibtex_of_keys_parses_back_and_leaves_unknown_keys_out():
    source = parse_string(
        "@article{a2020x, title = {{X}: a title}, author = {Žídek, A. and Doe, J.}, "
        "year = {2020}, doi = {10.1/x}, unverified = {pages}, note = {Pages not verified}}\n@misc{b2021y, title = {Y}, year = {2021}, eprint = {2101.1}}",
        "bibtex")
    texts = export.bibtex_entries(source.entries, ["b2021y", "nosuch", "a2020x", "b2021y"])
    back = parse_string("\n".join(texts), "bibtex")  # as an item's block joins them
    assert list(back.entries) == ["b2021y", "a2020x"]
    # one entry a text, each key once, in the order first asked
    assert [list(parse_string(text, "bibtex").entries) for text in texts] == [["b2021y"], ["a2020x"]]
    assert back.entries["a2020x"].fields["doi"] == "10.1/x"
    assert "unverified" not in back.entries["a2020x"].fields  # not a BibTeX field
    assert back.entries["a2020x"].fields["note"] == "Pages not verified"  # a standard one
    assert [str(p) for p in back.entries["a2020x"].persons["author"]] == ["Žídek, A.", "Doe, J."]
    assert export.bibtex_entries(source.entries, ["nosuch"]) == []


def test_bibtex_cache_gives_the_same_text_and_holds_each_entry_once():
    source = parse_string("@misc{a, title = {A}, doi = {10.1/a}}\n@misc{b, title = {B}, doi = {10.1/b}}",
                          "bibtex")
    cache: dict[str, str] = {}
    first = export.bibtex_entries(source.entries, ["a", "b"], cache)
    assert sorted(cache) == ["a", "b"]
    assert export.bibtex_entries(source.entries, ["b", "a"], cache) == export.bibtex_entries(
        source.entries, ["b", "a"])
    assert first == export.bibtex_entries(source.entries, ["a", "b"])
