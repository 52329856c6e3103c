"""Who is one person (`kb.model.people`): the name rule, ORCID iDs, initials that clash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kb.model.people import Name, Spelling, initials_clashes, known_people, orcid_problem


def name(text: str) -> Name:
    """'Surname, Given' as refs.bib writes it."""
    surname, _, given = text.partition(", ")
    return Name.of(given, surname)


@pytest.mark.parametrize(("one", "other"), [
    ("Tramèr, Florian", "Tramer, Florian"),  # accents
    ("Lee, Kuang-Huei", "Lee, Kuang Huei"),  # hyphen or space
    ("Lee, Kuang-Huei", "lee, kuang-HUEI"),  # case
    ("Žídek, Augustin", "Zidek,  Augustin"),  # accents and spacing
    ("Kohl, Simon A. A.", "Kohl, Simon A A"),  # dots
    ("Romera-Paredes, Bernardino", "Romera Paredes, Bernardino"),
    ("Žídek, Augustin", "{\\v{Z}}\\'{\\i}dek, Augustin"),  # LaTeX accents in a bib file
])
def test_spellings_of_one_full_name_are_one_person(one, other):
    assert name(one).key == name(other).key


@pytest.mark.parametrize(("one", "other"), [
    ("Lee, Katherine", "Lee, Kimin"),
    ("Lee, Kimin", "Lee, Kuang-Huei"),
    ("Chen, Lili", "Chen, Liang-Chieh"),
    ("Kohl, Simon A. A.", "Kohl, Simon"),  # a middle initial more is another name
    ("Lee, K.", "Lee, Kimin"),  # initials are never a full name
    ("Lee, K.", "Lee, K.-H."),
    ("Lee Kuang, Huei", "Lee, Kuang Huei"),  # where the surname ends matters
])
def test_different_names_are_different_people(one, other):
    assert name(one).key != name(other).key


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
NAMES = st.tuples(st.lists(WORD, min_size=1, max_size=2), st.lists(WORD, max_size=3))


@given(NAMES, NAMES)
def test_the_id_never_joins_two_different_normalised_names(one, other):
    """The rule can never join two different full names: the id is one-to-one."""
    a = Name(tuple(one[0]), tuple(one[1]))
    b = Name(tuple(other[0]), tuple(other[1]))
    assert (a.key == b.key) == (a == b)


def test_ids_are_readable_and_stable():
    assert name("Lee, Kuang-Huei").key == "lee--kuang-huei"
    assert name("Lee, K.").key == "lee--k"
    assert name("Žídek, Augustin").key == "zidek--augustin"
    assert Name.of("", "OpenAI").key == "openai"  # no given names: the surname alone


def test_initials_only():
    assert name("Lee, K.").initials_only and name("Lee, K.-H.").initials_only
    assert name("Lee, K.-H.").initials == ("k", "h")
    assert not name("Lee, Kimin").initials_only
    assert not name("Kohl, Simon A. A.").initials_only  # one full given name is enough
    assert not Name.of("", "OpenAI").initials_only


def test_initials_clash_with_full_names_of_the_same_surname_and_initials():
    spellings = [Spelling(name(text), text, key, line) for text, key, line in [
        ("Lee, Katherine", "carlini2021", 3), ("Lee, Kimin", "chen2021", 7),
        ("Lee, Kuang-Huei", "lee2022", 11), ("Lee, K.", "other2020", 15),
        ("Lee, K.-H.", "other2020", 15), ("Lee, L.", "other2020", 15),
        ("Chen, L.", "other2020", 16), ("Chen, Lili", "chen2021", 7),
        ("Chen, Liang-Chieh", "howard2019", 20),
    ]]
    clashes = {c.initials.text: [s.text for s in c.full] for c in initials_clashes(spellings)}
    assert clashes == {
        # a first initial may stand for any of them; two initials only for Kuang-Huei
        "Lee, K.": ["Lee, Katherine", "Lee, Kimin", "Lee, Kuang-Huei"],
        "Lee, K.-H.": ["Lee, Kuang-Huei"],
        "Chen, L.": ["Chen, Liang-Chieh", "Chen, Lili"],
    }  # "Lee, L.": no full name of that surname starts with L
    [clash] = [c for c in initials_clashes(spellings) if c.initials.text == "Lee, K.-H."]
    assert clash.initials.line == 15
    assert "'Lee, K.-H.' in 'other2020' has the surname and initials of 'Lee, Kuang-Huei' " \
        "(lee2022): give the full name if it is the same person" in clash.message


def test_orcid_ids_are_checked_by_their_check_digit():
    assert orcid_problem("0000-0002-1825-0097") is None  # ORCID's own example
    assert orcid_problem("0000-0002-1694-233X") is None  # a check digit of 10 is X
    assert "check digit" in orcid_problem("0000-0002-1825-0098")
    assert "four groups of four digits" in orcid_problem("0000-0002-1825")


def test_spellings_given_one_orcid_share_one_id():
    found = known_people({name("Laskin, Misha"): "0000-0002-1825-0097",
                          name("Laskin, Michael"): "0000-0002-1825-0097",
                          name("Lee, Kimin"): "0000-0002-1694-233X"})
    assert found["laskin--misha"] == found["laskin--michael"]
    assert found["laskin--misha"].key == "laskin--michael"  # the smaller of their own ids
    assert found["lee--kimin"].key == "lee--kimin"
    assert found["lee--kimin"].orcid == "0000-0002-1694-233X"
