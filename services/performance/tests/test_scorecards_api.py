"""Scorecards over gRPC: publication at close (immutable, events, gaps once), scope, ranks."""

from __future__ import annotations

from datetime import date

import grpc
import pytest
from salesops.performance.v1 import scorecards_pb2 as pb
from salesops.performance.v1 import scorecards_pb2_grpc

from services.kit.db import Database
from services.performance.models.scorecard_store import kpi_scores
from services.performance.tests.scorecards_support import (
    APAC_DIRECTOR,
    CLOSED,
    DIRECTOR,
    EXECUTIVE,
    MANAGER_A,
    MANAGER_B,
    REP_1,
    REP_3,
    add_fact,
    bad_fields,
    channel,
    db,
    define_set,
    envelopes,
    failure,
    kpi,
    rule_types,
)

__all__ = ["channel", "db"]

WIN_AND_ACTIVITY = [
    kpi("win_rate", "win_rate", 5_000, target_value=5_000),  # floor 2500 bp
    kpi("activities", "activity_volume", 5_000, target_value=10),  # floor 5
]


@pytest.fixture
def stub(channel: grpc.Channel) -> scorecards_pb2_grpc.ScorecardServiceStub:
    return scorecards_pb2_grpc.ScorecardServiceStub(channel)


def closes(db: Database, rep_id: str, won: int, lost: int) -> None:
    for _ in range(won):
        add_fact(db, "opportunity_won", rep_id=rep_id)
    for _ in range(lost):
        add_fact(db, "opportunity_lost", rep_id=rep_id)


def activities(db: Database, rep_id: str, count: int, day: date = date(2026, 4, 10)) -> None:
    for _ in range(count):
        add_fact(db, "activity", day, rep_id=rep_id)


def test_publishing_stores_an_immutable_scorecard_emits_it_and_its_gaps_once(
    stub: scorecards_pb2_grpc.ScorecardServiceStub, db: Database
) -> None:
    define_set(db, WIN_AND_ACTIVITY)
    closes(db, "rep-1", won=1, lost=4)  # 2000 bp: below the floor -> negotiation gap
    activities(db, "rep-1", 12)  # 88
    closes(db, "rep-2", won=3, lost=1)  # 7500 bp: 100
    activities(db, "rep-2", 2)  # below the floor of 5 -> prospecting gap

    reply = stub.PublishScorecards(
        pb.PublishScorecardsRequest(period_code=CLOSED, team_id="team-a"), metadata=MANAGER_A
    )
    assert [c.rep_id for c in reply.scorecards] == ["rep-1", "rep-2"]  # not mgr-a: not below
    rep_1 = reply.scorecards[0]
    assert rep_1.published and rep_1.scorecard_id and rep_1.published_by == "mgr-a"
    assert [(x.kpi_code, x.value, x.score) for x in rep_1.lines] == [
        ("win_rate", 2_000, 0),
        ("activities", 12, 88),
    ]
    assert rep_1.total_points == 440_000 and rep_1.total_score == 44

    published = envelopes(db, "performance.scorecard.published")
    assert [e["payload"]["rep_id"] for e in published] == ["rep-1", "rep-2"]
    payload = published[0]["payload"]
    assert (payload["period_code"], payload["total_points"], payload["team_id"]) == (
        CLOSED,
        "440000",
        "team-a",
    )
    assert [k["kpi_code"] for k in payload["kpis"]] == ["win_rate", "activities"]
    gaps = sorted(
        (e["payload"]["rep_id"], e["payload"]["kpi_code"], e["payload"]["skill_area"])
        for e in envelopes(db, "performance.gap.detected")
    )
    assert gaps == [("rep-1", "win_rate", "negotiation"), ("rep-2", "activities", "prospecting")]
    rep_1_gap = next(
        e["payload"]
        for e in envelopes(db, "performance.gap.detected")
        if e["payload"]["rep_id"] == "rep-1"
    )
    assert (rep_1_gap["value"], rep_1_gap["threshold"], rep_1_gap["found_in"]) == (
        "2000",
        "2500",
        "published",
    )

    # Late facts change the live preview, never the published scorecard.
    activities(db, "rep-1", 3)
    got = stub.GetScorecard(
        pb.GetScorecardRequest(rep_id="rep-1", period_code=CLOSED), metadata=REP_1
    ).scorecard
    assert got.published and got.scorecard_id == rep_1.scorecard_id
    assert got.lines[1].value == 12 and got.total_points == 440_000
    preview = stub.GetScorecard(
        pb.GetScorecardRequest(rep_id="rep-1", period_code=CLOSED, preview=True), metadata=REP_1
    ).scorecard
    assert not preview.published and preview.lines[1].value == 15
    with db.transaction() as session:
        assert kpi_scores(session, "rep-1", CLOSED) == {"win_rate": 0, "activities": 88}

    # The region's publication leaves the published ones alone and gaps are not repeated.
    again = stub.PublishScorecards(
        pb.PublishScorecardsRequest(period_code=CLOSED, region="EMEA"), metadata=DIRECTOR
    )
    assert list(again.already_published) == ["rep-1", "rep-2"]
    assert [c.rep_id for c in again.scorecards] == ["mgr-a", "mgr-b", "rep-3"]  # not dir-1
    assert len(envelopes(db, "performance.scorecard.published")) == 5
    gap_reps = sorted(e["payload"]["rep_id"] for e in envelopes(db, "performance.gap.detected"))
    assert gap_reps == ["rep-1", "rep-2", "rep-3"]  # rep-3: no activity at all

    listed = stub.ListScorecards(pb.ListScorecardsRequest(period_code=CLOSED), metadata=REP_1)
    assert [c.rep_id for c in listed.scorecards] == ["rep-1"]
    team = stub.ListScorecards(
        pb.ListScorecardsRequest(period_code=CLOSED, team_id="team-a"), metadata=DIRECTOR
    )
    assert sorted(c.rep_id for c in team.scorecards) == ["mgr-a", "rep-1", "rep-2"]


def test_who_may_publish_and_when(
    stub: scorecards_pb2_grpc.ScorecardServiceStub, db: Database
) -> None:
    def publish(metadata: list[tuple[str, str]], **fields: str) -> grpc.RpcError:
        request = pb.PublishScorecardsRequest(**{"period_code": CLOSED, **fields})
        return failure(lambda: stub.PublishScorecards(request, metadata=metadata))

    assert publish(REP_1, team_id="team-a").code() == grpc.StatusCode.PERMISSION_DENIED
    assert publish(MANAGER_B, team_id="team-a").code() == grpc.StatusCode.PERMISSION_DENIED
    assert publish(MANAGER_A, region="EMEA").code() == grpc.StatusCode.PERMISSION_DENIED
    assert publish(APAC_DIRECTOR, region="EMEA").code() == grpc.StatusCode.PERMISSION_DENIED
    assert publish(APAC_DIRECTOR, team_id="team-a").code() == grpc.StatusCode.NOT_FOUND
    assert bad_fields(publish(DIRECTOR, region="EMEA", team_id="team-a")) == ["region", "team_id"]
    assert bad_fields(publish(DIRECTOR, period_code="Q3", region="EMEA")) == ["period_code"]
    running = publish(DIRECTOR, period_code="FY2099-Q1", region="EMEA")
    assert rule_types(running) == ["PERIOD_NOT_CLOSED"]
    assert envelopes(db, "performance.scorecard.published") == []


def test_a_scorecard_exists_only_for_those_who_may_see_the_rep(
    stub: scorecards_pb2_grpc.ScorecardServiceStub, db: Database
) -> None:
    define_set(db, WIN_AND_ACTIVITY)

    def read(rep_id: str, metadata: list[tuple[str, str]]) -> grpc.StatusCode:
        try:
            stub.GetScorecard(
                pb.GetScorecardRequest(rep_id=rep_id, period_code=CLOSED), metadata=metadata
            )
        except grpc.RpcError as error:
            return error.code()
        return grpc.StatusCode.OK

    assert read("rep-1", REP_1) == grpc.StatusCode.OK
    assert read("rep-2", REP_1) == grpc.StatusCode.NOT_FOUND
    assert read("rep-1", MANAGER_A) == grpc.StatusCode.OK
    assert read("rep-1", MANAGER_B) == grpc.StatusCode.NOT_FOUND
    assert read("rep-1", DIRECTOR) == grpc.StatusCode.OK
    assert read("rep-1", EXECUTIVE) == grpc.StatusCode.OK
    assert read("rep-1", APAC_DIRECTOR) == grpc.StatusCode.NOT_FOUND
    assert read("nobody", DIRECTOR) == grpc.StatusCode.NOT_FOUND


def test_leaderboards_rank_ties_together_and_keep_to_their_scope(
    stub: scorecards_pb2_grpc.ScorecardServiceStub, db: Database
) -> None:
    define_set(db, [kpi("activities", "activity_volume", 10_000, target_value=10)])
    define_set(db, [kpi("activities", "activity_volume", 10_000, target_value=10)], region="APAC")
    activities(db, "rep-2", 10)  # 80
    activities(db, "rep-1", 10)  # 80: tied with rep-2
    activities(db, "rep-3", 15)  # 100
    activities(db, "rep-9", 15)  # another region

    def board(metadata: list[tuple[str, str]], **fields: str) -> list[tuple[int, str, int]]:
        reply = stub.GetLeaderboard(
            pb.GetLeaderboardRequest(period_code=CLOSED, **fields), metadata=metadata
        )
        return [(e.rank, e.rep_id, e.points) for e in reply.entries]

    # mgr-a is scored by the managers' (seeded) KPIs: nothing measured, 0 points.
    assert board(MANAGER_A, team_id="team-a") == [
        (1, "rep-1", 800_000),
        (1, "rep-2", 800_000),
        (3, "mgr-a", 0),
    ]
    assert board(REP_1, team_id="team-a", kpi_code="activities") == [
        (1, "rep-1", 80),
        (1, "rep-2", 80),
    ]
    assert board(DIRECTOR, region="EMEA") == [
        (1, "rep-3", 1_000_000),
        (2, "rep-1", 800_000),
        (2, "rep-2", 800_000),
        (4, "mgr-a", 0),
        (4, "mgr-b", 0),
    ]
    assert board(EXECUTIVE, region="APAC") == [(1, "rep-9", 1_000_000), (2, "mgr-c", 0)]

    def refused(metadata: list[tuple[str, str]], **fields: str) -> grpc.RpcError:
        request = pb.GetLeaderboardRequest(period_code=CLOSED, **fields)
        return failure(lambda: stub.GetLeaderboard(request, metadata=metadata))

    assert refused(REP_3, team_id="team-a").code() == grpc.StatusCode.NOT_FOUND
    assert refused(REP_1, region="EMEA").code() == grpc.StatusCode.PERMISSION_DENIED
    assert refused(APAC_DIRECTOR, team_id="team-a").code() == grpc.StatusCode.NOT_FOUND
    assert bad_fields(refused(DIRECTOR, region="EMEA", kpi_code="nope")) == ["kpi_code"]
    assert bad_fields(refused(DIRECTOR)) == ["region", "team_id"]
