"""Helpers the lead tests share: planning events in the contract's schema, and lead requests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from google.protobuf.message import Message
from salesops.events.v1 import planning_events_pb2 as planning
from salesops.pipeline.v1 import pipeline_pb2 as pb
from salesops.pipeline.v1 import pipeline_pb2_grpc

from services.kit.db import Database
from services.kit.events import build_envelope
from services.kit.schema import outbox
from services.kit.testing import caller
from services.pipeline.handlers import planning as planning_handlers

Stub = pipeline_pb2_grpc.PipelineServiceStub
T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
_serial = itertools.count(1)


def envelope(event_type: str, payload: Message, at: datetime = T0) -> dict[str, Any]:
    """An event envelope as planning would publish it, occurring at `at`."""
    built = build_envelope(event_type, payload, region="EMEA", caller=None)
    built["occurred_at"] = at.isoformat().replace("+00:00", "Z")
    return built


def hire(db: Database, rep_id: str, capacity: int, region: str = "EMEA", at: datetime = T0) -> None:
    """Apply a RepHired as the worker would."""
    with db.transaction() as session:
        planning_handlers.apply_rep_hired(
            session,
            envelope(
                "planning.rep.hired",
                planning.RepHired(rep_id=rep_id, name=rep_id, region=region, capacity=capacity),
                at,
            ),
        )


def leave(db: Database, rep_id: str, at: datetime = T0) -> None:
    with db.transaction() as session:
        planning_handlers.apply_rep_left(
            session, envelope("planning.rep.left", planning.RepLeft(rep_id=rep_id), at)
        )


def territory(
    db: Database,
    territory_id: str,
    rep_ids: list[str],
    *,
    countries: tuple[str, ...] = (),
    industries: tuple[str, ...] = (),
    sizes: tuple[str, ...] = (),
    region: str = "EMEA",
    version: int = 1,
) -> None:
    """Apply a TerritoryChanged as the worker would."""
    with db.transaction() as session:
        planning_handlers.apply_territory_changed(
            session,
            envelope(
                "planning.territory.changed",
                planning.TerritoryChanged(
                    territory_id=territory_id,
                    name=territory_id,
                    region=region,
                    rules=planning.TerritoryRules(
                        countries=countries, industries=industries, company_sizes=sizes
                    ),
                    rep_ids=rep_ids,
                    version=version,
                ),
            ),
        )


def lead_fields(**overrides: Any) -> dict[str, Any]:
    """A valid lead's fields, unique per call so leads do not duplicate each other."""
    n = next(_serial)
    fields: dict[str, Any] = {
        "region": "EMEA",
        "company_name": f"Company {n} GmbH",
        "contact_name": f"Person {n}",
        "contact_email": f"person{n}@company{n}.example",
        "source": "web",
    }
    fields.update(overrides)
    return fields


def create(stub: Stub, who: list[tuple[str, str]] | None = None, **overrides: Any) -> pb.Lead:
    """CreateLead with unique defaults."""
    request = pb.CreateLeadRequest(**lead_fields(**overrides))
    return stub.CreateLead(request, metadata=who or caller()).lead


def outbox_types(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(sa.select(outbox.c.type).order_by(outbox.c.id)))


def outbox_payloads(db: Database, event_type: str) -> list[dict[str, Any]]:
    import json

    with db.transaction() as session:
        bodies = session.scalars(
            sa.select(outbox.c.envelope).where(outbox.c.type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(body)["payload"] for body in bodies]
