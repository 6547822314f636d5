"""`/v1/territories`: territories, their rules and reps, and coverage (OrganisationService).

Every change bumps the territory's version and emits
`planning.territory.changed` with its full state (the pipeline routes leads
and the customers service assigns accounts by it). `/coverage` reports a
region's headcount, capacity, market potential and potential per head.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import organisation_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money, MoneyInput
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, RegionFilter, page_request
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/territories", tags=["organisation"], responses=PROBLEM_RESPONSES)

TerritoryId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The territory.")
]


class Territory(ProtoModel):
    """Which customers a territory covers, who works it, and its market potential."""

    territory_id: str
    name: str
    region: str
    countries: list[str]
    industries: list[str]
    company_sizes: list[str]
    rep_ids: list[str]
    market_potential: Money | None
    version: int
    removed: bool
    create_time: datetime | None
    update_time: datetime | None


class TerritoryList(BaseModel):
    """One page of territories, newest first."""

    territories: list[Territory]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class TerritoryState(BaseModel):
    """The full state of a territory (an update replaces it)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    countries: list[str] = []
    industries: list[str] = []
    company_sizes: list[str] = []
    rep_ids: list[str] = []
    market_potential: MoneyInput


class NewTerritory(TerritoryState):
    """A territory to create in a region."""

    region: str = Field(examples=["EMEA"])


class TerritoryCoverage(ProtoModel):
    """Coverage of one territory."""

    territory_id: str
    name: str
    headcount: int
    total_capacity: int
    market_potential: Money | None
    potential_per_head: Money | None = Field(description="Rounded down; zero without reps.")


class Coverage(ProtoModel):
    """A region's territories and totals (a rep in several territories counts once)."""

    region: str
    territories: list[TerritoryCoverage]
    headcount: int
    total_capacity: int
    market_potential: Money | None
    potential_per_head: Money | None


def _state(body: TerritoryState) -> dict[str, object]:
    return {
        "name": body.name,
        "countries": body.countries,
        "industries": body.industries,
        "company_sizes": body.company_sizes,
        "rep_ids": body.rep_ids,
        "market_potential": body.market_potential.to_proto(),
    }


@router.post("", status_code=201, summary="Create a territory")
async def create_territory(
    body: NewTerritory, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Territory:
    """An admin or a director; emits planning.territory.changed (version 1)."""
    request = organisation_pb2.CreateTerritoryRequest(region=body.region, **_state(body))  # type: ignore[arg-type]
    answer = await upstreams.call("planning", "CreateTerritory", request, caller)
    territory = Territory.from_proto(answer.territory)
    response.headers["Location"] = f"{router.prefix}/{territory.territory_id}"
    return territory


@router.get("", summary="List territories")
async def list_territories(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> TerritoryList:
    """Territories of the caller's regions that are not removed."""
    request = organisation_pb2.ListTerritoriesRequest(
        region=region, page=page_request(page_size, page_token)
    )
    response = await upstreams.call("planning", "ListTerritories", request, caller)
    return TerritoryList(
        territories=[Territory.from_proto(t) for t in response.territories],
        next_page_token=response.page.next_page_token,
    )


@router.get("/coverage", summary="Coverage of a region's territories")
async def territory_coverage(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: Annotated[str, Query(min_length=1, description="The region.")],
) -> Coverage:
    """Headcount, capacity, market potential and potential per head; another region is 404."""
    request = organisation_pb2.GetTerritoryCoverageRequest(region=region)
    response = await upstreams.call("planning", "GetTerritoryCoverage", request, caller)
    return Coverage.from_proto(response)


@router.put("/{territory_id}", summary="Replace a territory's rules, reps and potential")
async def update_territory(
    territory_id: TerritoryId, body: TerritoryState, caller: WritingCaller, upstreams: OpenUpstreams
) -> Territory:
    """An admin or a director; bumps the version and emits planning.territory.changed."""
    request = organisation_pb2.UpdateTerritoryRequest(territory_id=territory_id, **_state(body))  # type: ignore[arg-type]
    response = await upstreams.call("planning", "UpdateTerritory", request, caller)
    return Territory.from_proto(response.territory)


@router.delete("/{territory_id}", summary="Remove a territory")
async def remove_territory(
    territory_id: TerritoryId, caller: WritingCaller, upstreams: OpenUpstreams
) -> Territory:
    """An admin or a director; emits planning.territory.changed with removed=true."""
    request = organisation_pb2.RemoveTerritoryRequest(territory_id=territory_id)
    response = await upstreams.call("planning", "RemoveTerritory", request, caller)
    return Territory.from_proto(response.territory)
