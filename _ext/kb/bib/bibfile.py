"""Check a BibTeX file entry by entry, with the line of every problem.

Pure Python on pybtex's own low-level parser (the one sphinxcontrib-bibtex uses),
so what is reported here is what the site will load: a malformed entry is skipped
and the rest of the file still loads. The parser is not pybtex's documented API: it
comes from compat/bibtex.py, which checks it at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import Person

from ..compat.bibtex import LowLevelParser, PybtexError, PybtexSyntaxError, split_name_list
from ..model.people import Name, Spelling, initials_clashes
from ..model.records import Problem, suggest, unverified_fields

# the persistent identifiers every entry must have one of (a url alone is not enough)
IDENTIFIER_FIELDS = ("doi", "eprint")


@dataclass
class BibEntry:
    key: str
    entry_type: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    persons: dict[str, list[str]] = field(default_factory=dict)
    # the line each name of `persons` is written on, in the same order
    person_lines: dict[str, list[int]] = field(default_factory=dict)

    @property
    def unverified(self) -> set[str]:
        """Fields the entry declares it leaves out because they could not be verified."""
        return set(unverified_fields(self.fields.get("unverified", "")))


def read(path: Path) -> tuple[dict[str, BibEntry], list[Problem]]:
    """Every well-formed entry by key, and the problems, each with its line."""
    text = path.read_text(encoding="utf-8-sig")
    problems: list[Problem] = []
    entries: dict[str, BibEntry] = {}
    broken: set[str] = set()  # keys of malformed entries: reported once, not checked further

    def line_at(position: int) -> int:
        return text.count("\n", 0, position) + 1

    def handle_error(error: PybtexError) -> None:
        noticed = getattr(error, "lineno", None)
        start = line_at(parser.command_start)
        message = error.args[0] if error.args else str(error)
        if parser.current_entry_key:
            broken.add(parser.current_entry_key)
        problems.append(Problem(
            f"malformed BibTeX entry ({message} at line {noticed}); the rest of the file still "
            "loads: check this entry's braces, commas and quotes", start, "bib_syntax"))

    parser = LowLevelParser(text, keyless_entries=False, handle_error=handle_error,
                            filename=str(path))
    try:
        for command in parser:
            entry_type, body = command
            if entry_type.lower() in ("string", "preamble", "comment") or not isinstance(body, tuple):
                continue
            key, fields = body
            if not key:
                continue  # an entry without its key: reported once, by handle_error
            line = line_at(parser.command_start)
            if key in entries:
                problems.append(Problem(
                    f"duplicate key {key!r} (first defined at line {entries[key].line}); "
                    "the second entry is ignored: rename or remove one", line, "bib_duplicate"))
                continue
            entry = BibEntry(key, entry_type.lower(), line)
            for name, values in fields:
                name = name.lower()
                value = " ".join("".join(values).split())
                if name in entry.fields or name in entry.persons:
                    problems.append(Problem(
                        f"entry {key!r} has two {name!r} fields; keep one", line, "bib_syntax"))
                    continue
                if name in Person.valid_roles:
                    entry.persons[name] = split_name_list(value)
                    entry.person_lines[name] = _name_lines(
                        text, parser.command_start, entry.persons[name], line_at)
                else:
                    entry.fields[name] = value
            entries[key] = entry
    except PybtexSyntaxError as error:  # pragma: no cover - handle_error takes them
        handle_error(error)

    for key in broken:
        entries.pop(key, None)
    for entry in entries.values():
        if not entry.persons.get("author") and not entry.persons.get("editor") \
                and "title" not in entry.fields:
            problems.append(Problem(
                f"entry {entry.key!r} has no author, editor or title: add at least the title",
                entry.line, "bib_fields"))
        if not any(f in entry.fields for f in IDENTIFIER_FIELDS):
            # Every cited work needs a persistent identifier (a url is not one); naming
            # the field in `unverified` records why it is missing but no longer excuses it.
            why = (" (it is listed in `unverified`: verify it, from the publisher or arXiv)"
                   if entry.unverified & {"doi", "eprint"} else "")
            problems.append(Problem(
                f"entry {entry.key!r} has no doi or eprint{why}: add its DOI, or its arXiv id as "
                "eprint with archiveprefix = {arXiv}, so readers can find the work",
                entry.line, "bib_identifier"))
    return entries, problems


def _name_lines(text: str, start: int, names: list[str],
                line_at: Callable[[int], int]) -> list[int]:
    """The line of each name, found in order from the entry's start (a name's spaces may
    be any white space there, a line break included)."""
    lines, position = [], start
    for name in names:
        found = re.compile(r"\s+".join(map(re.escape, name.split()))).search(text, position)
        if found is None:  # not written as it reads (cannot be, but never fail a check)
            lines.append(line_at(start))
            continue
        lines.append(line_at(found.start()))
        position = found.end()
    return lines


def initials_problems(entries: dict[str, BibEntry]) -> list[tuple[str, Problem]]:
    """Each initials-only author name that has the surname and initials of a full name of
    another entry's or its own ("Lee, K." and "Lee, Kimin"), at the line of the name, with
    the key of its entry.

    An entry that lists `author` in `unverified` says no primary listing names its authors
    in full: its initials stay, and are not reported."""
    spellings = []
    for entry in entries.values():
        for text, line in zip(entry.persons.get("author", ()), entry.person_lines.get("author", ())):
            try:
                person = Person(text)
            except PybtexError:
                continue  # pybtex reports a malformed name when it loads the file
            name = Name.of(" ".join(person.first_names + person.middle_names),
                           " ".join(person.prelast_names + person.last_names
                                    + person.lineage_names))
            spellings.append(Spelling(name, text, entry.key, line))
    return [(clash.initials.work,
             Problem(f"{clash.message}; where no primary listing names the authors in full, "
                     "list author in the entry's `unverified` field", clash.initials.line,
                     "bib_initials"))
            for clash in initials_clashes(spellings)
            if "author" not in entries[clash.initials.work].unverified]


def unknown_key(key: str, known: dict[str, BibEntry] | set[str]) -> str:
    return (f"unknown citation key {key!r}"
            + (suggest(key, known) or "; add the work to refs.bib or correct the key"))
