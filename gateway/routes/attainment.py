"""`/v1/attainment`: a unit's or rep's live attainment for a fiscal period (AttainmentService).

`GET /v1/attainment?org_unit=<id>&period=FY2027-Q1` or `?rep=<id>&period=...`
(exactly one of `org_unit` and `rep`), optionally `as_of` (RFC 3339; now by
default). Each line is one target the subject has in the period: target,
actual (revenue in the plan's currency, through the period's FX rates),
percent of target (basis points, rounded down), the linear pace expected by
`as_of`, both gaps and a status (ahead, on_pace, behind, attained). A unit's
answer also holds each child unit's and each team rep's lines. Reps see only
their own; a missing FX rate is a 422 naming the currency pair and period.
`POST /v1/attainment:checkpoint` (admins) runs the pace checkpoint, which
emits `planning.attainment.behind_pace`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import grpc
from fastapi import APIRouter, Body, Query
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import attainment_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES, FieldError, Problem
from gateway.routes.contracts import Money
from gateway.routes.conventions import EnumJson, ProtoModel
from gateway.routes.plans import PlanPeriod
from gateway.upstreams import OpenUpstreams

STATUS = EnumJson(pb.AttainmentStatus.DESCRIPTOR, "ATTAINMENT_STATUS_")
StatusName = STATUS.literal()

router = APIRouter(prefix="/v1/attainment", tags=["attainment"], responses=PROBLEM_RESPONSES)


class AttainmentLine(ProtoModel):
    """One target's attainment: Money figures for revenue, the *_quantity ones for counts."""

    target_id: str
    plan_id: str
    metric: str = Field(description="revenue, units or new_customers.")
    product_line: str = Field(description="Empty: every product line.")
    target: Money | None
    actual: Money | None
    expected: Money | None = Field(description="The linear pace by as_of.")
    gap_to_target: Money | None = Field(description="target - actual.")
    gap_to_pace: Money | None = Field(description="actual - expected; negative is behind.")
    target_quantity: int
    actual_quantity: int
    expected_quantity: int
    gap_to_target_quantity: int
    gap_to_pace_quantity: int
    percent_bp: int = Field(description="actual / target, basis points, rounded down.")
    pace_bp: int = Field(description="actual / expected, basis points, rounded down.")
    status: StatusName  # type: ignore[valid-type]


class SubjectAttainment(ProtoModel):
    """A child unit's or a team rep's lines."""

    unit_id: str
    rep_id: str
    lines: list[AttainmentLine]


class Attainment(ProtoModel):
    """A unit's or rep's attainment for a period at an instant."""

    org_unit_id: str
    rep_id: str
    period: PlanPeriod | None
    as_of: datetime | None
    lines: list[AttainmentLine]
    children: list[SubjectAttainment] = Field(
        description="For a unit: each child unit and each rep of its team, one level down."
    )


class BehindPaceReport(ProtoModel):
    """A unit or rep newly reported behind pace."""

    unit_id: str
    rep_id: str
    period_code: str
    line: AttainmentLine | None


class PaceCheckpoint(BaseModel):
    """What a checkpoint reported (an event each); empty when run again the same day."""

    reports: list[BehindPaceReport]


class RunPaceCheckpointRequest(BaseModel):
    """The checkpoint instant; now when absent."""

    model_config = ConfigDict(extra="forbid")

    as_of: datetime | None = None


def _stamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise Problem.of(
            grpc.StatusCode.INVALID_ARGUMENT,
            "as_of needs a time zone (RFC 3339, for example 2027-02-15T00:00:00Z)",
            errors=[FieldError(field="as_of", description="needs a time zone offset or Z")],
        )
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


@router.get("", summary="A unit's or rep's attainment for a period")
async def get_attainment(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    period: Annotated[str, Query(description="FY2027, FY2027-Q1 or FY2027-M03.")] = "",
    org_unit: Annotated[str, Query(description="An org unit id (or give rep).")] = "",
    rep: Annotated[str, Query(description="A rep id (or give org_unit).")] = "",
    as_of: Annotated[datetime | None, Query(description="RFC 3339; now if absent.")] = None,
) -> Attainment:
    """Exactly one of org_unit and rep; outside the caller's scope the subject is 404."""
    errors = []
    if not org_unit and not rep:
        errors.append(FieldError(field="org_unit", description="give org_unit or rep"))
    if org_unit and rep:
        errors.append(FieldError(field="rep", description="give org_unit or rep, not both"))
    if not period:
        errors.append(FieldError(field="period", description="is required, e.g. FY2027-Q1"))
    if errors:
        raise Problem.of(
            grpc.StatusCode.INVALID_ARGUMENT,
            "; ".join(f"{e.field}: {e.description}" for e in errors),
            errors=errors,
        )
    request = pb.GetAttainmentRequest(
        org_unit_id=org_unit, rep_id=rep, period_code=period, as_of=_stamp(as_of)
    )
    reply = await upstreams.call("planning", "GetAttainment", request, caller)
    return Attainment.from_proto(reply)


@router.post(":checkpoint", summary="Run the pace checkpoint (admins)")
async def run_pace_checkpoint(
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[RunPaceCheckpointRequest | None, Body()] = None,
) -> PaceCheckpoint:
    """Report every unit and rep below the configured share of pace, once per target and day."""
    request = pb.RunPaceCheckpointRequest(as_of=_stamp(body.as_of if body else None))
    reply = await upstreams.call("planning", "RunPaceCheckpoint", request, caller)
    return PaceCheckpoint(reports=[BehindPaceReport.from_proto(r) for r in reply.reports])
