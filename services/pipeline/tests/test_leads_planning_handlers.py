"""The local copy of planning's reps and territories, fed through the worker's handlers.

Handlers run as nameko would call them (`worker_factory` with a real database),
so the inbox applies each event once; events arrive late and out of order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from salesops.events.v1 import planning_events_pb2 as planning

from services.kit.db import Database
from services.kit.schema import dead_letters
from services.pipeline.models.reps import RepRecord, TerritoryRecord, TerritoryRepRecord
from services.pipeline.tests.leads_support import T0, envelope
from services.pipeline.worker import Worker


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", database_url)


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def rep(db: Database, rep_id: str) -> RepRecord | None:
    with db.transaction() as session:
        return session.get(RepRecord, rep_id)


def hired(rep_id: str = "rep-1", at_hours: int = 0, **fields: Any) -> dict[str, Any]:
    payload = {
        "rep_id": rep_id,
        "name": "Ada Rep",
        "email": "Ada@Corp.example",
        "region": "emea",
        "team_id": "team-1",
        "manager_id": "mgr-1",
        "role": "rep",
        "capacity": 20,
        **fields,
    }
    return envelope(
        "planning.rep.hired", planning.RepHired(**payload), T0 + timedelta(hours=at_hours)
    )


def assigned(rep_id: str = "rep-1", at_hours: int = 0, **fields: Any) -> dict[str, Any]:
    payload = {"rep_id": rep_id, "region": "EMEA", "team_id": "team-2", "capacity": 5, **fields}
    return envelope(
        "planning.rep.assigned", planning.RepAssigned(**payload), T0 + timedelta(hours=at_hours)
    )


def left(rep_id: str = "rep-1", at_hours: int = 0) -> dict[str, Any]:
    return envelope(
        "planning.rep.left",
        planning.RepLeft(rep_id=rep_id, region="EMEA"),
        T0 + timedelta(hours=at_hours),
    )


def territory_changed(version: int, rep_ids: list[str], **fields: Any) -> dict[str, Any]:
    payload = {
        "territory_id": "DACH-ENT",
        "name": "DACH enterprise",
        "region": "emea",
        "rules": planning.TerritoryRules(
            countries=["de", " at "], industries=["Financial  Services"], company_sizes=["250+"]
        ),
        "rep_ids": rep_ids,
        "version": version,
        **fields,
    }
    return envelope("planning.territory.changed", planning.TerritoryChanged(**payload))


def test_a_hire_creates_an_active_rep(worker: Any, db: Database) -> None:
    assert worker.on_rep_hired(hired()) == "applied"
    record = rep(db, "rep-1")
    assert record is not None
    assert (record.name, record.email, record.region, record.capacity, record.status) == (
        "Ada Rep",
        "ada@corp.example",
        "EMEA",
        20,
        "active",
    )
    assert record.source_occurred_at == T0


def test_a_redelivered_event_is_applied_once(worker: Any, db: Database) -> None:
    event = hired()
    assert worker.on_rep_hired(event) == "applied"
    assert worker.on_rep_hired(event) == "duplicate"


def test_an_assignment_before_the_hire_creates_the_rep_and_the_late_hire_fills_in_who(
    worker: Any, db: Database
) -> None:
    worker.on_rep_assigned(assigned(at_hours=2, capacity=7, status="on_leave"))
    early = rep(db, "rep-1")
    assert early is not None and (early.name, early.capacity, early.status) == ("", 7, "on_leave")
    worker.on_rep_hired(hired(at_hours=1, capacity=20))
    record = rep(db, "rep-1")
    assert record is not None
    # The older hire says who the rep is, but not their capacity, team or availability.
    assert (record.name, record.email, record.role) == ("Ada Rep", "ada@corp.example", "rep")
    assert (record.capacity, record.team_id, record.status) == (7, "team-2", "on_leave")
    assert record.source_occurred_at == T0 + timedelta(hours=2)


def test_an_older_event_never_overwrites_a_newer_one(worker: Any, db: Database) -> None:
    worker.on_rep_hired(hired(at_hours=0))
    worker.on_rep_left(left(at_hours=5))
    worker.on_rep_assigned(assigned(at_hours=3, capacity=99, status="active"))
    record = rep(db, "rep-1")
    assert record is not None and (record.status, record.capacity) == ("left", 20)
    # A newer hire brings the rep back.
    worker.on_rep_hired(hired(at_hours=9, capacity=12))
    record = rep(db, "rep-1")
    assert record is not None and (record.status, record.capacity) == ("active", 12)


def test_a_departure_for_an_unknown_rep_is_kept(worker: Any, db: Database) -> None:
    worker.on_rep_left(left("rep-9", at_hours=4))
    worker.on_rep_hired(hired("rep-9", at_hours=1))
    record = rep(db, "rep-9")
    assert record is not None and (record.status, record.name) == ("left", "Ada Rep")


def test_territory_versions_order_the_changes(worker: Any, db: Database) -> None:
    worker.on_territory_changed(territory_changed(2, ["rep-2", "rep-1", "rep-1"]))
    worker.on_territory_changed(territory_changed(1, ["rep-old"], name="stale"))
    with db.transaction() as session:
        territory = session.get(TerritoryRecord, "DACH-ENT")
        assert territory is not None
        assert (territory.name, territory.region, territory.version) == (
            "DACH enterprise",
            "EMEA",
            2,
        )
        assert (territory.countries, territory.industries, territory.company_sizes) == (
            "AT,DE",
            "financial services",
            "250+",
        )
        members = session.scalars(
            sa.select(TerritoryRepRecord.rep_id).where(
                TerritoryRepRecord.territory_id == "DACH-ENT"
            )
        )
        assert sorted(members) == ["rep-1", "rep-2"]
    worker.on_territory_changed(territory_changed(3, ["rep-3"], removed=True))
    with db.transaction() as session:
        territory = session.get(TerritoryRecord, "DACH-ENT")
        assert territory is not None and territory.removed and territory.version == 3
        members = session.scalars(sa.select(TerritoryRepRecord.rep_id))
        assert list(members) == ["rep-3"]


def test_a_malformed_event_is_parked(worker: Any, db: Database) -> None:
    bad_status = assigned(status="retired")
    assert worker.on_rep_assigned(bad_status) == "dead_lettered"
    no_id = hired(rep_id="")
    assert worker.on_rep_hired(no_id) == "dead_lettered"
    with db.transaction() as session:
        errors = list(session.scalars(sa.select(dead_letters.c.error)))
    assert any("RepAssigned.status is 'retired'" in error for error in errors)
    assert any("RepHired.rep_id is empty" in error for error in errors)
    assert rep(db, "rep-1") is None
