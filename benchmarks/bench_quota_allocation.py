"""Benchmark: allocating a target down an org tree of 10,000 units.

Run: `.venv/bin/python benchmarks/bench_quota_allocation.py [--units 10000 --runs 5]`
(or `make bench`).

Builds a tree company -> 10 regions -> 100 areas -> teams (the rest of
--units, spread over the areas), weights every node (as last period's actuals
would), and times `services.planning.domain.allocation.allocate_tree` of a
revenue target with 110% over-allocation. It checks that every level sums
exactly and prints the median, min and max of --runs runs beside the goal
(under 1 second). That part is pure domain code: no database, no gRPC.

Then (unless --no-api) the same tree is written to `org_units` of a throwaway
PostgreSQL database migrated to head, and the PlanService's AllocateTarget
(called in process, without gRPC) allocates an equal split down it: it reads
the tree, allocates, and writes every allocation row and one
`planning.target.allocated` outbox event per unit, in one transaction.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "protos")]

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from psycopg import sql  # noqa: E402
from salesops.common.v1 import common_pb2  # noqa: E402
from salesops.planning.v1 import plans_pb2 as pb  # noqa: E402

from services.kit.db import Database  # noqa: E402
from services.kit.identity import Caller, bind_caller, unbind_caller  # noqa: E402
from services.kit.migrations import migrate  # noqa: E402
from services.planning.api.plans import PlanServicer  # noqa: E402
from services.planning.domain.allocation import allocate_tree, over_allocated  # noqa: E402

GOAL_SECONDS = 1.0
ADMIN_URL = os.environ.get(
    "SALESOPS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
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


def build_tree(units: int) -> tuple[dict[str, list[str]], dict[str, int]]:
    rng = random.Random(2027)
    children: dict[str, list[str]] = {"company": []}
    regions = [f"region-{r:02d}" for r in range(10)]
    children["company"] = regions
    areas = []
    for region in regions:
        kids = [f"{region}/area-{a:02d}" for a in range(10)]
        children[region] = kids
        areas += kids
    teams = units - 1 - len(regions) - len(areas)
    for i in range(teams):
        area = areas[i % len(areas)]
        children.setdefault(area, []).append(f"{area}/team-{i:05d}")
    weights = {node: rng.randint(1, 5_000_000) for kids in children.values() for node in kids}
    return children, weights


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A new PostgreSQL database for this run (dropped after); yields its SQLAlchemy URL."""
    name = f"salesops_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def time_api(children: dict[str, list[str]], runs: int) -> list[float]:
    """AllocateTarget (equal split, every level) over the tree stored in PostgreSQL."""
    with throwaway_database() as url:
        migrate("planning", url)
        db = Database(url, "planning", pool_size=2)
        try:
            now = datetime(2026, 11, 1, tzinfo=UTC)
            kinds = {0: "company", 1: "region", 2: "area"}
            rows = [{"unit_id": "company", "parent_id": None, "kind": "company"}]
            for parent, kids in children.items():
                depth = parent.count("/") + (0 if parent == "company" else 1)
                rows += [
                    {"unit_id": kid, "parent_id": parent, "kind": kinds.get(depth + 1, "team")}
                    for kid in kids
                ]
            with db.transaction() as session:
                session.execute(
                    org_units.insert(),
                    [
                        {
                            **row,
                            "code": row["unit_id"],
                            "name": row["unit_id"],
                            "region": "EMEA",
                            "manager_id": "",
                            "created_at": now,
                            "updated_at": now,
                            "version": 1,
                        }
                        for row in rows
                    ],
                )
            token = bind_caller(Caller("bench", frozenset({"director"}), frozenset({"EMEA"})))
            try:
                api = PlanServicer(db)
                plan = api.CreatePlan(
                    pb.CreatePlanRequest(
                        org_unit_id="company",
                        period_code="FY2027",
                        owner_id="bench",
                        currency="EUR",
                    ),
                    None,
                ).plan
                target = api.AddTarget(
                    pb.AddTargetRequest(
                        plan_id=plan.plan_id,
                        metric=pb.TARGET_METRIC_REVENUE,
                        amount=common_pb2.Money(currency="EUR", amount_minor=1_234_567_890_123),
                    ),
                    None,
                ).target
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    reply = api.AllocateTarget(
                        pb.AllocateTargetRequest(
                            target_id=target.target_id, method=pb.ALLOCATION_METHOD_EQUAL
                        ),
                        None,
                    )
                    times.append(time.perf_counter() - started)
                    assert len(reply.allocations) == len(rows) - 1
            finally:
                unbind_caller(token)
        finally:
            db.dispose()
    return times


def report(label: str, times: list[float]) -> None:
    median = statistics.median(times)
    print(
        f"  {label}: median {median * 1000:.1f} ms  min {min(times) * 1000:.1f} ms  "
        f"max {max(times) * 1000:.1f} ms  (goal < {GOAL_SECONDS:.0f} s: "
        f"{'met' if median < GOAL_SECONDS else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-api", action="store_true", help="only the pure allocation")
    args = parser.parse_args()

    children, weights = build_tree(args.units)
    units = 1 + sum(len(kids) for kids in children.values())
    target = 1_234_567_890_123  # minor units
    times = []
    amounts: dict[str, int] = {}
    for _ in range(args.runs):
        started = time.perf_counter()
        amounts = allocate_tree("company", target, children, weights, over_allocation_bp=11_000)
        times.append(time.perf_counter() - started)

    assert len(amounts) == units
    assert sum(amounts[k] for k in children["company"]) == over_allocated(target, 11_000)
    for parent, kids in children.items():
        if parent != "company":
            assert sum(amounts[k] for k in kids) == amounts[parent], parent

    print(f"quota allocation: {units:,} units, {args.runs} runs, weighted, 110% over-allocation")
    report("allocate_tree (pure)", times)
    print("  every level sums exactly to its parent")
    if not args.no_api:
        report(
            "AllocateTarget (PostgreSQL: read tree, write allocations + outbox events)",
            time_api(children, args.runs),
        )


if __name__ == "__main__":
    main()
