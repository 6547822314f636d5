"""`/v1/competitors`: competitor profiles shared by every region (MarketService).

Everyone signed in reads them; managers, directors and admins create and
change them. Names are unique once normalised ("Acme Inc." is "Acme").
`:archive` keeps a competitor for history: it no longer changes or takes new
intelligence, and lists leave it out unless `include_archived=true`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import market_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import Audit, PageSize, PageToken, ProtoModel, page_request
from gateway.routes.leads import EmptyBody
from gateway.upstreams import OpenUpstreams

COMPETITORS = "/v1/competitors"
router = APIRouter(prefix=COMPETITORS, tags=["market"], responses=PROBLEM_RESPONSES)

CompetitorId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The competitor's id."),
]


class Competitor(ProtoModel):
    """A competitor's profile."""

    competitor_id: str
    name: str
    website: str = Field(description="The web domain, normalised (acme.com).")
    products: list[str]
    strengths: list[str]
    weaknesses: list[str]
    notes: str
    archived: bool
    audit: Audit | None
    version: int


class CompetitorList(BaseModel):
    """One page of competitors, newest first."""

    competitors: list[Competitor]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class CompetitorState(BaseModel):
    """A competitor's profile (an update replaces it)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    website: str = ""
    products: list[str] = []
    strengths: list[str] = []
    weaknesses: list[str] = []
    notes: str = ""

    def to_proto(self) -> pb.CompetitorFields:
        return pb.CompetitorFields(
            name=self.name,
            website=self.website,
            products=self.products,
            strengths=self.strengths,
            weaknesses=self.weaknesses,
            notes=self.notes,
        )


class CompetitorChange(CompetitorState):
    """The new profile and the version it was read at."""

    version: int = Field(ge=1, description="The version read; a newer one is 409.")


@router.post("", status_code=201, summary="Create a competitor")
async def create_competitor(
    body: CompetitorState, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Competitor:
    """A manager, director or admin; a name already taken (once normalised) is 409."""
    request = pb.CreateCompetitorRequest(competitor=body.to_proto())
    reply = await upstreams.call("planning", "CreateCompetitor", request, caller)
    competitor = Competitor.from_proto(reply.competitor)
    response.headers["Location"] = f"{COMPETITORS}/{competitor.competitor_id}"
    return competitor


@router.get("", summary="List competitors")
async def list_competitors(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    include_archived: Annotated[bool, Query(description="Archived ones too.")] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CompetitorList:
    """Every competitor, newest first."""
    request = pb.ListCompetitorsRequest(
        include_archived=include_archived, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("planning", "ListCompetitors", request, caller)
    return CompetitorList(
        competitors=[Competitor.from_proto(c) for c in reply.competitors],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{competitor_id}", summary="Read a competitor")
async def get_competitor(
    competitor_id: CompetitorId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Competitor:
    """One competitor, archived or not."""
    request = pb.GetCompetitorRequest(competitor_id=competitor_id)
    reply = await upstreams.call("planning", "GetCompetitor", request, caller)
    return Competitor.from_proto(reply.competitor)


@router.put("/{competitor_id}", summary="Replace a competitor's profile")
async def update_competitor(
    competitor_id: CompetitorId,
    body: CompetitorChange,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Competitor:
    """A stale `version` is 409; an archived competitor does not change (422)."""
    request = pb.UpdateCompetitorRequest(
        competitor_id=competitor_id, version=body.version, competitor=body.to_proto()
    )
    reply = await upstreams.call("planning", "UpdateCompetitor", request, caller)
    return Competitor.from_proto(reply.competitor)


@router.post("/{competitor_id}:archive", summary="Archive a competitor")
async def archive_competitor(
    competitor_id: CompetitorId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: EmptyBody = None,
) -> Competitor:
    """Kept for history; archiving twice changes nothing."""
    request = pb.ArchiveCompetitorRequest(competitor_id=competitor_id)
    reply = await upstreams.call("planning", "ArchiveCompetitor", request, caller)
    return Competitor.from_proto(reply.competitor)
