"""The records of the knowledge base's data model (`kb.model.records`): `PartialDate`."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DATE_FIX
from kb.model.records import FrontMatterError, PartialDate


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
