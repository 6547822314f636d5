"""Who an enrollment belongs to for a caller: the reporting line and the caller's scope.

Enrollments live in the core `enrollments` table (`models/core.py`); this
module reads the local rep directory to answer "is this rep below this
manager" and "which reps may this caller see", for the enrollment API and
any other area that scopes by rep (coaching, readiness).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.identity import Caller
from services.training.models.core import (
    OPEN_ENROLLMENT_STATUSES,
    EnrollmentRecord,
    EnrollmentStatus,
    RepRecord,
    manager_chain,
    reps_managed_by,
)

# Roles whose scope is whole regions (an admin configures every region).
REGION_WIDE_ROLES = frozenset({"director", "executive", "admin"})


@dataclass(frozen=True)
class RepScope:
    """The reps a caller sees: `reps` None means every rep of the caller's regions."""

    caller: Caller
    reps: frozenset[str] | None

    def sees(self, rep_id: str, region: str) -> bool:
        if not self.caller.has_region(region):
            return False
        return self.reps is None or rep_id in self.reps


def scope_of(session: Session, caller: Caller) -> RepScope:
    """A rep sees themself, a manager themself and the reps below them, others their regions."""
    caller.require_reader()
    if caller.roles & REGION_WIDE_ROLES:
        return RepScope(caller, None)
    if "manager" in caller.roles:
        return RepScope(
            caller, frozenset(reps_managed_by(session, caller.subject) | {caller.subject})
        )
    return RepScope(caller, frozenset({caller.subject}))


def manages(session: Session, caller: Caller, rep: RepRecord) -> bool:
    """Whether the caller may assign, complete or waive for `rep`.

    An admin for everyone, a director for the reps of their regions, a manager
    for the reps below them in their regions.
    """
    if "admin" in caller.roles:
        return True
    if "*" not in caller.regions and rep.region not in caller.regions:
        return False
    if "director" in caller.roles:
        return True
    if "manager" in caller.roles:
        return caller.subject in manager_chain(session, rep.rep_id)
    return False


def past_due(session: Session, today: date) -> list[EnrollmentRecord]:
    """Open enrollments not yet marked overdue whose due date is before `today` (locked)."""
    return list(
        session.scalars(
            sa.select(EnrollmentRecord)
            .where(
                EnrollmentRecord.status.in_(
                    [EnrollmentStatus.ASSIGNED.value, EnrollmentStatus.IN_PROGRESS.value]
                ),
                EnrollmentRecord.due_on.is_not(None),
                EnrollmentRecord.due_on < today,
            )
            .order_by(EnrollmentRecord.due_on, EnrollmentRecord.enrollment_id)
            .with_for_update(skip_locked=True)
        )
    )


OPEN_STATUSES = sorted(s.value for s in OPEN_ENROLLMENT_STATUSES)
