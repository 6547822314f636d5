"""PipelineAnalyticsService over a hand-built dataset whose figures are worked out below.

The fiscal year starts in April, so FY2027-Q1 is 2026-04-01 to 2026-07-01.
Opportunities are written straight into the opportunity tables, so these
tests do not depend on the opportunity API.

Pipeline "nb": s1 s2 s3 s4 (open, positions 1-4), sw (won, 5), sl (lost, 6).
Pipeline "ren": r1 (open, 1), rw (won, 2), rl (lost, 3).
Times are 2026 UTC; "s1->04-03" is a stay in s1 exited on 04-03, "sw..." one not exited.

    o1  EMEA rep-a t1 nb, created 04-01 00:00: s1->04-03 s2->04-04 s3->04-10 s4->05-01 sw...
        won 05-01, 100000 EUR; competitors Globex
    o2  EMEA rep-a t1 nb, created 04-15 12:00: s1->04-16 12:00 s2->04-20 12:00 sl...
        lost 04-20 12:00, "price", to Globex; competitors Globex, Initech
    o3  EMEA rep-b t1 nb, created 05-10: s1->05-11 s3->05-20 sw... (skipped s2)
        won 05-20, 50001 EUR; competitors Initech
    o4  EMEA rep-c t2 nb, created 06-30 23:59:59: s1...  open
    o5  EMEA rep-b t1 nb, created 06-01: s1->06-02 s2...  open
    o6  EMEA rep-c t2 nb, created 05-05: s1->05-06 s2->05-08 s3->05-09 s4->07-01 sw...
        won 07-01 00:00 (the first instant of Q2), 70000 USD
    o7  EMEA rep-a t1 nb, created 03-31 23:59:59 (FY2026): s1->04-02 23:59:59 sl...
        lost 04-02 23:59:59, "no budget"; competitors Globex
    o8  APAC rep-x t9 nb, created 04-10: s1->04-20 sw...
        won 04-20, 999999 EUR; competitors Globex
    o9  EMEA rep-b t1 ren, created 04-20: r1->05-20 rw...  won 05-20, 20000 EUR
    o10 EMEA rep-a t1 nb, created 05-01: s1->05-02 sl...  lost 05-02, "price", to Umbrella
    o11 EMEA rep-c t2 nb, created 02-01: s1->07-01 sl...
        lost 07-01 00:00 (Q2), "timing"; competitors Initech
    o12 EMEA rep-b t1 nb, created 04-05: s1->04-06 12:00 sw... (won from s1)
        won 04-06 12:00, 33333 USD
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from salesops.pipeline.v1 import analytics_pb2 as pb
from salesops.pipeline.v1 import analytics_pb2_grpc

from services.kit.db import Database
from services.kit.testing import caller
from services.pipeline.models.opportunities import (
    OpportunityCompetitorRecord,
    OpportunityRecord,
    PipelineRecord,
    StageHistoryRecord,
    StageRecord,
)

Stub = analytics_pb2_grpc.PipelineAnalyticsServiceStub
MANAGER = caller("mgr-1", "manager", "EMEA")
REP_A = caller("rep-a", "rep", "EMEA")
EXECUTIVE = caller("ceo", "executive", "")
Q1 = "FY2027-Q1"


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


STAGES = {
    "nb": [
        ("s1", "open"),
        ("s2", "open"),
        ("s3", "open"),
        ("s4", "open"),
        ("sw", "won"),
        ("sl", "lost"),
    ],
    "ren": [("r1", "open"), ("rw", "won"), ("rl", "lost")],
}

# id: (region, owner, team, pipeline, created, [(stage, entered)], outcome, closed, amount,
#      currency, loss reason, lost to, competitors). Each stay ends when the next begins.
DEALS: list[tuple[Any, ...]] = [
    ("o1", "EMEA", "rep-a", "t1", "nb", at(4, 1),
     [("s1", at(4, 1)), ("s2", at(4, 3)), ("s3", at(4, 4)), ("s4", at(4, 10)), ("sw", at(5, 1))],
     "won", at(5, 1), 100_000, "EUR", "", "", ["Globex"]),
    ("o2", "EMEA", "rep-a", "t1", "nb", at(4, 15, 12),
     [("s1", at(4, 15, 12)), ("s2", at(4, 16, 12)), ("sl", at(4, 20, 12))],
     "lost", at(4, 20, 12), 40_000, "EUR", "price", "Globex", ["Globex", "Initech"]),
    ("o3", "EMEA", "rep-b", "t1", "nb", at(5, 10),
     [("s1", at(5, 10)), ("s3", at(5, 11)), ("sw", at(5, 20))],
     "won", at(5, 20), 50_001, "EUR", "", "", ["Initech"]),
    ("o4", "EMEA", "rep-c", "t2", "nb", at(6, 30, 23, 59, 59),
     [("s1", at(6, 30, 23, 59, 59))],
     "open", None, 10_000, "EUR", "", "", []),
    ("o5", "EMEA", "rep-b", "t1", "nb", at(6, 1),
     [("s1", at(6, 1)), ("s2", at(6, 2))],
     "open", None, 10_000, "EUR", "", "", []),
    ("o6", "EMEA", "rep-c", "t2", "nb", at(5, 5),
     [("s1", at(5, 5)), ("s2", at(5, 6)), ("s3", at(5, 8)), ("s4", at(5, 9)), ("sw", at(7, 1))],
     "won", at(7, 1), 70_000, "USD", "", "", []),
    ("o7", "EMEA", "rep-a", "t1", "nb", datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC),
     [("s1", datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)), ("sl", at(4, 2, 23, 59, 59))],
     "lost", at(4, 2, 23, 59, 59), 5_000, "EUR", "no budget", "", ["Globex"]),
    ("o8", "APAC", "rep-x", "t9", "nb", at(4, 10),
     [("s1", at(4, 10)), ("sw", at(4, 20))],
     "won", at(4, 20), 999_999, "EUR", "", "", ["Globex"]),
    ("o9", "EMEA", "rep-b", "t1", "ren", at(4, 20),
     [("r1", at(4, 20)), ("rw", at(5, 20))],
     "won", at(5, 20), 20_000, "EUR", "", "", []),
    ("o10", "EMEA", "rep-a", "t1", "nb", at(5, 1),
     [("s1", at(5, 1)), ("sl", at(5, 2))],
     "lost", at(5, 2), 8_000, "EUR", "price", "Umbrella", []),
    ("o11", "EMEA", "rep-c", "t2", "nb", at(2, 1),
     [("s1", at(2, 1)), ("sl", at(7, 1))],
     "lost", at(7, 1), 9_000, "EUR", "timing", "", ["Initech"]),
    ("o12", "EMEA", "rep-b", "t1", "nb", at(4, 5),
     [("s1", at(4, 5)), ("sw", at(4, 6, 12))],
     "won", at(4, 6, 12), 33_333, "USD", "", "", []),
]  # fmt: skip


def build_dataset(db: Database) -> None:
    """Write the pipelines, stages and deals of the module docstring."""
    created = at(1, 1)
    with db.transaction() as session:
        for pipeline_id, stages in STAGES.items():
            session.add(
                PipelineRecord(
                    pipeline_id=pipeline_id,
                    name=pipeline_id,
                    kind="new_business",
                    region="",
                    created_at=created,
                )
            )
            session.flush()
            for position, (stage_id, kind) in enumerate(stages, 1):
                session.add(
                    StageRecord(
                        stage_id=stage_id,
                        pipeline_id=pipeline_id,
                        name=stage_id.upper(),
                        position=position,
                        probability_bp={"won": 10_000, "lost": 0}.get(kind, 2_000 * position),
                        forecast_category={"won": "closed", "lost": "omitted"}.get(
                            kind, "pipeline"
                        ),
                        kind=kind,
                    )
                )
        session.flush()
        for (
            deal_id, region, owner, team, pipeline_id, created_at, path, outcome, closed_at,
            amount, currency, reason, lost_to, competitors,
        ) in DEALS:  # fmt: skip
            session.add(
                OpportunityRecord(
                    opportunity_id=deal_id,
                    region=region,
                    customer_id=f"cus-{deal_id}",
                    owner_id=owner,
                    team_id=team,
                    pipeline_id=pipeline_id,
                    stage_id=path[-1][0],
                    name=f"Deal {deal_id}",
                    amount_minor=amount,
                    currency=currency,
                    next_step="",
                    status=outcome,
                    closed_at=closed_at,
                    loss_reason=reason,
                    lost_to_competitor=lost_to,
                    created_at=created_at,
                    created_by=owner,
                    updated_at=created_at,
                    updated_by=owner,
                    version=1,
                )
            )
            session.flush()
            for index, (stage_id, entered) in enumerate(path):
                exited = path[index + 1][1] if index + 1 < len(path) else None
                session.add(
                    StageHistoryRecord(
                        id=str(uuid.uuid4()),
                        opportunity_id=deal_id,
                        stage_id=stage_id,
                        entered_at=entered,
                        exited_at=exited,
                    )
                )
            for competitor in competitors:
                session.add(
                    OpportunityCompetitorRecord(opportunity_id=deal_id, competitor=competitor)
                )


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    build_dataset(database)
    return database


@pytest.fixture
def stub(
    db: Database,
    serve_api: Callable[[str, Database], grpc.Channel],
    monkeypatch: pytest.MonkeyPatch,
) -> Stub:
    monkeypatch.setenv("SALESOPS_FISCAL_YEAR_START_MONTH", "4")
    return Stub(serve_api("pipeline", db))


def flt(period: str = Q1, **filters: str) -> pb.AnalyticsFilter:
    return pb.AnalyticsFilter(period=period, **filters)


def funnel(stub: Stub, who: Any = MANAGER, **filters: str) -> list[tuple[str, int, int | None]]:
    response = stub.GetFunnel(
        pb.GetFunnelRequest(filter=flt(pipeline_id="nb", **filters)), metadata=who
    )
    return [
        (
            step.stage_id,
            step.reached,
            step.conversion_to_next_bp if step.HasField("conversion_to_next_bp") else None,
        )
        for step in response.steps
    ]


def test_funnel_of_the_quarter_cohort(stub: Stub) -> None:
    response = stub.GetFunnel(pb.GetFunnelRequest(filter=flt(pipeline_id="nb")), metadata=MANAGER)
    # Cohort: o1 o2 o3 o4 o5 o6 o10 o12 (o7 was created a second before the quarter,
    # o4 a second before its end; o8 is APAC, o9 another pipeline).
    assert response.cohort == 8
    assert response.period.code == Q1
    assert response.period.starts_at.ToDatetime(tzinfo=UTC) == at(4, 1)
    assert response.period.ends_at.ToDatetime(tzinfo=UTC) == at(7, 1)
    assert [(s.name, s.position, s.kind) for s in response.steps] == [
        ("S1", 1, "open"),
        ("S2", 2, "open"),
        ("S3", 3, "open"),
        ("S4", 4, "open"),
        ("SW", 5, "won"),
    ]  # the lost stage is not a step
    # Furthest: o1 o3 o6 o12 at sw (o3 skipped s2, o12 won from s1), o2 o5 at s2
    # (o2's lost stage does not count), o4 o10 at s1.
    # 6/8 = 7500 bp; 4/6 = 6666.67 -> 6667 bp.
    assert funnel(stub) == [
        ("s1", 8, 7500),
        ("s2", 6, 6667),
        ("s3", 4, 10000),
        ("s4", 4, 10000),
        ("sw", 4, None),
    ]


def test_funnel_by_rep_team_and_month_and_its_scope(stub: Stub) -> None:
    # rep-a's cohort: o1 (sw), o2 (s2), o10 (s1): 2/3 -> 6667, 1/2 -> 5000.
    rep_a = [("s1", 3, 6667), ("s2", 2, 5000), ("s3", 1, 10000), ("s4", 1, 10000), ("sw", 1, None)]
    assert funnel(stub, REP_A) == rep_a
    assert funnel(stub, MANAGER, owner_id="rep-a") == rep_a
    # A rep asking for another rep's funnel gets nothing, not their figures.
    assert funnel(stub, REP_A, owner_id="rep-b") == [
        (s, 0, None) for s in ("s1", "s2", "s3", "s4", "sw")
    ]
    # Team t2: o4 (s1), o6 (sw).
    assert funnel(stub, team_id="t2") == [
        ("s1", 2, 5000),
        ("s2", 1, 10000),
        ("s3", 1, 10000),
        ("s4", 1, 10000),
        ("sw", 1, None),
    ]
    # June 2026 is FY2027-M03: o4 (s1) and o5 (s2); nobody reached s3.
    assert funnel(stub, period="FY2027-M03") == [
        ("s1", 2, 5000),
        ("s2", 1, 0),
        ("s3", 0, None),
        ("s4", 0, None),
        ("sw", 0, None),
    ]
    # The executive sees APAC's o8 too: 7/9 -> 7778, 5/7 -> 7143.
    assert funnel(stub, EXECUTIVE) == [
        ("s1", 9, 7778),
        ("s2", 7, 7143),
        ("s3", 5, 10000),
        ("s4", 5, 10000),
        ("sw", 5, None),
    ]
    apac = caller("mgr-2", "manager", "APAC")
    assert [reached for _, reached, _ in funnel(stub, apac)] == [1, 1, 1, 1, 1]
    # EMEA's manager asking for APAC sees nothing.
    assert [reached for _, reached, _ in funnel(stub, region="APAC")] == [0, 0, 0, 0, 0]


def win_rates(stub: Stub, who: Any = MANAGER, group_by: int = 0, **filters: str) -> Any:
    return stub.GetWinRate(
        pb.GetWinRateRequest(filter=flt(**filters), group_by=group_by), metadata=who
    )


def rows(items: Any) -> list[tuple[str, int, int, int]]:
    return [(r.key, r.won, r.lost, r.win_rate_bp) for r in items]


def test_win_rate_by_period_and_dimension(stub: Stub) -> None:
    # Closed in Q1: won o1 o3 o9 o12, lost o2 o7 o10 (o6 and o11 closed at 07-01 00:00,
    # the first instant of Q2). 4/7 = 5714.29 -> 5714 bp.
    response = win_rates(stub)
    assert rows([response.total]) == [("", 4, 3, 5714)] and list(response.groups) == []
    owner = win_rates(stub, group_by=pb.ANALYTICS_DIMENSION_OWNER)
    assert rows(owner.groups) == [("rep-a", 1, 3, 2500), ("rep-b", 3, 0, 10000)]
    assert rows([owner.total]) == [("", 4, 3, 5714)]
    assert rows(win_rates(stub, group_by=pb.ANALYTICS_DIMENSION_TEAM).groups) == [
        ("t1", 4, 3, 5714)
    ]
    assert rows(win_rates(stub, group_by=pb.ANALYTICS_DIMENSION_PIPELINE).groups) == [
        ("nb", 3, 3, 5000),
        ("ren", 1, 0, 10000),
    ]
    assert rows([win_rates(stub, pipeline_id="ren").total]) == [("", 1, 0, 10000)]
    # Q2 starts with o6 won and o11 lost, both at 07-01 00:00.
    assert rows([win_rates(stub, period="FY2027-Q2").total]) == [("", 1, 1, 5000)]
    # The fiscal year (2026-04-01 to 2027-04-01): 5 won, 4 lost -> 5556 bp.
    assert rows([win_rates(stub, period="fy2027").total]) == [("", 5, 4, 5556)]
    # April 2026 (FY2027-M01): o12 won, o2 and o7 lost -> 3333 bp.
    assert rows([win_rates(stub, period="FY2027-M01").total]) == [("", 1, 2, 3333)]
    # Nothing closed: 0, not a division by zero.
    assert rows([win_rates(stub, period="FY2029").total]) == [("", 0, 0, 0)]


def test_win_rate_scope(stub: Stub) -> None:
    rep = win_rates(stub, REP_A, group_by=pb.ANALYTICS_DIMENSION_OWNER)
    assert rows([rep.total]) == [("", 1, 3, 2500)] and rows(rep.groups) == [("rep-a", 1, 3, 2500)]
    assert rep.filter.owner_id == "rep-a"  # the filter as applied
    assert rows([win_rates(stub, REP_A, owner_id="rep-b").total]) == [("", 0, 0, 0)]
    executive = win_rates(stub, EXECUTIVE, group_by=pb.ANALYTICS_DIMENSION_REGION)
    assert rows([executive.total]) == [("", 5, 3, 6250)]
    assert rows(executive.groups) == [("APAC", 1, 0, 10000), ("EMEA", 4, 3, 5714)]
    # EMEA's manager grouping by region sees EMEA only.
    by_region = win_rates(stub, group_by=pb.ANALYTICS_DIMENSION_REGION)
    assert rows(by_region.groups) == [("EMEA", 4, 3, 5714)]
    assert rows([win_rates(stub, region="APAC").total]) == [("", 0, 0, 0)]


def sizes(metrics: Any) -> list[tuple[str, int, int, int]]:
    return [
        (d.currency, d.won, d.total.amount_minor, d.average.amount_minor)
        for d in metrics.deal_sizes
    ]


def test_deal_size_and_cycle_length(stub: Stub) -> None:
    response = stub.GetDealMetrics(pb.GetDealMetricsRequest(filter=flt()), metadata=MANAGER)
    total = response.total
    # Won in Q1: o1 100000 EUR (30 days), o3 50001 EUR (10 days), o9 20000 EUR (30 days),
    # o12 33333 USD (1.5 days). EUR: 170001 / 3 = 56667. APAC's 999999 is not here.
    assert total.won == 4
    assert sizes(total) == [("EUR", 3, 170_001, 56_667), ("USD", 1, 33_333, 33_333)]
    assert all(d.total.currency == d.average.currency == d.currency for d in total.deal_sizes)
    # (30 + 10 + 30 + 1.5) / 4 = 17.875 -> 18 days.
    assert total.average_cycle_days == 18
    by_pipeline = stub.GetDealMetrics(
        pb.GetDealMetricsRequest(filter=flt(), group_by=pb.ANALYTICS_DIMENSION_PIPELINE),
        metadata=MANAGER,
    )
    nb, ren = by_pipeline.groups
    # nb EUR: 150001 / 2 = 75000.5 -> 75001 (half up); cycle (30 + 10 + 1.5) / 3 -> 14.
    assert (nb.key, nb.won, sizes(nb), nb.average_cycle_days) == (
        "nb",
        3,
        [("EUR", 2, 150_001, 75_001), ("USD", 1, 33_333, 33_333)],
        14,
    )
    assert (ren.key, ren.won, sizes(ren), ren.average_cycle_days) == (
        "ren",
        1,
        [("EUR", 1, 20_000, 20_000)],
        30,
    )
    by_owner = stub.GetDealMetrics(
        pb.GetDealMetricsRequest(filter=flt(), group_by=pb.ANALYTICS_DIMENSION_OWNER),
        metadata=MANAGER,
    )
    # rep-b EUR: (50001 + 20000) / 2 = 35000.5 -> 35001.
    assert [(g.key, sizes(g)) for g in by_owner.groups] == [
        ("rep-a", [("EUR", 1, 100_000, 100_000)]),
        ("rep-b", [("EUR", 2, 70_001, 35_001), ("USD", 1, 33_333, 33_333)]),
    ]
    # Q2: o6 70000 USD, 57 days from 05-05 to 07-01.
    q2 = stub.GetDealMetrics(
        pb.GetDealMetricsRequest(filter=flt("FY2027-Q2")), metadata=MANAGER
    ).total
    assert (sizes(q2), q2.average_cycle_days) == ([("USD", 1, 70_000, 70_000)], 57)
    executive = stub.GetDealMetrics(pb.GetDealMetricsRequest(filter=flt()), metadata=EXECUTIVE)
    # o8 (APAC, 999999 EUR, 10 days) joins: EUR 1170000 / 4 = 292500; 81.5 / 5 = 16.3 -> 16.
    assert sizes(executive.total)[0] == ("EUR", 4, 1_170_000, 292_500)
    assert executive.total.average_cycle_days == 16
    empty = stub.GetDealMetrics(pb.GetDealMetricsRequest(filter=flt("FY2029")), metadata=MANAGER)
    assert (empty.total.won, list(empty.total.deal_sizes), empty.total.average_cycle_days) == (
        0,
        [],
        0,
    )


def durations(response: Any) -> list[tuple[str, str, int, int]]:
    return [(s.pipeline_id, s.stage_id, s.stays, s.average_hours) for s in response.stages]


def test_time_in_stage_counts_stays_exited_in_the_period(stub: Stub) -> None:
    response = stub.GetTimeInStage(pb.GetTimeInStageRequest(filter=flt()), metadata=MANAGER)
    # s1 stays exited in Q1: o1 48h, o2 24h, o3 24h, o5 24h, o6 24h, o7 48h (entered in
    # FY2026), o10 24h, o12 36h -> 252h / 8 = 31.5 -> 32 (half up). o4 is still in s1 and
    # o11 left it at 07-01 00:00 (Q2).
    # s2: o1 24h, o2 96h, o6 48h -> 56. s3: o1 144h, o3 216h, o6 24h -> 128.
    # s4: o1 504h (o6 left s4 in Q2). r1: o9 720h.
    assert durations(response) == [
        ("nb", "s1", 8, 32),
        ("nb", "s2", 3, 56),
        ("nb", "s3", 3, 128),
        ("nb", "s4", 1, 504),
        ("ren", "r1", 1, 720),
    ]
    assert [(s.name, s.position) for s in response.stages][:2] == [("S1", 1), ("S2", 2)]
    # rep-a: s1 o1 48 o2 24 o7 48 o10 24 -> 36; s2 o1 24 o2 96 -> 60.
    rep = stub.GetTimeInStage(pb.GetTimeInStageRequest(filter=flt()), metadata=REP_A)
    assert durations(rep) == [
        ("nb", "s1", 4, 36),
        ("nb", "s2", 2, 60),
        ("nb", "s3", 1, 144),
        ("nb", "s4", 1, 504),
    ]
    ren = stub.GetTimeInStage(
        pb.GetTimeInStageRequest(filter=flt(pipeline_id="ren")), metadata=MANAGER
    )
    assert durations(ren) == [("ren", "r1", 1, 720)]
    # APAC's o8 stayed 240h in s1: the executive's s1 is 492h / 9 = 54.67 -> 55.
    executive = stub.GetTimeInStage(pb.GetTimeInStageRequest(filter=flt()), metadata=EXECUTIVE)
    assert durations(executive)[0] == ("nb", "s1", 9, 55)


def test_win_loss_by_reason_and_competitor(stub: Stub) -> None:
    response = stub.GetWinLossBreakdown(
        pb.GetWinLossBreakdownRequest(filter=flt()), metadata=MANAGER
    )
    assert (response.won, response.lost) == (4, 3)
    # Lost in Q1: o2 price, o7 no budget, o10 price.
    assert [(r.reason, r.lost, r.share_bp) for r in response.loss_reasons] == [
        ("price", 2, 6667),
        ("no budget", 1, 3333),
    ]
    # Globex: o1 won, o2 lost (lost to them), o7 lost. Initech: o3 won, o2 lost.
    # Umbrella: only the one o10 was lost to. APAC's o8 (won against Globex) is not here.
    assert [
        (c.competitor, c.deals, c.won, c.lost, c.win_rate_bp, c.lost_to)
        for c in response.competitors
    ] == [
        ("Globex", 3, 1, 2, 3333, 1),
        ("Initech", 2, 1, 1, 5000, 0),
        ("Umbrella", 1, 0, 1, 0, 1),
    ]
    executive = stub.GetWinLossBreakdown(
        pb.GetWinLossBreakdownRequest(filter=flt()), metadata=EXECUTIVE
    )
    globex = executive.competitors[0]
    assert (globex.competitor, globex.won, globex.lost, globex.win_rate_bp) == (
        "Globex",
        2,
        2,
        5000,
    )
    rep = stub.GetWinLossBreakdown(pb.GetWinLossBreakdownRequest(filter=flt()), metadata=REP_A)
    assert (rep.won, rep.lost) == (1, 3)
    assert [(r.reason, r.lost) for r in rep.loss_reasons] == [("price", 2), ("no budget", 1)]
    q2 = stub.GetWinLossBreakdown(
        pb.GetWinLossBreakdownRequest(filter=flt("FY2027-Q2")), metadata=MANAGER
    )
    assert [(r.reason, r.lost, r.share_bp) for r in q2.loss_reasons] == [("timing", 1, 10000)]
    assert [(c.competitor, c.deals, c.lost) for c in q2.competitors] == [("Initech", 1, 1)]


def test_a_january_fiscal_year_moves_the_periods(
    db: Database,
    serve_api: Callable[[str, Database], grpc.Channel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SALESOPS_FISCAL_YEAR_START_MONTH", "1")
    stub = Stub(serve_api("pipeline", db))
    # With January, FY2027-Q1 is January-March 2027 (nothing closed) and April-June 2026
    # is FY2026-Q2, which holds the figures of the April calendar's FY2027-Q1.
    assert rows([win_rates(stub, period=Q1).total]) == [("", 0, 0, 0)]
    response = win_rates(stub, period="FY2026-Q2")
    assert rows([response.total]) == [("", 4, 3, 5714)]
    assert response.period.starts_at.ToDatetime(tzinfo=UTC) == at(4, 1)


def failure(call: Callable[[], object]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def test_bad_filters_and_roles(stub: Stub) -> None:
    for period in ("", "2027-Q1", "FY2027-Q5"):
        error = failure(
            lambda period=period: stub.GetWinRate(
                pb.GetWinRateRequest(filter=flt(period)), metadata=MANAGER
            )
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "period" in (error.details() or "")
    error = failure(lambda: stub.GetFunnel(pb.GetFunnelRequest(filter=flt()), metadata=MANAGER))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "pipeline_id" in (error.details() or "")
    error = failure(
        lambda: stub.GetFunnel(
            pb.GetFunnelRequest(filter=flt(pipeline_id="nope")), metadata=MANAGER
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = failure(
        lambda: stub.GetWinRate(
            pb.GetWinRateRequest(filter=flt(), group_by=99),
            metadata=MANAGER,  # type: ignore[arg-type]
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    error = failure(
        lambda: stub.GetWinRate(
            pb.GetWinRateRequest(filter=flt()), metadata=caller("ops", "platform", "EMEA")
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
