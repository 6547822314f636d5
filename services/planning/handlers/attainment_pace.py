"""The pace checkpoint: a timer that reports units and reps falling behind their targets' pace.

`run_checkpoint(db, calendar, as_of, behind_pace_bp)` is the whole rule and
takes the clock as an argument, so tests (and the admin RPC
`RunPaceCheckpoint`) run it at a fixed instant; the worker's timer calls it
with the current time every hour. Each subject is reported at most once per
target and checkpoint day (see `attainment_store.run_pace_checkpoint`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from nameko.timer import timer
from sqlalchemy.exc import IntegrityError

from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.fiscal import FiscalCalendar
from services.planning.domain import attainment as domain
from services.planning.models import attainment_store as store

log = logging.getLogger(__name__)

CHECKPOINT_INTERVAL_SECONDS = 3600.0


def run_checkpoint(
    db: Database, calendar: FiscalCalendar, as_of: datetime, behind_pace_bp: int
) -> list[store.BehindPace]:
    """Run the pace checkpoint at `as_of`, one plan per transaction; the subjects newly reported.

    Short transactions keep the worker responsive (see the architecture
    notes). A plan whose marks another checkpoint wrote meanwhile (two
    workers at once) fails on the marks' key and is left to that one.
    """
    with db.transaction() as session:
        plan_ids = store.watched_plan_ids(session, calendar, as_of)
    reported: list[store.BehindPace] = []
    for plan_id in plan_ids:
        try:
            with db.transaction() as session:
                reported += store.run_pace_checkpoint(
                    session, calendar, as_of, behind_pace_bp, plan_ids={plan_id}
                )
        except IntegrityError:
            log.info("plan %s was checked by another checkpoint at the same time", plan_id)
    return reported


class AttainmentPaceHandlers:
    """Worker mixin: the hourly pace checkpoint."""

    db: Any

    @timer(interval=CHECKPOINT_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def attainment_pace_checkpoint(self) -> int:
        """Report subjects behind pace now, and relay their events right away."""
        calendar = FiscalCalendar(Settings.from_env().fiscal_year_start_month)
        reported = run_checkpoint(self.db, calendar, utcnow(), domain.behind_pace_bp_from_env())
        if reported:
            log.info("%d unit(s) or rep(s) behind pace", len(reported))
            relay_soon = getattr(self, "relay_soon", None)
            if relay_soon is not None:
                relay_soon()
        return len(reported)
