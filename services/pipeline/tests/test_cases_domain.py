"""Case rules without a database: the status machine, the SLA clock, validation, scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument
from services.kit.identity import Caller
from services.pipeline.domain import cases as domain
from services.pipeline.domain.cases import CaseAction, CasePriority, CaseStatus, CaseType

OPENED = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)

LEGAL = {
    (CaseStatus.OPEN, CaseAction.START): CaseStatus.IN_PROGRESS,
    (CaseStatus.IN_PROGRESS, CaseAction.RESOLVE): CaseStatus.RESOLVED,
    (CaseStatus.RESOLVED, CaseAction.CLOSE): CaseStatus.CLOSED,
    (CaseStatus.RESOLVED, CaseAction.REOPEN): CaseStatus.IN_PROGRESS,
}
EVERY_MOVE = [(status, action) for status in CaseStatus for action in CaseAction]


@pytest.mark.parametrize(("status", "action"), EVERY_MOVE)
def test_every_move_of_the_status_machine(status: CaseStatus, action: CaseAction) -> None:
    if (status, action) in LEGAL:
        assert domain.require_action("c-1", status, action) is LEGAL[status, action]
        return
    with pytest.raises(FailedPrecondition) as caught:
        domain.require_action("c-1", status, action)
    (violation,) = caught.value.violations
    assert violation.type == "STATE" and violation.subject == "cases/c-1"
    source, target = domain.CASE_ACTIONS[action]
    # The rule names the status the action needs and where it leads.
    assert f"a {status.value} case cannot be" in violation.description
    assert f"only a case that is {source.value} can ({source.value} -> {target.value})" in (
        violation.description
    )


def test_closed_is_final_and_only_active_cases_can_be_assigned() -> None:
    assert all(
        (CaseStatus.CLOSED, action) not in LEGAL for action in CaseAction
    )  # nothing leaves closed
    for status in (CaseStatus.OPEN, CaseStatus.IN_PROGRESS):
        domain.require_assignable("c-1", status)
    for status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        with pytest.raises(FailedPrecondition) as caught:
            domain.require_assignable("c-1", status)
        assert "only a case that is open or in_progress" in caught.value.violations[0].description


@pytest.mark.parametrize(
    ("priority", "hours"),
    [
        (CasePriority.URGENT, 4),
        (CasePriority.HIGH, 24),
        (CasePriority.NORMAL, 72),
        (CasePriority.LOW, 168),
    ],
)
def test_default_sla_and_due_time_per_priority(priority: CasePriority, hours: int) -> None:
    assert domain.resolution_hours(priority) == hours
    assert domain.resolution_hours(priority, {}) == hours
    assert domain.due_at(OPENED, hours) == OPENED + timedelta(hours=hours)


def test_a_region_override_replaces_only_its_priorities() -> None:
    overrides = {CasePriority.URGENT: 2, CasePriority.LOW: 240}
    assert domain.resolution_hours(CasePriority.URGENT, overrides) == 2
    assert domain.resolution_hours(CasePriority.LOW, overrides) == 240
    assert domain.resolution_hours(CasePriority.HIGH, overrides) == 24
    assert domain.due_at(OPENED, 2) == datetime(2027, 3, 1, 11, 30, tzinfo=UTC)


def test_overdue_and_breach_due_only_while_active_and_strictly_after_due() -> None:
    due = OPENED + timedelta(hours=4)
    later = due + timedelta(seconds=1)
    for status in (CaseStatus.OPEN, CaseStatus.IN_PROGRESS):
        assert not domain.is_overdue(status, due, due)  # due at the very instant: not yet
        assert domain.is_overdue(status, due, later)
        assert domain.breach_is_due(status, due, None, later)
        assert not domain.breach_is_due(status, due, due, later)  # recorded once, ever
    for status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        assert not domain.is_overdue(status, due, later)
        assert not domain.breach_is_due(status, due, None, later)


def new_case(**overrides: object) -> domain.NewCase:
    fields: dict[str, object] = {
        "region": " emea ",
        "customer_id": "cus-1",
        "contract_id": "",
        "type": CaseType.INCIDENT,
        "priority": CasePriority.HIGH,
        "subject": "  Invoice   portal down ",
        "description": "since 9:00",
        "assignee_id": "",
    }
    fields.update(overrides)
    return domain.validate_new_case(**fields)  # type: ignore[arg-type]


def test_a_new_case_is_normalised() -> None:
    case = new_case()
    assert (case.region, case.subject, case.customer_id, case.contract_id) == (
        "EMEA",
        "Invoice portal down",
        "cus-1",
        "",
    )


def test_a_new_case_reports_every_bad_field_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        new_case(
            region="?",
            customer_id="",
            contract_id="has space",
            type=None,
            priority=None,
            subject=" ",
            assignee_id="x" * 101,
        )
    assert {v.field for v in caught.value.violations} == {
        "region",
        "customer_id",
        "contract_id",
        "type",
        "priority",
        "subject",
        "assignee_id",
    }


@pytest.mark.parametrize("score", [None, 1, 2, 3, 4, 5])
def test_satisfaction_is_optional_or_one_to_five(score: int | None) -> None:
    assert domain.validate_resolution(" fixed the cache ", score) == domain.Resolution(
        "fixed the cache", score
    )


@pytest.mark.parametrize("score", [0, 6, -1, 100])
def test_satisfaction_outside_one_to_five_is_refused(score: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_resolution("fixed", score)
    assert [v.field for v in caught.value.violations] == ["satisfaction_score"]


def test_a_resolution_needs_a_note() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_resolution("  ", 9)
    assert [v.field for v in caught.value.violations] == ["resolution_note", "satisfaction_score"]
    with pytest.raises(InvalidArgument):
        domain.validate_reopen_reason(" ")


def test_sla_targets_are_checked_per_entry() -> None:
    region, overrides = domain.validate_sla_targets(
        "apac", [(CasePriority.URGENT, 1), (CasePriority.LOW, domain.MAX_SLA_HOURS)]
    )
    assert region == "APAC" and overrides == {CasePriority.URGENT: 1, CasePriority.LOW: 8760}
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_sla_targets(
            "APAC",
            [
                (CasePriority.URGENT, 0),
                (CasePriority.URGENT, 4),
                (None, 4),
                (CasePriority.LOW, 8761),
            ],
        )
    assert [v.field for v in caught.value.violations] == [
        "targets[0].resolution_hours",
        "targets[1].priority",
        "targets[2].priority",
        "targets[3].resolution_hours",
    ]


def who(subject: str, roles: str, regions: str = "EMEA") -> Caller:
    return Caller(subject, frozenset(roles.split(",")), frozenset(regions.split(",")))


def test_scope_reps_see_their_assigned_or_opened_cases_managers_their_regions() -> None:
    rep = who("rep-1", "rep")
    assert domain.case_readable(rep, "EMEA", "rep-1", "mgr")
    assert domain.case_readable(rep, "EMEA", "", "rep-1")
    assert not domain.case_readable(rep, "EMEA", "rep-2", "mgr")
    assert not domain.case_readable(rep, "APAC", "rep-1", "rep-1")
    manager = who("mgr", "manager")
    assert domain.case_readable(manager, "EMEA", "rep-2", "someone")
    assert not domain.case_readable(manager, "APAC", "rep-2", "someone")
    assert domain.case_readable(who("ceo", "executive", ""), "APAC", "", "x")
    assert not domain.case_readable(who("ops", "platform"), "EMEA", "", "ops")


def test_a_rep_may_assign_only_themselves() -> None:
    domain.require_rep_assigns_self(who("rep-1", "rep"), "rep-1", "assignee_id")
    domain.require_rep_assigns_self(who("rep-1", "rep"), "", "assignee_id")
    domain.require_rep_assigns_self(who("mgr", "manager"), "rep-2", "assignee_id")
    with pytest.raises(InvalidArgument):
        domain.require_rep_assigns_self(who("rep-1", "rep"), "rep-2", "assignee_id")
