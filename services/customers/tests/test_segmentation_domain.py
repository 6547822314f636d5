"""Tier and lifetime value rules without a database: every boundary, every currency rule."""

from __future__ import annotations

import pytest

from services.customers.domain import segmentation as seg
from services.kit.errors import InvalidArgument

THRESHOLDS = seg.TierThresholds(
    currency="EUR",
    a_revenue_minor=100_000,
    b_revenue_minor=10_000,
    a_potential_minor=500_000,
    b_potential_minor=50_000,
)


@pytest.mark.parametrize(
    ("revenue", "potential", "tier"),
    [
        (100_000, 0, seg.Tier.A),  # revenue exactly at A is A
        (99_999, 0, seg.Tier.B),
        (10_000, 0, seg.Tier.B),  # exactly at B is B
        (9_999, 0, seg.Tier.C),
        (0, 500_000, seg.Tier.A),  # potential alone can make A
        (0, 499_999, seg.Tier.B),
        (0, 50_000, seg.Tier.B),
        (0, 49_999, seg.Tier.C),
        (9_999, 49_999, seg.Tier.C),  # below both B amounts
        (99_999, 499_999, seg.Tier.B),  # below both A amounts
        (0, 0, seg.Tier.C),
    ],
)
def test_tier_at_each_boundary(revenue: int, potential: int, tier: seg.Tier) -> None:
    assert seg.compute_tier(THRESHOLDS, seg.TierInputs(revenue, potential)) is tier


def test_no_thresholds_no_tier() -> None:
    assert seg.compute_tier(None, seg.TierInputs(10**9, 10**9)) is None


def test_only_the_thresholds_currency_counts() -> None:
    inputs = seg.tier_inputs(THRESHOLDS, {"EUR": 20_000, "USD": 10**9}, "USD", 10**9)
    assert inputs == seg.TierInputs(revenue_minor=20_000, potential_minor=0)
    assert seg.compute_tier(THRESHOLDS, inputs) is seg.Tier.B
    assert seg.tier_inputs(THRESHOLDS, {}, "EUR", 7).potential_minor == 7


def test_lifetime_value_sums_active_contracts_per_currency() -> None:
    contracts = [
        ("active", "EUR", 1_000),
        ("active", "EUR", 2_500),
        ("cancelled", "EUR", 99_999),
        ("active", "USD", 700),
    ]
    assert seg.lifetime_value(contracts) == {"EUR": 3_500, "USD": 700}
    assert seg.lifetime_value([]) == {}


def test_thresholds_are_validated_all_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        seg.validate_thresholds(
            currency="euro",
            a_revenue_minor=10,
            b_revenue_minor=20,
            a_potential_minor=0,
            b_potential_minor=5,
        )
    assert [v.field for v in caught.value.violations] == [
        "thresholds.currency",
        "thresholds.a_potential_minor",
        "thresholds.b_revenue_minor",
        "thresholds.b_potential_minor",
    ]
    equal = seg.validate_thresholds(
        currency="eur",
        a_revenue_minor=10,
        b_revenue_minor=10,
        a_potential_minor=10,
        b_potential_minor=10,
    )
    assert equal.currency == "EUR"
