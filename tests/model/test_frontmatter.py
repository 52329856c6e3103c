"""Reading the front matter (`kb.model.frontmatter.load`): YAML with the line of every key."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from conftest import SERIES, only
from kb.model import frontmatter
from kb.model.contract import read_front_matter
from kb.model.records import PartialDate, TopicRef


def md(text):
    return textwrap.dedent(text).lstrip("\n")


def test_load_types_and_lines():
    fm = frontmatter.load(md("""
        ---
        kind: review
        date: 2022-01-03
        year: 2021
        series: garden
        authors: [Ana Example, Žídek Augustin]
        topics:
          - ai-for-science
          - protein folding
        summary: >-
          A review
          of 2021.
        ---
        # Review of 2021
        """))
    assert fm.error is None
    assert fm.data == {
        "kind": "review", "date": dt.date(2022, 1, 3), "year": 2021, "series": "garden",
        "authors": ["Ana Example", "Žídek Augustin"],
        "topics": ["ai-for-science", "protein folding"], "summary": "A review of 2021.",
    }
    assert fm.lines == {
        "": 1, "kind": 2, "date": 3, "year": 4, "series": 5,
        "authors": 6, "authors[]": [6, 6],
        "topics": 7, "topics[]": [8, 9],
        "summary": 10,
    }


def test_month_only_date_stays_text():
    fm = frontmatter.load("---\ndate: 2021-10\n---\n")
    assert fm.data == {"date": "2021-10"}
    assert PartialDate.parse(fm.data["date"]) == PartialDate(2021, 10)


def test_load_then_read_reports_real_lines():
    source = md("""
        ---
        kind: review
        date: 2022-01-03
        year: 2021
        series: garden
        authors: Ana Example
        topics:
          - ai-for-science
          - protein folding
        sumary: A review of 2021.
        ---
        # Review of 2021
        """)
    fm = frontmatter.load(source)
    page, problems = read_front_matter("reviews/r2021", "Review of 2021", fm.data, fm.lines, SERIES)
    assert [(p.line, p.message) for p in problems] == [
        (10, "unknown front-matter key 'sumary'; did you mean 'summary'?"),
        (6, "'authors' must be a YAML list, not a string: write authors: [Ana Example]"),
        (1, "a review page needs 'summary' in its front matter"),
    ]
    assert page.topics == (TopicRef("ai-for-science", 8), TopicRef("protein folding", 9))


@pytest.mark.parametrize(
    ("source", "line", "problem"),
    [
        # a value with ': ' in it, on line 4 of the file
        ("---\nkind: review\nyear: 2021\nsummary: A review: of 2021.\n---\n# T\n",
         4, "mapping values are not allowed here"),
        # a key indented deeper than its siblings, on line 3
        ("---\nkind: review\n  year: 2021\n---\n", 3, "mapping values are not allowed here"),
        # a tab in the indentation, on line 4
        ("---\nkind: topic\naliases:\n\t- a\n---\n", 4,
         "found character '\\t' that cannot start any token"),
        # an unterminated quote, on line 3 (the last line of the block, where the stream ends)
        ('---\nkind: topic\ntitle: "GANs\n---\n', 3, "found unexpected end of stream"),
    ],
)
def test_broken_yaml_reports_the_line(source, line, problem):
    fm = frontmatter.load(source)
    assert fm.data == {}
    assert fm.error_line == line
    assert fm.error == (
        f"broken YAML in the front matter ({problem}); check the indentation and quote "
        "values that contain ': ' or start with a special character")


def test_broken_yaml_unclosed_list_reports_the_line_of_the_list():
    fm = frontmatter.load("---\nkind: review\nauthors: [Ana, Bo\ntopics: [gans]\n---\n")
    assert fm.error_line == 3


@pytest.mark.parametrize("block", ["- a\n- b", "just text", "42"])
def test_front_matter_that_is_not_a_mapping(block):
    fm = frontmatter.load(f"---\n{block}\n---\n# T\n")
    assert fm.data == {}
    assert fm.error == "the front matter must be a YAML mapping of keys to values (key: value)"
    assert fm.error_line == 2


@pytest.mark.parametrize(
    "source",
    [
        "# Just a page\n\nText.\n",
        "",
        "\n---\nkind: review\n---\n",  # not on the first line: not front matter
        "---\nkind: review\n",  # never closed
        "---\n---\n# Empty\n",
        "---\n# only a comment\n---\n",
    ],
)
def test_no_front_matter(source):
    fm = frontmatter.load(source)
    assert fm.data == {}
    assert fm.error is None
    assert fm.error_line is None


def test_front_matter_closed_with_dots_and_crlf():
    fm = frontmatter.load("---\r\nkind: topic\r\nparent: gans\r\n...\r\n# T\r\n")
    assert fm.error is None
    assert fm.data == {"kind": "topic", "parent": "gans"}
    assert fm.lines == {"": 1, "kind": 2, "parent": 3}


def test_non_string_keys_become_text():
    fm = frontmatter.load("---\nkind: topic\n2021: x\n---\n")
    assert fm.data == {"kind": "topic", "2021": "x"}
    assert fm.lines["2021"] == 3


def test_boolean_looking_key_keeps_its_line():
    fm = frontmatter.load("---\nkind: topic\nyes: 1\n---\n")
    _, problems = read_front_matter("topics/t", "T", fm.data, fm.lines, SERIES)
    problem = only(problems)
    assert problem.line == 3
    assert "'yes'" in problem.message
