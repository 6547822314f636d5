"""Activity rules as plain Python: what a valid activity is and how a task is completed.

An activity is a call, meeting, visit, email or task linked to exactly one
lead, opportunity or customer. A task is open until completed; the other
kinds record something that happened and are completed when logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.kit.errors import FailedPrecondition, RuleViolation, Validator
from services.pipeline.domain.leads import clean_text
from services.pipeline.domain.opportunities import parse_date


class ActivityType(StrEnum):
    """What kind of contact or work an activity is."""

    CALL = "call"
    MEETING = "meeting"
    VISIT = "visit"
    EMAIL = "email"
    TASK = "task"


class ActivityStatus(StrEnum):
    """Whether an activity is still to be done."""

    OPEN = "open"
    COMPLETED = "completed"


@dataclass(frozen=True)
class NewActivity:
    """An activity after validation: its kind, words, owner and one target."""

    type: ActivityType
    subject: str
    outcome: str
    owner_id: str
    due_date: date | None
    target_kind: str  # "lead", "opportunity" or "customer"
    target_id: str

    @property
    def status(self) -> ActivityStatus:
        """A task starts open; anything else happened already."""
        return ActivityStatus.OPEN if self.type is ActivityType.TASK else ActivityStatus.COMPLETED


def validate_new_activity(
    *,
    type: str,
    subject: str,
    outcome: str,
    owner_id: str,
    due_date: str,
    lead_id: str,
    opportunity_id: str,
    customer_id: str,
) -> NewActivity:
    """Check an activity; InvalidArgument lists every bad field at once."""
    check = Validator()
    try:
        kind = ActivityType(type)
    except ValueError:
        check.add("type", f"must be one of {', '.join(t.value for t in ActivityType)}")
        kind = ActivityType.TASK
    subject = clean_text(subject)
    outcome = outcome.strip()
    owner_id = owner_id.strip()
    check.require("subject", subject)
    check.optional("outcome", outcome, max_length=2000)
    check.require("owner_id", owner_id, max_length=100)
    due = parse_date(check, "due_date", due_date)
    targets = [
        (name, value.strip())
        for name, value in (
            ("lead", lead_id),
            ("opportunity", opportunity_id),
            ("customer", customer_id),
        )
        if value.strip()
    ]
    if len(targets) != 1:
        check.add(
            "lead_id" if not targets else targets[1][0] + "_id",
            "link the activity to exactly one of lead_id, opportunity_id and customer_id",
        )
    check.raise_if_any()
    target_kind, target_id = targets[0]
    return NewActivity(kind, subject, outcome, owner_id, due, target_kind, target_id)


def validate_completion(activity_id: str, status: ActivityStatus, outcome: str) -> str:
    """Only an open task can be completed, and its outcome is required."""
    if status is not ActivityStatus.OPEN:
        raise FailedPrecondition(
            [
                RuleViolation(
                    "STATE",
                    f"activities/{activity_id}",
                    "the activity is completed already; only an open task can be completed",
                )
            ]
        )
    check = Validator()
    outcome = outcome.strip()
    check.require("outcome", outcome, max_length=2000)
    check.raise_if_any()
    return outcome
