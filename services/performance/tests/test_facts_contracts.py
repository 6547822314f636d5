"""Contract facts and sales credits from the pipeline's contract events, through the real worker.

Handlers run as nameko would call them (`worker_factory` with a real database
on SQLite and PostgreSQL), so the inbox applies each event once; events
arrive late, twice and out of order. The organisation is facts_support's:
rep-1 and rep-2 under mgr-a, rep-3 under mgr-b, both managers under dir-1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from nameko.testing.services import worker_factory

from services.kit.db import Database
from services.performance.models.facts import CreditRecord, FactRecord
from services.performance.tests.facts_support import (
    contract_cancelled,
    contract_signed,
    seed_reps,
    stored_credits,
    stored_facts,
)
from services.performance.worker import Worker


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("performance", database_url)
    seed_reps(database)
    return database


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def _direct(rows: list[CreditRecord]) -> list[CreditRecord]:
    return [r for r in rows if r.kind == "direct" and r.reverses_credit_id is None]


def _overlay(rows: list[CreditRecord]) -> list[CreditRecord]:
    return [r for r in rows if r.kind == "overlay" and r.reverses_credit_id is None]


def _net(rows: list[CreditRecord] | list[FactRecord]) -> int:
    return sum(r.amount_minor for r in rows)


def test_splits_times_product_lines_credit_exact_largest_remainder_shares(
    worker: Any, db: Database
) -> None:
    event = contract_signed(
        "c-1",
        value=100_011,
        signed_date="2027-02-01",
        opportunity="opp-1",
        lines=[("analytics", 7, 100_001), ("support", 1, 10)],
        splits=[("rep-1", 3_333), ("rep-2", 3_333), ("rep-3", 3_334)],
    )
    assert worker.facts_on_contract_signed(event) == "applied"
    signed = stored_facts(db, "contract_signed")
    direct = _direct(stored_credits(db, "c-1"))
    assert len(signed) == len(direct) == 6
    # 100_001 x 3333/10000 = 33_330.3333, x 3334/10000 = 33_340.3334: the unit left goes to
    # rep-3's larger remainder. 7 units: 2.3331 and 2.3338 -> rep-3 takes the seventh.
    # 10 minor: 3.333 and 3.334 -> 3, 3, 4; 1 unit: 0.3333 and 0.3334 -> rep-3.
    expected = {
        ("rep-1", "analytics"): (33_330, 2, 3_333, "team-a"),
        ("rep-2", "analytics"): (33_330, 2, 3_333, "team-a"),
        ("rep-3", "analytics"): (33_341, 3, 3_334, "team-b"),
        ("rep-1", "support"): (3, 0, 3_333, "team-a"),
        ("rep-2", "support"): (3, 0, 3_333, "team-a"),
        ("rep-3", "support"): (4, 1, 3_334, "team-b"),
    }
    assert {
        (r.rep_id, r.product_line): (r.amount_minor, r.quantity, r.share_bp, r.team_id)
        for r in direct
    } == expected
    assert {
        (r.rep_id, r.product_line): (r.amount_minor, r.quantity, r.value_bp, r.team_id)
        for r in signed
    } == expected
    for line, amount, quantity in (("analytics", 100_001, 7), ("support", 10, 1)):
        assert sum(r.amount_minor for r in direct if r.product_line == line) == amount
        assert sum(r.quantity for r in direct if r.product_line == line) == quantity
    assert {(r.credited_on, r.region, r.currency, r.opportunity_id) for r in direct} == {
        (date(2027, 2, 1), "EMEA", "EUR", "opp-1")
    }
    # Every fact and credit names the event it came from.
    assert {(f.event_id, f.event_type, f.subject_id) for f in signed} == {
        (event["event_id"], "pipeline.contract.signed", "c-1")
    }
    assert {r.event_id for r in direct} == {event["event_id"]}
    assert {f.occurred_on for f in signed} == {date(2027, 2, 1)}


def test_overlay_credits_go_up_the_manager_chain_to_the_configured_depth(
    worker: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker.facts_on_contract_signed(
        contract_signed("c-1", value=1_000, splits=[("rep-1", 6_000), ("rep-3", 4_000)])
    )
    overlay = _overlay(stored_credits(db, "c-1"))
    # 100% overlay: each manager above gets the amount of the rep's direct credit.
    assert sorted((r.rep_id, r.from_rep_id, r.amount_minor, r.team_id) for r in overlay) == [
        ("dir-1", "rep-1", 600, "emea"),
        ("dir-1", "rep-3", 400, "emea"),
        ("mgr-a", "rep-1", 600, "team-a"),
        ("mgr-b", "rep-3", 400, "team-b"),
    ]
    direct = _direct(stored_credits(db, "c-1"))
    assert _net(direct) == 1_000  # overlay never comes out of the reps' credits

    monkeypatch.setenv("SALESOPS_PERFORMANCE_OVERLAY_LEVELS", "1")
    worker.facts_on_contract_signed(contract_signed("c-2", value=50, customer="cust-2"))
    assert [(r.rep_id, r.from_rep_id) for r in _overlay(stored_credits(db, "c-2"))] == [
        ("mgr-a", "rep-1")
    ]
    monkeypatch.setenv("SALESOPS_PERFORMANCE_OVERLAY_LEVELS", "0")
    worker.facts_on_contract_signed(contract_signed("c-3", value=50, customer="cust-3"))
    assert _overlay(stored_credits(db, "c-3")) == []


def test_a_contract_without_lines_or_splits_is_the_owners_whole_value(
    worker: Any, db: Database
) -> None:
    worker.facts_on_contract_signed(contract_signed("c-1", value=5_000, owner="rep-2"))
    [credit] = _direct(stored_credits(db, "c-1"))
    assert (credit.rep_id, credit.product_line, credit.amount_minor, credit.share_bp) == (
        "rep-2",
        "",
        5_000,
        10_000,
    )


def test_an_unknown_rep_is_credited_without_team_or_overlay(worker: Any, db: Database) -> None:
    worker.facts_on_contract_signed(contract_signed("c-1", value=70, owner="rep-new"))
    rows = stored_credits(db, "c-1")
    assert [(r.rep_id, r.kind, r.team_id) for r in rows] == [("rep-new", "direct", "")]


def test_a_cancellation_within_the_clawback_window_reverses_every_credit(
    worker: Any, db: Database
) -> None:
    worker.facts_on_contract_signed(
        contract_signed(
            "c-1",
            value=1_000,
            signed_date="2027-01-01",
            lines=[("analytics", 3, 700), ("support", 1, 300)],
            splits=[("rep-1", 5_000), ("rep-3", 5_000)],
        )
    )
    cancel = contract_cancelled("c-1", cancelled_date="2027-06-30")  # day 180: still inside
    assert worker.facts_on_contract_cancelled(cancel) == "applied"
    rows = stored_credits(db, "c-1")
    originals = {r.credit_id: r for r in rows if r.reverses_credit_id is None}
    reversals = [r for r in rows if r.reverses_credit_id is not None]
    assert len(originals) == 4 + 8  # 4 direct, each with 2 overlay levels
    assert sorted(r.reverses_credit_id for r in reversals) == sorted(originals)
    for reversal in reversals:
        original = originals[reversal.reverses_credit_id or ""]
        assert (reversal.rep_id, reversal.kind, reversal.from_rep_id, reversal.product_line) == (
            original.rep_id,
            original.kind,
            original.from_rep_id,
            original.product_line,
        )
        assert (reversal.amount_minor, reversal.quantity) == (
            -original.amount_minor,
            -original.quantity,
        )
        assert (reversal.credited_on, reversal.event_id) == (
            date(2027, 6, 30),
            cancel["event_id"],
        )
    assert _net(rows) == 0
    # The facts mirror the signature on the cancellation day.
    cancelled = stored_facts(db, "contract_cancelled")
    assert len(cancelled) == 4
    assert {(f.occurred_on, f.event_id, f.event_type) for f in cancelled} == {
        (date(2027, 6, 30), cancel["event_id"], "pipeline.contract.cancelled")
    }
    assert _net(cancelled) == -1_000


def test_a_cancellation_after_the_clawback_window_leaves_the_credits(
    worker: Any, db: Database
) -> None:
    worker.facts_on_contract_signed(contract_signed("c-1", value=800, signed_date="2027-01-01"))
    worker.facts_on_contract_cancelled(contract_cancelled("c-1", cancelled_date="2027-07-01"))
    rows = stored_credits(db, "c-1")
    assert [r for r in rows if r.reverses_credit_id] == []
    assert _net(_direct(rows)) == 800
    # The cancellation is still a fact.
    [fact] = stored_facts(db, "contract_cancelled")
    assert (fact.rep_id, fact.amount_minor, fact.occurred_on) == ("rep-1", -800, date(2027, 7, 1))


def test_the_clawback_window_is_configurable(
    worker: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESOPS_PERFORMANCE_CLAWBACK_DAYS", "30")
    worker.facts_on_contract_signed(contract_signed("c-in", value=10, signed_date="2027-01-01"))
    worker.facts_on_contract_signed(
        contract_signed("c-out", value=20, signed_date="2027-01-01", customer="cust-2")
    )
    worker.facts_on_contract_cancelled(contract_cancelled("c-in", cancelled_date="2027-01-31"))
    worker.facts_on_contract_cancelled(contract_cancelled("c-out", cancelled_date="2027-02-01"))
    assert _net(stored_credits(db, "c-in")) == 0
    assert _net(_direct(stored_credits(db, "c-out"))) == 20
    assert [r for r in stored_credits(db, "c-out") if r.reverses_credit_id] == []


def test_repeats_change_nothing(worker: Any, db: Database) -> None:
    event = contract_signed("c-1", value=1_000)
    assert worker.facts_on_contract_signed(event) == "applied"
    assert worker.facts_on_contract_signed(event) == "duplicate"
    # The same contract again under another event id (a replay by the producer).
    assert worker.facts_on_contract_signed(contract_signed("c-1", value=1_000)) == "applied"
    assert Counter(r.kind for r in stored_credits(db)) == {"direct": 1, "overlay": 2}
    worker.facts_on_contract_cancelled(contract_cancelled("c-1", cancelled_date="2027-02-02"))
    worker.facts_on_contract_cancelled(contract_cancelled("c-1", cancelled_date="2027-02-03"))
    rows = stored_credits(db)
    assert len([r for r in rows if r.reverses_credit_id]) == 3
    assert _net(rows) == 0
    assert Counter(f.kind for f in stored_facts(db)) == {
        "contract_signed": 1,
        "contract_cancelled": 1,
        "new_customer": 2,
    }


def test_a_cancellation_before_its_signature_is_booked_when_the_signature_arrives(
    worker: Any, db: Database
) -> None:
    cancel = contract_cancelled("c-1", cancelled_date="2027-02-05")
    assert worker.facts_on_contract_cancelled(cancel) == "applied"
    assert stored_facts(db) == [] and stored_credits(db) == []
    worker.facts_on_contract_signed(
        contract_signed("c-1", value=900, signed_date="2027-02-01", lines=[("analytics", 2, 900)])
    )
    rows = stored_credits(db, "c-1")
    assert Counter((r.kind, r.credited_on, r.reverses_credit_id is None) for r in rows) == {
        ("direct", date(2027, 2, 1), True): 1,
        ("overlay", date(2027, 2, 1), True): 2,
        ("direct", date(2027, 2, 5), False): 1,
        ("overlay", date(2027, 2, 5), False): 2,
    }
    assert {r.event_id for r in rows if r.reverses_credit_id} == {cancel["event_id"]}
    assert _net(rows) == 0
    assert sum(f.quantity for f in stored_facts(db, "new_customer")) == 0
    # The customer's next contract makes it new.
    worker.facts_on_contract_signed(contract_signed("c-2", value=10, signed_date="2027-02-06"))
    news = stored_facts(db, "new_customer", "cust-1")
    assert sum(f.quantity for f in news) == 1
    assert news[-1].detail == "c-2"


def test_a_late_cancellation_before_its_signature_outside_the_window_keeps_the_credits(
    worker: Any, db: Database
) -> None:
    worker.facts_on_contract_cancelled(contract_cancelled("c-1", cancelled_date="2027-12-01"))
    worker.facts_on_contract_signed(contract_signed("c-1", value=300, signed_date="2027-01-01"))
    assert [r for r in stored_credits(db, "c-1") if r.reverses_credit_id] == []
    assert _net(stored_facts(db, "contract_cancelled")) == -300


def test_a_customer_is_new_once_while_its_first_contract_stands(worker: Any, db: Database) -> None:
    worker.facts_on_contract_signed(contract_signed("c-a", value=100, signed_date="2027-01-10"))
    worker.facts_on_contract_signed(
        contract_signed("c-b", value=100, signed_date="2027-01-11", owner="rep-2")
    )
    [new] = stored_facts(db, "new_customer")
    assert (new.rep_id, new.subject_id, new.quantity, new.detail, new.occurred_on) == (
        "rep-1",
        "cust-1",
        1,
        "c-a",
        date(2027, 1, 10),
    )
    worker.facts_on_contract_cancelled(
        contract_cancelled("c-b", cancelled_date="2027-01-12", owner="rep-2")
    )
    assert sum(f.quantity for f in stored_facts(db, "new_customer")) == 1
    worker.facts_on_contract_cancelled(contract_cancelled("c-a", cancelled_date="2027-01-13"))
    news = stored_facts(db, "new_customer")
    assert [(f.rep_id, f.quantity, f.occurred_on) for f in news] == [
        ("rep-1", 1, date(2027, 1, 10)),
        ("rep-1", -1, date(2027, 1, 13)),
    ]


def test_a_contract_without_a_customer_makes_nobody_new(worker: Any, db: Database) -> None:
    worker.facts_on_contract_signed(contract_signed("c-1", value=5, customer=""))
    assert stored_facts(db, "new_customer") == []


@pytest.mark.parametrize(
    "payload",
    [
        {"contract_id": "", "region": "EMEA", "owner_id": "rep-1", "value": {"currency": "EUR"}},
        {"contract_id": "c-9", "region": "EMEA", "value": {"currency": "EUR"}},
        {"contract_id": "c-9", "region": "EMEA", "owner_id": "r", "value": {"currency": "euro"}},
        {
            "contract_id": "c-9",
            "region": "EMEA",
            "value": {"currency": "EUR"},
            "splits": [{"rep_id": "rep-1", "share_bp": 0}],
        },
        {"contract_id": "c-9", "owner_id": "r", "value": {"currency": "EUR"}, "signed_date": "x"},
        {"contract_id": 7, "value": "a lot"},
    ],
)
def test_a_malformed_contract_is_parked(worker: Any, db: Database, payload: dict[str, Any]) -> None:
    event = contract_signed("c-9")
    event["payload"] = payload
    assert worker.facts_on_contract_signed(event) == "dead_lettered"
    assert stored_credits(db) == [] and stored_facts(db) == []
