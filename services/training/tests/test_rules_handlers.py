"""Assignment rules through the real worker (both databases): every trigger, once, with its reason.

Handlers run as nameko calls them (`worker_factory` over a real database),
so the inbox applies each envelope once; repeated and duplicate events (new
ids, same facts) must still never add a second enrollment.
"""

from __future__ import annotations

from typing import Any

import pytest
from nameko.testing.services import worker_factory

from services.kit.db import Database
from services.training.domain.rules import GAP_DUE_DAYS_ENV
from services.training.handlers.assignment_rules import RULE_ACTOR
from services.training.models.core import RepRecord
from services.training.tests.rules_support import (
    add_rule,
    certification_expiring,
    channel,
    day,
    db,
    gap_detected,
    rep_hired,
    violation_recorded,
)
from services.training.tests.training_support import (
    add_course,
    add_path,
    enrollments_of,
    outbox_events,
)
from services.training.worker import Worker

__all__ = ["channel", "db"]


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def test_a_hire_assigns_the_roles_onboarding_path_once_with_its_reason(
    worker: Any, db: Database
) -> None:
    intro = add_course(db, "ONB-101")
    tools = add_course(db, "ONB-102")
    path = add_path(db, "ONB-REP", items=[(intro, True), (tools, False)])
    manager_path = add_path(db, "ONB-MGR", role="manager", items=[(tools, True)])
    rule = add_rule(db, "rep_hired", match="rep", learning_path_id=path, due_in_days=30)
    add_rule(db, "rep_hired", match="manager", learning_path_id=manager_path)

    hired = rep_hired("rep-new", hire_date="2027-01-18")
    worker.rules_on_rep_hired(hired)
    worker.rules_on_rep_hired(hired)  # redelivered: the inbox drops it
    # Planning announces the same hire again (a new event id): still one onboarding.
    worker.rules_on_rep_hired(rep_hired("rep-new", hire_date="2027-01-18"))

    rows = enrollments_of(db, "rep-new")
    assert {(r.course_id, r.required) for r in rows} == {(intro, True), (tools, False)}
    for row in rows:
        assert row.source == "rule"
        assert row.rule_id == rule
        assert row.source_event_id == hired["event_id"]
        assert row.path_id == path
        assert row.assigned_by == RULE_ACTOR
        # The rep copy had not heard of them yet: the event's region and team.
        assert (row.region, row.team_id) == ("EMEA", "team-a")
        assert row.due_on == day("2027-02-17")
        assert row.reason == "hired as rep in team-a → onboarding: path ONB-REP"
    assert len(outbox_events(db, "training.enrollment.assigned")) == 2


def test_a_rehire_after_completion_does_not_repeat_onboarding_and_leavers_get_nothing(
    worker: Any, db: Database
) -> None:
    intro = add_course(db, "ONB-101")
    path = add_path(db, "ONB-REP", items=[(intro, True)])
    add_rule(db, "rep_hired", learning_path_id=path)
    worker.rules_on_rep_hired(rep_hired("rep-1"))
    assert len(enrollments_of(db, "rep-1")) == 1
    with db.transaction() as session:
        for row in enrollments_of(db, "rep-1"):
            stored = session.merge(row)
            stored.status, stored.open_course_id = "completed", None
    worker.rules_on_rep_hired(rep_hired("rep-1"))
    assert len(enrollments_of(db, "rep-1")) == 1

    with db.transaction() as session:
        rep = session.get(RepRecord, "rep-2")
        assert rep is not None
        rep.status = "left"
    worker.rules_on_gap_detected(gap_detected("rep-2"))
    worker.rules_on_rep_hired(rep_hired("rep-2"))
    assert enrollments_of(db, "rep-2") == []


def test_rules_match_role_and_region_and_disabled_rules_do_nothing(
    worker: Any, db: Database
) -> None:
    course = add_course(db, "ONB-101")
    path = add_path(db, "ONB-REP", items=[(course, True)])
    add_rule(db, "rep_hired", match="manager", learning_path_id=path)
    add_rule(db, "rep_hired", learning_path_id=path, region="APAC")
    add_rule(db, "rep_hired", learning_path_id=path, enabled=False)
    worker.rules_on_rep_hired(rep_hired("rep-new"))
    assert enrollments_of(db, "rep-new") == []
    worker.rules_on_rep_hired(rep_hired("rep-apac", region="APAC", team="apac-team"))
    assert [r.region for r in enrollments_of(db, "rep-apac")] == ["APAC"]


def test_a_gap_assigns_the_mapped_course_due_in_the_configured_days_once(
    worker: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    negotiation = add_course(db, "NEG-101", skills=["negotiation:2"])
    prospecting = add_course(db, "PRO-101", skills=["prospecting:1"])
    rule = add_rule(db, "gap_detected", match="negotiation", course_id=negotiation)
    add_rule(db, "gap_detected", match="prospecting", course_id=prospecting, due_in_days=14)

    first = gap_detected("rep-1", skill_area="negotiation", value=0, threshold=1000)
    worker.rules_on_gap_detected(first)
    # The next scorecard finds the same gap: the open enrollment stays as it was.
    monkeypatch.setenv(GAP_DUE_DAYS_ENV, "10")
    worker.rules_on_gap_detected(gap_detected("rep-1", skill_area="negotiation", value=200))

    (row,) = enrollments_of(db, "rep-1")
    assert row.course_id == negotiation
    assert row.reason == "gap in win_rate (0 < floor 1000) → negotiation: course NEG-101"
    assert (row.rule_id, row.source_event_id) == (rule, first["event_id"])
    assert row.due_on == day("2027-02-14")  # 15 Jan + the default 30 days
    assert row.status == "assigned"

    worker.rules_on_gap_detected(gap_detected("rep-2", skill_area="negotiation"))
    assert enrollments_of(db, "rep-2")[0].due_on == day("2027-01-25")  # + 10, from the env
    worker.rules_on_gap_detected(gap_detected("rep-3", skill_area="prospecting", team="team-b"))
    (own_days,) = enrollments_of(db, "rep-3")
    assert (own_days.course_id, own_days.due_on) == (prospecting, day("2027-01-29"))
    assert own_days.team_id == "team-b"
    worker.rules_on_gap_detected(gap_detected("rep-9", skill_area="closing", region="APAC"))
    assert enrollments_of(db, "rep-9") == []
    assert len(outbox_events(db, "training.enrollment.assigned")) == 3


def test_conduct_violations_assign_the_compliance_course_process_ones_only_by_a_rule(
    worker: Any, db: Database
) -> None:
    ethics = add_course(db, "COMP-101", category="compliance_ethics")
    process = add_course(db, "PROC-101", category="sales_process")
    add_rule(db, "violation_recorded", course_id=ethics)
    worker.rules_on_violation_recorded(violation_recorded("rep-1", kind="conduct"))
    worker.rules_on_violation_recorded(
        violation_recorded("rep-2", kind="process", rule="stale_opportunity")
    )
    (row,) = enrollments_of(db, "rep-1")
    assert row.course_id == ethics
    assert row.reason == (
        "conduct violation discount_above_authority on quote-7 → compliance: course COMP-101"
    )
    assert row.due_on is None
    assert enrollments_of(db, "rep-2") == []

    add_rule(db, "violation_recorded", match="stale_opportunity", course_id=process, due_in_days=7)
    worker.rules_on_violation_recorded(
        violation_recorded("rep-2", kind="process", rule="stale_opportunity")
    )
    (by_rule,) = enrollments_of(db, "rep-2")
    assert (by_rule.course_id, by_rule.due_on) == (process, day("2027-01-22"))
    # A second conduct finding while the course is open: nothing new.
    worker.rules_on_violation_recorded(violation_recorded("rep-1", kind="conduct"))
    assert len(enrollments_of(db, "rep-1")) == 1
    # Nobody owns the subject: nobody to train.
    worker.rules_on_violation_recorded(violation_recorded("", kind="conduct"))
    assert len(outbox_events(db, "training.enrollment.assigned")) == 2


def test_an_expiring_certification_assigns_the_recertification_course_before_it_ends(
    worker: Any, db: Database
) -> None:
    recert = add_course(db, "WID-RECERT", certifies_product_line="widgets")
    gadgets = add_course(db, "GAD-RECERT", certifies_product_line="gadgets")
    rule = add_rule(db, "certification_expiring")
    add_rule(db, "certification_expiring", match="gadgets", course_id=gadgets, due_in_days=5)
    expiring = certification_expiring(
        "rep-1",
        product_line="widgets",
        valid_until="2027-02-28",
        recertification_course_id=recert,
        recertification_course_code="WID-RECERT",
    )
    worker.rules_on_certification_expiring(expiring)
    worker.rules_on_certification_expiring(
        certification_expiring("rep-1", product_line="widgets", recertification_course_id=recert)
    )
    (row,) = enrollments_of(db, "rep-1")
    assert (row.course_id, row.rule_id, row.source_event_id) == (
        recert,
        rule,
        expiring["event_id"],
    )
    assert row.due_on == day("2027-02-28")  # the last valid day
    assert row.reason == (
        "certification in widgets expires 2027-02-28 → recertification: course WID-RECERT"
    )
    assert row.team_id == "team-a"  # from the reps copy: the event does not say

    # Without a course to assign (neither the rule nor the event names one): nothing.
    worker.rules_on_certification_expiring(certification_expiring("rep-2"))
    assert enrollments_of(db, "rep-2") == []
    worker.rules_on_certification_expiring(certification_expiring("rep-3", product_line="gadgets"))
    (gadget,) = enrollments_of(db, "rep-3")
    assert (gadget.course_id, gadget.due_on) == (gadgets, day("2027-01-20"))


def test_a_retired_course_or_missing_path_is_skipped_and_other_rules_still_apply(
    worker: Any, db: Database
) -> None:
    retired = add_course(db, "OLD-101", status="retired")
    current = add_course(db, "NEG-201")
    add_rule(db, "gap_detected", course_id=retired)
    add_rule(db, "gap_detected", learning_path_id="no-such-path")
    add_rule(db, "gap_detected", course_id=current)
    worker.rules_on_gap_detected(gap_detected("rep-1"))
    assert [r.course_id for r in enrollments_of(db, "rep-1")] == [current]


def test_the_hire_is_applied_alike_whether_the_reps_copy_heard_of_it_first_or_not(
    worker: Any, db: Database
) -> None:
    course = add_course(db, "ONB-101")
    path = add_path(db, "ONB-REP", items=[(course, True)])
    add_rule(db, "rep_hired", learning_path_id=path)
    # The copy's own handler first (same envelope, its own queue), then the rules.
    first = rep_hired("rep-a", team="team-b", manager="mgr-b")
    worker.on_rep_hired(first)
    worker.rules_on_rep_hired(first)
    # The rules first, before the copy knows the rep.
    second = rep_hired("rep-b", team="team-b", manager="mgr-b")
    worker.rules_on_rep_hired(second)
    worker.on_rep_hired(second)
    for rep_id in ("rep-a", "rep-b"):
        (row,) = enrollments_of(db, rep_id)
        assert (row.course_id, row.region, row.team_id) == (course, "EMEA", "team-b")
