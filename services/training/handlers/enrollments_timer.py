"""The overdue scan: open enrollments past their due date are marked overdue.

`mark_overdue(db, today)` is the whole rule and takes the day as an
argument, so tests run it on a fixed day; the worker's timer calls it hourly
with today's date (UTC). An enrollment due on a day is on time through that
day and overdue from the next. Overdue enrollments stay open: the rep may
still start, progress and complete them. No event is emitted (the overdue
state is read through ListEnrollments and the readiness rates).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from nameko.timer import timer

from services.kit.db import Database, utcnow
from services.training.models.core import EnrollmentStatus
from services.training.models.enrollments import past_due

log = logging.getLogger(__name__)

OVERDUE_SCAN_INTERVAL_SECONDS = 3600.0


def mark_overdue(db: Database, today: date) -> list[str]:
    """Mark every open enrollment due before `today` overdue; the ids marked now."""
    marked: list[str] = []
    now = utcnow()
    with db.transaction() as session:
        for enrollment in past_due(session, today):
            enrollment.status = EnrollmentStatus.OVERDUE.value
            enrollment.updated_at = now
            enrollment.version += 1
            marked.append(enrollment.enrollment_id)
    return marked


class EnrollmentOverdueHandlers:
    """Worker mixin: the hourly overdue scan."""

    db: Any

    @timer(interval=OVERDUE_SCAN_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def enrollments_overdue_scan(self) -> int:
        marked = mark_overdue(self.db, utcnow().date())
        if marked:
            log.info("%d enrollment(s) became overdue", len(marked))
        return len(marked)
