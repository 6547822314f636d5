"""Enrollments over gRPC on SQLite and PostgreSQL: assignment (course, path), self-enrolment,
start with prerequisites, progress, completion rules, waivers, scope, the overdue timer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import grpc
import pytest
from salesops.training.v1 import enrollments_pb2 as pb
from salesops.training.v1 import enrollments_pb2_grpc

from services.kit.db import Database, utcnow
from services.kit.grpc_server import error_details
from services.training.api.enrollments import enrollment_counts
from services.training.handlers.enrollments_timer import mark_overdue
from services.training.models.core import RepRecord
from services.training.tests.training_support import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    MANAGER_A,
    MANAGER_B,
    REP_1,
    REP_2,
    add_course,
    add_enrollment,
    add_path,
    add_reps,
    enrollment,
    outbox_events,
    seed_reps,
)

Stub = enrollments_pb2_grpc.EnrollmentServiceStub


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("training", database_url)
    seed_reps(database)
    return database


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stub:
    return Stub(serve_api("training", db))


def failure(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return error_details(caught.value)


def rules(error: dict[str, Any]) -> list[str]:
    return [v["type"] for v in error["precondition_violations"]]


def assign(stub: Stub, who: Any = MANAGER_A, **fields: Any) -> pb.AssignEnrollmentResponse:
    values: dict[str, Any] = {"rep_id": "rep-1"}
    values.update(fields)
    return stub.AssignEnrollment(pb.AssignEnrollmentRequest(**values), metadata=who)


def test_a_manager_assigns_a_course_once(db: Database, stub: Stub) -> None:
    course_id = add_course(db, "negotiation", skills=["negotiation:2"])
    due = (utcnow().date() + timedelta(days=14)).isoformat()
    first = assign(stub, course_id=course_id, due_on=due, reason="gap in win rate")
    assert list(first.created) == [True]
    made = first.enrollments[0]
    assert (made.status, made.source, made.assigned_by, made.due_on, made.reason) == (
        "assigned",
        "manager",
        "mgr-a",
        due,
        "gap in win rate",
    )
    assert made.course_code == "negotiation" and made.team_id == "team-a"
    again = assign(stub, who=DIRECTOR, course_id=course_id)
    assert list(again.created) == [False]
    assert again.enrollments[0].enrollment_id == made.enrollment_id
    events = outbox_events(db, "training.enrollment.assigned")
    assert [e["payload"]["enrollment_id"] for e in events] == [made.enrollment_id]
    assert events[0]["actor"] == "mgr-a"


def test_assign_checks_fields_scope_and_rules(db: Database, stub: Stub) -> None:
    course_id = add_course(db, "c1")
    retired = add_course(db, "old", status="retired")
    bad = failure(lambda: assign(stub, rep_id="", due_on="2020-01-01"))
    assert {v["field"] for v in bad["field_violations"]} == {"rep_id", "course_id", "due_on"}
    both = failure(lambda: assign(stub, course_id=course_id, path_id="p"))
    assert [v["field"] for v in both["field_violations"]] == ["course_id"]
    # mgr-b does not manage rep-1; a rep assigns nothing; APAC does not see rep-1.
    assert failure(lambda: assign(stub, who=MANAGER_B, course_id=course_id))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: assign(stub, who=REP_2, course_id=course_id))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: assign(stub, who=APAC_DIRECTOR, course_id=course_id))["code"] == (
        grpc.StatusCode.NOT_FOUND
    )
    assert rules(failure(lambda: assign(stub, course_id=retired))) == ["COURSE_ACTIVE"]
    add_reps(db, [("rep-gone", "EMEA", "team-a", "mgr-a", "rep")])
    with db.transaction() as session:
        gone = session.get(RepRecord, "rep-gone")
        assert gone is not None
        gone.status = "left"
    assert rules(failure(lambda: assign(stub, rep_id="rep-gone", course_id=course_id))) == [
        "REP_ACTIVE"
    ]
    assert outbox_events(db, "training.enrollment.assigned") == []


def test_a_director_assigns_a_whole_path(db: Database, stub: Stub) -> None:
    intro = add_course(db, "intro")
    elective = add_course(db, "elective")
    path_id = add_path(db, "onboarding", items=[(intro, True), (elective, False)])
    reply = assign(stub, who=DIRECTOR, rep_id="rep-3", path_id=path_id)
    assert list(reply.created) == [True, True]
    assert [(e.course_code, e.required, e.path_id) for e in reply.enrollments] == [
        ("intro", True, path_id),
        ("elective", False, path_id),
    ]
    assert "onboarding path onboarding" in reply.enrollments[0].reason
    assert list(assign(stub, who=DIRECTOR, rep_id="rep-3", path_id=path_id).created) == [
        False,
        False,
    ]


def test_self_enrol_start_progress_and_complete_self_paced(db: Database, stub: Stub) -> None:
    course_id = add_course(db, "elearn", format="e_learning")
    enrolled = stub.SelfEnroll(pb.SelfEnrollRequest(course_id=course_id), metadata=REP_1)
    assert enrolled.created and enrolled.enrollment.source == "self"
    enrollment_id = enrolled.enrollment.enrollment_id
    started = stub.StartEnrollment(
        pb.StartEnrollmentRequest(enrollment_id=enrollment_id), metadata=REP_1
    )
    assert started.enrollment.status == "in_progress" and started.enrollment.HasField("start_time")
    moved = stub.UpdateEnrollmentProgress(
        pb.UpdateEnrollmentProgressRequest(enrollment_id=enrollment_id, progress_pct=60),
        metadata=REP_1,
    ).enrollment
    assert moved.progress_pct == 60
    back = failure(
        lambda: stub.UpdateEnrollmentProgress(
            pb.UpdateEnrollmentProgressRequest(enrollment_id=enrollment_id, progress_pct=40),
            metadata=REP_1,
        )
    )
    assert rules(back) == ["PROGRESS_FORWARD"]
    over = failure(
        lambda: stub.UpdateEnrollmentProgress(
            pb.UpdateEnrollmentProgressRequest(enrollment_id=enrollment_id, progress_pct=101),
            metadata=REP_1,
        )
    )
    assert [v["field"] for v in over["field_violations"]] == ["progress_pct"]
    done = stub.CompleteEnrollment(
        pb.CompleteEnrollmentRequest(enrollment_id=enrollment_id), metadata=REP_1
    )
    assert done.enrollment.status == "completed" and done.enrollment.progress_pct == 100
    assert done.certification_id == ""
    completed = outbox_events(db, "training.course.completed")
    assert [e["payload"]["course_code"] for e in completed] == ["elearn"]
    assert completed[0]["actor"] == "rep-1"
    again = failure(
        lambda: stub.CompleteEnrollment(
            pb.CompleteEnrollmentRequest(enrollment_id=enrollment_id), metadata=REP_1
        )
    )
    assert rules(again) == ["ENROLLMENT_OPEN"]


def test_who_completes(db: Database, stub: Stub) -> None:
    classroom = add_course(db, "classroom", format="classroom")
    assessed = add_course(db, "assessed", completes_on_assessment=True)
    certifying = add_course(
        db,
        "cert-w",
        format="classroom",
        certifies_product_line="widgets",
        certification_valid_months=12,
    )
    in_class = add_enrollment(db, "rep-1", classroom)
    refused = failure(
        lambda: stub.CompleteEnrollment(
            pb.CompleteEnrollmentRequest(enrollment_id=in_class), metadata=REP_1
        )
    )
    assert refused["code"] == grpc.StatusCode.PERMISSION_DENIED
    assert (
        failure(
            lambda: stub.CompleteEnrollment(
                pb.CompleteEnrollmentRequest(enrollment_id=in_class), metadata=MANAGER_B
            )
        )["code"]
        == grpc.StatusCode.NOT_FOUND
    )  # rep-1 is not in mgr-b's team
    done = stub.CompleteEnrollment(
        pb.CompleteEnrollmentRequest(enrollment_id=in_class), metadata=MANAGER_A
    )
    assert done.enrollment.status == "completed"
    by_assessment = add_enrollment(db, "rep-1", assessed)
    only_assessment = failure(
        lambda: stub.CompleteEnrollment(
            pb.CompleteEnrollmentRequest(enrollment_id=by_assessment), metadata=ADMIN
        )
    )
    assert rules(only_assessment) == ["COMPLETES_ON_ASSESSMENT"]
    assert enrollment(db, by_assessment).status == "assigned"
    certified = stub.CompleteEnrollment(
        pb.CompleteEnrollmentRequest(enrollment_id=add_enrollment(db, "rep-1", certifying)),
        metadata=DIRECTOR,
    )
    assert certified.certification_id
    granted = outbox_events(db, "training.certification.granted")
    today = utcnow().date()
    assert [(g["payload"]["certification_id"], g["payload"]["valid_from"]) for g in granted] == [
        (certified.certification_id, today.isoformat())
    ]


def test_prerequisites_gate_start_and_completion(db: Database, stub: Stub) -> None:
    basics = add_course(db, "basics", format="classroom")
    advanced = add_course(db, "advanced", prerequisites=["basics"], format="classroom")
    later = add_enrollment(db, "rep-1", advanced)
    refused = failure(
        lambda: stub.StartEnrollment(pb.StartEnrollmentRequest(enrollment_id=later), metadata=REP_1)
    )
    assert rules(refused) == ["PREREQUISITES_COMPLETED"]
    assert refused["precondition_violations"][0]["subject"] == "courses/basics"
    assert (
        failure(
            lambda: stub.CompleteEnrollment(
                pb.CompleteEnrollmentRequest(enrollment_id=later), metadata=MANAGER_A
            )
        )["precondition_violations"][0]["type"]
        == "PREREQUISITES_COMPLETED"
    )
    assert enrollment(db, later).status == "assigned"
    first = add_enrollment(db, "rep-1", basics)
    stub.CompleteEnrollment(pb.CompleteEnrollmentRequest(enrollment_id=first), metadata=MANAGER_A)
    started = stub.StartEnrollment(
        pb.StartEnrollmentRequest(enrollment_id=later), metadata=REP_1
    ).enrollment
    assert started.status == "in_progress"


def test_waiver_needs_a_reason_and_records_who(db: Database, stub: Stub) -> None:
    course_id = add_course(db, "compliance", category="compliance_ethics")
    enrollment_id = add_enrollment(db, "rep-1", course_id)
    no_reason = failure(
        lambda: stub.WaiveEnrollment(
            pb.WaiveEnrollmentRequest(enrollment_id=enrollment_id, reason=" "), metadata=MANAGER_A
        )
    )
    assert [v["field"] for v in no_reason["field_violations"]] == ["reason"]
    by_rep = failure(
        lambda: stub.WaiveEnrollment(
            pb.WaiveEnrollmentRequest(enrollment_id=enrollment_id, reason="no"), metadata=REP_1
        )
    )
    assert by_rep["code"] == grpc.StatusCode.PERMISSION_DENIED
    waived = stub.WaiveEnrollment(
        pb.WaiveEnrollmentRequest(enrollment_id=enrollment_id, reason="certified elsewhere"),
        metadata=MANAGER_A,
    ).enrollment
    assert (waived.status, waived.waived_by, waived.waive_reason) == (
        "waived",
        "mgr-a",
        "certified elsewhere",
    )
    assert enrollment(db, enrollment_id).open_course_id is None
    assert rules(
        failure(
            lambda: stub.StartEnrollment(
                pb.StartEnrollmentRequest(enrollment_id=enrollment_id), metadata=REP_1
            )
        )
    ) == ["ENROLLMENT_OPEN"]
    # A waived enrollment does not block a new assignment.
    assert list(assign(stub, course_id=course_id).created) == [True]


def test_scope_of_reads(db: Database, stub: Stub) -> None:
    course_id = add_course(db, "c")
    mine = add_enrollment(db, "rep-1", course_id)
    theirs = add_enrollment(db, "rep-3", course_id, assigned_by="mgr-b")
    apac = add_enrollment(db, "rep-9", course_id, assigned_by="mgr-c")

    def listed(who: Any, **filters: Any) -> set[str]:
        reply = stub.ListEnrollments(pb.ListEnrollmentsRequest(**filters), metadata=who)
        return {e.enrollment_id for e in reply.enrollments}

    assert listed(REP_1) == {mine}
    assert listed(MANAGER_A) == {mine}
    assert listed(MANAGER_B) == {theirs}
    assert listed(DIRECTOR) == {mine, theirs}
    assert listed(EXECUTIVE) == {mine, theirs, apac}
    assert listed(EXECUTIVE, region="APAC") == {apac}
    assert listed(DIRECTOR, region="APAC") == set()
    assert listed(DIRECTOR, team_id="team-b") == {theirs}
    assert listed(REP_1, rep_id="rep-3") == set()
    assert (
        failure(
            lambda: stub.GetEnrollment(
                pb.GetEnrollmentRequest(enrollment_id=theirs), metadata=REP_1
            )
        )["code"]
        == grpc.StatusCode.NOT_FOUND
    )
    assert (
        stub.GetEnrollment(
            pb.GetEnrollmentRequest(enrollment_id=theirs), metadata=DIRECTOR
        ).enrollment.rep_id
        == "rep-3"
    )
    bad = failure(
        lambda: stub.ListEnrollments(pb.ListEnrollmentsRequest(status="lost"), metadata=DIRECTOR)
    )
    assert [v["field"] for v in bad["field_violations"]] == ["status"]


def test_overdue_timer_marks_open_enrollments_past_due(db: Database, stub: Stub) -> None:
    course_a, course_b, course_c = (add_course(db, code) for code in ("a", "b", "c"))
    today = date(2027, 3, 10)
    due_yesterday = add_enrollment(db, "rep-1", course_a, due_on=today - timedelta(days=1))
    due_today = add_enrollment(db, "rep-1", course_b, due_on=today)
    no_due = add_enrollment(db, "rep-1", course_c)
    done = add_enrollment(db, "rep-2", course_a, due_on=today - timedelta(days=5))
    stub.CompleteEnrollment(pb.CompleteEnrollmentRequest(enrollment_id=done), metadata=MANAGER_A)
    assert mark_overdue(db, today) == [due_yesterday]
    assert mark_overdue(db, today) == []  # once
    assert [enrollment(db, e).status for e in (due_yesterday, due_today, no_due, done)] == [
        "overdue",
        "assigned",
        "assigned",
        "completed",
    ]
    overdue = stub.ListEnrollments(
        pb.ListEnrollmentsRequest(overdue_only=True), metadata=MANAGER_A
    ).enrollments
    assert {e.enrollment_id for e in overdue} == {due_yesterday}
    assert {
        e.enrollment_id
        for e in stub.ListEnrollments(
            pb.ListEnrollmentsRequest(status="open"), metadata=MANAGER_A
        ).enrollments
    } == {due_yesterday, due_today, no_due}
    # Overdue stays open: it starts (still overdue) and completes.
    started = stub.StartEnrollment(
        pb.StartEnrollmentRequest(enrollment_id=due_yesterday), metadata=REP_1
    ).enrollment
    assert started.status == "overdue" and started.HasField("start_time")
    completed = stub.CompleteEnrollment(
        pb.CompleteEnrollmentRequest(enrollment_id=due_yesterday), metadata=MANAGER_A
    )
    assert completed.enrollment.status == "completed"


def test_every_unmet_completion_rule_is_named_and_executives_only_read(
    db: Database, stub: Stub
) -> None:
    add_course(db, "basics")
    both = add_course(db, "both", prerequisites=["basics"], completes_on_assessment=True)
    enrollment_id = add_enrollment(db, "rep-1", both)
    refused = failure(
        lambda: stub.CompleteEnrollment(
            pb.CompleteEnrollmentRequest(enrollment_id=enrollment_id), metadata=MANAGER_A
        )
    )
    assert rules(refused) == ["COMPLETES_ON_ASSESSMENT", "PREREQUISITES_COMPLETED"]
    read_only = failure(
        lambda: stub.StartEnrollment(
            pb.StartEnrollmentRequest(enrollment_id=enrollment_id), metadata=EXECUTIVE
        )
    )
    assert read_only["code"] == grpc.StatusCode.PERMISSION_DENIED
    assert enrollment(db, enrollment_id).started_at is None


def test_enrollments_gauge_counts_by_region_and_status(db: Database) -> None:
    course_id = add_course(db, "g")
    add_enrollment(db, "rep-1", course_id)
    add_enrollment(db, "rep-2", course_id)
    add_enrollment(db, "rep-9", course_id, assigned_by="mgr-c")
    assert enrollment_counts(db) == [(("APAC", "assigned"), 1.0), (("EMEA", "assigned"), 2.0)]
