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
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).parent / "roots" / "test-kb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WARNING = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+)?: WARNING: (?P<message>.*) \[(?P<type>[\w.]+)\]$")

DATE_FIX = "write YYYY-MM-DD, or YYYY-MM when the day is not known"
URL_FIX = "write an absolute http:// or https:// address"
ITEM_KINDS = "paper, application, news, article, library, dataset, report, course, book, event"


# -- helpers ----------------------------------------------------------------------


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    """A mutation that replaces `old` (which must occur once) in one file of the site."""

    def mutate(src: Path) -> None:
        file = src / path
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} not once in {path}"
        file.write_text(text.replace(old, new), encoding="utf-8")

    return mutate


def add_duplicate_issue(src: Path) -> None:
    text = (src / "newsletters/n220.md").read_text(encoding="utf-8")
    (src / "newsletters/n220b.md").write_text(
        text.replace("# Weekly 220", "# Weekly 220 again"), encoding="utf-8")
    replace("index.md", "newsletters/n220\n", "newsletters/n220\nnewsletters/n220b\n")(src)


def add_second_item_with_the_same_title(src: Path) -> None:
    file = src / "reviews/r2021.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text + "\n```{kb:item} AlphaFold2\n:kind: paper\n\nAgain.\n```\n",
                    encoding="utf-8")


def strip(text: str) -> str:
    return ANSI.sub("", text)


def warnings_of(app) -> list[str]:
    return [line for line in strip(app.warning.getvalue()).splitlines() if line.strip()]


def parsed(app) -> list[tuple[str, int | None, str, str]]:
    """(path relative to the source directory, line, message, type) of every warning."""
    out = []
    for line in warnings_of(app):
        match = WARNING.match(line)
        assert match, f"not a located, typed warning: {line!r}"
        path = Path(match["path"]).relative_to(app.srcdir).as_posix()
        out.append((path, int(match["line"]) if match["line"] else None,
                    match["message"], match["type"]))
    return out


def line_of(src: Path, path: str, marker: str) -> int:
    """The 1-based number of the last line of the file that contains `marker`."""
    lines = (src / path).read_text(encoding="utf-8").splitlines()
    found = [number for number, text in enumerate(lines, 1) if marker in text]
    assert found, f"{marker!r} not in {path}"
    return found[-1]


def heading_of(src: Path, path: str) -> str:
    return next(line[2:].strip() for line in (src / path).read_text(encoding="utf-8").splitlines()
                if line.startswith("# "))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("_build"))
    return src


@pytest.fixture
def build(make_app, site):
    def run(mutate: Callable[[Path], None] | None = None, **confoverrides):
        if mutate is not None:
            mutate(site)
        app = make_app("html", srcdir=site, confoverrides=confoverrides)
        app.build()
        return app

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
    full_xfail: str | None = field(default=None)  # why the exact set of warnings is wrong


CASES = [
    Case(
        "broken-yaml",
        replace("reviews/r2021.md", "summary: A review of 2021.", "summary: A review: of 2021."),
        "reviews/r2021.md", "summary: A review: of 2021.",  # line 9
        ("broken YAML in the front matter (mapping values are not allowed here)",
         "check the indentation and quote values that contain ': ' "
         "or start with a special character"),
        "kb.front_matter",
        others=(("reviews/r2021.md", 1, "myst.topmatter"),),  # MyST: 'Malformed YAML'
    ),
    Case(
        "authors-as-string",
        replace("reviews/r2021.md", "authors: [Ana Example, Žídek Augustin]",
                "authors: Ana Example"),
        "reviews/r2021.md", "authors: Ana Example",  # line 7
        ("'authors' must be a YAML list, not a string", "write authors: [Ana Example]"),
        "kb.front_matter",
    ),
    Case(
        "unknown-key",
        replace("reviews/r2021.md", "summary:", "sumary:"),
        "reviews/r2021.md", "sumary:",  # line 9
        ("unknown front-matter key 'sumary'", "did you mean 'summary'?"),
        "kb.front_matter",
        # the required key is then missing, reported at the opening '---'
        others=(("reviews/r2021.md", 1, "kb.front_matter"),),
    ),
    Case(
        "unknown-kind",
        replace("reviews/r2021.md", "kind: review", "kind: reveiw"),
        "reviews/r2021.md", "kind: reveiw",  # line 2
        ("unknown kind 'reveiw'", "write one of review, newsletter, topic",
         "did you mean 'review'?"),
        "kb.front_matter",
    ),
    Case(
        "unknown-topic-front-matter",
        replace("reviews/r2021.md", "topics: [ai-for-science]", "topics: [protien-structure]"),
        "reviews/r2021.md", "topics: [protien-structure]",  # line 8
        ("unknown topic 'protien-structure'", "did you mean 'protein-structure'?"),
        "kb.topic",
    ),
    Case(
        # reported on the item's ':topics:' line (17)
        "unknown-topic-item",
        replace("reviews/r2021.md", ":topics: protein-structure", ":topics: protien-structure"),
        "reviews/r2021.md", ":topics: protien-structure",  # line 17
        ("unknown topic 'protien-structure'", "did you mean 'protein-structure'?"),
        "kb.topic",
    ),
    Case(
        "unknown-series",
        replace("reviews/r2021.md", "series: garden", "series: gardn"),
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
        replace("newsletters/n220.md", "date: 2021-10", "date: 2021-13"),
        "newsletters/n220.md", "date: 2021-13",  # line 3
        ("malformed date '2021-13' (month must be in 1..12)", DATE_FIX),
        "kb.front_matter",
    ),
    Case(
        "malformed-url",
        replace("reviews/r2021.md", "source: https://example.org/2021/", "source: ftp://x"),
        "reviews/r2021.md", "source: ftp://x",  # line 6
        ("malformed URL 'ftp://x'", URL_FIX),
        "kb.front_matter",
    ),
    Case(
        "unknown-parent",
        replace("topics/protein-structure.md", "parent: ai-for-science", "parent: ai-for-sciense"),
        "topics/protein-structure.md", "parent: ai-for-sciense",  # line 3
        ("unknown parent topic 'ai-for-sciense'", "did you mean 'ai-for-science'?"),
        "kb.topic",
    ),
    Case(
        "parent-cycle",
        replace("topics/ai-for-science.md", "kind: topic\n",
                "kind: topic\nparent: protein-structure\n"),
        "topics/ai-for-science.md", "parent: protein-structure",  # line 3
        ("topic parents form a cycle (ai-for-science -> protein-structure -> ai-for-science)",
         "remove the parent of one of them"),
        "kb.topic",
    ),
    Case(
        "item-unknown-kind",
        replace("reviews/r2021.md", ":kind: application", ":kind: aplication"),
        "reviews/r2021.md", ":kind: aplication",  # line 16
        ("'kb:item': Invalid option value for 'kind': aplication",
         "unknown item kind 'aplication'; did you mean 'application'?",
         f"(kinds: {ITEM_KINDS})"),
        "myst.directive_option",
    ),
    Case(
        "item-non-http-url",
        replace("reviews/r2021.md", ":url: https://example.org/af2", ":url: ftp://example.org/af2"),
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
    app = build(case.mutate)
    line = line_of(app.srcdir, case.path, case.at)
    output = strip(app.warning.getvalue())
    prefix = f"{app.srcdir / case.path}:{line}: WARNING: "
    matching = [w for w in warnings_of(app) if w.startswith(prefix) and case.parts[0] in w]
    assert len(matching) == 1, output
    warning = matching[0]
    assert warning.split(" WARNING: ")[0].endswith(f"{case.path}:{line}:")
    for part in case.parts:
        assert part in warning, output
    assert warning.endswith(f" [{case.type}]"), output
    assert "Traceback" not in output
    assert "Traceback" not in app.status.getvalue()
    # the page with the mistake is still written, with its content
    html = app.outdir / Path(case.path).with_suffix(".html")
    assert html.is_file(), f"{html} was not written"
    assert heading_of(app.srcdir, case.path) in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=c.full_xfail))
     if c.full_xfail else c for c in CASES],
    ids=[c.id for c in CASES],
)
def test_one_mistake_gives_only_these_warnings(build, case):
    app = build(case.mutate)
    observed = sorted((path, line, kind) for path, line, _, kind in parsed(app))
    line = line_of(app.srcdir, case.path, case.at)
    assert observed == sorted([(case.path, line, case.type), *case.others])


def test_the_valid_site_builds_without_warnings(build):
    app = build()
    assert warnings_of(app) == []


def test_myst_reports_broken_front_matter_too(build):
    app = build(CASES[0].mutate)
    assert f"{app.srcdir / 'reviews/r2021.md'}:1: WARNING: Malformed YAML [myst.topmatter]" \
        in warnings_of(app)


def test_front_matter_that_is_not_a_mapping(build):
    app = build(lambda src: (src / "topics/gans.md").write_text(
        "---\n- a\n- b\n---\n# GANs\n\nAdversarial.\n", encoding="utf-8"))
    warnings = warnings_of(app)
    assert (f"{app.srcdir / 'topics/gans.md'}:2: WARNING: the front matter must be a YAML "
            "mapping of keys to values (key: value) [kb.front_matter]") in warnings
    assert (app.outdir / "topics/gans.html").is_file()


def test_renamed_item_anchor_is_in_the_html(build):
    app = build(add_second_item_with_the_same_title)
    html = (app.outdir / "reviews/r2021.html").read_text(encoding="utf-8")
    assert 'id="alphafold2"' in html
    assert 'id="alphafold2-2"' in html


def test_dropped_item_url_still_renders_the_item(build):
    app = build(replace("reviews/r2021.md", ":url: https://example.org/af2",
                        ":url: ftp://example.org/af2"))
    html = (app.outdir / "reviews/r2021.html").read_text(encoding="utf-8")
    assert 'id="alphafold2"' in html
    assert "ftp://example.org/af2" not in html


# -- silencing ------------------------------------------------------------------------

UNKNOWN_TOPIC = replace("reviews/r2021.md", "topics: [ai-for-science]",
                        "topics: [protien-structure]")
UNKNOWN_SERIES = replace("reviews/r2021.md", "series: garden", "series: gardn")


def both(src: Path) -> None:
    UNKNOWN_TOPIC(src)
    UNKNOWN_SERIES(src)


def test_suppress_warnings_silences_a_subtype(build):
    app = build(UNKNOWN_TOPIC, suppress_warnings=["kb.topic"])
    assert warnings_of(app) == []
    assert (app.outdir / "reviews/r2021.html").is_file()


def test_suppressing_one_subtype_keeps_the_others(build):
    app = build(both, suppress_warnings=["kb.topic"])
    assert [(path, line, kind) for path, line, _, kind in parsed(app)] == [
        ("reviews/r2021.md", 5, "kb.series")]


def test_suppress_warnings_silences_the_whole_type(build):
    app = build(both, suppress_warnings=["kb"])
    assert warnings_of(app) == []


# -- rebuilds ---------------------------------------------------------------------------


def test_cross_page_problems_are_reported_again_on_a_no_op_rebuild(make_app, build):
    app = build(UNKNOWN_TOPIC)
    first = [w for w in warnings_of(app) if "[kb.topic]" in w]
    assert len(first) == 1
    again = make_app("html", srcdir=app.srcdir)
    again.build()
    assert [w for w in warnings_of(again) if "[kb.topic]" in w] == first
