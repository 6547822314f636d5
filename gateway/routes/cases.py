"""`/v1/cases` and `/v1/case-sla-policies`: after-sales service cases (CaseService).

A case moves open -> in_progress (`:start`) -> resolved (`:resolve`) -> closed
(`:close`), and resolved -> in_progress again (`:reopen`); any other move is a
422 problem naming the rule. Its due time is fixed at opening from the
region's resolution SLA for its priority (`/v1/case-sla-policies/{region}`).
Reps see the cases assigned to them or opened by them; managers and directors
those of their regions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Path, Query, Response
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import cases_pb2

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
    proto_to_json,
)
from gateway.routes.leads import EmptyBody
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

CASE_STATUS = EnumJson(cases_pb2.CaseStatus.DESCRIPTOR, "CASE_STATUS_")
CASE_PRIORITY = EnumJson(cases_pb2.CasePriority.DESCRIPTOR, "CASE_PRIORITY_")
CASE_TYPE = EnumJson(cases_pb2.CaseType.DESCRIPTOR, "CASE_TYPE_")
CaseStatusName = CASE_STATUS.literal()
CasePriorityName = CASE_PRIORITY.literal()
CaseTypeName = CASE_TYPE.literal()
CasePriorityInput = CASE_PRIORITY.filter_literal()
CaseStatusInput = CASE_STATUS.filter_literal()
CaseTypeInput = CASE_TYPE.filter_literal()

CASES = "/v1/cases"
cases_router = APIRouter(prefix=CASES, tags=["cases"])
policies_router = APIRouter(prefix="/v1/case-sla-policies", tags=["case SLA policies"])

# Ids never contain ":", which separates a custom verb (`{case_id}:resolve`).
CaseId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The case's id.")
]
Region = Annotated[
    str, Path(min_length=1, max_length=32, description="The region code, for example EMEA.")
]


class Case(ProtoModel):
    """An after-sales service case."""

    case_id: str
    region: str
    customer_id: str
    contract_id: str = Field(description="Empty when the case concerns no particular contract.")
    type: CaseTypeName  # type: ignore[valid-type]
    priority: CasePriorityName  # type: ignore[valid-type]
    status: CaseStatusName  # type: ignore[valid-type]
    subject: str
    description: str
    assignee_id: str = Field(description="Who works the case; empty while unassigned.")
    sla_hours: int = Field(description="The resolution SLA that applied when the case opened.")
    due_time: datetime | None = Field(description="When the case must be resolved.")
    overdue: bool = Field(description="Open or in progress, and past its due time.")
    sla_breach_time: datetime | None = Field(description="When the SLA breach was recorded.")
    start_time: datetime | None
    resolve_time: datetime | None
    resolved_by: str
    resolution_note: str
    satisfaction_score: int | None = Field(description="1 to 5; null when none was given.")
    close_time: datetime | None
    reopen_count: int
    reopen_reason: str
    audit: Audit | None

    @classmethod
    def from_proto(cls, message: Message) -> Self:
        data = proto_to_json(message)
        # An optional scalar: absent is null, not 0.
        if not message.HasField("satisfaction_score"):
            data["satisfaction_score"] = None
        return cls.model_validate(data)


class CaseList(BaseModel):
    """One page of cases, newest first."""

    cases: list[Case]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class OpenCaseRequest(BaseModel):
    """A new case. The pipeline service checks the values; the gateway checks the shape."""

    model_config = ConfigDict(extra="forbid")

    region: str = Field(examples=["EMEA"])
    customer_id: str
    contract_id: str = Field("", description="Optional: the customer's contract concerned.")
    type: CaseTypeInput = Field(examples=["incident"])  # type: ignore[valid-type]
    priority: CasePriorityInput = Field(examples=["high"])  # type: ignore[valid-type]
    subject: str = Field(examples=["Invoices are not generated"])
    description: str = ""
    assignee_id: str = Field("", description="Optional; a rep may only name themselves.")


class AssignCaseRequest(BaseModel):
    """Who works the case from now on."""

    model_config = ConfigDict(extra="forbid")

    assignee_id: str


class ResolveCaseRequest(BaseModel):
    """What was done, and how satisfied the customer is (optional, 1 to 5)."""

    model_config = ConfigDict(extra="forbid")

    resolution_note: str = Field(examples=["Restarted the invoice job; verified with the customer"])
    satisfaction_score: int | None = Field(None, ge=1, le=5, examples=[4])


class ReopenCaseRequest(BaseModel):
    """Why the resolution did not hold."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(examples=["invoices failed again the next morning"])


class CaseSlaTarget(BaseModel):
    """The resolution target of one priority."""

    priority: CasePriorityName  # type: ignore[valid-type]
    resolution_hours: int
    overridden: bool = Field(description="True when the region overrides the default.")


class CaseSlaPolicy(ProtoModel):
    """A region's resolution SLA, one target per priority."""

    region: str
    targets: list[CaseSlaTarget]
    update_time: datetime | None
    updated_by: str


class CaseSlaOverride(BaseModel):
    """One priority's resolution hours, 1 to 8760."""

    model_config = ConfigDict(extra="forbid")

    priority: CasePriorityInput  # type: ignore[valid-type]
    resolution_hours: int = Field(ge=1, le=8760, examples=[8])


class SetCaseSlaPolicyRequest(BaseModel):
    """The region's overrides; priorities left out use the platform defaults."""

    model_config = ConfigDict(extra="forbid")

    targets: list[CaseSlaOverride]


async def _case_action(upstreams: Upstreams, caller: Caller, method: str, request: Any) -> Case:
    response = await upstreams.call("pipeline", method, request, caller)
    return Case.from_proto(response.case)


@cases_router.post("", status_code=201, summary="Open a case")
async def open_case(
    body: OpenCaseRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Case:
    """Open a case for a customer of `region`; its due time follows the priority's SLA."""
    fields = body.model_dump()
    request = cases_pb2.OpenCaseRequest(
        **{
            **fields,
            "type": CASE_TYPE.from_json(fields["type"]),
            "priority": CASE_PRIORITY.from_json(fields["priority"]),
        }
    )
    case = await _case_action(upstreams, caller, "OpenCase", request)
    response.headers["Location"] = f"{CASES}/{case.case_id}"
    return case


@cases_router.get("/{case_id}", summary="Read a case")
async def get_case(case_id: CaseId, caller: ReadingCaller, upstreams: OpenUpstreams) -> Case:
    """A case outside the caller's scope is 404, exactly as if it did not exist."""
    return await _case_action(
        upstreams, caller, "GetCase", cases_pb2.GetCaseRequest(case_id=case_id)
    )


@cases_router.get("", summary="List cases")
async def list_cases(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    status: Annotated[
        CaseStatusInput | None,  # type: ignore[valid-type]
        Query(description="Only cases in this status."),
    ] = None,
    priority: Annotated[
        CasePriorityInput | None,  # type: ignore[valid-type]
        Query(description="Only cases of this priority."),
    ] = None,
    assignee_id: Annotated[str, Query(description="Only cases assigned to this person.")] = "",
    customer_id: Annotated[str, Query(description="Only cases of this customer.")] = "",
    overdue: Annotated[
        bool, Query(description="Only cases open or in progress past their due time.")
    ] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CaseList:
    """Cases in the caller's scope, newest first."""
    request = cases_pb2.ListCasesRequest(
        region=region,
        status=cases_pb2.CaseStatus.ValueType(CASE_STATUS.from_json(status) if status else 0),
        priority=cases_pb2.CasePriority.ValueType(
            CASE_PRIORITY.from_json(priority) if priority else 0
        ),
        assignee_id=assignee_id,
        customer_id=customer_id,
        overdue=overdue,
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("pipeline", "ListCases", request, caller)
    return CaseList(
        cases=[Case.from_proto(case) for case in response.cases],
        next_page_token=response.page.next_page_token,
    )


@cases_router.post("/{case_id}:assign", summary="Assign a case")
async def assign_case(
    case_id: CaseId, body: AssignCaseRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Case:
    """Assign or reassign an open or in-progress case; a rep may only take it themselves."""
    request = cases_pb2.AssignCaseRequest(case_id=case_id, assignee_id=body.assignee_id)
    return await _case_action(upstreams, caller, "AssignCase", request)


@cases_router.post("/{case_id}:start", summary="Start work on a case")
async def start_case(
    case_id: CaseId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Case:
    """open -> in_progress; an unassigned case is assigned to the caller."""
    request = cases_pb2.StartCaseRequest(case_id=case_id)
    return await _case_action(upstreams, caller, "StartCase", request)


@cases_router.post("/{case_id}:resolve", summary="Resolve a case")
async def resolve_case(
    case_id: CaseId, body: ResolveCaseRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Case:
    """in_progress -> resolved, with a note and, if given, the customer's satisfaction (1-5)."""
    request = cases_pb2.ResolveCaseRequest(case_id=case_id, resolution_note=body.resolution_note)
    if body.satisfaction_score is not None:
        request.satisfaction_score = body.satisfaction_score
    return await _case_action(upstreams, caller, "ResolveCase", request)


@cases_router.post("/{case_id}:close", summary="Close a case")
async def close_case(
    case_id: CaseId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Case:
    """resolved -> closed, for good."""
    request = cases_pb2.CloseCaseRequest(case_id=case_id)
    return await _case_action(upstreams, caller, "CloseCase", request)


@cases_router.post("/{case_id}:reopen", summary="Reopen a case")
async def reopen_case(
    case_id: CaseId, body: ReopenCaseRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Case:
    """resolved -> in_progress; the resolution is cleared, the due time stays."""
    request = cases_pb2.ReopenCaseRequest(case_id=case_id, reason=body.reason)
    return await _case_action(upstreams, caller, "ReopenCase", request)


@policies_router.get("/{region}", summary="Read a region's case resolution SLA")
async def get_case_sla_policy(
    region: Region, caller: ReadingCaller, upstreams: OpenUpstreams
) -> CaseSlaPolicy:
    """Hours per priority: the region's overrides, the platform defaults elsewhere."""
    request = cases_pb2.GetCaseSlaPolicyRequest(region=region)
    response = await upstreams.call("pipeline", "GetCaseSlaPolicy", request, caller)
    return CaseSlaPolicy.from_proto(response.policy)


@policies_router.put("/{region}", summary="Set a region's case resolution SLA")
async def set_case_sla_policy(
    region: Region, body: SetCaseSlaPolicyRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> CaseSlaPolicy:
    """Admins of the region only. Replaces its overrides; cases already open keep their due time."""
    request = cases_pb2.UpdateCaseSlaPolicyRequest(
        region=region,
        targets=[
            cases_pb2.CaseSlaTarget(
                priority=cases_pb2.CasePriority.ValueType(CASE_PRIORITY.from_json(t.priority)),
                resolution_hours=t.resolution_hours,
            )
            for t in body.targets
        ],
    )
    response = await upstreams.call("pipeline", "UpdateCaseSlaPolicy", request, caller)
    return CaseSlaPolicy.from_proto(response.policy)


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(cases_router)
router.include_router(policies_router)
