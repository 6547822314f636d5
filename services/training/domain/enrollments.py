"""The enrollment rules, without storage: due dates, progress, who completes what.

Status: assigned -> in_progress -> completed; an open enrollment past its
due date is marked overdue (it stays open: starting, progress and completion
still work, and the status stays overdue until completion); an open one may
be waived with a reason. Completing:

- a course with `completes_on_assessment` completes only by passing its
  assessment (COMPLETES_ON_ASSESSMENT), for everyone;
- otherwise a manager above the rep, a director of the rep's region or an
  admin marks it complete (attendance of a classroom course, on-the-job work);
- the rep themself completes only self-paced e-learning (format e_learning).

Starting (or completing) a course whose prerequisite courses the rep has not
completed is refused (PREREQUISITES_COMPLETED).
"""

from __future__ import annotations

from datetime import date

from services.kit.errors import Validator
from services.training.models.core import EnrollmentStatus

RULE_PREREQUISITES = "PREREQUISITES_COMPLETED"
RULE_ON_ASSESSMENT = "COMPLETES_ON_ASSESSMENT"
RULE_REP_ACTIVE = "REP_ACTIVE"
RULE_PROGRESS = "PROGRESS_FORWARD"

SELF_PACED_FORMAT = "e_learning"
STATUS_FILTERS = frozenset({*(s.value for s in EnrollmentStatus), "open"})


def parse_due_on(v: Validator, field_name: str, value: str, today: date) -> date | None:
    """An ISO 8601 date today or later, or None for ""."""
    text = value.strip()
    if not text:
        return None
    try:
        due = date.fromisoformat(text)
    except ValueError:
        v.add(field_name, "must be an ISO 8601 date (YYYY-MM-DD)")
        return None
    v.check(due >= today, field_name, "may not be in the past")
    return due


def check_progress(v: Validator, field_name: str, value: int) -> None:
    v.check(0 <= value <= 100, field_name, "must be 0-100")


def started_status(status: str) -> str:
    """The status after starting: an overdue enrollment stays overdue."""
    return (
        status if status == EnrollmentStatus.OVERDUE.value else EnrollmentStatus.IN_PROGRESS.value
    )


def is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """Whether an enrollment is past due: open, with a due date before today."""
    if status not in {
        EnrollmentStatus.ASSIGNED.value,
        EnrollmentStatus.IN_PROGRESS.value,
        EnrollmentStatus.OVERDUE.value,
    }:
        return False
    return due_on is not None and due_on < today
