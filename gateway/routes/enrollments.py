"""`/v1/enrollments`: reps' enrollments in courses (EnrollmentService).

`POST` assigns a course (`course_id`) or every course of a learning path
(`path_id`) to a rep: a manager above the rep, a director of the rep's
region or an admin; a course the rep has open already is returned as it is
(`created` false). `POST /v1/enrollments:self-enroll` enrolls the calling
rep. `:start`, `:progress` (0-100, never backwards), `:complete` (a manager or
director; the rep for their own self-paced e-learning; never a course that
completes by its assessment, 422 `COMPLETES_ON_ASSESSMENT`) and `:waive`
(with a reason) move an open enrollment on; starting a course whose
prerequisites are not completed is 422 `PREREQUISITES_COMPLETED`. A rep
sees their own enrollments, a manager their reps', directors their regions'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import enrollments_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, RegionFilter, page_request
from gateway.upstreams import OpenUpstreams

ENROLLMENTS = "/v1/enrollments"
router = APIRouter(prefix=ENROLLMENTS, tags=["enrollments"], responses=PROBLEM_RESPONSES)

EnrollmentId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The enrollment's id.")
]


class Enrollment(ProtoModel):
    """A rep's enrollment in a course, and why it exists."""

    enrollment_id: str
    rep_id: str
    region: str
    team_id: str
    course_id: str
    course_code: str
    course_title: str
    path_id: str
    required: bool
    source: str = Field(description="manager, rule or self.")
    reason: str
    rule_id: str
    source_event_id: str
    assigned_by: str
    assign_time: datetime | None
    due_on: str
    progress_pct: int
    status: str = Field(description="assigned, in_progress, completed, overdue or waived.")
    start_time: datetime | None
    complete_time: datetime | None
    score_bp: int
    waived_by: str
    waive_reason: str
    version: int
    update_time: datetime | None


class Assignment(BaseModel):
    """The enrollments an assignment made (or found open), one per course."""

    enrollments: list[Enrollment]
    created: list[bool]


class SelfEnrollment(BaseModel):
    enrollment: Enrollment
    created: bool


class Completion(BaseModel):
    enrollment: Enrollment
    certification_id: str = Field(description="The certification granted; empty when none.")


class EnrollmentList(BaseModel):
    enrollments: list[Enrollment]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rep_id: str
    course_id: str = ""
    path_id: str = ""
    due_on: str = Field(default="", description="ISO 8601 date; empty: none.")
    reason: str = ""


class NewSelfEnrollment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_id: str
    due_on: str = ""


class Progress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    progress_pct: int


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str


@router.post("", status_code=201, summary="Assign a course or a learning path to a rep")
async def assign_enrollment(
    body: NewAssignment, caller: WritingCaller, upstreams: OpenUpstreams
) -> Assignment:
    request = pb.AssignEnrollmentRequest(
        rep_id=body.rep_id,
        course_id=body.course_id,
        path_id=body.path_id,
        due_on=body.due_on,
        reason=body.reason,
    )
    reply = await upstreams.call("training", "AssignEnrollment", request, caller)
    return Assignment(
        enrollments=[Enrollment.from_proto(e) for e in reply.enrollments],
        created=list(reply.created),
    )


@router.post(":self-enroll", status_code=201, summary="Enroll yourself in a course")
async def self_enroll(
    body: NewSelfEnrollment, caller: WritingCaller, upstreams: OpenUpstreams
) -> SelfEnrollment:
    request = pb.SelfEnrollRequest(course_id=body.course_id, due_on=body.due_on)
    reply = await upstreams.call("training", "SelfEnroll", request, caller)
    return SelfEnrollment(enrollment=Enrollment.from_proto(reply.enrollment), created=reply.created)


@router.get("", summary="List enrollments")
async def list_enrollments(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    team_id: Annotated[str, Query(description="Only this team's.")] = "",
    region: RegionFilter = "",
    course_id: Annotated[str, Query(description="Only this course's.")] = "",
    status: Annotated[str, Query(description="A status, or open.")] = "",
    overdue: Annotated[
        bool, Query(description="Only open enrollments past their due date.")
    ] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> EnrollmentList:
    request = pb.ListEnrollmentsRequest(
        rep_id=rep_id,
        team_id=team_id,
        region=region,
        course_id=course_id,
        status=status,
        overdue_only=overdue,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListEnrollments", request, caller)
    return EnrollmentList(
        enrollments=[Enrollment.from_proto(e) for e in reply.enrollments],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{enrollment_id}", summary="Read an enrollment")
async def get_enrollment(
    enrollment_id: EnrollmentId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Enrollment:
    request = pb.GetEnrollmentRequest(enrollment_id=enrollment_id)
    reply = await upstreams.call("training", "GetEnrollment", request, caller)
    return Enrollment.from_proto(reply.enrollment)


@router.post("/{enrollment_id}:start", summary="Start an enrollment")
async def start_enrollment(
    enrollment_id: EnrollmentId, caller: WritingCaller, upstreams: OpenUpstreams
) -> Enrollment:
    request = pb.StartEnrollmentRequest(enrollment_id=enrollment_id)
    reply = await upstreams.call("training", "StartEnrollment", request, caller)
    return Enrollment.from_proto(reply.enrollment)


@router.post("/{enrollment_id}:progress", summary="Record progress")
async def update_progress(
    enrollment_id: EnrollmentId, body: Progress, caller: WritingCaller, upstreams: OpenUpstreams
) -> Enrollment:
    request = pb.UpdateEnrollmentProgressRequest(
        enrollment_id=enrollment_id, progress_pct=body.progress_pct
    )
    reply = await upstreams.call("training", "UpdateEnrollmentProgress", request, caller)
    return Enrollment.from_proto(reply.enrollment)


@router.post("/{enrollment_id}:complete", summary="Mark an enrollment completed")
async def complete_enrollment(
    enrollment_id: EnrollmentId, caller: WritingCaller, upstreams: OpenUpstreams
) -> Completion:
    request = pb.CompleteEnrollmentRequest(enrollment_id=enrollment_id)
    reply = await upstreams.call("training", "CompleteEnrollment", request, caller)
    return Completion(
        enrollment=Enrollment.from_proto(reply.enrollment), certification_id=reply.certification_id
    )


@router.post("/{enrollment_id}:waive", summary="Waive an enrollment")
async def waive_enrollment(
    enrollment_id: EnrollmentId, body: Waiver, caller: WritingCaller, upstreams: OpenUpstreams
) -> Enrollment:
    request = pb.WaiveEnrollmentRequest(enrollment_id=enrollment_id, reason=body.reason)
    reply = await upstreams.call("training", "WaiveEnrollment", request, caller)
    return Enrollment.from_proto(reply.enrollment)
