"""`/v1/evaluations`: a manager's rating of a rep beside the computed score (EvaluationService).

One evaluation per rep and period, written by a manager above the rep with a
snapshot of the rep's scorecard. Status: draft -> shared -> acknowledged ->
appealed -> resolved (a shared evaluation can be appealed without being
acknowledged); any other move is 422 naming it. The manager edits the draft
(`PATCH`) and shares it (`:share`); the rep acknowledges (`:acknowledge`) and
appeals (`:appeal`, with a reason); a director of the region resolves the
appeal (`:resolve`: upheld, or changed with a new rating) and calibrates a
team's draft and shared ratings (`POST /v1/evaluations:calibrate`, each change
with a reason, answering the ratings distribution before and after).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import evaluations_pb2 as pb

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
from gateway.routes.leads import EmptyBody
from gateway.upstreams import OpenUpstreams

EVALUATIONS = "/v1/evaluations"
router = APIRouter(prefix=EVALUATIONS, tags=["evaluations"], responses=PROBLEM_RESPONSES)

STATUS = EnumJson(pb.EvaluationStatus.DESCRIPTOR, "EVALUATION_STATUS_")
OUTCOME = EnumJson(pb.AppealOutcome.DESCRIPTOR, "APPEAL_OUTCOME_")
StatusName = STATUS.literal()
StatusFilter = STATUS.filter_literal()
OutcomeName = OUTCOME.literal()

EvaluationId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The evaluation's id.")
]


class Evaluation(ProtoModel):
    """A rep's evaluation for a fiscal period."""

    evaluation_id: str
    rep_id: str
    region: str
    team_id: str
    period_code: str
    manager_id: str
    status: StatusName  # type: ignore[valid-type]
    rating: int = Field(description="1-5, after calibration and appeal.")
    comments: str
    score_total_points: int
    score_total: int = Field(description="The computed score (0-100) beside the rating.")
    score_published: bool
    score_time: datetime | None
    rating_before_calibration: int = Field(description="0: not calibrated.")
    calibration_reason: str
    calibrated_by: str
    acknowledged_time: datetime | None
    appeal_reason: str
    appealed_time: datetime | None
    appeal_outcome: OutcomeName  # type: ignore[valid-type]
    rating_before_appeal: int
    resolution_comment: str
    resolved_by: str
    resolved_time: datetime | None
    audit: Audit | None
    version: int


class EvaluationList(BaseModel):
    """One page of evaluations, newest first."""

    evaluations: list[Evaluation]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewEvaluation(BaseModel):
    """Whom, for which period, the rating and the comments."""

    model_config = ConfigDict(extra="forbid")

    rep_id: str
    period_code: str = Field(examples=["FY2027-Q1"])
    rating: int = Field(ge=1, le=5)
    comments: str = ""


class EvaluationChange(BaseModel):
    """A draft's new rating or comments, and the version read (optional)."""

    model_config = ConfigDict(extra="forbid")

    rating: int | None = Field(default=None, ge=1, le=5)
    comments: str | None = None
    version: int = Field(default=0, ge=0, description="0 skips the check; a stale one is 409.")


class Appeal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str


class Resolution(BaseModel):
    """Upheld, or changed with a new rating; a comment either way."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal["upheld", "changed"]
    new_rating: int = Field(default=0, ge=0, le=5, description="Only when changed.")
    comment: str


class Adjustment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evaluation_id: str
    rating: int
    reason: str


class Calibration(BaseModel):
    """A team's period, and the rating changes (none: only show the distribution)."""

    model_config = ConfigDict(extra="forbid")

    team_id: str
    period_code: str
    adjustments: list[Adjustment] = []


class RatingCount(ProtoModel):
    rating: int
    count: int


class Calibrated(ProtoModel):
    """The team's evaluations after calibration, and the ratings distribution."""

    evaluations: list[Evaluation]
    distribution_before: list[RatingCount]
    distribution: list[RatingCount]


@router.post("", status_code=201, summary="Write a draft evaluation")
async def create_evaluation(
    body: NewEvaluation, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Evaluation:
    """By a manager above the rep; one per rep and period (409 for a second)."""
    request = pb.CreateEvaluationRequest(
        rep_id=body.rep_id, period_code=body.period_code, rating=body.rating, comments=body.comments
    )
    reply = await upstreams.call("performance", "CreateEvaluation", request, caller)
    evaluation = Evaluation.from_proto(reply.evaluation)
    response.headers["Location"] = f"{EVALUATIONS}/{evaluation.evaluation_id}"
    return evaluation


@router.get("", summary="List evaluations")
async def list_evaluations(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    team_id: Annotated[str, Query(description="Only this team's.")] = "",
    period: Annotated[str, Query(description="Only this period's.")] = "",
    status: Annotated[StatusFilter | None, Query(description="Only this status.")] = None,  # type: ignore[valid-type]
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> EvaluationList:
    """The evaluations the caller may see (a rep: their own, once shared), newest first."""
    request = pb.ListEvaluationsRequest(
        rep_id=rep_id,
        team_id=team_id,
        period_code=period,
        status=pb.EvaluationStatus.ValueType(STATUS.from_json(status) if status else 0),
        region=region,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("performance", "ListEvaluations", request, caller)
    return EvaluationList(
        evaluations=[Evaluation.from_proto(e) for e in reply.evaluations],
        next_page_token=reply.page.next_page_token,
    )


@router.post(":calibrate", summary="Calibrate a team's ratings")
async def calibrate_team(
    body: Calibration, caller: WritingCaller, upstreams: OpenUpstreams
) -> Calibrated:
    """A director of the region; draft and shared evaluations only, each change with a reason."""
    request = pb.CalibrateTeamRequest(
        team_id=body.team_id,
        period_code=body.period_code,
        adjustments=[
            pb.CalibrationAdjustment(
                evaluation_id=a.evaluation_id, rating=a.rating, reason=a.reason
            )
            for a in body.adjustments
        ],
    )
    reply = await upstreams.call("performance", "CalibrateTeam", request, caller)
    return Calibrated.from_proto(reply)


@router.get("/{evaluation_id}", summary="Read an evaluation")
async def get_evaluation(
    evaluation_id: EvaluationId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Evaluation:
    request = pb.GetEvaluationRequest(evaluation_id=evaluation_id)
    reply = await upstreams.call("performance", "GetEvaluation", request, caller)
    return Evaluation.from_proto(reply.evaluation)


@router.patch("/{evaluation_id}", summary="Change a draft evaluation")
async def update_evaluation(
    evaluation_id: EvaluationId,
    body: EvaluationChange,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Evaluation:
    """Only while a draft; refreshes the score snapshot."""
    request = pb.UpdateEvaluationRequest(
        evaluation_id=evaluation_id, rating=body.rating or 0, version=body.version
    )
    if body.comments is not None:
        request.comments = body.comments
    reply = await upstreams.call("performance", "UpdateEvaluation", request, caller)
    return Evaluation.from_proto(reply.evaluation)


@router.post("/{evaluation_id}:share", summary="Share an evaluation with the rep")
async def share_evaluation(
    evaluation_id: EvaluationId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: EmptyBody = None,
) -> Evaluation:
    request = pb.ShareEvaluationRequest(evaluation_id=evaluation_id)
    reply = await upstreams.call("performance", "ShareEvaluation", request, caller)
    return Evaluation.from_proto(reply.evaluation)


@router.post("/{evaluation_id}:acknowledge", summary="Acknowledge an evaluation (the rep)")
async def acknowledge_evaluation(
    evaluation_id: EvaluationId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: EmptyBody = None,
) -> Evaluation:
    request = pb.AcknowledgeEvaluationRequest(evaluation_id=evaluation_id)
    reply = await upstreams.call("performance", "AcknowledgeEvaluation", request, caller)
    return Evaluation.from_proto(reply.evaluation)


@router.post("/{evaluation_id}:appeal", summary="Appeal an evaluation (the rep)")
async def appeal_evaluation(
    evaluation_id: EvaluationId, body: Appeal, caller: WritingCaller, upstreams: OpenUpstreams
) -> Evaluation:
    """A shared or acknowledged evaluation, with a reason."""
    request = pb.AppealEvaluationRequest(evaluation_id=evaluation_id, reason=body.reason)
    reply = await upstreams.call("performance", "AppealEvaluation", request, caller)
    return Evaluation.from_proto(reply.evaluation)


@router.post("/{evaluation_id}:resolve", summary="Resolve an appeal (a director)")
async def resolve_appeal(
    evaluation_id: EvaluationId, body: Resolution, caller: WritingCaller, upstreams: OpenUpstreams
) -> Evaluation:
    request = pb.ResolveAppealRequest(
        evaluation_id=evaluation_id,
        outcome=pb.AppealOutcome.ValueType(OUTCOME.from_json(body.outcome)),
        new_rating=body.new_rating,
        comment=body.comment,
    )
    reply = await upstreams.call("performance", "ResolveAppeal", request, caller)
    return Evaluation.from_proto(reply.evaluation)
