"""`/v1/reviews`: period reviews per org unit and their improvement actions (ReviewService).

Opening a review (one per unit and fiscal period, once the period has begun)
fills its plan-versus-actual lines from attainment; `:refresh` fills them
again while it is open. `PATCH` changes the findings; `:close` locks the
review and emits `planning.review.closed`. Actions (owner, due date;
open -> in_progress -> done, or dropped with a reason) outlive their review:
the open ones of a unit's earlier reviews come back on its later reviews as
`carried_actions`. Managers of the unit (or above it) and directors of the
region keep reviews; reps read their team's and update the actions they own
(`PATCH /v1/improvement-actions/{action_id}`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import reviews_pb2 as pb

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

REVIEWS = "/v1/reviews"
router = APIRouter(prefix=REVIEWS, tags=["reviews"], responses=PROBLEM_RESPONSES)

REVIEW_STATUS = EnumJson(pb.ReviewStatus.DESCRIPTOR, "REVIEW_STATUS_")
ACTION_STATUS = EnumJson(pb.ImprovementActionStatus.DESCRIPTOR, "IMPROVEMENT_ACTION_STATUS_")
ReviewStatusName = REVIEW_STATUS.literal()
ReviewStatusFilter = REVIEW_STATUS.filter_literal()
ActionStatusName = ACTION_STATUS.literal()
ActionStatusInput = ACTION_STATUS.filter_literal()

ReviewId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The review's id.")
]


class PlanVersusActual(ProtoModel):
    """One target of the unit: plan versus actual when the review was filled."""

    metric: str
    product_line: str
    currency: str = Field(description="The plan currency for revenue; empty for counts.")
    target: int
    actual: int
    expected: int = Field(description="Expected by the fill time at a linear pace.")
    percent_bp: int
    status: str = Field(description="ahead, on_pace, behind or attained.")


class Review(ProtoModel):
    """The review of an org unit for a fiscal period."""

    review_id: str
    org_unit_id: str
    region: str
    period_code: str
    status: ReviewStatusName  # type: ignore[valid-type]
    findings: str
    lines: list[PlanVersusActual]
    filled_time: datetime | None
    closed_by: str
    closed_time: datetime | None
    audit: Audit | None
    version: int


class ImprovementAction(ProtoModel):
    """Something to improve, owned by a rep, due on a date, tracked until done."""

    action_id: str
    review_id: str
    org_unit_id: str
    region: str
    period_code: str = Field(description="The period of the review it was raised in.")
    title: str
    owner_id: str
    due_date: str
    status: ActionStatusName  # type: ignore[valid-type]
    drop_reason: str
    overdue: bool
    done_time: datetime | None
    audit: Audit | None
    version: int


class ReviewWithActions(ProtoModel):
    """A review, the actions raised in it, and the open actions carried into it."""

    review: Review | None
    actions: list[ImprovementAction] = []
    carried_actions: list[ImprovementAction] = Field(
        description="Open actions of the unit's earlier reviews: the same actions, not copies."
    )


class ReviewList(BaseModel):
    """One page of reviews, newest first."""

    reviews: list[Review]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class ImprovementActionList(BaseModel):
    """One page of improvement actions, newest first."""

    actions: list[ImprovementAction]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class OpenReview(BaseModel):
    """The unit and fiscal period to review."""

    model_config = ConfigDict(extra="forbid")

    org_unit_id: str
    period_code: str = Field(examples=["FY2027-Q1"])


class ReviewChange(BaseModel):
    """New findings, and the version the review was read at (optional)."""

    model_config = ConfigDict(extra="forbid")

    findings: str | None = None
    version: int = Field(default=0, ge=0, description="0 skips the check; a stale one is 409.")


class NewAction(BaseModel):
    """An improvement action: what, who, by when."""

    model_config = ConfigDict(extra="forbid")

    title: str
    owner_id: str
    due_date: str = Field(examples=["2027-04-30"], description="ISO 8601, today or later.")


def _change(review_id: str, body: ReviewChange | None, status: int = 0) -> pb.UpdateReviewRequest:
    request = pb.UpdateReviewRequest(
        review_id=review_id,
        version=body.version if body else 0,
        status=pb.ReviewStatus.ValueType(status),
    )
    if body is not None and body.findings is not None:
        request.findings = body.findings
    return request


@router.post("", status_code=201, summary="Open a period review")
async def open_review(
    body: OpenReview, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> ReviewWithActions:
    """One per unit and period (409 for a second); lines filled from attainment now."""
    request = pb.OpenReviewRequest(org_unit_id=body.org_unit_id, period_code=body.period_code)
    reply = await upstreams.call("planning", "OpenReview", request, caller)
    opened = ReviewWithActions.from_proto(reply)
    if opened.review is not None:
        response.headers["Location"] = f"{REVIEWS}/{opened.review.review_id}"
    return opened


@router.get("", summary="List period reviews")
async def list_reviews(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    org_unit_id: Annotated[str, Query(description="Only this unit's reviews.")] = "",
    period: Annotated[str, Query(description="Only reviews of this period.")] = "",
    status: Annotated[
        ReviewStatusFilter | None,  # type: ignore[valid-type]
        Query(description="Only open or closed reviews."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ReviewList:
    """Reviews in the caller's regions (a rep: their team's), newest first."""
    request = pb.ListReviewsRequest(
        org_unit_id=org_unit_id,
        period_code=period,
        status=pb.ReviewStatus.ValueType(REVIEW_STATUS.from_json(status) if status else 0),
        region=region,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("planning", "ListReviews", request, caller)
    return ReviewList(
        reviews=[Review.from_proto(r) for r in reply.reviews],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{review_id}", summary="Read a period review")
async def get_review(
    review_id: ReviewId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> ReviewWithActions:
    """The review, its actions and the open actions carried from earlier reviews."""
    reply = await upstreams.call(
        "planning", "GetReview", pb.GetReviewRequest(review_id=review_id), caller
    )
    return ReviewWithActions.from_proto(reply)


@router.patch("/{review_id}", summary="Change a review's findings")
async def update_review(
    review_id: ReviewId, body: ReviewChange, caller: WritingCaller, upstreams: OpenUpstreams
) -> Review:
    """Only while open: a closed review is locked (422)."""
    reply = await upstreams.call("planning", "UpdateReview", _change(review_id, body), caller)
    return Review.from_proto(reply.review)


@router.post("/{review_id}:refresh", summary="Fill a review again from attainment")
async def refresh_review(
    review_id: ReviewId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Review:
    """Only while open."""
    request = pb.RefreshReviewRequest(review_id=review_id)
    reply = await upstreams.call("planning", "RefreshReview", request, caller)
    return Review.from_proto(reply.review)


@router.post("/{review_id}:close", summary="Close and lock a review")
async def close_review(
    review_id: ReviewId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[ReviewChange | None, Body()] = None,
) -> Review:
    """Optionally with final findings; emits planning.review.closed."""
    request = _change(review_id, body, pb.REVIEW_STATUS_CLOSED)
    reply = await upstreams.call("planning", "UpdateReview", request, caller)
    return Review.from_proto(reply.review)


@router.post("/{review_id}/actions", status_code=201, summary="Add an improvement action")
async def add_action(
    review_id: ReviewId,
    body: NewAction,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> ImprovementAction:
    """To an open review; the owner is a rep of the organisation."""
    request = pb.AddImprovementActionRequest(
        review_id=review_id, title=body.title, owner_id=body.owner_id, due_date=body.due_date
    )
    reply = await upstreams.call("planning", "AddImprovementAction", request, caller)
    action = ImprovementAction.from_proto(reply.action)
    response.headers["Location"] = f"/v1/improvement-actions/{action.action_id}"
    return action


@router.get("/{review_id}/actions", summary="List a review's improvement actions")
async def list_review_actions(
    review_id: ReviewId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ImprovementActionList:
    """The actions raised in this review, newest first."""
    request = pb.ListImprovementActionsRequest(
        review_id=review_id, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("planning", "ListImprovementActions", request, caller)
    return ImprovementActionList(
        actions=[ImprovementAction.from_proto(a) for a in reply.actions],
        next_page_token=reply.page.next_page_token,
    )
