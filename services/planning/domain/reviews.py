"""Period reviews and improvement actions as plain rules.

- One review per org unit and fiscal period, for a period that has begun.
  Its plan-versus-actual lines are a snapshot of attainment taken when it is
  opened or refreshed. Status: open -> closed; a closed review is locked
  (findings, lines and new actions).
- Improvement actions: open -> in_progress -> done; open or in_progress ->
  dropped, with a reason. Done and dropped are final. An action is overdue
  when it is neither and its due date has passed. Actions outlive their
  review: the open ones are carried into the unit's later reviews.
- Who: the manager of the unit or of any unit above it, or a director (or
  admin) of the region, opens and changes reviews and actions; a rep reads
  their own team's reviews and changes only the status of actions they own.

Nothing here knows about gRPC, SQL or nameko.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from services.kit.errors import FailedPrecondition, PermissionDenied, Validator
from services.kit.fiscal import FiscalPeriod
from services.kit.identity import Caller
from services.kit.normalize import clean_text
from services.planning.domain.attainment import AttainmentLine

MAX_FINDINGS = 20_000
MAX_REASON = 2_000
# Roles that change any review of their regions.
REGION_REVIEWERS = frozenset({"director", "admin"})


class ReviewStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DROPPED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.DROPPED: frozenset(),
}
UNFINISHED = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


@dataclass(frozen=True)
class ReviewLine:
    """One target's plan versus actual, as the review keeps it."""

    metric: str
    product_line: str
    currency: str
    target: int
    actual: int
    expected: int
    percent_bp: int
    status: str

    @classmethod
    def of(cls, line: AttainmentLine) -> ReviewLine:
        return cls(
            metric=line.metric,
            product_line=line.product_line,
            currency=line.currency,
            target=line.target,
            actual=line.actual,
            expected=line.expected,
            percent_bp=line.percent_bp,
            status=line.status,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReviewLine:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def attained_lines(lines: Iterable[ReviewLine]) -> int:
    """How many lines reached their target."""
    return sum(1 for line in lines if line.target > 0 and line.actual >= line.target)


def require_period_begun(period: FiscalPeriod, now: datetime) -> None:
    """A review looks back: its period must have begun."""
    if now < period.starts_at:
        raise FailedPrecondition.of(
            "PERIOD_NOT_BEGUN",
            f"periods/{period.code}",
            f"{period.code} begins {period.starts_at.date().isoformat()}; a period is "
            "reviewed once it has begun",
        )


def require_open(review_id: str, status: ReviewStatus) -> None:
    """A closed review is locked."""
    if status != ReviewStatus.OPEN:
        raise FailedPrecondition.of(
            "LOCKED",
            f"reviews/{review_id}",
            "the review is closed and locked; findings, lines and actions change only "
            "while it is open (its open actions are still updated on their own)",
        )


def require_reviewer(
    caller: Caller, *, region: str, unit_id: str, managers_up_the_tree: Iterable[str]
) -> None:
    """The manager of the unit or of a unit above it, or a director or admin of the region."""
    caller.require_writer(region)
    if caller.roles & REGION_REVIEWERS:
        return
    if "manager" in caller.roles and caller.subject in set(managers_up_the_tree):
        return
    raise PermissionDenied(
        f"the reviews of unit '{unit_id}' are kept by the managers of that unit or of a unit "
        f"above it, or by a director of {region}"
    )


def check_findings(findings: str) -> str:
    v = Validator()
    v.optional("findings", findings.strip(), MAX_FINDINGS)
    v.raise_if_any()
    return findings.strip()


def parse_due_date(v: Validator, value: str, field_name: str = "due_date") -> date | None:
    value = value.strip()
    if not value:
        v.add(field_name, "is required (ISO 8601 date, for example 2027-04-30)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        v.add(field_name, "must be an ISO 8601 date, for example 2027-04-30")
        return None


@dataclass(frozen=True)
class NewAction:
    title: str
    owner_id: str
    due_on: date


def check_new_action(title: str, owner_id: str, due_date: str) -> NewAction:
    """A new action's fields, every bad one at once."""
    v = Validator()
    cleaned = clean_text(title)
    v.require("title", cleaned)
    v.require("owner_id", owner_id.strip(), 100)
    due = parse_due_date(v, due_date)
    v.raise_if_any()
    assert due is not None
    return NewAction(cleaned, owner_id.strip(), due)


def require_action_transition(action_id: str, current: ActionStatus, target: ActionStatus) -> None:
    """Raise FailedPrecondition unless an action in `current` may become `target`."""
    if target in ACTION_TRANSITIONS[current]:
        return
    allowed = sorted(s.value for s, targets in ACTION_TRANSITIONS.items() if target in targets)
    raise FailedPrecondition.of(
        "STATE",
        f"improvement-actions/{action_id}",
        f"a {current.value} action cannot become {target.value}; only an action that is "
        f"{' or '.join(allowed) or 'never'} can",
    )


def check_drop_reason(target: ActionStatus | None, reason: str) -> str:
    """A reason is required to drop an action, and only then."""
    v = Validator()
    reason = reason.strip()
    if target == ActionStatus.DROPPED:
        v.require("drop_reason", reason, MAX_REASON)
    else:
        v.check(not reason, "drop_reason", "is only given when the status becomes dropped")
    v.raise_if_any()
    return reason


def is_overdue(status: ActionStatus, due_on: date, today: date) -> bool:
    """Neither done nor dropped, and due before `today`."""
    return status in UNFINISHED and due_on < today
