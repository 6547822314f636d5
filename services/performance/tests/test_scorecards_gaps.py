"""The live gap scan: ratios at once, running totals from half-way (pro-rated), each gap once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import grpc
from nameko.testing.services import worker_factory
from salesops.performance.v1 import scorecards_pb2 as pb
from salesops.performance.v1 import scorecards_pb2_grpc

from services.kit.db import Database, utcnow
from services.performance.api.scorecards import kpi_gap_counts
from services.performance.domain.scorecards import LIVE_GAP_FROM_ELAPSED_BP, elapsed_bp
from services.performance.handlers.scorecards_timer import run_gap_scan
from services.performance.tests.scorecards_support import (
    APAC_DIRECTOR,
    CALENDAR,
    CLOSED,
    DIRECTOR,
    MANAGER_A,
    add_fact,
    channel,
    db,
    define_set,
    envelopes,
    failure,
    kpi,
    rule_types,
)
from services.performance.worker import Worker

__all__ = ["channel", "db"]

# FY2026-Q2 runs 1 April to 1 July 2026 (91 days).
EARLY = datetime(2026, 4, 20, tzinfo=UTC)  # 19 days in: too early to call anything a gap
MID_MAY = datetime(2026, 5, 20, tzinfo=UTC)  # 49 days in: 5384 bp of the period


def test_live_gaps_are_found_from_half_way_with_pro_rated_floors_and_reported_once(
    channel: grpc.Channel, db: Database
) -> None:
    define_set(
        db,
        [
            kpi("activities", "activity_volume", 5_000, target_value=10),  # floor 5, cumulative
            kpi("win_rate", "win_rate", 5_000, target_value=5_000),  # floor 2500 bp, a ratio
        ],
    )
    for n in range(2):
        add_fact(db, "activity", date(2026, 4, 5), rep_id="rep-1", subject_id=f"r1-{n}")
    for n in range(3):
        add_fact(db, "activity", date(2026, 4, 5), rep_id="rep-2", subject_id=f"r2-{n}")
    add_fact(db, "opportunity_lost", date(2026, 4, 5), rep_id="rep-2")
    add_fact(db, "opportunity_won", date(2026, 4, 5), rep_id="rep-1")

    # Early on only ratios are judged: rep-2's win rate (0 of 1) is below its floor whenever.
    assert run_gap_scan(db, CALENDAR, EARLY) == [("rep-2", "win_rate")]
    # Mid-May the activity floor is 5 x 5384/10000 = 2.69 -> 3: rep-1 (2) is below it, rep-2
    # (3) is not; rep-3 and rep-9 did nothing at all.
    found = run_gap_scan(db, CALENDAR, MID_MAY)
    assert sorted(found) == [
        ("rep-1", "activities"),
        ("rep-3", "activities"),
        ("rep-9", "activities"),
    ]
    events = envelopes(db, "performance.gap.detected")
    by_rep = {e["payload"]["rep_id"]: e["payload"] for e in events}
    assert (by_rep["rep-1"]["value"], by_rep["rep-1"]["threshold"]) == ("2", "3")
    assert by_rep["rep-1"]["found_in"] == "live" and by_rep["rep-1"]["skill_area"] == "prospecting"
    assert by_rep["rep-2"]["skill_area"] == "negotiation"
    assert run_gap_scan(db, CALENDAR, datetime(2026, 6, 1, tzinfo=UTC)) == []  # once each

    # At publication the full floor applies: rep-2's 3 activities are a gap now; rep-1's
    # activity gap and rep-2's win-rate gap are not reported again.
    scorecards_pb2_grpc.ScorecardServiceStub(channel).PublishScorecards(
        pb.PublishScorecardsRequest(period_code=CLOSED, team_id="team-a"), metadata=DIRECTOR
    )
    reported = sorted(
        (e["payload"]["rep_id"], e["payload"]["kpi_code"], e["payload"]["found_in"])
        for e in envelopes(db, "performance.gap.detected")
        if e["payload"]["team_id"] == "team-a"
    )
    assert reported == [
        ("rep-1", "activities", "live"),
        ("rep-2", "activities", "published"),
        ("rep-2", "win_rate", "live"),
    ]
    assert kpi_gap_counts(db) == [
        (("APAC", "prospecting"), 1.0),
        (("EMEA", "negotiation"), 1.0),
        (("EMEA", "prospecting"), 3.0),
    ]
    # A published period is no longer scanned live.
    assert run_gap_scan(db, CALENDAR, datetime(2026, 6, 30, tzinfo=UTC)) == []


def test_the_worker_timer_scans_the_running_quarter(db: Database) -> None:
    define_set(db, [kpi("activities", "activity_volume", 10_000, target_value=10)])
    now = utcnow()
    quarter = CALENDAR.periods_containing(now)[1]
    reported = worker_factory(Worker, db=db).scorecards_gap_scan()
    # No rep did anything this quarter: every rep (not the managers, scored by other KPIs)
    # is below the floor once half the quarter has passed.
    late_enough = elapsed_bp(quarter, now) >= LIVE_GAP_FROM_ELAPSED_BP
    assert reported == (4 if late_enough else 0)
    assert worker_factory(Worker, db=db).scorecards_gap_scan() == 0


def test_directors_detect_a_running_periods_gaps_on_demand(
    channel: grpc.Channel, db: Database
) -> None:
    define_set(db, [kpi("win_rate", "win_rate", 10_000, target_value=5_000)])
    today = utcnow().date()
    add_fact(db, "opportunity_lost", today, rep_id="rep-1")
    add_fact(db, "opportunity_won", today, rep_id="rep-2")
    quarter = CALENDAR.periods_containing(utcnow())[1].code
    stub = scorecards_pb2_grpc.ScorecardServiceStub(channel)

    def detect(metadata: list[tuple[str, str]], period: str = quarter) -> list[tuple[str, str]]:
        request = pb.DetectGapsRequest(period_code=period, region="EMEA")
        return [(g.rep_id, g.kpi_code) for g in stub.DetectGaps(request, metadata=metadata).gaps]

    assert detect(DIRECTOR) == [("rep-1", "win_rate")]
    assert detect(DIRECTOR) == []  # once
    [event] = envelopes(db, "performance.gap.detected")
    assert (event["actor"], event["payload"]["period_code"]) == ("dir-1", quarter)
    assert failure(lambda: detect(MANAGER_A)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(lambda: detect(APAC_DIRECTOR)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert rule_types(failure(lambda: detect(DIRECTOR, CLOSED))) == ["PERIOD_NOT_RUNNING"]
