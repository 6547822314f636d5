"""`/v1/lead-sla-policies`: each region's first-contact SLA for leads (PipelineService).

A lead must be contacted within its region's hours from capture, or the
pipeline reports `pipeline.lead.sla_breached`. Regions without a policy use
the default (`SALESOPS_LEAD_SLA_HOURS`, 24 unless set). Admins set policies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import pipeline_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams

router = APIRouter(
    prefix="/v1/lead-sla-policies", tags=["lead SLA policies"], responses=PROBLEM_RESPONSES
)

Region = Annotated[
    str, Path(min_length=1, max_length=32, description="The region code, for example EMEA.")
]


class LeadSlaPolicy(ProtoModel):
    """A region's first-contact SLA."""

    region: str
    hours: int = Field(description="Hours from capture within which a lead must be contacted.")
    audit: Audit | None


class LeadSlaPolicyList(BaseModel):
    """One page of policies, and the SLA of regions that have none."""

    policies: list[LeadSlaPolicy]
    default_hours: int
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class SetLeadSlaPolicyRequest(BaseModel):
    """The region's SLA in whole hours, 1 to 720."""

    model_config = ConfigDict(extra="forbid")

    hours: int = Field(examples=[24])


@router.get("", summary="List first-contact SLA policies")
async def list_lead_sla_policies(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> LeadSlaPolicyList:
    """The policies of the caller's regions, and the default."""
    request = pipeline_pb2.ListLeadSlaPoliciesRequest(
        region=region, page=page_request(page_size, page_token)
    )
    response = await upstreams.call("pipeline", "ListLeadSlaPolicies", request, caller)
    return LeadSlaPolicyList(
        policies=[LeadSlaPolicy.from_proto(policy) for policy in response.policies],
        default_hours=response.default_hours,
        next_page_token=response.page.next_page_token,
    )


@router.put("/{region}", summary="Set a region's first-contact SLA")
async def set_lead_sla_policy(
    region: Region, body: SetLeadSlaPolicyRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> LeadSlaPolicy:
    """Admins only. Applies to leads captured from now on; due times already set stay."""
    request = pipeline_pb2.SetLeadSlaPolicyRequest(region=region, hours=body.hours)
    response = await upstreams.call("pipeline", "SetLeadSlaPolicy", request, caller)
    return LeadSlaPolicy.from_proto(response.policy)
