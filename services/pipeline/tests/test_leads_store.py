"""The lead store's bulk paths write what the kit's single-row paths would."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from salesops.events.v1 import pipeline_events_pb2 as events

from services.kit.db import Database, utcnow
from services.kit.identity import Caller
from services.kit.outbox import OUTBOX_WRITTEN, record_event
from services.kit.schema import outbox
from services.pipeline.models.lead_store import outbox_rows

CALLER = Caller("mgr-1", frozenset({"manager"}), frozenset({"EMEA"}), correlation_id="corr-1")


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", database_url)


def test_bulk_outbox_rows_match_record_event(db: Database) -> None:
    created = events.LeadCreated(lead_id="L1", region="EMEA", company_name="Acme", score=35)
    breached = events.LeadSlaBreached(
        lead_id="L1", region="EMEA", due_time=Timestamp(seconds=1_800_000_000), sla_hours=4
    )
    with db.transaction() as session:
        single = [
            record_event(session, "pipeline.lead.created", created, region="EMEA", caller=CALLER),
            record_event(
                session, "pipeline.lead.sla_breached", breached, region="EMEA", caller=CALLER
            ),
        ]
        session.info.pop(OUTBOX_WRITTEN, None)
        outbox_rows(
            session,
            [
                ("pipeline.lead.created", created, "EMEA"),
                ("pipeline.lead.sla_breached", breached, "EMEA"),
            ],
            CALLER,
            utcnow(),
        )
        assert session.info[OUTBOX_WRITTEN]
    with db.transaction() as session:
        stored = [
            json.loads(body)
            for body in session.scalars(sa.select(outbox.c.envelope).order_by(outbox.c.id))
        ]
    bulk = stored[2:]
    for one, many in zip(single, bulk, strict=True):
        assert set(one) == set(many)
        assert many["event_id"] != one["event_id"]
        for key in ("type", "schema_version", "source", "region", "actor", "correlation_id"):
            assert many[key] == one[key]
        assert many["payload"] == one["payload"]
    assert bulk[0]["payload"] == json_format.MessageToDict(
        created, preserving_proto_field_name=True
    )
    assert bulk[1]["payload"]["due_time"] == "2027-01-15T08:00:00Z"
