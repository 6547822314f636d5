"""The inbox: apply each event once, retry failures, park poison events.

`handle_once` runs a handler's effect and records the event id in
`processed_events` in the same transaction, so a redelivered event is
acknowledged and ignored. A failing effect is retried with back-off; when the
retries run out (or the envelope is malformed) the event is parked in the
`dead_letters` table, where `salesops events dead-letters` lists it and
`salesops events replay` re-delivers it to the handler's queue.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.db import Database, utcnow
from services.kit.events import MalformedEvent, check_envelope, occurred_at
from services.kit.schema import dead_letters, processed_events

log = logging.getLogger(__name__)

Effect = Callable[[Session, dict[str, Any]], None]

DEFAULT_BACKOFF = (0.1, 0.4, 1.6)


@dataclass(frozen=True)
class HandlerRef:
    """Which handler an event is for: its service, its name and its RabbitMQ queue."""

    service: str
    name: str
    queue: str


def _already_processed(session: Session, event_id: str, handler: str) -> bool:
    return (
        session.execute(
            sa.select(processed_events.c.event_id).where(
                processed_events.c.event_id == event_id, processed_events.c.handler == handler
            )
        ).first()
        is not None
    )


def _apply(db: Database, ref: HandlerRef, envelope: dict[str, Any], effect: Effect) -> str:
    """One attempt: 'applied' or 'duplicate'; raises whatever the effect raised."""
    event_id = str(envelope["event_id"])
    try:
        with db.transaction() as session:
            if _already_processed(session, event_id, ref.name):
                return "duplicate"
            effect(session, envelope)
            session.execute(
                processed_events.insert().values(
                    event_id=event_id,
                    handler=ref.name,
                    type=str(envelope["type"]),
                    processed_at=utcnow(),
                )
            )
    except IntegrityError:
        # Another consumer applied the same event concurrently: its commit won.
        with db.transaction() as session:
            if _already_processed(session, event_id, ref.name):
                return "duplicate"
        raise
    return "applied"


def park(db: Database, ref: HandlerRef, body: Any, error: str, attempts: int) -> None:
    """Store an event in the dead-letter table; raises if the database is unreachable."""
    envelope = body if isinstance(body, dict) else {}
    with db.transaction() as session:
        session.execute(
            dead_letters.insert().values(
                event_id=str(envelope.get("event_id") or "unknown")[:64],
                type=str(envelope.get("type") or "unknown")[:100],
                handler=ref.name,
                queue=ref.queue,
                body=json.dumps(body, default=str),
                error=error[:4000],
                attempts=attempts,
                parked_at=utcnow(),
            )
        )


def handle_once(
    db: Database,
    ref: HandlerRef,
    body: Any,
    effect: Effect,
    *,
    backoff: Sequence[float] = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Apply `effect` to the event in `body` exactly once in effect; return the outcome.

    Outcomes: 'applied', 'duplicate' or 'dead_lettered'. If even parking
    fails (the database is down), the error propagates so the message goes
    back to the queue and nothing is lost.
    """
    started = time.perf_counter()
    event_type = "unknown"
    try:
        envelope = check_envelope(body)
        event_type = str(envelope["type"])
    except MalformedEvent as exc:
        log.error("parking malformed event for %s: %s", ref.name, exc)
        park(db, ref, body, f"MalformedEvent: {exc}", attempts=1)
        return _count(ref, event_type, "dead_lettered", started)

    attempts = len(backoff) + 1
    last_error = ""
    for attempt in range(1, attempts + 1):
        try:
            outcome = _apply(db, ref, envelope, effect)
        except MalformedEvent as exc:
            last_error = f"MalformedEvent: {exc}"
            break  # retrying cannot help a payload that does not parse
        except Exception as exc:
            last_error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "handler %s failed on event %s (attempt %d of %d): %s",
                ref.name,
                envelope["event_id"],
                attempt,
                attempts,
                last_error,
            )
            if attempt < attempts:
                metrics.EVENTS_CONSUMED.labels(ref.service, ref.name, event_type, "retried").inc()
                sleep(backoff[attempt - 1])
            continue
        if outcome == "applied":
            happened = occurred_at(envelope)
            if happened is not None:
                lag = (utcnow() - happened).total_seconds()
                metrics.EVENT_LAG_SECONDS.labels(ref.service, event_type).observe(max(lag, 0.0))
        return _count(ref, event_type, outcome, started)

    log.error("parking event %s for %s after %s", envelope["event_id"], ref.name, last_error)
    park(db, ref, envelope, last_error, attempts=attempt)
    metrics.EVENTS_DEAD_LETTERED.labels(ref.service, ref.name, event_type).inc()
    return _count(ref, event_type, "dead_lettered", started)


def _count(ref: HandlerRef, event_type: str, outcome: str, started: float) -> str:
    metrics.EVENTS_CONSUMED.labels(ref.service, ref.name, event_type, outcome).inc()
    metrics.EVENT_HANDLING_SECONDS.labels(ref.service, ref.name).observe(
        time.perf_counter() - started
    )
    return outcome


@dataclass(frozen=True)
class DeadLetter:
    """A parked event as an operator sees it."""

    id: int
    event_id: str
    type: str
    handler: str
    queue: str
    error: str
    attempts: int
    parked_at: datetime
    replayed_at: datetime | None
    body: str


def list_dead_letters(db: Database, *, include_replayed: bool = False) -> list[DeadLetter]:
    """Parked events, oldest first."""
    query = sa.select(dead_letters).order_by(dead_letters.c.id)
    if not include_replayed:
        query = query.where(dead_letters.c.replayed_at.is_(None))
    with db.transaction() as session:
        return [DeadLetter(**row._mapping) for row in session.execute(query)]


def replay_dead_letters(
    db: Database, redeliver: Callable[[str, Any], None], ids: Sequence[int] | None = None
) -> list[int]:
    """Re-deliver parked events (all open ones, or `ids`) to their queues; return the ids.

    `redeliver(queue, body)` publishes to the queue; a letter is marked
    replayed only after its redelivery was confirmed.
    """
    replayed: list[int] = []
    for letter in list_dead_letters(db):
        if ids is not None and letter.id not in ids:
            continue
        redeliver(letter.queue, json.loads(letter.body))
        with db.transaction() as session:
            session.execute(
                dead_letters.update()
                .where(dead_letters.c.id == letter.id)
                .values(replayed_at=utcnow())
            )
        replayed.append(letter.id)
    return replayed
