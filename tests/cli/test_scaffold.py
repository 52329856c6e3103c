"""The page scaffold (`python -m kb.cli.scaffold`, `nox -s new`): pages, navigation, refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, Build
from kb.cli.scaffold import main
from kb.cli.toctrees import add_toctree_entry, entry_target, find_toctree
from kb.model import contract, frontmatter, records

CONTENT = ("conf.py", "index.md", "references.md", "authors.md", "archive.md", "book.md",
           "refs.bib", "reviews", "newsletters", "topics", "_static")
DLW = "newsletters/deep-learning-weekly"
GARDEN = "reviews/hippocampus-garden"


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """A copy of the real project's content (not its build output or tools)."""
    root = tmp_path / "site"
    root.mkdir()
    for name in CONTENT:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    return root


def run(root: Path, *argv: str) -> int:
    return main([*argv, "--root", str(root)])


def toctree_entries(path: Path) -> list[str]:
    tree = find_toctree(path.read_text(encoding="utf-8").splitlines())
    assert tree is not None, path
    return [entry for _, entry in tree.entries]


def one_error_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def check_contract(root: Path, relpath: str) -> records.PageRecord:
    """The written page passes the build's own front-matter validation."""
    fm = frontmatter.load((root / relpath).read_text(encoding="utf-8"))
    assert fm.error is None
    series = {slug: records.Series(slug, slug, None, kind) for slug, kind in (
        ("hippocampus-garden", "review"), ("deep-learning-weekly", "newsletter"))}
    record, problems = contract.read_front_matter(relpath[:-3], "t", fm.data, fm.lines, series)
    assert problems == []
    assert record is not None
    return record


# -- new pages ---------------------------------------------------------------------


def test_issue_in_an_existing_year(site: Path, capsys) -> None:
    series_index_before = (site / DLW / "index.md").read_text()
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "219",
               "--date", "2021-10-05") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{DLW}/2021/issue-219.md", f"changed {DLW}/2021/index.md"]

    text = (site / DLW / "2021/issue-219.md").read_text()
    record = check_contract(site, f"{DLW}/2021/issue-219.md")
    assert (record.kind, record.series, record.issue) == ("newsletter", "deep-learning-weekly", 219)
    assert record.date == records.PartialDate(2021, 10, 5)
    assert record.topics == ()
    assert "Replace this sentence" in record.summary
    assert "\n# source: https://" in text and "\n# authors: [" in text
    assert "\n# Deep Learning Weekly: Issue #219\n" in text
    assert text.count("\n## ") == 1
    # the item, in the syntax the existing pages use, tagged with a real topic
    assert "```{kb:item} " in text and "\n:kind: paper\n:topics: ai-for-science\n" in text
    assert "{cite:" not in text
    # ascending issue numbers, the options as they were
    assert toctree_entries(site / DLW / "2021/index.md") == ["issue-219", "issue-220"]
    assert ":maxdepth: 1" in (site / DLW / "2021/index.md").read_text()
    assert (site / DLW / "index.md").read_text() == series_index_before


def test_issue_in_a_new_year(site: Path, capsys) -> None:
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "300",
               "--date", "2023-02") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{DLW}/2023/issue-300.md", f"created {DLW}/2023/index.md",
                   f"changed {DLW}/index.md"]
    year_index = (site / DLW / "2023/index.md").read_text()
    assert year_index.startswith("# Deep Learning Weekly in 2023\n")
    assert toctree_entries(site / DLW / "2023/index.md") == ["issue-300"]
    assert check_contract(site, f"{DLW}/2023/issue-300.md").date == records.PartialDate(2023, 2)
    # newest first, and still hidden
    assert toctree_entries(site / DLW / "index.md") == ["2023/index", "2021/index"]
    assert ":hidden:" in (site / DLW / "index.md").read_text()

    # a year between the two goes between them
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "260",
               "--date", "2022-07-01") == 0
    assert toctree_entries(site / DLW / "index.md") == ["2023/index", "2022/index", "2021/index"]


def test_new_review(site: Path, capsys) -> None:
    assert run(site, "review", "--year", "2023", "--series", "hippocampus-garden",
               "--date", "2024-01-10") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{GARDEN}/2023.md", f"changed {GARDEN}/index.md"]
    record = check_contract(site, f"{GARDEN}/2023.md")
    assert (record.kind, record.year, record.date) == ("review", 2023, records.PartialDate(2024, 1, 10))
    text = (site / GARDEN / "2023.md").read_text()
    assert "\n# Hippocampus's Garden year reviews: 2023 in review\n" in text
    assert toctree_entries(site / GARDEN / "index.md") == ["2023", "2022", "2021-applications"]

    # an older year goes after the existing ones
    assert run(site, "review", "--year", "2020", "--date", "2021-01") == 0
    assert toctree_entries(site / GARDEN / "index.md") == [
        "2023", "2022", "2021-applications", "2020"]


def test_review_series_defaults_to_the_only_one(site: Path, capsys) -> None:
    assert run(site, "review", "--year", "2024") == 0
    assert capsys.readouterr().out.splitlines()[0] == f"{GARDEN}/2024.md"
    record = check_contract(site, f"{GARDEN}/2024.md")
    assert record.series == "hippocampus-garden"
    assert record.date is not None and record.date.day is not None  # today, to the day


def test_new_series_gets_an_index_page(site: Path, capsys) -> None:
    conf = site / "conf.py"
    conf.write_text(conf.read_text() + (
        '\nkb_series["the-batch"] = {"name": "The Batch", "url": "https://example.org/", '
        '"kind": "newsletter"}\n'))
    assert run(site, "newsletter", "--series", "the-batch", "--issue", "1", "--date",
               "2024-05-02") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["newsletters/the-batch/2024/issue-1.md",
                   "created newsletters/the-batch/2024/index.md",
                   "created newsletters/the-batch/index.md",
                   "changed newsletters/index.md"]
    index = (site / "newsletters/the-batch/index.md").read_text()
    assert index.startswith("# The Batch\n")
    assert "```{kb:archive} the-batch\n```" in index
    assert toctree_entries(site / "newsletters/the-batch/index.md") == ["2024/index"]
    assert toctree_entries(site / "newsletters/index.md") == [
        "deep-learning-weekly/index", "the-batch/index"]


# -- refusals ----------------------------------------------------------------------


def test_refuses_to_overwrite(site: Path, capsys) -> None:
    page = site / DLW / "2021/issue-220.md"
    before = page.read_text()
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "220",
               "--date", "2021-10") == 2
    err = one_error_line(capsys)
    assert f"{DLW}/2021/issue-220.md already exists" in err
    assert page.read_text() == before

    assert run(site, "review", "--year", "2022") == 2
    assert f"{GARDEN}/2022.md already exists" in one_error_line(capsys)


def test_duplicate_issue_number(site: Path, capsys) -> None:
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "220",
               "--date", "2022-01-04") == 2
    err = one_error_line(capsys)
    assert "issue 220" in err and f"{DLW}/2021/issue-220.md" in err
    assert not (site / DLW / "2022").exists()
    assert toctree_entries(site / DLW / "index.md") == ["2021/index"]


def test_second_review_of_a_year(site: Path, capsys) -> None:
    # 2021-applications.md reviews 2021 already; a 2021.md would make
    # {kb:review}`hippocampus-garden/2021` ambiguous
    assert run(site, "review", "--year", "2021") == 2
    assert f"{GARDEN}/2021-applications.md" in one_error_line(capsys)
    assert not (site / GARDEN / "2021.md").exists()


def test_unknown_series_suggests_one(site: Path, capsys) -> None:
    assert run(site, "newsletter", "--series", "deep-learning-weeky", "--issue", "1") == 2
    err = one_error_line(capsys)
    assert "unknown series 'deep-learning-weeky'" in err
    assert "did you mean 'deep-learning-weekly'?" in err
    assert "deep-learning-weekly (newsletter)" in err and "hippocampus-garden (review)" in err


def test_newsletter_series_used_for_a_review(site: Path, capsys) -> None:
    assert run(site, "review", "--year", "2023", "--series", "deep-learning-weekly") == 2
    err = one_error_line(capsys)
    assert "'deep-learning-weekly' holds newsletter pages, not review pages" in err
    assert "hippocampus-garden" in err
    assert not (site / "reviews/deep-learning-weekly").exists()


@pytest.mark.parametrize("date", ["2021-13", "21-10-05", "2021-02-30", "October 2021"])
def test_malformed_date(site: Path, capsys, date: str) -> None:
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "221",
               "--date", date) == 2
    err = one_error_line(capsys)
    with pytest.raises(records.FrontMatterError) as expected:
        records.PartialDate.parse(date)
    assert str(expected.value) in err
    assert not list((site / DLW).rglob("issue-221.md"))


@pytest.mark.parametrize("number", ["0", "-3"])
def test_non_positive_issue_number(site: Path, capsys, number: str) -> None:
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", number) == 2
    assert f"issue number {number} is not positive" in one_error_line(capsys)


def test_bad_arguments_are_one_line_too(site: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "two")
    assert exit_.value.code == 2
    assert "invalid int value" in one_error_line(capsys)


def test_missing_conf(tmp_path: Path, capsys) -> None:
    assert run(tmp_path, "review", "--year", "2023") == 2
    assert "no conf.py" in one_error_line(capsys)


def test_module_entry_point(site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "_ext")}
    command = [sys.executable, "-m", "kb.cli.scaffold"]
    done = subprocess.run([*command, "review", "--year", "2025", "--date", "2026-01-02"],
                          cwd=site, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [f"{GARDEN}/2025.md", f"changed {GARDEN}/index.md"]

    done = subprocess.run([*command, "newsletter", "--series", "nope", "--issue", "3"],
                          cwd=site, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: unknown series 'nope'")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


# -- toctree editing -----------------------------------------------------------------


TOCTREE_PAGE = """# Title

Text.

```{toctree}
:hidden:
:maxdepth: 1

2022
Applications <2021-applications>
```

After.
"""


def test_toctree_insert_keeps_options_and_order() -> None:
    text, changed = add_toctree_entry(TOCTREE_PAGE, "2023", descending=True)
    assert changed
    assert text == TOCTREE_PAGE.replace("\n2022\n", "\n2023\n2022\n")
    text, _ = add_toctree_entry(TOCTREE_PAGE, "2020", descending=True)
    assert text == TOCTREE_PAGE.replace("2021-applications>\n", "2021-applications>\n2020\n")
    # already listed (also behind a title): unchanged
    assert add_toctree_entry(TOCTREE_PAGE, "2021-applications") == (TOCTREE_PAGE, False)
    assert entry_target("Applications <2021-applications>") == "2021-applications"


def test_toctree_ascending_and_empty() -> None:
    page = "```{toctree}\n:maxdepth: 1\n\nissue-9\nissue-12\n```\n"
    assert add_toctree_entry(page, "issue-10")[0] == (
        "```{toctree}\n:maxdepth: 1\n\nissue-9\nissue-10\nissue-12\n```\n")
    assert add_toctree_entry(page, "issue-13")[0].endswith("issue-12\nissue-13\n```\n")
    assert add_toctree_entry(page, "issue-2")[0].startswith("```{toctree}\n:maxdepth: 1\n\nissue-2\n")
    empty = "# T\n\n```{toctree}\n:hidden:\n```\n"
    assert add_toctree_entry(empty, "a")[0] == "# T\n\n```{toctree}\n:hidden:\n\na\n```\n"
    none = "# T\n\nText.\n"
    assert add_toctree_entry(none, "a")[0] == "# T\n\nText.\n\n```{toctree}\n:hidden:\n\na\n```\n"
    # a :glob: pattern that already covers the page
    globbed = "```{toctree}\n:glob:\n\nissue-*\n```\n"
    assert add_toctree_entry(globbed, "issue-5") == (globbed, False)


# -- the strict build ----------------------------------------------------------------


@pytest.mark.slow
def test_scaffolded_pages_pass_the_strict_build(site: Path) -> None:
    assert run(site, "newsletter", "--series", "deep-learning-weekly", "--issue", "230",
               "--date", "2022-03") == 0
    assert run(site, "review", "--year", "2023", "--date", "2024-01-10") == 0
    build = Build(site, confoverrides={"nitpicky": True})
    assert build.warnings == ""
    out = build.outdir
    assert (out / DLW / "2022/issue-230.html").is_file()
    assert (out / GARDEN / "2023.html").is_file()
    assert (out / DLW / "2022/index.html").is_file()

    archive = build.page(f"{DLW}/index").select_one(".kb-archive-series")
    assert archive is not None
    lines = [li.get_text(" ", strip=True) for li in archive.select("li")]
    assert any(line.startswith("#230:") and "March 2022" in line for line in lines), lines
    assert archive.select_one('a[href="2022/issue-230.html"]') is not None

    topic = build.page("topics/ai-for-science")
    hrefs = {a.get("href", "") for a in topic.select(".kb-topic-listing a")}
    assert any(h.startswith(f"../{DLW}/2022/issue-230.html#title-of-the-paper") for h in hrefs)
    assert any(h.startswith(f"../{GARDEN}/2023.html#title-of-the-paper") for h in hrefs)
