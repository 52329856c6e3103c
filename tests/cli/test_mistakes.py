"""The mistake corpus: one row a mistake, as a new contributor makes them.

tests/roots/test-mistakes is a small valid site (tests/roots/test-kb) plus one page a
mistake in mistakes/ (and a broken refs.bib, a page in Latin-1 and a very large page,
both written by the fixture). ONE strict Sphinx build reads them all, and ONE run of
`python -m kb.cli.lint` (what `nox -s lint` runs); for every row:

- the warning names the file and the line, says what is wrong and what to do;
- `nox -s lint` prints the same message at the same place;
- no traceback, and the strict build fails (status 1) rather than stopping;
- every other page still builds (its HTML is written);
- on a page with several mistakes, every one is reported in the same run.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Build
from kb.cli import lint

ROOT = Path(__file__).parents[1] / "roots" / "test-mistakes"
WARNING = re.compile(r"^(?P<path>[^:]+?)(?::(?P<line>\d+))?: (?:WARNING|ERROR): (?P<message>.*)$")
LARGE_ITEMS = 1500


@dataclass(frozen=True)
class Row:
    id: str
    category: str
    file: str
    at: str | None  # text on the line the message points at; None: the message has no line
    says: tuple[str, ...]  # what the message says: the problem, and the fix where it gives one
    fix: str  # what the contributor does (the table's "fix" column)
    nth: int = -1  # which line holding `at`: the last by default
    at_line: int | None = None  # the line, for a file with no text to find (an empty page)

    def line(self, src: Path) -> int | None:
        if self.at is None:
            return self.at_line
        lines = (src / self.file).read_text(encoding="utf-8", errors="replace").splitlines()
        found = [n for n, text in enumerate(lines, 1) if self.at in text]
        assert found, f"{self.at!r} not in {self.file}"
        return found[self.nth]


M = "mistakes/"
BROKEN_YAML = "check the indentation and quote values that contain ': '"
DATE_FIX = "write YYYY-MM-DD, or YYYY-MM when the day is not known"
URL_FIX = "write an absolute http:// or https:// address"
QUOTE_FIX = 'put the value in quotes'
RAW_FIX = "write it in Markdown instead"

ROWS = [
    # YAML syntax
    Row("yaml-colon-in-value", "yaml", M + "yaml-colon.md", "summary: Issue: 1.",
        ("broken YAML in the front matter (mapping values are not allowed here)", BROKEN_YAML),
        "quote the value: summary: \"Issue: 1.\""),
    Row("yaml-unclosed-bracket", "yaml", M + "yaml-unclosed.md", "topics: [gans",
        ("broken YAML in the front matter (expected ',' or ']'", BROKEN_YAML), "close the list: ]"),
    Row("yaml-bad-indent", "yaml", M + "yaml-indent.md", "  summary: Three.",
        ("broken YAML in the front matter", BROKEN_YAML), "remove the indentation"),
    # values YAML converts or rejects
    Row("yaml-date-that-does-not-exist", "yaml-values", M + "date-not-a-day.md", "date: 2021-02-30",
        ("malformed date '2021-02-30' (day is out of range for month)", DATE_FIX),
        "write a date that exists"),
    Row("yaml-number-as-title", "yaml-values", M + "title-number.md", "title: 2021",
        ("'title' must be text, but YAML reads 2021 as a number", QUOTE_FIX), 'title: "2021"'),
    Row("yaml-boolean-as-summary", "yaml-values", M + "summary-boolean.md", "summary: yes",
        ("'summary' must be text, but YAML reads yes/no, true/false or on/off as a yes/no value",
         QUOTE_FIX), 'summary: "yes"'),
    Row("yaml-null-summary", "yaml-values", M + "summary-null.md", "summary:",
        ("'summary' is empty: give a value or remove the key",), "write the summary"),
    Row("yaml-mapping-as-series", "yaml-values", M + "series-mapping.md", "series: {name: weekly}",
        ("'series' must be text, not a mapping (key: value)",), "series: weekly"),
    Row("yaml-number-as-date", "yaml-values", M + "date-number.md", "date: 2021",
        ("malformed date 2021", DATE_FIX), "date: 2021-10"),
    # keys
    Row("key-unknown", "keys", M + "unknown-key.md", "colour: blue",
        ("unknown front-matter key 'colour'; the keys are: authors, date, issue",), "remove it"),
    Row("key-misspelt", "keys", M + "misspelt-key.md", "tpoics: [gans]",
        ("unknown front-matter key 'tpoics'; did you mean 'topics'?",), "topics:"),
    Row("key-duplicated", "keys", M + "duplicate-key.md", "issue: 113",
        ("the key 'issue' is given twice; keep one of them",), "delete one"),
    Row("key-of-another-kind", "keys", M + "key-of-other-kind.md", "issue: 3",
        ("key 'issue' applies only to newsletter pages, or remove it",), "remove it"),
    Row("key-kind-unknown", "keys", M + "unknown-kind.md", "kind: newsleter",
        ("unknown kind 'newsleter'", "did you mean 'newsletter'?"), "kind: newsletter"),
    Row("key-required-missing", "keys", M + "missing-required.md", "---",
        ("a newsletter page needs 'issue' in its front matter",), "add issue: N", nth=0),
    # types and ranges
    Row("range-year", "types", M + "year-range.md", "year: 1800",
        ("'year' must be a whole number from 1900 to 2200, got 1800",), "the review's year"),
    Row("range-issue-zero", "issues", M + "issue-zero.md", "issue: 0",
        ("'issue' must be a whole number from 1 to 1000000, got 0",), "the issue's number"),
    Row("type-issue-as-text", "issues", M + "issue-text.md", 'issue: "9"',
        ("'issue' must be a whole number from 1 to 1000000, got '9'",), "issue: 9"),
    Row("type-authors-string", "types", M + "authors-string.md", "authors: Ana Example",
        ("'authors' must be a YAML list, not a string: write authors: [Ana Example]",),
        "authors: [Ana Example]"),
    Row("type-aliases-numbers", "types", M + "aliases-numbers.md", "aliases: [1, 2]",
        ("'aliases' must be a YAML list of names, e.g. aliases: [a, b]",), "names as text"),
    # topics
    Row("topic-unknown", "topics", M + "topic-unknown.md", "topics: [gan]",
        ("unknown topic 'gan'; did you mean 'gans'?",), "topics: [gans]"),
    Row("topic-alias-is-a-slug", "topics", M + "alias-collides.md", "aliases: [gans]",
        ("alias 'gans' of topic 'alias-collides' already names topic 'gans'",
         "remove it from one of them"), "another alias"),
    Row("topic-parent-cycle", "topics", M + "cycle-a.md", "parent: cycle-b",
        ("topic parents form a cycle (cycle-a -> cycle-b -> cycle-a)",
         "remove the parent of one of them"), "remove one parent"),
    Row("topic-self-parent", "topics", M + "self-parent.md", "parent: self-parent",
        ("topic 'self-parent' names itself as its parent; remove the parent key",), "remove it"),
    Row("topic-parent-unknown", "topics", M + "parent-unknown.md", "parent: ai-for-sciense",
        ("unknown parent topic 'ai-for-sciense'; did you mean 'ai-for-science'?",),
        "parent: ai-for-science"),
    # series and issue numbers
    Row("series-unknown", "series", M + "series-unknown.md", "series: weekli",
        ("unknown series 'weekli'; did you mean 'weekly'?",), "series: weekly"),
    Row("series-of-another-kind", "series", M + "series-wrong-kind.md", "series: garden",
        ("series 'garden' holds review pages, not newsletter pages",), "a newsletter series"),
    Row("issue-duplicate", "issues", "newsletters/n220.md", "issue: 220",
        ("issue 220 of series 'weekly' is already mistakes/issue-duplicate",
         "give this page its own issue number"), "the right issue number"),
    # dates
    Row("date-month-13", "dates", M + "date-month-13.md", "date: 2021-13",
        ("malformed date '2021-13' (month must be in 1..12)", DATE_FIX), "date: 2021-12"),
    Row("date-slashes", "dates", M + "date-slashes.md", "date: 03/10/2021",
        ("malformed date '03/10/2021'", DATE_FIX), "date: 2021-10-03"),
    # URLs
    Row("url-javascript", "urls", M + "url-javascript.md", "source: javascript:",
        ("malformed URL 'javascript:alert(1)'", URL_FIX), "the page's https:// address"),
    Row("url-data", "urls", M + "url-data.md", "source: data:",
        ("malformed URL 'data:text/html,<script>alert(1)</script>'", URL_FIX), "an https:// address"),
    Row("url-relative", "urls", M + "url-relative.md", "source: /newsletters/25",
        ("malformed URL '/newsletters/25'", URL_FIX), "the absolute address"),
    Row("url-ftp", "urls", M + "url-ftp.md", "source: ftp://",
        ("malformed URL 'ftp://example.org/26'", URL_FIX), "an https:// address"),
    Row("url-item-javascript", "urls", M + "item-url-javascript.md", ":url: javascript:",
        ("Invalid option value for 'url'", "malformed URL 'javascript:alert(1)'", URL_FIX),
        "an https:// address"),
    Row("url-link-javascript", "urls", M + "link-javascript.md", "`click <javascript:",
        ("a link to a javascript: URL is not allowed",), "link to an https:// address"),
    # items
    Row("item-no-title", "items", M + "item-no-title.md", "```{kb:item}",
        ("Directive 'kb:item': 1 argument(s) required, 0 supplied",), "```{kb:item} Its title"),
    Row("item-unknown-kind", "items", M + "item-unknown-kind.md", ":kind: papr",
        ("unknown item kind 'papr'; did you mean 'paper'?",), ":kind: paper"),
    Row("item-unknown-topic", "items", M + "item-unknown-topic.md", ":topics: protien-structure",
        ("unknown topic 'protien-structure'; did you mean 'protein-structure'?",),
        ":topics: protein-structure"),
    Row("item-duplicate-anchor", "items", M + "item-duplicate-anchor.md", "```{kb:item} Same",
        ("two items on this page have the anchor 'same'", "give this one :id: same-2"),
        ":id: same-2"),
    Row("item-on-a-topic-page", "items", M + "item-on-topic-page.md", "```{kb:item} Misplaced",
        ("kb:item entries belong on review and newsletter pages",), "move it to an issue"),
    # roles pointing nowhere
    Row("role-issue", "roles", M + "role-issue.md", "weekly/999",
        ("unknown issue 'weekly/999': write 'series/number'",), "an existing issue"),
    Row("role-topic", "roles", M + "role-topic.md", "no-such-topic",
        ("unknown topic 'no-such-topic': use a slug or alias of a page in topics/",), "a topic slug"),
    Row("role-item", "roles", M + "role-item.md", "no-such-item",
        ("unknown item 'no-such-item': write 'docname#anchor'",), "docname#anchor"),
    Row("role-doc", "roles", M + "role-doc.md", "no-such-page",
        ("unknown document: 'no-such-page'",), "an existing page"),
    # citation keys and refs.bib
    Row("cite-unknown-key", "citations", M + "cite-unknown.md", "jumpr2021alphafold",
        ("unknown citation key 'jumpr2021alphafold'; did you mean 'jumper2021alphafold'?",),
        "the key in refs.bib"),
    Row("bib-syntax", "refs.bib", "refs.bib", "@misc{broken2020entry",
        ("malformed BibTeX entry", "check this entry's braces, commas and quotes"), "close the brace"),
    Row("bib-duplicate-key", "refs.bib", "refs.bib", "@misc{evans2021multimer",
        ("duplicate key 'evans2021multimer' (first defined at line 8)", "rename or remove one"),
        "rename one"),
    Row("bib-missing-key", "refs.bib", "refs.bib", "@misc{,",
        ("malformed BibTeX entry (entry key expected",), "@misc{author2020word,"),
    Row("bib-missing-identifier", "refs.bib", "refs.bib", "@misc{noidentifier2020",
        ("entry 'noidentifier2020' has no doi or eprint", "add its DOI, or its arXiv id as eprint"),
        "add doi, eprint or url"),
    # raw HTML (policy: shown as text, with a warning)
    Row("raw-html-in-title", "raw-html", M + "raw-html-title.md", "# Weekly 37 <script>",
        ("raw HTML is not allowed in a page; it is shown as text", RAW_FIX), "Markdown"),
    Row("raw-html-inline", "raw-html", M + "raw-html-body.md", "<img src=x",
        ("raw HTML is not allowed in a page", RAW_FIX), "Markdown"),
    Row("raw-html-block", "raw-html", M + "raw-html-body.md", "<div onclick",
        ("raw HTML is not allowed in a page", RAW_FIX), "Markdown"),
    Row("raw-html-in-item", "raw-html", M + "raw-html-item.md", "Body <script>",
        ("raw HTML is not allowed in a page", RAW_FIX), "Markdown"),
    # encodings
    Row("encoding-latin-1", "encodings", M + "latin1.md", "Caf",
        ("the file is not UTF-8 (byte 0xe9 cannot be decoded): save it as UTF-8",), "save as UTF-8"),
    # page structure
    Row("page-empty", "pages", M + "empty.md", None,
        ("the page is empty: give it a '# Title' and its text",), "write the page or delete it",
        at_line=1),
    Row("page-only-front-matter", "pages", M + "only-front-matter.md", "title: Only front matter",
        ("the page has no heading for its title to replace; add a '# Heading'",), "# Heading"),
    Row("page-in-no-toctree", "pages", "not-in-any-toctree.md", None,
        ("document isn't included in any toctree",), "list it in a toctree"),
    Row("page-very-large", "large", M + "large.md", ":topics: protien-folding",
        ("unknown topic 'protien-folding'",), "a topic slug"),
    # several mistakes on one page: all reported in the same run
    Row("many-date", "many", M + "many-mistakes.md", "date: 2021-02-30",
        ("malformed date '2021-02-30'", DATE_FIX), "a real date"),
    Row("many-key", "many", M + "many-mistakes.md", "sumary:",
        ("unknown front-matter key 'sumary'; did you mean 'summary'?",), "summary:"),
    Row("many-topic", "many", M + "many-mistakes.md", "topics: [gan]",
        ("unknown topic 'gan'; did you mean 'gans'?",), "topics: [gans]"),
    Row("many-url", "many", M + "many-mistakes.md", "source: javascript:",
        ("malformed URL 'javascript:alert(1)'", URL_FIX), "an https:// address"),
    Row("many-item-topic", "many", M + "many-mistakes.md", ":topics: gan",
        ("unknown topic 'gan'; did you mean 'gans'?",), ":topics: gans"),
    Row("many-role", "many", M + "many-mistakes.md", "weekly/998",
        ("unknown issue 'weekly/998'",), "an existing issue"),
    Row("many-cite", "many", M + "many-mistakes.md", "nokey2020",
        ("unknown citation key 'nokey2020'; add the work to refs.bib or correct the key",),
        "the key in refs.bib"),
    Row("many-required", "many", M + "many-mistakes.md", "---",
        ("a newsletter page needs 'summary' in its front matter",), "add summary:", nth=0),
]
# the categories the issue asks for, each with at least one row
CATEGORIES = {"yaml", "yaml-values", "keys", "types", "topics", "series", "issues", "dates",
              "urls", "items", "roles", "citations", "refs.bib", "encodings", "pages", "large"}


def write_generated_pages(src: Path) -> None:
    """Pages that are better made than stored: one in Latin-1, one very large."""
    (src / "mistakes/latin1.md").write_bytes(
        "---\nkind: topic\n---\n# Café topic\n\nA page saved in Latin-1.\n".encode("latin-1"))
    items = "".join(f"```{{kb:item}} Item {n}\n:kind: paper\n:topics: gans\n\nText {n}.\n```\n\n"
                    for n in range(LARGE_ITEMS))
    (src / "mistakes/large.md").write_text(
        "---\nkind: newsletter\ndate: 2021-10\nseries: weekly\nissue: 500\nsummary: Large.\n---\n"
        f"# A very large issue\n\n{items}```{{kb:item}} The last\n:kind: paper\n"
        ":topics: protien-folding\n\nText.\n```\n", encoding="utf-8")


@dataclass
class Corpus:
    src: Path
    app: object
    warnings: list[tuple[str, int | None, str]]
    raw_output: str
    lint_lines: list[str]
    lint_status: int
    annotation_lines: list[str]  # `--format github`: what a pull request shows on its diff


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    work = tmp_path_factory.mktemp("mistakes")
    src = work / "src"
    shutil.copytree(ROOT, src)
    write_generated_pages(src)
    # the strict build: -W (warnings are errors, and Sphinx 9 always keeps going) -n
    built = Build(src, warningiserror=True, confoverrides={"nitpicky": True})
    app, output = built.app, built.warnings
    warnings = []
    for text in output.splitlines():
        match = WARNING.match(text)
        if match:
            path = Path(match["path"])
            rel = path.relative_to(src).as_posix() if path.is_absolute() else match["path"]
            warnings.append((rel, int(match["line"]) if match["line"] else None, match["message"]))
    # what `nox -s lint` prints: `python -m kb.cli.lint ROOT` (without the Markdown style)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = lint.main([str(src), "--no-style"])
    annotations = io.StringIO()
    with contextlib.redirect_stdout(annotations), contextlib.redirect_stderr(io.StringIO()):
        lint.main([str(src), "--no-style", "--format", "github"])
    return Corpus(src, app, warnings, output, out.getvalue().splitlines(), status,
                  annotations.getvalue().splitlines())


def test_the_corpus_covers_every_category_with_at_least_40_cases():
    assert len(ROWS) >= 40
    assert len({row.id for row in ROWS}) == len(ROWS)
    assert CATEGORIES <= {row.category for row in ROWS}
    assert all(row.fix for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_the_mistake_is_reported_at_its_file_and_line_with_the_fix(corpus, row):
    line = row.line(corpus.src)
    here = [message for path, at, message in corpus.warnings if path == row.file and at == line]
    matching = [message for message in here if row.says[0] in message]
    assert len(matching) == 1, f"{row.file}:{line}: {row.says[0]!r} in {here}\n{corpus.raw_output}"
    for part in row.says:
        assert part in matching[0], matching[0]


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_lint_prints_the_same_message(corpus, row):
    line = row.line(corpus.src)
    where = f"{row.file}:{line}: " if line else f"{row.file}: "
    printed = [text for text in corpus.lint_lines if text.startswith(where) and row.says[0] in text]
    assert len(printed) == 1, f"{where}{row.says[0]!r} not printed once:\n" + "\n".join(corpus.lint_lines)
    built = next(message for path, at, message in corpus.warnings
                 if path == row.file and at == line and row.says[0] in message)
    assert printed[0] == where + built


ANNOTATION = re.compile(r"^::error (?P<properties>[^:]*)::(?P<message>.*)$")


def _unescape(text: str) -> str:
    for code, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def annotations_of(lines: list[str]) -> list[tuple[str | None, int | None, str]]:
    """(file, line, message) of each `::error` workflow command, as the runner reads it."""
    found = []
    for text in lines:
        match = ANNOTATION.match(text)
        assert match, f"not a workflow command: {text!r}"
        properties = dict(item.split("=", 1) for item in match["properties"].split(","))
        line = properties.get("line")
        found.append((_unescape(properties["file"]) if "file" in properties else None,
                      int(line) if line else None, _unescape(match["message"])))
    return found


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_mistake_is_an_annotation_on_its_file_and_line(corpus, row):
    """`nox -s lint -- --format github` in a pull request's check: each mistake appears on
    the line of the diff that caused it, with the message lint prints."""
    line = row.line(corpus.src)
    found = [(path, at, message) for path, at, message in annotations_of(corpus.annotation_lines)
             if path == row.file and at == line and row.says[0] in message]
    assert len(found) == 1, (row.file, line, row.says[0])
    where = f"{row.file}:{line}: " if line else f"{row.file}: "
    assert where + found[0][2] in corpus.lint_lines  # the same text as the plain output


def test_every_problem_is_one_annotation(corpus):
    assert len(corpus.annotation_lines) == len(corpus.lint_lines) > len(ROWS)
    assert all(path for path, _, _ in annotations_of(corpus.annotation_lines))


def test_no_traceback_and_the_strict_build_fails(corpus):
    assert "Traceback" not in corpus.raw_output
    assert corpus.app.statuscode == 1  # -W: the warnings fail the build, at its end
    assert corpus.lint_status == 1
    assert not any("Traceback" in line or "Exception" in line for line in corpus.lint_lines)


def test_every_other_page_still_builds(corpus):
    app = corpus.app
    unreadable = {"mistakes/latin1"}  # left out, with its warning
    for docname in sorted(app.env.found_docs):
        assert (app.outdir / f"{docname}.html").is_file(), docname
    assert unreadable.isdisjoint(app.env.found_docs)
    sources = {p.relative_to(corpus.src).with_suffix("").as_posix()
               for p in corpus.src.rglob("*.md") if "_build" not in p.parts}
    assert sources - set(app.env.found_docs) == unreadable
    # the pages with mistakes are written, and the valid pages render their content
    html = (app.outdir / "reviews/r2021.html").read_text(encoding="utf-8")
    assert "AlphaFold2" in html
    large = (app.outdir / "mistakes/large.html").read_text(encoding="utf-8")
    assert large.count('class="kb-item') >= LARGE_ITEMS or large.count("Item 1499") == 1


def test_every_warning_is_located_and_covered_by_a_row(corpus):
    """No warning without its file; every warning of the run belongs to some row
    (or is Sphinx's repeat of a toctree entry without a title, for the empty pages)."""
    rows = {(row.file, row.line(corpus.src)) for row in ROWS}
    for path, line, message in corpus.warnings:
        assert path, message
        if "doesn't have a title: no link will be generated" in message:
            assert path == "mistakes/index.md"
            continue
        assert (path, line) in rows, f"{path}:{line}: {message}"
