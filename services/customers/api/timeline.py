"""TimelineService: a customer's interaction timeline, newest first, and notes.

The timeline exists for a caller exactly when the customer does (as in the
accounts area); within it, entries of regions outside the caller's (a deal
booked in another region) are left out. A note needs a writer of the
customer's region; it may name a contact of the same customer, which ties
the note to that person (exported with them, emptied when they are erased).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import timeline_pb2 as pb
from salesops.customers.v1 import timeline_pb2_grpc

from services.customers.api.contacts import load_contact, visible_customer
from services.customers.domain import contacts as contact_rules
from services.customers.domain import timeline as domain
from services.customers.domain.timeline import EntryKind
from services.customers.models.timeline import TimelineEntryRecord
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound
from services.kit.identity import current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp

KIND_TO_PROTO: dict[str, pb.TimelineEntryKind.ValueType] = {
    EntryKind.ACTIVITY: pb.TIMELINE_ENTRY_KIND_ACTIVITY,
    EntryKind.OPPORTUNITY: pb.TIMELINE_ENTRY_KIND_OPPORTUNITY,
    EntryKind.CONTRACT: pb.TIMELINE_ENTRY_KIND_CONTRACT,
    EntryKind.CASE: pb.TIMELINE_ENTRY_KIND_CASE,
    EntryKind.NOTE: pb.TIMELINE_ENTRY_KIND_NOTE,
}
KIND_FROM_PROTO = {value: key for key, value in KIND_TO_PROTO.items()}


def entry_to_proto(entry: TimelineEntryRecord) -> pb.TimelineEntry:
    """The TimelineEntry proto of a row."""
    return pb.TimelineEntry(
        entry_id=entry.entry_id,
        customer_id=entry.customer_id or "",
        region=entry.region,
        occur_time=timestamp(entry.occurred_at),
        kind=KIND_TO_PROTO.get(entry.kind, pb.TIMELINE_ENTRY_KIND_UNSPECIFIED),
        action=entry.action,
        title=entry.title,
        summary=entry.summary,
        ref_type=entry.ref_type,
        ref_id=entry.ref_id,
        actor=entry.actor,
        contact_id=entry.contact_id or "",
        source_event_id=entry.source_event_id or "",
        create_time=timestamp(entry.created_at),
    )


class TimelineServicer(timeline_pb2_grpc.TimelineServiceServicer):
    """Read a customer's timeline; write notes on it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def ListTimeline(
        self, request: pb.ListTimelineRequest, context: grpc.ServicerContext
    ) -> pb.ListTimelineResponse:
        caller = current_caller()
        kind = KIND_FROM_PROTO.get(request.kind) if request.kind else None
        if request.kind and kind is None:
            raise InvalidArgument.of("kind", "is not a timeline entry kind")
        with self.db.transaction() as session:
            customer = visible_customer(session, caller, request.customer_id)
            query = sa.select(TimelineEntryRecord).where(
                TimelineEntryRecord.customer_id == customer.customer_id
            )
            regions = caller.readable_regions()
            if regions is not None:
                query = query.where(TimelineEntryRecord.region.in_(sorted(regions)))
            if kind is not None:
                query = query.where(TimelineEntryRecord.kind == kind)
            entries, next_token = keyset_page(
                session,
                query,
                created=TimelineEntryRecord.occurred_at,
                key=TimelineEntryRecord.entry_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "customer_id": customer.customer_id,
                    "kind": kind or "",
                },
                cursor_of=lambda e: Cursor(e.occurred_at, e.entry_id),
            )
            return pb.ListTimelineResponse(
                entries=[entry_to_proto(e) for e in entries],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def AddNote(
        self, request: pb.AddNoteRequest, context: grpc.ServicerContext
    ) -> pb.AddNoteResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            customer = visible_customer(session, caller, request.customer_id)
            caller.require_writer(customer.region)
            text = domain.validate_note(request.text)
            contact_id = request.contact_id.strip() or None
            if contact_id is not None:
                try:
                    contact, _ = load_contact(session, caller, contact_id)
                except NotFound:
                    contact = None
                if contact is None or contact.customer_id != customer.customer_id:
                    raise InvalidArgument.of(
                        "contact_id", f"is not a contact of customer {customer.customer_id}"
                    )
                contact_rules.require_not_erased(
                    contact.contact_id, contact.erased, "be the subject of a note"
                )
            words = domain.note_text(text)
            entry_id = str(uuid.uuid4())
            entry = TimelineEntryRecord(
                entry_id=entry_id,
                customer_id=customer.customer_id,
                region=customer.region,
                occurred_at=now,
                kind=EntryKind.NOTE.value,
                action="added",
                title=words.title,
                summary=words.summary,
                ref_type="note",
                ref_id=entry_id,
                opportunity_id=None,
                contact_id=contact_id,
                actor=caller.subject,
                source_event_id=None,
                created_at=now,
            )
            session.add(entry)
            session.flush()
            return pb.AddNoteResponse(entry=entry_to_proto(entry))


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the TimelineService to `server`; return its full name."""
    timeline_pb2_grpc.add_TimelineServiceServicer_to_server(TimelineServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["TimelineService"].full_name]
