"""The health watch: a timer that re-assesses every account.

Health changes without any event: an interaction grows old, a contract
leaves the 12-month window, a case passes its due time. `refresh_all_health`
(services.customers.models.satisfaction_store) is the whole rule and takes
the clock as an argument, so tests run it at a fixed instant; the worker's
timer calls it with the current time. An account that becomes at risk gets
one `customers.customer.at_risk` per transition, a changed loyalty tier one
`customers.loyalty.changed`.
"""

from __future__ import annotations

import logging
from typing import Any

from nameko.timer import timer

from services.customers.models.satisfaction_store import refresh_all_health
from services.kit.db import utcnow

log = logging.getLogger(__name__)

REFRESH_INTERVAL_SECONDS = 900.0


class HealthHandlers:
    """Worker mixin: re-assesses every account's health every 15 minutes."""

    db: Any

    @timer(interval=REFRESH_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def refresh_customer_health(self) -> int:
        """Assess every account now and relay the events it wrote right away."""
        refreshed = refresh_all_health(self.db, utcnow())
        if refreshed.became_at_risk or refreshed.tier_changes:
            log.info(
                "health refresh: %d account(s) assessed, %d became at risk, %d tier change(s)",
                refreshed.assessed,
                refreshed.became_at_risk,
                refreshed.tier_changes,
            )
            relay_soon = getattr(self, "relay_soon", None)
            if relay_soon is not None:
                relay_soon()
        return refreshed.assessed
