"""`/v1/required-certifications`: the certification each product line requires.

An admin sets, per product line and region (empty: every region), the
course that certifies it and the course that renews it, and publishes it;
everyone signed in reads the published list (the pipeline's stage gates and
the coverage report follow it). Admins may list unpublished ones too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import certifications_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, page_request
from gateway.upstreams import OpenUpstreams

REQUIRED_CERTIFICATIONS = "/v1/required-certifications"
router = APIRouter(
    prefix=REQUIRED_CERTIFICATIONS, tags=["certifications"], responses=PROBLEM_RESPONSES
)


class RequiredCertification(ProtoModel):
    """A product line's required certification."""

    requirement_id: str
    product_line: str
    region: str = Field(description="Empty: every region.")
    certification_course_id: str
    certification_course_code: str
    recertification_course_id: str
    recertification_course_code: str
    published: bool
    effective_from: str
    update_time: datetime | None
    updated_by: str
    version: int


class RequiredCertificationList(BaseModel):
    requirements: list[RequiredCertification]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class Requirement(BaseModel):
    """What a product line requires (replaces the line's requirement in that region)."""

    model_config = ConfigDict(extra="forbid")

    product_line: str
    region: str = Field(default="", description="Empty: every region.")
    certification_course_id: str
    recertification_course_id: str = ""
    published: bool = True
    effective_from: str = Field(default="", description="ISO 8601 date; today if empty.")


@router.get("", summary="List required certifications")
async def list_required_certifications(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    product_line: Annotated[str, Query()] = "",
    region: Annotated[str, Query(description="Those applying to this region.")] = "",
    include_unpublished: Annotated[bool, Query(description="Admins only.")] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> RequiredCertificationList:
    request = pb.ListRequiredCertificationsRequest(
        product_line=product_line,
        region=region,
        include_unpublished=include_unpublished,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListRequiredCertifications", request, caller)
    return RequiredCertificationList(
        requirements=[RequiredCertification.from_proto(r) for r in reply.requirements],
        next_page_token=reply.page.next_page_token,
    )


@router.put("", summary="Set a product line's required certification")
async def set_required_certification(
    body: Requirement, caller: WritingCaller, upstreams: OpenUpstreams
) -> RequiredCertification:
    """Admins; announced as training.certification_requirement.changed."""
    request = pb.SetRequiredCertificationRequest(
        product_line=body.product_line,
        region=body.region,
        certification_course_id=body.certification_course_id,
        recertification_course_id=body.recertification_course_id,
        published=body.published,
        effective_from=body.effective_from,
    )
    reply = await upstreams.call("training", "SetRequiredCertification", request, caller)
    return RequiredCertification.from_proto(reply.requirement)
