"""`/v1/stage-gates/{stage_id}`: a stage's exit criteria, versioned (OpportunityService).

`PUT` (admins) stores a new version; `GET` reads the current one (or
`?version=N`), `/versions` lists them all. Each criterion sets exactly one
rule: `required_field` (next_step, expected_close_date, competitors,
line_items, team_members, amount), `required_activity` (for example a
meeting with an outcome), `approved_quote` (or accepted only), or
`owner_certification` (the owner is certified for every product line).
A deal that does not meet them cannot leave the stage: 422 lists every
unmet rule as `stages/<stage_id>/<criterion name>`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from salesops.pipeline.v1 import activities_pb2
from salesops.pipeline.v1 import opportunities_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.activities import ACTIVITY_TYPE, ActivityTypeInput, ActivityTypeName
from gateway.routes.conventions import ProtoModel
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/stage-gates", tags=["stage gates"], responses=PROBLEM_RESPONSES)

StageId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The stage's id.")
]


class RequiredField(ProtoModel):
    """A field of the deal that must be filled in."""

    field: str = Field(examples=["next_step"])


class RequiredActivity(ProtoModel):
    """Activities that must be logged on the deal."""

    activity_type: ActivityTypeName
    min_count: int
    with_outcome: bool


class ApprovedQuote(ProtoModel):
    """A quote of the deal that is approved (or accepted by the customer)."""

    accepted_only: bool


class OwnerCertification(ProtoModel):
    """The owner holds a valid certification for every product line of the deal."""


class GateCriterion(ProtoModel):
    """One exit criterion; exactly one rule is set, the others are null."""

    name: str
    required_field: RequiredField | None
    required_activity: RequiredActivity | None
    approved_quote: ApprovedQuote | None
    owner_certification: OwnerCertification | None


class StageGate(ProtoModel):
    """One version of a stage's exit criteria (version 0: the stage never had any)."""

    stage_id: str
    version: int
    criteria: list[GateCriterion]
    comment: str
    create_time: datetime | None
    created_by: str


class StageGateVersions(BaseModel):
    """Every version, newest first."""

    gates: list[StageGate]


class RequiredFieldInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(examples=["next_step"])


class RequiredActivityInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    activity_type: ActivityTypeInput = Field(examples=["meeting"])
    min_count: int = Field(1, ge=1, le=100)
    with_outcome: bool = False


class ApprovedQuoteInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accepted_only: bool = False


class OwnerCertificationInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GateCriterionInput(BaseModel):
    """One criterion: set exactly one rule. The name defaults to the rule."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    required_field: RequiredFieldInput | None = None
    required_activity: RequiredActivityInput | None = None
    approved_quote: ApprovedQuoteInput | None = None
    owner_certification: OwnerCertificationInput | None = None

    @model_validator(mode="after")
    def one_rule(self) -> Self:
        rules = [
            self.required_field,
            self.required_activity,
            self.approved_quote,
            self.owner_certification,
        ]
        if sum(rule is not None for rule in rules) != 1:
            raise ValueError(
                "set exactly one of required_field, required_activity, approved_quote, "
                "owner_certification"
            )
        return self

    def to_proto(self) -> pb.GateCriterion:
        message = pb.GateCriterion(name=self.name)
        if self.required_field is not None:
            message.required_field.field = self.required_field.field
        elif self.required_activity is not None:
            rule = self.required_activity
            message.required_activity.CopyFrom(
                pb.RequiredActivity(
                    activity_type=activities_pb2.ActivityType.ValueType(
                        ACTIVITY_TYPE.from_json(rule.activity_type)
                    ),
                    min_count=rule.min_count,
                    with_outcome=rule.with_outcome,
                )
            )
        elif self.approved_quote is not None:
            message.approved_quote.accepted_only = self.approved_quote.accepted_only
        else:
            message.owner_certification.SetInParent()
        return message


class SetStageGateRequest(BaseModel):
    """The complete new list of criteria (empty: any deal may leave the stage)."""

    model_config = ConfigDict(extra="forbid")

    criteria: list[GateCriterionInput]
    comment: str = Field(default="", description="Why the criteria changed.")


@router.get("/{stage_id}", summary="Read a stage's exit criteria")
async def get_stage_gate(
    stage_id: StageId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    version: Annotated[int, Query(ge=0, description="0 or absent: the current version.")] = 0,
) -> StageGate:
    """The current version of the criteria, or the one asked for."""
    request = pb.GetStageGateRequest(stage_id=stage_id, version=version)
    response = await upstreams.call("pipeline", "GetStageGate", request, caller)
    return StageGate.from_proto(response.gate)


@router.get("/{stage_id}/versions", summary="A stage's exit criteria history")
async def list_stage_gate_versions(
    stage_id: StageId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> StageGateVersions:
    """Every version of the criteria, newest first."""
    request = pb.ListStageGateVersionsRequest(stage_id=stage_id)
    response = await upstreams.call("pipeline", "ListStageGateVersions", request, caller)
    return StageGateVersions(gates=[StageGate.from_proto(g) for g in response.gates])


@router.put("/{stage_id}", summary="Set a stage's exit criteria")
async def set_stage_gate(
    stage_id: StageId, body: SetStageGateRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> StageGate:
    """Admins only. Stores a new version; deals are checked against it from now on."""
    request = pb.SetStageGateRequest(
        stage_id=stage_id,
        criteria=[criterion.to_proto() for criterion in body.criteria],
        comment=body.comment,
    )
    response = await upstreams.call("pipeline", "SetStageGate", request, caller)
    return StageGate.from_proto(response.gate)
