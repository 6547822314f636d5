"""What the training tests share: an organisation of reps, courses, learning paths, outbox readers.

Every training area's tests import these helpers, so their signatures stay
stable: the first argument is the database (or a session for the `*_in`
variants), everything else keyword-only with a default.

The organisation that `seed_reps` writes:

    EMEA: dir-1 (director)                        APAC: mgr-c (manager)
          ├── mgr-a (manager, team-a): rep-1, rep-2        └── rep-9 (apac-team)
          └── mgr-b (manager, team-b): rep-3

so rep-1's manager chain is [mgr-a, dir-1] and rep-3's is [mgr-b, dir-1].
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit import testing as kit_testing
from services.kit.db import Database
from services.kit.schema import outbox
from services.kit.testing import caller
from services.training.models.catalog import (
    LearningPathItemRecord,
    LearningPathRecord,
    SkillProfileRecord,
)
from services.training.models.core import (
    CourseModuleRecord,
    CourseRecord,
    EnrollmentRecord,
    RepRecord,
)
from services.training.models.enrollment_store import enroll

T0 = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)

# (rep id, region, team, manager, role)
REPS: tuple[tuple[str, str, str, str, str], ...] = (
    ("dir-1", "EMEA", "emea", "", "director"),
    ("mgr-a", "EMEA", "team-a", "dir-1", "manager"),
    ("mgr-b", "EMEA", "team-b", "dir-1", "manager"),
    ("rep-1", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-2", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-3", "EMEA", "team-b", "mgr-b", "rep"),
    ("mgr-c", "APAC", "apac-team", "", "manager"),
    ("rep-9", "APAC", "apac-team", "mgr-c", "rep"),
)

# gRPC metadata of the organisation's people (and an admin, an executive, a foreign director).
ADMIN = caller("admin", "admin", "*")
EXECUTIVE = caller("exec-1", "executive", "*")
DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-9", "director", "APAC")
MANAGER_A = caller("mgr-a", "manager", "EMEA")
MANAGER_B = caller("mgr-b", "manager", "EMEA")
MANAGER_C = caller("mgr-c", "manager", "APAC")
REP_1 = caller("rep-1", "rep", "EMEA")
REP_2 = caller("rep-2", "rep", "EMEA")
REP_3 = caller("rep-3", "rep", "EMEA")
REP_9 = caller("rep-9", "rep", "APAC")


def add_reps(db: Database, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
    """Reps given as (rep_id, region, team, manager, role), written in one transaction."""
    kit_testing.add_reps(db, RepRecord, rows, at=T0)


def seed_reps(db: Database) -> None:
    """The organisation of the module docstring."""
    add_reps(db, REPS)


def add_course_in(
    session: Session,
    code: str,
    *,
    title: str = "",
    category: str = "product_knowledge",
    format: str = "e_learning",
    duration_minutes: int = 60,
    skills: Sequence[str] = (),
    product_lines: Sequence[str] = (),
    prerequisites: Sequence[str] = (),
    completes_on_assessment: bool = False,
    certifies_product_line: str = "",
    certification_valid_months: int = 0,
    region: str = "",
    status: str = "active",
    modules: Sequence[str] = (),
    at: datetime = T0,
) -> CourseRecord:
    """A course written in `session` (skills as "skill:level", prerequisites as course codes)."""
    course = CourseRecord(
        course_id=str(uuid.uuid4()),
        code=code,
        title=title or code.replace("-", " ").title(),
        description="",
        category=category,
        format=format,
        duration_minutes=duration_minutes,
        skills=",".join(skills),
        product_lines=",".join(product_lines),
        prerequisites=",".join(prerequisites),
        completes_on_assessment=completes_on_assessment,
        certifies_product_line=certifies_product_line,
        certification_valid_months=certification_valid_months,
        region=region,
        status=status,
        created_at=at,
        created_by="admin",
        updated_at=at,
        updated_by="admin",
        version=1,
    )
    session.add(course)
    for position, module_title in enumerate(modules, start=1):
        session.add(
            CourseModuleRecord(
                module_id=str(uuid.uuid4()),
                course_id=course.course_id,
                position=position,
                title=module_title,
                duration_minutes=0,
            )
        )
    session.flush()
    return course


def add_course(db: Database, code: str, **fields: Any) -> str:
    """A course (see `add_course_in` for the fields); returns its id."""
    with db.transaction() as session:
        return add_course_in(session, code, **fields).course_id


def add_path(
    db: Database,
    code: str,
    *,
    role: str = "rep",
    region: str = "",
    purpose: str = "onboarding",
    items: Sequence[tuple[str, bool]] = (),
    name: str = "",
    at: datetime = T0,
) -> str:
    """A learning path with `items` as (course_id, required) in order; returns its id."""
    path_id = str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            LearningPathRecord(
                path_id=path_id,
                code=code,
                name=name or code,
                description="",
                role=role,
                region=region,
                purpose=purpose,
                status="active",
                created_at=at,
                created_by="admin",
                updated_at=at,
                updated_by="admin",
                version=1,
            )
        )
        for position, (course_id, required) in enumerate(items, start=1):
            session.add(
                LearningPathItemRecord(
                    path_id=path_id, position=position, course_id=course_id, required=required
                )
            )
    return path_id


def add_skill_profile(db: Database, role: str, skill: str, level: int, *, region: str = "") -> str:
    """A role's required skill level; returns the profile row's id."""
    profile_id = str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            SkillProfileRecord(
                profile_id=profile_id,
                role=role,
                region=region,
                skill=skill,
                level=level,
                updated_at=T0,
                updated_by="admin",
                version=1,
            )
        )
    return profile_id


def add_enrollment(
    db: Database,
    rep_id: str,
    course_id: str,
    *,
    source: str = "manager",
    reason: str = "assigned in a test",
    assigned_by: str = "mgr-a",
    due_on: date | None = None,
    at: datetime = T0,
) -> str:
    """An open enrollment of a seeded rep (through `enroll`, so it emits its event); its id."""
    with db.transaction() as session:
        rep = session.get(RepRecord, rep_id)
        course = session.get(CourseRecord, course_id)
        assert rep is not None and course is not None
        record, _ = enroll(
            session,
            rep_id=rep_id,
            region=rep.region,
            team_id=rep.team_id,
            course=course,
            source=source,
            reason=reason,
            assigned_by=assigned_by,
            due_on=due_on,
            now=at,
        )
        return record.enrollment_id


def enrollment(db: Database, enrollment_id: str) -> EnrollmentRecord:
    """The stored enrollment row (detached)."""
    with db.transaction() as session:
        record = session.get(EnrollmentRecord, enrollment_id)
        assert record is not None
        return record


def enrollments_of(db: Database, rep_id: str) -> list[EnrollmentRecord]:
    """Every enrollment of the rep, oldest first (detached)."""
    with db.transaction() as session:
        return list(
            session.scalars(
                sa.select(EnrollmentRecord)
                .where(EnrollmentRecord.rep_id == rep_id)
                .order_by(EnrollmentRecord.assigned_at, EnrollmentRecord.enrollment_id)
            )
        )


def outbox_events(db: Database, event_type: str) -> list[dict[str, Any]]:
    """The envelopes of `event_type` in the outbox, in the order they were written."""
    query = sa.select(outbox.c.envelope).where(outbox.c.type == event_type).order_by(outbox.c.id)
    with db.transaction() as session:
        return [json.loads(row) for row in session.scalars(query)]
