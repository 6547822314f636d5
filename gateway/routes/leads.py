"""`/v1/leads`: capture, read, list and move leads (PipelineService).

Actions that are not plain reads or creates use custom-method paths in the
Google API style, `POST /v1/leads/{lead_id}:qualify`. Starlette matches them
as a literal suffix after the `{lead_id}` segment, so the id never swallows
the verb.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import pipeline_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

LEAD_STATUS = EnumJson(pipeline_pb2.LeadStatus.DESCRIPTOR, "LEAD_STATUS_")
LeadStatusName = LEAD_STATUS.literal()
LeadStatusFilter = LEAD_STATUS.filter_literal()

router = APIRouter(prefix="/v1/leads", tags=["leads"], responses=PROBLEM_RESPONSES)

StatusFilter = Annotated[
    LeadStatusFilter | None,  # type: ignore[valid-type]
    Query(description="Only leads in this status."),
]
# Ids never contain ":", which separates a custom verb (`{lead_id}:qualify`).
LeadId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The lead's id.")
]


class Lead(ProtoModel):
    """A prospective customer and the person to talk to there."""

    lead_id: str
    region: str
    company_name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_title: str
    country: str = Field(description="ISO 3166-1 alpha-2 country code.")
    industry: str
    source: str = Field(description='Where the lead came from: "web", "event", "referral", ...')
    status: LeadStatusName  # type: ignore[valid-type]
    owner_id: str = Field(description="Subject of the rep who owns the lead.")
    disqualify_reason: str
    qualify_time: datetime | None
    convert_time: datetime | None
    audit: Audit | None


class LeadList(BaseModel):
    """One page of leads, newest first."""

    leads: list[Lead]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class CreateLeadRequest(BaseModel):
    """A new lead. The pipeline service checks the values; the gateway checks the shape."""

    # Unknown fields are refused so a misspelt field is reported, not silently dropped.
    model_config = ConfigDict(extra="forbid")

    region: str = Field(examples=["emea"])
    company_name: str = Field(examples=["Acme GmbH"])
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_title: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2 country code.", examples=["DE"])
    industry: str = ""
    source: str = Field("", examples=["web"])
    owner_id: str = Field("", description="Defaults to the caller.")


class DisqualifyLeadRequest(BaseModel):
    """Why the lead is not worth pursuing."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(examples=["no budget this fiscal year"])


class NoFields(BaseModel):
    """An action that takes no input: send no body or `{}`."""

    model_config = ConfigDict(extra="forbid")


EmptyBody = Annotated[NoFields | None, Body()]


async def _lead_action(upstreams: Upstreams, caller: Caller, method: str, request: Any) -> Lead:
    response = await upstreams.call("pipeline", method, request, caller)
    return Lead.from_proto(response.lead)


@router.post("", status_code=201, summary="Capture a lead")
async def create_lead(
    body: CreateLeadRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Lead:
    """Create a lead in `region` (one of the caller's); `Location` points at it."""
    lead = await _lead_action(
        upstreams, caller, "CreateLead", pipeline_pb2.CreateLeadRequest(**body.model_dump())
    )
    response.headers["Location"] = f"{router.prefix}/{lead.lead_id}"
    return lead


@router.get("/{lead_id}", summary="Read a lead")
async def get_lead(lead_id: LeadId, caller: ReadingCaller, upstreams: OpenUpstreams) -> Lead:
    """A lead outside the caller's scope is 404, exactly as if it did not exist."""
    return await _lead_action(
        upstreams, caller, "GetLead", pipeline_pb2.GetLeadRequest(lead_id=lead_id)
    )


@router.get("", summary="List leads")
async def list_leads(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    status: StatusFilter = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> LeadList:
    """Leads in the caller's scope, newest first."""
    request = pipeline_pb2.ListLeadsRequest(
        region=region,
        status=pipeline_pb2.LeadStatus.ValueType(LEAD_STATUS.from_json(status) if status else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("pipeline", "ListLeads", request, caller)
    return LeadList(
        leads=[Lead.from_proto(lead) for lead in response.leads],
        next_page_token=response.page.next_page_token,
    )


@router.post("/{lead_id}:qualify", summary="Qualify a lead")
async def qualify_lead(
    lead_id: LeadId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Lead:
    """Mark a new lead as worth a sales conversation."""
    return await _lead_action(
        upstreams, caller, "QualifyLead", pipeline_pb2.QualifyLeadRequest(lead_id=lead_id)
    )


@router.post("/{lead_id}:disqualify", summary="Disqualify a lead")
async def disqualify_lead(
    lead_id: LeadId, body: DisqualifyLeadRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Lead:
    """Close a new or qualified lead as not worth pursuing; a reason is required."""
    request = pipeline_pb2.DisqualifyLeadRequest(lead_id=lead_id, reason=body.reason)
    return await _lead_action(upstreams, caller, "DisqualifyLead", request)


@router.post("/{lead_id}:convert", summary="Convert a lead")
async def convert_lead(
    lead_id: LeadId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Lead:
    """Convert a qualified lead; the customers service then opens the account."""
    return await _lead_action(
        upstreams, caller, "ConvertLead", pipeline_pb2.ConvertLeadRequest(lead_id=lead_id)
    )
