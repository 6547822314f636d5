"""The health score, its bands and the loyalty tiers, for hand-built situations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.customers.domain import health
from services.customers.domain.health import (
    DEFAULT_RULES,
    Factor,
    FactorPoints,
    HealthBand,
    HealthInputs,
    HealthRules,
    LoyaltyTier,
    RevenueWindows,
)

NOW = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)


def factor(inputs: HealthInputs, name: Factor) -> FactorPoints:
    assessment = health.assess_health(inputs, NOW)
    return next(f for f in assessment.factors if f.factor is name)


def test_the_maxima_add_up_to_100_and_a_perfect_account_scores_100() -> None:
    perfect = HealthInputs(
        csat_responses=2,
        csat_score_sum=10,
        promoters=1,
        last_interaction_at=NOW - timedelta(days=3),
        revenue={"EUR": RevenueWindows(120, 100)},
    )
    assessment = health.assess_health(perfect, NOW)
    assert [(f.factor.value, f.points, f.max_points) for f in assessment.factors] == [
        ("satisfaction", 25, 25),
        ("nps", 20, 20),
        ("cases", 20, 20),
        ("recency", 15, 15),
        ("revenue_trend", 20, 20),
    ]
    assert (assessment.score, assessment.band) == (100, HealthBand.HEALTHY)
    with pytest.raises(ValueError, match="add up to 100"):
        HealthRules(recency_max=20)


def test_an_account_we_know_nothing_about_is_on_watch() -> None:
    assessment = health.assess_health(HealthInputs(), NOW)
    assert [(f.points, f.reason) for f in assessment.factors] == [
        (15, "no CSAT response in the last 180 days"),
        (10, "no NPS response in the last 365 days"),
        (20, "no open case"),
        (0, "no interaction on record"),
        (8, "no active contract signed in the last 24 months"),
    ]
    assert (assessment.score, assessment.band) == (53, HealthBand.WATCH)


@pytest.mark.parametrize(
    ("total", "count", "points", "shown"),
    [
        (9, 2, 25, "4.50"),  # exactly the threshold
        (8999, 2000, 20, "4.50"),  # 4.4995 shows as 4.50 but is below 4.50
        (4, 1, 20, "4.00"),
        (10, 3, 12, "3.33"),
        (2, 1, 5, "2.00"),
        (3, 2, 0, "1.50"),
    ],
)
def test_satisfaction_compares_the_exact_average(
    total: int, count: int, points: int, shown: str
) -> None:
    got = factor(HealthInputs(csat_responses=count, csat_score_sum=total), Factor.SATISFACTION)
    assert got.points == points
    assert got.reason.startswith(f"average CSAT {shown} of 5 over {count} response")


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "points", "shown"),
    [
        (1, 0, 0, 20, "NPS +100.00"),
        (1, 1, 0, 20, "NPS +50.00"),
        (1, 2, 0, 12, "NPS +33.33"),
        (0, 1, 0, 12, "NPS 0.00"),
        (1, 0, 3, 5, "NPS -50.00"),
        (0, 0, 1, 0, "NPS -100.00"),
    ],
)
def test_nps_points_by_the_accounts_own_nps(
    promoters: int, passives: int, detractors: int, points: int, shown: str
) -> None:
    got = factor(
        HealthInputs(promoters=promoters, passives=passives, detractors=detractors), Factor.NPS
    )
    assert got.points == points
    assert got.reason.startswith(shown)


def test_nps_reason_names_the_counts() -> None:
    got = factor(HealthInputs(promoters=1, passives=2, detractors=1), Factor.NPS)
    assert got.reason == (
        "NPS 0.00 over 4 responses in the last 365 days (1 promoter, 2 passives, "
        "1 detractor): promoters balance detractors"
    )


@pytest.mark.parametrize(
    ("open_cases", "overdue", "points", "reason"),
    [
        (0, 0, 20, "no open case"),
        (1, 0, 16, "1 open case, none overdue"),
        (2, 1, 8, "2 open cases, 1 overdue"),
        (3, 3, 0, "3 open cases, 3 overdue"),
    ],
)
def test_open_and_overdue_cases_take_points(
    open_cases: int, overdue: int, points: int, reason: str
) -> None:
    got = factor(HealthInputs(open_cases=open_cases, overdue_cases=overdue), Factor.CASES)
    assert (got.points, got.reason) == (points, reason)


@pytest.mark.parametrize(
    ("days", "points"), [(0, 15), (30, 15), (31, 10), (90, 10), (180, 5), (181, 0)]
)
def test_recency_of_the_last_interaction(days: int, points: int) -> None:
    got = factor(HealthInputs(last_interaction_at=NOW - timedelta(days=days)), Factor.RECENCY)
    assert got.points == points
    assert got.reason.startswith(f"last interaction {days} day")


@pytest.mark.parametrize(
    ("last", "previous", "points", "label"),
    [
        (110, 100, 20, "growing"),
        (109, 100, 14, "stable"),
        (90, 100, 14, "stable"),
        (89, 100, 6, "declining"),
        (50, 100, 6, "declining"),
        (49, 100, 0, "falling sharply"),
        (0, 100, 0, "falling sharply"),
    ],
)
def test_revenue_trend_compares_the_two_years(
    last: int, previous: int, points: int, label: str
) -> None:
    got = factor(
        HealthInputs(revenue={"EUR": RevenueWindows(last, previous)}), Factor.REVENUE_TREND
    )
    assert got.points == points
    assert got.reason.endswith(f"(EUR {last} vs {previous} minor units): {label}")


def test_revenue_in_the_main_currency_and_new_revenue() -> None:
    revenue = {"USD": RevenueWindows(10, 1_000), "EUR": RevenueWindows(5_000, 0)}
    assert health.main_currency(revenue) == "EUR"
    got = factor(HealthInputs(revenue=revenue), Factor.REVENUE_TREND)
    assert got.points == 20 and got.reason.startswith("new revenue")
    tie = {"USD": RevenueWindows(50, 50), "EUR": RevenueWindows(100, 0)}
    assert health.main_currency(tie) == "EUR"
    assert health.main_currency({"EUR": RevenueWindows(0, 0)}) is None


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, HealthBand.HEALTHY),
        (70, HealthBand.HEALTHY),
        (69, HealthBand.WATCH),
        (45, HealthBand.WATCH),
        (44, HealthBand.AT_RISK),
        (0, HealthBand.AT_RISK),
    ],
)
def test_bands(score: int, band: HealthBand) -> None:
    assert health.band_of(score) is band


def test_an_unhappy_account_is_at_risk_with_its_reasons() -> None:
    unhappy = HealthInputs(
        csat_responses=2,
        csat_score_sum=3,
        detractors=2,
        open_cases=2,
        overdue_cases=1,
        last_interaction_at=NOW - timedelta(days=200),
        revenue={"EUR": RevenueWindows(40_000, 100_000)},
    )
    assessment = health.assess_health(unhappy, NOW)
    assert [f.points for f in assessment.factors] == [0, 0, 8, 0, 0]
    assert (assessment.score, assessment.band) == (8, HealthBand.AT_RISK)
    revenue = assessment.factors[4]
    assert revenue.reason == (
        "active contract value signed in the last 12 months is 40 % of the 12 before "
        "(EUR 40000 vs 100000 minor units): falling sharply"
    )


def test_becoming_at_risk_is_a_transition_into_the_band() -> None:
    assert health.becomes_at_risk(None, HealthBand.AT_RISK)
    assert health.becomes_at_risk(HealthBand.WATCH, HealthBand.AT_RISK)
    assert not health.becomes_at_risk(HealthBand.AT_RISK, HealthBand.AT_RISK)
    assert not health.becomes_at_risk(HealthBand.AT_RISK, HealthBand.WATCH)
    assert not health.becomes_at_risk(None, HealthBand.HEALTHY)


def test_overdue_cases() -> None:
    assert health.case_is_overdue(NOW - timedelta(seconds=1), None, NOW)
    assert not health.case_is_overdue(NOW, None, NOW)
    assert health.case_is_overdue(NOW + timedelta(days=1), NOW, NOW)
    assert not health.case_is_overdue(None, None, NOW)


def test_windows_and_whole_years() -> None:
    assert health.revenue_window_starts(date(2027, 6, 15)) == (date(2025, 6, 15), date(2026, 6, 15))
    assert health.revenue_window_starts(date(2028, 2, 29)) == (date(2026, 2, 28), date(2027, 2, 28))
    assert health.months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert health.whole_years(date(2022, 6, 16), date(2027, 6, 15)) == 4
    assert health.whole_years(date(2022, 6, 15), date(2027, 6, 15)) == 5
    assert health.whole_years(date(2028, 1, 1), date(2027, 6, 15)) == 0


@pytest.mark.parametrize(
    ("years", "band", "tier"),
    [
        (5, HealthBand.HEALTHY, LoyaltyTier.GOLD),
        (5, HealthBand.WATCH, LoyaltyTier.BRONZE),
        (4, HealthBand.HEALTHY, LoyaltyTier.SILVER),
        (3, HealthBand.HEALTHY, LoyaltyTier.SILVER),
        (2, HealthBand.HEALTHY, LoyaltyTier.BRONZE),
        (1, HealthBand.WATCH, LoyaltyTier.BRONZE),
        (0, HealthBand.HEALTHY, LoyaltyTier.NONE),
        (10, HealthBand.AT_RISK, LoyaltyTier.NONE),
    ],
)
def test_loyalty_tiers(years: int, band: HealthBand, tier: LoyaltyTier) -> None:
    today = NOW.date()
    inputs = HealthInputs(
        first_contract_signed=date(today.year - years, today.month, today.day),
        has_active_contract=True,
    )
    loyalty = health.assess_loyalty(inputs, band, today)
    assert (loyalty.tier, loyalty.relationship_years) == (tier, years)
    assert loyalty.reason.startswith(f"customer since {inputs.first_contract_signed}")


def test_no_tier_without_an_active_contract() -> None:
    lapsed = HealthInputs(first_contract_signed=date(2015, 1, 1), has_active_contract=False)
    loyalty = health.assess_loyalty(lapsed, HealthBand.HEALTHY, NOW.date())
    assert (loyalty.tier, loyalty.reason) == (LoyaltyTier.NONE, "no active contract")
    assert DEFAULT_RULES.healthy_from == 70
