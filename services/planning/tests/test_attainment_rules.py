"""Attainment's pure rules: pace, percent, status, FX rounding, credit splits, roll-up, edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.kit.config import ConfigError
from services.kit.errors import InvalidArgument
from services.planning.domain import allocation
from services.planning.domain import attainment as domain
from services.planning.domain.attainment import ContractLine, Status
from services.planning.tests.attainment_support import CALENDAR

Q1 = CALENDAR.period("FY2027-Q1")  # 2027-01-01 .. 2027-04-01: 90 days


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 12, 1, tzinfo=UTC), 0),  # before the period
        (datetime(2027, 1, 1, tzinfo=UTC), 0),
        (datetime(2027, 1, 10, tzinfo=UTC), 100),  # 9 of 90 days
        (datetime(2027, 2, 15, tzinfo=UTC), 500),  # 45 of 90 days
        (datetime(2027, 4, 1, tzinfo=UTC), 1_000),
        (datetime(2027, 6, 1, tzinfo=UTC), 1_000),  # after: the whole target
    ],
)
def test_expected_pace_is_linear_through_the_period(instant: datetime, expected: int) -> None:
    assert domain.expected_to_date(1_000, Q1, instant) == expected


def test_expected_pace_rounds_half_up() -> None:
    # 1 of 90 days of 45 is 0.5 -> 1; of 44 it is 0.4888 -> 0.
    day_one = datetime(2027, 1, 2, tzinfo=UTC)
    assert domain.expected_to_date(45, Q1, day_one) == 1
    assert domain.expected_to_date(44, Q1, day_one) == 0
    assert domain.expected_to_date(135, Q1, day_one) == 2  # 1.5 -> 2


def test_percent_is_rounded_down_so_100_percent_means_attained() -> None:
    assert domain.ratio_bp(99_995, 100_000) == 9_999
    assert domain.ratio_bp(100_000, 100_000) == 10_000
    assert domain.ratio_bp(2, 3) == 6_666
    assert domain.ratio_bp(5, 0) == 0
    assert domain.ratio_bp(-50, 100) == -5_000


@pytest.mark.parametrize(
    ("target", "actual", "expected", "status"),
    [
        (1_000, 1_000, 400, Status.ATTAINED),
        (1_000, 1_200, 1_000, Status.ATTAINED),
        (1_000, 401, 400, Status.AHEAD),
        (1_000, 400, 400, Status.ON_PACE),
        (1_000, 320, 400, Status.ON_PACE),  # exactly 80% of pace is not behind
        (1_000, 319, 400, Status.BEHIND),
        (1_000, 0, 0, Status.ON_PACE),  # nothing expected yet
        (1_000, -10, 0, Status.BEHIND),  # a cancellation took more than was booked
    ],
)
def test_status(target: int, actual: int, expected: int, status: Status) -> None:
    assert domain.status_of(target, actual, expected) == status


def test_the_behind_share_is_configurable() -> None:
    assert domain.status_of(1_000, 360, 400, behind_pace_bp=9_500) == Status.BEHIND
    assert domain.status_of(1_000, 360, 400, behind_pace_bp=9_000) == Status.ON_PACE
    assert domain.behind_pace_bp_from_env({}) == 8_000
    assert domain.behind_pace_bp_from_env({domain.BEHIND_PACE_ENV: "9000"}) == 9_000
    for bad in ("0", "10001", "80%", "-1"):
        with pytest.raises(ConfigError) as caught:
            domain.behind_pace_bp_from_env({domain.BEHIND_PACE_ENV: bad})
        assert caught.value.variable == domain.BEHIND_PACE_ENV


def test_a_line_carries_every_figure() -> None:
    line = domain.attainment_line(
        metric="revenue",
        product_line="",
        currency="EUR",
        target=90_000,
        actual=30_000,
        period=Q1,
        as_of=datetime(2027, 2, 15, tzinfo=UTC),
    )
    assert (line.expected, line.percent_bp, line.pace_bp, line.status) == (
        45_000,
        3_333,
        6_666,
        "behind",
    )
    assert (line.gap_to_target, line.gap_to_pace) == (60_000, -15_000)
    assert not domain.is_behind_pace(line, 6_000)
    assert domain.is_behind_pace(line, 8_000)


@pytest.mark.parametrize(
    ("amount", "rate", "source", "target", "converted"),
    [
        (1_000, "1.0834", "USD", "EUR", 1_083),  # 10.834 -> 10.83
        (1_000, "1.0835", "USD", "EUR", 1_084),  # 10.835 -> 10.84: half up
        (1_000, "1.0845", "USD", "EUR", 1_085),  # 10.845 -> 10.85 (not to even)
        (-1_000, "1.0835", "USD", "EUR", -1_083),  # -10.835 -> -10.83: towards +infinity
        (100_000, "0.0061", "JPY", "EUR", 61_000),  # 100000 yen -> 610.00 EUR
        (12_345, "161.5", "EUR", "JPY", 19_937),  # 123.45 EUR -> 19937.175 yen
        (1_000, "0.30791", "EUR", "KWD", 3_079),  # 10.00 EUR -> 3.0791 KWD (3 decimals)
        (1_000, "1", "EUR", "EUR", 1_000),
    ],
)
def test_conversion_rounds_half_up_to_minor_units(
    amount: int, rate: str, source: str, target: str, converted: int
) -> None:
    assert domain.convert(amount, Decimal(rate), source, target) == converted


def test_rates_are_exact_positive_decimals() -> None:
    assert domain.parse_rate(" 1.083400 ") == Decimal("1.0834")
    assert domain.canonical_rate(domain.parse_rate("1.083400")) == "1.0834"
    assert domain.canonical_rate(domain.parse_rate("2E+1")) == "20"
    assert domain.parse_rate("0.000000000001") == Decimal("1E-12")
    for bad in ("abc", "", "0", "-1.2", "NaN", "Infinity", "0.0000000000001"):
        with pytest.raises(InvalidArgument) as caught:
            domain.parse_rate(bad)
        assert [v.field for v in caught.value.violations] == ["rate"], bad


def test_an_fx_rate_names_every_bad_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_fx_rate("FY2027", "usd1", "eu", "-1")
    assert [v.field for v in caught.value.violations] == ["from_currency", "to_currency", "rate"]
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_fx_rate("FY2027", "eur", "EUR", "1")
    assert [v.field for v in caught.value.violations] == ["to_currency"]
    assert domain.validate_fx_rate("FY2027", "usd", "eur", "0.92") == (
        "USD",
        "EUR",
        Decimal("0.92"),
    )


def test_a_month_falls_back_to_its_quarter_then_its_year() -> None:
    assert domain.enclosing_periods("FY2027-M01") == ["FY2027-M01", "FY2027-Q1", "FY2027"]
    assert domain.enclosing_periods("FY2027-M12") == ["FY2027-M12", "FY2027-Q4", "FY2027"]
    assert domain.enclosing_periods("FY2027-Q3") == ["FY2027-Q3", "FY2027"]
    assert domain.enclosing_periods("FY2027") == ["FY2027"]


def test_credit_splits_are_exact_per_line() -> None:
    lines = [ContractLine("analytics", "EUR", 100_001, 7), ContractLine("support", "EUR", 10, 1)]
    splits = [("rep-b", 3_333), ("rep-a", 3_333), ("rep-c", 3_334)]
    credits = domain.credit_splits(lines, splits)
    assert len(credits) == 6
    for line in lines:
        mine = [c for c in credits if c.product_line == line.product_line]
        assert sum(c.amount_minor for c in mine) == line.amount_minor
        assert sum(c.quantity for c in mine) == line.quantity
    analytics = {c.rep_id: (c.amount_minor, c.quantity) for c in credits[:3]}
    # 100001 x 3333/10000 = 33330.3333 (twice), x 3334/10000 = 33340.3334: the one unit
    # left goes to the largest remainder (rep-c); 7 x shares = 2.33, 2.33, 2.33 -> rep-c too.
    assert analytics == {"rep-a": (33_330, 2), "rep-b": (33_330, 2), "rep-c": (33_341, 3)}


def test_credit_splits_merge_repeated_reps_skip_zero_shares_and_split_negatives() -> None:
    credits = domain.credit_splits(
        [ContractLine("", "EUR", -101, 0)], [("rep-a", 2_500), ("rep-b", 0), ("rep-a", 2_500)]
    )
    assert [(c.rep_id, c.amount_minor, c.quantity) for c in credits] == [("rep-a", -101, 0)]
    credits = domain.credit_splits([ContractLine("", "EUR", -101, 0)], [("a", 1), ("b", 1)])
    assert [c.amount_minor for c in credits] == [-51, -50]
    with pytest.raises(InvalidArgument):
        domain.credit_splits([ContractLine("", "EUR", 1, 0)], [("rep-a", 0)])


def test_a_target_roll_up_shows_where_edits_no_longer_add_up() -> None:
    shares = [
        ("u:team-a", "u:emea", 60),
        ("u:team-b", "u:emea", 50),
        ("r:rep-1", "u:team-a", 30),
        ("r:rep-2", "u:team-a", 30),
        ("r:rep-3", "u:team-b", 45),
    ]
    lines = allocation.target_roll_up("u:emea", 100, shares, over_allocation_bp=11_000)
    by_node = {line.node: line for line in lines}
    assert (by_node["u:emea"].children_sum, by_node["u:emea"].expected_children_sum) == (110, 110)
    assert by_node["u:emea"].adds_up and by_node["u:team-a"].adds_up
    assert (by_node["u:team-b"].difference, by_node["u:team-b"].adds_up) == (-5, False)


def test_an_adjustment_names_every_bad_field() -> None:
    def adjustment(**fields: object) -> allocation.AdjustmentInput:
        base: dict[str, object] = {
            "unit_id": "",
            "rep_id": "rep-1",
            "reason": "moved account",
            "has_amount": True,
            "amount_currency": "EUR",
            "amount_minor": 10,
            "quantity": 0,
        }
        base.update(fields)
        return allocation.AdjustmentInput(**base)  # type: ignore[arg-type]

    assert allocation.validate_adjustment(adjustment(), money=True, currency="EUR") == 10
    with pytest.raises(InvalidArgument) as caught:
        allocation.validate_adjustment(
            adjustment(unit_id="team-a", reason=" ", amount_currency="USD", amount_minor=-1),
            money=True,
            currency="EUR",
        )
    assert [v.field for v in caught.value.violations] == [
        "rep_id",
        "reason",
        "amount.currency",
        "amount.amount_minor",
    ]
    with pytest.raises(InvalidArgument) as caught:
        allocation.validate_adjustment(adjustment(rep_id="", quantity=-2), money=False, currency="")
    assert [v.field for v in caught.value.violations] == ["unit_id", "amount", "quantity"]
    assert (
        allocation.validate_adjustment(
            adjustment(has_amount=False, quantity=0), money=False, currency=""
        )
        == 0
    )


def test_pace_uses_the_instant_to_the_second() -> None:
    start = Q1.starts_at
    assert domain.elapsed_fraction(Q1, start + timedelta(seconds=30)) == (30, 90 * 86_400)
