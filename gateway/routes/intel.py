"""`/v1/intel`: competitive intelligence entries, searchable (MarketService).

An entry reports something observed about a competitor (a price change, a
new product, a deal lost or won, ...) in a region, optionally in one of its
territories, on a date that is not in the future. Any writer of the region
records one (reps hear most of it); everyone in the region reads them. Lists
run most recently observed first and filter by competitor, territory, kind,
region, observed dates and a text `q` found in the title or details.
`pipeline.opportunity.lost` naming a known competitor records a `deal_lost`
entry by itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import market_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams

INTEL = "/v1/intel"
router = APIRouter(prefix=INTEL, tags=["market"], responses=PROBLEM_RESPONSES)

KIND = EnumJson(pb.IntelKind.DESCRIPTOR, "INTEL_KIND_")
KindName = KIND.literal()
KindInput = KIND.filter_literal()

IntelId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The entry's id.")
]


class IntelEntry(ProtoModel):
    """Something observed about a competitor."""

    intel_id: str
    competitor_id: str
    competitor_name: str
    territory_id: str
    region: str
    kind: KindName  # type: ignore[valid-type]
    title: str
    details: str
    source: str
    observed_on: str = Field(description="ISO 8601 date.")
    recorded_by: str
    create_time: datetime | None


class IntelList(BaseModel):
    """One page of entries, most recently observed first."""

    entries: list[IntelEntry]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewIntel(BaseModel):
    """An intelligence entry; the region comes from the territory when one is given."""

    model_config = ConfigDict(extra="forbid")

    competitor_id: str
    territory_id: str = ""
    region: str = Field(default="", description="Required without a territory.")
    kind: KindInput  # type: ignore[valid-type]
    title: str
    details: str = ""
    source: str = ""
    observed_on: str = Field(examples=["2027-02-01"], description="Not in the future.")


@router.post("", status_code=201, summary="Record competitive intelligence")
async def record_intel(
    body: NewIntel, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> IntelEntry:
    """About an active competitor, in one of the caller's regions; `Location` points at it."""
    request = pb.RecordIntelRequest(
        competitor_id=body.competitor_id,
        territory_id=body.territory_id,
        region=body.region,
        kind=pb.IntelKind.ValueType(KIND.from_json(body.kind)),
        title=body.title,
        details=body.details,
        source=body.source,
        observed_on=body.observed_on,
    )
    reply = await upstreams.call("planning", "RecordIntel", request, caller)
    entry = IntelEntry.from_proto(reply.entry)
    response.headers["Location"] = f"{INTEL}/{entry.intel_id}"
    return entry


@router.get("", summary="Search competitive intelligence")
async def list_intel(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    q: Annotated[str, Query(max_length=200, description="Text in the title or details.")] = "",
    competitor_id: Annotated[str, Query(description="Only about this competitor.")] = "",
    territory_id: Annotated[str, Query(description="Only in this territory.")] = "",
    kind: Annotated[KindInput | None, Query(description="Only this kind.")] = None,  # type: ignore[valid-type]
    region: RegionFilter = "",
    observed_from: Annotated[date | None, Query(description="Observed on or after.")] = None,
    observed_to: Annotated[date | None, Query(description="Observed on or before.")] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> IntelList:
    """Entries in the caller's regions, most recently observed first."""
    request = pb.ListIntelRequest(
        competitor_id=competitor_id,
        territory_id=territory_id,
        kind=pb.IntelKind.ValueType(KIND.from_json(kind) if kind else 0),
        region=region,
        observed_from=observed_from.isoformat() if observed_from else "",
        observed_to=observed_to.isoformat() if observed_to else "",
        q=q,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("planning", "ListIntel", request, caller)
    return IntelList(
        entries=[IntelEntry.from_proto(e) for e in reply.entries],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{intel_id}", summary="Read an intelligence entry")
async def get_intel(
    intel_id: IntelId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> IntelEntry:
    """Outside the caller's regions it is 404."""
    reply = await upstreams.call(
        "planning", "GetIntel", pb.GetIntelRequest(intel_id=intel_id), caller
    )
    return IntelEntry.from_proto(reply.entry)
