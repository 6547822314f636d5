"""Assignment rules: which event assigns which learning path or course, when it is due, and why.

Pure rules (no SQL, gRPC or nameko): the api validates rules with
`check_rule`, the worker's handlers (`handlers/assignment_rules.py`) decide
with `matches`, `due_on` and the `*_reason` functions.

What a rule's `match` means depends on its trigger:

- rep_hired: the new rep's role ("" = any role);
- gap_detected: the gap's skill area ("" = any skill area);
- violation_recorded: a violation kind ("conduct", "process") or an
  inspection rule code ("discount_above_authority", ...); "" matches conduct
  violations only, as the issue asks (process findings are the manager's);
- certification_expiring: the product line ("" = any product line).

A rule assigns a learning path or a course; a certification_expiring rule may
name neither, and then assigns the recertification course the event names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from services.kit.errors import Validator

GAP_DUE_DAYS_ENV = "SALESOPS_TRAINING_GAP_DUE_DAYS"
DEFAULT_GAP_DUE_DAYS = 30
MAX_DUE_DAYS = 366
CONDUCT = "conduct"


class Trigger(StrEnum):
    REP_HIRED = "rep_hired"
    GAP_DETECTED = "gap_detected"
    VIOLATION_RECORDED = "violation_recorded"
    CERTIFICATION_EXPIRING = "certification_expiring"


def gap_due_days(environ: Mapping[str, str] | None = None) -> int:
    """Days a gap's course is due in when its rule says 0 (`SALESOPS_TRAINING_GAP_DUE_DAYS`).

    Fails fast, naming the variable, on a value that is not a whole number of days 1-366.
    """
    raw = (os.environ if environ is None else environ).get(GAP_DUE_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_GAP_DUE_DAYS
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(
            f"{GAP_DUE_DAYS_ENV} must be a whole number of days, not {raw!r}"
        ) from None
    if not 1 <= days <= MAX_DUE_DAYS:
        raise ValueError(f"{GAP_DUE_DAYS_ENV} must be between 1 and {MAX_DUE_DAYS}, not {days}")
    return days


@dataclass(frozen=True)
class RuleInput:
    """A rule's settings as an admin writes them."""

    name: str
    trigger: Trigger | None
    match: str
    learning_path_id: str
    course_id: str
    due_in_days: int
    region: str
    enabled: bool


def check_rule(rule: RuleInput, prefix: str = "rule.") -> RuleInput:
    """The rule normalised (match lower case, region upper case); InvalidArgument per bad field."""
    v = Validator()
    v.require(f"{prefix}name", rule.name, 200)
    v.check(
        rule.trigger is not None,
        f"{prefix}trigger",
        "must be rep_hired, gap_detected, violation_recorded or certification_expiring",
    )
    v.optional(f"{prefix}match", rule.match, 100)
    v.optional(f"{prefix}region", rule.region, 32)
    path_id, course_id = rule.learning_path_id.strip(), rule.course_id.strip()
    if path_id and course_id:
        v.add(f"{prefix}course_id", "give a learning path or a course, not both")
    elif not path_id and not course_id and rule.trigger is not Trigger.CERTIFICATION_EXPIRING:
        v.add(f"{prefix}learning_path_id", "a learning path or a course is required")
    v.check(
        0 <= rule.due_in_days <= MAX_DUE_DAYS,
        f"{prefix}due_in_days",
        f"must be between 0 and {MAX_DUE_DAYS}",
    )
    v.raise_if_any()
    return replace(
        rule,
        name=rule.name.strip(),
        match=rule.match.strip().lower(),
        learning_path_id=path_id,
        course_id=course_id,
        region=rule.region.strip().upper(),
    )


def matches(trigger: Trigger, match: str, *subject: str) -> bool:
    """Whether a rule of `trigger` with `match` applies to an event about `subject`.

    `subject` is the role (rep_hired), the skill area (gap_detected), the kind
    and rule code (violation_recorded) or the product line (certification_expiring).
    """
    wanted = match.strip().lower()
    values = [value.strip().lower() for value in subject]
    if trigger is Trigger.VIOLATION_RECORDED and not wanted:
        return bool(values) and values[0] == CONDUCT
    return not wanted or wanted in values


def due_on(start: date, due_in_days: int, *, default_days: int = 0) -> date | None:
    """The due date `due_in_days` (or `default_days` when 0) after `start`; None without either."""
    days = due_in_days or default_days
    return start + timedelta(days=days) if days else None


def target_words(kind: str, code: str) -> str:
    """How a reason names what it assigns: "course NEG-101", "path ONB-REP"."""
    return f"{kind} {code}"


def hired_reason(role: str, team_id: str, target: str) -> str:
    team = f" in {team_id}" if team_id else ""
    return f"hired as {role or 'rep'}{team} → onboarding: {target}"


def gap_reason(source: str, value: int, threshold: int, skill_area: str, target: str) -> str:
    """ "gap in win_rate (0 < floor 1000) → negotiation: course NEG-101"."""
    comparison = "<" if value < threshold else ">"
    return (
        f"gap in {source or 'kpi'} ({value} {comparison} floor {threshold}) → "
        f"{skill_area or 'skill'}: {target}"
    )


def violation_reason(kind: str, rule: str, subject_id: str, target: str) -> str:
    about = f" on {subject_id}" if subject_id else ""
    return f"{kind or 'conduct'} violation {rule}{about} → compliance: {target}"


def expiring_reason(product_line: str, valid_until: str, target: str) -> str:
    return f"certification in {product_line} expires {valid_until} → recertification: {target}"
