"""Account health on SQLite and PostgreSQL: the score from real tables with its reasons,
at-risk transitions emitted once each, loyalty tiers, the timer, and the API's scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from salesops.customers.v1 import satisfaction_pb2 as pb
from salesops.customers.v1 import satisfaction_pb2_grpc

from services.customers.models.accounts import CustomerRecord
from services.customers.models.health import CustomerHealthRecord
from services.customers.models.satisfaction_store import (
    factors_from_json,
    refresh_all_health,
    refresh_customers_health,
)
from services.customers.worker import Worker
from services.kit.db import Database, utcnow
from services.kit.testing import caller

from .satisfaction_support import add_contract, add_interaction, envelope, events_of, open_account
from .test_satisfaction_api import record
from .test_satisfaction_cases import breached, opened, resolved

MANAGER = caller("mgr-1", "manager", "EMEA")
CSAT, NPS = pb.SURVEY_KIND_CSAT, pb.SURVEY_KIND_NPS


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("customers", database_url)


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Any:
    return satisfaction_pb2_grpc.SatisfactionServiceStub(serve_api("customers", db))


def stored(db: Database, customer_id: str) -> CustomerHealthRecord:
    with db.transaction() as session:
        row = session.get(CustomerHealthRecord, customer_id)
        assert row is not None
        return row


def years_ago(years: int, days: int = 0) -> date:
    today = utcnow().date()
    return date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=days)


def test_the_score_from_every_source_with_its_reasons(worker: Any, db: Database, stub: Any) -> None:
    now = utcnow()
    customer = open_account(worker, db, "Acme", owner_id="rep-1")
    record(stub, customer, CSAT, 4, responded_at=now - timedelta(days=10))
    record(stub, customer, CSAT, 5, responded_at=now - timedelta(days=20))
    record(stub, customer, CSAT, 1, responded_at=now - timedelta(days=181))  # outside the window
    record(stub, customer, NPS, 9, responded_at=now - timedelta(days=30))
    record(stub, customer, NPS, 6, responded_at=now - timedelta(days=300))
    worker.satisfaction_on_case_opened(opened("late", customer, due_in_hours=-1))
    add_interaction(db, customer, now - timedelta(days=10))
    add_interaction(db, customer, now - timedelta(days=40))
    add_contract(db, customer, (now - timedelta(days=30)).date(), 110_000)
    add_contract(db, customer, (now - timedelta(days=400)).date(), 100_000)
    add_contract(db, customer, (now - timedelta(days=60)).date(), 999_999, status="cancelled")
    add_contract(db, customer, (now - timedelta(days=90)).date(), 5_000, currency="USD")

    health = stub.GetCustomerHealth(
        pb.GetCustomerHealthRequest(customer_id=customer), metadata=MANAGER
    ).health
    assert [(f.factor, f.points, f.max_points) for f in health.factors] == [
        ("satisfaction", 25, 25),  # (4 + 5) / 2 = 4.50
        ("nps", 12, 20),  # one promoter, one detractor: 0
        ("cases", 12, 20),  # one open case, overdue
        ("recency", 15, 15),  # 10 days ago
        ("revenue_trend", 20, 20),  # EUR 110000 against 100000: 110 %
    ]
    reasons = {f.factor: f.reason for f in health.factors}
    assert reasons["satisfaction"] == (
        "average CSAT 4.50 of 5 over 2 responses in the last 180 days: very satisfied"
    )
    assert reasons["nps"].startswith("NPS 0.00 over 2 responses in the last 365 days")
    assert reasons["cases"] == "1 open case, 1 overdue"
    assert reasons["recency"].startswith("last interaction 10 days ago")
    assert reasons["revenue_trend"] == (
        "active contract value signed in the last 12 months is 110 % of the 12 before "
        "(EUR 110000 vs 100000 minor units): growing"
    )
    assert (health.score, health.band) == (84, pb.HEALTH_BAND_HEALTHY)
    assert (health.customer_id, health.region, health.owner_id) == (customer, "EMEA", "rep-1")
    # The first contract was signed 400 days ago: a year's relationship, healthy.
    assert health.loyalty.tier == pb.LOYALTY_TIER_BRONZE
    assert health.loyalty.relationship_years == 1
    # The last stored assessment came with the case, before the contracts and interactions:
    # the live band differs, so how long it has held is not known until the next refresh.
    assert stored(db, customer).band == "watch" and not health.HasField("band_since")
    refresh_all_health(db, utcnow())
    again = stub.GetCustomerHealth(
        pb.GetCustomerHealthRequest(customer_id=customer), metadata=MANAGER
    ).health
    assert stored(db, customer).band == "healthy" and again.HasField("band_since")


def test_at_risk_is_emitted_once_per_transition(worker: Any, db: Database) -> None:
    customer = open_account(worker, db, "Acme", owner_id="rep-1")
    # With nothing known an account scores 53 (watch); each overdue case costs 8.
    worker.satisfaction_on_case_opened(opened("a", customer, due_in_hours=-1))
    assert (stored(db, customer).score, stored(db, customer).band) == (45, "watch")
    worker.satisfaction_on_case_sla_breached(breached("b", customer))
    assert (stored(db, customer).score, stored(db, customer).band) == (37, "at_risk")
    (first,) = events_of(db, "customers.customer.at_risk")
    payload = first["payload"]
    assert (payload["customer_id"], payload["owner_id"], payload["score"]) == (
        customer,
        "rep-1",
        37,
    )
    assert payload["previous_band"] == "watch"
    cases = next(f for f in payload["factors"] if f["factor"] == "cases")
    assert (cases["points"], cases["reason"]) == (4, "2 open cases, 2 overdue")

    refresh_all_health(db, utcnow())
    worker.satisfaction_on_case_opened(opened("b", customer, due_in_hours=-1))  # late duplicate
    assert len(events_of(db, "customers.customer.at_risk")) == 1

    worker.satisfaction_on_case_resolved(resolved("a", customer))
    worker.satisfaction_on_case_resolved(resolved("b", customer))
    assert stored(db, customer).band == "watch"  # recovered
    worker.satisfaction_on_case_opened(opened("c", customer, due_in_hours=-1))
    worker.satisfaction_on_case_opened(opened("d", customer, due_in_hours=-1))
    assert stored(db, customer).band == "at_risk"
    second = events_of(db, "customers.customer.at_risk")
    assert len(second) == 2 and second[1]["payload"]["previous_band"] == "watch"
    assert stored(db, customer).at_risk_count == 2


def test_a_first_assessment_at_risk_counts_as_becoming_at_risk(worker: Any, db: Database) -> None:
    customer = open_account(worker, db, "Acme")
    for case_id in ("a", "b"):
        worker.satisfaction_on_case_opened(opened(case_id, customer, due_in_hours=-1))
    with db.transaction() as session:
        session.execute(sa.delete(CustomerHealthRecord))
    with db.transaction() as session:
        (change,) = refresh_customers_health(session, [customer], utcnow())
    assert change.became_at_risk and change.previous_band is None
    events = events_of(db, "customers.customer.at_risk")
    assert events[-1]["payload"].get("previous_band", "") == ""


def test_a_loyalty_tier_change_is_an_event(worker: Any, db: Database, stub: Any) -> None:
    now = utcnow()
    customer = open_account(worker, db, "Loyal AG", owner_id="rep-1")
    add_contract(db, customer, years_ago(6), 50_000)
    add_contract(db, customer, (now - timedelta(days=400)).date(), 100_000)
    add_contract(db, customer, (now - timedelta(days=30)).date(), 120_000)
    add_interaction(db, customer, now - timedelta(days=2))
    record(stub, customer, CSAT, 5)
    record(stub, customer, NPS, 10)
    health = stored(db, customer)
    assert (health.score, health.band, health.loyalty_tier) == (100, "healthy", "gold")
    assert health.relationship_years == 6
    (gold,) = events_of(db, "customers.loyalty.changed")
    assert (gold["payload"]["previous_tier"], gold["payload"]["tier"]) == ("none", "gold")
    assert gold["payload"]["relationship_years"] == 6 and gold["actor"] == "mgr-1"

    # Three unhappy answers: CSAT (5 + 1 + 1 + 1) / 4 = 2.00 -> 5, NPS -50 -> 5: 65, watch.
    for _ in range(3):
        record(stub, customer, CSAT, 1)
        record(stub, customer, NPS, 0)
    health = stored(db, customer)
    assert (health.score, health.band, health.loyalty_tier) == (65, "watch", "bronze")
    changes = events_of(db, "customers.loyalty.changed")
    assert [(e["payload"]["previous_tier"], e["payload"]["tier"]) for e in changes] == [
        ("none", "gold"),
        ("gold", "bronze"),
    ]
    reply = stub.GetCustomerHealth(
        pb.GetCustomerHealthRequest(customer_id=customer), metadata=MANAGER
    ).health
    assert reply.loyalty.tier == pb.LOYALTY_TIER_BRONZE and reply.loyalty.HasField("since")
    assert reply.loyalty.reason.endswith("(6 full years), watch: bronze")


def test_the_timer_reassesses_as_time_passes_and_drops_merged_accounts(
    worker: Any, db: Database
) -> None:
    now = utcnow()
    fresh = open_account(worker, db, "Fresh")
    merged = open_account(worker, db, "Merged")
    add_interaction(db, fresh, now - timedelta(days=5))
    first = refresh_all_health(db, now)
    assert (first.assessed, first.dropped) == (2, 0)
    recency = factors_from_json(stored(db, fresh).factors)[3]
    assert (recency["factor"], recency["points"]) == ("recency", 15)
    with db.transaction() as session:
        session.execute(
            sa.update(CustomerRecord)
            .where(CustomerRecord.customer_id == merged)
            .values(merged_into=fresh, status="merged")
        )
    later = refresh_all_health(db, now + timedelta(days=200), batch_size=1)
    assert (later.assessed, later.dropped) == (1, 1)
    recency = factors_from_json(stored(db, fresh).factors)[3]
    assert (recency["points"], recency["reason"][:29]) == (0, "last interaction 205 days ago")
    with db.transaction() as session:
        assert session.get(CustomerHealthRecord, merged) is None


def test_health_is_scoped_like_the_account(worker: Any, db: Database, stub: Any) -> None:
    mine = open_account(worker, db, "Mine", owner_id="rep-1")
    theirs = open_account(worker, db, "Theirs", owner_id="rep-2")
    apac = open_account(worker, db, "Asia", region="APAC", owner_id="rep-9")
    for case_id in ("a", "b"):
        worker.satisfaction_on_case_opened(opened(case_id, theirs, due_in_hours=-1))
    worker.satisfaction_on_case_sla_breached(
        envelope(
            "pipeline.case.sla_breached",
            {"case_id": "c", "region": "APAC", "customer_id": apac, "status": "open"},
        )
    )
    refresh_all_health(db, utcnow())

    def get(customer_id: str, who: Any) -> Any:
        return stub.GetCustomerHealth(
            pb.GetCustomerHealthRequest(customer_id=customer_id), metadata=who
        ).health

    rep = caller("rep-1", "rep", "EMEA")
    assert get(mine, rep).customer_id == mine
    for customer, who in ((theirs, rep), (apac, MANAGER), ("nope", MANAGER)):
        with pytest.raises(grpc.RpcError) as caught:
            get(customer, who)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    def listed(who: Any, **filters: Any) -> list[tuple[str, int]]:
        reply = stub.ListCustomerHealth(pb.ListCustomerHealthRequest(**filters), metadata=who)
        return sorted((h.customer_id, h.band) for h in reply.health)

    assert listed(MANAGER, band=pb.HEALTH_BAND_AT_RISK) == [(theirs, pb.HEALTH_BAND_AT_RISK)]
    assert listed(rep) == [(mine, pb.HEALTH_BAND_WATCH)]
    assert listed(MANAGER, region="APAC") == []
    director = caller("dir", "director", "EMEA,APAC")
    assert [c for c, _ in listed(director)] == sorted([mine, theirs, apac])
    page = stub.ListCustomerHealth(
        pb.ListCustomerHealthRequest(page={"page_size": 1}), metadata=MANAGER
    )
    assert len(page.health) == 1 and page.page.next_page_token
    factors = page.health[0].factors
    assert factors[0].factor == "satisfaction" and factors[0].reason
