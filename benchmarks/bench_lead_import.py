"""Benchmark: importing leads through the streaming ImportLeads vs raw inserts, on PostgreSQL.

Run: `.venv/bin/python benchmarks/bench_lead_import.py [--rows 100000]` (or `make bench`).

In one run, on a throwaway PostgreSQL database migrated to head:

1. raw: the same rows inserted into the `leads` table with SQLAlchemy Core,
   executemany in batches of --batch rows, one transaction per batch; the
   database's own insert rate for these rows;
2. the table is emptied, then the rows are imported through the real pipeline
   api (grpcio server in a separate process, so client and server do not
   share a GIL) with client-streaming ImportLeads calls: validation,
   duplicate detection, scoring, routing to reps, the leads and two outbox
   events per lead (`pipeline.lead.created` and `pipeline.lead.assigned`).

It prints rows per second for both and their ratio (the goal is >= 0.3 of
raw). Nothing is published to RabbitMQ: the api process runs without a relay
and the events stay in the throwaway database's outbox.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "protos")]

import grpc  # noqa: E402
import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from psycopg import sql  # noqa: E402
from salesops.events.v1 import planning_events_pb2 as planning  # noqa: E402
from salesops.pipeline.v1 import pipeline_pb2 as pb  # noqa: E402
from salesops.pipeline.v1 import pipeline_pb2_grpc  # noqa: E402

from services.kit.db import Database, make_engine  # noqa: E402
from services.kit.events import build_envelope  # noqa: E402
from services.kit.migrations import migrate  # noqa: E402
from services.kit.normalize import normalized_email, normalized_name, normalized_phone  # noqa: E402
from services.pipeline.handlers import planning as planning_handlers  # noqa: E402
from services.pipeline.models.leads import LeadRecord  # noqa: E402

ADMIN_URL = os.environ.get(
    "SALESOPS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REGIONS = ("EMEA", "APAC", "AMER")
COUNTRIES = {"EMEA": ("DE", "FR", "GB", "SE"), "APAC": ("JP", "CN", "AU"), "AMER": ("US", "BR")}
INDUSTRIES = ("software", "manufacturing", "retail", "healthcare", "logistics", "mining")
TITLES = ("CFO", "Head of Procurement", "IT Manager", "Engineer", "VP Sales", "")
SOURCES = ("web", "event", "referral", "partner", "outbound", "other")
SIZES = ("", "12", "80", "1200", "50-249")
IMPORT_CALLER = [
    ("x-salesops-subject", "bench-admin"),
    ("x-salesops-roles", "admin"),
    ("x-salesops-regions", "*"),
]
# Rows per ImportLeads call: the service takes at most 10,000 per call.
ROWS_PER_CALL = 10_000
# Rows per streamed message (a gRPC message has a fixed cost; the gateway sends 500 too).
ROWS_PER_MESSAGE = 500


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


def make_rows(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` distinct leads (no two share an email, phone or company name)."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for n in range(count):
        region = REGIONS[n % len(REGIONS)]
        rows.append(
            {
                "region": region,
                "company_name": f"Company {n} {rng.choice(('GmbH', 'Ltd', 'Inc.', 'SA'))}",
                "contact_name": f"Person {n}",
                "contact_email": f"person.{n}@company{n}.example",
                "contact_phone": f"+49 30 {n:08d}" if n % 2 else "",
                "contact_title": rng.choice(TITLES),
                "country": rng.choice(COUNTRIES[region]),
                "industry": rng.choice(INDUSTRIES),
                "source": rng.choice(SOURCES),
                "campaign": "bench-2027" if n % 5 == 0 else "",
                "company_size": rng.choice(SIZES),
            }
        )
    return rows


def seed_routing(db: Database) -> None:
    """Territories and reps per region, as planning's events would leave them."""
    at = datetime(2027, 1, 1, tzinfo=UTC)

    def envelope(event_type: str, payload: Any) -> dict[str, Any]:
        built = build_envelope(event_type, payload, region="EMEA", caller=None)
        built["occurred_at"] = at.isoformat()
        return built

    with db.transaction() as session:
        for region in REGIONS:
            reps = [f"{region.lower()}-rep-{i}" for i in range(8)]
            for rep_id in reps:
                planning_handlers.apply_rep_hired(
                    session,
                    envelope(
                        "planning.rep.hired",
                        planning.RepHired(rep_id=rep_id, region=region, capacity=1_000_000),
                    ),
                )
            for index, countries in enumerate((COUNTRIES[region][:2], COUNTRIES[region][2:])):
                planning_handlers.apply_territory_changed(
                    session,
                    envelope(
                        "planning.territory.changed",
                        planning.TerritoryChanged(
                            territory_id=f"{region}-{index}",
                            region=region,
                            rules=planning.TerritoryRules(countries=countries),
                            rep_ids=reps[index * 4 : index * 4 + 4],
                            version=1,
                        ),
                    ),
                )


def raw_insert(url: str, rows: list[dict[str, Any]], batch: int) -> float:
    """Seconds to insert `rows` as lead records with Core executemany, a transaction per batch."""
    leads = cast(sa.Table, LeadRecord.__table__)
    now = datetime.now(UTC)
    records = [
        {
            **row,
            "lead_id": str(uuid.uuid4()),
            "status": "new",
            "owner_id": "",
            "disqualify_reason": "",
            "qualified_at": None,
            "converted_at": None,
            "created_at": now,
            "created_by": "bench",
            "updated_at": now,
            "updated_by": "bench",
            "version": 1,
            "score": 0,
            "score_reasons": "[]",
            "assignment_reason": "",
            "territory_id": "",
            "assigned_at": None,
            "contacted_at": None,
            "contacted_by": "",
            "sla_due_at": None,
            "sla_breached_at": None,
            "email_key": normalized_email(row["contact_email"]),
            "phone_key": normalized_phone(row["contact_phone"]),
            "name_key": normalized_name(row["company_name"]),
        }
        for row in rows
    ]
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        for start in range(0, len(records), batch):
            with engine.begin() as connection:
                connection.execute(leads.insert(), records[start : start + batch])
        return time.perf_counter() - started
    finally:
        engine.dispose()


def serve(url: str, pipe: Connection) -> None:
    """The pipeline api in its own process, without an outbox relay; stops when told."""
    from services.kit.grpc_server import ApiServer
    from services.pipeline import api

    db = Database(url, "pipeline", pool_size=4)
    server = ApiServer("pipeline", lambda s: api.register(s, db), db.ping, port=0, host="127.0.0.1")
    server.start()
    pipe.send(server.port)
    pipe.recv()
    server.stop(grace=5)
    db.dispose()


def requests_of(rows: list[dict[str, Any]], first_row: int) -> Iterator[pb.ImportLeadsRequest]:
    """The rows as a stream of messages of ROWS_PER_MESSAGE rows each."""
    for start in range(0, len(rows), ROWS_PER_MESSAGE):
        yield pb.ImportLeadsRequest(
            rows=[
                pb.LeadImportRow(row_number=first_row + start + offset, **row)
                for offset, row in enumerate(rows[start : start + ROWS_PER_MESSAGE])
            ]
        )


def streamed_import(port: int, rows: list[dict[str, Any]]) -> tuple[float, dict[str, int]]:
    """Seconds to import `rows` through ImportLeads calls, and the outcome counts."""
    options = [("grpc.max_receive_message_length", 16 * 1024 * 1024)]
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
        stub = pipeline_pb2_grpc.PipelineServiceStub(channel)
        counts = {"created": 0, "duplicate": 0, "invalid": 0}
        started = time.perf_counter()
        for start in range(0, len(rows), ROWS_PER_CALL):
            response = stub.ImportLeads(
                requests_of(rows[start : start + ROWS_PER_CALL], start + 1),
                metadata=IMPORT_CALLER,
                timeout=600,
            )
            counts["created"] += response.created_count
            counts["duplicate"] += response.duplicate_count
            counts["invalid"] += response.invalid_count
        return time.perf_counter() - started, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="leads to import (100000)")
    parser.add_argument("--batch", type=int, default=1000, help="raw insert batch size (1000)")
    args = parser.parse_args()
    rows = make_rows(args.rows)
    with throwaway_database() as url:
        migrate("pipeline", url)
        db = Database(url, "pipeline")
        seed_routing(db)

        raw_seconds = raw_insert(url, rows, args.batch)
        with db.transaction() as session:
            session.execute(sa.text("TRUNCATE leads"))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE leads"))

        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=serve, args=(url, child), daemon=True)
        process.start()
        try:
            port = parent.recv()
            import_seconds, counts = streamed_import(port, rows)
        finally:
            parent.send("stop")
            process.join(30)
        with db.transaction() as session:
            stored = session.scalar(sa.select(sa.func.count()).select_from(LeadRecord))
            events = session.scalar(sa.text("SELECT count(*) FROM outbox"))
        db.dispose()

    raw_rate = args.rows / raw_seconds
    import_rate = args.rows / import_seconds
    print(f"rows: {args.rows} (PostgreSQL, throwaway database)")
    print(
        f"raw Core executemany, batches of {args.batch}: {raw_seconds:8.2f} s  "
        f"{raw_rate:10.0f} rows/s"
    )
    print(
        f"ImportLeads streaming, {ROWS_PER_CALL} rows/call:  {import_seconds:8.2f} s  "
        f"{import_rate:10.0f} rows/s"
    )
    print(f"ratio import/raw: {import_rate / raw_rate:.2f} (goal >= 0.30)")
    print(f"import outcomes: {counts}; leads stored: {stored}; outbox events: {events}")
    if counts["created"] != args.rows or stored != args.rows:
        print("error: not every row became a lead", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
