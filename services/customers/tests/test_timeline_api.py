"""The timeline over gRPC on SQLite and PostgreSQL: newest first, paging, notes, scoping."""

from __future__ import annotations

from typing import Any

import grpc
from salesops.customers.v1 import timeline_pb2 as pb

from services.customers.models.timeline import TimelineEntryRecord
from services.customers.tests.contacts_support import (
    APAC_MANAGER,
    DIRECTOR,
    EXECUTIVE,
    MANAGER,
    REP,
    REP2,
    Stubs,
    add_contact,
    count,
    customer_id,
    db,
    failure,
    field_violations,
    open_account,
    pipeline_event,
    stubs,
    worker,
)
from services.kit.db import Database

__all__ = ["customer_id", "db", "stubs", "worker"]


def case_opened(customer_id: str, day: int, region: str = "EMEA") -> dict[str, Any]:
    return pipeline_event(
        "pipeline.case.opened",
        {
            "case_id": f"case-{day}",
            "customer_id": customer_id,
            "region": region,
            "subject": f"Case of day {day}",
        },
        occurred_at=f"2025-01-{day:02d}T10:00:00Z",
    )


def timeline(stubs: Stubs, customer_id: str, who: Any = MANAGER, **fields: Any) -> Any:
    return stubs.timeline.ListTimeline(
        pb.ListTimelineRequest(customer_id=customer_id, **fields), metadata=who
    )


def test_the_timeline_is_newest_first_and_pages_without_gaps(
    worker: Any, stubs: Stubs, customer_id: str
) -> None:
    # Delivered out of order; listed by when they happened.
    for day in (3, 1, 5, 2, 4):
        worker.timeline_case_opened(case_opened(customer_id, day))
    note = stubs.timeline.AddNote(
        pb.AddNoteRequest(customer_id=customer_id, text="Met the new CFO"), metadata=REP
    ).entry
    assert (note.kind, note.action, note.actor, note.summary) == (
        pb.TIMELINE_ENTRY_KIND_NOTE,
        "added",
        "rep-1",
        "Met the new CFO",
    )
    seen: list[str] = []
    token = ""
    while True:
        page = timeline(stubs, customer_id, page={"page_size": 2, "page_token": token})
        assert len(page.entries) <= 2
        seen += [e.title or e.summary for e in page.entries]
        token = page.page.next_page_token
        if not token:
            break
    assert seen == ["Met the new CFO", *[f"Case of day {day}" for day in (5, 4, 3, 2, 1)]]
    cases = timeline(stubs, customer_id, kind=pb.TIMELINE_ENTRY_KIND_CASE).entries
    assert len(cases) == 5 and all(e.kind == pb.TIMELINE_ENTRY_KIND_CASE for e in cases)
    assert cases[0].occur_time.ToJsonString() == "2025-01-05T10:00:00Z"
    stale = failure(
        lambda: timeline(
            stubs, customer_id, kind=pb.TIMELINE_ENTRY_KIND_NOTE, page={"page_token": token or "x"}
        )
    )
    assert "page.page_token" in field_violations(stale)


def test_the_timeline_exists_only_within_the_customers_scope(
    worker: Any, stubs: Stubs, customer_id: str
) -> None:
    worker.timeline_case_opened(case_opened(customer_id, 1))
    # A deal booked in another region stays out of the view of those who lack that region.
    worker.timeline_case_opened(case_opened(customer_id, 2, region="APAC"))
    assert len(timeline(stubs, customer_id, who=REP).entries) == 1
    assert len(timeline(stubs, customer_id, who=MANAGER).entries) == 1
    assert len(timeline(stubs, customer_id, who=DIRECTOR).entries) == 2
    assert len(timeline(stubs, customer_id, who=EXECUTIVE).entries) == 2
    for outsider in (APAC_MANAGER, REP2):
        assert failure(lambda who=outsider: timeline(stubs, customer_id, who=who)).code() == (
            grpc.StatusCode.NOT_FOUND
        )
        note = failure(
            lambda who=outsider: stubs.timeline.AddNote(
                pb.AddNoteRequest(customer_id=customer_id, text="hi"), metadata=who
            )
        )
        assert note.code() == grpc.StatusCode.NOT_FOUND
    read_only = failure(
        lambda: stubs.timeline.AddNote(
            pb.AddNoteRequest(customer_id=customer_id, text="hi"), metadata=EXECUTIVE
        )
    )
    assert read_only.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_note_needs_text_and_may_name_a_contact_of_the_same_customer(
    worker: Any, db: Database, stubs: Stubs, customer_id: str
) -> None:
    contact = add_contact(stubs, customer_id)
    other_customer = open_account(worker, db, company_name="Other AG")
    stranger = add_contact(stubs, other_customer, email="s@other.example")
    empty = failure(
        lambda: stubs.timeline.AddNote(
            pb.AddNoteRequest(customer_id=customer_id, text="  "), metadata=MANAGER
        )
    )
    assert set(field_violations(empty)) == {"text"}
    wrong = failure(
        lambda: stubs.timeline.AddNote(
            pb.AddNoteRequest(customer_id=customer_id, text="x", contact_id=stranger.contact_id),
            metadata=MANAGER,
        )
    )
    assert set(field_violations(wrong)) == {"contact_id"}
    assert count(db, TimelineEntryRecord.__table__) == 0
    note = stubs.timeline.AddNote(
        pb.AddNoteRequest(
            customer_id=customer_id, text="Prefers calls after 4pm", contact_id=contact.contact_id
        ),
        metadata=MANAGER,
    ).entry
    assert note.contact_id == contact.contact_id and note.ref_id == note.entry_id
    assert timeline(stubs, customer_id).entries == [note]
