"""Targets over gRPC: adding them to draft plans, and exact allocation down to units and reps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import grpc
import pytest
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.planning.v1 import plans_pb2 as pb
from salesops.planning.v1 import plans_pb2_grpc

from services.kit.db import Database
from services.planning.models.plans import AllocationRecord
from services.planning.tests.test_plans_api import (
    APAC_DIRECTOR,
    DIRECTOR,
    REP,
    approved,
    bad_fields,
    create,
    envelopes,
    failure,
    rule_types,
    seed_units,
)

people = sa.table(
    "people",
    *(
        sa.column(name)
        for name in (
            "rep_id",
            "name",
            "email",
            "role",
            "team_unit_id",
            "manager_id",
            "region",
            "hire_date",
            "status",
            "capacity",
            "created_at",
            "updated_at",
        )
    ),
)
org_units = sa.table(
    "org_units",
    *(
        sa.column(name)
        for name in (
            "unit_id",
            "code",
            "name",
            "parent_id",
            "region",
            "manager_id",
            "kind",
            "created_at",
            "updated_at",
            "version",
        )
    ),
)


def seed_people(db: Database) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with db.transaction() as session:
        session.execute(
            org_units.insert().values(
                unit_id="team-b",
                code="TEAM-B",
                name="team-b",
                parent_id="emea",
                region="EMEA",
                manager_id="mgr-b",
                kind="team",
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        session.execute(
            people.insert(),
            [
                {
                    "rep_id": rep,
                    "name": rep,
                    "email": f"{rep}@example.com",
                    "role": "rep",
                    "team_unit_id": team,
                    "manager_id": "mgr-team",
                    "region": "EMEA",
                    "hire_date": date(2025, 1, 1),
                    "status": status,
                    "capacity": 50,
                    "created_at": now,
                    "updated_at": now,
                }
                for rep, team, status in (
                    ("rep-1", "team-a", "active"),
                    ("rep-2", "team-a", "active"),
                    ("rep-3", "team-b", "active"),
                    ("rep-4", "team-b", "left"),
                )
            ],
        )


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("planning", database_url)
    seed_units(database)
    seed_people(database)
    return database


@pytest.fixture
def plans(
    db: Database, serve_api: Callable[[str, Database], grpc.Channel]
) -> plans_pb2_grpc.PlanServiceStub:
    return plans_pb2_grpc.PlanServiceStub(serve_api("planning", db))


def eur(minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency="EUR", amount_minor=minor)


def revenue_target(plans: plans_pb2_grpc.PlanServiceStub, plan_id: str, minor: int) -> pb.Target:
    return plans.AddTarget(
        pb.AddTargetRequest(plan_id=plan_id, metric=pb.TARGET_METRIC_REVENUE, amount=eur(minor)),
        metadata=DIRECTOR,
    ).target


def shares(response: pb.AllocateTargetResponse) -> dict[str, int]:
    return {
        (a.unit_id or a.rep_id): (a.amount.amount_minor if a.HasField("amount") else a.quantity)
        for a in response.allocations
    }


def test_targets_are_added_to_drafts_and_listed(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    plan = create(plans, "emea")
    revenue = revenue_target(plans, plan.plan_id, 1_000_000)
    units = plans.AddTarget(
        pb.AddTargetRequest(
            plan_id=plan.plan_id,
            metric=pb.TARGET_METRIC_UNITS,
            quantity=40,
            product_line="analytics",
        ),
        metadata=DIRECTOR,
    ).target
    assert revenue.amount == eur(1_000_000)
    assert units.quantity == 40 and units.product_line == "analytics"
    listed = plans.ListTargets(pb.ListTargetsRequest(plan_id=plan.plan_id), metadata=REP).targets
    assert [t.target_id for t in listed] == [units.target_id, revenue.target_id]
    error = failure(
        lambda: plans.ListTargets(
            pb.ListTargetsRequest(plan_id=plan.plan_id), metadata=APAC_DIRECTOR
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_bad_targets_name_every_field(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    plan = create(plans, "emea")
    error = failure(
        lambda: plans.AddTarget(
            pb.AddTargetRequest(
                plan_id=plan.plan_id,
                metric=pb.TARGET_METRIC_REVENUE,
                amount=common_pb2.Money(currency="USD", amount_minor=-5),
                quantity=3,
            ),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(error) == ["amount.amount_minor", "amount.currency", "quantity"]
    error = failure(
        lambda: plans.AddTarget(
            pb.AddTargetRequest(
                plan_id=plan.plan_id, metric=pb.TARGET_METRIC_MARKET_SHARE_BP, quantity=10_001
            ),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(error) == ["quantity"]
    error = failure(
        lambda: plans.AddTarget(pb.AddTargetRequest(plan_id=plan.plan_id), metadata=DIRECTOR)
    )
    assert bad_fields(error) == ["metric"]


def test_an_approved_plan_takes_no_new_targets(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    plan = approved(plans, create(plans).plan_id)
    error = failure(lambda: revenue_target(plans, plan.plan_id, 100))
    assert rule_types(error) == ["LOCKED"]


def test_equal_allocation_is_exact_down_to_reps(
    db: Database, plans: plans_pb2_grpc.PlanServiceStub
) -> None:
    plan = create(plans, "emea")
    target = revenue_target(plans, plan.plan_id, 101)
    response = plans.AllocateTarget(
        pb.AllocateTargetRequest(target_id=target.target_id, method=pb.ALLOCATION_METHOD_EQUAL),
        metadata=DIRECTOR,
    )
    # 101 over two teams: 51/50; team-a's 51 over two reps: 26/25; the rep who left gets none
    assert shares(response) == {
        "team-a": 51,
        "team-b": 50,
        "rep-1": 26,
        "rep-2": 25,
        "rep-3": 50,
    }
    assert response.allocated_total == 101
    events = envelopes(db, "planning.target.allocated")
    assert len(events) == 5
    rep1 = next(e["payload"] for e in events if e["payload"].get("rep_id") == "rep-1")
    assert rep1["amount"] == {"currency": "EUR", "amount_minor": "26"}
    assert rep1["period_code"] == "FY2027-Q1" and rep1["metric"] == "revenue"


def test_weighted_over_allocation_one_level(plans: plans_pb2_grpc.PlanServiceStub) -> None:
    plan = create(plans, "emea")
    target = revenue_target(plans, plan.plan_id, 100)
    response = plans.AllocateTarget(
        pb.AllocateTargetRequest(
            target_id=target.target_id,
            method=pb.ALLOCATION_METHOD_LAST_PERIOD_ACTUALS,
            weights={"team-a": 2, "team-b": 1},
            over_allocation_bp=11_000,
            depth=1,
        ),
        metadata=DIRECTOR,
    )
    # 110% of 100 = 110: 73.33 and 36.67 -> 73 and 37 (largest remainder)
    assert shares(response) == {"team-a": 73, "team-b": 37}
    assert response.allocated_total == 110


def test_bad_weights_are_refused_and_nothing_is_written(
    db: Database, plans: plans_pb2_grpc.PlanServiceStub
) -> None:
    plan = create(plans, "emea")
    target = revenue_target(plans, plan.plan_id, 100)

    def allocate(method: int, weights: dict[str, int]) -> grpc.RpcError:
        return failure(
            lambda: plans.AllocateTarget(
                pb.AllocateTargetRequest(
                    target_id=target.target_id,
                    method=method,  # type: ignore[arg-type]
                    weights=weights,
                    depth=1,
                ),
                metadata=DIRECTOR,
            )
        )

    weighted = pb.ALLOCATION_METHOD_WEIGHTS
    assert bad_fields(allocate(weighted, {"team-a": 0, "team-b": 0})) == [
        "weights[team-a]",
        "weights[team-b]",
    ]
    assert bad_fields(allocate(weighted, {"team-a": 3})) == ["weights[team-b]"]
    assert bad_fields(allocate(weighted, {"nope": 3})) == ["weights[nope]"]
    assert bad_fields(allocate(weighted, {})) == ["weights"]
    assert bad_fields(allocate(pb.ALLOCATION_METHOD_EQUAL, {"team-a": 1})) == ["weights"]
    assert bad_fields(allocate(pb.ALLOCATION_METHOD_UNSPECIFIED, {})) == ["method"]
    assert envelopes(db, "planning.target.allocated") == []


def test_reallocation_replaces_the_previous_one(
    db: Database, plans: plans_pb2_grpc.PlanServiceStub
) -> None:
    plan = create(plans, "emea")
    target = revenue_target(plans, plan.plan_id, 90)
    for method in (pb.ALLOCATION_METHOD_EQUAL, pb.ALLOCATION_METHOD_EQUAL):
        plans.AllocateTarget(
            pb.AllocateTargetRequest(target_id=target.target_id, method=method, depth=1),
            metadata=DIRECTOR,
        )
    with db.transaction() as session:
        rows = session.scalars(sa.select(AllocationRecord)).all()
        assert sorted((r.unit_id, r.value) for r in rows) == [("team-a", 45), ("team-b", 45)]
    error = failure(
        lambda: plans.AllocateTarget(
            pb.AllocateTargetRequest(target_id=target.target_id, method=pb.ALLOCATION_METHOD_EQUAL),
            metadata=APAC_DIRECTOR,
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
