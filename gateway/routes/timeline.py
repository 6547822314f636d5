"""A customer's interaction timeline and notes (TimelineService).

`GET /v1/customers/{customer_id}/timeline` pages through everything that
happened with the customer, newest first: activities, opportunities,
contracts and cases from the sales process, and notes written with
`POST /v1/customers/{customer_id}/notes`. A customer outside the caller's
scope is 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.customers.v1 import timeline_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import EnumJson, PageSize, PageToken, ProtoModel, page_request
from gateway.upstreams import OpenUpstreams

ENTRY_KIND = EnumJson(pb.TimelineEntryKind.DESCRIPTOR, "TIMELINE_ENTRY_KIND_")
EntryKindName = ENTRY_KIND.literal()
EntryKindFilter = ENTRY_KIND.filter_literal()

router = APIRouter(prefix="/v1/customers", tags=["timeline"], responses=PROBLEM_RESPONSES)

CustomerId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The customer's id.")
]


class TimelineEntry(ProtoModel):
    """One thing that happened with a customer."""

    entry_id: str
    customer_id: str
    region: str
    occur_time: datetime | None = Field(description="When it happened.")
    kind: EntryKindName  # type: ignore[valid-type]
    action: str = Field(
        description='What happened to the record: "logged", "created", "stage_changed", '
        '"won", "lost", "signed", "cancelled", "opened", "resolved" or "added".'
    )
    title: str = Field(description="The record's own name (a deal's name, a case's subject).")
    summary: str = Field(description="What happened, in words.")
    ref_type: str = Field(description='"activity", "opportunity", "contract", "case" or "note".')
    ref_id: str
    actor: str = Field(description="Who did it.")
    contact_id: str = Field(description="The contact a note is about; empty otherwise.")
    source_event_id: str = Field(description="The event it was made from; empty for a note.")
    create_time: datetime | None


class Timeline(BaseModel):
    """One page of a customer's timeline, newest first."""

    entries: list[TimelineEntry]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NoteInput(BaseModel):
    """A note on the customer's timeline, optionally about one of its contacts."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(examples=["Budget approved for Q3; follow up after the board meeting."])
    contact_id: str = Field("", description="A contact of the customer the note is about.")


@router.get("/{customer_id}/timeline", summary="Read a customer's timeline")
async def list_timeline(
    customer_id: CustomerId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    kind: Annotated[
        EntryKindFilter | None,  # type: ignore[valid-type]
        Query(description="Only entries of this kind."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> Timeline:
    """Everything that happened with the customer, newest first."""
    request = pb.ListTimelineRequest(
        customer_id=customer_id,
        kind=pb.TimelineEntryKind.ValueType(ENTRY_KIND.from_json(kind) if kind else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("customers", "ListTimeline", request, caller)
    return Timeline(
        entries=[TimelineEntry.from_proto(entry) for entry in response.entries],
        next_page_token=response.page.next_page_token,
    )


@router.post("/{customer_id}/notes", status_code=201, summary="Write a note on a customer")
async def add_note(
    customer_id: CustomerId,
    body: NoteInput,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> TimelineEntry:
    """Add a note to the customer's timeline; it is the newest entry."""
    request = pb.AddNoteRequest(customer_id=customer_id, text=body.text, contact_id=body.contact_id)
    reply = await upstreams.call("customers", "AddNote", request, caller)
    return TimelineEntry.from_proto(reply.entry)
