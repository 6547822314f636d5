"""`/v1/org-units`: the organisation tree (planning's OrganisationService).

Units form one tree under the company root (company, region, area, team).
An admin or a director creates and changes them; re-parenting refuses a
cycle, and below a region a unit keeps its parent's region. Reads are scoped
to the caller's regions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import organisation_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, RegionFilter, page_request
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/org-units", tags=["organisation"], responses=PROBLEM_RESPONSES)

UnitId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The unit's id.")
]


class OrgUnit(ProtoModel):
    """A node of the organisation tree."""

    unit_id: str
    code: str
    name: str
    parent_id: str = Field(description="Empty for the company root.")
    region: str
    manager_id: str
    kind: str = Field(description="company, region, area or team.")
    create_time: datetime | None
    update_time: datetime | None
    version: int


class OrgUnitList(BaseModel):
    """One page of org units, newest first."""

    units: list[OrgUnit]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewOrgUnit(BaseModel):
    """A unit to create."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(examples=["dach"])
    name: str
    kind: str = Field(examples=["team"])
    region: str = Field(examples=["EMEA"])
    parent_id: str = ""
    manager_id: str = ""


class OrgUnitChange(BaseModel):
    """What changes; empty fields stay."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    parent_id: str = ""
    manager_id: str = ""


@router.post("", status_code=201, summary="Create an org unit")
async def create_unit(
    body: NewOrgUnit, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> OrgUnit:
    """An admin or a director; `Location` points at the new unit."""
    request = organisation_pb2.CreateOrgUnitRequest(**body.model_dump())
    answer = await upstreams.call("planning", "CreateOrgUnit", request, caller)
    unit = OrgUnit.from_proto(answer.unit)
    response.headers["Location"] = f"{router.prefix}/{unit.unit_id}"
    return unit


@router.get("", summary="List org units")
async def list_units(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    parent_id: Annotated[str, Query(description="Only the children of this unit.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> OrgUnitList:
    """Units of the caller's regions."""
    request = organisation_pb2.ListOrgUnitsRequest(
        region=region, parent_id=parent_id, page=page_request(page_size, page_token)
    )
    response = await upstreams.call("planning", "ListOrgUnits", request, caller)
    return OrgUnitList(
        units=[OrgUnit.from_proto(u) for u in response.units],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{unit_id}", summary="Read an org unit")
async def get_unit(unit_id: UnitId, caller: ReadingCaller, upstreams: OpenUpstreams) -> OrgUnit:
    """A unit outside the caller's regions is 404."""
    request = organisation_pb2.GetOrgUnitRequest(unit_id=unit_id)
    response = await upstreams.call("planning", "GetOrgUnit", request, caller)
    return OrgUnit.from_proto(response.unit)


@router.patch("/{unit_id}", summary="Rename, re-parent or change the manager of an org unit")
async def update_unit(
    unit_id: UnitId, body: OrgUnitChange, caller: WritingCaller, upstreams: OpenUpstreams
) -> OrgUnit:
    """An admin or a director; a cycle or a region mismatch is 409 naming the rule."""
    request = organisation_pb2.UpdateOrgUnitRequest(unit_id=unit_id, **body.model_dump())
    response = await upstreams.call("planning", "UpdateOrgUnit", request, caller)
    return OrgUnit.from_proto(response.unit)
