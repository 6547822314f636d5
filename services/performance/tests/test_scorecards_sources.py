"""Each KPI source measured from fact store rows the test writes, scored, and totalled exactly."""

from __future__ import annotations

from datetime import date

import grpc
from salesops.performance.v1 import scorecards_pb2 as pb
from salesops.performance.v1 import scorecards_pb2_grpc

from services.kit.db import Database
from services.performance.models.scorecard_store import kpi_scores
from services.performance.tests.scorecards_support import (
    CLOSED,
    DIRECTOR,
    MANAGER_A,
    REP_1,
    add_credit,
    add_fact,
    add_opportunity,
    add_quota,
    channel,
    db,
    define_set,
    failure,
    kpi,
    rule_types,
)

__all__ = ["channel", "db"]

ALL_SOURCES = [
    kpi("revenue", "revenue_attainment", 3_000, target_kind="quota", stretch_bp=12_000),
    kpi("new_customers", "new_customers", 1_000, target_kind="quota"),
    kpi("win_rate", "win_rate", 1_500, target_value=5_000),
    kpi("activities", "activity_volume", 1_000, target_value=10),
    kpi("csat", "average_csat", 1_000, target_value=400, floor_bp=7_500, stretch_bp=11_250),
    kpi(
        "training",
        "training_compliance",
        1_000,
        target_value=8_000,
        stretch_bp=12_500,
        required_training=["SAFETY-1", "cert:analytics", "cert:*"],
    ),
    kpi("coverage", "pipeline_coverage", 1_500, target_value=20_000, stretch_bp=15_000),
]


def seed_rep_1(db: Database) -> None:
    """rep-1's quarter (FY2026-Q2, April to June 2026), with rows just outside it too."""
    add_quota(db, metric="revenue", amount_minor=100_000)
    add_quota(db, metric="new_customers", quantity=4)
    # Revenue: 60,000 + 30,000 - 10,000 (a clawback) in EUR; other currencies and days ignored.
    add_credit(db, 60_000, date(2026, 4, 10))
    add_credit(db, 30_000, date(2026, 5, 10))
    add_credit(db, -10_000, date(2026, 6, 30))
    add_credit(db, 5_000, date(2026, 5, 1), currency="USD")
    add_credit(db, 99_999, date(2026, 7, 1))
    add_credit(db, 99_999, date(2026, 3, 31))
    # New customers: four first contracts, one of them cancelled.
    for quantity in (1, 1, 1, 1, -1):
        add_fact(db, "new_customer", quantity=quantity)
    # Win rate: 3 won, 1 lost in the quarter (a July win does not count).
    for kind in ("opportunity_won", "opportunity_won", "opportunity_won", "opportunity_lost"):
        add_fact(db, kind)
    add_fact(db, "opportunity_won", date(2026, 7, 2))
    # Activities: six distinct activities (one reported twice).
    for n in range(6):
        add_fact(db, "activity", subject_id=f"act-{n}")
    add_fact(db, "activity", subject_id="act-0")
    # CSAT: 5, 4 and 4 (an NPS answer is not a CSAT).
    for score in (5, 4, 4):
        add_fact(db, "satisfaction", score=score, detail="csat")
    add_fact(db, "satisfaction", score=9, detail="nps")
    # Training: SAFETY-1 done last year; analytics certified then lapsed; crm certified.
    add_fact(db, "course_completed", date(2025, 9, 1), detail="SAFETY-1")
    add_fact(db, "certification_granted", date(2026, 2, 1), subject_id="c1", detail="analytics")
    add_fact(db, "certification_lapsed", date(2026, 5, 1), subject_id="c1", detail="analytics")
    add_fact(db, "certification_granted", date(2026, 3, 1), subject_id="c2", detail="crm")
    # Pipeline: 30,000 + 15,000 open and closing in the quarter; the rest does not count.
    add_opportunity(db, 30_000, date(2026, 5, 20))
    add_opportunity(db, 15_000, date(2026, 6, 30))
    add_opportunity(db, 50_000, date(2026, 7, 1))
    add_opportunity(db, 70_000, date(2026, 5, 20), status="won")
    add_opportunity(db, 80_000, date(2026, 5, 20), currency="USD")


def test_every_source_is_measured_and_scored_from_the_facts(
    channel: grpc.Channel, db: Database
) -> None:
    define_set(db, ALL_SOURCES)
    seed_rep_1(db)
    scorecards = scorecards_pb2_grpc.ScorecardServiceStub(channel)
    card = scorecards.GetScorecard(
        pb.GetScorecardRequest(rep_id="rep-1", period_code=CLOSED), metadata=REP_1
    ).scorecard
    assert not card.published and card.scorecard_id == ""
    lines = {line.kpi_code: line for line in card.lines}
    measured = {code: (line.value, line.target, line.score) for code, line in lines.items()}
    assert measured == {
        "revenue": (80_000, 100_000, 48),  # 80 x (80k - 50k) / (100k - 50k)
        "new_customers": (3, 4, 40),  # floor 2: 80 x 1/2
        "win_rate": (7_500, 5_000, 100),  # 3 of 4: the stretch
        "activities": (6, 10, 16),  # 80 x (6 - 5) / (10 - 5)
        "csat": (433, 400, 93),  # 4.33: 80 + 20 x 33/50 = 93.2
        "training": (6_667, 8_000, 53),  # 2 of 3 met: 80 x 2667/4000 = 53.3
        "coverage": (22_500, 20_000, 85),  # 45k over 20k left: 80 + 20 x 2500/10000
    }
    assert lines["revenue"].unit == "minor_units" and lines["revenue"].currency == "EUR"
    assert "USD" in lines["revenue"].note
    assert (lines["revenue"].floor, lines["revenue"].stretch) == (50_000, 120_000)
    assert lines["training"].note == "2 of 3 met"
    assert lines["csat"].unit == "csat_hundredths"
    assert [line.weighted_points for line in card.lines] == [
        144_000,
        40_000,
        150_000,
        16_000,
        93_000,
        53_000,
        127_500,
    ]
    assert card.total_points == 623_500 == sum(line.weighted_points for line in card.lines)
    assert card.total_score == 62
    with db.transaction() as session:
        assert kpi_scores(session, "rep-1", CLOSED) == {
            code: s for code, (_, _, s) in measured.items()
        }
        assert kpi_scores(session, "nobody", CLOSED) == {}


def test_a_kpi_without_target_or_data_is_unscored_and_adds_nothing(
    channel: grpc.Channel, db: Database
) -> None:
    define_set(db, ALL_SOURCES)
    scorecards = scorecards_pb2_grpc.ScorecardServiceStub(channel)
    card = scorecards.GetScorecard(
        pb.GetScorecardRequest(rep_id="rep-2", period_code=CLOSED), metadata=MANAGER_A
    ).scorecard
    lines = {line.kpi_code: line for line in card.lines}
    assert not lines["revenue"].scored and lines["revenue"].note == "no revenue quota for FY2026-Q2"
    assert not lines["win_rate"].scored
    assert lines["win_rate"].note == "no opportunity closed in the period"
    assert not lines["csat"].scored and not lines["coverage"].scored
    # Activities (fixed target) and training (no training at all) are scored: 0 each.
    assert (lines["activities"].scored, lines["activities"].score) == (True, 0)
    assert (lines["training"].value, lines["training"].score) == (0, 0)
    assert card.total_points == 0


def test_quota_met_leaves_nothing_to_cover_and_scores_the_stretch(
    channel: grpc.Channel, db: Database
) -> None:
    define_set(db, [kpi("coverage", "pipeline_coverage", 10_000, target_value=30_000)])
    add_quota(db, metric="revenue", amount_minor=50_000)
    add_credit(db, 50_000)
    scorecards = scorecards_pb2_grpc.ScorecardServiceStub(channel)
    [line] = scorecards.GetScorecard(
        pb.GetScorecardRequest(rep_id="rep-1", period_code=CLOSED), metadata=REP_1
    ).scorecard.lines
    assert (line.value, line.score, line.note) == (45_000, 100, "quota met: nothing left to cover")


def test_lower_is_better_kpis_score_small_values_high(channel: grpc.Channel, db: Database) -> None:
    # An odd but legal KPI: fewer activities is better (target 10, floor 20, stretch 5).
    define_set(
        db,
        [
            kpi(
                "quiet",
                "activity_volume",
                10_000,
                target_value=10,
                direction="lower",
                floor_bp=20_000,
                stretch_bp=5_000,
            )
        ],
    )
    for n in range(15):
        add_fact(db, "activity", subject_id=f"a{n}")
    scorecards = scorecards_pb2_grpc.ScorecardServiceStub(channel)
    [line] = scorecards.GetScorecard(
        pb.GetScorecardRequest(rep_id="rep-1", period_code=CLOSED), metadata=REP_1
    ).scorecard.lines
    assert (line.direction, line.value, line.score) == ("lower", 15, 40)  # half-way floor->target


def test_no_kpi_set_in_effect_is_a_broken_rule(channel: grpc.Channel, db: Database) -> None:
    scorecards = scorecards_pb2_grpc.ScorecardServiceStub(channel)
    # The seeded default set starts in FY2000; FY1999 has none.
    error = failure(
        lambda: scorecards.GetScorecard(
            pb.GetScorecardRequest(rep_id="rep-1", period_code="FY1999-Q1"), metadata=REP_1
        )
    )
    assert rule_types(error) == ["NO_KPI_SET"]


def test_a_manager_is_scored_by_the_managers_kpis_on_their_overlay_credits(
    channel: grpc.Channel, db: Database
) -> None:
    define_set(db, ALL_SOURCES)  # the reps' set: not the one that scores a manager
    define_set(
        db,
        [kpi("team_revenue", "revenue_attainment", 10_000, target_kind="quota", stretch_bp=12_000)],
        role="manager",
    )
    add_quota(db, "mgr-a", metric="revenue", amount_minor=200_000)
    add_credit(db, 150_000, rep_id="mgr-a", kind="overlay")
    card = (
        scorecards_pb2_grpc.ScorecardServiceStub(channel)
        .GetScorecard(pb.GetScorecardRequest(rep_id="mgr-a", period_code=CLOSED), metadata=DIRECTOR)
        .scorecard
    )
    assert card.role == "manager"
    assert [(x.kpi_code, x.value, x.target, x.score) for x in card.lines] == [
        ("team_revenue", 150_000, 200_000, 40)  # 80 x (150k - 100k) / (200k - 100k)
    ]
