"""Lead SLA, quote discount, quota, satisfaction and training facts, through the real worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from nameko.testing.services import worker_factory

from services.kit.db import Database
from services.performance.tests.facts_support import (
    T0,
    certification_expired,
    certification_granted,
    certification_revoked,
    course_completed,
    lead_sla_breached,
    quote_approved,
    satisfaction_recorded,
    seed_reps,
    stored_facts,
    stored_quota,
    target_allocated,
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


def test_lead_sla_breaches_are_facts_of_the_owner_or_of_nobody(worker: Any, db: Database) -> None:
    breach = lead_sla_breached("lead-1", owner="rep-2", due=T0 - HOUR, sla_hours=24)
    assert worker.facts_on_lead_sla_breached(breach) == "applied"
    worker.facts_on_lead_sla_breached(lead_sla_breached("lead-2", owner="", due=T0))
    # The same breach reported again adds nothing; a new breach of the lead counts.
    worker.facts_on_lead_sla_breached(lead_sla_breached("lead-1", owner="rep-2", due=T0 - HOUR))
    worker.facts_on_lead_sla_breached(lead_sla_breached("lead-1", owner="rep-2", due=T0 + HOUR))
    facts = stored_facts(db, "lead_sla_breached")
    assert sorted((f.subject_id, f.rep_id, f.team_id, f.occurred_at) for f in facts) == [
        ("lead-1", "rep-2", "team-a", T0 - HOUR),
        ("lead-1", "rep-2", "team-a", T0 + HOUR),
        ("lead-2", "", "", T0),
    ]
    first = next(f for f in facts if f.event_id == breach["event_id"])
    assert (first.detail, first.quantity, first.event_type, first.region) == (
        "24h",
        1,
        "pipeline.lead.sla_breached",
        "EMEA",
    )


def test_an_approved_quote_records_its_discount_and_the_approvers_authority(
    worker: Any, db: Database
) -> None:
    worker.facts_on_quote_approved(
        quote_approved(
            "q-1",
            owner="rep-1",
            discount_bp=2_500,
            total=75_000,
            approved_by="mgr-a",
            approver_role="manager",
            approver_authority_bp=2_000,
        )
    )
    worker.facts_on_quote_approved(
        quote_approved(
            "q-2",
            discount_bp=4_000,
            approved_by="dir-1",
            approver_role="director",
            approver_authority_bp=0,
            approver_unlimited=True,
        )
    )
    worker.facts_on_quote_approved(quote_approved("q-1", discount_bp=9_999))  # replayed
    facts = {f.subject_id: f for f in stored_facts(db, "quote_discount")}
    assert set(facts) == {"q-1", "q-2"}
    one, two = facts["q-1"], facts["q-2"]
    assert (one.rep_id, one.value_bp, one.amount_minor, one.currency, one.detail) == (
        "rep-1",
        2_500,
        75_000,
        "EUR",
        "mgr-a",
    )
    assert (one.approver_role, one.approver_authority_bp, one.approver_unlimited) == (
        "manager",
        2_000,
        False,
    )
    assert (two.detail, two.approver_role, two.approver_unlimited) == ("dir-1", "director", True)


def test_quotas_come_from_rep_allocations_and_the_newest_wins(worker: Any, db: Database) -> None:
    newer = target_allocated("t-1", rep_id="rep-1", amount=500_000, at=T0 + HOUR)
    assert worker.facts_on_target_allocated(newer) == "applied"
    # An older allocation of the same target arrives late: it does not overwrite.
    worker.facts_on_target_allocated(target_allocated("t-1", rep_id="rep-1", amount=1, at=T0))
    # A unit's share is nobody's quota.
    worker.facts_on_target_allocated(target_allocated("t-1", unit_id="team-a", amount=9))
    worker.facts_on_target_allocated(
        target_allocated(
            "t-2", rep_id="rep-1", metric="new_customers", quantity=12, period_code="FY2027"
        )
    )
    quota = stored_quota(db, "t-1", "rep-1")
    assert quota is not None
    assert (quota.plan_id, quota.period_code, quota.metric, quota.region) == (
        "plan-1",
        "FY2027-Q1",
        "revenue",
        "EMEA",
    )
    assert (quota.currency, quota.amount_minor, quota.quantity, quota.event_id) == (
        "EUR",
        500_000,
        0,
        newer["event_id"],
    )
    assert stored_quota(db, "t-1", "team-a") is None
    counted = stored_quota(db, "t-2", "rep-1")
    assert counted is not None
    assert (counted.metric, counted.quantity, counted.currency, counted.period_code) == (
        "new_customers",
        12,
        "",
        "FY2027",
    )
    # A newer reallocation replaces it.
    worker.facts_on_target_allocated(
        target_allocated("t-1", rep_id="rep-1", amount=450_000, at=T0 + 2 * HOUR)
    )
    quota = stored_quota(db, "t-1", "rep-1")
    assert quota is not None and quota.amount_minor == 450_000


def test_satisfaction_answers_are_facts_of_the_account_owner(worker: Any, db: Database) -> None:
    worker.facts_on_satisfaction_recorded(
        satisfaction_recorded("resp-1", owner="rep-3", kind="csat", score=5, responded=T0 - HOUR)
    )
    worker.facts_on_satisfaction_recorded(satisfaction_recorded("resp-2", kind="nps", score=9))
    worker.facts_on_satisfaction_recorded(satisfaction_recorded("resp-1", score=1))  # again
    facts = stored_facts(db, "satisfaction")
    assert sorted((f.subject_id, f.rep_id, f.team_id, f.score, f.detail) for f in facts) == [
        ("resp-1", "rep-3", "team-b", 5, "csat"),
        ("resp-2", "rep-1", "team-a", 9, "nps"),
    ]
    assert next(f for f in facts if f.subject_id == "resp-1").occurred_at == T0 - HOUR


@pytest.mark.parametrize(("kind", "score"), [("csat", 0), ("csat", 6), ("nps", 11), ("ces", 3)])
def test_a_satisfaction_answer_off_its_scale_is_parked(
    worker: Any, db: Database, kind: str, score: int
) -> None:
    event = satisfaction_recorded("resp-1", kind=kind, score=score)
    assert worker.facts_on_satisfaction_recorded(event) == "dead_lettered"
    assert stored_facts(db) == []


def test_certifications_are_granted_and_lapse_once(worker: Any, db: Database) -> None:
    worker.facts_on_certification_granted(
        certification_granted("cert-1", valid_from="2027-01-10", valid_until="2027-06-30")
    )
    worker.facts_on_certification_granted(
        certification_granted("cert-2", product_line="support", valid_from="2027-02-01")
    )
    worker.facts_on_certification_expired(
        certification_expired("cert-1", valid_from="2027-01-10", valid_until="2027-06-30")
    )
    revoked = certification_revoked("cert-2", product_line="support", at=T0 + timedelta(days=40))
    worker.facts_on_certification_revoked(revoked)
    worker.facts_on_certification_expired(certification_expired("cert-2", valid_until="2028-01-31"))
    granted = stored_facts(db, "certification_granted")
    lapsed = stored_facts(db, "certification_lapsed")
    assert sorted((f.subject_id, f.product_line, f.detail, f.occurred_on) for f in granted) == [
        ("cert-1", "analytics", "analytics", date(2027, 1, 10)),
        ("cert-2", "support", "support", date(2027, 2, 1)),
    ]
    assert sorted((f.subject_id, f.occurred_on, f.event_type) for f in lapsed) == [
        ("cert-1", date(2027, 7, 1), "training.certification.expired"),
        ("cert-2", date(2027, 2, 24), "training.certification.revoked"),
    ]


def test_completed_courses_are_facts_once_per_completion(worker: Any, db: Database) -> None:
    event = course_completed("enr-1", course_code="NEG-101", completed_date="2027-01-20")
    worker.facts_on_course_completed(event)
    worker.facts_on_course_completed(
        course_completed("enr-1", course_code="NEG-101", completed_date="2027-01-20")
    )
    worker.facts_on_course_completed(
        course_completed("enr-2", rep_id="rep-2", completed_date="2027-01-21", score_bp=0)
    )
    facts = stored_facts(db, "course_completed")
    assert sorted((f.rep_id, f.subject_id, f.detail, f.value_bp, f.occurred_on) for f in facts) == [
        ("rep-1", "course-1", "NEG-101", 8_500, date(2027, 1, 20)),
        ("rep-2", "course-1", "NEG-101", 0, date(2027, 1, 21)),
    ]
    assert next(f for f in facts if f.rep_id == "rep-1").event_id == event["event_id"]


def test_malformed_source_events_are_parked(worker: Any, db: Database) -> None:
    no_period = target_allocated("t-1")
    no_period["payload"]["period_code"] = "Q1"
    bad_metric = target_allocated("t-2", metric="smiles", quantity=1)
    no_currency = target_allocated("t-3")
    no_currency["payload"]["amount"] = {"amount_minor": "5"}
    no_lead = lead_sla_breached("")
    no_rep = course_completed("enr-1", rep_id="")
    no_region = quote_approved("q-1", region="")
    assert worker.facts_on_target_allocated(no_period) == "dead_lettered"
    assert worker.facts_on_target_allocated(bad_metric) == "dead_lettered"
    assert worker.facts_on_target_allocated(no_currency) == "dead_lettered"
    assert worker.facts_on_lead_sla_breached(no_lead) == "dead_lettered"
    assert worker.facts_on_course_completed(no_rep) == "dead_lettered"
    assert worker.facts_on_quote_approved(no_region) == "dead_lettered"
    assert stored_facts(db) == []
    assert stored_quota(db, "t-1", "rep-1") is None
