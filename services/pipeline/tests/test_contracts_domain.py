"""Contract rules without a database: splits that add up exactly, and terms."""

from __future__ import annotations

from datetime import date

import pytest

from services.kit.errors import InvalidArgument
from services.pipeline.domain import contracts as domain


@pytest.mark.parametrize(
    ("value", "shares", "amounts"),
    [
        (100, [("a", 5000), ("b", 5000)], [50, 50]),
        (101, [("a", 5000), ("b", 5000)], [51, 50]),  # a tie goes to the earlier member
        (100, [("a", 3333), ("b", 3333), ("c", 3334)], [33, 33, 34]),
        (1, [("a", 3333), ("b", 3333), ("c", 3334)], [0, 0, 1]),
        (0, [("a", 10000)], [0]),
        (10**15 + 7, [("a", 1), ("b", 9999)], [10**11, 10**15 + 7 - 10**11]),
    ],
)
def test_splits_always_sum_to_the_value(
    value: int, shares: list[tuple[str, int]], amounts: list[int]
) -> None:
    splits = domain.allocate_splits(value, shares)
    assert [s.amount_minor for s in splits] == amounts
    assert sum(s.amount_minor for s in splits) == value


def test_splits_refuse_shares_that_do_not_sum_to_10000() -> None:
    with pytest.raises(ValueError):
        domain.allocate_splits(100, [("a", 9999)])


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2027, 1, 1), 12, date(2027, 12, 31)),
        (date(2027, 1, 31), 1, date(2027, 2, 27)),
        (date(2028, 1, 31), 1, date(2028, 2, 28)),
        (date(2027, 3, 15), 24, date(2029, 3, 14)),
    ],
)
def test_term_end_is_the_last_day_of_the_term(start: date, months: int, end: date) -> None:
    assert domain.term_end(start, months) == end


def test_term_validation() -> None:
    today = date(2027, 3, 1)
    term = domain.validate_term("", 0, "", today=today)
    assert (term.start, term.term_months, term.signed) == (today, 12, today)
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_term("2027-13-01", 500, "2027-04-01", today=today)
    assert {v.field for v in caught.value.violations} == {
        "contract_start_date",
        "term_months",
        "signed_date",
    }
