"""Who is one person, as a reader and a data user meet it: the author index, kb.json and the
JSON-LD of the `people` root (model/people.py).

The root cites five works whose authors share surnames: "Lee, Katherine", "Lee, Kimin",
"Lee, Kuang-Huei" (also spelled "Lee, Kuang Huei"), "Lee, K."; "Chen, Lili", "Chen,
Liang-Chieh", "Chen, L."; "Tramèr, Florian" and "Tramer, Florian"; and "Laskin, Misha" and
"Laskin, Michael", whom conf.py's `kb_people` gives one ORCID iD.
"""

from __future__ import annotations

import json

import pytest
from conftest import Build, append, page, replace

pytestmark = pytest.mark.sphinx(testroot="people", confoverrides={"nitpicky": True})

ORCID = "0000-0002-1825-0097"
# each person's entry: their works; initials stay apart from every full name
PEOPLE = {
    "Carlini, Nicholas": ["Work A"],
    "Chen, L.": ["Work E"],
    "Chen, Liang-Chieh": ["Work D"],
    "Chen, Lili": ["Work B"],
    "Laskin, Michael": ["Work C", "Work B"],  # one ORCID iD: one person
    "Lee, K.": ["Work E"],
    "Lee, Katherine": ["Work A"],
    "Lee, Kimin": ["Work B"],
    "Lee, Kuang-Huei": ["Work C", "Work D"],  # "Kuang Huei" in Work D: one full name
    "Tramèr, Florian": ["Work A", "Work D"],  # "Tramer" in Work D: one full name
    "Yang, M.": ["Work E"],
    "Yang, Mengjiao": ["Work C"],
}


def people(build: Build) -> dict[str, tuple[str, list[str]]]:
    """name -> (its entry's id, the titles of its works), from the built author index."""
    found = {}
    for entry in page(build, "authors").select("p.kb-author"):
        works = [em.get_text() for em in entry.select("em")]
        found[entry.strong.get_text()] = (entry["id"], works)
    return found


def test_the_author_index_has_one_entry_per_person_with_exactly_their_works(html):
    assert not [w for w in html.warning_lines if "WARNING" in w], html.warnings
    shown = people(html)
    assert {name: works for name, (_, works) in shown.items()} == PEOPLE
    assert shown["Lee, Kuang-Huei"][0] == "person-lee--kuang-huei"
    assert shown["Lee, K."][0] == "person-lee--k"
    assert shown["Tramèr, Florian"][0] == "person-tramer--florian"
    assert shown["Laskin, Michael"][0] == "person-laskin--michael"
    ids = [entry_id for entry_id, _ in shown.values()]
    assert len(set(ids)) == len(ids)
    # the ids are the page's only such anchors: each a link target
    soup = page(html, "authors")
    assert all(len(soup.select(f'[id="{entry_id}"]')) == 1 for entry_id in ids)


def test_kb_json_keys_each_person_by_their_id(html):
    data = json.loads((html.outdir / "kb.json").read_text(encoding="utf-8"))
    authors = {a["key"]: a for a in data["authors"]}
    assert sorted(authors) == sorted(
        ["carlini--nicholas", "chen--l", "chen--liang-chieh", "chen--lili", "laskin--michael",
         "lee--k", "lee--katherine", "lee--kimin", "lee--kuang-huei", "tramer--florian",
         "yang--m", "yang--mengjiao"])
    assert not [key for key in authors if "|" in key]  # no "lee|k" any more
    assert authors["lee--kuang-huei"]["names"] == ["Lee, Kuang Huei", "Lee, Kuang-Huei"]
    assert authors["lee--kuang-huei"]["papers"] == ["c2022", "d2019"]
    assert authors["lee--kimin"]["papers"] == ["b2021"]
    assert authors["lee--k"]["papers"] == ["e2020"]
    assert authors["chen--liang-chieh"]["papers"] == ["d2019"]
    assert authors["laskin--michael"]["orcid"] == ORCID
    assert authors["laskin--michael"]["names"] == ["Laskin, Michael", "Laskin, Misha"]
    assert authors["lee--kimin"]["url"] == "authors.html#person-lee--kimin"
    papers = {p["key"]: p for p in data["papers"]}
    assert papers["b2021"]["author_keys"] == ["chen--lili", "lee--kimin", "laskin--michael"]


def test_the_json_ld_names_each_author_by_their_entry(html):
    soup = page(html, "newsletters/n1")
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    people = {p["name"]: p for work in data["citation"] for p in work["author"]}
    base = "https://example.org/kb/authors.html#"
    assert people["Lee, Kimin"]["@id"] == base + "person-lee--kimin"
    assert people["Lee, K."]["@id"] == base + "person-lee--k"
    assert people["Lee, Kuang Huei"]["@id"] == people["Lee, Kuang-Huei"]["@id"]
    assert people["Laskin, Misha"]["@id"] == people["Laskin, Michael"]["@id"] == \
        base + "person-laskin--michael"
    assert people["Laskin, Misha"]["sameAs"] == f"https://orcid.org/{ORCID}"
    assert "sameAs" not in people["Lee, Kimin"]


def test_an_entry_keeps_its_anchor_when_other_people_are_added(copy_root):
    src = copy_root("people")
    before = people(Build(src))
    append(src / "refs.bib", "\n@article{f2023,\n  title = {Work F},\n  author = {Lee, Kim and "
                             "Lee, Ki-Min and Chen, Li},\n  journal = {Journal},\n  year = {2023},\n"
                             "  doi = {10.1000/f},\n}\n")
    replace(src / "newsletters" / "n1.md", "e2020\n", "e2020, f2023\n")
    after = people(Build(src))
    assert {name: entry_id for name, (entry_id, _) in before.items()} == \
        {name: after[name][0] for name in before}
    # three new people, none joined to another
    assert set(after) - set(before) == {"Lee, Kim", "Lee, Ki-Min", "Chen, Li"}
    assert after["Lee, Kimin"][1] == ["Work B"]
