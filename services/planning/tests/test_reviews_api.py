"""Period reviews over real gRPC (both databases): prefilled, locked, actions carried forward."""

from __future__ import annotations

from datetime import date, timedelta

import grpc
import pytest
import sqlalchemy as sa
from salesops.planning.v1 import plans_pb2, plans_pb2_grpc, reviews_pb2_grpc
from salesops.planning.v1 import reviews_pb2 as pb

from services.kit.db import Database, utcnow
from services.planning.models.reviews import (
    ImprovementActionRecord,
    ReviewRecord,
    open_actions_for_unit,
)
from services.planning.tests.market_support import (
    APAC_DIRECTOR,
    DIRECTOR,
    REGION_MANAGER,
    REP_1,
    REP_3,
    TEAM_A_MANAGER,
    TEAM_B_MANAGER,
    add_fact,
    add_revenue_plan,
    channel,
    count,
    db,
)
from services.planning.tests.test_plans_api import bad_fields, envelopes, failure, rule_types

__all__ = ["channel", "db"]

Q2, Q3 = "FY2026-Q2", "FY2026-Q3"
SOON = (utcnow().date() + timedelta(days=30)).isoformat()


@pytest.fixture
def reviews(channel: grpc.Channel) -> reviews_pb2_grpc.ReviewServiceStub:
    return reviews_pb2_grpc.ReviewServiceStub(channel)


@pytest.fixture
def seeded(db: Database) -> Database:
    """team-a's approved Q2 plan (revenue 200,000 EUR) and 150,000 EUR booked in Q2."""
    add_revenue_plan(db, "team-a", Q2, 200_000)
    add_fact(db, "cust-1", 100_000, date(2026, 4, 20), unit_id="team-a")
    add_fact(db, "cust-1", 50_000, date(2026, 6, 30), unit_id="team-a", rep_id="rep-2")
    add_fact(db, "cust-1", 90_000, date(2026, 7, 1), unit_id="team-a")  # Q3
    add_fact(db, "cust-1", 70_000, date(2026, 5, 1), unit_id="team-b", rep_id="rep-3")
    return db


def open_review(
    reviews: reviews_pb2_grpc.ReviewServiceStub,
    unit: str = "team-a",
    period: str = Q2,
    metadata: list[tuple[str, str]] = TEAM_A_MANAGER,
) -> pb.OpenReviewResponse:
    return reviews.OpenReview(
        pb.OpenReviewRequest(org_unit_id=unit, period_code=period), metadata=metadata
    )


def add_action(
    reviews: reviews_pb2_grpc.ReviewServiceStub,
    review_id: str,
    title: str,
    owner: str = "rep-1",
    due: str = SOON,
) -> pb.ImprovementAction:
    return reviews.AddImprovementAction(
        pb.AddImprovementActionRequest(
            review_id=review_id, title=title, owner_id=owner, due_date=due
        ),
        metadata=TEAM_A_MANAGER,
    ).action


def set_status(
    reviews: reviews_pb2_grpc.ReviewServiceStub,
    action_id: str,
    status: int,
    metadata: list[tuple[str, str]] = REP_1,
    reason: str = "",
) -> pb.ImprovementAction:
    return reviews.UpdateImprovementAction(
        pb.UpdateImprovementActionRequest(
            action_id=action_id,
            status=status,  # type: ignore[arg-type]
            drop_reason=reason,
        ),
        metadata=metadata,
    ).action


def test_open_review_is_prefilled_from_attainment_and_unique(
    reviews: reviews_pb2_grpc.ReviewServiceStub, seeded: Database
) -> None:
    review = open_review(reviews).review
    assert (review.org_unit_id, review.region, review.period_code) == ("team-a", "EMEA", Q2)
    assert review.status == pb.REVIEW_STATUS_OPEN
    # The quarter is over: expected is the whole target; team-a booked 100,000 + 50,000 in Q2.
    [line] = review.lines
    assert (line.metric, line.product_line, line.currency) == ("revenue", "", "EUR")
    assert (line.target, line.actual, line.expected) == (200_000, 150_000, 200_000)
    assert line.percent_bp == 7_500
    assert line.status == "behind"  # below 80% of pace
    assert review.HasField("filled_time")

    again = failure(lambda: open_review(reviews, metadata=DIRECTOR))
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS
    assert count(seeded, ReviewRecord) == 1
    # A unit without a plan gets a review without lines.
    assert list(open_review(reviews, "team-b", metadata=REGION_MANAGER).review.lines) == []


def test_who_opens_reviews_and_which_periods(
    reviews: reviews_pb2_grpc.ReviewServiceStub, seeded: Database
) -> None:
    assert failure(lambda: open_review(reviews, metadata=REP_1)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: open_review(reviews, metadata=TEAM_B_MANAGER)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: open_review(reviews, metadata=APAC_DIRECTOR)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    future = failure(lambda: open_review(reviews, period="FY2030-Q1"))
    assert rule_types(future) == ["PERIOD_NOT_BEGUN"]
    bad = failure(lambda: open_review(reviews, unit="", period="2026 Q2"))
    assert bad_fields(bad) == ["org_unit_id", "period_code"]
    assert count(seeded, ReviewRecord) == 0
    # The manager of the unit above opens it.
    assert open_review(reviews, metadata=REGION_MANAGER).review.org_unit_id == "team-a"


def test_refresh_close_and_lock(
    reviews: reviews_pb2_grpc.ReviewServiceStub, seeded: Database
) -> None:
    review = open_review(reviews).review
    first = add_action(reviews, review.review_id, "Call lapsed customers")
    second = add_action(reviews, review.review_id, "Pipeline clinic", owner="rep-2")
    add_fact(seeded, "cust-2", 60_000, date(2026, 6, 1), unit_id="team-a")
    refreshed = reviews.RefreshReview(
        pb.RefreshReviewRequest(review_id=review.review_id), metadata=TEAM_A_MANAGER
    ).review
    [line] = refreshed.lines
    assert (line.actual, line.percent_bp, line.status) == (210_000, 10_500, "attained")
    assert refreshed.version == review.version + 1

    stale = failure(
        lambda: reviews.UpdateReview(
            pb.UpdateReviewRequest(review_id=review.review_id, version=1, findings="x"),
            metadata=TEAM_A_MANAGER,
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    closed = reviews.UpdateReview(
        pb.UpdateReviewRequest(
            review_id=review.review_id,
            version=refreshed.version,
            findings="Late start, strong June.",
            status=pb.REVIEW_STATUS_CLOSED,
        ),
        metadata=TEAM_A_MANAGER,
    ).review
    assert closed.status == pb.REVIEW_STATUS_CLOSED
    assert (closed.findings, closed.closed_by) == ("Late start, strong June.", "mgr-a")
    [event] = envelopes(seeded, "planning.review.closed")
    assert event["payload"]["review_id"] == review.review_id
    assert sorted(event["payload"]["open_action_ids"]) == sorted(
        [first.action_id, second.action_id]
    )
    assert (event["payload"]["attained_lines"], event["payload"]["lines"]) == (1, 1)

    for locked in (
        lambda: reviews.UpdateReview(
            pb.UpdateReviewRequest(review_id=review.review_id, findings="changed"),
            metadata=DIRECTOR,
        ),
        lambda: reviews.RefreshReview(
            pb.RefreshReviewRequest(review_id=review.review_id), metadata=DIRECTOR
        ),
        lambda: add_action(reviews, review.review_id, "Too late"),
    ):
        assert rule_types(failure(locked)) == ["LOCKED"]
    got = reviews.GetReview(pb.GetReviewRequest(review_id=review.review_id), metadata=REP_1)
    assert got.review.findings == "Late start, strong June."
    assert [a.action_id for a in got.actions] == [first.action_id, second.action_id]
    assert len(envelopes(seeded, "planning.review.closed")) == 1
    # The actions of a closed review are still tracked until done.
    assert set_status(reviews, first.action_id, pb.IMPROVEMENT_ACTION_STATUS_IN_PROGRESS).status


def test_open_actions_are_carried_into_the_next_review(
    reviews: reviews_pb2_grpc.ReviewServiceStub, seeded: Database
) -> None:
    q2 = open_review(reviews).review
    done = add_action(reviews, q2.review_id, "Call lapsed customers")
    carried = add_action(reviews, q2.review_id, "Pipeline clinic", owner="rep-2")
    set_status(reviews, done.action_id, pb.IMPROVEMENT_ACTION_STATUS_IN_PROGRESS)
    finished = set_status(reviews, done.action_id, pb.IMPROVEMENT_ACTION_STATUS_DONE)
    assert finished.HasField("done_time")

    q3 = open_review(reviews, period=Q3)
    assert [a.action_id for a in q3.carried_actions] == [carried.action_id]
    assert q3.carried_actions[0].period_code == Q2
    with seeded.transaction() as session:
        assert [a.action_id for a in open_actions_for_unit(session, "team-a")] == [
            carried.action_id
        ]
    # The same action, not a copy: dropping it clears it from the later review.
    set_status(
        reviews,
        carried.action_id,
        pb.IMPROVEMENT_ACTION_STATUS_DROPPED,
        metadata=TEAM_A_MANAGER,
        reason="covered by the Q3 plan",
    )
    later = reviews.GetReview(pb.GetReviewRequest(review_id=q3.review.review_id), metadata=REP_1)
    assert list(later.carried_actions) == []
    earlier = reviews.GetReview(pb.GetReviewRequest(review_id=q2.review_id), metadata=REP_1)
    assert list(earlier.carried_actions) == []  # nothing flows backwards
    assert count(seeded, ImprovementActionRecord) == 2


def test_action_rules_and_who_changes_what(
    reviews: reviews_pb2_grpc.ReviewServiceStub, seeded: Database
) -> None:
    review = open_review(reviews).review
    mine = add_action(reviews, review.review_id, "Call lapsed customers")
    theirs = add_action(reviews, review.review_id, "Pipeline clinic", owner="rep-2")
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    past = failure(lambda: add_action(reviews, review.review_id, "x", due=yesterday))
    assert bad_fields(past) == ["due_date"]
    left = failure(lambda: add_action(reviews, review.review_id, "x", owner="rep-4"))
    assert bad_fields(left) == ["owner_id"]
    assert bad_fields(failure(lambda: add_action(reviews, review.review_id, "", due="soon"))) == [
        "due_date",
        "title",
    ]

    skip = failure(lambda: set_status(reviews, mine.action_id, pb.IMPROVEMENT_ACTION_STATUS_DONE))
    assert rule_types(skip) == ["STATE"]
    no_reason = failure(
        lambda: set_status(reviews, mine.action_id, pb.IMPROVEMENT_ACTION_STATUS_DROPPED)
    )
    assert bad_fields(no_reason) == ["drop_reason"]
    retitle = failure(
        lambda: reviews.UpdateImprovementAction(
            pb.UpdateImprovementActionRequest(action_id=mine.action_id, title="Mine now"),
            metadata=REP_1,
        )
    )
    assert retitle.code() == grpc.StatusCode.PERMISSION_DENIED
    not_mine = failure(
        lambda: set_status(reviews, theirs.action_id, pb.IMPROVEMENT_ACTION_STATUS_IN_PROGRESS)
    )
    assert not_mine.code() == grpc.StatusCode.PERMISSION_DENIED
    other_team = failure(
        lambda: set_status(
            reviews, mine.action_id, pb.IMPROVEMENT_ACTION_STATUS_IN_PROGRESS, metadata=REP_3
        )
    )
    assert other_team.code() == grpc.StatusCode.NOT_FOUND
    moved = reviews.UpdateImprovementAction(
        pb.UpdateImprovementActionRequest(
            action_id=theirs.action_id, owner_id="rep-1", due_date="2026-12-31", version=1
        ),
        metadata=TEAM_A_MANAGER,
    ).action
    assert (moved.owner_id, moved.due_date, moved.version) == ("rep-1", "2026-12-31", 2)
    with seeded.transaction() as session:
        statuses = session.scalars(sa.select(ImprovementActionRecord.status)).all()
    assert sorted(statuses) == ["open", "open"]


def test_lists_are_scoped_and_filtered(
    reviews: reviews_pb2_grpc.ReviewServiceStub, seeded: Database
) -> None:
    a = open_review(reviews).review
    b = open_review(reviews, "team-b", metadata=TEAM_B_MANAGER).review
    late = add_action(reviews, a.review_id, "Call lapsed customers")
    on_time = add_action(reviews, a.review_id, "Pipeline clinic", owner="rep-2")
    with seeded.transaction() as session:  # time passes: the first action is now overdue
        session.get(ImprovementActionRecord, late.action_id).due_on = date(2026, 7, 1)  # type: ignore[union-attr]

    def listed(metadata: list[tuple[str, str]], **filters: object) -> list[str]:
        reply = reviews.ListReviews(pb.ListReviewsRequest(**filters), metadata=metadata)  # type: ignore[arg-type]
        return [r.review_id for r in reply.reviews]

    assert listed(DIRECTOR) == [b.review_id, a.review_id]
    assert listed(REP_1) == [a.review_id]  # a rep sees their team's reviews
    assert listed(REP_3) == [b.review_id]
    assert listed(APAC_DIRECTOR) == []
    assert listed(DIRECTOR, org_unit_id="team-b") == [b.review_id]
    assert listed(DIRECTOR, status=pb.REVIEW_STATUS_CLOSED) == []
    hidden = failure(
        lambda: reviews.GetReview(pb.GetReviewRequest(review_id=a.review_id), metadata=REP_3)
    )
    assert hidden.code() == grpc.StatusCode.NOT_FOUND

    def actions(metadata: list[tuple[str, str]], **filters: object) -> list[str]:
        reply = reviews.ListImprovementActions(
            pb.ListImprovementActionsRequest(**filters),  # type: ignore[arg-type]
            metadata=metadata,
        )
        return sorted(a.action_id for a in reply.actions)

    assert actions(DIRECTOR, overdue_only=True) == [late.action_id]
    assert actions(DIRECTOR, owner_id="rep-2") == [on_time.action_id]
    assert actions(DIRECTOR, review_id=a.review_id) == sorted([late.action_id, on_time.action_id])
    assert actions(REP_3) == []
    assert actions(APAC_DIRECTOR) == []
    got = reviews.ListImprovementActions(
        pb.ListImprovementActionsRequest(overdue_only=True), metadata=REP_1
    ).actions
    assert [a.overdue for a in got] == [True]


def test_the_next_periods_plan_carries_the_open_actions(
    reviews: reviews_pb2_grpc.ReviewServiceStub, channel: grpc.Channel, seeded: Database
) -> None:
    plans = plans_pb2_grpc.PlanServiceStub(channel)
    q2 = open_review(reviews).review
    carried = add_action(reviews, q2.review_id, "Pipeline clinic", owner="rep-2")
    dropped = add_action(reviews, q2.review_id, "Trade fair")
    set_status(
        reviews,
        dropped.action_id,
        pb.IMPROVEMENT_ACTION_STATUS_DROPPED,
        metadata=TEAM_A_MANAGER,
        reason="cancelled",
    )

    def plan_for(period: str) -> plans_pb2.GetPlanResponse:
        created = plans.CreatePlan(
            plans_pb2.CreatePlanRequest(
                org_unit_id="team-a", period_code=period, owner_id="mgr-a", currency="EUR"
            ),
            metadata=TEAM_A_MANAGER,
        ).plan
        return plans.GetPlan(
            plans_pb2.GetPlanRequest(plan_id=created.plan_id), metadata=TEAM_A_MANAGER
        )

    q3 = plan_for(Q3)
    assert [(a.action_id, a.period_code) for a in q3.carried_actions] == [(carried.action_id, Q2)]
    # A plan of the reviewed period itself, or of an earlier one, carries nothing from it.
    assert list(plan_for("FY2026-Q1").carried_actions) == []
    for status in (pb.IMPROVEMENT_ACTION_STATUS_IN_PROGRESS, pb.IMPROVEMENT_ACTION_STATUS_DONE):
        set_status(reviews, carried.action_id, status, metadata=TEAM_A_MANAGER)
    again = plans.GetPlan(
        plans_pb2.GetPlanRequest(plan_id=q3.plan.plan_id), metadata=TEAM_A_MANAGER
    )
    assert list(again.carried_actions) == []
