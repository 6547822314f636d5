"""The certification expiry check: hourly in the worker, on demand through the api.

`run_certification_expiry(db, as_of)` is the whole rule (see
`models.certifications.check_expiry`) and takes the date as an argument, so
tests run it on any day; the worker's timer calls it every hour with today
(UTC). Running it again on the same day does nothing new: an expiring notice
is sent once per validity and an expired certification stays expired.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from nameko.timer import timer

from services.kit.db import Database, utcnow
from services.training.models.certifications import (
    ExpiryRun,
    check_expiry,
    expiring_days_setting,
)

log = logging.getLogger(__name__)

CHECK_INTERVAL_SECONDS = 3600.0


def run_certification_expiry(
    db: Database, as_of: date, expiring_days: int | None = None
) -> ExpiryRun:
    """Announce expiring and expire ended certifications as of `as_of`, in one transaction."""
    days = expiring_days_setting() if expiring_days is None else expiring_days
    with db.transaction() as session:
        return check_expiry(session, as_of=as_of, expiring_days=days, now=utcnow())


class CertificationExpiryHandlers:
    """Worker mixin: the hourly expiry check."""

    db: Any

    @timer(interval=CHECK_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def certifications_expiry_check(self) -> int:
        """Run today's check and relay its events right away."""
        run = run_certification_expiry(self.db, utcnow().date())
        changed = len(run.expiring) + len(run.expired)
        if changed:
            log.info(
                "%d certification(s) expiring, %d expired", len(run.expiring), len(run.expired)
            )
            relay_soon = getattr(self, "relay_soon", None)
            if relay_soon is not None:
                relay_soon()
        return changed
