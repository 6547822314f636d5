"""`/v1/certifications`: reps' certifications per product line (CertificationService).

A certification is valid from `valid_from` through `valid_until`; the
training service announces it as expiring within the configured days, and
expires it the day after. A rep reads their own, a manager those of the
reps below them, directors and executives their regions'. A director or
admin revokes one with a reason (`:revoke`); an admin records one obtained
outside salesops (`:grant`, with evidence) and can run the expiry check as
of a date (`:run-expiry`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import certifications_pb2 as pb

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

CERTIFICATIONS = "/v1/certifications"
router = APIRouter(prefix=CERTIFICATIONS, tags=["certifications"], responses=PROBLEM_RESPONSES)

STATE = EnumJson(pb.CertificationState.DESCRIPTOR, "CERTIFICATION_STATE_")
StateFilter = STATE.filter_literal()
CertificationId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The certification's id."),
]


class Certification(ProtoModel):
    """A rep's certification for a product line."""

    certification_id: str
    rep_id: str
    region: str
    team_id: str
    product_line: str
    course_id: str = Field(description="The course that granted it; empty if recorded by an admin.")
    enrollment_id: str
    valid_from: str = Field(examples=["2027-01-15"])
    valid_until: str = Field(description="The last valid day, inclusive.")
    state: STATE.literal()  # type: ignore[valid-type]
    expiring_notified_on: str
    revoked_by: str
    revoke_reason: str
    create_time: datetime | None
    update_time: datetime | None
    version: int


class CertificationList(BaseModel):
    """One page of certifications, newest first."""

    certifications: list[Certification]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class Revocation(BaseModel):
    """Why the certification is withdrawn (final)."""

    model_config = ConfigDict(extra="forbid")

    reason: str


class OutsideGrant(BaseModel):
    """A certification obtained outside salesops."""

    model_config = ConfigDict(extra="forbid")

    rep_id: str
    product_line: str
    valid_from: str = Field(default="", description="ISO 8601 date; today if empty.")
    valid_months: int = Field(ge=1, le=120)
    evidence: str = Field(examples=["Vendor certificate 4711, issued 2027-01-10"])


class ExpiryCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: str = Field(default="", description="ISO 8601 date; today (UTC) if empty.")


class ExpiryResult(ProtoModel):
    """The certifications announced as expiring and those expired by the check."""

    expiring_certification_ids: list[str]
    expired_certification_ids: list[str]


@router.get("", summary="List certifications")
async def list_certifications(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    team_id: Annotated[str, Query(description="Only this team's reps'.")] = "",
    product_line: Annotated[str, Query()] = "",
    state: Annotated[StateFilter | None, Query()] = None,  # type: ignore[valid-type]
    expiring_within_days: Annotated[
        int, Query(ge=0, le=3660, description="Only valid ones ending within this many days.")
    ] = 0,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CertificationList:
    request = pb.ListCertificationsRequest(
        region=region,
        rep_id=rep_id,
        team_id=team_id,
        product_line=product_line,
        state=pb.CertificationState.ValueType(STATE.from_json(state) if state else 0),
        expiring_within_days=expiring_within_days,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListCertifications", request, caller)
    return CertificationList(
        certifications=[Certification.from_proto(c) for c in reply.certifications],
        next_page_token=reply.page.next_page_token,
    )


@router.post(":grant", status_code=201, summary="Record a certification obtained elsewhere")
async def grant_certification(
    body: OutsideGrant, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Certification:
    """Admins; the same validity rules as a certification course."""
    request = pb.GrantCertificationRequest(
        rep_id=body.rep_id,
        product_line=body.product_line,
        valid_from=body.valid_from,
        valid_months=body.valid_months,
        evidence=body.evidence,
    )
    reply = await upstreams.call("training", "GrantCertification", request, caller)
    certification = Certification.from_proto(reply.certification)
    response.headers["Location"] = f"{CERTIFICATIONS}/{certification.certification_id}"
    return certification


@router.post(":run-expiry", summary="Run the certification expiry check")
async def run_expiry(
    body: ExpiryCheck, caller: WritingCaller, upstreams: OpenUpstreams
) -> ExpiryResult:
    """Admins; the worker runs the same check hourly."""
    request = pb.RunCertificationExpiryRequest(as_of=body.as_of)
    reply = await upstreams.call("training", "RunCertificationExpiry", request, caller)
    return ExpiryResult.from_proto(reply)


@router.get("/{certification_id}", summary="Read a certification")
async def get_certification(
    certification_id: CertificationId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Certification:
    request = pb.GetCertificationRequest(certification_id=certification_id)
    reply = await upstreams.call("training", "GetCertification", request, caller)
    return Certification.from_proto(reply.certification)


@router.post("/{certification_id}:revoke", summary="Revoke a certification")
async def revoke_certification(
    certification_id: CertificationId,
    body: Revocation,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Certification:
    """A director or admin of the region, with a reason; final."""
    request = pb.RevokeCertificationRequest(certification_id=certification_id, reason=body.reason)
    reply = await upstreams.call("training", "RevokeCertification", request, caller)
    return Certification.from_proto(reply.certification)
