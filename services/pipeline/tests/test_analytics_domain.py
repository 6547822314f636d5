"""Analytics rules without a database: rounding, the funnel, scope, competitor ranking."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.kit.errors import InvalidArgument, PermissionDenied
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller
from services.pipeline.domain import analytics as domain
from services.pipeline.domain.analytics import FunnelStage


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(0, 3, 0), (1, 2, 1), (3, 2, 2), (5, 2, 3), (7, 3, 2), (8, 3, 3), (-5, 2, -2), (10, 5, 2)],
)
def test_divide_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert domain.divide_half_up(numerator, denominator) == expected


def test_divide_half_up_refuses_a_zero_denominator() -> None:
    with pytest.raises(ValueError):
        domain.divide_half_up(1, 0)


@pytest.mark.parametrize(
    ("part", "whole", "bp"),
    [
        (0, 0, 0),
        (1, 3, 3333),
        (2, 3, 6667),
        (1, 8, 1250),
        (4, 7, 5714),
        (5, 9, 5556),
        (1, 20_000, 1),  # 0.5 bp rounds up
        (1, 20_001, 0),
        (3, 3, 10_000),
    ],
)
def test_ratio_bp(part: int, whole: int, bp: int) -> None:
    assert domain.ratio_bp(part, whole) == bp


def test_mean_half_up_in_units() -> None:
    assert domain.mean_half_up(150_001, 2) == 75_001
    assert domain.mean_half_up(0, 0) == 0
    # 31.5 hours -> 32; 17.875 days -> 18.
    assert domain.mean_half_up(252 * 3600, 8, domain.SECONDS_PER_HOUR) == 32
    assert domain.mean_half_up(int(71.5 * 86400), 4, domain.SECONDS_PER_DAY) == 18


STAGES = [
    FunnelStage("s1", "Qualify", 1, "open"),
    FunnelStage("s2", "Discover", 2, "open"),
    FunnelStage("s3", "Propose", 3, "open"),
    FunnelStage("sw", "Won", 4, "won"),
]


def test_a_deal_reached_every_stage_up_to_its_furthest() -> None:
    steps = domain.funnel_steps(list(reversed(STAGES)), {1: 2, 2: 2, 4: 4})
    assert [(s.stage.stage_id, s.reached, s.conversion_to_next_bp) for s in steps] == [
        ("s1", 8, 7500),
        ("s2", 6, 6667),
        ("s3", 4, 10000),
        ("sw", 4, None),
    ]


def test_an_empty_funnel_has_no_conversion_rates() -> None:
    steps = domain.funnel_steps(STAGES, {})
    assert [(s.reached, s.conversion_to_next_bp) for s in steps] == [(0, None)] * 4
    steps = domain.funnel_steps(STAGES, {1: 3})
    assert [(s.reached, s.conversion_to_next_bp) for s in steps] == [
        (3, 0),
        (0, None),
        (0, None),
        (0, None),
    ]


def who(subject: str, roles: str, regions: str = "EMEA") -> Caller:
    return Caller(
        subject, frozenset(roles.split(",")), frozenset(r for r in regions.split(",") if r)
    )


APRIL = FiscalCalendar(4)


def test_scope_of_a_manager_a_rep_and_an_executive() -> None:
    manager = domain.analytics_scope(who("m", "manager"), APRIL, period="fy2027-q1", region="")
    assert manager.regions == frozenset({"EMEA"}) and manager.owner_id == "" and not manager.empty
    assert manager.period.code == "FY2027-Q1"
    assert manager.period.starts_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert manager.period.ends_at == datetime(2026, 7, 1, tzinfo=UTC)
    other_region = domain.analytics_scope(
        who("m", "manager"), APRIL, period="FY2027", region="apac"
    )
    assert other_region.regions == frozenset() and other_region.region == "APAC"
    rep = domain.analytics_scope(who("r", "rep"), APRIL, period="FY2027")
    assert rep.owner_id == "r" and not rep.empty
    nosy = domain.analytics_scope(who("r", "rep"), APRIL, period="FY2027", owner_id="r2")
    assert nosy.owner_id == "r" and nosy.empty
    executive = domain.analytics_scope(who("ceo", "executive", ""), APRIL, period="FY2027")
    assert executive.regions is None


def test_bad_filters_are_reported_together() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.analytics_scope(
            who("m", "manager"),
            APRIL,
            period="2027",
            team_id="bad team",
            pipeline_required=True,
        )
    assert [v.field for v in caught.value.violations] == ["period", "team_id", "pipeline_id"]
    with pytest.raises(InvalidArgument) as caught:
        domain.analytics_scope(who("m", "manager"), APRIL, period=" ")
    assert caught.value.violations[0].field == "period"
    with pytest.raises(PermissionDenied):
        domain.analytics_scope(who("ops", "platform"), APRIL, period="FY2027")


def test_competitors_are_ranked_by_deals_then_name() -> None:
    ranked = domain.rank_competitors(
        {"Initech": {"won": 1, "lost": 1}, "Globex": {"won": 1, "lost": 2}, "Acme": {"lost": 2}},
        {"Globex": 1, "Umbrella": 1},
    )
    assert [(f.competitor, f.deals, f.win_rate_bp, f.lost_to) for f in ranked] == [
        ("Globex", 3, 3333, 1),
        ("Acme", 2, 0, 0),
        ("Initech", 2, 5000, 0),
        ("Umbrella", 0, 0, 1),
    ]
