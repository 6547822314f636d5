"""After-sales service cases as plain Python: what a valid case is, how it moves, its SLA.

A case is raised for a customer (and optionally one of its contracts), has a
type and a priority, and must be resolved within the resolution SLA of its
priority. The SLA hours come from the platform defaults below unless the
case's region overrides them; the due time is fixed when the case opens and
reopening does not restart the clock.

Status machine::

    open --start--> in_progress --resolve--> resolved --close--> closed
                          ^                      |
                          +-------reopen---------+

Scope (defence in depth, the api applies it): a rep sees the cases assigned
to them or opened by them; managers, directors and admins see every case of
their regions; executives read every region.

Nothing here knows about gRPC, HTTP, nameko or SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.kit.errors import FailedPrecondition, RuleViolation, Validator
from services.kit.identity import Caller
from services.pipeline.domain.leads import REGION_PATTERN, clean_text

# Ids of other records (customers, contracts, people) as the platform issues them.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
ID_RULE = "must be an id of 1-100 letters, digits or . _ @ - (starting with a letter or digit)"
MAX_SLA_HOURS = 8760  # a year


class CaseStatus(StrEnum):
    """Where a case stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class CasePriority(StrEnum):
    """How fast a case must be resolved."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class CaseType(StrEnum):
    """What kind of help the customer needs."""

    INCIDENT = "incident"
    QUESTION = "question"
    COMPLAINT = "complaint"
    REQUEST = "request"


# Statuses in which the SLA clock runs: a case here past its due time is overdue.
ACTIVE_STATUSES = frozenset({CaseStatus.OPEN, CaseStatus.IN_PROGRESS})
ACTIVE_STATUS_VALUES = sorted(status.value for status in ACTIVE_STATUSES)

# Resolution hours per priority when a region sets no override.
DEFAULT_RESOLUTION_HOURS: Mapping[CasePriority, int] = {
    CasePriority.URGENT: 4,
    CasePriority.HIGH: 24,
    CasePriority.NORMAL: 72,
    CasePriority.LOW: 168,
}


class CaseAction(StrEnum):
    """What moves a case from one status to another."""

    START = "start"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"


# The only moves a case can make: action -> (from, to). Anything else is refused.
CASE_ACTIONS: Mapping[CaseAction, tuple[CaseStatus, CaseStatus]] = {
    CaseAction.START: (CaseStatus.OPEN, CaseStatus.IN_PROGRESS),
    CaseAction.RESOLVE: (CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED),
    CaseAction.CLOSE: (CaseStatus.RESOLVED, CaseStatus.CLOSED),
    CaseAction.REOPEN: (CaseStatus.RESOLVED, CaseStatus.IN_PROGRESS),
}

_PAST_TENSE = {
    CaseAction.START: "started",
    CaseAction.RESOLVE: "resolved",
    CaseAction.CLOSE: "closed",
    CaseAction.REOPEN: "reopened",
}


def require_action(case_id: str, current: CaseStatus, action: CaseAction) -> CaseStatus:
    """The status `action` moves a case in `current` to; FailedPrecondition naming the rule."""
    source, target = CASE_ACTIONS[action]
    if current is source:
        return target
    raise FailedPrecondition(
        [
            RuleViolation(
                type="STATE",
                subject=f"cases/{case_id}",
                description=(
                    f"a {current.value} case cannot be {_PAST_TENSE[action]}; only a case "
                    f"that is {source.value} can ({source.value} -> {target.value})"
                ),
            )
        ]
    )


def require_assignable(case_id: str, current: CaseStatus) -> None:
    """Only a case that is open or in progress can be (re)assigned."""
    if current in ACTIVE_STATUSES:
        return
    raise FailedPrecondition(
        [
            RuleViolation(
                type="STATE",
                subject=f"cases/{case_id}",
                description=(
                    f"a {current.value} case cannot be assigned; "
                    "only a case that is open or in_progress can"
                ),
            )
        ]
    )


def resolution_hours(
    priority: CasePriority, overrides: Mapping[CasePriority, int] | None = None
) -> int:
    """The resolution SLA of `priority`: the region's override, else the platform default."""
    if overrides and priority in overrides:
        return overrides[priority]
    return DEFAULT_RESOLUTION_HOURS[priority]


def due_at(opened_at: datetime, hours: int) -> datetime:
    """When a case opened at `opened_at` with an SLA of `hours` must be resolved."""
    return opened_at + timedelta(hours=hours)


def is_overdue(status: CaseStatus, due: datetime, now: datetime) -> bool:
    """A case is overdue while it is open or in progress and its due time has passed."""
    return status in ACTIVE_STATUSES and due < now


def breach_is_due(
    status: CaseStatus, due: datetime, breached_at: datetime | None, now: datetime
) -> bool:
    """Whether the SLA breach of a case must be recorded now (once per case, ever)."""
    return breached_at is None and is_overdue(status, due, now)


def case_readable(caller: Caller, region: str, assignee_id: str, opened_by: str) -> bool:
    """Whether a case exists for `caller`: in their regions and, for a rep, theirs."""
    if not caller.can_read(region):
        return False
    return not caller.own_records_only or caller.subject in {assignee_id, opened_by}


@dataclass(frozen=True)
class NewCase:
    """A case as opened, after validation and normalisation."""

    region: str
    customer_id: str
    contract_id: str
    type: CaseType
    priority: CasePriority
    subject: str
    description: str
    assignee_id: str


def _check_id(check: Validator, field_name: str, value: str, *, required: bool) -> None:
    if not value:
        if required:
            check.add(field_name, "is required")
        return
    check.check(bool(ID_PATTERN.match(value)), field_name, ID_RULE)


def validate_new_case(
    *,
    region: str,
    customer_id: str,
    contract_id: str = "",
    type: CaseType | None,
    priority: CasePriority | None,
    subject: str,
    description: str = "",
    assignee_id: str = "",
) -> NewCase:
    """Normalise and check a new case; InvalidArgument lists every bad field at once."""
    check = Validator()
    cleaned_region = region.strip().upper()
    check.check(
        bool(REGION_PATTERN.match(cleaned_region)),
        "region",
        "must be a region code such as EMEA or CN-EAST (2-32 letters, digits or '-')",
    )
    _check_id(check, "customer_id", customer_id.strip(), required=True)
    _check_id(check, "contract_id", contract_id.strip(), required=False)
    _check_id(check, "assignee_id", assignee_id.strip(), required=False)
    check.check(
        type is not None,
        "type",
        f"is required: one of {', '.join(t.value for t in CaseType)}",
    )
    check.check(
        priority is not None,
        "priority",
        f"is required: one of {', '.join(p.value for p in CasePriority)}",
    )
    cleaned_subject = clean_text(subject)
    check.require("subject", cleaned_subject)
    cleaned_description = description.strip()
    check.optional("description", cleaned_description, max_length=5000)
    check.raise_if_any()
    assert type is not None and priority is not None  # checked above
    return NewCase(
        region=cleaned_region,
        customer_id=customer_id.strip(),
        contract_id=contract_id.strip(),
        type=type,
        priority=priority,
        subject=cleaned_subject,
        description=cleaned_description,
        assignee_id=assignee_id.strip(),
    )


def validate_assignee(assignee_id: str) -> str:
    """The assignee of an assignment, cleaned; it is required."""
    cleaned = assignee_id.strip()
    check = Validator()
    _check_id(check, "assignee_id", cleaned, required=True)
    check.raise_if_any()
    return cleaned


def require_rep_assigns_self(caller: Caller, assignee_id: str, field_name: str) -> None:
    """A rep may take a case themselves but not hand it to someone else."""
    if caller.own_records_only and assignee_id and assignee_id != caller.subject:
        check = Validator()
        check.add(field_name, "a rep can only assign a case to themselves")
        check.raise_if_any()


@dataclass(frozen=True)
class Resolution:
    """What a resolution records: the note and, if the customer gave one, a score."""

    note: str
    satisfaction_score: int | None


def validate_resolution(note: str, satisfaction_score: int | None) -> Resolution:
    """A resolution note is required; a satisfaction score, when given, is 1 to 5."""
    check = Validator()
    cleaned = note.strip()
    check.require("resolution_note", cleaned, max_length=5000)
    if satisfaction_score is not None:
        check.check(
            1 <= satisfaction_score <= 5,
            "satisfaction_score",
            "must be 1 (very dissatisfied) to 5 (very satisfied), or left out",
        )
    check.raise_if_any()
    return Resolution(cleaned, satisfaction_score)


def validate_reopen_reason(reason: str) -> str:
    """Why a resolved case is reopened, cleaned; it is required."""
    cleaned = clean_text(reason)
    check = Validator()
    check.require("reason", cleaned, max_length=1000)
    check.raise_if_any()
    return cleaned


def validate_sla_targets(
    region: str, targets: Iterable[tuple[CasePriority | None, int]]
) -> tuple[str, dict[CasePriority, int]]:
    """A region's SLA overrides: each priority at most once, 1 to MAX_SLA_HOURS hours."""
    check = Validator()
    cleaned_region = region.strip().upper()
    check.check(
        bool(REGION_PATTERN.match(cleaned_region)),
        "region",
        "must be a region code such as EMEA or CN-EAST (2-32 letters, digits or '-')",
    )
    overrides: dict[CasePriority, int] = {}
    for index, (priority, hours) in enumerate(targets):
        where = f"targets[{index}]"
        if priority is None:
            check.add(
                f"{where}.priority",
                f"is required: one of {', '.join(p.value for p in CasePriority)}",
            )
            continue
        if priority in overrides:
            check.add(f"{where}.priority", f"{priority.value} is listed more than once")
        if not 1 <= hours <= MAX_SLA_HOURS:
            check.add(f"{where}.resolution_hours", f"must be 1 to {MAX_SLA_HOURS} hours")
        overrides[priority] = hours
    check.raise_if_any()
    return cleaned_region, overrides
