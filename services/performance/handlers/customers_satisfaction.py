"""Satisfaction facts from `customers.satisfaction.recorded`.

One SATISFACTION fact per survey response, for the account's owner (rep_id ""
when the account has none yet): subject = the response, score = the answer,
detail = "csat" (score 1-5) or "nps" (score 0-10), on the day it was answered
(`responded_at`, else the envelope's time). A response reported again adds
nothing; an answer out of its scale is a malformed event.
"""

from __future__ import annotations

from typing import Any

from salesops.events.v1 import customers_satisfaction_events_pb2 as satisfaction
from sqlalchemy.orm import Session

from services.kit.events import MalformedEvent, read_payload
from services.kit.worker import subscribe
from services.performance.models.fact_writes import (
    fact_exists,
    new_fact,
    region_of,
    required,
    stamp_or_envelope,
    team_of,
)
from services.performance.models.facts import FactKind

SCALES = {"csat": (1, 5), "nps": (0, 10)}


class CustomersSatisfactionHandlers:
    """`customers.satisfaction.recorded` as SATISFACTION facts."""

    @subscribe("customers", "satisfaction.recorded")
    def facts_on_satisfaction_recorded(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, satisfaction.SatisfactionRecorded)
        response_id = required(event.response_id, "SatisfactionRecorded.response_id")
        region = region_of(event.region, envelope)
        kind = event.kind.strip().lower()
        if kind not in SCALES:
            raise MalformedEvent(f"SatisfactionRecorded.kind {event.kind!r} is not csat or nps")
        low, high = SCALES[kind]
        if not low <= event.score <= high:
            raise MalformedEvent(
                f"SatisfactionRecorded.score {event.score} is outside {kind}'s {low}-{high}"
            )
        if fact_exists(session, FactKind.SATISFACTION, response_id):
            return
        owner = event.owner_id.strip()
        session.add(
            new_fact(
                envelope,
                kind=FactKind.SATISFACTION,
                region=region,
                rep_id=owner,
                team_id=team_of(session, owner),
                subject_id=response_id,
                occurred=stamp_or_envelope(
                    event.responded_at, event.HasField("responded_at"), envelope
                ),
                score=event.score,
                detail=kind,
            )
        )
