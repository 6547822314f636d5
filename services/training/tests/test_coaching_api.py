"""CoachingService over real gRPC (both databases): who coaches whom, actions, overdue, scope."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from salesops.training.v1 import coaching_pb2 as pb
from salesops.training.v1 import coaching_pb2_grpc

from services.kit.db import Database, utcnow
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types
from services.training.models.coaching import CoachingActionRecord, CoachingSessionRecord
from services.training.tests.rules_support import channel, db
from services.training.tests.training_support import (
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    MANAGER_A,
    MANAGER_B,
    REP_1,
    REP_2,
)

__all__ = ["channel", "db"]

REP = pb.COACHING_ACTION_OWNER_REP
MANAGER = pb.COACHING_ACTION_OWNER_MANAGER


@pytest.fixture
def coaching(channel: grpc.Channel) -> coaching_pb2_grpc.CoachingServiceStub:
    return coaching_pb2_grpc.CoachingServiceStub(channel)


def days_from_today(days: int) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def rows(db: Database) -> tuple[int, int]:
    with db.transaction() as session:
        return (
            session.query(CoachingSessionRecord).count(),
            session.query(CoachingActionRecord).count(),
        )


def record(
    coaching: coaching_pb2_grpc.CoachingServiceStub,
    rep_id: str = "rep-1",
    metadata: list[tuple[str, str]] = MANAGER_A,
) -> pb.CoachingSession:
    return coaching.CreateCoachingSession(
        pb.CreateCoachingSessionRequest(
            rep_id=rep_id,
            session_date=days_from_today(-7),
            focus_skill="Negotiation",
            notes="Walked through the Acme renewal.",
            actions=[
                pb.CoachingActionInput(
                    description="Role-play the price objection",
                    owner=REP,
                    due_date=days_from_today(-1),
                ),
                pb.CoachingActionInput(
                    description="Join the next Acme call",
                    owner=MANAGER,
                    due_date=days_from_today(5),
                ),
            ],
        ),
        metadata=metadata,
    ).session


def test_a_manager_above_the_rep_records_a_session_with_actions_and_overdue_counts(
    coaching: coaching_pb2_grpc.CoachingServiceStub, db: Database
) -> None:
    session = record(coaching)
    assert (session.rep_id, session.coach_id, session.region, session.team_id) == (
        "rep-1",
        "mgr-a",
        "EMEA",
        "team-a",
    )
    assert session.focus_skill == "negotiation"
    first, second = session.actions
    assert (first.owner_id, first.overdue, first.completed) == ("rep-1", True, False)
    assert (second.owner_id, second.overdue) == ("mgr-a", False)
    assert (session.open_actions, session.overdue_actions) == (2, 1)
    # The director above (two levels up) coaches too.
    assert record(coaching, "rep-3", DIRECTOR).coach_id == "dir-1"


def test_bad_sessions_name_every_field_and_write_nothing(
    coaching: coaching_pb2_grpc.CoachingServiceStub, db: Database
) -> None:
    error = failure(
        lambda: coaching.CreateCoachingSession(
            pb.CreateCoachingSessionRequest(
                rep_id="",
                session_date="31/01/2027",
                focus_skill="negotiation:2",
                actions=[pb.CoachingActionInput(description="", due_date="")],
            ),
            metadata=MANAGER_A,
        )
    )
    assert bad_fields(error) == [
        "actions[0].description",
        "actions[0].due_date",
        "actions[0].owner",
        "focus_skill",
        "rep_id",
        "session_date",
    ]
    assert rows(db) == (0, 0)


def test_only_a_manager_above_or_a_director_of_the_region_coaches(
    coaching: coaching_pb2_grpc.CoachingServiceStub, db: Database
) -> None:
    for metadata, rep_id, code in (
        (MANAGER_B, "rep-1", grpc.StatusCode.PERMISSION_DENIED),  # another team's manager
        (REP_2, "rep-1", grpc.StatusCode.PERMISSION_DENIED),
        (REP_1, "rep-1", grpc.StatusCode.PERMISSION_DENIED),  # not yourself
        (APAC_DIRECTOR, "rep-1", grpc.StatusCode.NOT_FOUND),  # another region's rep
        (EXECUTIVE, "rep-1", grpc.StatusCode.PERMISSION_DENIED),  # reads only
        (MANAGER_A, "nobody", grpc.StatusCode.NOT_FOUND),
    ):
        error = failure(lambda m=metadata, r=rep_id: record(coaching, r, m))
        assert error.code() == code, (metadata, error.details())
    assert rows(db) == (0, 0)


def test_reads_and_lists_are_scoped_and_show_overdue_sessions(
    coaching: coaching_pb2_grpc.CoachingServiceStub, db: Database
) -> None:
    one = record(coaching, "rep-1")
    two = record(coaching, "rep-2")
    three = record(coaching, "rep-3", MANAGER_B)

    def listed(metadata: list[tuple[str, str]], **filters: object) -> list[str]:
        reply = coaching.ListCoachingSessions(
            pb.ListCoachingSessionsRequest(**filters),  # type: ignore[arg-type]
            metadata=metadata,
        )
        return [s.session_id for s in reply.sessions]

    assert listed(REP_1) == [one.session_id]
    assert listed(MANAGER_A) == [two.session_id, one.session_id]
    assert listed(DIRECTOR) == [three.session_id, two.session_id, one.session_id]
    assert listed(MANAGER_B) == [three.session_id]
    assert listed(DIRECTOR, team_id="team-b") == [three.session_id]
    assert listed(APAC_DIRECTOR) == []
    assert listed(EXECUTIVE, rep_id="rep-2") == [two.session_id]
    # The director coaches mgr-a: mgr-a reads it as the one coached; mgr-b does not.
    coached = record(coaching, "mgr-a", DIRECTOR)
    assert listed(MANAGER_A, rep_id="mgr-a") == [coached.session_id]
    assert listed(MANAGER_B, rep_id="mgr-a") == []
    for metadata, session_id in ((REP_1, two.session_id), (MANAGER_B, one.session_id)):
        hidden = failure(
            lambda m=metadata, s=session_id: coaching.GetCoachingSession(
                pb.GetCoachingSessionRequest(session_id=s), metadata=m
            )
        )
        assert hidden.code() == grpc.StatusCode.NOT_FOUND
    assert (
        coaching.GetCoachingSession(
            pb.GetCoachingSessionRequest(session_id=one.session_id), metadata=REP_1
        ).session.notes
        == "Walked through the Acme renewal."
    )

    # Rep-2 does their overdue action: their session leaves the overdue list.
    done = coaching.CompleteCoachingAction(
        pb.CompleteCoachingActionRequest(action_id=two.actions[0].action_id), metadata=REP_2
    ).action
    assert (done.completed, done.completed_by, done.overdue) == (True, "rep-2", False)
    assert listed(MANAGER_A, overdue_only=True) == [coached.session_id, one.session_id]
    assert listed(MANAGER_A, page={"page_size": 1}) == [coached.session_id]


def test_the_rep_completes_their_own_actions_the_coach_side_the_rest(
    coaching: coaching_pb2_grpc.CoachingServiceStub, db: Database
) -> None:
    session = record(coaching, "rep-1")
    rep_action, manager_action = session.actions
    for metadata, action_id, code in (
        (REP_1, manager_action.action_id, grpc.StatusCode.PERMISSION_DENIED),
        (REP_2, rep_action.action_id, grpc.StatusCode.NOT_FOUND),
        (MANAGER_B, manager_action.action_id, grpc.StatusCode.NOT_FOUND),
    ):
        error = failure(
            lambda m=metadata, a=action_id: coaching.CompleteCoachingAction(
                pb.CompleteCoachingActionRequest(action_id=a), metadata=m
            )
        )
        assert error.code() == code
    coaching.CompleteCoachingAction(
        pb.CompleteCoachingActionRequest(action_id=rep_action.action_id), metadata=REP_1
    )
    twice = failure(
        lambda: coaching.CompleteCoachingAction(
            pb.CompleteCoachingActionRequest(action_id=rep_action.action_id), metadata=MANAGER_A
        )
    )
    assert rule_types(twice) == ["coaching_action_open"]
    coaching.CompleteCoachingAction(
        pb.CompleteCoachingActionRequest(action_id=manager_action.action_id), metadata=MANAGER_A
    )
    reread = coaching.GetCoachingSession(
        pb.GetCoachingSessionRequest(session_id=session.session_id), metadata=REP_1
    ).session
    assert (reread.open_actions, reread.overdue_actions) == (0, 0)


def test_the_coach_updates_the_session_and_adds_actions_with_a_version_check(
    coaching: coaching_pb2_grpc.CoachingServiceStub, db: Database
) -> None:
    session = record(coaching, "rep-1")
    updated = coaching.UpdateCoachingSession(
        pb.UpdateCoachingSessionRequest(
            session_id=session.session_id,
            focus_skill="closing",
            notes="",
            update_notes=True,
            version=1,
        ),
        metadata=MANAGER_A,
    ).session
    assert (updated.focus_skill, updated.notes, updated.version) == ("closing", "", 2)
    assert updated.session_date == session.session_date
    stale = failure(
        lambda: coaching.UpdateCoachingSession(
            pb.UpdateCoachingSessionRequest(session_id=session.session_id, version=1),
            metadata=MANAGER_A,
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    by_rep = failure(
        lambda: coaching.UpdateCoachingSession(
            pb.UpdateCoachingSessionRequest(session_id=session.session_id, notes="mine"),
            metadata=REP_1,
        )
    )
    assert by_rep.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = failure(
        lambda: coaching.AddCoachingAction(
            pb.AddCoachingActionRequest(
                session_id=session.session_id,
                action=pb.CoachingActionInput(description="x", owner=REP, due_date="soon"),
            ),
            metadata=MANAGER_A,
        )
    )
    assert bad_fields(bad) == ["action.due_date"]
    added = coaching.AddCoachingAction(
        pb.AddCoachingActionRequest(
            session_id=session.session_id,
            action=pb.CoachingActionInput(
                description="Shadow a senior rep", owner=REP, due_date=days_from_today(3)
            ),
        ),
        metadata=DIRECTOR,
    )
    assert added.action.owner_id == "rep-1"
    assert [a.description for a in added.session.actions][-1] == "Shadow a senior rep"
    assert added.session.open_actions == 3
