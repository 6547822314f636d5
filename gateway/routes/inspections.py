"""`/v1/inspections`: compliance inspection runs, region rules and reports (InspectionService).

`POST /v1/inspections:run` inspects a region and fiscal period now (a
director or admin of the region; the worker also runs every active region
daily). Each finding of the region's rules (stale_opportunity,
lead_sla_breach, discount_above_authority, won_without_contract) becomes a
violation (`/v1/violations`) with its evidence and emits
`performance.violation.recorded`, once per rule, subject and period.
`/v1/inspection-rules` shows and sets a region's rules (defaults until set);
`/v1/inspection-reports` counts a region's violations of a period by rule,
rep and team, open, dismissed and penalised, with the runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import inspections_pb2 as pb

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

INSPECTIONS = "/v1/inspections"
router = APIRouter(tags=["inspections"], responses=PROBLEM_RESPONSES)

RULE = EnumJson(pb.InspectionRuleCode.DESCRIPTOR, "INSPECTION_RULE_CODE_")
SEVERITY = EnumJson(pb.ViolationSeverity.DESCRIPTOR, "VIOLATION_SEVERITY_")
KIND = EnumJson(pb.ViolationKind.DESCRIPTOR, "VIOLATION_KIND_")
STATUS = EnumJson(pb.ViolationStatus.DESCRIPTOR, "VIOLATION_STATUS_")
TRIGGER = EnumJson(pb.InspectionTrigger.DESCRIPTOR, "INSPECTION_TRIGGER_")
RuleName = RULE.literal()
RuleInput = RULE.filter_literal()
SeverityName = SEVERITY.literal()
SeverityInput = SEVERITY.filter_literal()
TriggerFilter = TRIGGER.filter_literal()

InspectionId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The run's id."),
]


class RuleOutcome(ProtoModel):
    """One rule's result in a run."""

    rule: RuleName  # type: ignore[valid-type]
    findings: int = Field(description="Findings this run, including those recorded before.")
    recorded: int = Field(description="Violations this run recorded for the first time.")


class Inspection(ProtoModel):
    """One inspection run of a region and period."""

    inspection_id: str
    region: str
    period_code: str
    trigger: TRIGGER.literal()  # type: ignore[valid-type]
    as_of_time: datetime | None = Field(description="The run's time, or the period's end.")
    outcomes: list[RuleOutcome]
    findings: int
    recorded: int
    started_by: str
    create_time: datetime | None


class EvidenceItem(ProtoModel):
    """A fact or record a violation rests on, with its figures."""

    source: str = Field(description="opportunity_state or fact.")
    record_id: str
    event_id: str = Field(description="The event that produced it, when known.")
    figures: list[str] = Field(description='"name=value" texts.')


class Violation(ProtoModel):
    """A finding of an inspection."""

    violation_id: str
    rule: RuleName  # type: ignore[valid-type]
    kind: KIND.literal()  # type: ignore[valid-type]
    severity: SeverityName  # type: ignore[valid-type]
    region: str
    period_code: str
    rep_id: str = Field(description="Empty when nobody owns the subject.")
    team_id: str
    subject_id: str = Field(description="The opportunity, lead or quote.")
    summary: str = Field(examples=["no activity since 2027-01-03 (21 days > 14)"])
    evidence: list[EvidenceItem]
    status: STATUS.literal()  # type: ignore[valid-type]
    dismissal_reason: str
    penalty_id: str = Field(description="The imposed penalty that answers it.")
    inspection_id: str = Field(description="The run that first found it.")
    decided_by: str
    decided_time: datetime | None
    create_time: datetime | None
    version: int


class InspectionRun(ProtoModel):
    """A run and the violations it recorded first (those the caller sees)."""

    inspection: Inspection | None
    recorded: list[Violation]


class InspectionList(BaseModel):
    """One page of runs, newest first."""

    inspections: list[Inspection]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class RunRequest(BaseModel):
    """What to inspect."""

    model_config = ConfigDict(extra="forbid")

    region: str = Field(examples=["EMEA"])
    period_code: str = Field(examples=["FY2027-M03"])
    rules: list[RuleInput] = Field(  # type: ignore[valid-type]
        default=[], description="Empty: every enabled rule of the region."
    )


class RoleAuthority(ProtoModel):
    """The largest discount a role may approve."""

    role: str
    max_discount_bp: int
    unlimited: bool


class InspectionRule(ProtoModel):
    """One rule of a region, as runs apply it."""

    rule: RuleName  # type: ignore[valid-type]
    region: str
    enabled: bool
    severity: SeverityName  # type: ignore[valid-type]
    kind: KIND.literal()  # type: ignore[valid-type]
    stale_days: int = Field(description="stale_opportunity: more idle days than this is stale.")
    authorities: list[RoleAuthority] = Field(
        description="discount_above_authority: the table used when a fact reports no authority."
    )
    configured: bool = Field(description="False while the defaults apply.")
    updated_by: str
    update_time: datetime | None


class InspectionRuleList(BaseModel):
    rules: list[InspectionRule]


class RuleChange(BaseModel):
    """A region's setting of one rule; 0 or empty keeps a default."""

    model_config = ConfigDict(extra="forbid")

    region: str = Field(examples=["EMEA"])
    enabled: bool = True
    severity: SeverityInput | None = None  # type: ignore[valid-type]
    stale_days: int = Field(default=0, ge=0, description="stale_opportunity only, 1-365.")
    authorities: list[RoleAuthority] = Field(
        default=[], description="discount_above_authority only."
    )


class ViolationCount(ProtoModel):
    """Violations of one rule, rep or team by status."""

    key: str
    total: int
    open: int
    dismissed: int
    penalised: int


class InspectionReport(ProtoModel):
    """A region's violations of a period, counted, and its runs."""

    region: str
    period_code: str
    totals: ViolationCount | None
    by_rule: list[ViolationCount]
    by_rep: list[ViolationCount]
    by_team: list[ViolationCount]
    inspections: list[Inspection]


@router.post(f"{INSPECTIONS}:run", status_code=201, summary="Run an inspection now")
async def run_inspection(
    body: RunRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> InspectionRun:
    """A director or admin of the region; new findings become violations."""
    request = pb.RunInspectionRequest(
        region=body.region,
        period_code=body.period_code,
        rules=[pb.InspectionRuleCode.ValueType(RULE.from_json(r)) for r in body.rules],
    )
    reply = await upstreams.call("performance", "RunInspection", request, caller)
    run = InspectionRun.from_proto(reply)
    if run.inspection is not None:
        response.headers["Location"] = f"{INSPECTIONS}/{run.inspection.inspection_id}"
    return run


@router.get(INSPECTIONS, summary="List inspection runs")
async def list_inspections(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    period: Annotated[str, Query(description="Only runs of this fiscal period.")] = "",
    trigger: Annotated[TriggerFilter | None, Query()] = None,  # type: ignore[valid-type]
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> InspectionList:
    """Runs of the caller's regions, newest first (a rep sees none)."""
    request = pb.ListInspectionsRequest(
        region=region,
        period_code=period,
        trigger=pb.InspectionTrigger.ValueType(TRIGGER.from_json(trigger) if trigger else 0),
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("performance", "ListInspections", request, caller)
    return InspectionList(
        inspections=[Inspection.from_proto(i) for i in reply.inspections],
        next_page_token=reply.page.next_page_token,
    )


@router.get(f"{INSPECTIONS}/{{inspection_id}}", summary="Read an inspection run")
async def get_inspection(
    inspection_id: InspectionId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> InspectionRun:
    """The run and the violations it recorded first."""
    request = pb.GetInspectionRequest(inspection_id=inspection_id)
    reply = await upstreams.call("performance", "GetInspection", request, caller)
    return InspectionRun.from_proto(reply)


@router.get("/v1/inspection-reports", summary="A region's inspection report for a period")
async def get_inspection_report(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: Annotated[str, Query(description="The region, for example EMEA.")],
    period: Annotated[str, Query(description="The fiscal period, for example FY2027-M03.")],
) -> InspectionReport:
    """Counts by rule, rep and team (only the violations the caller sees), and the runs."""
    request = pb.GetInspectionReportRequest(region=region, period_code=period)
    reply = await upstreams.call("performance", "GetInspectionReport", request, caller)
    return InspectionReport.from_proto(reply)


@router.get("/v1/inspection-rules", summary="A region's inspection rules")
async def list_inspection_rules(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: Annotated[str, Query(description="The region, for example EMEA.")],
) -> InspectionRuleList:
    """Every rule as runs apply it: the region's settings or the defaults."""
    request = pb.ListInspectionRulesRequest(region=region)
    reply = await upstreams.call("performance", "ListInspectionRules", request, caller)
    return InspectionRuleList(rules=[InspectionRule.from_proto(r) for r in reply.rules])


@router.put("/v1/inspection-rules/{rule}", summary="Set one of a region's inspection rules")
async def set_inspection_rule(
    rule: RuleInput,  # type: ignore[valid-type]
    body: RuleChange,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> InspectionRule:
    """A director or admin of the region."""
    request = pb.SetInspectionRuleRequest(
        region=body.region,
        rule=pb.InspectionRuleCode.ValueType(RULE.from_json(rule)),
        enabled=body.enabled,
        severity=pb.ViolationSeverity.ValueType(
            SEVERITY.from_json(body.severity) if body.severity else 0
        ),
        stale_days=body.stale_days,
        authorities=[
            pb.RoleAuthority(role=a.role, max_discount_bp=a.max_discount_bp, unlimited=a.unlimited)
            for a in body.authorities
        ],
    )
    reply = await upstreams.call("performance", "SetInspectionRule", request, caller)
    return InspectionRule.from_proto(reply.rule)
