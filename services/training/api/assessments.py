"""AssessmentService: quizzes of a course, scored on the server.

Authors (admins, and directors for their regions' courses) create and
update assessments and read their answer keys; everyone else who sees the
course reads the questions without keys. A rep submits answers with an open
enrollment in the course (an assigned enrollment is started by the
submission), within the attempt limit; the attempt is scored
(`domain.assessments.score`), stored, and announced as
`training.assessment.passed` or `.failed`. A pass completes the enrollment
(`enrollment_store.complete_enrollment`) when the course
`completes_on_assessment`. Attempts: a rep reads their own, without
per-question results (with what they chose, those would reveal the key); a
manager those of the reps below them; directors, executives and admins
their regions'.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import training_assessment_events_pb2 as events
from salesops.training.v1 import assessments_pb2 as pb
from salesops.training.v1 import assessments_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit.db import Database, utcnow
from services.kit.errors import Aborted, FailedPrecondition, PermissionDenied, Validator
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.records import load_visible, where_equal
from services.training.domain import assessments as domain
from services.training.models.assessments import (
    AssessmentAttemptRecord,
    AssessmentQuestionRecord,
    AssessmentRecord,
    attempts_used,
    questions_of,
)
from services.training.models.certifications import visible_rep_ids
from services.training.models.core import CourseRecord, EnrollmentRecord, EnrollmentStatus
from services.training.models.enrollment_store import complete_enrollment, open_enrollment

ASSESSMENT_PASSED = "training.assessment.passed"
ASSESSMENT_FAILED = "training.assessment.failed"
AUTHORS = frozenset({"admin", "director"})
# Who reads per-question results of an attempt (a rep would learn the key from them).
RESULT_READERS = frozenset({"admin", "director", "executive", "manager"})
RULE_OPEN_ENROLLMENT = "open_enrollment"

KIND = {
    domain.SINGLE: pb.QUESTION_KIND_SINGLE_CHOICE,
    domain.MULTIPLE: pb.QUESTION_KIND_MULTIPLE_CHOICE,
}
KIND_OF = {number: kind for kind, number in KIND.items()}


def is_author(caller: Caller) -> bool:
    return bool(caller.roles & AUTHORS)


def shows_results(caller: Caller, attempt: AssessmentAttemptRecord) -> bool:
    """Per-question results: for authors, and for managers and above about someone else's attempt.

    Whoever took the attempt knows what they chose, so which questions were
    right would tell them the key: they get the score only (unless they author).
    """
    if is_author(caller):
        return True
    return bool(caller.roles & RESULT_READERS) and attempt.rep_id != caller.subject


def course_visible(caller: Caller, course: CourseRecord) -> bool:
    """A course of every region ("") is seen by every reader; a regional one within the region."""
    return not course.region or caller.has_region(course.region)


def question_to_proto(record: AssessmentQuestionRecord, with_key: bool) -> pb.Question:
    spec = record.spec()
    return pb.Question(
        question_id=record.question_id,
        position=record.position,
        text=record.text,
        kind=KIND.get(record.kind, pb.QUESTION_KIND_UNSPECIFIED),
        options=list(spec.options),
        points=record.points,
        correct_options=sorted(spec.correct) if with_key else [],
    )


def assessment_to_proto(
    session: Session, record: AssessmentRecord, with_key: bool
) -> pb.Assessment:
    course = session.get(CourseRecord, record.course_id)
    questions = questions_of(session, record.assessment_id)
    return pb.Assessment(
        assessment_id=record.assessment_id,
        course_id=record.course_id,
        course_code=course.code if course else "",
        title=record.title,
        pass_mark_bp=record.pass_mark_bp,
        max_attempts=record.max_attempts,
        total_points=sum(q.points for q in questions),
        questions=[question_to_proto(q, with_key) for q in questions],
        includes_answer_key=with_key,
        create_time=timestamp(record.created_at),
        created_by=record.created_by,
        update_time=timestamp(record.updated_at),
        updated_by=record.updated_by,
        version=record.version,
    )


def attempt_to_proto(record: AssessmentAttemptRecord, with_results: bool) -> pb.AssessmentAttempt:
    results = (
        [
            pb.QuestionResult(
                question_id=str(r["question_id"]),
                correct=bool(r["correct"]),
                points_awarded=int(str(r["points"])),
            )
            for r in record.results
        ]
        if with_results
        else []
    )
    return pb.AssessmentAttempt(
        attempt_id=record.attempt_id,
        assessment_id=record.assessment_id,
        course_id=record.course_id,
        rep_id=record.rep_id,
        region=record.region,
        enrollment_id=record.enrollment_id,
        attempt_number=record.attempt_number,
        score_points=record.score_points,
        total_points=record.total_points,
        score_bp=record.score_bp,
        pass_mark_bp=record.pass_mark_bp,
        passed=record.passed,
        results=results,
        completed_course=record.completed_course,
        submit_time=timestamp(record.submitted_at),
    )


def specs_of(v: Validator, inputs: Sequence[pb.QuestionInput]) -> list[domain.QuestionSpec]:
    specs = [
        domain.QuestionSpec(
            text=q.text,
            kind=KIND_OF.get(q.kind, ""),
            options=tuple(q.options),
            points=q.points,
            correct=frozenset(q.correct_options),
        )
        for q in inputs
    ]
    domain.validate_questions(v, specs)
    for i, q in enumerate(inputs):
        if len(set(q.correct_options)) != len(q.correct_options):
            v.add(f"questions[{i}].correct_options", "names an option twice")
    return specs


def write_questions(
    session: Session, assessment_id: str, specs: Sequence[domain.QuestionSpec]
) -> None:
    """Replace the assessment's questions with `specs`, in order."""
    session.execute(
        sa.delete(AssessmentQuestionRecord).where(
            AssessmentQuestionRecord.assessment_id == assessment_id
        )
    )
    for position, spec in enumerate(specs, start=1):
        session.add(
            AssessmentQuestionRecord(
                question_id=str(uuid.uuid4()),
                assessment_id=assessment_id,
                position=position,
                text=spec.text.strip(),
                kind=spec.kind,
                options=[option.strip() for option in spec.options],
                points=spec.points,
                correct_options=",".join(str(i) for i in sorted(spec.correct)),
            )
        )


class AssessmentServicer(assessments_pb2_grpc.AssessmentServiceServicer):
    """Assessments and their attempts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _course_for_author(self, session: Session, caller: Caller, course_id: str) -> CourseRecord:
        caller.require_reader()
        course = load_visible(
            session,
            CourseRecord,
            course_id,
            kind="course",
            field_name="course_id",
            visible=lambda c: course_visible(caller, c),
        )
        if not is_author(caller):
            raise PermissionDenied("assessments are written by admins and directors")
        if course.region:
            caller.require_writer(course.region)
        elif "admin" not in caller.roles:
            raise PermissionDenied("assessments of courses for every region are written by admins")
        return course

    def _load(
        self, session: Session, caller: Caller, assessment_id: str, *, for_update: bool = False
    ) -> tuple[AssessmentRecord, CourseRecord]:
        caller.require_reader()

        def visible(record: AssessmentRecord) -> bool:
            course = session.get(CourseRecord, record.course_id)
            return course is not None and course_visible(caller, course)

        record = load_visible(
            session,
            AssessmentRecord,
            assessment_id,
            kind="assessment",
            field_name="assessment_id",
            visible=visible,
            for_update=for_update,
        )
        course = session.get(CourseRecord, record.course_id)
        assert course is not None  # checked by `visible`
        return record, course

    def CreateAssessment(
        self, request: pb.CreateAssessmentRequest, context: grpc.ServicerContext
    ) -> pb.CreateAssessmentResponse:
        caller = current_caller()
        v = Validator()
        v.require("course_id", request.course_id, 36)
        domain.validate_settings(v, request.title, request.pass_mark_bp, request.max_attempts)
        specs = specs_of(v, request.questions)
        v.raise_if_any()
        now = utcnow()
        with self.db.transaction() as session:
            course = self._course_for_author(session, caller, request.course_id)
            record = AssessmentRecord(
                assessment_id=str(uuid.uuid4()),
                course_id=course.course_id,
                title=request.title.strip(),
                pass_mark_bp=request.pass_mark_bp,
                max_attempts=request.max_attempts,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(record)
            write_questions(session, record.assessment_id, specs)
            session.flush()
            return pb.CreateAssessmentResponse(
                assessment=assessment_to_proto(session, record, with_key=True)
            )

    def UpdateAssessment(
        self, request: pb.UpdateAssessmentRequest, context: grpc.ServicerContext
    ) -> pb.UpdateAssessmentResponse:
        caller = current_caller()
        v = Validator()
        domain.validate_settings(v, request.title, request.pass_mark_bp, request.max_attempts)
        specs = specs_of(v, request.questions)
        v.raise_if_any()
        now = utcnow()
        with self.db.transaction() as session:
            record, course = self._load(session, caller, request.assessment_id, for_update=True)
            self._course_for_author(session, caller, course.course_id)
            if request.expected_version and request.expected_version != record.version:
                raise Aborted(
                    f"assessment {record.assessment_id} is at version {record.version}, "
                    f"not {request.expected_version}; read it again"
                )
            record.title = request.title.strip()
            record.pass_mark_bp = request.pass_mark_bp
            record.max_attempts = request.max_attempts
            record.updated_at = now
            record.updated_by = caller.subject
            record.version += 1
            write_questions(session, record.assessment_id, specs)
            session.flush()
            return pb.UpdateAssessmentResponse(
                assessment=assessment_to_proto(session, record, with_key=True)
            )

    def GetAssessment(
        self, request: pb.GetAssessmentRequest, context: grpc.ServicerContext
    ) -> pb.GetAssessmentResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            record, _ = self._load(session, caller, request.assessment_id)
            return pb.GetAssessmentResponse(
                assessment=assessment_to_proto(session, record, with_key=is_author(caller))
            )

    def ListAssessments(
        self, request: pb.ListAssessmentsRequest, context: grpc.ServicerContext
    ) -> pb.ListAssessmentsResponse:
        caller = current_caller()
        caller.require_reader()
        course_id = request.course_id.strip()
        query = where_equal(
            sa.select(AssessmentRecord), [(AssessmentRecord.course_id, course_id)]
        ).join(CourseRecord, CourseRecord.course_id == AssessmentRecord.course_id)
        if not caller.sees_all_regions:
            query = query.where(CourseRecord.region.in_(["", *sorted(caller.regions)]))
        with self.db.transaction() as session:
            records, next_token = keyset_page(
                session,
                query,
                created=AssessmentRecord.created_at,
                key=AssessmentRecord.assessment_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"course_id": course_id},
                cursor_of=lambda r: Cursor(r.created_at, r.assessment_id),
            )
            with_key = is_author(caller)
            return pb.ListAssessmentsResponse(
                assessments=[assessment_to_proto(session, r, with_key) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def SubmitAssessment(
        self, request: pb.SubmitAssessmentRequest, context: grpc.ServicerContext
    ) -> pb.SubmitAssessmentResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            record, course = self._load(session, caller, request.assessment_id)
            questions = questions_of(session, record.assessment_id)
            specs = {q.question_id: q.spec() for q in questions}
            v = Validator()
            answers = [(a.question_id, list(a.chosen_options)) for a in request.answers]
            domain.validate_answers(v, answers, specs)
            v.raise_if_any()
            enrollment = self._open_enrollment(session, caller, course)
            caller.require_writer(enrollment.region)
            used = attempts_used(session, record.assessment_id, caller.subject)
            domain.require_attempt_allowed(record.assessment_id, record.max_attempts, used)
            scored = domain.score(
                [(q.question_id, specs[q.question_id]) for q in questions],
                {question_id: frozenset(chosen) for question_id, chosen in answers},
                record.pass_mark_bp,
            )
            if enrollment.status == EnrollmentStatus.ASSIGNED.value:
                enrollment.status = EnrollmentStatus.IN_PROGRESS.value
                enrollment.started_at = now
                enrollment.updated_at = now
                enrollment.version += 1
            chosen_by_question = dict(answers)
            attempt = AssessmentAttemptRecord(
                attempt_id=str(uuid.uuid4()),
                assessment_id=record.assessment_id,
                course_id=course.course_id,
                rep_id=caller.subject,
                region=enrollment.region,
                team_id=enrollment.team_id,
                enrollment_id=enrollment.enrollment_id,
                attempt_number=used + 1,
                score_points=scored.points,
                total_points=scored.total,
                score_bp=scored.score_bp,
                pass_mark_bp=record.pass_mark_bp,
                passed=scored.passed,
                completed_course=False,
                results=[
                    {
                        "question_id": r.question_id,
                        "chosen": sorted(chosen_by_question.get(r.question_id, [])),
                        "correct": r.correct,
                        "points": r.points_awarded,
                    }
                    for r in scored.results
                ],
                submitted_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(attempt)
                    session.flush()
            except IntegrityError:
                raise Aborted(
                    "another attempt at this assessment was submitted meanwhile; submit again"
                ) from None
            if scored.passed and course.completes_on_assessment:
                complete_enrollment(
                    session,
                    enrollment,
                    completed_at=now,
                    score_bp=scored.score_bp,
                    actor=caller.subject,
                    caller=caller,
                )
                attempt.completed_course = True
            self._announce(session, caller, attempt, course, now.date().isoformat())
            session.flush()
            return pb.SubmitAssessmentResponse(
                attempt=attempt_to_proto(attempt, shows_results(caller, attempt))
            )

    def _open_enrollment(
        self, session: Session, caller: Caller, course: CourseRecord
    ) -> EnrollmentRecord:
        """The caller's open enrollment in the course; FailedPrecondition `open_enrollment`."""
        enrollment = open_enrollment(session, caller.subject, course.course_id)
        if enrollment is None:
            raise FailedPrecondition.of(
                RULE_OPEN_ENROLLMENT,
                f"courses/{course.code}",
                f"{caller.subject} has no open enrollment in {course.code}; "
                "an assessment is taken within an enrollment",
            )
        session.refresh(enrollment, with_for_update=True)
        return enrollment

    def _announce(
        self,
        session: Session,
        caller: Caller,
        attempt: AssessmentAttemptRecord,
        course: CourseRecord,
        submitted: str,
    ) -> None:
        common: dict[str, Any] = {
            "attempt_id": attempt.attempt_id,
            "assessment_id": attempt.assessment_id,
            "course_id": course.course_id,
            "course_code": course.code,
            "rep_id": attempt.rep_id,
            "region": attempt.region,
            "enrollment_id": attempt.enrollment_id,
            "attempt_number": attempt.attempt_number,
            "score_points": attempt.score_points,
            "total_points": attempt.total_points,
            "score_bp": attempt.score_bp,
            "pass_mark_bp": attempt.pass_mark_bp,
            "submitted_date": submitted,
        }
        if attempt.passed:
            record_event(
                session,
                ASSESSMENT_PASSED,
                events.AssessmentPassed(**common, completed_course=attempt.completed_course),
                region=attempt.region,
                caller=caller,
            )
            return
        record = session.get(AssessmentRecord, attempt.assessment_id)
        limit = record.max_attempts if record else 0
        record_event(
            session,
            ASSESSMENT_FAILED,
            events.AssessmentFailed(
                **common,
                attempts_left=domain.attempts_left(limit, attempt.attempt_number),
            ),
            region=attempt.region,
            caller=caller,
        )

    def ListAssessmentAttempts(
        self, request: pb.ListAssessmentAttemptsRequest, context: grpc.ServicerContext
    ) -> pb.ListAssessmentAttemptsResponse:
        caller = current_caller()
        caller.require_reader()
        assessment_id = request.assessment_id.strip()
        rep_id = request.rep_id.strip()
        region = request.region.strip().upper()
        query = where_equal(
            sa.select(AssessmentAttemptRecord),
            [
                (AssessmentAttemptRecord.assessment_id, assessment_id),
                (AssessmentAttemptRecord.rep_id, rep_id),
            ],
        )
        regions = caller.readable_regions(region)
        if regions is not None:
            query = query.where(AssessmentAttemptRecord.region.in_(sorted(regions)))
        with self.db.transaction() as session:
            visible = visible_rep_ids(session, caller)
            if visible is not None:
                query = query.where(AssessmentAttemptRecord.rep_id.in_(sorted(visible)))
            records, next_token = keyset_page(
                session,
                query,
                created=AssessmentAttemptRecord.submitted_at,
                key=AssessmentAttemptRecord.attempt_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"assessment_id": assessment_id, "rep_id": rep_id, "region": region},
                cursor_of=lambda r: Cursor(r.submitted_at, r.attempt_id),
            )
            return pb.ListAssessmentAttemptsResponse(
                attempts=[attempt_to_proto(r, shows_results(caller, r)) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the AssessmentService to `server`; return its full name."""
    assessments_pb2_grpc.add_AssessmentServiceServicer_to_server(AssessmentServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["AssessmentService"].full_name]
