"""Plan rules: validation, the status machine, locking, approvers, one active plan."""

from __future__ import annotations

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller
from services.planning.domain.plans import (
    PlanInput,
    PlanStatus,
    require_amendable,
    require_approver,
    require_editable,
    require_single_active,
    require_transition,
    validate_plan,
    validate_reason,
)

CALENDAR = FiscalCalendar(4)


def test_valid_plan_parses_its_period() -> None:
    period = validate_plan(PlanInput("u1", "FY2027-Q1", "grow", "rep-1", "EUR"), CALENDAR)
    assert period is not None
    assert period.starts_at.isoformat() == "2026-04-01T00:00:00+00:00"


def test_bad_plan_names_every_field() -> None:
    with pytest.raises(InvalidArgument) as err:
        validate_plan(PlanInput("", "FY2027-Q5", "", "", "eur"), CALENDAR)
    assert sorted(v.field for v in err.value.violations) == [
        "currency",
        "org_unit_id",
        "owner_id",
        "period_code",
    ]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (PlanStatus.DRAFT, PlanStatus.SUBMITTED),
        (PlanStatus.SUBMITTED, PlanStatus.APPROVED),
        (PlanStatus.SUBMITTED, PlanStatus.DRAFT),
        (PlanStatus.APPROVED, PlanStatus.ACTIVE),
        (PlanStatus.ACTIVE, PlanStatus.CLOSED),
    ],
)
def test_allowed_transitions(current: PlanStatus, target: PlanStatus) -> None:
    require_transition("p1", current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (PlanStatus.DRAFT, PlanStatus.APPROVED),
        (PlanStatus.APPROVED, PlanStatus.DRAFT),
        (PlanStatus.CLOSED, PlanStatus.ACTIVE),
        (PlanStatus.DRAFT, PlanStatus.ACTIVE),
    ],
)
def test_refused_transitions_name_the_rule(current: PlanStatus, target: PlanStatus) -> None:
    with pytest.raises(FailedPrecondition) as err:
        require_transition("p1", current, target)
    assert err.value.violations[0].type == "STATE"
    assert err.value.violations[0].subject == "plans/p1"


@pytest.mark.parametrize("status", [PlanStatus.APPROVED, PlanStatus.ACTIVE, PlanStatus.CLOSED])
def test_approved_plan_is_locked(status: PlanStatus) -> None:
    with pytest.raises(FailedPrecondition) as err:
        require_editable("p1", status)
    assert err.value.violations[0].type == "LOCKED"


def test_draft_is_editable_and_only_approved_or_active_amendable() -> None:
    require_editable("p1", PlanStatus.DRAFT)
    require_amendable("p1", PlanStatus.APPROVED)
    require_amendable("p1", PlanStatus.ACTIVE)
    with pytest.raises(FailedPrecondition):
        require_amendable("p1", PlanStatus.DRAFT)


def _caller(subject: str, role: str, region: str = "EU") -> Caller:
    return Caller(subject, frozenset({role}), frozenset({region}))


def test_parent_manager_or_region_director_approves() -> None:
    require_approver(
        _caller("mgr-1", "manager"), parent_manager_id="mgr-1", region="EU", plan_id="p"
    )
    require_approver(
        _caller("dir-9", "director"), parent_manager_id="mgr-1", region="EU", plan_id="p"
    )
    for who in (
        _caller("mgr-2", "manager"),
        _caller("dir-9", "director", "US"),
        _caller("rep-1", "rep"),
    ):
        with pytest.raises(PermissionDenied):
            require_approver(who, parent_manager_id="mgr-1", region="EU", plan_id="p")


def test_second_active_plan_is_refused_naming_the_rule() -> None:
    require_single_active("p1", "u1", "FY2027", ["p1"])
    with pytest.raises(FailedPrecondition) as err:
        require_single_active("p2", "u1", "FY2027", ["p1"])
    assert err.value.violations[0].type == "ONE_ACTIVE_PLAN"


def test_reason_is_required() -> None:
    with pytest.raises(InvalidArgument) as err:
        validate_reason("  ")
    assert err.value.violations[0].field == "reason"
