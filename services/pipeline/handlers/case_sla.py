"""The case SLA watch: a timer that records each overdue case's SLA breach once.

`record_case_sla_breaches(db, now)` is the whole rule and takes the clock as
an argument, so tests run it at a fixed instant; the worker's timer calls it
with the current time. A case is breached when it is still open or in
progress at its due time. Its `sla_breached_at` is set in the transaction that
writes `pipeline.case.sla_breached`, so the event is written once per case
even when the scan runs in two workers at once or the case is later reopened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from nameko.timer import timer
from salesops.events.v1 import pipeline_case_events_pb2 as events

from services.kit import metrics
from services.kit.db import Database, utcnow
from services.kit.outbox import record_event
from services.kit.protos import timestamp
from services.pipeline.domain import cases as domain
from services.pipeline.domain.cases import CaseStatus
from services.pipeline.models.cases import CaseRecord

log = logging.getLogger(__name__)

SCAN_INTERVAL_SECONDS = 60.0
# Cases per transaction: keeps the worker's transactions short (see the architecture notes).
BATCH_SIZE = 200


@dataclass(frozen=True)
class BreachedCase:
    """A case whose SLA breach was just recorded."""

    case_id: str
    region: str
    priority: str


def _record_batch(db: Database, now: datetime) -> list[BreachedCase]:
    with db.transaction() as session:
        records = list(
            session.scalars(
                sa.select(CaseRecord)
                .where(
                    CaseRecord.status.in_(domain.ACTIVE_STATUS_VALUES),
                    CaseRecord.due_at < now,
                    CaseRecord.sla_breached_at.is_(None),
                )
                .order_by(CaseRecord.due_at, CaseRecord.case_id)
                .limit(BATCH_SIZE)
                # Another scanner's rows are skipped, not waited for; it records them.
                .with_for_update(skip_locked=True)
            )
        )
        breached = []
        for record in records:
            status = CaseStatus(record.status)
            if not domain.breach_is_due(status, record.due_at, record.sla_breached_at, now):
                continue
            record.sla_breached_at = now
            record_event(
                session,
                "pipeline.case.sla_breached",
                events.CaseSlaBreached(
                    case_id=record.case_id,
                    region=record.region,
                    customer_id=record.customer_id,
                    contract_id=record.contract_id,
                    priority=record.priority,
                    assignee_id=record.assignee_id,
                    due_time=timestamp(record.due_at),
                    status=record.status,
                ),
                region=record.region,
                caller=None,
            )
            breached.append(BreachedCase(record.case_id, record.region, record.priority))
    return breached


def record_case_sla_breaches(db: Database, now: datetime) -> list[BreachedCase]:
    """Record the SLA breach of every case overdue at `now` that has none yet.

    Each breached case gets `sla_breached_at = now` and one
    `pipeline.case.sla_breached` event, committed together in batches; the
    breaches are counted in `salesops_case_sla_breaches_total` after commit.
    Returns the cases breached by this call (none when run again at once).
    """
    breached: list[BreachedCase] = []
    while True:
        batch = _record_batch(db, now)
        for case in batch:
            metrics.CASE_SLA_BREACHES.labels(case.region, case.priority).inc()
        breached += batch
        if len(batch) < BATCH_SIZE:
            return breached


class CaseSlaHandlers:
    """Worker mixin: scans for cases past their resolution SLA every minute."""

    db: Any

    @timer(interval=SCAN_INTERVAL_SECONDS)  # type: ignore[untyped-decorator]
    def watch_case_slas(self) -> int:
        """Record new SLA breaches and relay their events right away."""
        breached = record_case_sla_breaches(self.db, utcnow())
        if breached:
            log.info("recorded the SLA breach of %d case(s)", len(breached))
            relay_soon = getattr(self, "relay_soon", None)
            if relay_soon is not None:
                relay_soon()
        return len(breached)
