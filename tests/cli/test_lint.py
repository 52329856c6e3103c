"""A contributor's mistakes, as `nox -s lint` reports them: file, line, the fix, no traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT, add_duplicate_issue, append, line_of, replace
from kb.cli import lint


@dataclass
class Mistake:
    name: str
    make: Callable[[Path], None]
    file: str
    marker: str  # text on the line the message must point at
    says: tuple[str, ...]  # the message and its fix

    def line(self, src: Path) -> int:
        return line_of(src / self.file, self.marker)


MISTAKES = [
    Mistake("broken-yaml",
            lambda s: replace(s / "newsletters/n220.md", "summary: Issue 220.", "summary: Issue: 220."),
            "newsletters/n220.md", "summary: Issue: 220.",
            ("broken YAML in the front matter (mapping values are not allowed here)",
             "quote values that contain ': '")),
    Mistake("wrong-type",
            lambda s: replace(s / "reviews/r2021.md", "authors: [Ana Example, Žídek Augustin]",
                              "authors: Ana Example"),
            "reviews/r2021.md", "authors: Ana Example",
            ("'authors' must be a YAML list, not a string: write authors: [Ana Example]",)),
    Mistake("unknown-key",
            lambda s: replace(s / "reviews/r2021.md", "summary:", "sumary:"),
            "reviews/r2021.md", "sumary:",
            ("unknown front-matter key 'sumary'; did you mean 'summary'?",)),
    Mistake("unknown-topic",
            lambda s: replace(s / "newsletters/n220.md", "topics: [gans]", "topics: [gan]"),
            "newsletters/n220.md", "topics: [gan]",
            ("unknown topic 'gan'; did you mean 'gans'?",)),
    Mistake("unknown-series",
            lambda s: replace(s / "newsletters/n220.md", "series: weekly", "series: weekli"),
            "newsletters/n220.md", "series: weekli",
            ("unknown series 'weekli'; did you mean 'weekly'?",)),
    Mistake("duplicate-issue", add_duplicate_issue, "newsletters/n220b.md", "issue: 220",
            ("issue 220 of series 'weekly' is already newsletters/n220; "
             "give this page its own issue number",)),
    Mistake("bad-date",
            lambda s: replace(s / "newsletters/n220.md", "date: 2021-10", "date: 2021-13"),
            "newsletters/n220.md", "date: 2021-13",
            ("malformed date '2021-13'", "write YYYY-MM-DD, or YYYY-MM when the day is not known")),
    Mistake("bad-url",
            lambda s: replace(s / "reviews/r2021.md", "source: https://example.org/2021/",
                              "source: ftp://example.org/2021/"),
            "reviews/r2021.md", "source: ftp://",
            ("malformed URL 'ftp://example.org/2021/': write an absolute http:// or https:// "
             "address",)),
    Mistake("missing-citation-key",
            lambda s: replace(s / "reviews/r2021.md", "{cite:p}`jumper2021alphafold`",
                              "{cite:p}`jumpr2021alphafold`"),
            "reviews/r2021.md", "jumpr2021alphafold",
            ("unknown citation key 'jumpr2021alphafold'; did you mean 'jumper2021alphafold'?",)),
    Mistake("malformed-bib-entry",
            lambda s: replace(s / "refs.bib", "title = {Protein complex prediction with "
                              "{AlphaFold-Multimer}},", "title = {Protein complex prediction,"),
            "refs.bib", "@misc{evans2021multimer",
            ("malformed BibTeX entry", "the rest of the file still loads: check this entry's "
             "braces, commas and quotes")),
    Mistake("dangling-reference",
            lambda s: append(s / "reviews/r2021.md", "\nSee {kb:issue}`weekly/999`.\n"),
            "reviews/r2021.md", "weekly/999",
            ("unknown issue 'weekly/999': write 'series/number'",)),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_mistake_is_reported_as_file_line_message(copy_root, capsys, mistake):
    src = copy_root("kb")
    mistake.make(src)
    status = lint.main([str(src), "--no-style"])
    out, err = capsys.readouterr()
    assert status == 1
    where = f"{mistake.file}:{mistake.line(src)}: "
    reported = [line for line in out.splitlines() if line.startswith(where)]
    assert reported, f"nothing at {where}\n{out}"
    for part in mistake.says:
        assert any(part in line for line in reported), f"{part!r} not in {reported}"
    # one mistake, one message (not also once per item, page or pass that sees it)
    assert sum(mistake.says[0] in line for line in out.splitlines()) == 1, out
    assert "Traceback" not in out + err


def test_a_clean_site_passes(copy_root, capsys):
    src = copy_root("kb")
    assert lint.main([str(src), "--no-style"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "lint: no problems" in err


def test_the_command_line_prints_no_traceback_and_exits_non_zero(copy_root):
    src = copy_root("kb")
    append(src / "conf.py", "\nraise RuntimeError('boom')\n")
    result = subprocess.run([sys.executable, "-m", "kb.cli.lint", str(src), "--no-style"],
                            capture_output=True, text=True, cwd=PROJECT,
                            env={"PYTHONPATH": str(PROJECT / "_ext"), "PATH": ""})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "the build stopped" in result.stdout


@pytest.mark.slow
def test_the_real_site_lints_clean(capsys):
    status = lint.main([str(PROJECT)])
    out, _ = capsys.readouterr()
    assert status == 0, out


def test_initials_that_clash_with_full_names_are_reported_at_their_refs_bib_line(copy_root, capsys):
    """The `people` root's Work E is by "Yang, M.", "Lee, K." and "Chen, L.", one name a
    line; other works name a Mengjiao Yang, three Lees and two Chens in full."""
    src = copy_root("people")
    status = lint.main([str(src), "--no-style"])
    out, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in out + err
    bib = src / "refs.bib"
    reported = {line.split(": ", 1)[0]: line for line in out.splitlines()}
    assert set(reported) == {f"refs.bib:{line_of(bib, name)}"
                             for name in ("Yang, M. and", "Lee, K. and", "Chen, L.}")}
    lee = reported[f"refs.bib:{line_of(bib, 'Lee, K. and')}"]
    assert ("'Lee, K.' in 'e2020' has the surname and initials of 'Lee, Katherine' (a2021), "
            "'Lee, Kimin' (b2021), 'Lee, Kuang-Huei' (c2022): give the full name if it is the "
            "same person") in lee
    assert lee.endswith("[kb.bib_initials]")
    # an entry that says no primary listing names its authors in full is not reported
    replace(bib, "  doi = {10.1000/e},\n", "  doi = {10.1000/e},\n  unverified = {author},\n")
    assert lint.main([str(src), "--no-style"]) == 0
    assert capsys.readouterr().out == ""
