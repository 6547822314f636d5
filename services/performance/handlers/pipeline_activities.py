"""Activity facts from `pipeline.activity.logged` and `pipeline.activity.completed`.

An activity counts once, when it is done: logged already completed (a call
made, a meeting held) or completed later (an open task done). Its ACTIVITY
fact is for the owner (subject = the activity, detail = its type), on the day
it was done (the payload's `occurred_at` or `completed_at`, else the
envelope's time). A replay, or a completion of an activity logged completed,
adds nothing.

When a done activity is on an opportunity, the opportunity's
`last_activity_at` moves forward to it (never back), which is what the
stale-deal inspection reads. An open task does not count as activity on the
deal until it is done: planning to call is not calling.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salesops.events.v1 import pipeline_sales_events_pb2 as sales
from sqlalchemy.orm import Session

from services.kit.events import read_payload
from services.kit.worker import subscribe
from services.performance.models.fact_writes import (
    fact_exists,
    instant_or_envelope,
    new_fact,
    opportunity_row,
    region_of,
    required,
    team_of,
)
from services.performance.models.facts import FactKind

COMPLETED = "completed"


def record_done_activity(
    session: Session,
    envelope: dict[str, Any],
    event: sales.ActivityLogged | sales.ActivityCompleted,
    done_at: datetime,
) -> None:
    """The activity's fact (once) and its opportunity's last activity."""
    activity_id = event.activity_id.strip()
    region = region_of(event.region, envelope)
    opportunity_id = event.opportunity_id.strip()
    if opportunity_id:
        row = opportunity_row(session, opportunity_id, region)
        if row.last_activity_at is None or done_at > row.last_activity_at:
            row.last_activity_at = done_at
    if fact_exists(session, FactKind.ACTIVITY, activity_id):
        return
    owner = event.owner_id.strip()
    session.add(
        new_fact(
            envelope,
            kind=FactKind.ACTIVITY,
            region=region,
            rep_id=owner,
            team_id=team_of(session, owner),
            subject_id=activity_id,
            occurred=done_at,
            quantity=1,
            detail=event.type.strip().lower(),
        )
    )


class PipelineActivityHandlers:
    """`pipeline.activity.logged` (when logged done) and `.completed` as ACTIVITY facts."""

    @subscribe("pipeline", "activity.logged")
    def facts_on_activity_logged(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.ActivityLogged)
        required(event.activity_id, "ActivityLogged.activity_id")
        if event.status.strip().lower() != COMPLETED:
            region_of(event.region, envelope)  # still a malformed event if it names no region
            return
        done_at = instant_or_envelope(event.occurred_at, "ActivityLogged.occurred_at", envelope)
        record_done_activity(session, envelope, event, done_at)

    @subscribe("pipeline", "activity.completed")
    def facts_on_activity_completed(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.ActivityCompleted)
        required(event.activity_id, "ActivityCompleted.activity_id")
        done_at = instant_or_envelope(
            event.completed_at, "ActivityCompleted.completed_at", envelope
        )
        record_done_activity(session, envelope, event, done_at)
