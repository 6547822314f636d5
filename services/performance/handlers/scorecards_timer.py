"""The daily gap scan: live scorecard previews of running periods checked for gaps.

`run_gap_scan(db, calendar, now)` is the whole rule and takes the clock as an
argument, so tests run it at a fixed instant; the worker's timer calls it
with the current time once a day. Each rep x KPI x period is reported at most
once (`gap_marks`), whether a live preview or the published scorecard finds
it first; a live scan starts half-way through a period and pro-rates the
floors of cumulative KPIs (see `domain.scorecards`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from nameko.timer import timer
from sqlalchemy.exc import IntegrityError

from services.kit.db import Database, utcnow
from services.kit.fiscal import FiscalCalendar
from services.performance.models import scorecard_store as store
from services.performance.models.facts import RepRecord

log = logging.getLogger(__name__)

GAP_SCAN_INTERVAL_SECONDS = 24 * 3600.0


def run_gap_scan(db: Database, calendar: FiscalCalendar, now: datetime) -> list[tuple[str, str]]:
    """Scan every active rep's live scorecards at `now`; the (rep, KPI) gaps newly reported.

    One transaction per rep and period keeps the worker responsive; a rep
    whose marks another scan wrote meanwhile fails on their key and is left
    to that one.
    """
    with db.transaction() as session:
        periods = [calendar.period(code) for code in store.running_periods(session, calendar, now)]
        rep_ids = [rep.rep_id for rep in store.scored_reps(session)]
    reported: list[tuple[str, str]] = []
    for period in periods:
        for rep_id in rep_ids:
            try:
                with db.transaction() as session:
                    rep = session.get(RepRecord, rep_id)
                    if rep is None:
                        continue
                    gaps = store.scan_live_gaps(session, rep, period, now)
                    reported += [(rep_id, gap.code) for gap in gaps]
            except IntegrityError:
                log.info("the gaps of %s were reported by another scan meanwhile", rep_id)
    return reported


class ScorecardGapHandlers:
    """Worker mixin: the daily live gap scan."""

    db: Any

    @timer(interval=GAP_SCAN_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def scorecards_gap_scan(self) -> int:
        """Report new gaps of running periods, and relay their events right away."""
        reported = run_gap_scan(self.db, store.default_calendar(), utcnow())
        if reported:
            log.info("%d KPI gap(s) detected", len(reported))
            relay_soon = getattr(self, "relay_soon", None)
            if relay_soon is not None:
                relay_soon()
        return len(reported)
