"""ImportLeads over a real grpcio server: a result per row, bad rows never stop the good ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from salesops.pipeline.v1 import pipeline_pb2 as pb

from services.kit.db import Database
from services.kit.testing import caller
from services.pipeline.api import leads as leads_api
from services.pipeline.models import lead_store
from services.pipeline.models.leads import LeadRecord
from services.pipeline.tests.leads_support import (
    Stub,
    create,
    hire,
    lead_fields,
    outbox_payloads,
    outbox_types,
    territory,
)

MANAGER = caller("mgr-1", "manager", "EMEA")


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", database_url)


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stub:
    return Stub(serve_api("pipeline", db))


def rows(*fields: dict[str, Any]) -> list[pb.LeadImportRow]:
    return [
        pb.LeadImportRow(row_number=number, **row) for number, row in enumerate(fields, start=2)
    ]


def run_import(
    stub: Stub,
    import_rows: list[pb.LeadImportRow],
    who: list[tuple[str, str]] = MANAGER,
    per_message: int = 1,
) -> pb.ImportLeadsResponse:
    """Stream `import_rows`, `per_message` rows in each message."""
    messages = [
        pb.ImportLeadsRequest(rows=import_rows[start : start + per_message])
        for start in range(0, len(import_rows), per_message)
    ]
    return stub.ImportLeads(iter(messages), metadata=who)


def outcomes(response: pb.ImportLeadsResponse) -> list[tuple[int, str | None]]:
    return [(r.row_number, r.WhichOneof("outcome")) for r in response.results]


def stored(db: Database) -> list[LeadRecord]:
    with db.transaction() as session:
        return list(session.scalars(sa.select(LeadRecord).order_by(LeadRecord.created_at)))


def test_a_bad_row_in_the_middle_is_reported_and_the_good_ones_are_written(
    stub: Stub, db: Database
) -> None:
    good_1, good_2 = lead_fields(), lead_fields(owner_id="rep-7")
    bad = lead_fields(company_name="  ", contact_email="not-an-email", country="Germany")
    response = run_import(stub, rows(good_1, bad, good_2))
    assert outcomes(response) == [(2, "created"), (3, "invalid"), (4, "created")]
    assert (response.created_count, response.duplicate_count, response.invalid_count) == (2, 0, 1)
    invalid = response.results[1].invalid
    assert [(v.field, v.description) for v in invalid.violations] == [
        ("company_name", "is required"),
        ("contact_email", "must be an email address like name@example.com"),
        ("country", "must be an ISO 3166-1 alpha-2 code such as DE or CN"),
    ]
    leads = stored(db)
    assert sorted(lead.lead_id for lead in leads) == sorted(
        [response.results[0].created.lead_id, response.results[2].created.lead_id]
    )
    assert response.results[2].created.owner_id == "rep-7"
    # Each created lead has its events; the bad row left no trace.
    assert sorted(outbox_types(db)) == [
        "pipeline.lead.assigned",
        "pipeline.lead.created",
        "pipeline.lead.created",
    ]
    created_ids = {p["lead_id"] for p in outbox_payloads(db, "pipeline.lead.created")}
    assert created_ids == {lead.lead_id for lead in leads}


def test_duplicates_within_the_file_and_against_open_leads(stub: Stub, db: Database) -> None:
    existing = create(stub, MANAGER, company_name="Globex Corporation")
    response = run_import(
        stub,
        rows(
            lead_fields(contact_email="Ann@Initech.example", company_name="Initech"),
            lead_fields(contact_phone="+1 (555) 010-0200", company_name="Hooli"),
            lead_fields(contact_email=" ann@initech.EXAMPLE ", company_name="Initech Two"),
            lead_fields(contact_phone="+1 555 0100200", company_name="Pied Piper"),
            lead_fields(company_name="GLOBEX corp."),
            lead_fields(company_name="initech, inc."),
            lead_fields(company_name="Initech", allow_duplicate=True),
        ),
    )
    assert outcomes(response) == [
        (2, "created"),
        (3, "created"),
        (4, "duplicate"),
        (5, "duplicate"),
        (6, "duplicate"),
        (7, "duplicate"),
        (8, "created"),
    ]
    first, second = response.results[0].created.lead_id, response.results[1].created.lead_id
    duplicates = [r.duplicate for r in response.results if r.HasField("duplicate")]
    assert [
        (d.duplicate_of_lead_id, d.matched_on, d.duplicate_of_row_number) for d in duplicates
    ] == [
        (first, "contact_email", 2),
        (second, "contact_phone", 3),
        (existing.lead_id, "company_name", 0),
        (first, "company_name", 2),
    ]
    assert len(stored(db)) == 1 + 3


def test_batches_still_catch_duplicates_and_spread_routed_leads(
    stub: Stub, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(leads_api, "IMPORT_BATCH_ROWS", 2)
    hire(db, "rep-a", capacity=2)
    hire(db, "rep-b", capacity=3)
    territory(db, "DE", ["rep-a", "rep-b"], countries=("DE",))
    fields = [lead_fields(country="DE") for _ in range(6)]
    fields.append(dict(fields[0]))  # row 8 repeats row 2, in a later batch
    response = run_import(stub, rows(*fields))
    assert [o for _, o in outcomes(response)] == ["created"] * 6 + ["duplicate"]
    assert response.results[6].duplicate.duplicate_of_row_number == 2
    owners = [r.created.owner_id for r in response.results[:6]]
    # Capacity is counted across batches: 3 for rep-b, 2 for rep-a, then the queue.
    assert sorted(owners) == ["", "rep-a", "rep-a", "rep-b", "rep-b", "rep-b"]
    reasons = {lead.assignment_reason for lead in stored(db) if not lead.owner_id}
    assert reasons == {"unassigned: no active rep with spare capacity in territory DE"}


def test_rights_are_checked_per_row(stub: Stub) -> None:
    rep = caller("rep-1", "rep", "EMEA")
    response = run_import(
        stub,
        rows(
            lead_fields(),
            lead_fields(region="APAC"),
            lead_fields(owner_id="rep-2"),
            lead_fields(owner_id="rep-1"),
        ),
        who=rep,
    )
    assert outcomes(response) == [(2, "created"), (3, "invalid"), (4, "invalid"), (5, "created")]
    assert response.results[1].invalid.violations[0].field == "region"
    assert response.results[2].invalid.violations[0].field == "owner_id"
    assert {r.created.owner_id for r in response.results if r.HasField("created")} == {"rep-1"}
    with pytest.raises(grpc.RpcError) as caught:
        run_import(stub, rows(lead_fields()), who=caller("ceo", "executive", ""))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_rows_are_numbered_by_arrival_when_the_caller_does_not_number_them(stub: Stub) -> None:
    import_rows = [pb.LeadImportRow(**lead_fields()) for _ in range(2)]
    import_rows.append(pb.LeadImportRow(**lead_fields(source="carrier pigeon")))
    response = run_import(stub, import_rows)
    assert outcomes(response) == [(1, "created"), (2, "created"), (3, "invalid")]
    assert run_import(stub, []).results == []


def test_rows_may_travel_many_to_a_message(stub: Stub, db: Database) -> None:
    fields = [lead_fields() for _ in range(7)]
    fields[3] = lead_fields(region="not a region")
    response = run_import(stub, rows(*fields), per_message=3)
    assert outcomes(response) == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
        (5, "invalid"),
        (6, "created"),
        (7, "created"),
        (8, "created"),
    ]
    assert len(stored(db)) == 6


def test_rows_beyond_the_limit_are_answered_not_written(
    stub: Stub, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(leads_api, "MAX_IMPORT_ROWS", 2)
    response = run_import(stub, rows(*(lead_fields() for _ in range(4))))
    assert outcomes(response) == [(2, "created"), (3, "created"), (4, "invalid"), (5, "invalid")]
    assert "at most 2 rows" in response.results[3].invalid.violations[0].description
    assert len(stored(db)) == 2


def test_a_batch_is_written_whole_or_not_at_all(
    stub: Stub, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(leads_api, "IMPORT_BATCH_ROWS", 2)
    real = lead_store.outbox_rows
    calls = []

    def fail_second_batch(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(lead_store, "outbox_rows", fail_second_batch)
    with pytest.raises(grpc.RpcError) as caught:
        run_import(stub, rows(*(lead_fields() for _ in range(4))))
    assert caught.value.code() == grpc.StatusCode.INTERNAL
    # The first batch committed with its events; the failed one left no lead without events.
    assert len(stored(db)) == 2
    assert outbox_types(db) == ["pipeline.lead.created"] * 2


def test_a_full_batch_takes_the_bulk_path(stub: Stub, db: Database) -> None:
    fields = [lead_fields() for _ in range(150)]
    fields.append(dict(fields[0], contact_name="Someone Else"))
    response = run_import(stub, rows(*fields), per_message=50)
    assert response.created_count == 150 and response.duplicate_count == 1
    assert response.results[-1].duplicate.duplicate_of_row_number == 2
    assert len(stored(db)) == 150
    assert outbox_types(db).count("pipeline.lead.created") == 150
