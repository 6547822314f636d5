"""ReadinessService over real gRPC (both databases): the arithmetic, computed here, and scope.

The organisation is `training_support`'s: team-a is mgr-a, rep-1 and rep-2;
team-b is mgr-b and rep-3; dir-1 sits in team "emea". The role "rep" needs
negotiation 2, prospecting 1 and closing 3 (2 in EMEA, by the region's own
entry); managers and directors have no profile, so no index.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import grpc
import pytest
from salesops.training.v1 import readiness_pb2 as pb
from salesops.training.v1 import readiness_pb2_grpc

from services.kit.db import Database, utcnow
from services.kit.rounding import divide_half_up
from services.planning.tests.test_plans_api import bad_fields, failure
from services.training.models.core import CertificationRecord, EnrollmentRecord
from services.training.models.enrollment_store import complete_enrollment
from services.training.tests.rules_support import channel, db
from services.training.tests.training_support import (
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER_A,
    REP_1,
    T0,
    add_course,
    add_enrollment,
    add_skill_profile,
)

__all__ = ["channel", "db"]


@pytest.fixture
def readiness(channel: grpc.Channel) -> readiness_pb2_grpc.ReadinessServiceStub:
    return readiness_pb2_grpc.ReadinessServiceStub(channel)


def complete(db: Database, rep_id: str, course_id: str, score_bp: int = 0) -> None:
    enrollment_id = add_enrollment(db, rep_id, course_id)
    with db.transaction() as session:
        record = session.get(EnrollmentRecord, enrollment_id)
        assert record is not None
        complete_enrollment(session, record, completed_at=T0, score_bp=score_bp, actor=rep_id)


def set_status(db: Database, rep_id: str, course_id: str, status: str, due_on: date) -> None:
    enrollment_id = add_enrollment(db, rep_id, course_id, due_on=due_on)
    with db.transaction() as session:
        record = session.get(EnrollmentRecord, enrollment_id)
        assert record is not None
        record.status = status
        if status == "waived":
            record.open_course_id = None


def certify(db: Database, rep_id: str, line: str, valid_until: date, status: str = "valid") -> None:
    with db.transaction() as session:
        session.add(
            CertificationRecord(
                certification_id=str(uuid.uuid4()),
                rep_id=rep_id,
                region="EMEA",
                product_line=line,
                course_id="",
                enrollment_id="",
                valid_from=date(2026, 1, 1),
                valid_until=valid_until,
                status=status,
                revoked_by="",
                revoke_reason="",
                created_at=T0,
                updated_at=T0,
                version=1,
            )
        )


@pytest.fixture
def seeded(db: Database) -> Database:
    today = utcnow().date()
    add_skill_profile(db, "rep", "negotiation", 2)
    add_skill_profile(db, "rep", "prospecting", 1)
    add_skill_profile(db, "rep", "closing", 3)
    add_skill_profile(db, "rep", "closing", 2, region="EMEA")
    neg = add_course(db, "NEG-101", skills=["negotiation:2"])
    pro = add_course(db, "PRO-101", skills=["prospecting:1"])
    clo = add_course(db, "CLO-101", skills=["closing:1"])
    add_course(db, "WID-CERT", certifies_product_line="widgets")
    add_course(db, "GAD-CERT", certifies_product_line="gadgets")
    extra = add_course(db, "EXTRA-101")
    other = add_course(db, "OTHER-101")
    # rep-1: all three held (closing 1 + 1 for a 9500 bp pass reaches EMEA's 2).
    complete(db, "rep-1", neg)
    complete(db, "rep-1", pro)
    complete(db, "rep-1", clo, score_bp=9500)
    set_status(db, "rep-1", extra, "waived", today)
    set_status(db, "rep-1", other, "assigned", today - timedelta(days=1))  # open, past due
    # rep-2: negotiation 3 (a 9000 bp pass), nothing else.
    complete(db, "rep-2", neg, score_bp=9000)
    set_status(db, "rep-2", extra, "overdue", today + timedelta(days=3))
    # rep-3: one open enrollment, not yet due.
    set_status(db, "rep-3", extra, "assigned", today + timedelta(days=3))
    certify(db, "rep-1", "widgets", today)  # its last valid day: still held
    certify(db, "rep-2", "widgets", today - timedelta(days=1))  # ended yesterday
    certify(db, "rep-2", "gadgets", today + timedelta(days=90))
    certify(db, "rep-3", "widgets", today + timedelta(days=90), status="expired")
    return db


def test_a_reps_skill_levels_and_readiness_index(
    readiness: readiness_pb2_grpc.ReadinessServiceStub, seeded: Database
) -> None:
    one = readiness.GetRepReadiness(
        pb.GetRepReadinessRequest(rep_id="rep-1"), metadata=REP_1
    ).readiness
    assert [(s.skill, s.level, s.required_level, s.held) for s in one.skills] == [
        ("closing", 2, 2, True),
        ("negotiation", 2, 2, True),
        ("prospecting", 1, 1, True),
    ]
    assert (one.required_skills, one.held_skills, one.readiness_index_bp) == (3, 3, 10_000)
    two = readiness.GetRepReadiness(
        pb.GetRepReadinessRequest(rep_id="rep-2"), metadata=MANAGER_A
    ).readiness
    assert [(s.skill, s.level, s.held) for s in two.skills] == [
        ("closing", 0, False),
        ("negotiation", 3, True),
        ("prospecting", 0, False),
    ]
    assert two.readiness_index_bp == divide_half_up(1 * 10_000, 3) == 3333
    manager = readiness.GetRepReadiness(
        pb.GetRepReadinessRequest(rep_id="mgr-a"), metadata=DIRECTOR
    ).readiness
    assert (manager.has_profile, manager.readiness_index_bp, manager.required_skills) == (
        False,
        0,
        0,
    )


def test_team_and_region_figures_over_uneven_teams(
    readiness: readiness_pb2_grpc.ReadinessServiceStub, seeded: Database
) -> None:
    reply = readiness.GetTeamReadiness(
        pb.GetTeamReadinessRequest(team_id="team-a"), metadata=MANAGER_A
    )
    team = reply.team.figures
    assert [r.rep_id for r in reply.reps] == ["mgr-a", "rep-1", "rep-2"]
    # Only reps with a profile average: (10000 + 3333) / 2, half up.
    assert (team.reps, team.indexed_reps) == (3, 2)
    assert team.average_readiness_index_bp == divide_half_up(10_000 + 3333, 2) == 6667
    # Not waived: rep-1 has 3 completed + 1 open past due, rep-2 1 completed + 1 overdue.
    assert (team.enrollments, team.completed, team.overdue) == (6, 4, 2)
    assert team.completion_rate_bp == divide_half_up(4 * 10_000, 6) == 6667
    assert team.overdue_rate_bp == divide_half_up(2 * 10_000, 6) == 3333
    coverage = {c.product_line: (c.certified_reps, c.reps, c.coverage_bp) for c in team.coverage}
    # rep-2's widgets ended yesterday; rep-1's ends today and still counts.
    assert coverage == {"gadgets": (1, 3, 3333), "widgets": (1, 3, 3333)}

    region = readiness.GetRegionReadiness(
        pb.GetRegionReadinessRequest(region="emea"), metadata=DIRECTOR
    )
    figures = region.figures
    assert (figures.reps, figures.indexed_reps) == (6, 3)
    assert figures.average_readiness_index_bp == divide_half_up(10_000 + 3333 + 0, 3) == 4444
    assert (figures.enrollments, figures.completed, figures.overdue) == (7, 4, 2)
    widgets = next(c for c in figures.coverage if c.product_line == "widgets")
    assert (widgets.certified_reps, widgets.reps, widgets.coverage_bp) == (1, 6, 1667)
    by_team = {t.team_id: t.figures for t in region.teams}
    assert sorted(by_team) == ["emea", "team-a", "team-b"]
    assert by_team["team-a"] == team
    assert (by_team["team-b"].reps, by_team["team-b"].average_readiness_index_bp) == (2, 0)
    assert by_team["team-b"].overdue_rate_bp == 0


def test_readiness_is_scoped_to_what_the_caller_sees(
    readiness: readiness_pb2_grpc.ReadinessServiceStub, seeded: Database
) -> None:
    for call in (
        lambda: readiness.GetRepReadiness(
            pb.GetRepReadinessRequest(rep_id="rep-2"), metadata=REP_1
        ),
        lambda: readiness.GetRepReadiness(
            pb.GetRepReadinessRequest(rep_id="rep-3"), metadata=MANAGER_A
        ),
        lambda: readiness.GetTeamReadiness(
            pb.GetTeamReadinessRequest(team_id="team-b"), metadata=MANAGER_A
        ),
        lambda: readiness.GetRegionReadiness(
            pb.GetRegionReadinessRequest(region="EMEA"), metadata=APAC_DIRECTOR
        ),
    ):
        assert failure(call).code() == grpc.StatusCode.NOT_FOUND
    # A manager's region figures count their own team only.
    mine = readiness.GetRegionReadiness(
        pb.GetRegionReadinessRequest(region="EMEA"), metadata=MANAGER_A
    )
    assert mine.figures.reps == 3
    assert [t.team_id for t in mine.teams] == ["team-a"]
    assert bad_fields(
        failure(lambda: readiness.GetTeamReadiness(pb.GetTeamReadinessRequest(), metadata=DIRECTOR))
    ) == ["team_id"]
