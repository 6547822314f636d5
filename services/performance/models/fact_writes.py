"""Writing the fact store from an event: what every fact handler does the same way.

Each fact row names the event that produced it (`event_id`, `event_type`), its
region, and when it happened: the event's own day or instant when the payload
carries one (a signing date, an activity's completion), else the envelope's
occurrence time. A payload that cannot be read, or lacks what the fact needs,
is a `MalformedEvent` naming the field, and goes to the dead letters.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from google.protobuf import timestamp_pb2
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at
from services.performance.models.facts import FactRecord, OpportunityStateRecord, RepRecord


def envelope_instant(envelope: dict[str, Any]) -> datetime:
    """The envelope's occurrence time; MalformedEvent when it cannot be read."""
    happened = occurred_at(envelope)
    if happened is None:
        raise MalformedEvent("envelope occurred_at is not an RFC 3339 instant")
    return happened if happened.tzinfo else happened.replace(tzinfo=UTC)


def required(value: str, what: str) -> str:
    """`value` stripped; MalformedEvent naming `what` when it is empty."""
    cleaned = value.strip()
    if not cleaned:
        raise MalformedEvent(f"{what} is empty")
    return cleaned


def region_of(payload_region: str, envelope: dict[str, Any]) -> str:
    """The payload's region, else the envelope's, upper case; MalformedEvent when neither."""
    region = (payload_region or str(envelope.get("region") or "")).strip().upper()
    if not region:
        raise MalformedEvent("the event names no region (payload or envelope)")
    return region


def day_or_envelope(value: str, what: str, envelope: dict[str, Any]) -> date:
    """An ISO 8601 date from the payload, or the envelope's day when the payload has none."""
    if value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise MalformedEvent(f"{what} {value!r} is not an ISO 8601 date") from None
    return envelope_instant(envelope).date()


def instant_or_envelope(value: str, what: str, envelope: dict[str, Any]) -> datetime:
    """An RFC 3339 instant from the payload, or the envelope's when the payload has none."""
    if value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise MalformedEvent(f"{what} {value!r} is not an RFC 3339 instant") from None
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return envelope_instant(envelope)


def stamp_or_envelope(
    stamp: timestamp_pb2.Timestamp, has_stamp: bool, envelope: dict[str, Any]
) -> datetime:
    """A protobuf Timestamp from the payload, or the envelope's instant when it is unset."""
    if has_stamp:
        return stamp.ToDatetime(tzinfo=UTC)
    return envelope_instant(envelope)


def start_of(day: date) -> datetime:
    """The first instant of `day` in UTC (a fact known only by its day)."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def team_of(session: Session, rep_id: str) -> str:
    """The rep's team in the local directory ("" when the rep is unknown or has none)."""
    if not rep_id:
        return ""
    return session.scalar(sa.select(RepRecord.team_id).where(RepRecord.rep_id == rep_id)) or ""


def fact_exists(session: Session, kind: str, subject_id: str) -> bool:
    """Whether a fact of `kind` about `subject_id` is already recorded (one-per-subject facts)."""
    return (
        session.scalar(
            sa.select(FactRecord.fact_id)
            .where(FactRecord.kind == kind, FactRecord.subject_id == subject_id)
            .limit(1)
        )
        is not None
    )


def new_fact(
    envelope: dict[str, Any],
    *,
    kind: str,
    region: str,
    rep_id: str,
    team_id: str,
    subject_id: str,
    occurred: datetime,
    occurred_on: date | None = None,
    **figures: Any,
) -> FactRecord:
    """A fact row from `envelope`; `figures` fill amount, quantity, value_bp, score, detail, ..."""
    return FactRecord(
        fact_id=str(uuid.uuid4()),
        event_id=str(envelope["event_id"]),
        event_type=str(envelope["type"]),
        kind=kind,
        region=region,
        rep_id=rep_id,
        team_id=team_id,
        subject_id=subject_id,
        occurred_on=occurred_on or occurred.date(),
        occurred_at=occurred,
        currency=figures.pop("currency", ""),
        amount_minor=figures.pop("amount_minor", 0),
        quantity=figures.pop("quantity", 0),
        value_bp=figures.pop("value_bp", 0),
        score=figures.pop("score", 0),
        product_line=figures.pop("product_line", ""),
        detail=str(figures.pop("detail", ""))[:200],
        recorded_at=utcnow(),
        approver_role=figures.pop("approver_role", ""),
        approver_authority_bp=figures.pop("approver_authority_bp", 0),
        approver_unlimited=figures.pop("approver_unlimited", False),
        **figures,
    )


OPEN = "open"  # opportunity_states.status of an open opportunity
# The occurrence time of a row no figure event has set yet: any event is newer.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def opportunity_row(session: Session, opportunity_id: str, region: str) -> OpportunityStateRecord:
    """The opportunity's row, locked; created open and empty when it is not known yet."""
    row = session.get(OpportunityStateRecord, opportunity_id, with_for_update=True)
    if row is None:
        row = OpportunityStateRecord(
            opportunity_id=opportunity_id,
            region=region,
            owner_id="",
            team_id="",
            status=OPEN,
            stage_id="",
            currency="",
            amount_minor=0,
            probability_bp=0,
            expected_close_date=None,
            opened_at=None,
            last_activity_at=None,
            closed_at=None,
            contract_id="",
            source_occurred_at=NEVER,
        )
        session.add(row)
        session.flush()
    return row
