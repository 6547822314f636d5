"""`/v1/activities`: calls, meetings, visits, emails and tasks (ActivityService).

Each activity is linked to exactly one lead, opportunity or customer. A task
stays open until `:complete` records its outcome; the other kinds happened
when they are logged. Lists filter by that target (at most one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import activities_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import IsoDate
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

ACTIVITY_TYPE = EnumJson(pb.ActivityType.DESCRIPTOR, "ACTIVITY_TYPE_")
ACTIVITY_STATUS = EnumJson(pb.ActivityStatus.DESCRIPTOR, "ACTIVITY_STATUS_")
ActivityTypeName = ACTIVITY_TYPE.literal()
ActivityTypeInput = ACTIVITY_TYPE.filter_literal()
ActivityStatusName = ACTIVITY_STATUS.literal()
ActivityStatusFilter = ACTIVITY_STATUS.filter_literal()

router = APIRouter(prefix="/v1/activities", tags=["activities"], responses=PROBLEM_RESPONSES)

ActivityId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The activity's id.")
]


class Activity(ProtoModel):
    """A call, meeting, visit, email or task."""

    activity_id: str
    region: str
    type: ActivityTypeName  # type: ignore[valid-type]
    subject: str
    outcome: str
    owner_id: str
    lead_id: str
    opportunity_id: str
    customer_id: str
    due_date: str
    status: ActivityStatusName  # type: ignore[valid-type]
    occur_time: datetime | None
    complete_time: datetime | None
    audit: Audit | None


class ActivityList(BaseModel):
    """One page of activities, newest first."""

    activities: list[Activity]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class LogActivityRequest(BaseModel):
    """An activity linked to exactly one of lead_id, opportunity_id and customer_id."""

    model_config = ConfigDict(extra="forbid")

    type: ActivityTypeInput = Field(examples=["meeting"])  # type: ignore[valid-type]
    subject: str = Field(examples=["Discovery meeting with the CFO"])
    outcome: str = ""
    due_date: IsoDate = ""
    lead_id: str = ""
    opportunity_id: str = ""
    customer_id: str = ""
    owner_id: str = Field(default="", description="Defaults to the caller.")
    occur_time: datetime | None = Field(default=None, description="Defaults to now.")


class CompleteActivityRequest(BaseModel):
    """What came of the task."""

    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(examples=["questionnaire sent"])


@router.post("", status_code=201, summary="Log an activity")
async def log_activity(
    body: LogActivityRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Activity:
    """Record an activity; emits `pipeline.activity.logged`."""
    occur_time = None
    if body.occur_time is not None:
        occur_time = Timestamp()
        occur_time.FromDatetime(body.occur_time)
    request = pb.LogActivityRequest(
        type=pb.ActivityType.ValueType(ACTIVITY_TYPE.from_json(body.type)),
        subject=body.subject,
        outcome=body.outcome,
        due_date=body.due_date,
        lead_id=body.lead_id,
        opportunity_id=body.opportunity_id,
        customer_id=body.customer_id,
        owner_id=body.owner_id,
        occur_time=occur_time,
    )
    answer = await upstreams.call("pipeline", "LogActivity", request, caller)
    activity = Activity.from_proto(answer.activity)
    response.headers["Location"] = f"{router.prefix}/{activity.activity_id}"
    return activity


@router.get("", summary="List activities")
async def list_activities(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    lead_id: Annotated[str, Query(description="Only activities on this lead.")] = "",
    opportunity_id: Annotated[str, Query(description="Only activities on this deal.")] = "",
    customer_id: Annotated[str, Query(description="Only activities on this customer.")] = "",
    owner_id: Annotated[str, Query(description="Only this person's activities.")] = "",
    type: Annotated[
        ActivityTypeInput | None,  # type: ignore[valid-type]
        Query(description="Only this kind."),
    ] = None,
    status: Annotated[
        ActivityStatusFilter | None,  # type: ignore[valid-type]
        Query(description="open: tasks still to do."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ActivityList:
    """Activities in the caller's scope, newest first; filter by at most one target."""
    request = pb.ListActivitiesRequest(
        region=region,
        lead_id=lead_id,
        opportunity_id=opportunity_id,
        customer_id=customer_id,
        owner_id=owner_id,
        type=pb.ActivityType.ValueType(ACTIVITY_TYPE.from_json(type) if type else 0),
        status=pb.ActivityStatus.ValueType(ACTIVITY_STATUS.from_json(status) if status else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("pipeline", "ListActivities", request, caller)
    return ActivityList(
        activities=[Activity.from_proto(a) for a in response.activities],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{activity_id}", summary="Read an activity")
async def get_activity(
    activity_id: ActivityId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Activity:
    """An activity outside the caller's scope is 404."""
    request = pb.GetActivityRequest(activity_id=activity_id)
    response = await upstreams.call("pipeline", "GetActivity", request, caller)
    return Activity.from_proto(response.activity)


@router.post("/{activity_id}:complete", summary="Complete a task")
async def complete_activity(
    activity_id: ActivityId,
    body: CompleteActivityRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Activity:
    """Complete an open task with its outcome; emits `pipeline.activity.completed`."""
    request = pb.CompleteActivityRequest(activity_id=activity_id, outcome=body.outcome)
    response = await upstreams.call("pipeline", "CompleteActivity", request, caller)
    return Activity.from_proto(response.activity)
