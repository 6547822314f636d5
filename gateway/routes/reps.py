"""`/v1/reps`: the people of the sales organisation (planning's OrganisationService).

Hiring (`POST`) emits `planning.rep.hired`; `:assign` changes team, manager,
capacity or status from a date (the previous assignment closes the day
before) and emits `planning.rep.assigned`; `:leave` emits `planning.rep.left`.
An admin or a director makes these changes; a rep reads only themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import organisation_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import IsoDate
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, RegionFilter, page_request
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/reps", tags=["organisation"], responses=PROBLEM_RESPONSES)

RepId = Annotated[
    str, Path(min_length=1, max_length=100, pattern=r"^[^:]+$", description="The rep's id.")
]


class Rep(ProtoModel):
    """A rep, manager or director and their current assignment."""

    rep_id: str
    name: str
    email: str
    role: str
    team_unit_id: str
    manager_id: str
    region: str
    hire_date: str
    status: str = Field(description="active, on_leave or left.")
    capacity: int
    create_time: datetime | None
    update_time: datetime | None


class RepAssignment(ProtoModel):
    """A period in a unit; `effective_to` is empty while it holds."""

    unit_id: str
    effective_from: str
    effective_to: str


class RepWithHistory(BaseModel):
    """A rep and their assignments, newest first."""

    rep: Rep
    assignments: list[RepAssignment]


class RepList(BaseModel):
    """One page of people, newest first."""

    reps: list[Rep]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewHire(BaseModel):
    """Someone joining a team."""

    model_config = ConfigDict(extra="forbid")

    rep_id: str
    name: str
    email: str
    role: str = Field("rep", examples=["rep"])
    team_unit_id: str
    manager_id: str = Field("", description="The team's manager if empty.")
    capacity: int = 0
    hire_date: IsoDate


class Assignment(BaseModel):
    """What changes from `effective_date`; empty fields (zero capacity) stay."""

    model_config = ConfigDict(extra="forbid")

    team_unit_id: str = ""
    manager_id: str = ""
    capacity: int = 0
    status: str = Field("", description="active or on_leave.")
    effective_date: IsoDate


class Leaving(BaseModel):
    """When the rep leaves."""

    model_config = ConfigDict(extra="forbid")

    left_date: IsoDate


@router.post("", status_code=201, summary="Hire a rep")
async def hire_rep(
    body: NewHire, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Rep:
    """An admin or a director; emits planning.rep.hired."""
    request = organisation_pb2.HireRepRequest(**body.model_dump())
    answer = await upstreams.call("planning", "HireRep", request, caller)
    rep = Rep.from_proto(answer.rep)
    response.headers["Location"] = f"{router.prefix}/{rep.rep_id}"
    return rep


@router.get("", summary="List people")
async def list_reps(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    team_unit_id: Annotated[str, Query(description="Only this team.")] = "",
    status: Annotated[str, Query(description="active, on_leave or left.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> RepList:
    """People of the caller's regions (a rep: themselves)."""
    request = organisation_pb2.ListRepsRequest(
        region=region,
        team_unit_id=team_unit_id,
        status=status,
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("planning", "ListReps", request, caller)
    return RepList(
        reps=[Rep.from_proto(r) for r in response.reps],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{rep_id}", summary="Read a rep and their assignment history")
async def get_rep(rep_id: RepId, caller: ReadingCaller, upstreams: OpenUpstreams) -> RepWithHistory:
    """A rep outside the caller's scope is 404."""
    request = organisation_pb2.GetRepRequest(rep_id=rep_id)
    response = await upstreams.call("planning", "GetRep", request, caller)
    return RepWithHistory(
        rep=Rep.from_proto(response.rep),
        assignments=[RepAssignment.from_proto(a) for a in response.assignments],
    )


@router.post("/{rep_id}:assign", summary="Change a rep's team, manager, capacity or status")
async def assign_rep(
    rep_id: RepId, body: Assignment, caller: WritingCaller, upstreams: OpenUpstreams
) -> Rep:
    """An admin or a director; emits planning.rep.assigned."""
    request = organisation_pb2.AssignRepRequest(rep_id=rep_id, **body.model_dump())
    response = await upstreams.call("planning", "AssignRep", request, caller)
    return Rep.from_proto(response.rep)


@router.post("/{rep_id}:leave", summary="Record that a rep left")
async def rep_leaves(
    rep_id: RepId, body: Leaving, caller: WritingCaller, upstreams: OpenUpstreams
) -> Rep:
    """An admin or a director; emits planning.rep.left."""
    request = organisation_pb2.RepLeavesRequest(rep_id=rep_id, left_date=body.left_date)
    response = await upstreams.call("planning", "RepLeaves", request, caller)
    return Rep.from_proto(response.rep)
