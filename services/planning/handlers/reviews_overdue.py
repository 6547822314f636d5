"""The overdue scan: improvement actions past their due date are announced once.

`run_overdue_scan(db, today)` is the whole rule and takes the day as an
argument, so tests run it at a fixed date; the worker's timer calls it with
today (UTC) every hour. Each action is reported once per due date (see
`models.reviews.report_overdue_actions`).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from nameko.timer import timer

from services.kit.db import Database, utcnow
from services.planning.models.reviews import report_overdue_actions

log = logging.getLogger(__name__)

SCAN_INTERVAL_SECONDS = 3600.0


def run_overdue_scan(db: Database, today: date) -> list[str]:
    """Report actions overdue on `today` in one transaction; the ids newly reported."""
    with db.transaction() as session:
        return [action.action_id for action in report_overdue_actions(session, today)]


class ReviewOverdueHandlers:
    """Worker mixin: the hourly scan for overdue improvement actions."""

    db: Any

    @timer(interval=SCAN_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def reviews_overdue_scan(self) -> int:
        """Report newly overdue actions, and relay their events right away."""
        reported = run_overdue_scan(self.db, utcnow().date())
        if reported:
            log.info("%d improvement action(s) overdue", len(reported))
            relay_soon = getattr(self, "relay_soon", None)
            if relay_soon is not None:
                relay_soon()
        return len(reported)
