"""What the forecast tests share: an uneven org tree, callers, events, plans and facts.

The tree (EMEA unless said otherwise)::

    emea (mgr-region)                       director dir-1
    ├── north (mgr-north)
    │   ├── team-n1 (mgr-n1): rep-1, rep-2, rep-3 (left)
    │   └── team-n2 (mgr-n2): rep-4
    ├── team-s (mgr-s): rep-5
    └── rep-6 (works directly in emea)
    apac (dir-2)
    └── team-ap (mgr-ap): rep-9
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from salesops.common.v1 import common_pb2
from salesops.planning.v1 import forecasts_pb2 as pb
from salesops.planning.v1 import forecasts_pb2_grpc

from services.kit.db import Database
from services.kit.testing import caller
from services.planning.models.facts import SalesFactRecord
from services.planning.models.plans import AllocationRecord, PlanRecord, TargetRecord
from services.planning.worker import Worker

Metadata = list[tuple[str, str]]

DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-2", "director", "APAC")
EXECUTIVE = caller("exec-1", "executive", "*")
REGION_MANAGER = caller("mgr-region", "manager", "EMEA")
NORTH_MANAGER = caller("mgr-north", "manager", "EMEA")
N1_MANAGER = caller("mgr-n1", "manager", "EMEA")
N2_MANAGER = caller("mgr-n2", "manager", "EMEA")
REP1 = caller("rep-1", "rep", "EMEA")
REP2 = caller("rep-2", "rep", "EMEA")
REP4 = caller("rep-4", "rep", "EMEA")
REP5 = caller("rep-5", "rep", "EMEA")
REP6 = caller("rep-6", "rep", "EMEA")

# Next calendar year's first quarter (fiscal years start in January by default): never over.
YEAR = datetime.now(UTC).year + 1
PERIOD = f"FY{YEAR}-Q1"
PERIOD_DAYS = (date(YEAR, 1, 1), date(YEAR, 4, 1))


def day(month: int, day_of_month: int, year: int = YEAR) -> str:
    """An ISO date (next year by default)."""
    return date(year, month, day_of_month).isoformat()


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

UNITS = [
    # unit, parent, region, manager, kind
    ("emea", None, "EMEA", "mgr-region", "region"),
    ("north", "emea", "EMEA", "mgr-north", "area"),
    ("team-n1", "north", "EMEA", "mgr-n1", "team"),
    ("team-n2", "north", "EMEA", "mgr-n2", "team"),
    ("team-s", "emea", "EMEA", "mgr-s", "team"),
    ("apac", None, "APAC", "dir-2", "region"),
    ("team-ap", "apac", "APAC", "mgr-ap", "team"),
]
PEOPLE = [
    # rep, team, region, status
    ("rep-1", "team-n1", "EMEA", "active"),
    ("rep-2", "team-n1", "EMEA", "active"),
    ("rep-3", "team-n1", "EMEA", "left"),
    ("rep-4", "team-n2", "EMEA", "active"),
    ("rep-5", "team-s", "EMEA", "on_leave"),
    ("rep-6", "emea", "EMEA", "active"),
    ("rep-9", "team-ap", "APAC", "active"),
]


def seed_org(db: Database) -> None:
    """The tree above."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    manager_of = {unit: manager for unit, _, _, manager, _ in UNITS}
    with db.transaction() as session:
        session.execute(
            org_units.insert(),
            [
                {
                    "unit_id": unit,
                    "code": unit.upper(),
                    "name": unit.title(),
                    "parent_id": parent,
                    "region": region,
                    "manager_id": manager,
                    "kind": kind,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for unit, parent, region, manager, kind in UNITS
            ],
        )
        session.execute(
            people.insert(),
            [
                {
                    "rep_id": rep,
                    "name": rep.replace("-", " ").title(),
                    "email": f"{rep}@example.com",
                    "role": "rep",
                    "team_unit_id": team,
                    "manager_id": manager_of[team],
                    "region": region,
                    "hire_date": date(2025, 1, 1),
                    "status": status,
                    "capacity": 50,
                    "created_at": now,
                    "updated_at": now,
                }
                for rep, team, region, status in PEOPLE
            ],
        )


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    """The planning database with the tree above (SQLite and PostgreSQL)."""
    database = migrated("planning", database_url)
    seed_org(database)
    return database


@pytest.fixture
def forecasts(
    db: Database, serve_api: Callable[[str, Database], grpc.Channel]
) -> forecasts_pb2_grpc.ForecastServiceStub:
    """The real planning api over `db`."""
    return forecasts_pb2_grpc.ForecastServiceStub(serve_api("planning", db))


@pytest.fixture
def worker(db: Database) -> Any:
    """The planning worker's handlers over `db`."""
    return worker_factory(Worker, db=db)


def eur(amount_minor: int, currency: str = "EUR") -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=amount_minor)


def submit(
    stub: forecasts_pb2_grpc.ForecastServiceStub,
    who: Metadata,
    commit: int,
    best_case: int,
    pipeline: int,
    *,
    rep_id: str = "",
    currency: str = "EUR",
    period: str = PERIOD,
    notes: str = "",
) -> pb.Forecast:
    return stub.SubmitForecast(
        pb.SubmitForecastRequest(
            period_code=period,
            rep_id=rep_id,
            commit=eur(commit, currency),
            best_case=eur(best_case, currency),
            pipeline=eur(pipeline, currency),
            notes=notes,
        ),
        metadata=who,
    ).forecast


def adjust(
    stub: forecasts_pb2_grpc.ForecastServiceStub,
    who: Metadata,
    forecast_id: str,
    commit: int,
    best_case: int,
    pipeline: int,
    reason: str = "sandbagging",
    currency: str = "EUR",
) -> pb.Forecast:
    return stub.AdjustForecast(
        pb.AdjustForecastRequest(
            forecast_id=forecast_id,
            commit=eur(commit, currency),
            best_case=eur(best_case, currency),
            pipeline=eur(pipeline, currency),
            reason=reason,
        ),
        metadata=who,
    ).forecast


def pipeline_event(
    event_type: str,
    payload: dict[str, Any],
    *,
    occurred_at: str = "2027-01-10T09:00:00Z",
    event_id: str | None = None,
) -> dict[str, Any]:
    """An envelope of a pipeline event (`pipeline.<aggregate>.<verb>`)."""
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "type": event_type,
        "schema_version": 1,
        "occurred_at": occurred_at,
        "source": "pipeline",
        "region": payload.get("region", "EMEA"),
        "actor": payload.get("owner_id", "rep-1"),
        "correlation_id": "req-1",
        "payload": payload,
    }


def opportunity_created(
    opportunity_id: str,
    *,
    owner_id: str,
    team_id: str,
    amount: int,
    close: str = "",
    probability_bp: int = 1000,
    category: str = "pipeline",
    currency: str = "EUR",
    region: str = "EMEA",
    occurred_at: str = "2027-01-10T09:00:00Z",
) -> dict[str, Any]:
    return pipeline_event(
        "pipeline.opportunity.created",
        {
            "opportunity_id": opportunity_id,
            "region": region,
            "customer_id": "cus-1",
            "owner_id": owner_id,
            "team_id": team_id,
            "pipeline_id": "default",
            "stage_id": "prospecting",
            "name": f"Deal {opportunity_id}",
            "amount": {"currency": currency, "amount_minor": amount},
            "expected_close_date": close or day(2, 15),
            "probability_bp": probability_bp,
            "forecast_category": category,
        },
        occurred_at=occurred_at,
    )


def opportunity_updated(
    opportunity_id: str,
    *,
    owner_id: str,
    team_id: str,
    amount: int,
    close: str,
    changed: tuple[str, ...] = ("expected_close_date",),
    currency: str = "EUR",
    region: str = "EMEA",
    occurred_at: str = "2027-01-13T09:00:00Z",
) -> dict[str, Any]:
    return pipeline_event(
        "pipeline.opportunity.updated",
        {
            "opportunity_id": opportunity_id,
            "region": region,
            "owner_id": owner_id,
            "team_id": team_id,
            "name": f"Deal {opportunity_id} (edited)",
            "amount": {"currency": currency, "amount_minor": amount},
            "expected_close_date": close,
            "changed": list(changed),
        },
        occurred_at=occurred_at,
    )


def stage_changed(
    opportunity_id: str,
    *,
    owner_id: str,
    team_id: str,
    amount: int,
    probability_bp: int,
    category: str,
    stage: str = "proposal",
    currency: str = "EUR",
    region: str = "EMEA",
    occurred_at: str = "2027-01-12T09:00:00Z",
) -> dict[str, Any]:
    return pipeline_event(
        "pipeline.opportunity.stage_changed",
        {
            "opportunity_id": opportunity_id,
            "region": region,
            "owner_id": owner_id,
            "team_id": team_id,
            "pipeline_id": "default",
            "from_stage_id": "prospecting",
            "to_stage_id": stage,
            "to_stage_name": stage.title(),
            "probability_bp": probability_bp,
            "forecast_category": category,
            "amount": {"currency": currency, "amount_minor": amount},
            "seconds_in_from_stage": 3600,
        },
        occurred_at=occurred_at,
    )


def opportunity_closed(
    verb: str,
    opportunity_id: str,
    *,
    owner_id: str,
    team_id: str,
    amount: int,
    region: str = "EMEA",
    occurred_at: str = "2027-01-20T09:00:00Z",
) -> dict[str, Any]:
    """`pipeline.opportunity.won` or `.lost`."""
    return pipeline_event(
        f"pipeline.opportunity.{verb}",
        {
            "opportunity_id": opportunity_id,
            "region": region,
            "customer_id": "cus-1",
            "owner_id": owner_id,
            "team_id": team_id,
            "pipeline_id": "default",
            "amount": {"currency": "EUR", "amount_minor": amount},
        },
        occurred_at=occurred_at,
    )


def add_plan(
    db: Database,
    *,
    unit_id: str,
    target: int,
    shares: dict[str, int],
    status: str = "active",
    period: str = PERIOD,
    product_line: str = "",
    region: str = "EMEA",
) -> str:
    """A plan of `unit_id` with a revenue target and its allocation (`u:<unit>`/`r:<rep>`)."""
    now = datetime(2026, 11, 2, tzinfo=UTC)
    plan_id, target_id = str(uuid.uuid4()), str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            PlanRecord(
                plan_id=plan_id,
                org_unit_id=unit_id,
                region=region,
                period_code=period,
                strategy="",
                owner_id="dir-1",
                currency="EUR",
                status=status,
                plan_version=1,
                previous_plan_id=None,
                rejection_reason="",
                approved_by="dir-1",
                created_at=now,
                created_by="dir-1",
                updated_at=now,
                updated_by="dir-1",
                version=1,
            )
        )
        session.add(
            TargetRecord(
                target_id=target_id,
                plan_id=plan_id,
                region=region,
                metric="revenue",
                value=target,
                currency="EUR",
                product_line=product_line,
                created_at=now,
                created_by="dir-1",
                updated_at=now,
                updated_by="dir-1",
            )
        )
        for key, value in shares.items():
            kind, subject = key.split(":", 1)
            session.add(
                AllocationRecord(
                    allocation_id=str(uuid.uuid4()),
                    target_id=target_id,
                    plan_id=plan_id,
                    region=region,
                    unit_id=subject if kind == "u" else "",
                    rep_id=subject if kind == "r" else "",
                    parent_unit_id=unit_id,
                    value=value,
                    method="equal",
                    over_allocation_bp=10_000,
                    created_at=now,
                    created_by="dir-1",
                )
            )
    return plan_id


def add_fact(
    db: Database,
    *,
    rep_id: str,
    unit_id: str,
    amount: int,
    booked_on: date,
    kind: str = "signed",
    currency: str = "EUR",
    region: str = "EMEA",
) -> None:
    """One sales fact row, as the attainment handlers would write it."""
    with db.transaction() as session:
        session.add(
            SalesFactRecord(
                fact_id=str(uuid.uuid4()),
                event_id=str(uuid.uuid4()),
                contract_id=str(uuid.uuid4()),
                kind=kind,
                region=region,
                rep_id=rep_id,
                unit_id=unit_id,
                customer_id="cus-1",
                product_line="",
                currency=currency,
                amount_minor=amount,
                quantity=0,
                new_customers=0,
                booked_on=booked_on,
                recorded_at=datetime(2027, 1, 2, tzinfo=UTC),
            )
        )
