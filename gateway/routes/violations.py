"""`/v1/violations`: what compliance inspections found (InspectionService).

Each violation names its rule, the rep and team it is attributed to, the
subject (opportunity, lead or quote), a one-line summary and its evidence
(the facts and records with their figures). It is open until a director of
the region dismisses it with a reason (`:dismiss`) or an imposed penalty
answers it (`/v1/penalties` with `violation_ids`: penalised). A rep reads
their own, a manager their team's, directors and executives their regions'.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import inspections_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import PageSize, PageToken, RegionFilter, page_request
from gateway.routes.inspections import RULE, STATUS, RuleInput, Violation
from gateway.upstreams import OpenUpstreams

VIOLATIONS = "/v1/violations"
router = APIRouter(prefix=VIOLATIONS, tags=["violations"], responses=PROBLEM_RESPONSES)

StatusFilter = STATUS.filter_literal()
ViolationId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The violation's id."),
]


class ViolationList(BaseModel):
    """One page of violations, newest first."""

    violations: list[Violation]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class Dismissal(BaseModel):
    """Why the violation is dismissed."""

    model_config = ConfigDict(extra="forbid")

    reason: str


@router.get("", summary="List violations")
async def list_violations(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    period: Annotated[str, Query(description="Only this fiscal period's.")] = "",
    rule: Annotated[RuleInput | None, Query()] = None,
    status: Annotated[StatusFilter | None, Query()] = None,  # type: ignore[valid-type]
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    inspection_id: Annotated[str, Query(description="Only those this run found first.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ViolationList:
    """Violations the caller sees (a rep: their own), newest first."""
    request = pb.ListViolationsRequest(
        region=region,
        period_code=period,
        rule=pb.InspectionRuleCode.ValueType(RULE.from_json(rule) if rule else 0),
        status=pb.ViolationStatus.ValueType(STATUS.from_json(status) if status else 0),
        rep_id=rep_id,
        inspection_id=inspection_id,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("performance", "ListViolations", request, caller)
    return ViolationList(
        violations=[Violation.from_proto(v) for v in reply.violations],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{violation_id}", summary="Read a violation")
async def get_violation(
    violation_id: ViolationId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Violation:
    reply = await upstreams.call(
        "performance", "GetViolation", pb.GetViolationRequest(violation_id=violation_id), caller
    )
    return Violation.from_proto(reply.violation)


@router.post("/{violation_id}:dismiss", summary="Dismiss a violation")
async def dismiss_violation(
    violation_id: ViolationId, body: Dismissal, caller: WritingCaller, upstreams: OpenUpstreams
) -> Violation:
    """A director of the region, with a reason; only an open violation."""
    request = pb.DismissViolationRequest(violation_id=violation_id, reason=body.reason)
    reply = await upstreams.call("performance", "DismissViolation", request, caller)
    return Violation.from_proto(reply.violation)
