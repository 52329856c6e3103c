"""People: when two spellings of a name are one person, and the id each person gets.

Pure Python. refs.bib names a person once per work, and the same person is spelled in
more than one way ("Tramèr, Florian" and "Tramer, Florian", "Kuang-Huei" and "Kuang
Huei"), while different people share a surname and initials ("Lee, Katherine", "Lee,
Kimin" and "Lee, Kuang-Huei" are all "Lee, K."). The rule joins two spellings only where
they cannot be two people:

- the same full name once accents, hyphens, dots, spacing and case are set aside
  (`Name.key`); two different full names are never one person by this rule;
- or the same identifier (an ORCID iD), which a maintainer gives per person in
  `kb_people` (build/config.py): the one way to join spellings the rule keeps apart.

An initials-only name ("Lee, K.") can be any of several people, so it is a person of
its own, never joined to a full name; `initials_clashes` finds those that share a
surname and initials with a full name, which lint reports (bib/bibfile.py).

A person's id (`Name.key`, e.g. "lee--kuang-huei") is made from their own name alone, so
it does not change when other people are added; it is the anchor of their entry in the
author index and their key in kb.json.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# LaTeX in a bib name: a command that is a letter ("\o", "\ss") becomes the letter; an
# accent command ("\v{Z}", "\'e") goes, its letter stays
_LATEX_LETTERS = {"i": "i", "j": "j", "o": "o", "O": "O", "l": "l", "L": "L", "ss": "ss",
                  "ae": "ae", "AE": "AE", "oe": "oe", "OE": "OE", "aa": "a", "AA": "A"}
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+|.)\s*")
# Latin letters that Unicode does not decompose into a letter and an accent
_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                          "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})
_WORD = re.compile(r"[^\W_]+")  # letters and digits; hyphens, dots, spaces split
ORCID = re.compile(r"^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$")


def _tokens(text: str) -> tuple[str, ...]:
    text = _LATEX_COMMAND.sub(lambda found: _LATEX_LETTERS.get(found[1], ""), text)
    text = unicodedata.normalize("NFKD", text.replace("{", "").replace("}", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_LETTERS)
    return tuple(_WORD.findall(text.casefold()))


@dataclass(frozen=True)
class Name:
    """A person's name as the rule compares it: its surname and given names, each as
    normalised words ("Kuang-Huei" -> ("kuang", "huei"))."""

    surname: tuple[str, ...]
    given: tuple[str, ...]

    @classmethod
    def of(cls, given: str, surname: str) -> Name:
        """From the given names (first and middle) and the surname (with any "von" part
        and "Jr."), as BibTeX splits a name."""
        return cls(_tokens(surname), _tokens(given))

    @property
    def initials_only(self) -> bool:
        """Given names written as initials alone ("K.", "K.-H."): it can be several people."""
        return bool(self.given) and all(len(word) == 1 for word in self.given)

    @property
    def initials(self) -> tuple[str, ...]:
        return tuple(word[0] for word in self.given)

    @property
    def key(self) -> str:
        """The person's id: surname words, "--", given-name words ("lee--kimin"); the
        surname alone for a name without given names. Two names have the same id exactly
        when the rule makes them one person."""
        surname = "-".join(self.surname)
        return f"{surname}--{'-'.join(self.given)}" if self.given else surname


@dataclass(frozen=True)
class KnownPerson:
    """What `kb_people` says of a person: their ORCID iD, and the id that every spelling
    given that iD shares (the smallest of their ids, so it is one of their own)."""

    orcid: str
    key: str


def orcid_iri(orcid: str) -> str:
    return f"https://orcid.org/{orcid}"


def orcid_problem(text: str) -> str | None:
    """What is wrong with an ORCID iD ("0000-0002-1825-0097"), or None. The last character
    is a check digit (ISO 7064 11,2), so a mistyped digit is caught."""
    if not ORCID.match(text):
        return "an ORCID iD is four groups of four digits (the last may be X), e.g. 0000-0002-1825-0097"
    digits = text.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        return "its check digit does not match: copy the iD from the person's ORCID record"
    return None


def known_people(orcids: Mapping[Name, str]) -> dict[str, KnownPerson]:
    """Each spelling's id -> the person its ORCID iD makes it (spellings sharing an iD
    share one id)."""
    by_orcid: dict[str, list[str]] = {}
    for name, orcid in orcids.items():
        by_orcid.setdefault(orcid, []).append(name.key)
    return {key: KnownPerson(orcid, min(keys)) for orcid, keys in by_orcid.items() for key in keys}


@dataclass(frozen=True)
class Spelling:
    """A name as a work spells it, and where (for lint: the bib file's line)."""

    name: Name
    text: str  # as written: "Lee, K."
    work: str  # the bib key
    line: int | None = None


@dataclass(frozen=True)
class Clash:
    """An initials-only name that shares its surname and initials with full names."""

    initials: Spelling
    full: tuple[Spelling, ...]  # one spelling of each such full name

    @property
    def message(self) -> str:
        others = ", ".join(f"{s.text!r} ({s.work})" for s in self.full)
        return (f"{self.initials.text!r} in {self.initials.work!r} has the surname and "
                f"initials of {others}: give the full name if it is the same person, as a "
                "primary listing of the work prints it (until then the author index lists "
                "them apart)")


def initials_clashes(spellings: Iterable[Spelling]) -> list[Clash]:
    """Every initials-only spelling whose surname is a full name's and whose initials
    begin that name's ("Lee, K." and "Lee, Kimin"; "Lee, K." and "Lee, Kuang-Huei", which
    a bibliography may abbreviate to its first initial), in the order given."""
    found = list(spellings)
    full: dict[tuple[str, ...], dict[str, Spelling]] = {}
    for spelling in found:
        if spelling.name.given and not spelling.name.initials_only:
            full.setdefault(spelling.name.surname, {}).setdefault(spelling.name.key, spelling)
    clashes = []
    for spelling in found:
        name = spelling.name
        if not name.initials_only:
            continue
        matches = tuple(s for _, s in sorted(full.get(name.surname, {}).items())
                        if s.name.initials[:len(name.initials)] == name.initials)
        if matches:
            clashes.append(Clash(spelling, matches))
    return clashes
