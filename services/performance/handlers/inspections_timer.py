"""The scheduled inspections: every region with activity is inspected once a day.

`run_scheduled_inspections(db, now, calendar)` is the whole rule and takes
the time as an argument, so tests run it at a fixed instant; the worker's
timer calls it every hour with now (UTC), and it runs each region at most
once per UTC day. A region has activity when it has an open opportunity or
a fact that happened in the current fiscal month; the period inspected is
that month. Each region runs in its own transaction, so one region's
failure does not undo another's.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from nameko.timer import timer

from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.fiscal import FiscalCalendar
from services.performance.domain.inspections import Trigger
from services.performance.models.inspections import (
    regions_with_activity,
    run_inspection,
    scheduled_run_exists,
)

log = logging.getLogger(__name__)

CHECK_INTERVAL_SECONDS = 3600.0
SCHEDULER = "system:inspections"


def run_scheduled_inspections(
    db: Database, now: datetime, calendar: FiscalCalendar | None = None
) -> list[str]:
    """Inspect, for the fiscal month of `now`, every active region not yet inspected today.

    Returns the ids of the runs started.
    """
    calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)
    _, _, month = calendar.periods_containing(now)
    day_start = datetime(now.year, now.month, now.day, tzinfo=UTC)
    with db.transaction() as session:
        regions = regions_with_activity(session, month.starts_at)
    started: list[str] = []
    for region in regions:
        with db.transaction() as session:
            if scheduled_run_exists(session, region, month.code, day_start):
                continue
            result = run_inspection(
                session,
                region=region,
                period=month,
                rules=[],
                trigger=Trigger.SCHEDULED,
                started_by=SCHEDULER,
                now=now,
                caller=None,
            )
            started.append(result.inspection.inspection_id)
    return started


class InspectionScheduleHandlers:
    """Worker mixin: the hourly check that runs each active region's daily inspection."""

    db: Any

    @timer(interval=CHECK_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def inspections_daily_run(self) -> int:
        """Run today's inspections not yet run, and relay their violations right away."""
        started = run_scheduled_inspections(self.db, utcnow())
        if started:
            log.info("%d scheduled inspection(s) run", len(started))
            relay_soon = getattr(self, "relay_soon", None)
            if relay_soon is not None:
                relay_soon()
        return len(started)
