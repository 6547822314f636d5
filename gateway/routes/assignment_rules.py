"""`/v1/assignment-rules`: which event assigns which training (AssignmentRuleService).

A rule reacts to a trigger (`rep_hired`, `gap_detected`, `violation_recorded`,
`certification_expiring`) for a subject matching `match` (a role, a skill
area, a violation kind or inspection rule, a product line; "" = the
trigger's default: any, or conduct violations only) and assigns a learning
path or a course, due in `due_in_days` (0 = none; gaps: the configured
default; expiring certifications: the last valid day). Region "" = every
region. Admins and directors of the region write rules; managers and above
read them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import rules_pb2 as pb

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
from gateway.upstreams import OpenUpstreams

ASSIGNMENT_RULES = "/v1/assignment-rules"
router = APIRouter(prefix=ASSIGNMENT_RULES, tags=["assignment rules"], responses=PROBLEM_RESPONSES)

TRIGGER = EnumJson(pb.AssignmentTrigger.DESCRIPTOR, "ASSIGNMENT_TRIGGER_")
TriggerInput = TRIGGER.filter_literal()
RuleId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The rule's id.")
]


class AssignmentRule(ProtoModel):
    """A rule and what it assigns."""

    rule_id: str
    name: str
    trigger: TRIGGER.literal()  # type: ignore[valid-type]
    match: str
    learning_path_id: str
    course_id: str
    due_in_days: int
    region: str
    enabled: bool
    audit: Audit | None
    version: int


class AssignmentRuleList(BaseModel):
    """One page of rules, newest first."""

    rules: list[AssignmentRule]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class AssignmentRuleBody(BaseModel):
    """A rule's settings."""

    model_config = ConfigDict(extra="forbid")

    name: str
    trigger: TriggerInput  # type: ignore[valid-type]
    match: str = ""
    learning_path_id: str = ""
    course_id: str = ""
    due_in_days: int = 0
    region: str = ""
    enabled: bool = True

    def to_proto(self) -> pb.AssignmentRuleInput:
        return pb.AssignmentRuleInput(
            name=self.name,
            trigger=pb.AssignmentTrigger.ValueType(TRIGGER.from_json(self.trigger)),
            match=self.match,
            learning_path_id=self.learning_path_id,
            course_id=self.course_id,
            due_in_days=self.due_in_days,
            region=self.region,
            enabled=self.enabled,
        )


class AssignmentRuleUpdate(AssignmentRuleBody):
    """New settings (the trigger cannot change) and the version read (0 skips the check)."""

    trigger: TriggerInput | None = None  # type: ignore[valid-type]
    version: int = 0

    def to_proto(self) -> pb.AssignmentRuleInput:
        return pb.AssignmentRuleInput(
            name=self.name,
            match=self.match,
            learning_path_id=self.learning_path_id,
            course_id=self.course_id,
            due_in_days=self.due_in_days,
            region=self.region,
            enabled=self.enabled,
        )


@router.post("", status_code=201, summary="Create an assignment rule")
async def create_assignment_rule(
    body: AssignmentRuleBody, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> AssignmentRule:
    request = pb.CreateAssignmentRuleRequest(rule=body.to_proto())
    reply = await upstreams.call("training", "CreateAssignmentRule", request, caller)
    rule = AssignmentRule.from_proto(reply.rule)
    response.headers["Location"] = f"{ASSIGNMENT_RULES}/{rule.rule_id}"
    return rule


@router.get("", summary="List assignment rules")
async def list_assignment_rules(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    trigger: Annotated[TriggerInput | None, Query()] = None,  # type: ignore[valid-type]
    region: RegionFilter = "",
    enabled_only: Annotated[bool, Query(description="Only enabled rules.")] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> AssignmentRuleList:
    """Rules of the caller's regions and of every region, newest first."""
    request = pb.ListAssignmentRulesRequest(
        trigger=pb.AssignmentTrigger.ValueType(TRIGGER.from_json(trigger) if trigger else 0),
        region=region,
        enabled_only=enabled_only,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListAssignmentRules", request, caller)
    return AssignmentRuleList(
        rules=[AssignmentRule.from_proto(r) for r in reply.rules],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{rule_id}", summary="Read an assignment rule")
async def get_assignment_rule(
    rule_id: RuleId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> AssignmentRule:
    request = pb.GetAssignmentRuleRequest(rule_id=rule_id)
    reply = await upstreams.call("training", "GetAssignmentRule", request, caller)
    return AssignmentRule.from_proto(reply.rule)


@router.put("/{rule_id}", summary="Change an assignment rule")
async def update_assignment_rule(
    rule_id: RuleId, body: AssignmentRuleUpdate, caller: WritingCaller, upstreams: OpenUpstreams
) -> AssignmentRule:
    request = pb.UpdateAssignmentRuleRequest(
        rule_id=rule_id, rule=body.to_proto(), version=body.version
    )
    reply = await upstreams.call("training", "UpdateAssignmentRule", request, caller)
    return AssignmentRule.from_proto(reply.rule)
