"""Assessments over real gRPC (SQLite and PostgreSQL): authoring, keys, scoring, attempts."""

from __future__ import annotations

from collections.abc import Sequence

import grpc
import pytest
import sqlalchemy as sa
from salesops.training.v1 import assessments_pb2 as pb
from salesops.training.v1 import assessments_pb2_grpc

from services.kit.db import Database
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types
from services.training.models.assessments import AssessmentAttemptRecord
from services.training.models.core import CertificationRecord
from services.training.tests.assessments_support import (
    MULTIPLE,
    SINGLE,
    assessments,
    channel,
    db,
    quiz_questions,
)
from services.training.tests.training_support import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    MANAGER_A,
    REP_1,
    REP_2,
    REP_3,
    add_course,
    add_enrollment,
    enrollment,
    outbox_events,
)

__all__ = ["assessments", "channel", "db"]

Stub = assessments_pb2_grpc.AssessmentServiceStub
# Answers to quiz_questions(): all right, and the 1- and 2-point questions wrong.
ALL_RIGHT = {0: [1], 1: [0, 2], 2: [3]}
ONLY_LAST = {0: [0], 1: [0], 2: [3]}


def create(
    assessments: Stub,
    course_id: str,
    *,
    pass_mark_bp: int = 5000,
    max_attempts: int = 0,
    metadata: list[tuple[str, str]] = ADMIN,
) -> pb.Assessment:
    return assessments.CreateAssessment(
        pb.CreateAssessmentRequest(
            course_id=course_id,
            title="Product quiz",
            pass_mark_bp=pass_mark_bp,
            max_attempts=max_attempts,
            questions=quiz_questions(),
        ),
        metadata=metadata,
    ).assessment


def submit(
    assessments: Stub,
    assessment: pb.Assessment,
    chosen: dict[int, Sequence[int]],
    metadata: list[tuple[str, str]] = REP_1,
) -> pb.AssessmentAttempt:
    return assessments.SubmitAssessment(
        pb.SubmitAssessmentRequest(
            assessment_id=assessment.assessment_id,
            answers=[
                pb.Answer(question_id=assessment.questions[i].question_id, chosen_options=options)
                for i, options in chosen.items()
            ],
        ),
        metadata=metadata,
    ).attempt


def attempts_in(db: Database) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(sa.select(sa.func.count()).select_from(AssessmentAttemptRecord)) or 0
        )


def test_authoring_is_for_admins_and_directors_and_names_every_bad_field(
    assessments: Stub, db: Database
) -> None:
    course = add_course(db, "analytics-101", region="EMEA")
    global_course = add_course(db, "ethics-101")
    error = failure(
        lambda: assessments.CreateAssessment(
            pb.CreateAssessmentRequest(
                course_id=course,
                title="",
                pass_mark_bp=0,
                max_attempts=-1,
                questions=[
                    pb.QuestionInput(
                        text="Q", kind=SINGLE, options=["a", "b"], points=1, correct_options=[0, 1]
                    ),
                    pb.QuestionInput(text="", kind=MULTIPLE, options=["a"], points=0),
                ],
            ),
            metadata=ADMIN,
        )
    )
    assert bad_fields(error) == [
        "max_attempts",
        "pass_mark_bp",
        "questions[0].correct_options",
        "questions[1].correct_options",
        "questions[1].options",
        "questions[1].points",
        "questions[1].text",
        "title",
    ]
    for who in (REP_1, MANAGER_A):
        assert failure(lambda who=who: create(assessments, course, metadata=who)).code() == (
            grpc.StatusCode.PERMISSION_DENIED
        )
    # A director authors their region's courses, not those of every region.
    assert create(assessments, course, metadata=DIRECTOR).total_points == 6
    denied = failure(lambda: create(assessments, global_course, metadata=DIRECTOR))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    hidden = failure(lambda: create(assessments, course, metadata=APAC_DIRECTOR))
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    assert create(assessments, global_course).course_id == global_course


def test_answer_keys_never_reach_a_rep(assessments: Stub, db: Database) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course)
    assert [list(q.correct_options) for q in made.questions] == [[1], [0, 2], [3]]
    for who in (REP_1, MANAGER_A, EXECUTIVE):
        read = assessments.GetAssessment(
            pb.GetAssessmentRequest(assessment_id=made.assessment_id), metadata=who
        ).assessment
        assert not read.includes_answer_key
        assert all(not q.correct_options for q in read.questions)
        assert [list(q.options) for q in read.questions] == [
            list(q.options) for q in made.questions
        ]
        listed = assessments.ListAssessments(pb.ListAssessmentsRequest(), metadata=who)
        assert all(not q.correct_options for a in listed.assessments for q in a.questions)
    authored = assessments.GetAssessment(
        pb.GetAssessmentRequest(assessment_id=made.assessment_id), metadata=DIRECTOR
    ).assessment
    assert authored.includes_answer_key and list(authored.questions[1].correct_options) == [0, 2]
    # Nor through an attempt: a rep gets the score, not which questions were right.
    add_enrollment(db, "rep-1", course)
    attempt = submit(assessments, made, ONLY_LAST)
    assert (attempt.score_points, attempt.results) == (3, [])
    mine = assessments.ListAssessmentAttempts(pb.ListAssessmentAttemptsRequest(), metadata=REP_1)
    assert [a.results for a in mine.attempts] == [[]]
    seen = assessments.ListAssessmentAttempts(
        pb.ListAssessmentAttemptsRequest(), metadata=MANAGER_A
    )
    assert [r.correct for r in seen.attempts[0].results] == [False, False, True]


def test_scoring_is_exact_all_or_nothing_and_rounds_down(assessments: Stub, db: Database) -> None:
    course = add_course(db, "analytics-101")
    # 3 of 6 points is exactly 5000 bp: the pass mark passes; 2 of 6 is 3333 bp.
    made = create(assessments, course, pass_mark_bp=5000)
    add_enrollment(db, "rep-1", course)
    at_mark = submit(assessments, made, ONLY_LAST)
    assert (at_mark.score_points, at_mark.total_points, at_mark.score_bp) == (3, 6, 5000)
    assert at_mark.passed
    # One of the two correct options of the multiple-choice question: no points for it.
    partial = submit(assessments, made, {0: [0], 1: [0], 2: [0]})
    assert (partial.score_points, partial.score_bp, partial.passed) == (0, 0, False)
    # Too many options chosen scores nothing too; unanswered questions score 0.
    two = submit(assessments, made, {1: [0, 1, 2]})
    assert two.score_points == 0
    one_of_three = submit(assessments, made, {1: [0, 2]})
    assert (one_of_three.score_points, one_of_three.score_bp) == (2, 3333)
    full = submit(assessments, made, ALL_RIGHT)
    assert (full.score_points, full.score_bp, full.passed) == (6, 10000, True)
    strict = create(assessments, course, pass_mark_bp=5001)
    below = submit(assessments, strict, ONLY_LAST)
    assert (below.score_bp, below.passed) == (5000, False)


def test_bad_answers_are_named_and_nothing_is_written(assessments: Stub, db: Database) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course)
    add_enrollment(db, "rep-1", course)
    error = failure(
        lambda: assessments.SubmitAssessment(
            pb.SubmitAssessmentRequest(
                assessment_id=made.assessment_id,
                answers=[
                    pb.Answer(question_id="nope", chosen_options=[0]),
                    pb.Answer(question_id=made.questions[0].question_id, chosen_options=[0, 1]),
                    pb.Answer(question_id=made.questions[1].question_id, chosen_options=[7]),
                    pb.Answer(question_id=made.questions[2].question_id, chosen_options=[1, 1]),
                ],
            ),
            metadata=REP_1,
        )
    )
    assert bad_fields(error) == [
        "answers[0].question_id",
        "answers[1].chosen_options",
        "answers[2].chosen_options",
        "answers[3].chosen_options",
    ]
    assert attempts_in(db) == 0
    assert outbox_events(db, "training.assessment.failed") == []


@pytest.mark.parametrize("limit", [1, 3])
def test_the_attempt_limit_allows_exactly_its_number(
    assessments: Stub, db: Database, limit: int
) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course, pass_mark_bp=10000, max_attempts=limit)
    add_enrollment(db, "rep-1", course)
    add_enrollment(db, "rep-2", course)
    lefts = [
        outcome.attempt_number for outcome in (submit(assessments, made, {}) for _ in range(limit))
    ]
    assert lefts == list(range(1, limit + 1))
    refused = failure(lambda: submit(assessments, made, ALL_RIGHT))
    assert rule_types(refused) == ["attempt_limit"]
    assert attempts_in(db) == limit
    failed = outbox_events(db, "training.assessment.failed")
    assert [e["payload"].get("attempts_left", 0) for e in failed] == list(range(limit - 1, -1, -1))
    assert outbox_events(db, "training.assessment.passed") == []
    # The limit is per rep.
    assert submit(assessments, made, ALL_RIGHT, metadata=REP_2).passed


def test_no_limit_means_unlimited(assessments: Stub, db: Database) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course, pass_mark_bp=10000, max_attempts=0)
    add_enrollment(db, "rep-1", course)
    numbers = [submit(assessments, made, {}).attempt_number for _ in range(6)]
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert outbox_events(db, "training.assessment.failed")[-1]["payload"]["attempts_left"] == -1


def test_an_open_enrollment_is_required_and_an_assigned_one_starts(
    assessments: Stub, db: Database
) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course)
    assert rule_types(failure(lambda: submit(assessments, made, ALL_RIGHT))) == ["open_enrollment"]
    assert attempts_in(db) == 0
    enrollment_id = add_enrollment(db, "rep-1", course)
    assert enrollment(db, enrollment_id).status == "assigned"
    attempt = submit(assessments, made, ONLY_LAST)
    assert attempt.enrollment_id == enrollment_id
    started = enrollment(db, enrollment_id)
    assert started.status == "in_progress" and started.started_at is not None


def test_a_pass_completes_the_course_only_when_the_course_says_so(
    assessments: Stub, db: Database
) -> None:
    completing = add_course(db, "analytics-101", completes_on_assessment=True)
    practice = add_course(db, "analytics-practice", completes_on_assessment=False)
    completing_quiz = create(assessments, completing, pass_mark_bp=8000)
    practice_quiz = create(assessments, practice, pass_mark_bp=8000)
    completing_enrollment = add_enrollment(db, "rep-1", completing)
    practice_enrollment = add_enrollment(db, "rep-1", practice)

    # A failed attempt completes nothing.
    assert not submit(assessments, completing_quiz, ONLY_LAST).completed_course
    assert enrollment(db, completing_enrollment).status == "in_progress"

    practice_pass = submit(assessments, practice_quiz, ALL_RIGHT)
    assert practice_pass.passed and not practice_pass.completed_course
    assert enrollment(db, practice_enrollment).status == "in_progress"
    assert outbox_events(db, "training.course.completed") == []

    passed = submit(assessments, completing_quiz, ALL_RIGHT)
    assert passed.passed and passed.completed_course
    done = enrollment(db, completing_enrollment)
    assert (done.status, done.score_bp) == ("completed", 10000)
    completed = outbox_events(db, "training.course.completed")
    assert [(e["payload"]["course_id"], e["payload"]["score_bp"]) for e in completed] == [
        (completing, 10000)
    ]
    # The enrollment is closed: another attempt has none to count in.
    assert rule_types(failure(lambda: submit(assessments, completing_quiz, ALL_RIGHT))) == [
        "open_enrollment"
    ]


def test_passing_a_certification_course_grants_the_certification(
    assessments: Stub, db: Database
) -> None:
    course = add_course(
        db,
        "analytics-cert",
        completes_on_assessment=True,
        certifies_product_line="analytics",
        certification_valid_months=12,
    )
    made = create(assessments, course, pass_mark_bp=8000)
    add_enrollment(db, "rep-1", course)
    assert submit(assessments, made, ALL_RIGHT).completed_course
    with db.transaction() as session:
        granted = session.scalars(sa.select(CertificationRecord)).one()
        assert (granted.rep_id, granted.product_line, granted.status) == (
            "rep-1",
            "analytics",
            "valid",
        )
    assert len(outbox_events(db, "training.certification.granted")) == 1


def test_events_carry_the_attempt(assessments: Stub, db: Database) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course, pass_mark_bp=5000, max_attempts=3)
    enrollment_id = add_enrollment(db, "rep-1", course)
    failed = submit(assessments, made, {0: [1]})
    passed = submit(assessments, made, ALL_RIGHT)
    [failed_event] = outbox_events(db, "training.assessment.failed")
    [passed_event] = outbox_events(db, "training.assessment.passed")
    assert failed_event["region"] == "EMEA" and failed_event["actor"] == "rep-1"
    assert failed_event["payload"] == {
        "attempt_id": failed.attempt_id,
        "assessment_id": made.assessment_id,
        "course_id": course,
        "course_code": "analytics-101",
        "rep_id": "rep-1",
        "region": "EMEA",
        "enrollment_id": enrollment_id,
        "attempt_number": 1,
        "score_points": 1,
        "total_points": 6,
        "score_bp": 1666,
        "pass_mark_bp": 5000,
        "submitted_date": failed_event["payload"]["submitted_date"],
        "attempts_left": 2,
    }
    assert passed_event["payload"]["attempt_id"] == passed.attempt_id
    assert passed_event["payload"]["attempt_number"] == 2
    assert passed_event["payload"]["score_bp"] == 10000
    assert "completed_course" not in passed_event["payload"]  # the course does not complete


def test_attempts_are_scoped(assessments: Stub, db: Database) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course)
    for rep, who in (("rep-1", REP_1), ("rep-2", REP_2), ("rep-3", REP_3)):
        add_enrollment(db, rep, course)
        submit(assessments, made, ALL_RIGHT, metadata=who)

    def reps(metadata: list[tuple[str, str]], **filters: str) -> list[str]:
        reply = assessments.ListAssessmentAttempts(
            pb.ListAssessmentAttemptsRequest(**filters), metadata=metadata
        )
        return sorted(a.rep_id for a in reply.attempts)

    assert reps(REP_1) == ["rep-1"]
    assert reps(REP_1, rep_id="rep-2") == []
    assert reps(MANAGER_A) == ["rep-1", "rep-2"]
    assert reps(DIRECTOR) == ["rep-1", "rep-2", "rep-3"]
    assert reps(DIRECTOR, assessment_id=made.assessment_id, rep_id="rep-3") == ["rep-3"]
    assert reps(APAC_DIRECTOR) == []
    assert reps(EXECUTIVE, region="APAC") == []
    page = assessments.ListAssessmentAttempts(
        pb.ListAssessmentAttemptsRequest(page={"page_size": 2}), metadata=DIRECTOR
    )
    assert len(page.attempts) == 2 and page.page.next_page_token


def test_an_update_replaces_questions_and_checks_the_version(
    assessments: Stub, db: Database
) -> None:
    course = add_course(db, "analytics-101", region="EMEA")
    made = create(assessments, course)
    request = pb.UpdateAssessmentRequest(
        assessment_id=made.assessment_id,
        title="Shorter quiz",
        pass_mark_bp=10000,
        max_attempts=1,
        questions=quiz_questions()[:1],
        expected_version=made.version,
    )
    updated = assessments.UpdateAssessment(request, metadata=DIRECTOR).assessment
    assert (updated.version, updated.total_points, len(updated.questions)) == (2, 1, 1)
    stale = failure(lambda: assessments.UpdateAssessment(request, metadata=DIRECTOR))
    assert stale.code() == grpc.StatusCode.ABORTED
    denied = failure(lambda: assessments.UpdateAssessment(request, metadata=REP_1))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    missing = failure(
        lambda: assessments.GetAssessment(
            pb.GetAssessmentRequest(assessment_id="nope"), metadata=REP_1
        )
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND


def test_a_manager_taking_an_assessment_gets_the_score_only(
    assessments: Stub, db: Database
) -> None:
    course = add_course(db, "analytics-101")
    made = create(assessments, course)
    add_enrollment(db, "mgr-a", course, assigned_by="dir-1")
    own = submit(assessments, made, ONLY_LAST, metadata=MANAGER_A)
    assert (own.score_points, own.results) == (3, [])
    listed = assessments.ListAssessmentAttempts(
        pb.ListAssessmentAttemptsRequest(rep_id="mgr-a"), metadata=MANAGER_A
    )
    assert [a.results for a in listed.attempts] == [[]]
    by_director = assessments.ListAssessmentAttempts(
        pb.ListAssessmentAttemptsRequest(rep_id="mgr-a"), metadata=DIRECTOR
    )
    assert len(by_director.attempts[0].results) == 3
