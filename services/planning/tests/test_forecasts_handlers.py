"""The opportunity copy fed by `pipeline.opportunity.*` (nameko handlers, SQLite and PostgreSQL).

Events arrive in order, out of order and twice; the copy must end the same.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from services.kit.db import Database
from services.kit.schema import dead_letters
from services.planning.models.forecasts import OpportunityCopyRecord
from services.planning.tests.forecasts_support import (
    YEAR,
    day,
    db,
    opportunity_closed,
    opportunity_created,
    opportunity_updated,
    stage_changed,
    worker,
)

__all__ = ["db", "worker"]


def copy_of(db: Database, opportunity_id: str) -> OpportunityCopyRecord | None:
    with db.transaction() as session:
        row = session.get(OpportunityCopyRecord, opportunity_id)
        if row is not None:
            session.expunge(row)
        return row


def created(**more: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"owner_id": "rep-1", "team_id": "team-n1", "amount": 100_000}
    fields.update(more)
    return opportunity_created("opp-1", **fields)


def moved(**more: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "owner_id": "rep-1",
        "team_id": "team-n1",
        "amount": 120_000,
        "probability_bp": 6000,
        "category": "best_case",
    }
    fields.update(more)
    return stage_changed("opp-1", **fields)


def test_created_then_moved_then_won(worker: Any, db: Database) -> None:
    assert worker.opportunity_copy_created(created()) == "applied"
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.known, row.status, row.currency, row.amount_minor) == (True, "open", "EUR", 100_000)
    assert (row.probability_bp, row.forecast_category) == (1000, "pipeline")
    assert row.expected_close_date == date(YEAR, 2, 15)
    assert (row.owner_id, row.team_id, row.region) == ("rep-1", "team-n1", "EMEA")

    assert worker.opportunity_copy_stage_changed(moved()) == "applied"
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.stage_id, row.probability_bp, row.forecast_category, row.amount_minor) == (
        "proposal",
        6000,
        "best_case",
        120_000,
    )

    won = opportunity_closed("won", "opp-1", owner_id="rep-1", team_id="team-n1", amount=118_000)
    assert worker.opportunity_copy_won(won) == "applied"
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.status, row.probability_bp, row.forecast_category, row.amount_minor) == (
        "won",
        10_000,
        "closed",
        118_000,
    )
    # The close date stays what the create said: only it carries one.
    assert row.expected_close_date == date(YEAR, 2, 15)


def test_stage_change_before_create_loses_nothing(worker: Any, db: Database) -> None:
    worker.opportunity_copy_stage_changed(moved())
    early = copy_of(db, "opp-1")
    assert early is not None
    assert (early.known, early.expected_close_date, early.probability_bp) == (False, None, 6000)

    worker.opportunity_copy_created(created())
    row = copy_of(db, "opp-1")
    assert row is not None
    # The create fills in what only it knows but does not undo the later stage change.
    assert (row.known, row.expected_close_date) == (True, date(YEAR, 2, 15))
    assert (row.stage_id, row.probability_bp, row.forecast_category, row.amount_minor) == (
        "proposal",
        6000,
        "best_case",
        120_000,
    )
    assert row.name == "Deal opp-1"


def test_older_stage_change_after_a_newer_one_is_ignored(worker: Any, db: Database) -> None:
    worker.opportunity_copy_created(created())
    worker.opportunity_copy_stage_changed(
        moved(probability_bp=8000, category="commit", occurred_at="2027-01-15T09:00:00Z")
    )
    worker.opportunity_copy_stage_changed(moved(occurred_at="2027-01-12T09:00:00Z"))
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.probability_bp, row.forecast_category) == (8000, "commit")


def test_duplicate_is_applied_once(worker: Any, db: Database) -> None:
    event = created()
    assert worker.opportunity_copy_created(event) == "applied"
    assert worker.opportunity_copy_created(event) == "duplicate"
    with db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(OpportunityCopyRecord)) == 1


def test_stale_stage_change_after_the_win_does_not_reopen(worker: Any, db: Database) -> None:
    worker.opportunity_copy_created(created())
    worker.opportunity_copy_won(
        opportunity_closed("won", "opp-1", owner_id="rep-1", team_id="team-n1", amount=99_000)
    )
    # Delivered late, and even stamped after the win: a closed deal stays closed.
    for occurred in ("2027-01-12T09:00:00Z", "2027-01-25T09:00:00Z"):
        worker.opportunity_copy_stage_changed(moved(occurred_at=occurred))
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.status, row.amount_minor, row.forecast_category) == ("won", 99_000, "closed")


def test_loss_before_create_stays_lost(worker: Any, db: Database) -> None:
    lost = opportunity_closed("lost", "opp-1", owner_id="rep-1", team_id="team-n1", amount=50_000)
    assert worker.opportunity_copy_lost(lost) == "applied"
    worker.opportunity_copy_created(created())
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.status, row.probability_bp, row.forecast_category) == ("lost", 0, "omitted")
    assert (row.known, row.expected_close_date) == (True, date(YEAR, 2, 15))


def test_event_without_region_is_parked(worker: Any, db: Database) -> None:
    event = created(close=day(3, 1))
    event["payload"]["region"] = ""
    assert worker.opportunity_copy_created(event) == "dead_lettered"
    assert copy_of(db, "opp-1") is None
    with db.transaction() as session:
        (error,) = session.scalars(sa.select(dead_letters.c.error))
    assert "opportunity_id and region" in error


def edited(**more: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "owner_id": "rep-2",
        "team_id": "team-n2",
        "amount": 150_000,
        "close": day(3, 20),
        "changed": ("amount", "expected_close_date", "owner"),
    }
    fields.update(more)
    return opportunity_updated("opp-1", **fields)


def test_an_edit_moves_the_close_date_owner_and_amount(worker: Any, db: Database) -> None:
    worker.opportunity_copy_created(created())  # 10 Jan
    assert worker.opportunity_copy_updated(edited()) == "applied"  # 13 Jan
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.expected_close_date, row.owner_id, row.team_id, row.amount_minor) == (
        date(YEAR, 3, 20),
        "rep-2",
        "team-n2",
        150_000,
    )
    assert row.name == "Deal opp-1 (edited)"
    # A stage change of 12 Jan arriving now: its stage applies, its older details do not.
    worker.opportunity_copy_stage_changed(moved())
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.stage_id, row.probability_bp, row.forecast_category) == (
        "proposal",
        6000,
        "best_case",
    )
    assert (row.owner_id, row.amount_minor, row.expected_close_date) == (
        "rep-2",
        150_000,
        date(YEAR, 3, 20),
    )


def test_an_edit_before_the_create_is_not_undone_by_it(worker: Any, db: Database) -> None:
    worker.opportunity_copy_updated(edited())
    worker.opportunity_copy_created(created())
    row = copy_of(db, "opp-1")
    assert row is not None
    assert row.known
    assert (row.expected_close_date, row.owner_id, row.amount_minor) == (
        date(YEAR, 3, 20),
        "rep-2",
        150_000,
    )
    assert (row.stage_id, row.probability_bp) == ("prospecting", 1000)


def test_an_edit_after_the_win_changes_nothing(worker: Any, db: Database) -> None:
    worker.opportunity_copy_created(created())
    won = opportunity_closed("won", "opp-1", owner_id="rep-1", team_id="team-n1", amount=118_000)
    worker.opportunity_copy_won(won)
    worker.opportunity_copy_updated(edited(occurred_at="2027-03-01T09:00:00Z"))
    row = copy_of(db, "opp-1")
    assert row is not None
    assert (row.status, row.owner_id, row.amount_minor) == ("won", "rep-1", 118_000)
