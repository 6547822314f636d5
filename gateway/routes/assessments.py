"""`/v1/assessments`: quizzes of a course, scored by the training service (AssessmentService).

Admins and directors author assessments (`POST`, `PUT`) and read their answer
keys (`correct_options`); everyone else who sees the course reads the
questions without them. A rep with an open enrollment in the course submits
answers (`:submit`; options named by their 0-based index) within the attempt
limit and gets the score; a pass completes the course when the course says
so. `/attempts` lists attempts: a rep their own (score only), a manager
their reps', directors their regions'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import assessments_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import EnumJson, PageSize, PageToken, ProtoModel, page_request
from gateway.upstreams import OpenUpstreams

ASSESSMENTS = "/v1/assessments"
router = APIRouter(prefix=ASSESSMENTS, tags=["assessments"], responses=PROBLEM_RESPONSES)

KIND = EnumJson(pb.QuestionKind.DESCRIPTOR, "QUESTION_KIND_")
KindInput = KIND.filter_literal()
AssessmentId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The assessment's id."),
]


class Question(ProtoModel):
    question_id: str
    position: int
    text: str
    kind: KIND.literal()  # type: ignore[valid-type]
    options: list[str]
    points: int
    correct_options: list[int] = Field(description="The answer key; empty unless you author.")


class Assessment(ProtoModel):
    """An assessment of a course."""

    assessment_id: str
    course_id: str
    course_code: str
    title: str
    pass_mark_bp: int = Field(description="Pass mark, basis points of the total points.")
    max_attempts: int = Field(description="0 = unlimited.")
    total_points: int
    questions: list[Question]
    includes_answer_key: bool
    create_time: datetime | None
    created_by: str
    update_time: datetime | None
    updated_by: str
    version: int


class AssessmentList(BaseModel):
    """One page of assessments, newest first."""

    assessments: list[Assessment]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class QuestionResult(ProtoModel):
    question_id: str
    correct: bool
    points_awarded: int


class Attempt(ProtoModel):
    """A scored attempt (per-question results only for managers and above)."""

    attempt_id: str
    assessment_id: str
    course_id: str
    rep_id: str
    region: str
    enrollment_id: str
    attempt_number: int
    score_points: int
    total_points: int
    score_bp: int
    pass_mark_bp: int
    passed: bool
    results: list[QuestionResult]
    completed_course: bool
    submit_time: datetime | None


class AttemptList(BaseModel):
    """One page of attempts, newest first."""

    attempts: list[Attempt]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    kind: KindInput  # type: ignore[valid-type]
    options: list[str]
    points: int = Field(ge=1, le=1000)
    correct_options: list[int]


class AssessmentSettings(BaseModel):
    """An assessment's settings and all its questions."""

    model_config = ConfigDict(extra="forbid")

    title: str
    pass_mark_bp: int = Field(ge=1, le=10000, examples=[8000])
    max_attempts: int = Field(default=0, ge=0, le=100, description="0 = unlimited.")
    questions: list[NewQuestion]


class NewAssessment(AssessmentSettings):
    course_id: str


class ChangedAssessment(AssessmentSettings):
    expected_version: int = Field(default=0, description="The version read; 0 skips the check.")


class AnswerInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: str
    chosen_options: list[int]


class Submission(BaseModel):
    """The caller's answers; an unanswered question scores nothing."""

    model_config = ConfigDict(extra="forbid")

    answers: list[AnswerInput]


def questions_of(body: AssessmentSettings) -> list[pb.QuestionInput]:
    return [
        pb.QuestionInput(
            text=q.text,
            kind=pb.QuestionKind.ValueType(KIND.from_json(q.kind)),
            options=q.options,
            points=q.points,
            correct_options=q.correct_options,
        )
        for q in body.questions
    ]


@router.get("", summary="List assessments")
async def list_assessments(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    course_id: Annotated[str, Query(description="Only this course's.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> AssessmentList:
    request = pb.ListAssessmentsRequest(
        course_id=course_id, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("training", "ListAssessments", request, caller)
    return AssessmentList(
        assessments=[Assessment.from_proto(a) for a in reply.assessments],
        next_page_token=reply.page.next_page_token,
    )


@router.post("", status_code=201, summary="Create an assessment")
async def create_assessment(
    body: NewAssessment, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Assessment:
    """Admins, or directors for their regions' courses."""
    request = pb.CreateAssessmentRequest(
        course_id=body.course_id,
        title=body.title,
        pass_mark_bp=body.pass_mark_bp,
        max_attempts=body.max_attempts,
        questions=questions_of(body),
    )
    reply = await upstreams.call("training", "CreateAssessment", request, caller)
    assessment = Assessment.from_proto(reply.assessment)
    response.headers["Location"] = f"{ASSESSMENTS}/{assessment.assessment_id}"
    return assessment


@router.get("/{assessment_id}", summary="Read an assessment")
async def get_assessment(
    assessment_id: AssessmentId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Assessment:
    request = pb.GetAssessmentRequest(assessment_id=assessment_id)
    reply = await upstreams.call("training", "GetAssessment", request, caller)
    return Assessment.from_proto(reply.assessment)


@router.put("/{assessment_id}", summary="Replace an assessment's settings and questions")
async def update_assessment(
    assessment_id: AssessmentId,
    body: ChangedAssessment,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Assessment:
    request = pb.UpdateAssessmentRequest(
        assessment_id=assessment_id,
        title=body.title,
        pass_mark_bp=body.pass_mark_bp,
        max_attempts=body.max_attempts,
        questions=questions_of(body),
        expected_version=body.expected_version,
    )
    reply = await upstreams.call("training", "UpdateAssessment", request, caller)
    return Assessment.from_proto(reply.assessment)


@router.post("/{assessment_id}:submit", summary="Submit answers to an assessment")
async def submit_assessment(
    assessment_id: AssessmentId, body: Submission, caller: WritingCaller, upstreams: OpenUpstreams
) -> Attempt:
    """Scored now: one attempt of the caller, within the limit, in an open enrollment."""
    request = pb.SubmitAssessmentRequest(
        assessment_id=assessment_id,
        answers=[
            pb.Answer(question_id=a.question_id, chosen_options=a.chosen_options)
            for a in body.answers
        ],
    )
    reply = await upstreams.call("training", "SubmitAssessment", request, caller)
    return Attempt.from_proto(reply.attempt)


@router.get("/{assessment_id}/attempts", summary="List attempts at an assessment")
async def list_attempts(
    assessment_id: AssessmentId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    region: Annotated[str, Query(description="Only this region's.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> AttemptList:
    request = pb.ListAssessmentAttemptsRequest(
        assessment_id=assessment_id,
        rep_id=rep_id,
        region=region,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListAssessmentAttempts", request, caller)
    return AttemptList(
        attempts=[Attempt.from_proto(a) for a in reply.attempts],
        next_page_token=reply.page.next_page_token,
    )
