"""Front-matter fuzzing: whatever YAML a contributor writes, `frontmatter.load` and
`contract.read_front_matter` give back located problems, never an exception.

Hypothesis writes the documents: keys of the contract mixed with junk, values of
every YAML type (and text YAML turns into dates, numbers, booleans or nulls, or
refuses), nested mappings and lists, tags, anchors, and broken syntax. The default
run tries 10,000 documents; `-m slow` adds the 40,000 of the "slow" test.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import SERIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kb.model import contract, frontmatter
from kb.model.records import PageRecord, Problem

KEYS = sorted(contract.CONTRACT_KEYS | contract.TOOL_KEYS) + [
    "sumary", "Title", "tpoics", "date ", "", "kind:", "- kind", "<<", "?", "&a", "!!str", "1",
    "null", "yes", "issue\t", "ключ",
]
# scalars as written: plain, and text YAML converts or refuses
TRICKY = [
    "review", "newsletter", "topic", "reveiw", "garden", "weekly", "2021-02-30", "2021-13",
    "2021-10", "2022-01-03", "2021-02-30T25:00:00", "2021-1-1", "yes", "no", "on", "off", "true",
    "~", "null", "", "0", "-1", "1e400", ".inf", "-.nan", "0x1F", "0o17", "1_000", "12:30:00",
    "3.14", "https://example.org/", "javascript:alert(1)", "data:text/html,x", "/relative",
    "ftp://x", "http://", "<script>alert(1)</script>", "'quoted'", '"dq\\x41"', "'unclosed",
    '"unclosed', "[a, b]", "[a, [b]]", "{a: 1}", "{a: [1, {b: c}]}", "[unclosed", "{unclosed",
    "!!binary aGVsbG8=", "!!python/object:os.system x", "!foo bar", "!!int abc", "!!float x",
    "!!timestamp 2021-99-99", "!!bool maybe", "!!set {a, b}", "!!omap [a: 1]", "&anchor x",
    "*anchor", "*undefined", "|\n  block", ">\n  folded", "- a\n- b", "a: b: c", "a # comment",
    "#", "%YAML 1.1", "---", "...", "\t", "\x00", "\ufeff", "é", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "2021", "99999999999",
]

def _typed_values() -> list[str]:
    """Values of every YAML type, as YAML itself writes them (flow style, one line)."""
    import datetime as dt
    import random

    rng = random.Random(16)
    leaves: list[object] = [None, True, False, 0, -1, 2**70, 1.5, float("inf"), float("nan"),
                            dt.date(2021, 2, 28), dt.datetime(2021, 10, 1, 12, 30), "text",
                            "a: b", "", b"\x00\xff", "2021-02-30", "<b>x</b>"]
    out = []
    for _ in range(200):
        value: object = rng.choice(leaves)
        for _ in range(rng.randint(0, 3)):
            value = rng.choice([[value, rng.choice(leaves)], {rng.choice(["a", "kind", "1"]): value}])
        out.append(yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("\n..."))
    return sorted(set(out))


VALUES = TRICKY + _typed_values()
SEPARATORS = [": ", ":", " : ", ":  ", ":\n  - ", ":\n- ", ":\n    ", ": [", ": {", ": |\n  ", ": >\n  ",
              ": &a ", ": *a ", ": !!str ", ": - "]
INDENTS = ["", "", "", " ", "  ", "\t", "- ", "? "]
JUNK = ":-[]{}!&*#?|>'\"%@`,. \n\t0123456789abcdeyn~\x1f\u2028é"

def document_from(data: bytes) -> str:
    """A document from bytes, four bytes a line (indent, key, separator, value), as
    coverage-guided fuzzers read their input: one cheap draw for Hypothesis, which
    still mutates and shrinks it. High bytes give odd indents and separators, or junk."""
    lines = []
    for start in range(0, len(data) - 3, 4):
        chunk = data[start:start + 4]
        indent, key, separator, value = chunk
        if indent >= 240:
            lines.append("".join(JUNK[b % len(JUNK)] for b in chunk[1:]))
            continue
        # mostly well-formed lines, so that most documents reach the contract's checks
        lines.append((INDENTS[indent % len(INDENTS)] if indent >= 200 else "")
                     + KEYS[key % len(KEYS)]
                     + (SEPARATORS[separator % len(SEPARATORS)] if separator >= 200 else ": ")
                     + VALUES[value % len(VALUES)])
    return "\n".join(lines)


documents = st.one_of(st.binary(max_size=48).map(document_from),
                      st.text(alphabet=JUNK, max_size=40))


def check_document(text: str) -> None:
    source = f"---\n{text}\n---\n# A title\n\nBody.\n"
    last_line = source.count("\n") + 1
    loaded = frontmatter.load(source)
    assert isinstance(loaded.data, dict)
    if loaded.error is not None:
        assert isinstance(loaded.error_line, int) and 1 <= loaded.error_line <= last_line
        assert loaded.data == {}
    for message, line in loaded.problems:
        assert isinstance(message, str) and message
        assert isinstance(line, int) and 1 <= line <= last_line, (message, line)
    record, problems = contract.read_front_matter("page", "A title", loaded.data, loaded.lines,
                                                  SERIES)
    assert record is None or isinstance(record, PageRecord)
    for problem in problems:
        assert isinstance(problem, Problem) and problem.message, problem
        assert isinstance(problem.line, int) and 1 <= problem.line <= last_line, problem
    if record is not None:
        # what the record holds is of the contract's types, whatever came in
        assert isinstance(record.title, str)
        assert record.date is None or record.date.iso()
        assert all(isinstance(name, str) for name in record.authors + record.aliases)
        assert record.source is None or record.source.startswith(("http://", "https://"))


EXAMPLES = {"default": 10_000, "slow": 40_000}
ran: dict[str, int] = {"default": 0, "slow": 0}


def fuzz(profile: str):
    @settings(max_examples=EXAMPLES[profile], deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(documents)
    def run(text: str) -> None:
        ran[profile] += 1
        check_document(text)

    return run


def test_front_matter_validation_only_ever_reports_located_problems():
    fuzz("default")()
    # Hypothesis counts every document it tried (and the shrinking, on a failure)
    assert ran["default"] >= EXAMPLES["default"], ran
    print(f"fuzz: {ran['default']} front-matter documents")


@pytest.mark.slow
def test_front_matter_validation_slow_profile():
    fuzz("slow")()
    assert ran["slow"] >= EXAMPLES["slow"], ran
    print(f"fuzz (slow): {ran['slow']} front-matter documents")


# -- the cases the fuzzer found, and the known crash, as plain examples ------------------


@pytest.mark.parametrize("text", [
    "kind: review\ndate: 2021-02-30\nyear: 2021\nsummary: yes\ntitle: 2021",
    "date: !!timestamp 2021-99-99",
    "authors: !foo x",
    "? [a, b]\n: c",
    "year: 1\nyear: 2",
    "a: " + "[" * 1200 + "]" * 1200,
])
def test_known_hard_documents(text):
    check_document(text)


def test_a_date_yaml_refuses_is_reported_at_its_line_and_the_rest_still_checked():
    source = ("---\nkind: review\ndate: 2021-02-30\nyear: 2021\nseries: garden\nsummary: yes\n"
              "sumary: x\n---\n# T\n")
    loaded = frontmatter.load(source)
    assert loaded.error is None
    _, problems = contract.read_front_matter("p", "T", loaded.data, loaded.lines, SERIES)
    by_line = {p.line: p.message for p in problems}
    assert "malformed date '2021-02-30' (day is out of range for month)" in by_line[3]
    assert "YAML reads yes/no, true/false or on/off as a yes/no value" in by_line[6]
    assert "did you mean 'summary'?" in by_line[7]
