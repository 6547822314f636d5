"""Overdue improvement actions are announced once per due date (the worker scan, both DBs)."""

from __future__ import annotations

from datetime import date, timedelta

import grpc
from nameko.testing.services import worker_factory
from salesops.planning.v1 import reviews_pb2 as pb
from salesops.planning.v1 import reviews_pb2_grpc

from services.kit.db import Database, utcnow
from services.planning.handlers.reviews_overdue import run_overdue_scan
from services.planning.models.reviews import ImprovementActionRecord
from services.planning.tests.market_support import TEAM_A_MANAGER, channel, db
from services.planning.tests.test_plans_api import envelopes
from services.planning.worker import Worker

__all__ = ["channel", "db"]


def test_overdue_actions_are_reported_once_per_due_date(
    channel: grpc.Channel, db: Database
) -> None:
    reviews = reviews_pb2_grpc.ReviewServiceStub(channel)
    review = reviews.OpenReview(
        pb.OpenReviewRequest(org_unit_id="team-a", period_code="FY2026-Q2"),
        metadata=TEAM_A_MANAGER,
    ).review
    soon = (utcnow().date() + timedelta(days=10)).isoformat()
    late, finished, on_time = (
        reviews.AddImprovementAction(
            pb.AddImprovementActionRequest(
                review_id=review.review_id, title=title, owner_id="rep-1", due_date=soon
            ),
            metadata=TEAM_A_MANAGER,
        ).action
        for title in ("Late", "Finished", "On time")
    )
    with db.transaction() as session:  # time passes
        for action_id in (late.action_id, finished.action_id):
            session.get(ImprovementActionRecord, action_id).due_on = date(2026, 7, 1)  # type: ignore[union-attr]
        session.get(ImprovementActionRecord, finished.action_id).status = "done"  # type: ignore[union-attr]

    assert run_overdue_scan(db, date(2026, 7, 1)) == []  # due today is not overdue yet
    assert run_overdue_scan(db, date(2026, 7, 2)) == [late.action_id]
    assert run_overdue_scan(db, date(2026, 7, 3)) == []
    [event] = envelopes(db, "planning.improvement_action.overdue")
    payload = event["payload"]
    assert (payload["action_id"], payload["due_date"], payload["status"]) == (
        late.action_id,
        "2026-07-01",
        "open",
    )
    assert (payload["owner_id"], payload["org_unit_id"], event["region"]) == (
        "rep-1",
        "team-a",
        "EMEA",
    )
    # A new due date that passes too is reported again.
    reviews.UpdateImprovementAction(
        pb.UpdateImprovementActionRequest(action_id=late.action_id, due_date="2026-07-10"),
        metadata=TEAM_A_MANAGER,
    )
    assert run_overdue_scan(db, date(2026, 7, 11)) == [late.action_id]
    # The worker's timer scans today: both open actions' due dates have passed.
    with db.transaction() as session:
        session.get(ImprovementActionRecord, on_time.action_id).due_on = date(2026, 7, 5)  # type: ignore[union-attr]
    assert worker_factory(Worker, db=db).reviews_overdue_scan() == 1
    assert len(envelopes(db, "planning.improvement_action.overdue")) == 3
