"""The fact store's shared reads (models/fact_store.py) over rows the real handlers wrote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from nameko.testing.services import worker_factory

from services.kit.db import Database
from services.performance.models.fact_store import (
    credits_for,
    facts_for,
    manager_chain,
    quota_for,
)
from services.performance.tests.facts_support import (
    T0,
    activity_logged,
    add_rep,
    contract_cancelled,
    contract_signed,
    seed_reps,
    target_allocated,
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


def test_the_manager_chain_goes_up_nearest_first_and_stops_at_the_depth_or_a_loop(
    db: Database,
) -> None:
    add_rep(db, "loop-a", manager="loop-b")
    add_rep(db, "loop-b", manager="loop-a")
    with db.transaction() as session:
        assert manager_chain(session, "rep-1", 2) == ["mgr-a", "dir-1"]
        assert manager_chain(session, "rep-1", 5) == ["mgr-a", "dir-1"]
        assert manager_chain(session, "rep-1", 1) == ["mgr-a"]
        assert manager_chain(session, "rep-1", 0) == []
        assert manager_chain(session, "dir-1", 2) == []
        assert manager_chain(session, "nobody", 2) == []
        assert manager_chain(session, "loop-a", 5) == ["loop-b"]


def test_credits_for_a_rep_in_a_half_open_span(worker: Any, db: Database) -> None:
    worker.facts_on_contract_signed(contract_signed("c-1", value=100, signed_date="2027-01-31"))
    worker.facts_on_contract_signed(
        contract_signed("c-2", value=200, signed_date="2027-02-01", customer="cust-2")
    )
    worker.facts_on_contract_cancelled(contract_cancelled("c-1", cancelled_date="2027-02-10"))
    with db.transaction() as session:
        january = credits_for(session, "rep-1", date(2027, 1, 1), date(2027, 2, 1))
        february = credits_for(session, "rep-1", date(2027, 2, 1), date(2027, 3, 1))
        overlay = credits_for(session, "dir-1", date(2027, 1, 1), date(2028, 1, 1))
        assert [(c.contract_id, c.amount_minor) for c in january] == [("c-1", 100)]
        assert [(c.contract_id, c.amount_minor, c.credited_on) for c in february] == [
            ("c-2", 200, date(2027, 2, 1)),
            ("c-1", -100, date(2027, 2, 10)),
        ]
        assert [(c.kind, c.from_rep_id, c.amount_minor) for c in overlay] == [
            ("overlay", "rep-1", 100),
            ("overlay", "rep-1", 200),
            ("overlay", "rep-1", -100),
        ]


def test_facts_for_a_rep_by_kind_in_a_half_open_span(worker: Any, db: Database) -> None:
    for number, day in enumerate([date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 1)]):
        at = T0.replace(year=day.year, month=day.month, day=day.day)
        worker.facts_on_activity_logged(activity_logged(f"act-{number}", occurred=at))
    worker.facts_on_contract_signed(contract_signed("c-1", signed_date="2027-01-20"))
    with db.transaction() as session:
        january = facts_for(session, "rep-1", ["activity"], date(2027, 1, 1), date(2027, 2, 1))
        assert [f.subject_id for f in january] == ["act-0", "act-1"]
        both = facts_for(
            session, "rep-1", {"activity", "new_customer"}, date(2027, 1, 1), date(2027, 2, 1)
        )
        assert [f.kind for f in both] == ["activity", "new_customer", "activity"]
        assert facts_for(session, "rep-1", [], date(2027, 1, 1), date(2028, 1, 1)) == []
        assert facts_for(session, "rep-2", ["activity"], date(2027, 1, 1), date(2028, 1, 1)) == []


def test_quota_for_a_rep_period_metric_and_product_line(worker: Any, db: Database) -> None:
    worker.facts_on_target_allocated(target_allocated("t-all", amount=900))
    worker.facts_on_target_allocated(
        target_allocated("t-line", amount=300, product_line="analytics")
    )
    worker.facts_on_target_allocated(
        target_allocated("t-units", metric="units", quantity=40, period_code="FY2027-Q1")
    )
    # A revised plan's target for the same period and metric, allocated later, counts.
    worker.facts_on_target_allocated(
        target_allocated("t-rev", plan_id="plan-2", amount=950, at=T0 + timedelta(days=1))
    )
    with db.transaction() as session:
        revenue = quota_for(session, "rep-1", "FY2027-Q1")
        assert revenue is not None and (revenue.target_id, revenue.amount_minor) == ("t-rev", 950)
        line = quota_for(session, "rep-1", "FY2027-Q1", product_line="analytics")
        assert line is not None and line.amount_minor == 300
        units = quota_for(session, "rep-1", "FY2027-Q1", "units")
        assert units is not None and units.quantity == 40
        assert quota_for(session, "rep-1", "FY2027-Q2") is None
        assert quota_for(session, "rep-2", "FY2027-Q1") is None
