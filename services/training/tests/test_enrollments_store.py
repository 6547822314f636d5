"""The shared enrollment functions on SQLite and PostgreSQL: one open enrollment per rep and
course (repeated and concurrent calls), learning paths, completion, certification validity."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from services.kit.db import Database
from services.kit.errors import FailedPrecondition
from services.training.models.core import (
    CertificationRecord,
    CourseRecord,
    EnrollmentRecord,
    RepRecord,
)
from services.training.models.enrollment_store import (
    add_months,
    assign_path,
    certification_valid_until,
    complete_enrollment,
    enroll,
)
from services.training.tests.training_support import (
    T0,
    add_course,
    add_enrollment,
    add_path,
    enrollment,
    enrollments_of,
    outbox_events,
    seed_reps,
)


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("training", database_url)
    seed_reps(database)
    return database


def _enroll(db: Database, rep_id: str, course_id: str, **extra: object) -> tuple[str, bool]:
    with db.transaction() as session:
        rep = session.get(RepRecord, rep_id)
        course = session.get(CourseRecord, course_id)
        assert rep is not None and course is not None
        record, made = enroll(
            session,
            rep_id=rep_id,
            region=rep.region,
            team_id=rep.team_id,
            course=course,
            source=str(extra.get("source", "rule")),
            reason="gap in win_rate -> negotiation",
            assigned_by="system",
            due_on=date(2027, 2, 15),
            now=T0,
            rule_id="rule-1",
            source_event_id=str(extra.get("event_id", "evt-1")),
        )
        return record.enrollment_id, made


def _complete(db: Database, enrollment_id: str, at: datetime, score_bp: int = 0) -> str | None:
    with db.transaction() as session:
        record = session.get(EnrollmentRecord, enrollment_id)
        assert record is not None
        granted = complete_enrollment(
            session, record, completed_at=at, score_bp=score_bp, actor="mgr-a"
        )
        return granted.certification_id if granted else None


def test_repeated_enroll_keeps_one_open_enrollment_and_one_event(db: Database) -> None:
    course_id = add_course(db, "negotiation-101", skills=["negotiation:2"])
    first, made = _enroll(db, "rep-1", course_id, event_id="evt-1")
    again, made_again = _enroll(db, "rep-1", course_id, event_id="evt-2")
    assert made and not made_again
    assert again == first
    assert [e.enrollment_id for e in enrollments_of(db, "rep-1")] == [first]
    assigned = outbox_events(db, "training.enrollment.assigned")
    assert len(assigned) == 1
    payload = assigned[0]["payload"]
    assert payload["enrollment_id"] == first
    assert payload["course_code"] == "negotiation-101"
    assert payload["source"] == "rule"
    assert payload["rule_id"] == "rule-1"
    assert payload["source_event_id"] == "evt-1"
    assert payload["due_on"] == "2027-02-15"
    assert assigned[0]["region"] == "EMEA"


def test_a_completed_enrollment_does_not_block_a_new_one(db: Database) -> None:
    course_id = add_course(db, "compliance-1", category="compliance_ethics")
    first, _ = _enroll(db, "rep-1", course_id)
    _complete(db, first, datetime(2027, 1, 20, 10, tzinfo=UTC))
    second, made = _enroll(db, "rep-1", course_id)
    assert made and second != first
    assert sorted(e.status for e in enrollments_of(db, "rep-1")) == ["assigned", "completed"]


def test_concurrent_enroll_calls_make_one_enrollment(db: Database) -> None:
    """A second transaction enrolling while the first has not committed gets the first's row."""
    course_id = add_course(db, "discovery", skills=["discovery:1"])
    enrolled = threading.Event()
    release = threading.Event()
    results: dict[str, tuple[str, bool]] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with db.transaction() as session:
                course = session.get(CourseRecord, course_id)
                assert course is not None
                record, made = enroll(
                    session,
                    rep_id="rep-2",
                    region="EMEA",
                    team_id="team-a",
                    course=course,
                    source="manager",
                    reason="first",
                    assigned_by="mgr-a",
                    due_on=None,
                    now=T0,
                )
                results["first"] = (record.enrollment_id, made)
                enrolled.set()
                release.wait(10)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            enrolled.set()

    def second() -> None:
        try:
            results["second"] = _enroll(db, "rep-2", course_id)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    one = threading.Thread(target=first)
    one.start()
    assert enrolled.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)  # blocked on the uncommitted row (PostgreSQL) or the write lock (SQLite)
    release.set()
    one.join(10)
    two.join(10)
    assert not errors
    assert results["first"][1] is True
    assert results["second"] == (results["first"][0], False)
    assert len(enrollments_of(db, "rep-2")) == 1
    assert len(outbox_events(db, "training.enrollment.assigned")) == 1


def test_assign_path_enrolls_active_courses_in_order_once(db: Database) -> None:
    intro = add_course(db, "intro")
    product = add_course(db, "product-a")
    retired = add_course(db, "old-course", status="retired")
    elective = add_course(db, "elective")
    path_id = add_path(
        db,
        "onboarding-rep",
        items=[(intro, True), (product, True), (retired, True), (elective, False)],
    )
    existing = add_enrollment(db, "rep-3", product, assigned_by="mgr-b")

    def assign() -> list[tuple[str, str, bool, bool]]:
        with db.transaction() as session:
            made = assign_path(
                session,
                rep_id="rep-3",
                region="EMEA",
                team_id="team-b",
                path_id=path_id,
                source="rule",
                reason="onboarding path for role rep",
                assigned_by="system",
                due_on=date(2027, 3, 1),
                now=T0,
                source_event_id="hire-1",
            )
            return [(r.course_id, r.path_id, r.required, fresh) for r, fresh in made]

    assert assign() == [
        (intro, path_id, True, True),
        (product, "", True, False),  # the open one stays as it was
        (elective, path_id, False, True),
    ]
    assert [fresh for *_, fresh in assign()] == [False, False, False]
    courses = {e.course_id: e.enrollment_id for e in enrollments_of(db, "rep-3")}
    assert set(courses) == {intro, product, elective}
    assert courses[product] == existing
    assert len(outbox_events(db, "training.enrollment.assigned")) == 3


def test_completion_emits_course_completed_and_grants_certification(db: Database) -> None:
    course_id = add_course(
        db,
        "cert-widgets",
        skills=["widgets:3", "demo:2"],
        certifies_product_line="widgets",
        certification_valid_months=12,
        completes_on_assessment=True,
    )
    enrollment_id = add_enrollment(db, "rep-1", course_id)
    certification_id = _complete(db, enrollment_id, datetime(2027, 1, 31, 16, tzinfo=UTC), 8500)
    done = enrollment(db, enrollment_id)
    assert done.status == "completed"
    assert done.open_course_id is None
    assert done.score_bp == 8500 and done.progress_pct == 100
    completed = outbox_events(db, "training.course.completed")
    assert len(completed) == 1
    assert completed[0]["payload"] == {
        "enrollment_id": enrollment_id,
        "rep_id": "rep-1",
        "region": "EMEA",
        "course_id": course_id,
        "course_code": "cert-widgets",
        "category": "product_knowledge",
        "skills": ["widgets", "demo"],
        "completed_date": "2027-01-31",
        "score_bp": 8500,
    }
    assert completed[0]["actor"] == "mgr-a"
    granted = outbox_events(db, "training.certification.granted")
    assert [g["payload"] for g in granted] == [
        {
            "certification_id": certification_id,
            "rep_id": "rep-1",
            "region": "EMEA",
            "product_line": "widgets",
            "valid_from": "2027-01-31",
            "valid_until": "2028-01-30",
        }
    ]
    with pytest.raises(FailedPrecondition) as refused:
        _complete(db, enrollment_id, datetime(2027, 2, 1, tzinfo=UTC))
    assert refused.value.violations[0].type == "ENROLLMENT_OPEN"


def test_a_new_certification_replaces_the_earlier_valid_one(db: Database) -> None:
    course_id = add_course(
        db, "cert-gadgets", certifies_product_line="gadgets", certification_valid_months=1
    )
    first = _complete(db, add_enrollment(db, "rep-1", course_id), datetime(2027, 1, 31, tzinfo=UTC))
    second = _complete(
        db, add_enrollment(db, "rep-1", course_id), datetime(2027, 2, 20, tzinfo=UTC)
    )
    with db.transaction() as session:
        rows = {
            c.certification_id: (c.status, c.valid_from, c.valid_until)
            for c in session.scalars(sa.select(CertificationRecord))
        }
    assert rows == {
        first: ("expired", date(2027, 1, 31), date(2027, 2, 28)),
        second: ("valid", date(2027, 2, 20), date(2027, 3, 19)),
    }


def test_a_course_without_certification_grants_none(db: Database) -> None:
    course_id = add_course(db, "plain")
    assert _complete(db, add_enrollment(db, "rep-1", course_id), T0) is None
    assert outbox_events(db, "training.certification.granted") == []


@pytest.mark.parametrize(
    ("valid_from", "months", "valid_until"),
    [
        (date(2027, 1, 15), 1, date(2027, 2, 14)),
        (date(2027, 1, 28), 1, date(2027, 2, 27)),
        (date(2027, 1, 29), 1, date(2027, 2, 28)),  # no 29 Feb: to the month's end
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 28)),  # anniversary 29 Feb 2032
        (date(2027, 12, 31), 1, date(2028, 1, 30)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2027, 12, 31), 12, date(2028, 12, 30)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 1, 1), 12, date(2027, 12, 31)),
    ],
)
def test_validity_across_month_ends(valid_from: date, months: int, valid_until: date) -> None:
    assert certification_valid_until(valid_from, months) == valid_until


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 120))
def test_validity_properties(valid_from: date, months: int) -> None:
    until = certification_valid_until(valid_from, months)
    anniversary = add_months(valid_from, months)
    # The validity ends the day before the anniversary, or on it when the
    # anniversary was clamped to a short month's end; the next day always
    # starts a new month or is the anniversary itself.
    assert until in (anniversary, anniversary - timedelta(days=1))
    after = until + timedelta(days=1)
    assert after == anniversary or after.day == 1
    assert (anniversary.year * 12 + anniversary.month) - (
        valid_from.year * 12 + valid_from.month
    ) == months
