"""Rewards and penalties over real gRPC (both databases): proposals, four eyes, scope, events."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import incentives_pb2 as pb
from salesops.performance.v1 import incentives_pb2_grpc, inspections_pb2_grpc
from salesops.performance.v1 import inspections_pb2 as ins

from services.kit.db import Database, utcnow
from services.performance.models.incentives import IncentiveRecord
from services.performance.tests.inspections_support import (
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    OTHER_DIRECTOR,
    REGION_MANAGER,
    REP_1,
    REP_2,
    TEAM_A_MANAGER,
    TEAM_B_MANAGER,
    add_opportunity,
    channel,
    count,
    db,
    envelopes,
    this_month,
)
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types

__all__ = ["channel", "db"]

REWARD = pb.INCENTIVE_CATEGORY_REWARD
PENALTY = pb.INCENTIVE_CATEGORY_PENALTY


@pytest.fixture
def incentives(channel: grpc.Channel) -> incentives_pb2_grpc.IncentiveServiceStub:
    return incentives_pb2_grpc.IncentiveServiceStub(channel)


def eur(amount_minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency="EUR", amount_minor=amount_minor)


def propose(
    incentives: incentives_pb2_grpc.IncentiveServiceStub,
    rep_id: str = "rep-1",
    kind: int = pb.INCENTIVE_KIND_BONUS,
    metadata: list[tuple[str, str]] = TEAM_A_MANAGER,
    **fields: object,
) -> pb.Incentive:
    request = pb.ProposeIncentiveRequest(
        rep_id=rep_id,
        kind=kind,  # type: ignore[arg-type]
        reason=str(fields.pop("reason", "Closed the Acme renewal two weeks early.")),
        **fields,  # type: ignore[arg-type]
    )
    if kind == pb.INCENTIVE_KIND_BONUS and "amount" not in fields:
        request.amount.CopyFrom(eur(50_000))
    return incentives.ProposeIncentive(request, metadata=metadata).incentive


def test_a_bonus_is_proposed_by_the_manager_and_granted_by_another_director(
    incentives: incentives_pb2_grpc.IncentiveServiceStub, db: Database
) -> None:
    bonus = propose(incentives, evidence=["fact:abc", "https://wiki/acme"], period_code="FY2026-Q4")
    assert (bonus.category, bonus.kind, bonus.status) == (
        REWARD,
        pb.INCENTIVE_KIND_BONUS,
        pb.INCENTIVE_STATUS_PROPOSED,
    )
    assert (bonus.rep_id, bonus.team_id, bonus.region, bonus.proposed_by) == (
        "rep-1",
        "team-a",
        "EMEA",
        "mgr-a",
    )
    assert (bonus.amount.currency, bonus.amount.amount_minor, bonus.points) == ("EUR", 50_000, 0)
    assert list(bonus.evidence) == ["fact:abc", "https://wiki/acme"]
    assert envelopes(db, "performance.reward.granted") == []

    # The proposer (a director here) never approves their own proposal.
    by_director = propose(incentives, kind=pb.INCENTIVE_KIND_POINTS, points=300, metadata=DIRECTOR)
    own = failure(
        lambda: incentives.ApproveIncentive(
            pb.ApproveIncentiveRequest(incentive_id=by_director.incentive_id), metadata=DIRECTOR
        )
    )
    assert rule_types(own) == ["FOUR_EYES"]
    for metadata in (TEAM_A_MANAGER, REGION_MANAGER):
        assert (
            failure(
                lambda m=metadata: incentives.ApproveIncentive(  # type: ignore[misc]
                    pb.ApproveIncentiveRequest(incentive_id=bonus.incentive_id), metadata=m
                )
            ).code()
            == grpc.StatusCode.PERMISSION_DENIED
        )
    other_region = failure(
        lambda: incentives.ApproveIncentive(
            pb.ApproveIncentiveRequest(incentive_id=bonus.incentive_id), metadata=APAC_DIRECTOR
        )
    )
    assert other_region.code() == grpc.StatusCode.NOT_FOUND
    # A reward is not found under the penalties.
    wrong_route = failure(
        lambda: incentives.ApproveIncentive(
            pb.ApproveIncentiveRequest(incentive_id=bonus.incentive_id, category=PENALTY),
            metadata=DIRECTOR,
        )
    )
    assert wrong_route.code() == grpc.StatusCode.NOT_FOUND

    granted = incentives.ApproveIncentive(
        pb.ApproveIncentiveRequest(incentive_id=bonus.incentive_id, category=REWARD),
        metadata=DIRECTOR,
    ).incentive
    assert (granted.status, granted.decided_by, granted.version) == (
        pb.INCENTIVE_STATUS_GRANTED,
        "dir-1",
        2,
    )
    assert granted.HasField("decided_time")
    [event] = envelopes(db, "performance.reward.granted")
    payload = event["payload"]
    assert (payload["incentive_id"], payload["rep_id"], payload["kind"]) == (
        bonus.incentive_id,
        "rep-1",
        "bonus",
    )
    assert payload["amount"] == {"currency": "EUR", "amount_minor": "50000"}
    assert (payload["proposed_by"], payload["approved_by"]) == ("mgr-a", "dir-1")
    assert payload["period_code"] == "FY2026-Q4" and event["region"] == "EMEA"
    twice = failure(
        lambda: incentives.ApproveIncentive(
            pb.ApproveIncentiveRequest(incentive_id=bonus.incentive_id), metadata=OTHER_DIRECTOR
        )
    )
    assert rule_types(twice) == ["STATE"]

    points = incentives.ApproveIncentive(
        pb.ApproveIncentiveRequest(incentive_id=by_director.incentive_id), metadata=OTHER_DIRECTOR
    ).incentive
    assert (points.status, points.points) == (pb.INCENTIVE_STATUS_GRANTED, 300)
    assert len(envelopes(db, "performance.reward.granted")) == 2


def test_who_proposes_and_what_each_kind_carries(
    incentives: incentives_pb2_grpc.IncentiveServiceStub, db: Database
) -> None:
    # The manager above the team's manager may; another team's manager, a rep, an executive not.
    assert propose(incentives, metadata=REGION_MANAGER).proposed_by == "mgr-region"
    for metadata, code in (
        (TEAM_B_MANAGER, grpc.StatusCode.PERMISSION_DENIED),
        (REP_2, grpc.StatusCode.PERMISSION_DENIED),
        (EXECUTIVE, grpc.StatusCode.PERMISSION_DENIED),
        (APAC_DIRECTOR, grpc.StatusCode.NOT_FOUND),
    ):
        assert failure(lambda m=metadata: propose(incentives, metadata=m)).code() == code  # type: ignore[misc]
    assert failure(lambda: propose(incentives, rep_id="rep-unknown")).code() == (
        grpc.StatusCode.NOT_FOUND
    )

    bad = failure(
        lambda: propose(
            incentives,
            rep_id="",
            kind=pb.INCENTIVE_KIND_PENALTY,
            reason=" ",
            amount=common_pb2.Money(currency="eur", amount_minor=-5),
            points=10,
            evidence=[""],
            period_code="Q4",
        )
    )
    assert bad_fields(bad) == [
        "amount",
        "amount.amount_minor",
        "amount.currency",
        "evidence[0]",
        "period_code",
        "reason",
        "rep_id",
    ]
    assert bad_fields(failure(lambda: propose(incentives, kind=pb.INCENTIVE_KIND_POINTS))) == [
        "points"
    ]
    bonus_without_money = failure(lambda: propose(incentives, amount=common_pb2.Money(), points=5))
    assert bad_fields(bonus_without_money) == ["amount", "points"]
    warning_with_money = failure(
        lambda: propose(incentives, kind=pb.INCENTIVE_KIND_WARNING, amount=eur(100))
    )
    assert bad_fields(warning_with_money) == ["amount"]
    assert bad_fields(failure(lambda: propose(incentives, kind=0))) == ["kind"]
    assert count(db, IncentiveRecord) == 1

    award = propose(incentives, kind=pb.INCENTIVE_KIND_AWARD, metadata=DIRECTOR)
    assert (award.category, award.HasField("amount"), award.points) == (REWARD, False, 0)
    warning = propose(incentives, kind=pb.INCENTIVE_KIND_WARNING, reason="Late CRM updates.")
    assert (warning.category, warning.HasField("amount")) == (PENALTY, False)
    points_penalty = propose(incentives, kind=pb.INCENTIVE_KIND_PENALTY, points=50)
    assert (points_penalty.category, points_penalty.points) == (PENALTY, 50)


def test_reps_see_their_own_managers_their_team_directors_their_region(
    incentives: incentives_pb2_grpc.IncentiveServiceStub, db: Database
) -> None:
    r1 = propose(incentives, rep_id="rep-1")
    r2 = propose(incentives, rep_id="rep-2", kind=pb.INCENTIVE_KIND_WARNING)
    r3 = propose(incentives, rep_id="rep-3", metadata=TEAM_B_MANAGER)

    def listed(metadata: list[tuple[str, str]], **filters: object) -> list[str]:
        reply = incentives.ListIncentives(
            pb.ListIncentivesRequest(**filters),  # type: ignore[arg-type]
            metadata=metadata,
        )
        return sorted(i.rep_id for i in reply.incentives)

    assert listed(REP_1) == ["rep-1"]
    assert listed(REP_1, rep_id="rep-2") == []
    assert listed(TEAM_A_MANAGER) == ["rep-1", "rep-2"]
    assert listed(TEAM_B_MANAGER) == ["rep-3"]
    assert listed(REGION_MANAGER) == ["rep-1", "rep-2", "rep-3"]
    assert listed(DIRECTOR) == ["rep-1", "rep-2", "rep-3"]
    assert listed(EXECUTIVE, category=REWARD) == ["rep-1", "rep-3"]
    assert listed(DIRECTOR, category=PENALTY) == ["rep-2"]
    assert listed(DIRECTOR, kind=pb.INCENTIVE_KIND_BONUS, status=pb.INCENTIVE_STATUS_PROPOSED) == [
        "rep-1",
        "rep-3",
    ]
    assert listed(APAC_DIRECTOR) == []
    assert bad_fields(failure(lambda: listed(DIRECTOR, category=9, status=9, period_code="x"))) == [
        "category",
        "period_code",
        "status",
    ]

    for metadata, incentive in (
        (REP_1, r2),
        (REP_2, r1),
        (TEAM_B_MANAGER, r1),
        (APAC_DIRECTOR, r3),
    ):
        assert (
            failure(
                lambda m=metadata, i=incentive: incentives.GetIncentive(  # type: ignore[misc]
                    pb.GetIncentiveRequest(incentive_id=i.incentive_id), metadata=m
                )
            ).code()
            == grpc.StatusCode.NOT_FOUND
        )
    mine = incentives.GetIncentive(
        pb.GetIncentiveRequest(incentive_id=r1.incentive_id), metadata=REP_1
    )
    assert mine.incentive.reason == r1.reason

    # Paging: one at a time, newest first, nothing twice.
    first = incentives.ListIncentives(
        pb.ListIncentivesRequest(page=common_pb2.PageRequest(page_size=2)), metadata=DIRECTOR
    )
    second = incentives.ListIncentives(
        pb.ListIncentivesRequest(
            page=common_pb2.PageRequest(page_size=2, page_token=first.page.next_page_token)
        ),
        metadata=DIRECTOR,
    )
    ids = [i.incentive_id for i in (*first.incentives, *second.incentives)]
    assert sorted(ids) == sorted([r1.incentive_id, r2.incentive_id, r3.incentive_id])
    assert second.page.next_page_token == ""


def test_a_penalty_answers_violations_and_marks_them_penalised(
    channel: grpc.Channel, incentives: incentives_pb2_grpc.IncentiveServiceStub, db: Database
) -> None:
    inspections = inspections_pb2_grpc.InspectionServiceStub(channel)
    add_opportunity(db, "opp-1", owner_id="rep-1", last_activity_at=utcnow() - timedelta(days=30))
    add_opportunity(db, "opp-2", owner_id="rep-2", last_activity_at=utcnow() - timedelta(days=30))
    recorded = {
        v.subject_id: v.violation_id
        for v in inspections.RunInspection(
            ins.RunInspectionRequest(
                region="EMEA",
                period_code=this_month().code,
            ),
            metadata=DIRECTOR,
        ).recorded
    }
    other_rep = failure(
        lambda: propose(
            incentives,
            kind=pb.INCENTIVE_KIND_PENALTY,
            amount=eur(10_000),
            violation_ids=[recorded["opp-2"]],
        )
    )
    assert rule_types(other_rep) == ["VIOLATION_OF_ANOTHER_REP"]
    assert (
        failure(
            lambda: propose(
                incentives, kind=pb.INCENTIVE_KIND_PENALTY, amount=eur(1), violation_ids=["nope"]
            )
        ).code()
        == grpc.StatusCode.NOT_FOUND
    )
    assert bad_fields(failure(lambda: propose(incentives, violation_ids=[recorded["opp-1"]]))) == [
        "violation_ids"
    ]

    penalty = propose(
        incentives,
        kind=pb.INCENTIVE_KIND_PENALTY,
        amount=eur(10_000),
        reason="Deal left idle for a month.",
        violation_ids=[recorded["opp-1"]],
    )
    assert list(penalty.violation_ids) == [recorded["opp-1"]]
    rejected_reason = failure(
        lambda: incentives.RejectIncentive(
            pb.RejectIncentiveRequest(incentive_id=penalty.incentive_id, reason=""),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(rejected_reason) == ["reason"]
    imposed = incentives.ApproveIncentive(
        pb.ApproveIncentiveRequest(incentive_id=penalty.incentive_id, category=PENALTY),
        metadata=DIRECTOR,
    ).incentive
    assert imposed.status == pb.INCENTIVE_STATUS_IMPOSED
    violation = inspections.GetViolation(
        ins.GetViolationRequest(violation_id=recorded["opp-1"]), metadata=REP_1
    ).violation
    assert (violation.status, violation.penalty_id) == (
        ins.VIOLATION_STATUS_PENALISED,
        penalty.incentive_id,
    )
    [event] = envelopes(db, "performance.penalty.imposed")
    assert event["payload"]["violation_ids"] == [recorded["opp-1"]]
    assert event["payload"]["amount"] == {"currency": "EUR", "amount_minor": "10000"}
    assert envelopes(db, "performance.reward.granted") == []

    # A penalised violation answers no second penalty, and is not dismissed.
    again = failure(
        lambda: propose(
            incentives, kind=pb.INCENTIVE_KIND_WARNING, violation_ids=[recorded["opp-1"]]
        )
    )
    assert rule_types(again) == ["STATE"]

    warning = propose(
        incentives,
        rep_id="rep-2",
        kind=pb.INCENTIVE_KIND_WARNING,
        violation_ids=[recorded["opp-2"]],
    )
    rejected = incentives.RejectIncentive(
        pb.RejectIncentiveRequest(
            incentive_id=warning.incentive_id, category=PENALTY, reason="Customer was on holiday."
        ),
        metadata=OTHER_DIRECTOR,
    ).incentive
    assert (rejected.status, rejected.rejection_reason, rejected.decided_by) == (
        pb.INCENTIVE_STATUS_REJECTED,
        "Customer was on holiday.",
        "dir-2",
    )
    still_open = inspections.GetViolation(
        ins.GetViolationRequest(violation_id=recorded["opp-2"]), metadata=DIRECTOR
    ).violation
    assert still_open.status == ins.VIOLATION_STATUS_OPEN
    assert len(envelopes(db, "performance.penalty.imposed")) == 1
