"""kb.model.volumes: which reviews and issues each volume of the book holds, and when the
book is split at all."""

from __future__ import annotations

import pytest
from kb.model.records import PageRecord, PartialDate
from kb.model.volumes import AUTO_VOLUMES_FROM, Volume, left_out, plan_volumes, splits


def issue(name: str, year: int | None, number: int = 1, **extra) -> PageRecord:
    date = PartialDate(year, 6, 1) if year is not None else None
    return PageRecord(f"news/{name}", "newsletter", name.title(), date=date, series="weekly",
                      issue=number, lines={"kind": 2, "date": 3}, **extra)


def topic(slug: str) -> PageRecord:
    return PageRecord(f"topics/{slug}", "topic", slug.title())


def pages(*records: PageRecord) -> dict[str, PageRecord]:
    return {page.docname: page for page in records}


def test_a_volume_per_year_of_publication_each_page_in_one():
    review = PageRecord("reviews/r2021", "review", "Review of 2021", date=PartialDate(2022, 1, 3),
                        year=2021, series="garden")
    found = pages(issue("a", 2021), issue("b", 2021, 2), issue("c", 2022, 3), review,
                  topic("gans"))
    plan, problems = plan_volumes("year", found)
    assert problems == []
    # the review of 2021 was published in 2022: its volume is 2022's, as in the archive
    assert plan.volumes == (Volume("2021", frozenset({"news/a", "news/b"})),
                            Volume("2022", frozenset({"news/c", "reviews/r2021"})))
    assert plan.volume_of("news/c").label == "2022"
    assert plan.volume_of("topics/gans") is None  # not of a year: in every volume


@pytest.mark.parametrize("mode, count, split", [
    ("off", 500, False), ("year", 1, True),
    ("auto", AUTO_VOLUMES_FROM, False), ("auto", AUTO_VOLUMES_FROM + 1, True),
    (3, 3, False), (3, 4, True), (0, 1, True),
])
def test_when_the_book_is_split(mode, count, split):
    found = pages(*(issue(str(n), 2020 + n % 3, n) for n in range(count)), topic("gans"))
    assert splits(mode, found) is split
    plan, _ = plan_volumes(mode, found)
    assert bool(plan.volumes) is split


def test_a_page_without_a_date_is_placed_with_a_located_problem_not_left_out():
    review = PageRecord("reviews/r2019", "review", "Review of 2019", year=2019, series="garden",
                        lines={"kind": 2})
    found = pages(issue("a", 2020), issue("b", 2021, 2), issue("nodate", None, 3), review)
    plan, problems = plan_volumes("year", found)
    # by its year where it has one, else in the newest volume
    assert [v.label for v in plan.volumes] == ["2019", "2020", "2021"]
    assert plan.volume_of("reviews/r2019").label == "2019"
    assert plan.volume_of("news/nodate").label == "2021"
    assert sorted(doc for doc, _ in problems) == ["news/nodate", "reviews/r2019"]
    problem = dict(problems)["news/nodate"]
    assert problem.line == 2 and problem.subtype == "volume"
    assert problem.message == (
        "this newsletter has no date, so the book cannot tell which year's volume holds it: it "
        "is printed in the 2021 volume (the newest); add 'date: YYYY-MM-DD' (or YYYY-MM) to its "
        "front matter")
    assert "printed in the 2019 volume (its year)" in dict(problems)["reviews/r2019"].message


def test_without_any_year_the_book_stays_one():
    plan, problems = plan_volumes("year", pages(issue("nodate", None)))
    assert plan.volumes == () and problems == []


def test_a_volume_leaves_out_the_other_years_and_the_pages_that_list_only_them():
    found = pages(issue("a", 2021), issue("b", 2022, 2))
    plan, _ = plan_volumes("year", found)
    toctrees = {"book": ["news/index", "topics/index"], "news/index": ["news/2021", "news/2022"],
                "news/2021": ["news/a"], "news/2022": ["news/b"], "topics/index": ["topics/gans"]}
    first, second = plan.volumes
    assert left_out(plan, first, toctrees) == {"news/b", "news/2022"}
    assert left_out(plan, second, toctrees) == {"news/a", "news/2021"}
    # a section none of whose pages is of that year goes too, from the deepest up
    toctrees["book"].append("reviews/index")
    toctrees["reviews/index"] = ["reviews/garden"]
    toctrees["reviews/garden"] = ["news/b"]
    assert left_out(plan, first, toctrees) == {"news/b", "news/2022", "reviews/garden",
                                               "reviews/index"}
