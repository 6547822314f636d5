"""The first-contact SLA watch: a timer that records each overdue lead's breach once.

`record_lead_sla_breaches(db, now)` is the whole rule and takes the clock as
an argument, so tests run it at a fixed instant; the worker's timer calls it
with the current time. A lead is overdue when it is still open (new or
qualified), nobody has contacted it, and its due time (fixed at capture from
the region's SLA) has passed. Its `sla_breached_at` is set in the transaction
that writes `pipeline.lead.sla_breached`, so the event is written once per
lead even when two workers scan at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from nameko.timer import timer
from salesops.events.v1 import pipeline_events_pb2 as events

from services.kit import metrics
from services.kit.db import Database, utcnow
from services.kit.outbox import record_event
from services.kit.protos import timestamp
from services.pipeline.domain import leads as domain
from services.pipeline.domain.leads import LeadStatus
from services.pipeline.models.leads import LeadRecord

SCAN_INTERVAL_SECONDS = 60.0
# Leads per transaction: keeps the worker's transactions short (see the architecture notes).
BATCH_SIZE = 200


@dataclass(frozen=True)
class BreachedLead:
    """A lead whose first-contact SLA breach was just recorded."""

    lead_id: str
    region: str
    owner_id: str


def _record_batch(db: Database, now: datetime) -> list[BreachedLead]:
    open_statuses = sorted(s.value for s in domain.OPEN_STATUSES)
    with db.transaction() as session:
        leads = list(
            session.scalars(
                sa.select(LeadRecord)
                .where(
                    LeadRecord.sla_due_at < now,
                    LeadRecord.contacted_at.is_(None),
                    LeadRecord.sla_breached_at.is_(None),
                    LeadRecord.status.in_(open_statuses),
                )
                .order_by(LeadRecord.sla_due_at, LeadRecord.lead_id)
                .limit(BATCH_SIZE)
                # Another scanner's rows are skipped, not waited for; it records them.
                .with_for_update(skip_locked=True)
            )
        )
        breached = []
        for lead in leads:
            if not domain.is_sla_breached(
                status=LeadStatus(lead.status),
                due_at=lead.sla_due_at,
                contacted_at=lead.contacted_at,
                now=now,
            ):
                continue
            assert lead.sla_due_at is not None
            lead.sla_breached_at = now
            hours = round((lead.sla_due_at - lead.created_at).total_seconds() / 3600)
            record_event(
                session,
                "pipeline.lead.sla_breached",
                events.LeadSlaBreached(
                    lead_id=lead.lead_id,
                    region=lead.region,
                    owner_id=lead.owner_id,
                    due_time=timestamp(lead.sla_due_at),
                    sla_hours=hours,
                ),
                region=lead.region,
                caller=None,
            )
            breached.append(BreachedLead(lead.lead_id, lead.region, lead.owner_id))
    return breached


def record_lead_sla_breaches(db: Database, now: datetime) -> list[BreachedLead]:
    """Record every lead overdue for first contact at `now`, in short transactions.

    Returns the leads breached by this call; a lead breached before is never
    returned (or announced) again.
    """
    breached: list[BreachedLead] = []
    while True:
        batch = _record_batch(db, now)
        for lead in batch:
            metrics.LEAD_SLA_BREACHES.labels(lead.region).inc()
        breached += batch
        if len(batch) < BATCH_SIZE:
            return breached


class LeadSlaHandlers:
    """The pipeline worker's timer that watches first-contact SLAs."""

    @timer(interval=SCAN_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def scan_lead_slas(self) -> int:
        """Record the leads that became overdue since the last scan; return how many."""
        return len(record_lead_sla_breaches(self.db, utcnow()))  # type: ignore[attr-defined]
