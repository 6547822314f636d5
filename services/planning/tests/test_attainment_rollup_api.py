"""Roll-up and hand edits of a target's allocation over gRPC, and attainment of the edited share."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
import sqlalchemy as sa
from salesops.planning.v1 import attainment_pb2, attainment_pb2_grpc, plans_pb2_grpc
from salesops.planning.v1 import plans_pb2 as pb

from services.kit.db import Database
from services.planning.models.attainment import AllocationAdjustmentRecord
from services.planning.tests.attainment_support import (
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER,
    REP_1,
    envelopes,
    money,
    seed_organisation,
)
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("planning", database_url)
    seed_organisation(database)
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    return serve_api("planning", db)


@pytest.fixture
def plans(channel: grpc.Channel) -> plans_pb2_grpc.PlanServiceStub:
    return plans_pb2_grpc.PlanServiceStub(channel)


@pytest.fixture
def allocated(plans: plans_pb2_grpc.PlanServiceStub) -> tuple[str, str]:
    """EMEA's FY2027-Q1 plan: revenue 100000 EUR allocated equally at 110%; (plan, target)."""
    plan = plans.CreatePlan(
        pb.CreatePlanRequest(
            org_unit_id="emea",
            period_code="FY2027-Q1",
            owner_id="dir-1",
            currency="EUR",
        ),
        metadata=DIRECTOR,
    ).plan
    target = plans.AddTarget(
        pb.AddTargetRequest(
            plan_id=plan.plan_id, metric=pb.TARGET_METRIC_REVENUE, amount=money(100_000)
        ),
        metadata=DIRECTOR,
    ).target
    plans.AllocateTarget(
        pb.AllocateTargetRequest(
            target_id=target.target_id,
            method=pb.ALLOCATION_METHOD_EQUAL,
            over_allocation_bp=11_000,
        ),
        metadata=DIRECTOR,
    )
    return plan.plan_id, target.target_id


def lines(reply: pb.GetTargetRollUpResponse | pb.AdjustAllocationResponse) -> dict[str, tuple]:
    return {
        line.unit_id: (line.amount, line.children_sum, line.expected_children_sum, line.difference)
        for line in reply.lines
    }


def test_an_exact_allocation_adds_up(
    plans: plans_pb2_grpc.PlanServiceStub, allocated: tuple[str, str]
) -> None:
    reply = plans.GetTargetRollUp(pb.GetTargetRollUpRequest(target_id=allocated[1]), metadata=REP_1)
    assert reply.target.target_id == allocated[1]
    assert lines(reply) == {
        "emea": (100_000, 110_000, 110_000, 0),
        "team-a": (55_000, 55_000, 55_000, 0),
        "team-b": (55_000, 55_000, 55_000, 0),
    }
    assert reply.adds_up and all(line.adds_up for line in reply.lines)
    error = failure(
        lambda: plans.GetTargetRollUp(
            pb.GetTargetRollUpRequest(target_id=allocated[1]), metadata=APAC_DIRECTOR
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_a_hand_edit_shows_in_the_roll_up_and_in_attainment(
    db: Database,
    channel: grpc.Channel,
    plans: plans_pb2_grpc.PlanServiceStub,
    allocated: tuple[str, str],
) -> None:
    plan_id, target_id = allocated
    plans.SubmitPlan(pb.SubmitPlanRequest(plan_id=plan_id), metadata=DIRECTOR)
    plans.ApprovePlan(pb.ApprovePlanRequest(plan_id=plan_id), metadata=DIRECTOR)
    before = len(envelopes(db, "planning.target.allocated"))
    reply = plans.AdjustAllocation(
        pb.AdjustAllocationRequest(
            target_id=target_id,
            rep_id="rep-1",
            amount=money(30_000),
            reason="  Takes over the Acme account ",
        ),
        metadata=MANAGER,
    )
    assert reply.previous_value == 27_500
    assert (reply.allocation.rep_id, reply.allocation.parent_unit_id) == ("rep-1", "team-a")
    assert reply.allocation.amount == money(30_000)
    assert lines(reply)["team-a"] == (55_000, 57_500, 55_000, 2_500)
    assert not reply.adds_up
    [event] = envelopes(db, "planning.target.allocated")[before:]
    assert (event["rep_id"], event["target_id"], event["plan_id"]) == ("rep-1", target_id, plan_id)
    assert event["amount"] == {"currency": "EUR", "amount_minor": "30000"}
    with db.transaction() as session:
        [audit] = session.scalars(sa.select(AllocationAdjustmentRecord)).all()
        assert (audit.previous_value, audit.value, audit.reason, audit.adjusted_by) == (
            27_500,
            30_000,
            "Takes over the Acme account",
            "mgr-region",
        )
    # The rep's target is the edited share.
    attainment = attainment_pb2_grpc.AttainmentServiceStub(channel)
    [line] = attainment.GetAttainment(
        attainment_pb2.GetAttainmentRequest(rep_id="rep-1", period_code="FY2027-Q1"),
        metadata=REP_1,
    ).lines
    assert line.target.amount_minor == 30_000
    # Giving team-a's other rep 2500 less makes it add up again.
    reply = plans.AdjustAllocation(
        pb.AdjustAllocationRequest(
            target_id=target_id, rep_id="rep-2", amount=money(25_000), reason="balance"
        ),
        metadata=DIRECTOR,
    )
    assert reply.adds_up


def test_who_may_edit_and_what_is_refused(
    db: Database, plans: plans_pb2_grpc.PlanServiceStub, allocated: tuple[str, str]
) -> None:
    plan_id, target_id = allocated

    def adjust(metadata: list[tuple[str, str]], **fields: object) -> pb.AdjustAllocationResponse:
        request = {"target_id": target_id, "unit_id": "team-b", "reason": "shift", **fields}
        if "amount" not in fields and "quantity" not in fields:
            request["amount"] = money(50_000)
        return plans.AdjustAllocation(pb.AdjustAllocationRequest(**request), metadata=metadata)

    assert failure(lambda: adjust(REP_1)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(lambda: adjust(APAC_DIRECTOR)).code() == grpc.StatusCode.NOT_FOUND
    assert bad_fields(
        failure(
            lambda: adjust(MANAGER, rep_id="rep-1", reason="", amount=money(-1, "USD"), quantity=2)
        )
    ) == ["amount.amount_minor", "amount.currency", "quantity", "reason", "rep_id"]
    error = failure(lambda: adjust(MANAGER, unit_id="", rep_id="rep-9"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert failure(
        lambda: plans.AdjustAllocation(
            pb.AdjustAllocationRequest(
                target_id="nope", unit_id="team-b", amount=money(1), reason="x"
            ),
            metadata=MANAGER,
        )
    ).code() == (grpc.StatusCode.NOT_FOUND)
    before = len(envelopes(db, "planning.target.allocated"))
    plans.SubmitPlan(pb.SubmitPlanRequest(plan_id=plan_id), metadata=DIRECTOR)
    plans.ApprovePlan(pb.ApprovePlanRequest(plan_id=plan_id), metadata=DIRECTOR)
    plans.ClosePlan(pb.ClosePlanRequest(plan_id=plan_id), metadata=DIRECTOR)
    assert rule_types(failure(lambda: adjust(MANAGER))) == ["STATE"]
    # Nothing refused was written.
    assert len(envelopes(db, "planning.target.allocated")) == before
    with db.transaction() as session:
        assert session.scalars(sa.select(AllocationAdjustmentRecord)).all() == []
