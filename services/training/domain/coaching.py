"""Coaching sessions: what a valid session and action item is, who may coach, what is overdue.

Pure rules (no SQL, gRPC or nameko). Who may do what:

- a manager above the rep in the manager chain, or a director or admin of
  the rep's region, records a session and changes it (`may_coach`);
- the rep reads their own sessions and completes the actions they own;
- an action owned by the coach is completed by the coach side only.

An action is overdue when it is not completed and today (UTC) is after its
due date.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.kit.errors import Validator

# Roles that coach every rep of their regions.
REGION_COACH_ROLES = frozenset({"director", "admin"})
MAX_NOTES = 10_000
MAX_SKILL = 64
MAX_DESCRIPTION = 2_000


class ActionOwner(StrEnum):
    REP = "rep"
    MANAGER = "manager"


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner: ActionOwner | None
    due_date: str


@dataclass(frozen=True)
class CheckedAction:
    description: str
    owner: ActionOwner
    due_on: date


def parse_date(v: Validator, field_name: str, value: str, *, required: bool) -> date | None:
    """An ISO 8601 date, or a violation naming the field."""
    if not value.strip():
        if required:
            v.add(field_name, "is required (an ISO 8601 date, e.g. 2027-03-31)")
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        v.add(field_name, "is not an ISO 8601 date, e.g. 2027-03-31")
        return None


def check_action(v: Validator, prefix: str, action: ActionInput) -> CheckedAction | None:
    """One action item, its violations added to `v` under `prefix` ("actions[0].")."""
    v.require(f"{prefix}description", action.description, MAX_DESCRIPTION)
    v.check(action.owner is not None, f"{prefix}owner", "must be rep or manager")
    due = parse_date(v, f"{prefix}due_date", action.due_date, required=True)
    if not action.description.strip() or action.owner is None or due is None:
        return None
    return CheckedAction(action.description.strip(), action.owner, due)


def check_skill(v: Validator, field_name: str, value: str) -> str:
    """A focus skill: a code like those of courses' skills ("negotiation"), lower case."""
    skill = value.strip().lower()
    v.require(field_name, skill, MAX_SKILL)
    v.check(":" not in skill and "," not in skill, field_name, "is a skill name without a level")
    return skill


def may_coach(
    roles: Collection[str], subject: str, rep_id: str, managers_above: Collection[str]
) -> bool:
    """Whether a caller (already a writer of the rep's region) may coach the rep."""
    if subject == rep_id:
        return False
    if set(roles) & REGION_COACH_ROLES:
        return True
    return "manager" in roles and subject in managers_above


def is_overdue(due_on: date, completed: bool, today: date) -> bool:
    return not completed and today > due_on
