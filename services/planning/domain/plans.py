"""Sales plans: validation, the status machine, locking, who approves, one active plan.

A plan is scoped to an org unit and a fiscal period (FY2027, FY2027-Q1,
FY2027-M03). Status: draft -> submitted -> approved -> active -> closed; a
rejection returns a submitted plan to draft with a reason. Only a draft is
editable: an approved (or later) plan is locked, and amending it makes a new
draft version while the old one is kept. Pure rules, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    RuleViolation,
    Validator,
)
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller

MAX_STRATEGY_LENGTH = 10_000
MAX_REASON_LENGTH = 2_000


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ACTIVE = "active"
    CLOSED = "closed"


PLAN_TRANSITIONS: dict[PlanStatus, frozenset[PlanStatus]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.SUBMITTED}),
    PlanStatus.SUBMITTED: frozenset({PlanStatus.APPROVED, PlanStatus.DRAFT}),
    PlanStatus.APPROVED: frozenset({PlanStatus.ACTIVE, PlanStatus.CLOSED}),
    PlanStatus.ACTIVE: frozenset({PlanStatus.CLOSED}),
    PlanStatus.CLOSED: frozenset(),
}
# Statuses in which a plan's content (strategy, owner, targets) is locked.
LOCKED = frozenset(
    {PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.ACTIVE, PlanStatus.CLOSED}
)
# Statuses from which an amendment (a new draft version) may be made.
AMENDABLE = frozenset({PlanStatus.APPROVED, PlanStatus.ACTIVE})


@dataclass(frozen=True)
class PlanInput:
    org_unit_id: str
    period_code: str
    strategy: str
    owner_id: str
    currency: str


def validate_plan(plan: PlanInput, calendar: FiscalCalendar) -> FiscalPeriod | None:
    """Every bad field at once; returns the parsed fiscal period."""
    v = Validator()
    v.require("org_unit_id", plan.org_unit_id)
    v.require("owner_id", plan.owner_id)
    v.optional("strategy", plan.strategy, MAX_STRATEGY_LENGTH)
    if not (len(plan.currency) == 3 and plan.currency.isalpha() and plan.currency.isupper()):
        v.add("currency", f"'{plan.currency}' is not an ISO 4217 code such as EUR")
    period: FiscalPeriod | None = None
    try:
        period = calendar.period(plan.period_code, "period_code")
    except InvalidArgument as exc:
        v.violations.extend(exc.violations)
    v.raise_if_any()
    return period


def require_transition(plan_id: str, current: PlanStatus, target: PlanStatus) -> None:
    """Raise FailedPrecondition unless a plan in `current` may become `target`."""
    if target in PLAN_TRANSITIONS[current]:
        return
    allowed = sorted(s.value for s, targets in PLAN_TRANSITIONS.items() if target in targets)
    raise FailedPrecondition.of(
        "STATE",
        f"plans/{plan_id}",
        f"a {current.value} plan cannot become {target.value}; "
        f"only a plan that is {' or '.join(allowed) or 'never'} can",
    )


def require_editable(plan_id: str, status: PlanStatus) -> None:
    """An approved (or submitted, active, closed) plan is locked: amend it instead."""
    if status in LOCKED:
        raise FailedPrecondition.of(
            "LOCKED",
            f"plans/{plan_id}",
            f"the plan is {status.value} and locked; only a draft can change "
            "(amend an approved plan to make a new draft version)",
        )


def require_amendable(plan_id: str, status: PlanStatus) -> None:
    if status not in AMENDABLE:
        raise FailedPrecondition.of(
            "STATE",
            f"plans/{plan_id}",
            f"a {status.value} plan cannot be amended; only an approved or active plan can",
        )


def validate_reason(reason: str) -> str:
    v = Validator()
    v.require("reason", reason, MAX_REASON_LENGTH)
    v.raise_if_any()
    return reason.strip()


def require_approver(
    caller: Caller, *, parent_manager_id: str | None, region: str, plan_id: str
) -> None:
    """Only the manager of the plan unit's parent, or a director of its region, approves."""
    if caller.subject and parent_manager_id and caller.subject == parent_manager_id:
        return
    if ("director" in caller.roles or "admin" in caller.roles) and caller.has_region(region):
        return
    raise PermissionDenied(
        f"plan '{plan_id}' can be approved only by the manager of its unit's parent unit "
        f"({parent_manager_id or 'none set'}) or a director of region {region}"
    )


def require_single_active(
    plan_id: str, org_unit_id: str, period_code: str, other_active: Iterable[str]
) -> None:
    """A unit has at most one active plan per period."""
    others = [other for other in other_active if other != plan_id]
    if others:
        raise FailedPrecondition(
            [
                RuleViolation(
                    "ONE_ACTIVE_PLAN",
                    f"org_units/{org_unit_id}/periods/{period_code}",
                    f"only one active plan per unit and period: plan '{others[0]}' is already "
                    f"active for unit '{org_unit_id}' in {period_code}; close it first",
                )
            ]
        )


class Metric(StrEnum):
    REVENUE = "revenue"
    UNITS = "units"
    NEW_CUSTOMERS = "new_customers"
    MARKET_SHARE_BP = "market_share_bp"
    ACTIVITY_COUNT = "activity_count"


def validate_target(
    metric: Metric | None,
    *,
    plan_currency: str,
    amount_currency: str,
    amount_minor: int,
    has_amount: bool,
    quantity: int,
    product_line: str,
) -> int:
    """The target's value (minor units for revenue, else the quantity); every bad field named."""
    v = Validator()
    v.optional("product_line", product_line, 100)
    if metric is None:
        v.add(
            "metric",
            "is required: revenue, units, new_customers, market_share_bp or activity_count",
        )
        v.raise_if_any()
    value = quantity
    if metric == Metric.REVENUE:
        if not has_amount:
            v.add("amount", "is required for a revenue target")
        else:
            v.check(
                amount_currency == plan_currency,
                "amount.currency",
                f"must be the plan's currency {plan_currency}",
            )
            v.check(amount_minor > 0, "amount.amount_minor", "must be positive")
        v.check(quantity == 0, "quantity", "is not used for a revenue target; give amount")
        value = amount_minor
    else:
        v.check(not has_amount, "amount", "is only for revenue targets; give quantity")
        v.check(quantity > 0, "quantity", "must be positive")
        if metric == Metric.MARKET_SHARE_BP:
            v.check(quantity <= 10_000, "quantity", "a market share is at most 10000 bp (100%)")
    v.raise_if_any()
    return value
