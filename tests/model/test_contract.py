"""The front-matter contract (`kb.model.contract`): `read_front_matter` and `check_url`."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DATE_FIX, SERIES, URL_FIX, only
from kb.model.contract import check_url, read_front_matter
from kb.model.records import PageRecord, PartialDate, Problem, Series, TopicRef


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
    _, problems = read(review(series="any"), series={"any": Series("any", "Any")})
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
