"""Unit tests of the knowledge base's pure data model (no Sphinx).

Covers `model.PartialDate`, `model.read_front_matter` (the front-matter contract),
`frontmatter.load` (YAML with the line of every key and list element) and
`model.KnowledgeGraph` (topics, parents, aliases, issues, listings).
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from kb import frontmatter
from kb.model import (
    FrontMatterError,
    ItemRecord,
    KnowledgeGraph,
    PageRecord,
    PartialDate,
    Problem,
    TopicRef,
)
from kb.contract import check_url, read_front_matter

DATE_FIX = "write YYYY-MM-DD, or YYYY-MM when the day is not known"
URL_FIX = "write an absolute http:// or https:// address"

SERIES = {
    "garden": {"name": "The Garden", "url": "https://example.org/", "kind": "review"},
    "weekly": {"name": "Weekly", "url": "https://example.org/weekly", "kind": "newsletter"},
}


# -- PartialDate -----------------------------------------------------------------


def test_parse_date_object():
    assert PartialDate.parse(dt.date(2022, 1, 3)) == PartialDate(2022, 1, 3)


def test_parse_datetime_object_keeps_the_day():
    assert PartialDate.parse(dt.datetime(2022, 1, 3, 10, 30)) == PartialDate(2022, 1, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-01-03", PartialDate(2022, 1, 3)),
        ("2021-10", PartialDate(2021, 10, None)),
        ("  2021-10  ", PartialDate(2021, 10, None)),
        ("2024-02-29", PartialDate(2024, 2, 29)),
    ],
)
def test_parse_iso_text(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("2021-13-01", "(month must be in 1..12)"),
        ("2021-13", "(month must be in 1..12)"),
        ("2021-02-30", "(day is out of range for month)"),
        ("2023-02-29", "(day is out of range for month)"),
        ("21-10-2021", ""),
        ("October 2021", ""),
        ("2021-1-01", ""),
        ("2021/10/01", ""),
        ("", ""),
        (2021, ""),
    ],
)
def test_parse_malformed_date(value, detail):
    with pytest.raises(FrontMatterError) as info:
        PartialDate.parse(value)
    message = str(info.value)
    assert message.startswith(f"malformed date {value!r}")
    assert detail in message
    assert message.endswith(DATE_FIX)


def test_malformed_date_is_a_value_error():
    # callers that only know ValueError still catch it
    with pytest.raises(ValueError):
        PartialDate.parse("October 2021")


@pytest.mark.parametrize(
    ("date", "shown", "iso"),
    [
        (PartialDate(2022, 1, 3), "3 January 2022", "2022-01-03"),
        (PartialDate(2021, 10), "October 2021", "2021-10"),
        (PartialDate(2021, 12, 31), "31 December 2021", "2021-12-31"),
    ],
)
def test_display_and_iso(date, shown, iso):
    assert date.display() == shown
    assert date.iso() == iso
    assert PartialDate.parse(iso) == date


def test_sort_key_orders_by_year_month_day():
    dates = [
        PartialDate(2022, 1, 3),
        PartialDate(2021, 10),
        PartialDate(2021, 10, 3),
        PartialDate(2020, 12, 31),
        PartialDate(2021, 9, 30),
    ]
    ordered = sorted(dates, key=lambda d: d.sort_key)
    assert ordered == [
        PartialDate(2020, 12, 31),
        PartialDate(2021, 9, 30),
        PartialDate(2021, 10),  # the month alone sorts before any day of it
        PartialDate(2021, 10, 3),
        PartialDate(2022, 1, 3),
    ]


def test_ordering_of_dates_of_the_same_precision():
    assert PartialDate(2021, 9) < PartialDate(2021, 10)
    assert PartialDate(2021, 10, 1) < PartialDate(2021, 10, 3)
    assert PartialDate(2021, 12, 31) < PartialDate(2022, 1, 1)
    assert PartialDate(2021, 10) < PartialDate(2022, 1, 3)  # differ before the day


def test_ordering_of_mixed_precision_dates():
    dates = [PartialDate(2021, 10, 3), PartialDate(2021, 10)]
    assert sorted(dates) == sorted(dates, key=lambda d: d.sort_key)


# -- read_front_matter ---------------------------------------------------------------


def read(data, lines=None, *, docname="reviews/r2021", title="Heading", series=SERIES):
    """`read_front_matter` with each key on its own line (from line 40, to tell them apart)."""
    if lines is None:
        lines = {"": 1, **{key: 40 + i for i, key in enumerate(data)}}
    return read_front_matter(docname, title, data, lines, series)


def review(**overrides):
    data = {
        "kind": "review",
        "date": dt.date(2022, 1, 3),
        "year": 2021,
        "series": "garden",
        "source": "https://example.org/2021/",
        "authors": ["Ana Example", "Žídek Augustin"],
        "topics": ["ai-for-science"],
        "summary": "A review of 2021.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def newsletter(**overrides):
    data = {
        "kind": "newsletter",
        "date": "2021-10",
        "series": "weekly",
        "issue": 220,
        "source": "https://example.org/weekly/220",
        "topics": ["gans"],
        "summary": "Issue 220.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


def test_valid_review_gives_a_typed_record():
    lines = {"": 1, "kind": 2, "date": 3, "year": 4, "series": 5, "source": 6,
             "authors": 7, "authors[]": [7, 7], "topics": 8, "topics[]": [8], "summary": 9}
    page, problems = read(review(), lines)
    assert problems == []
    assert page == PageRecord(
        docname="reviews/r2021", kind="review", title="Heading",
        date=PartialDate(2022, 1, 3), year=2021, series="garden",
        source="https://example.org/2021/", authors=("Ana Example", "Žídek Augustin"),
        topics=(TopicRef("ai-for-science", 8),), summary="A review of 2021.",
    )
    # only the keys' lines are kept on the record, not the element lists
    assert dict(page.lines) == {k: v for k, v in lines.items() if isinstance(v, int)}


def test_valid_newsletter_and_its_topic_lines():
    lines = {"": 1, "kind": 2, "date": 3, "series": 4, "issue": 5, "source": 6,
             "topics": 7, "topics[]": [8, 9], "summary": 10}
    page, problems = read(newsletter(topics=["gans", "protein folding"]), lines)
    assert problems == []
    assert page.kind == "newsletter"
    assert page.date == PartialDate(2021, 10)
    assert page.issue == 220
    assert page.topics == (TopicRef("gans", 8), TopicRef("protein folding", 9))


def test_topic_lines_fall_back_to_the_key_line():
    page, problems = read(newsletter(topics=["gans", "vae"]),
                          {"": 1, "kind": 2, "topics": 7})
    assert problems == []
    assert page.topics == (TopicRef("gans", 7), TopicRef("vae", 7))


def test_valid_topic_page():
    page, problems = read({"kind": "topic", "parent": "ai-for-science",
                           "aliases": ["protein folding"]},
                          {"": 1, "kind": 2, "parent": 3, "aliases": 4, "aliases[]": [4]},
                          docname="topics/protein-structure")
    assert problems == []
    assert page.slug == "protein-structure"
    assert page.parent == TopicRef("ai-for-science", 3)
    assert page.aliases == ("protein folding",)


def test_front_matter_title_overrides_the_heading_and_is_normalised():
    page, problems = read(review(title="  A   new\n title "))
    assert problems == []
    assert page.title == "A new title"


def test_page_without_kind_is_not_part_of_the_knowledge_base():
    page, problems = read({"title": "Home", "orphan": True, "tocdepth": 2, "myst": {}})
    assert page is None
    assert problems == []


def test_tool_keys_are_not_ours_to_reject():
    _, problems = read(review(orphan=True, nosearch=True, html_meta={"x": "y"}))
    assert problems == []


def test_unknown_key_with_did_you_mean():
    data = review(summary=...)
    data["sumary"] = "A review of 2021."
    _, problems = read(data)
    assert problems[0] == Problem(
        "unknown front-matter key 'sumary'; did you mean 'summary'?", 47, "front_matter")
    # the required key it should have been is reported too, at the opening ---
    assert problems[1:] == [
        Problem("a review page needs 'summary' in its front matter", 1, "front_matter")]


def test_unknown_key_without_a_close_match_lists_the_keys():
    problem = only(read(review(colour="blue"))[1])
    assert problem == Problem(
        "unknown front-matter key 'colour'; the keys are: authors, date, kind, series, "
        "source, summary, title, topics, year", 48, "front_matter")


@pytest.mark.parametrize(
    ("data", "key", "owners"),
    [
        (review(issue=3), "issue", "newsletter pages"),
        (newsletter(year=2021), "year", "review pages"),
        (review(parent="gans"), "parent", "topic pages"),
        ({"kind": "topic", "summary": "x"}, "summary", "review and newsletter pages"),
        ({"kind": "topic", "topics": ["gans"]}, "topics", "review and newsletter pages"),
    ],
)
def test_key_of_another_kind(data, key, owners):
    page, problems = read(data)
    problem = only(problems)
    assert problem.message == f"key {key!r} applies only to {owners}, or remove it"
    assert problem.line == 40 + list(data).index(key)
    assert problem.subtype == "front_matter"
    # the misplaced key is not read into the record
    assert getattr(page, key) in (None, "", ())


def test_contract_key_on_a_page_without_kind_asks_for_the_kind():
    page, problems = read({"title": "Home", "date": "2021-10"})
    assert page is None
    assert only(problems) == Problem(
        "key 'date' applies only to review and newsletter pages; add the page's kind: "
        "(review, newsletter or topic), or remove it", 41, "front_matter")


def test_unknown_kind_with_suggestion():
    page, problems = read({"kind": "reveiw", "title": "T"})
    assert page is None
    assert only(problems) == Problem(
        "unknown kind 'reveiw': write one of review, newsletter, topic; did you mean 'review'?",
        40, "front_matter")


def test_unknown_kind_without_a_close_match():
    _, problems = read({"kind": "blogpost"})
    assert only(problems).message == (
        "unknown kind 'blogpost': write one of review, newsletter, topic")


def test_misspelt_kind_is_one_problem():
    _, problems = read(review(kind="reveiw"))
    assert [p.message for p in problems] == [
        "unknown kind 'reveiw': write one of review, newsletter, topic; did you mean 'review'?"]


def test_authors_as_a_string_says_write_a_yaml_list():
    page, problems = read(review(authors="Ana Example"))
    assert only(problems) == Problem(
        "'authors' must be a YAML list, not a string: write authors: [Ana Example]",
        45, "front_matter")
    assert page.authors == ()


@pytest.mark.parametrize("key", ["topics", "aliases"])
def test_other_lists_as_strings(key):
    data = review(topics="gans") if key == "topics" else {"kind": "topic", "aliases": "GAN"}
    value = data[key]
    _, problems = read(data)
    assert only(problems).message == (
        f"{key!r} must be a YAML list, not a string: write {key}: [{value}]")


@pytest.mark.parametrize("authors", [[1, 2], ["Ana", ""], [["nested"]], {"a": 1}])
def test_authors_not_a_list_of_names(authors):
    _, problems = read(review(authors=authors))
    assert only(problems) == Problem(
        "'authors' must be a YAML list of names, e.g. authors: [a, b]", 45, "front_matter")


@pytest.mark.parametrize("year", ["2021", 2021.0, True, 1899, 2201])
def test_year_must_be_an_int(year):
    page, problems = read(review(year=year))
    assert only(problems) == Problem(
        f"'year' must be a whole number from 1900 to 2200, got {year!r}", 42, "front_matter")
    assert page.year is None


@pytest.mark.parametrize("issue", [0, -1, "220", True, 2.5])
def test_issue_must_be_a_positive_int(issue):
    page, problems = read(newsletter(issue=issue))
    assert only(problems) == Problem(
        f"'issue' must be a whole number from 1 to 1000000, got {issue!r}", 43, "front_matter")
    assert page.issue is None


@pytest.mark.parametrize("title, message", [
    ("", "'title' must be non-empty text"),
    ("   ", "'title' must be non-empty text"),
    # what YAML made of an unquoted value, and to quote it
    (42, "'title' must be text, but YAML reads 42 as a number: put the value in quotes, "
         'title: "..."'),
    (["a"], "'title' must be text, not a list: write title: plain text, quoted if it "
            "contains ': '"),
])
def test_title_must_be_text(title, message):
    _, problems = read(review(title=title))
    assert only(problems).message == message


def test_empty_value():
    page, problems = read(review(summary=None))
    assert only(problems) == Problem(
        "'summary' is empty: give a value or remove the key", 47, "front_matter")
    assert page.summary == ""


@pytest.mark.parametrize("url", ["ftp://x", "example.org/2021", "//example.org/x",
                                 "https://", "http://exa mple.org", "javascript:alert(1)"])
def test_bad_source_url(url):
    page, problems = read(review(source=url))
    assert only(problems) == Problem(f"malformed URL {url!r}: {URL_FIX}", 44, "front_matter")
    assert page.source is None


@pytest.mark.parametrize("url", ["http://example.org", "https://example.org/a?b=c#d"])
def test_good_url(url):
    assert check_url(f"  {url} ") == url


def test_unknown_series_with_suggestion():
    page, problems = read(review(series="gardn"))
    assert only(problems) == Problem(
        "unknown series 'gardn'; did you mean 'garden'?", 43, "series")
    assert page.series is None


def test_unknown_series_without_suggestion_lists_the_known_ones():
    _, problems = read(review(series="zzz"))
    assert only(problems).message == (
        "unknown series 'zzz'; define it in kb_series in conf.py (known: garden, weekly)")
    _, problems = read(review(series="zzz"), series={})
    assert only(problems).message == (
        "unknown series 'zzz'; define it in kb_series in conf.py (known: none)")


def test_series_of_the_wrong_kind():
    page, problems = read(newsletter(series="garden"))
    assert only(problems) == Problem(
        "series 'garden' holds review pages, not newsletter pages", 42, "series")
    _, problems = read(review(series="weekly"))
    assert only(problems).message == "series 'weekly' holds newsletter pages, not review pages"


def test_series_without_a_kind_takes_any_page():
    _, problems = read(review(series="any"), series={"any": {"name": "Any"}})
    assert problems == []


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        ({"kind": "review"}, ["date", "year", "series", "summary"]),
        ({"kind": "newsletter"}, ["date", "series", "issue", "summary"]),
        (review(year=..., summary=...), ["year", "summary"]),
        (newsletter(issue=...), ["issue"]),
        ({"kind": "topic"}, []),
    ],
)
def test_required_keys(data, missing):
    kind = data["kind"]
    _, problems = read(data, {"": 1, **{key: 40 + i for i, key in enumerate(data)}})
    assert problems == [
        Problem(f"a {kind} page needs {key!r} in its front matter", 1, "front_matter")
        for key in missing
    ]


def test_a_present_but_invalid_required_key_is_not_also_missing():
    _, problems = read(review(date="October 2021"))
    assert only(problems).message == f"malformed date 'October 2021': {DATE_FIX}"


def test_each_problem_carries_the_line_of_its_key():
    data = {"kind": "newsletter", "date": "2021-13", "series": "weeky", "issue": 0,
            "source": "ftp://x", "authors": "Ana", "sumary": "x"}
    lines = {"": 1, "kind": 2, "date": 3, "series": 11, "issue": 7, "source": 5,
             "authors": 6, "sumary": 4}
    _, problems = read(data, lines)
    got = {p.message.split(":")[0].split(";")[0]: (p.line, p.subtype) for p in problems}
    assert got == {
        "unknown front-matter key 'sumary'": (4, "front_matter"),
        "malformed date '2021-13' (month must be in 1..12)": (3, "front_matter"),
        "'issue' must be a whole number from 1 to 1000000, got 0": (7, "front_matter"),
        "malformed URL 'ftp": (5, "front_matter"),
        "'authors' must be a YAML list, not a string": (6, "front_matter"),
        "a newsletter page needs 'summary' in its front matter": (1, "front_matter"),
        "unknown series 'weeky'": (11, "series"),
    }


# -- frontmatter.load ------------------------------------------------------------------


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


# -- KnowledgeGraph ------------------------------------------------------------------


def topic(slug, title=None, parent=None, aliases=(), *, folder="topics", parent_line=3,
          aliases_line=4):
    lines = {"": 1, "kind": 2}
    if parent:
        lines["parent"] = parent_line
    if aliases:
        lines["aliases"] = aliases_line
    return PageRecord(
        docname=f"{folder}/{slug}", kind="topic", title=title or slug.title(),
        parent=TopicRef(parent, parent_line) if parent else None,
        aliases=tuple(aliases), lines=lines,
    )


def issue_page(docname, issue, series="weekly", date=PartialDate(2021, 10), topics=()):
    return PageRecord(
        docname=docname, kind="newsletter", title=docname, date=date, series=series,
        issue=issue, topics=tuple(TopicRef(t, 7) for t in topics),
        lines={"": 1, "kind": 2, "date": 3, "series": 4, "issue": 5},
    )


def item(docname, title, topics, line=15, anchor=None, cites=()):
    return ItemRecord(docname=docname, anchor=anchor or title.lower().replace(" ", "-"),
                      title=title, kind="paper",
                      topics=tuple(TopicRef(t, line) for t in topics), cites=tuple(cites),
                      line=line)


def graph(*pages, items=()):
    by_doc: dict[str, list[ItemRecord]] = {}
    for record in items:
        by_doc.setdefault(record.docname, []).append(record)
    return KnowledgeGraph({p.docname: p for p in pages}, by_doc)


BASE = (
    topic("ai-for-science", "AI for science"),
    topic("protein-structure", "Protein structure prediction", parent="ai-for-science",
          aliases=["Protein Folding", "AlphaFold"]),
    topic("gans", "GANs"),
)


def test_alias_resolution_is_case_insensitive():
    g = graph(*BASE)
    assert g.problems == []
    assert g.resolve_topic("protein-structure") == "protein-structure"
    for name in ("Protein Folding", "protein folding", "PROTEIN FOLDING", "alphafold"):
        assert g.resolve_topic(name) == "protein-structure"
    assert g.resolve_topic("protein") is None


def test_unknown_topic_on_a_page_with_suggestion_and_line():
    page = issue_page("newsletters/n220", 220, topics=["protien-structure"])
    g = graph(*BASE, page)
    assert g.problems == [("newsletters/n220", Problem(
        "unknown topic 'protien-structure'; did you mean 'protein-structure'?", 7, "topic"))]
    assert g.page_topics["newsletters/n220"] == []


def test_unknown_topic_in_an_item_carries_the_topic_ref_line():
    g = graph(*BASE, issue_page("newsletters/n220", 220),
              items=[item("newsletters/n220", "Multimer", ["gans", "protein foldin"], line=23)])
    assert g.problems == [("newsletters/n220", Problem(
        "unknown topic 'protein foldin'; did you mean 'protein folding'?", 23, "topic"))]
    assert g.item_topics[("newsletters/n220", "multimer")] == ["gans"]


def test_unknown_topic_without_suggestion():
    g = graph(*BASE, issue_page("newsletters/n220", 220, topics=["quantum"]))
    assert [p.message for _, p in g.problems] == [
        "unknown topic 'quantum'; use a slug of a page in topics/ or add that topic page"]


def test_unknown_parent_with_suggestion():
    g = graph(topic("ai-for-science"), topic("gans", parent="ai-for-sciense", parent_line=5))
    assert g.problems == [("topics/gans", Problem(
        "unknown parent topic 'ai-for-sciense'; did you mean 'ai-for-science'?", 5, "topic"))]
    assert g.topics["gans"].parent is None
    assert sorted(g.roots()) == ["ai-for-science", "gans"]


def test_unknown_parent_without_suggestion():
    g = graph(topic("gans", parent="zzz"))
    assert g.problems[0][1].message == (
        "unknown parent topic 'zzz'; write the slug of a page in topics/")


def test_parent_given_by_alias():
    g = graph(*BASE, topic("alphafold2", parent="protein folding"))
    assert g.problems == []
    assert g.topics["alphafold2"].parent == "protein-structure"


@pytest.mark.parametrize("parent", ["gans", "GAN"])
def test_self_parent(parent):
    g = graph(topic("gans", "GANs", parent=parent, aliases=["GAN"], parent_line=3))
    assert g.problems == [("topics/gans", Problem(
        "topic 'gans' names itself as its parent; remove the parent key", 3, "topic"))]
    assert g.roots() == ["gans"]
    assert g.descendants("gans") == ["gans"]


def test_two_topic_cycle_is_reported_once_and_broken():
    g = graph(topic("a", parent="b", parent_line=3), topic("b", parent="a", parent_line=4))
    assert g.problems == [("topics/a", Problem(
        "topic parents form a cycle (a -> b -> a); remove the parent of one of them", 3, "topic"))]
    assert g.roots() == ["a"]
    assert g.children("a") == ["b"]
    assert g.descendants("a") == ["a", "b"]
    assert g.descendants("b") == ["b"]
    assert g.count("a") == 0


def test_three_topic_cycle_is_reported_once_and_broken():
    page = issue_page("newsletters/n1", 1, topics=["c"])
    g = graph(topic("a", parent="b"), topic("b", parent="c"), topic("c", parent="a"), page)
    assert [(doc, p.message, p.line) for doc, p in g.problems] == [(
        "topics/a",
        "topic parents form a cycle (a -> b -> c -> a); remove the parent of one of them", 3)]
    assert g.roots() == ["a"]
    assert g.descendants("a") == ["a", "c", "b"]
    assert [e.docname for e in g.listing("a")] == ["newsletters/n1"]


def test_cycle_reached_from_a_tail_is_reported_from_its_member():
    # 'a' hangs off the cycle x <-> y; only the cycle is reported, and everything terminates
    g = graph(topic("a", parent="x"), topic("x", parent="y"), topic("y", parent="x"))
    assert [(doc, p.message) for doc, p in g.problems] == [(
        "topics/x",
        "topic parents form a cycle (x -> y -> x); remove the parent of one of them")]
    assert g.roots() == ["x"]
    assert sorted(g.descendants("x")) == ["a", "x", "y"]


def test_duplicate_alias_between_topics():
    g = graph(topic("a", aliases=["Shared"], aliases_line=4),
              topic("b", aliases=["shared"], aliases_line=6))
    assert g.problems == [("topics/b", Problem(
        "alias 'shared' of topic 'b' already names topic 'a'; remove it from one of them",
        6, "topic"))]
    assert g.resolve_topic("SHARED") == "a"


def test_alias_that_is_another_topics_slug():
    g = graph(topic("gans"), topic("vae", aliases=["GANs"], aliases_line=4))
    assert g.problems == [("topics/vae", Problem(
        "alias 'GANs' of topic 'vae' already names topic 'gans'; remove it from one of them",
        4, "topic"))]
    assert g.resolve_topic("gans") == "gans"


def test_alias_equal_to_the_own_slug_is_fine():
    g = graph(topic("gans", aliases=["GANS"]))
    assert g.problems == []


def test_duplicate_topic_slug_in_two_folders():
    g = graph(topic("gans"), topic("gans", folder="topics/old"))
    assert g.problems == [("topics/old/gans", Problem(
        "topic 'gans' is already defined by topics/gans; rename one of the files", 1, "topic"))]


def test_duplicate_issue_number_in_a_series():
    g = graph(issue_page("newsletters/n220", 220), issue_page("newsletters/n220b", 220))
    assert g.problems == [("newsletters/n220b", Problem(
        "issue 220 of series 'weekly' is already newsletters/n220; "
        "give this page its own issue number", 5, "duplicate"))]


def test_same_issue_number_in_different_series_is_fine():
    g = graph(issue_page("newsletters/n220", 220, series="weekly"),
              issue_page("other/n220", 220, series="digest"),
              issue_page("newsletters/n221", 221, series="weekly"))
    assert g.problems == []


def test_listing_includes_subtopics_newest_first_each_once():
    review = PageRecord("reviews/r2021", "review", "Review of 2021", date=PartialDate(2022, 1, 3),
                        topics=(TopicRef("ai-for-science", 8),))
    n220 = issue_page("newsletters/n220", 220, date=PartialDate(2021, 10))
    n300 = issue_page("newsletters/n300", 300, date=PartialDate(2023, 5, 1))
    g = graph(*BASE, review, n220, n300, items=[
        item("reviews/r2021", "AlphaFold2", ["protein-structure"], line=15),
        # tagged with the topic and its subtopic: listed once under the parent
        item("newsletters/n220", "Multimer", ["ai-for-science", "protein folding"], line=14),
        item("newsletters/n300", "StyleGAN", ["gans"]),
        item("newsletters/n300", "ESMFold", ["AlphaFold"], line=30),
    ])
    assert g.problems == []
    listing = [(e.docname, e.anchor, e.title, e.kind, e.date) for e in g.listing("ai-for-science")]
    assert listing == [
        ("newsletters/n300", "esmfold", "ESMFold", "paper", PartialDate(2023, 5, 1)),
        ("reviews/r2021", "", "Review of 2021", "review", PartialDate(2022, 1, 3)),
        ("reviews/r2021", "alphafold2", "AlphaFold2", "paper", PartialDate(2022, 1, 3)),
        ("newsletters/n220", "multimer", "Multimer", "paper", PartialDate(2021, 10)),
    ]
    assert g.count("ai-for-science") == 4
    assert [e.title for e in g.listing("protein-structure")] == [
        "ESMFold", "AlphaFold2", "Multimer"]
    assert g.count("protein-structure") == 3
    assert [e.title for e in g.listing("gans")] == ["StyleGAN"]
    # entries carry the page's title and date
    entry = g.listing("gans")[0]
    assert entry.page_title == "newsletters/n300"
    assert entry.date == PartialDate(2023, 5, 1)


def test_listing_puts_undated_entries_last_and_counts_unknown_topics_as_none():
    dated = issue_page("newsletters/n1", 1, date=PartialDate(2020, 1, 1), topics=["gans"])
    undated = PageRecord("misc/page", "review", "Undated", topics=(TopicRef("gans", 8),))
    g = graph(*BASE, dated, undated)
    assert [e.docname for e in g.listing("gans")] == ["newsletters/n1", "misc/page"]
    assert g.count("ai-for-science") == 0


def test_same_topic_twice_on_one_item_is_listed_once():
    g = graph(*BASE, issue_page("newsletters/n1", 1),
              items=[item("newsletters/n1", "X", ["gans", "GANS", "gans"])])
    assert g.item_topics[("newsletters/n1", "x")] == ["gans"]
    assert g.count("gans") == 1


def test_items_of_one_page_are_listed_in_page_order():
    g = graph(*BASE, issue_page("newsletters/n1", 1), items=[
        item("newsletters/n1", "Zeta", ["gans"], line=12),
        item("newsletters/n1", "Alpha", ["gans"], line=20),
    ])
    assert [e.title for e in g.listing("gans")] == ["Zeta", "Alpha"]


def test_roots_and_children_are_ordered_by_title():
    g = graph(
        topic("zeta", "alpha topic"),
        topic("alpha", "Zeta topic"),
        topic("mid", "Middle"),
        topic("c1", "b child", parent="mid"),
        topic("c2", "A child", parent="mid"),
        topic("c3", "c child", parent="mid"),
    )
    assert g.problems == []
    assert g.roots() == ["zeta", "mid", "alpha"]
    assert g.children("mid") == ["c2", "c1", "c3"]
    assert g.children("zeta") == []
