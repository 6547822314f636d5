"""Benchmark: a commission run for 10,000 reps over 1,000,000 credits, on PostgreSQL.

Run: `.venv/bin/python benchmarks/bench_commission_run.py [--reps 10000 --credits 1000000
--runs 3]` (or `make bench`).

On a throwaway PostgreSQL database migrated to head: --reps reps in one region
with a revenue quota each, --credits credits spread over them in FY2027-Q2
(three product lines; about 1 % reversed within the quarter, about 1 % reversals
of credits of the quarter before, so netting and clawbacks are exercised), and
one approved plan: marginal tiers with a decelerator and two accelerators, a
SPIFF, a payout cap and a recoverable draw. Then, --runs times:

1. the commission run: the CommissionService's CalculateStatements for the
   region (called in process, without gRPC): it reads the reps, credits,
   quotas and earlier statements in bulk, calculates every rep's statement
   with the pure engine, and writes every statement, version, line and one
   `performance.commission.calculated` outbox event per rep in one
   transaction. The statements are deleted between runs (not timed), so each
   run does the same, full work;
2. the same run again over unchanged facts: every statement is compared
   with its stored calculation and nothing is written (not the goal's
   figure, shown for what a periodic recalculation costs);
3. beside it, the floor: one SQL aggregate over the same credits (sum per rep
   in the quarter), the least any run must do to read them.

It prints the median, min and max of both, their ratio, and the goal (the
run under 10 seconds), and checks every statement's total equals the sum of
its lines.
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "protos")]

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from psycopg import sql  # noqa: E402
from salesops.performance.v1 import commissions_pb2 as pb  # noqa: E402

from services.kit.db import Database  # noqa: E402
from services.kit.fiscal import FiscalCalendar  # noqa: E402
from services.kit.identity import Caller, bind_caller, unbind_caller  # noqa: E402
from services.kit.migrations import migrate  # noqa: E402
from services.performance.api.commissions import CommissionServicer  # noqa: E402

GOAL_SECONDS = 10.0
PERIOD = "FY2027-Q2"
Q2_START = date(2027, 4, 1)
REGION = "EMEA"
ADMIN_URL = os.environ.get(
    "SALESOPS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
LINES = ("widgets", "gadgets", "services")


@contextmanager
def throwaway_database() -> Iterator[tuple[str, str]]:
    """A new PostgreSQL database for this run (dropped after); yields (SQLAlchemy, libpq) URLs."""
    name = f"salesops_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}", f"{base}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def copy_rows(
    conninfo: str, table: str, columns: list[str], rows: Iterator[tuple[object, ...]]
) -> None:
    """COPY rows into `table` (the fastest way to seed; not part of what is measured)."""
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        with cursor.copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
        ) as copy:
            for row in rows:
                copy.write_row(row)
        connection.commit()


def seed(conninfo: str, reps: int, credits: int) -> None:
    rng = random.Random(2027)
    now = datetime(2027, 3, 1, tzinfo=UTC)
    rep_ids = [f"rep-{i:05d}" for i in range(reps)]
    copy_rows(
        conninfo,
        "reps",
        [
            "rep_id",
            "name",
            "email",
            "region",
            "team_id",
            "manager_id",
            "role",
            "status",
            "capacity",
            "source_occurred_at",
        ],
        (
            (
                rep_id,
                rep_id,
                f"{rep_id}@example.com",
                REGION,
                f"team-{i // 10:04d}",
                f"mgr-{i // 10:04d}",
                "rep",
                "active",
                0,
                now,
            )
            for i, rep_id in enumerate(rep_ids)
        ),
    )
    copy_rows(
        conninfo,
        "quotas",
        [
            "target_id",
            "rep_id",
            "plan_id",
            "region",
            "period_code",
            "metric",
            "product_line",
            "currency",
            "amount_minor",
            "quantity",
            "event_id",
            "source_occurred_at",
        ],
        (
            (
                str(uuid.uuid4()),
                rep_id,
                "plan",
                REGION,
                PERIOD,
                "revenue",
                "",
                "EUR",
                rng.randint(2_000_000, 8_000_000),
                0,
                "bench",
                now,
            )
            for rep_id in rep_ids
        ),
    )

    def credit_rows() -> Iterator[tuple[object, ...]]:
        for n in range(credits):
            rep_id = rep_ids[n % reps]
            credit_id = f"c{n:08d}"
            amount = rng.randint(1_000, 100_000)
            day = Q2_START + timedelta(days=rng.randrange(91))
            kind_roll = rng.random()
            reverses: str | None = None
            if kind_roll < 0.01 and n >= reps:
                # A reversal, within the quarter, of this rep's credit one round earlier.
                reverses = f"c{n - reps:08d}"
                amount = -rng.randint(1_000, 100_000)
            elif kind_roll < 0.02:
                # A reversal of a credit of the quarter before: a clawback.
                reverses = f"q1-{n:08d}"
                amount = -amount
            yield (
                credit_id,
                "bench",
                str(uuid.uuid4()),
                "",
                "",
                REGION,
                rep_id,
                "",
                "direct",
                "",
                rng.choice(LINES),
                10_000,
                "EUR",
                amount,
                0,
                day,
                reverses,
                now,
            )

    copy_rows(
        conninfo,
        "credits",
        [
            "credit_id",
            "event_id",
            "contract_id",
            "opportunity_id",
            "customer_id",
            "region",
            "rep_id",
            "team_id",
            "kind",
            "from_rep_id",
            "product_line",
            "share_bp",
            "currency",
            "amount_minor",
            "quantity",
            "credited_on",
            "reverses_credit_id",
            "recorded_at",
        ],
        credit_rows(),
    )


def approve_plan(api: CommissionServicer) -> None:
    rules = pb.CommissionRules(
        base_rate_bp=500,
        tier_mode=pb.COMMISSION_TIER_MODE_MARGINAL,
        tiers=[
            pb.CommissionTier(from_bp=0, to_bp=5000, rate_bp=200, name="decelerator"),
            pb.CommissionTier(from_bp=5000, to_bp=10000, rate_bp=500, name="target"),
            pb.CommissionTier(from_bp=10000, to_bp=15000, rate_bp=800, name="accelerator"),
            pb.CommissionTier(from_bp=15000, to_bp=0, rate_bp=1200, name="super accelerator"),
        ],
        cap_kind=pb.COMMISSION_CAP_KIND_PAYOUT,
        cap_payout_minor=900_000,
        spiffs=[pb.CommissionSpiff(product_line="widgets", rate_bp=100)],
        draw_minor=150_000,
        draw_recoverable=True,
    )
    token = bind_caller(Caller("bench-manager", frozenset({"manager"}), frozenset({REGION})))
    try:
        plan = api.CreateCommissionPlan(
            pb.CreateCommissionPlanRequest(
                name="bench",
                role=pb.COMMISSION_ROLE_REP,
                region=REGION,
                currency="EUR",
                effective_from="2027-01-01",
                rules=rules,
            ),
            None,
        ).plan
    finally:
        unbind_caller(token)
    token = bind_caller(Caller("bench-director", frozenset({"director"}), frozenset({REGION})))
    try:
        api.ApproveCommissionPlan(
            pb.ApproveCommissionPlanRequest(plan_id=plan.plan_id),
            None,
        )
    finally:
        unbind_caller(token)


def clear_statements(db: Database) -> None:
    with db.transaction() as session:
        session.execute(
            sa.text(
                "TRUNCATE commission_statement_lines, commission_statement_versions, "
                "commission_statements, outbox"
            )
        )


def check(db: Database, reps: int) -> tuple[int, int]:
    """Every statement's total equals the sum of its lines; return (statements, lines)."""
    with db.transaction() as session:
        statements = session.scalar(sa.text("SELECT count(*) FROM commission_statements"))
        lines = session.scalar(sa.text("SELECT count(*) FROM commission_statement_lines"))
        events = session.scalar(sa.text("SELECT count(*) FROM outbox"))
        mismatched = session.scalar(
            sa.text(
                "SELECT count(*) FROM commission_statements s LEFT JOIN ("
                " SELECT statement_id, sum(amount_minor) AS total"
                " FROM commission_statement_lines GROUP BY statement_id) l"
                " ON l.statement_id = s.statement_id"
                " WHERE s.total_minor <> coalesce(l.total, 0)"
            )
        )
    assert statements == reps, (statements, reps)
    assert events == reps, (events, reps)
    assert mismatched == 0, f"{mismatched} statements whose total is not the sum of their lines"
    return int(statements or 0), int(lines or 0)


def report(label: str, times: list[float]) -> None:
    print(
        f"  {label}: median {statistics.median(times):.2f} s  min {min(times):.2f} s  "
        f"max {max(times):.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--credits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with throwaway_database() as (url, conninfo):
        migrate("performance", url)
        started = time.perf_counter()
        seed(conninfo, args.reps, args.credits)
        db = Database(url, "performance", pool_size=2)
        try:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
            seeded = time.perf_counter() - started
            api = CommissionServicer(db, FiscalCalendar(1))
            approve_plan(api)
            run_times: list[float] = []
            sql_times: list[float] = []
            recalc_times: list[float] = []
            counts = (0, 0)
            for _ in range(args.runs):
                clear_statements(db)
                token = bind_caller(
                    Caller("bench-director", frozenset({"director"}), frozenset({REGION}))
                )
                try:
                    began = time.perf_counter()
                    response = api.CalculateStatements(
                        pb.CalculateStatementsRequest(period_code=PERIOD, region=REGION), None
                    )
                    run_times.append(time.perf_counter() - began)
                    began = time.perf_counter()
                    again = api.CalculateStatements(
                        pb.CalculateStatementsRequest(period_code=PERIOD, region=REGION), None
                    )
                    recalc_times.append(time.perf_counter() - began)
                    assert not any(s.changed for s in again.statements)
                finally:
                    unbind_caller(token)
                assert len(response.statements) == args.reps, len(response.statements)
                counts = check(db, args.reps)
                with db.transaction() as session:
                    began = time.perf_counter()
                    sums = session.execute(
                        sa.text(
                            "SELECT rep_id, sum(amount_minor) FROM credits"
                            " WHERE credited_on >= :starts AND credited_on < :ends"
                            " GROUP BY rep_id"
                        ),
                        {"starts": Q2_START, "ends": date(2027, 7, 1)},
                    ).all()
                    sql_times.append(time.perf_counter() - began)
                assert len(sums) == args.reps
        finally:
            db.dispose()

    run_median = statistics.median(run_times)
    sql_median = statistics.median(sql_times)
    print(
        f"commission run: {args.reps:,} reps, {args.credits:,} credits, {PERIOD}, "
        f"PostgreSQL (seeded in {seeded:.1f} s), {args.runs} runs"
    )
    report("CalculateStatements (read in bulk, engine, write statements + events)", run_times)
    report("the same run again, nothing changed (compare, no writes)", recalc_times)
    report("one SQL aggregate over the same credits (sum per rep)", sql_times)
    print(f"  ratio run/aggregate: {run_median / sql_median:.1f}x")
    print(f"  {counts[0]:,} statements, {counts[1]:,} lines; every total is the sum of its lines")
    print(f"  goal < {GOAL_SECONDS:.0f} s: {'met' if run_median < GOAL_SECONDS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
