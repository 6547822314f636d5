"""Lead SLA breach facts from `pipeline.lead.sla_breached`.

One LEAD_SLA_BREACHED fact per breach (subject = the lead, quantity 1,
detail = the SLA, e.g. "24h"), for the lead's owner, or for nobody (rep_id
"") when the lead still waited in the unassigned queue: the breach is the
region's then, and the inspections count it there. It happened when the SLA
ran out (`due_time`, else the envelope's time); the same breach reported
again (same lead, same due time) adds nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import pipeline_events_pb2 as pipeline
from sqlalchemy.orm import Session

from services.kit.events import read_payload
from services.kit.worker import subscribe
from services.performance.models.fact_writes import (
    new_fact,
    region_of,
    required,
    stamp_or_envelope,
    team_of,
)
from services.performance.models.facts import FactKind, FactRecord


class PipelineLeadHandlers:
    """`pipeline.lead.sla_breached` as LEAD_SLA_BREACHED facts."""

    @subscribe("pipeline", "lead.sla_breached")
    def facts_on_lead_sla_breached(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, pipeline.LeadSlaBreached)
        lead_id = required(event.lead_id, "LeadSlaBreached.lead_id")
        region = region_of(event.region, envelope)
        due = stamp_or_envelope(event.due_time, event.HasField("due_time"), envelope)
        reported = session.scalar(
            sa.select(FactRecord.fact_id)
            .where(
                FactRecord.kind == FactKind.LEAD_SLA_BREACHED,
                FactRecord.subject_id == lead_id,
                FactRecord.occurred_at == due,
            )
            .limit(1)
        )
        if reported is not None:
            return
        owner = event.owner_id.strip()
        session.add(
            new_fact(
                envelope,
                kind=FactKind.LEAD_SLA_BREACHED,
                region=region,
                rep_id=owner,
                team_id=team_of(session, owner),
                subject_id=lead_id,
                occurred=due,
                quantity=1,
                detail=f"{event.sla_hours}h" if event.sla_hours else "",
            )
        )
