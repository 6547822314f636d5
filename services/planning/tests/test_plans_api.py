"""Plans over gRPC: creation, approval by the right people, locking, versions, one active plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from salesops.common.v1 import common_pb2
from salesops.planning.v1 import plans_pb2 as pb
from salesops.planning.v1 import plans_pb2_grpc

from services.kit.db import Database
from services.kit.schema import outbox
from services.kit.testing import caller

ADMIN = caller("admin-1", "admin", "*")
DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-2", "director", "APAC")
REGION_MANAGER = caller("mgr-region", "manager", "EMEA")  # manages the parent unit
TEAM_MANAGER = caller("mgr-team", "manager", "EMEA")  # manages the team itself
REP = caller("rep-1", "rep", "EMEA")

org_units = sa.table(
    "org_units",
    sa.column("unit_id", sa.String),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("parent_id", sa.String),
    sa.column("region", sa.String),
    sa.column("manager_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
    sa.column("version", sa.BigInteger),
)


def seed_units(db: Database) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [
        ("emea", None, "EMEA", "dir-1", "region"),
        ("team-a", "emea", "EMEA", "mgr-team", "team"),
        ("apac", None, "APAC", "dir-2", "region"),
    ]
    with db.transaction() as session:
        session.execute(
            org_units.insert(),
            [
                {
                    "unit_id": unit_id,
                    "code": unit_id.upper(),
                    "name": unit_id,
                    "parent_id": parent,
                    "region": region,
                    "manager_id": manager,
                    "kind": kind,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for unit_id, parent, region, manager, kind in rows
            ],
        )
        session.execute(
            org_units.update().where(org_units.c.unit_id == "emea").values(manager_id="mgr-region")
        )


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("planning", database_url)
    seed_units(database)
    return database


@pytest.fixture
def plans(
    db: Database, serve_api: Callable[[str, Database], grpc.Channel]
) -> plans_pb2_grpc.PlanServiceStub:
    return plans_pb2_grpc.PlanServiceStub(serve_api("planning", db))


def failure(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def rule_types(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    status = rpc_status.from_call(error)
    details = error_details_pb2.PreconditionFailure()
    assert status is not None and status.details[0].Unpack(details)
    return [v.type for v in details.violations]


def bad_fields(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    status = rpc_status.from_call(error)
    bad = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(bad)
    return sorted(v.field for v in bad.field_violations)


def envelopes(db: Database, event_type: str) -> list[dict[str, Any]]:
    with db.transaction() as session:
        return [
            json.loads(text)
            for text in session.scalars(
                sa.select(outbox.c.envelope)
                .where(outbox.c.type == event_type)
                .order_by(outbox.c.id)
            )
        ]


def create(
    plans: plans_pb2_grpc.PlanServiceStub, unit: str = "team-a", period: str = "FY2027-Q1"
) -> pb.Plan:
    return plans.CreatePlan(
        pb.CreatePlanRequest(
            org_unit_id=unit,
            period_code=period,
            strategy="Grow analytics",
            owner_id="mgr-team",
            currency="EUR",
        ),
        metadata=TEAM_MANAGER,
    ).plan


def approved(plans: plans_pb2_grpc.PlanServiceStub, plan_id: str) -> pb.Plan:
    plans.SubmitPlan(pb.SubmitPlanRequest(plan_id=plan_id), metadata=TEAM_MANAGER)
    return plans.ApprovePlan(pb.ApprovePlanRequest(plan_id=plan_id), metadata=REGION_MANAGER).plan


def test_create_plan_in_a_fiscal_period(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    plan = create(plans)
    assert plan.status == pb.PLAN_STATUS_DRAFT
    assert plan.region == "EMEA"
    assert plan.period.code == "FY2027-Q1"
    assert plan.plan_version == 1
    got = plans.GetPlan(pb.GetPlanRequest(plan_id=plan.plan_id), metadata=REP).plan
    assert got == plan


def test_bad_plan_names_every_field_and_writes_nothing(
    plans: plans_pb2_grpc.PlanServiceStub,
) -> None:
    error = failure(
        lambda: plans.CreatePlan(
            pb.CreatePlanRequest(org_unit_id="team-a", period_code="FY2027-Q9", currency="eu"),
            metadata=TEAM_MANAGER,
        )
    )
    assert bad_fields(error) == ["currency", "owner_id", "period_code"]
    listed = plans.ListPlans(pb.ListPlansRequest(), metadata=ADMIN).plans
    assert list(listed) == []


def test_unknown_or_foreign_unit_is_not_found(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    for unit in ("nope", "apac"):
        error = failure(lambda unit=unit: create(plans, unit))  # type: ignore[misc]
        assert error.code() == grpc.StatusCode.NOT_FOUND


def test_submit_approve_by_parent_manager_emits_event(
    db: Database, plans: plans_pb2_grpc.PlanServiceStub
) -> None:
    plan = create(plans)
    submitted = plans.SubmitPlan(pb.SubmitPlanRequest(plan_id=plan.plan_id), metadata=TEAM_MANAGER)
    assert submitted.plan.status == pb.PLAN_STATUS_SUBMITTED
    # the team's own manager, a rep and another region's director may not approve
    for who in (TEAM_MANAGER, REP):
        error = failure(
            lambda who=who: plans.ApprovePlan(
                pb.ApprovePlanRequest(plan_id=plan.plan_id), metadata=who
            )  # type: ignore[misc]
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = failure(
        lambda: plans.ApprovePlan(
            pb.ApprovePlanRequest(plan_id=plan.plan_id), metadata=APAC_DIRECTOR
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert envelopes(db, "planning.plan.approved") == []
    done = plans.ApprovePlan(pb.ApprovePlanRequest(plan_id=plan.plan_id), metadata=REGION_MANAGER)
    assert done.plan.status == pb.PLAN_STATUS_APPROVED
    assert done.plan.approved_by == "mgr-region"
    (event,) = envelopes(db, "planning.plan.approved")
    assert event["payload"]["plan_id"] == plan.plan_id
    assert event["payload"]["period_code"] == "FY2027-Q1"


def test_region_director_approves(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    plan = create(plans)
    plans.SubmitPlan(pb.SubmitPlanRequest(plan_id=plan.plan_id), metadata=TEAM_MANAGER)
    done = plans.ApprovePlan(pb.ApprovePlanRequest(plan_id=plan.plan_id), metadata=DIRECTOR)
    assert done.plan.status == pb.PLAN_STATUS_APPROVED


def test_reject_returns_to_draft_with_reason(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    plan = create(plans)
    error = failure(
        lambda: plans.RejectPlan(
            pb.RejectPlanRequest(plan_id=plan.plan_id, reason="too low"), metadata=REGION_MANAGER
        )
    )
    assert rule_types(error) == ["STATE"]
    plans.SubmitPlan(pb.SubmitPlanRequest(plan_id=plan.plan_id), metadata=TEAM_MANAGER)
    error = failure(
        lambda: plans.RejectPlan(
            pb.RejectPlanRequest(plan_id=plan.plan_id), metadata=REGION_MANAGER
        )
    )
    assert bad_fields(error) == ["reason"]
    rejected = plans.RejectPlan(
        pb.RejectPlanRequest(plan_id=plan.plan_id, reason="too low"), metadata=REGION_MANAGER
    ).plan
    assert rejected.status == pb.PLAN_STATUS_DRAFT
    assert rejected.rejection_reason == "too low"


def test_approved_plan_is_locked_and_amend_makes_a_new_version(
    plans: plans_pb2_grpc.PlanServiceStub,
) -> None:
    plan = approved(plans, create(plans).plan_id)
    error = failure(
        lambda: plans.SubmitPlan(pb.SubmitPlanRequest(plan_id=plan.plan_id), metadata=TEAM_MANAGER)
    )
    assert rule_types(error) == ["STATE"]
    error = failure(
        lambda: plans.RejectPlan(
            pb.RejectPlanRequest(plan_id=plan.plan_id, reason="x"), metadata=REGION_MANAGER
        )
    )
    assert rule_types(error) == ["STATE"]
    amended = plans.AmendPlan(
        pb.AmendPlanRequest(plan_id=plan.plan_id, strategy="Grow faster"), metadata=TEAM_MANAGER
    ).plan
    assert amended.status == pb.PLAN_STATUS_DRAFT
    assert amended.plan_version == 2
    assert amended.previous_plan_id == plan.plan_id
    assert amended.strategy == "Grow faster"
    old = plans.GetPlan(pb.GetPlanRequest(plan_id=plan.plan_id), metadata=REP).plan
    assert old.status == pb.PLAN_STATUS_APPROVED
    assert old.strategy == "Grow analytics"
    error = failure(
        lambda: plans.AmendPlan(pb.AmendPlanRequest(plan_id=amended.plan_id), metadata=TEAM_MANAGER)
    )
    assert rule_types(error) == ["STATE"]


def test_second_active_plan_for_unit_and_period_is_refused(
    plans: plans_pb2_grpc.PlanServiceStub,
) -> None:
    first = approved(plans, create(plans).plan_id)
    second = approved(plans, create(plans).plan_id)
    active = plans.ActivatePlan(
        pb.ActivatePlanRequest(plan_id=first.plan_id), metadata=TEAM_MANAGER
    )
    assert active.plan.status == pb.PLAN_STATUS_ACTIVE
    error = failure(
        lambda: plans.ActivatePlan(
            pb.ActivatePlanRequest(plan_id=second.plan_id), metadata=TEAM_MANAGER
        )
    )
    assert rule_types(error) == ["ONE_ACTIVE_PLAN"]
    # another period is fine
    other = approved(plans, create(plans, period="FY2027-Q2").plan_id)
    plans.ActivatePlan(pb.ActivatePlanRequest(plan_id=other.plan_id), metadata=TEAM_MANAGER)
    # an amendment replaces the version it amends
    amended = plans.AmendPlan(pb.AmendPlanRequest(plan_id=first.plan_id), metadata=TEAM_MANAGER)
    approved(plans, amended.plan.plan_id)
    plans.ActivatePlan(pb.ActivatePlanRequest(plan_id=amended.plan.plan_id), metadata=TEAM_MANAGER)
    old = plans.GetPlan(pb.GetPlanRequest(plan_id=first.plan_id), metadata=REP).plan
    assert old.status == pb.PLAN_STATUS_CLOSED


def test_lists_are_scoped_and_filtered(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    a = create(plans)
    b = create(plans, period="FY2027")
    listed = plans.ListPlans(pb.ListPlansRequest(), metadata=REP).plans
    assert [p.plan_id for p in listed] == [b.plan_id, a.plan_id]
    assert list(plans.ListPlans(pb.ListPlansRequest(), metadata=APAC_DIRECTOR).plans) == []
    only = plans.ListPlans(pb.ListPlansRequest(period_code="FY2027"), metadata=REP).plans
    assert [p.plan_id for p in only] == [b.plan_id]
    page = plans.ListPlans(
        pb.ListPlansRequest(page=common_pb2.PageRequest(page_size=1)), metadata=REP
    )
    assert len(page.plans) == 1 and page.page.next_page_token
