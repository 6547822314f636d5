"""`/v1/market-segments` and a territory's market share (MarketService, planning service).

A market segment is a part of a territory's market in a fiscal period (an
industry or a product line) with its size (total spend) and the potential
reachable for us; one per territory, name and period. Market share is our
revenue from the territory's customers booked in the period (signed minus
cancelled, converted with the period's FX rates) over the segment's size, in
basis points; a product-line segment counts only that line's revenue, an
industry segment only that industry's customers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import market_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money, MoneyInput
from gateway.routes.conventions import (
    Audit,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.territories import TerritoryId
from gateway.upstreams import OpenUpstreams

SEGMENTS = "/v1/market-segments"
segments_router = APIRouter(prefix=SEGMENTS, tags=["market"])
share_router = APIRouter(prefix="/v1/territories", tags=["market"])

SegmentId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The segment's id.")
]


class MarketSegment(ProtoModel):
    """A segment of a territory's market in a fiscal period."""

    segment_id: str
    territory_id: str
    region: str
    name: str
    period_code: str
    size: Money | None = Field(description="The total market spend of the segment.")
    potential: Money | None = Field(description="What of it is reachable for us.")
    product_line: str = Field(description="Set: only this product line's revenue counts.")
    industry: str = Field(description="Set: only customers of this industry count.")
    source: str
    notes: str
    audit: Audit | None
    version: int


class MarketSegmentList(BaseModel):
    """One page of segments, newest first."""

    segments: list[MarketSegment]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class SegmentState(BaseModel):
    """A segment's state (an update replaces it)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    size: MoneyInput
    potential: MoneyInput
    product_line: str = ""
    industry: str = ""
    source: str = ""
    notes: str = ""

    def to_proto(self) -> pb.MarketSegmentFields:
        return pb.MarketSegmentFields(
            name=self.name,
            size=self.size.to_proto(),
            potential=self.potential.to_proto(),
            product_line=self.product_line,
            industry=self.industry,
            source=self.source,
            notes=self.notes,
        )


class NewSegment(SegmentState):
    """A segment of a territory for a fiscal period."""

    territory_id: str
    period_code: str = Field(examples=["FY2027-Q1"], description="FY2027, FY2027-Q1, FY2027-M03.")


class SegmentChange(SegmentState):
    """The segment's new state and the version it was read at."""

    version: int = Field(ge=1, description="The version read; a newer one is 409.")


class SegmentShare(ProtoModel):
    """Our share of one segment, in the segment's currency."""

    segment_id: str
    name: str
    product_line: str
    industry: str
    size: Money | None
    potential: Money | None
    our_revenue: Money | None
    share_bp: int = Field(description="our_revenue / size, basis points, half up.")
    potential_captured_bp: int = Field(description="our_revenue / potential, basis points.")


class MarketShare(ProtoModel):
    """A territory's market share per segment and in total (in the territory's currency)."""

    territory_id: str
    region: str
    period_code: str
    segments: list[SegmentShare]
    total_size: Money | None
    total_revenue: Money | None
    total_share_bp: int


@segments_router.post("", status_code=201, summary="Create a market segment")
async def create_segment(
    body: NewSegment, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> MarketSegment:
    """A manager, director or admin of the territory's region; `Location` points at it."""
    request = pb.CreateMarketSegmentRequest(
        territory_id=body.territory_id, period_code=body.period_code, segment=body.to_proto()
    )
    reply = await upstreams.call("planning", "CreateMarketSegment", request, caller)
    segment = MarketSegment.from_proto(reply.segment)
    response.headers["Location"] = f"{SEGMENTS}/{segment.segment_id}"
    return segment


@segments_router.get("", summary="List market segments")
async def list_segments(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    territory_id: Annotated[str, Query(description="Only this territory's segments.")] = "",
    period: Annotated[str, Query(description="Only segments of this period, e.g. FY2027.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> MarketSegmentList:
    """Segments in the caller's regions, newest first."""
    request = pb.ListMarketSegmentsRequest(
        territory_id=territory_id,
        period_code=period,
        region=region,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("planning", "ListMarketSegments", request, caller)
    return MarketSegmentList(
        segments=[MarketSegment.from_proto(s) for s in reply.segments],
        next_page_token=reply.page.next_page_token,
    )


@segments_router.get("/{segment_id}", summary="Read a market segment")
async def get_segment(
    segment_id: SegmentId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> MarketSegment:
    """Outside the caller's regions it is 404."""
    request = pb.GetMarketSegmentRequest(segment_id=segment_id)
    reply = await upstreams.call("planning", "GetMarketSegment", request, caller)
    return MarketSegment.from_proto(reply.segment)


@segments_router.put("/{segment_id}", summary="Replace a market segment")
async def update_segment(
    segment_id: SegmentId, body: SegmentChange, caller: WritingCaller, upstreams: OpenUpstreams
) -> MarketSegment:
    """Replace name, figures and notes; a stale `version` is 409 (read it again)."""
    state = body.to_proto()
    request = pb.UpdateMarketSegmentRequest(
        segment_id=segment_id, version=body.version, segment=state
    )
    reply = await upstreams.call("planning", "UpdateMarketSegment", request, caller)
    return MarketSegment.from_proto(reply.segment)


@share_router.get("/{territory_id}/market-share", summary="A territory's market share")
async def get_market_share(
    territory_id: TerritoryId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    period: Annotated[str, Query(description="The fiscal period, e.g. FY2027-Q1.")] = "",
) -> MarketShare:
    """Our revenue over each segment's size, and over their total; a missing FX rate is 422."""
    request = pb.GetMarketShareRequest(territory_id=territory_id, period_code=period)
    reply = await upstreams.call("planning", "GetMarketShare", request, caller)
    return MarketShare.from_proto(reply)


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(segments_router)
router.include_router(share_router)
