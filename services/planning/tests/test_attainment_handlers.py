"""Sales facts from the pipeline's contract events and customer copies, through the real worker.

Handlers run as nameko would call them (`worker_factory` with a real database
on SQLite and PostgreSQL), so the inbox applies each event once; events
arrive late, twice and out of order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from nameko.testing.services import worker_factory
from salesops.events.v1 import customers_events_pb2 as customers

from services.kit.db import Database
from services.planning.handlers.attainment_pace import run_checkpoint
from services.planning.models.facts import CustomerCopyRecord
from services.planning.tests.attainment_support import (
    CALENDAR,
    T0,
    add_plan,
    add_target,
    cancelled,
    customer_created,
    envelope,
    envelopes,
    facts,
    seed_organisation,
    signed,
)
from services.planning.worker import Worker


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("planning", database_url)
    seed_organisation(database)
    return database


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def customer(db: Database, customer_id: str = "cust-1") -> CustomerCopyRecord | None:
    with db.transaction() as session:
        record = session.get(CustomerCopyRecord, customer_id)
        if record is not None:
            session.expunge(record)
        return record


def totals(db: Database, contract_id: str | None = None) -> tuple[int, int, int]:
    rows = facts(db, contract_id)
    return (
        sum(r.amount_minor for r in rows),
        sum(r.quantity for r in rows),
        sum(r.new_customers for r in rows),
    )


def test_splits_times_product_lines_book_exact_shares_in_the_team_at_signing(
    worker: Any, db: Database
) -> None:
    event = signed(
        "c-1",
        value=100_011,
        signed_date="2027-02-01",
        lines=[("analytics", 7, 100_001), ("support", 1, 10)],
        splits=[("rep-1", 3_333), ("rep-2", 3_333), ("rep-3", 3_334)],
    )
    assert worker.attainment_contract_signed(event) == "applied"
    rows = facts(db, "c-1")
    assert len(rows) == 6
    for line, amount, quantity in (("analytics", 100_001, 7), ("support", 10, 1)):
        mine = [r for r in rows if r.product_line == line]
        assert sum(r.amount_minor for r in mine) == amount
        assert sum(r.quantity for r in mine) == quantity
    by_rep = {(r.rep_id, r.product_line): (r.amount_minor, r.quantity, r.unit_id) for r in rows}
    assert by_rep[("rep-1", "analytics")] == (33_330, 2, "team-a")
    assert by_rep[("rep-3", "analytics")] == (33_341, 3, "team-b")
    assert by_rep[("rep-2", "support")] == (3, 0, "team-a")
    assert {r.kind for r in rows} == {"signed"}
    assert {r.booked_on for r in rows} == {date(2027, 2, 1)}
    assert {(r.region, r.currency, r.customer_id) for r in rows} == {("EMEA", "EUR", "cust-1")}
    # The customer is new with this contract: one count, on the owner's first row.
    [counted] = [r for r in rows if r.new_customers]
    assert (counted.rep_id, counted.product_line, counted.new_customers) == (
        "rep-1",
        "analytics",
        1,
    )
    copy = customer(db)
    assert copy is not None and copy.first_contract_id == "c-1"


def test_a_contract_without_lines_or_splits_is_the_owners_whole_value(
    worker: Any, db: Database
) -> None:
    worker.attainment_contract_signed(signed("c-1", value=5_000, signed_date="2027-02-01"))
    [row] = facts(db, "c-1")
    assert (row.rep_id, row.product_line, row.amount_minor, row.quantity) == ("rep-1", "", 5_000, 0)


def test_the_unit_is_the_reps_team_on_the_signing_day(worker: Any, db: Database) -> None:
    worker.attainment_contract_signed(signed("c-old", value=1, signed_date="2026-12-15"))
    worker.attainment_contract_signed(signed("c-new", value=1, signed_date="2027-01-01"))
    worker.attainment_contract_signed(
        signed("c-who", value=1, signed_date="2027-01-01", owner="rep-unknown")
    )
    worker.attainment_contract_signed(
        signed("c-2", value=1, signed_date="2027-01-01", owner="rep-2")  # no history: current team
    )
    units = {r.contract_id: r.unit_id for r in facts(db)}
    assert units == {"c-old": "team-b", "c-new": "team-a", "c-who": "", "c-2": "team-a"}


def test_a_cancellation_reverses_the_signed_rows(worker: Any, db: Database) -> None:
    worker.attainment_contract_signed(
        signed(
            "c-1",
            value=1_000,
            signed_date="2027-02-01",
            lines=[("analytics", 3, 700), ("support", 1, 300)],
            splits=[("rep-1", 5_000), ("rep-3", 5_000)],
        )
    )
    assert worker.attainment_contract_cancelled(cancelled("c-1", cancelled_date="2027-03-10")) == (
        "applied"
    )
    rows = facts(db, "c-1")
    assert Counter(r.kind for r in rows) == {"signed": 4, "cancelled": 4}
    reversal = [r for r in rows if r.kind == "cancelled"]
    assert {r.booked_on for r in reversal} == {date(2027, 3, 10)}
    mirror = {(r.rep_id, r.unit_id, r.product_line, r.amount_minor, r.quantity) for r in reversal}
    original = {
        (r.rep_id, r.unit_id, r.product_line, -r.amount_minor, -r.quantity)
        for r in rows
        if r.kind == "signed"
    }
    assert mirror == original
    assert totals(db, "c-1") == (0, 0, 0)
    assert [r.new_customers for r in reversal if r.new_customers] == [-1]
    copy = customer(db)
    assert copy is not None and copy.first_contract_id is None


def test_repeats_change_nothing(worker: Any, db: Database) -> None:
    event = signed("c-1", value=1_000, signed_date="2027-02-01")
    assert worker.attainment_contract_signed(event) == "applied"
    assert worker.attainment_contract_signed(event) == "duplicate"
    # The same contract again under another event id (a replay by the producer).
    assert (
        worker.attainment_contract_signed(signed("c-1", value=1_000, signed_date="2027-02-01"))
        == "applied"
    )
    assert totals(db) == (1_000, 0, 1)
    worker.attainment_contract_cancelled(cancelled("c-1", cancelled_date="2027-02-02"))
    worker.attainment_contract_cancelled(cancelled("c-1", cancelled_date="2027-02-03"))
    assert Counter(r.kind for r in facts(db)) == {"signed": 1, "cancelled": 1}
    assert totals(db) == (0, 0, 0)


def test_a_cancellation_before_its_signature_nets_the_contract_to_zero(
    worker: Any, db: Database
) -> None:
    assert worker.attainment_contract_cancelled(cancelled("c-1", cancelled_date="2027-02-05")) == (
        "applied"
    )
    assert facts(db) == []
    worker.attainment_contract_signed(
        signed("c-1", value=900, signed_date="2027-02-01", lines=[("analytics", 2, 900)])
    )
    rows = facts(db, "c-1")
    assert Counter((r.kind, r.booked_on) for r in rows) == {
        ("signed", date(2027, 2, 1)): 1,
        ("cancelled", date(2027, 2, 5)): 1,
    }
    assert totals(db) == (0, 0, 0)
    copy = customer(db)
    assert copy is not None and copy.first_contract_id is None
    # The customer's next contract makes it new.
    worker.attainment_contract_signed(signed("c-2", value=10, signed_date="2027-02-06"))
    assert totals(db, "c-2") == (10, 0, 1)


def test_a_customer_is_new_once_while_its_first_contract_stands(worker: Any, db: Database) -> None:
    worker.attainment_customer_created(customer_created("cust-1", country="de", owner_id="rep-1"))
    worker.attainment_contract_signed(signed("c-a", value=100, signed_date="2027-01-10"))
    worker.attainment_contract_signed(
        signed("c-b", value=100, signed_date="2027-01-11", owner="rep-2")
    )
    assert (totals(db, "c-a")[2], totals(db, "c-b")[2]) == (1, 0)
    worker.attainment_contract_cancelled(cancelled("c-b", cancelled_date="2027-01-12"))
    assert totals(db)[2] == 1  # cancelling a later contract leaves the customer new
    worker.attainment_contract_cancelled(cancelled("c-a", cancelled_date="2027-01-13"))
    assert totals(db)[2] == 0
    worker.attainment_contract_signed(signed("c-c", value=100, signed_date="2027-01-14"))
    assert totals(db, "c-c")[2] == 1
    assert totals(db)[2] == 1


def test_customer_copies_follow_events_in_any_order(worker: Any, db: Database) -> None:
    # A contract arrives before the customer: a bare copy holds the first contract.
    worker.attainment_contract_signed(signed("c-1", value=100, signed_date="2027-01-10"))
    newer = envelope(
        "customers.customer.updated",
        customers.CustomerUpdated(
            customer_id="cust-1",
            region="emea",
            owner_id="rep-2",
            country="AT",
            industry="Retail",
            version=3,
        ),
        T0.replace(hour=5),
    )
    older = envelope(
        "customers.customer.updated",
        customers.CustomerUpdated(
            customer_id="cust-1", region="EMEA", owner_id="rep-3", country="FR", version=2
        ),
        T0.replace(hour=4),
    )
    assert worker.attainment_customer_updated(newer) == "applied"
    assert worker.attainment_customer_updated(older) == "applied"
    assert worker.attainment_customer_created(customer_created("cust-1", country="DE")) == (
        "applied"
    )
    copy = customer(db)
    assert copy is not None
    assert (copy.region, copy.country, copy.industry, copy.owner_id, copy.first_contract_id) == (
        "EMEA",
        "AT",
        "Retail",
        "rep-2",
        "c-1",
    )


def test_reaching_a_target_emits_attained_once_and_again_after_a_reversal(
    worker: Any, db: Database
) -> None:
    plan = add_plan(db, "emea", "FY2027-Q1")
    target = add_target(
        db, plan, "revenue", 1_000, shares={"team-a": 600, "team-b": 400, "rep-1": 500}
    )
    worker.attainment_contract_signed(signed("c-1", value=600, signed_date="2027-02-01"))
    attained = envelopes(db, "planning.target.attained")
    assert sorted((e.get("unit_id", ""), e.get("rep_id", "")) for e in attained) == [
        ("", "rep-1"),
        ("team-a", ""),
    ]
    rep_event = next(e for e in attained if e.get("rep_id") == "rep-1")
    assert rep_event["target_id"] == target and rep_event["plan_id"] == plan
    assert (rep_event["period_code"], rep_event["metric"], rep_event["currency"]) == (
        "FY2027-Q1",
        "revenue",
        "EUR",
    )
    assert (int(rep_event["target"]), int(rep_event["actual"]), rep_event["percent_bp"]) == (
        500,
        600,
        12_000,
    )
    # More revenue: attained already, nothing new.
    worker.attainment_contract_signed(signed("c-2", value=100, signed_date="2027-02-02"))
    assert len(envelopes(db, "planning.target.attained")) == 2
    # The region reaches its plan target (1000) with 300 more in team-b.
    worker.attainment_contract_signed(
        signed("c-3", value=300, signed_date="2027-02-03", owner="rep-3")
    )
    assert [e.get("unit_id") for e in envelopes(db, "planning.target.attained")[2:]] == ["emea"]
    # Cancelling c-1 drops rep-1 (100), team-a (100) and emea (400) below; re-reaching
    # emits again.
    worker.attainment_contract_cancelled(cancelled("c-1", cancelled_date="2027-02-04"))
    assert len(envelopes(db, "planning.target.attained")) == 3
    worker.attainment_contract_signed(signed("c-4", value=500, signed_date="2027-02-05"))
    again = envelopes(db, "planning.target.attained")[3:]
    assert sorted((e.get("unit_id", ""), e.get("rep_id", "")) for e in again) == [
        ("", "rep-1"),
        ("team-a", ""),
    ]
    worker.attainment_contract_signed(
        signed("c-5", value=100, signed_date="2027-02-06", owner="rep-3")
    )
    # 400 for team-b reaches its share too.
    assert sorted(e.get("unit_id") for e in envelopes(db, "planning.target.attained")[5:]) == [
        "emea",
        "team-b",
    ]


def test_a_missing_fx_rate_does_not_stop_booking(worker: Any, db: Database) -> None:
    plan = add_plan(db, "emea", "FY2027-Q1")
    add_target(db, plan, "revenue", 10, shares={"rep-1": 10})
    assert (
        worker.attainment_contract_signed(
            signed("c-1", value=1_000, signed_date="2027-02-01", currency="USD")
        )
        == "applied"
    )
    assert totals(db) == (1_000, 0, 1)
    assert envelopes(db, "planning.target.attained") == []


def test_a_malformed_contract_is_parked(worker: Any, db: Database) -> None:
    bad = signed("c-1", value=1, signed_date="not a date")
    assert worker.attainment_contract_signed(bad) == "dead_lettered"
    assert facts(db) == []


def test_the_worker_checkpoint_checks_each_watched_plan_once_a_day(
    worker: Any, db: Database
) -> None:
    watched = add_plan(db, "emea", "FY2027-Q1", status="active")
    add_target(db, watched, "revenue", 9_000, shares={"rep-1": 4_500, "rep-2": 4_500})
    closed = add_plan(db, "team-b", "FY2027-Q1", status="closed")
    add_target(db, closed, "revenue", 9_000)
    other_quarter = add_plan(db, "team-a", "FY2027-Q2")
    add_target(db, other_quarter, "units", 5)
    worker.attainment_contract_signed(signed("c-1", value=3_000, signed_date="2027-01-20"))
    as_of = datetime(2027, 2, 15, tzinfo=UTC)  # half-way: 4500 expected of emea, 2250 of a rep
    reported = run_checkpoint(db, CALENDAR, as_of, 8_000)
    assert {(r.unit_id or r.rep_id, r.target_id) for r in reported} == {
        ("emea", reported[0].target_id),
        ("rep-2", reported[0].target_id),
    }
    assert {
        p.get("unit_id") or p.get("rep_id")
        for p in envelopes(db, "planning.attainment.behind_pace")
    } == {
        "emea",
        "rep-2",
    }
    assert run_checkpoint(db, CALENDAR, as_of.replace(hour=23), 8_000) == []
