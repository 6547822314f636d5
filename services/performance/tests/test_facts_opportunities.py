"""Opportunity states, win/loss facts and activity facts, through the real worker.

Events come late, twice and out of order; the state keeps the newest figures,
a closed opportunity stays closed, and an activity counts once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from nameko.testing.services import worker_factory

from services.kit.db import Database
from services.performance.tests.facts_support import (
    T0,
    activity_completed,
    activity_logged,
    opportunity_created,
    opportunity_lost,
    opportunity_stage_changed,
    opportunity_updated,
    opportunity_won,
    seed_reps,
    stored_facts,
    stored_opportunity,
)
from services.performance.worker import Worker

HOUR = timedelta(hours=1)


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("performance", database_url)
    seed_reps(database)
    return database


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def test_the_state_follows_the_opportunity_and_a_win_closes_it(worker: Any, db: Database) -> None:
    worker.facts_on_opportunity_created(opportunity_created("opp-1", amount=40_000, at=T0))
    state = stored_opportunity(db, "opp-1")
    assert state is not None
    assert (state.status, state.owner_id, state.team_id, state.stage_id) == (
        "open",
        "rep-1",
        "team-a",
        "qualify",
    )
    assert (state.amount_minor, state.probability_bp, state.expected_close_date) == (
        40_000,
        1_000,
        date(2027, 3, 31),
    )
    assert state.opened_at == T0 and state.last_activity_at == T0
    worker.facts_on_opportunity_stage_changed(
        opportunity_stage_changed("opp-1", to_stage="propose", probability_bp=6_000, at=T0 + HOUR)
    )
    worker.facts_on_opportunity_updated(
        opportunity_updated(
            "opp-1", owner="rep-3", amount=45_000, expected_close_date="", at=T0 + 2 * HOUR
        )
    )
    state = stored_opportunity(db, "opp-1")
    assert state is not None
    assert (state.stage_id, state.probability_bp, state.amount_minor) == ("propose", 6_000, 45_000)
    # The owner's team comes from the directory.
    assert (state.owner_id, state.team_id, state.expected_close_date) == ("rep-3", "team-b", None)
    won = opportunity_won(
        "opp-1", owner="rep-3", amount=44_000, contract_id="c-1", won_date="2027-01-16"
    )
    won["occurred_at"] = "2027-01-16T10:00:00Z"
    worker.facts_on_opportunity_won(won)
    state = stored_opportunity(db, "opp-1")
    assert state is not None
    assert (state.status, state.contract_id, state.amount_minor) == ("won", "c-1", 44_000)
    assert (
        state.closed_at is not None and state.closed_at.isoformat() == "2027-01-16T10:00:00+00:00"
    )
    [fact] = stored_facts(db, "opportunity_won")
    assert (fact.rep_id, fact.team_id, fact.subject_id, fact.amount_minor, fact.detail) == (
        "rep-3",
        "team-b",
        "opp-1",
        44_000,
        "c-1",
    )
    assert (fact.event_id, fact.event_type, fact.occurred_on) == (
        won["event_id"],
        "pipeline.opportunity.won",
        date(2027, 1, 16),
    )


def test_a_late_event_never_overwrites_newer_figures(worker: Any, db: Database) -> None:
    worker.facts_on_opportunity_updated(opportunity_updated("opp-1", amount=9_000, at=T0 + HOUR))
    worker.facts_on_opportunity_stage_changed(
        opportunity_stage_changed("opp-1", to_stage="propose", amount=1_000, at=T0)
    )
    # The creation arrives last: it only says when the deal was opened.
    worker.facts_on_opportunity_created(opportunity_created("opp-1", amount=500, at=T0 - HOUR))
    state = stored_opportunity(db, "opp-1")
    assert state is not None
    assert (state.amount_minor, state.stage_id, state.opened_at) == (9_000, "", T0 - HOUR)
    assert state.source_occurred_at == T0 + HOUR


def test_closed_stays_closed(worker: Any, db: Database) -> None:
    worker.facts_on_opportunity_created(opportunity_created("opp-1", at=T0))
    assert (
        worker.facts_on_opportunity_lost(
            opportunity_lost("opp-1", amount=30_000, reason="price", at=T0 + HOUR)
        )
        == "applied"
    )
    # A later update, a win and the loss replayed under another event id change nothing.
    worker.facts_on_opportunity_updated(opportunity_updated("opp-1", amount=1, at=T0 + 2 * HOUR))
    worker.facts_on_opportunity_won(opportunity_won("opp-1", contract_id="c-9", at=T0 + 3 * HOUR))
    worker.facts_on_opportunity_lost(opportunity_lost("opp-1", at=T0 + 4 * HOUR))
    state = stored_opportunity(db, "opp-1")
    assert state is not None
    assert (state.status, state.amount_minor, state.contract_id) == ("lost", 30_000, "")
    assert stored_facts(db, "opportunity_won") == []
    [lost] = stored_facts(db, "opportunity_lost")
    assert (lost.rep_id, lost.amount_minor, lost.detail) == ("rep-1", 30_000, "price")


def test_a_win_before_the_creation_is_kept(worker: Any, db: Database) -> None:
    worker.facts_on_opportunity_won(opportunity_won("opp-1", contract_id="c-1", at=T0 + HOUR))
    worker.facts_on_opportunity_created(opportunity_created("opp-1", amount=5, at=T0))
    state = stored_opportunity(db, "opp-1")
    assert state is not None
    assert (state.status, state.contract_id, state.opened_at, state.amount_minor) == (
        "won",
        "c-1",
        T0,
        50_000,
    )


def test_win_and_loss_facts_give_each_owner_their_win_rate(worker: Any, db: Database) -> None:
    for number, (owner, won) in enumerate(
        [("rep-1", True), ("rep-1", False), ("rep-1", False), ("rep-2", True)]
    ):
        opportunity_id = f"opp-{number}"
        worker.facts_on_opportunity_created(opportunity_created(opportunity_id, owner=owner))
        close = opportunity_won if won else opportunity_lost
        handler = worker.facts_on_opportunity_won if won else worker.facts_on_opportunity_lost
        handler(close(opportunity_id, owner=owner, at=T0 + HOUR))
    facts = stored_facts(db, "opportunity_won") + stored_facts(db, "opportunity_lost")
    by_rep: dict[str, list[str]] = {}
    for fact in facts:
        by_rep.setdefault(fact.rep_id, []).append(fact.kind)
    assert sorted(by_rep["rep-1"]) == ["opportunity_lost", "opportunity_lost", "opportunity_won"]
    assert by_rep["rep-2"] == ["opportunity_won"]


def test_an_activity_counts_once_when_it_is_done(worker: Any, db: Database) -> None:
    done = T0 + 3 * HOUR
    # A call logged as done counts at once; completing it later adds nothing.
    worker.facts_on_activity_logged(activity_logged("act-1", kind="call", occurred=done))
    worker.facts_on_activity_completed(activity_completed("act-1", completed=done + HOUR))
    # An open task counts when it is completed, once even if completed twice.
    worker.facts_on_activity_logged(activity_logged("act-2", kind="task", status="open"))
    assert [f.subject_id for f in stored_facts(db, "activity")] == ["act-1"]
    worker.facts_on_activity_completed(activity_completed("act-2", completed=done))
    worker.facts_on_activity_completed(activity_completed("act-2", completed=done + HOUR))
    facts = stored_facts(db, "activity")
    assert [(f.subject_id, f.rep_id, f.team_id, f.detail, f.quantity) for f in facts] == [
        ("act-1", "rep-1", "team-a", "call", 1),
        ("act-2", "rep-1", "team-a", "task", 1),
    ]
    assert [f.occurred_at for f in facts] == [done, done]
    assert {f.event_type for f in facts} == {
        "pipeline.activity.logged",
        "pipeline.activity.completed",
    }


def test_done_activities_move_the_opportunitys_last_activity_forward(
    worker: Any, db: Database
) -> None:
    worker.facts_on_opportunity_created(opportunity_created("opp-1", at=T0))
    worker.facts_on_activity_logged(
        activity_logged("act-1", opportunity="opp-1", occurred=T0 + 5 * HOUR)
    )
    # An older activity reported late, and an open task, leave it where it is.
    worker.facts_on_activity_logged(
        activity_logged("act-2", opportunity="opp-1", occurred=T0 + HOUR)
    )
    worker.facts_on_activity_logged(
        activity_logged("act-3", opportunity="opp-1", status="open", occurred=T0 + 9 * HOUR)
    )
    state = stored_opportunity(db, "opp-1")
    assert state is not None and state.last_activity_at == T0 + 5 * HOUR
    worker.facts_on_activity_completed(
        activity_completed("act-3", opportunity="opp-1", completed=T0 + 9 * HOUR)
    )
    state = stored_opportunity(db, "opp-1")
    assert state is not None and state.last_activity_at == T0 + 9 * HOUR


def test_an_activity_before_its_opportunity_is_kept(worker: Any, db: Database) -> None:
    worker.facts_on_activity_logged(
        activity_logged("act-1", opportunity="opp-1", occurred=T0 + HOUR)
    )
    worker.facts_on_opportunity_created(opportunity_created("opp-1", amount=7, at=T0))
    state = stored_opportunity(db, "opp-1")
    assert state is not None
    assert (state.last_activity_at, state.opened_at, state.amount_minor, state.owner_id) == (
        T0 + HOUR,
        T0,
        7,
        "rep-1",
    )


def test_malformed_opportunity_and_activity_events_are_parked(worker: Any, db: Database) -> None:
    no_id = opportunity_created("")
    bad_day = opportunity_updated("opp-1")
    bad_day["payload"]["expected_close_date"] = "soon"
    bad_time = activity_completed("act-1")
    bad_time["payload"]["completed_at"] = "yesterday"
    assert worker.facts_on_opportunity_created(no_id) == "dead_lettered"
    assert worker.facts_on_opportunity_updated(bad_day) == "dead_lettered"
    assert worker.facts_on_activity_completed(bad_time) == "dead_lettered"
    assert stored_opportunity(db, "opp-1") is None
    assert stored_facts(db) == []
