"""Every mistake a contributor can make is reported through a real Sphinx build.

Each test copies tests/roots/test-kb (a small valid site) to a temporary
directory, breaks it in one place, builds it with the HTML builder and checks
the warning: `<absolute source path>:<line>: WARNING: <message with the fix> [<type>]`,
no traceback, and the broken page still written.

Observed warning types: ours are `kb.<subtype>`; MyST reports an invalid
directive option value itself, as `[myst.directive_option]` on the option's
line, and a front matter it cannot parse as `[myst.topmatter]` on line 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DATE_FIX, URL_FIX, Build, add_duplicate_issue, append, line_of, replace

WARNING = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+)?: WARNING: (?P<message>.*) \[(?P<type>[\w.]+)\]$")

ITEM_KINDS = "paper, application, news, article, library, dataset, report, course, book, event"


# -- helpers ----------------------------------------------------------------------


def replacing(path: str, old: str, new: str) -> Callable[[Path], None]:
    """A mutation that replaces `old` (which must occur once) in one file of the site."""
    return lambda src: replace(src / path, old, new)


def add_second_item_with_the_same_title(src: Path) -> None:
    append(src / "reviews/r2021.md", "\n```{kb:item} AlphaFold2\n:kind: paper\n\nAgain.\n```\n")


def parsed(build: Build) -> list[tuple[str, int | None, str, str]]:
    """(path relative to the source directory, line, message, type) of every warning."""
    out = []
    for line in build.warning_lines:
        match = WARNING.match(line)
        assert match, f"not a located, typed warning: {line!r}"
        path = Path(match["path"]).relative_to(build.srcdir).as_posix()
        out.append((path, int(match["line"]) if match["line"] else None,
                    match["message"], match["type"]))
    return out


def heading_of(src: Path, path: str) -> str:
    return next(line[2:].strip() for line in (src / path).read_text(encoding="utf-8").splitlines()
                if line.startswith("# "))


@pytest.fixture
def build(copy_root):
    """build(mutate=None, **confoverrides): break a copy of the kb root, build it."""
    site = copy_root("kb")

    def run(mutate: Callable[[Path], None] | None = None, **confoverrides) -> Build:
        if mutate is not None:
            mutate(site)
        return Build(site, confoverrides=confoverrides)

    return run


# -- the table of mistakes ------------------------------------------------------------


@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    path: str  # the file the warning names, relative to the source directory
    # the warning's line: that of the (last) line of the broken file that contains this
    # text, so that the table survives lines added to the test root; the comments give
    # the line numbers in tests/roots/test-kb as of writing
    at: str
    parts: tuple[str, ...]  # what the message must say: the problem and the fix
    type: str
    # every other warning the build prints, as (path, line, type)
    others: tuple[tuple[str, int, str], ...] = ()


CASES = [
    Case(
        "broken-yaml",
        replacing("reviews/r2021.md", "summary: A review of 2021.", "summary: A review: of 2021."),
        "reviews/r2021.md", "summary: A review: of 2021.",  # line 9
        ("broken YAML in the front matter (mapping values are not allowed here)",
         "check the indentation and quote values that contain ': ' "
         "or start with a special character"),
        "kb.front_matter",
        others=(("reviews/r2021.md", 1, "myst.topmatter"),),  # MyST: 'Malformed YAML'
    ),
    Case(
        "authors-as-string",
        replacing("reviews/r2021.md", "authors: [Ana Example, Žídek Augustin]",
                   "authors: Ana Example"),
        "reviews/r2021.md", "authors: Ana Example",  # line 7
        ("'authors' must be a YAML list, not a string", "write authors: [Ana Example]"),
        "kb.front_matter",
    ),
    Case(
        "unknown-key",
        replacing("reviews/r2021.md", "summary:", "sumary:"),
        "reviews/r2021.md", "sumary:",  # line 9
        ("unknown front-matter key 'sumary'", "did you mean 'summary'?"),
        "kb.front_matter",
        # the required key is then missing, reported at the opening '---'
        others=(("reviews/r2021.md", 1, "kb.front_matter"),),
    ),
    Case(
        "unknown-kind",
        replacing("reviews/r2021.md", "kind: review", "kind: reveiw"),
        "reviews/r2021.md", "kind: reveiw",  # line 2
        ("unknown kind 'reveiw'", "write one of review, newsletter, topic",
         "did you mean 'review'?"),
        "kb.front_matter",
    ),
    Case(
        "unknown-topic-front-matter",
        replacing("reviews/r2021.md", "topics: [ai-for-science]", "topics: [protien-structure]"),
        "reviews/r2021.md", "topics: [protien-structure]",  # line 8
        ("unknown topic 'protien-structure'", "did you mean 'protein-structure'?"),
        "kb.topic",
    ),
    Case(
        # reported on the item's ':topics:' line (17)
        "unknown-topic-item",
        replacing("reviews/r2021.md", ":topics: protein-structure", ":topics: protien-structure"),
        "reviews/r2021.md", ":topics: protien-structure",  # line 17
        ("unknown topic 'protien-structure'", "did you mean 'protein-structure'?"),
        "kb.topic",
    ),
    Case(
        "unknown-series",
        replacing("reviews/r2021.md", "series: garden", "series: gardn"),
        "reviews/r2021.md", "series: gardn",  # line 5
        ("unknown series 'gardn'", "did you mean 'garden'?"),
        "kb.series",
    ),
    Case(
        "duplicate-issue",
        add_duplicate_issue,
        "newsletters/n220b.md", "issue: 220",  # line 5
        ("issue 220 of series 'weekly' is already newsletters/n220",
         "give this page its own issue number"),
        "kb.duplicate",
    ),
    Case(
        "malformed-date",
        replacing("newsletters/n220.md", "date: 2021-10", "date: 2021-13"),
        "newsletters/n220.md", "date: 2021-13",  # line 3
        ("malformed date '2021-13' (month must be in 1..12)", DATE_FIX),
        "kb.front_matter",
    ),
    Case(
        "malformed-url",
        replacing("reviews/r2021.md", "source: https://example.org/2021/", "source: ftp://x"),
        "reviews/r2021.md", "source: ftp://x",  # line 6
        ("malformed URL 'ftp://x'", URL_FIX),
        "kb.front_matter",
    ),
    Case(
        "unknown-parent",
        replacing("topics/protein-structure.md", "parent: ai-for-science", "parent: ai-for-sciense"),
        "topics/protein-structure.md", "parent: ai-for-sciense",  # line 3
        ("unknown parent topic 'ai-for-sciense'", "did you mean 'ai-for-science'?"),
        "kb.topic",
    ),
    Case(
        "parent-cycle",
        replacing("topics/ai-for-science.md", "kind: topic\n",
                   "kind: topic\nparent: protein-structure\n"),
        "topics/ai-for-science.md", "parent: protein-structure",  # line 3
        ("topic parents form a cycle (ai-for-science -> protein-structure -> ai-for-science)",
         "remove the parent of one of them"),
        "kb.topic",
    ),
    Case(
        "item-unknown-kind",
        replacing("reviews/r2021.md", ":kind: application", ":kind: aplication"),
        "reviews/r2021.md", ":kind: aplication",  # line 16
        ("'kb:item': Invalid option value for 'kind': aplication",
         "unknown item kind 'aplication'; did you mean 'application'?",
         f"(kinds: {ITEM_KINDS})"),
        "myst.directive_option",
    ),
    Case(
        "item-non-http-url",
        replacing("reviews/r2021.md", ":url: https://example.org/af2", ":url: ftp://example.org/af2"),
        "reviews/r2021.md", ":url: ftp://example.org/af2",  # line 18
        ("'kb:item': Invalid option value for 'url'", "malformed URL 'ftp://example.org/af2'",
         URL_FIX),
        "myst.directive_option",
    ),
    Case(
        "items-same-title",
        add_second_item_with_the_same_title,
        "reviews/r2021.md", "```{kb:item} AlphaFold2",  # line 23
        ("two items on this page have the anchor 'alphafold2'",
         "give this one :id: alphafold2-2 (or another unique id)"),
        "kb.item",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mistake_is_reported_with_file_line_and_fix(build, case):
    built = build(case.mutate)
    line = line_of(built.srcdir / case.path, case.at)
    output = built.warnings
    prefix = f"{built.srcdir / case.path}:{line}: WARNING: "
    # one warning, at the file and line of the mistake (the prefix is the location)
    matching = [w for w in built.warning_lines if w.startswith(prefix) and case.parts[0] in w]
    assert len(matching) == 1, output
    warning = matching[0]
    for part in case.parts:
        assert part in warning, output
    assert warning.endswith(f" [{case.type}]"), output
    assert "Traceback" not in output
    assert "Traceback" not in built.status
    # the page with the mistake is still written, with its content
    html = built.outdir / Path(case.path).with_suffix(".html")
    assert html.is_file(), f"{html} was not written"
    assert heading_of(built.srcdir, case.path) in html.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_mistake_gives_only_these_warnings(build, case):
    built = build(case.mutate)
    observed = sorted((path, line, kind) for path, line, _, kind in parsed(built))
    line = line_of(built.srcdir / case.path, case.at)
    assert observed == sorted([(case.path, line, case.type), *case.others])


def test_the_valid_site_builds_without_warnings(build):
    built = build()
    assert built.warning_lines == []


def test_myst_reports_broken_front_matter_too(build):
    built = build(CASES[0].mutate)
    assert f"{built.srcdir / 'reviews/r2021.md'}:1: WARNING: Malformed YAML [myst.topmatter]" \
        in built.warning_lines


def test_front_matter_that_is_not_a_mapping(build):
    built = build(lambda src: (src / "topics/gans.md").write_text(
        "---\n- a\n- b\n---\n# GANs\n\nAdversarial.\n", encoding="utf-8"))
    warnings = built.warning_lines
    assert (f"{built.srcdir / 'topics/gans.md'}:2: WARNING: the front matter must be a YAML "
            "mapping of keys to values (key: value) [kb.front_matter]") in warnings
    assert (built.outdir / "topics/gans.html").is_file()


def test_renamed_item_anchor_is_in_the_html(build):
    built = build(add_second_item_with_the_same_title)
    html = (built.outdir / "reviews/r2021.html").read_text(encoding="utf-8")
    assert 'id="alphafold2"' in html
    assert 'id="alphafold2-2"' in html


def test_dropped_item_url_still_renders_the_item(build):
    built = build(replacing("reviews/r2021.md", ":url: https://example.org/af2",
                            ":url: ftp://example.org/af2"))
    html = (built.outdir / "reviews/r2021.html").read_text(encoding="utf-8")
    assert 'id="alphafold2"' in html
    assert "ftp://example.org/af2" not in html


# -- silencing ------------------------------------------------------------------------

UNKNOWN_TOPIC = replacing("reviews/r2021.md", "topics: [ai-for-science]",
                          "topics: [protien-structure]")
UNKNOWN_SERIES = replacing("reviews/r2021.md", "series: garden", "series: gardn")


def both(src: Path) -> None:
    UNKNOWN_TOPIC(src)
    UNKNOWN_SERIES(src)


def test_suppress_warnings_silences_a_subtype(build):
    built = build(UNKNOWN_TOPIC, suppress_warnings=["kb.topic"])
    assert built.warning_lines == []
    assert (built.outdir / "reviews/r2021.html").is_file()


def test_suppressing_one_subtype_keeps_the_others(build):
    built = build(both, suppress_warnings=["kb.topic"])
    assert [(path, line, kind) for path, line, _, kind in parsed(built)] == [
        ("reviews/r2021.md", 5, "kb.series")]


def test_suppress_warnings_silences_the_whole_type(build):
    built = build(both, suppress_warnings=["kb"])
    assert built.warning_lines == []


# -- rebuilds ---------------------------------------------------------------------------


def test_cross_page_problems_are_reported_again_on_a_no_op_rebuild(build):
    built = build(UNKNOWN_TOPIC)
    first = [w for w in built.warning_lines if "[kb.topic]" in w]
    assert len(first) == 1
    again = Build(built.srcdir)
    assert [w for w in again.warning_lines if "[kb.topic]" in w] == first
