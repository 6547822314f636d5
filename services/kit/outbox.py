"""The transactional outbox: events written with the change, relayed after commit.

`record_event` adds the event to the `outbox` table inside the caller's
transaction, so an event exists if and only if its change was committed.
`OutboxRelay` publishes pending events to RabbitMQ and marks them sent. Two
relays run per service: a background thread in the api process, woken by
every commit that wrote events (so an event leaves within milliseconds), and
the worker's nameko timer, which catches whatever the first one missed (the
broker was down, the api died). Rows are claimed with a lease, so the two
never publish the same row at the same time; publishing stays at-least-once,
and consumers de-duplicate on `event_id`.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.db import Database, utcnow
from services.kit.events import EventType, build_envelope
from services.kit.identity import Caller
from services.kit.schema import dead_letters, outbox

log = logging.getLogger(__name__)

OUTBOX_WRITTEN = "salesops_outbox_written"

# publish(source_service, nameko_event_type, envelope) must raise when the broker did not confirm.
Publish = Callable[[str, str, dict[str, Any]], None]


def record_event(
    session: Session,
    event_type: str,
    payload: Message,
    *,
    region: str,
    caller: Caller | None,
) -> dict[str, Any]:
    """Write an event to the outbox in `session`'s transaction and return its envelope."""
    envelope = build_envelope(event_type, payload, region=region, caller=caller)
    session.execute(
        outbox.insert().values(
            event_id=envelope["event_id"],
            type=envelope["type"],
            region=region,
            envelope=json.dumps(envelope, separators=(",", ":")),
            occurred_at=utcnow(),
        )
    )
    session.info[OUTBOX_WRITTEN] = True
    return envelope


class OutboxRelay:
    """Publishes a service's pending outbox rows in order and marks them sent."""

    def __init__(
        self,
        db: Database,
        publish: Publish,
        *,
        batch_size: int = 200,
        lease_seconds: float = 30.0,
    ) -> None:
        self.db = db
        self.publish = publish
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)

    def _claim(self) -> tuple[str, list[sa.Row[Any]]]:
        token = str(uuid.uuid4())
        now = utcnow()
        claimable = sa.and_(
            outbox.c.sent_at.is_(None),
            sa.or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
        )
        with self.db.transaction() as session:
            ids = (
                session.execute(
                    sa.select(outbox.c.id)
                    .where(claimable)
                    .order_by(outbox.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
                .scalars()
                .all()
            )
            if not ids:
                return token, []
            # Repeat the claim condition: a row another relay claimed meanwhile is left alone.
            session.execute(
                outbox.update()
                .where(outbox.c.id.in_(ids), claimable)
                .values(claim_token=token, claimed_until=now + self.lease)
            )
            rows = session.execute(
                sa.select(outbox.c.id, outbox.c.type, outbox.c.envelope)
                .where(outbox.c.claim_token == token)
                .order_by(outbox.c.id)
            ).all()
        return token, list(rows)

    def relay_once(self) -> int:
        """Claim one batch, publish it, mark what was confirmed; return how many were sent.

        On a publishing failure the rest of the batch is released for the next
        try and the error is raised.
        """
        token, rows = self._claim()
        sent: list[int] = []
        try:
            for row in rows:
                event_type = EventType.parse(row.type)
                self.publish(event_type.source, event_type.name, json.loads(row.envelope))
                sent.append(row.id)
                metrics.EVENTS_PUBLISHED.labels(self.db.service, row.type).inc()
        except Exception as exc:
            metrics.EVENTS_PUBLISH_FAILURES.labels(self.db.service).inc()
            self._finish(token, sent, error=f"{type(exc).__name__}: {exc}")
            raise
        self._finish(token, sent, error=None)
        return len(sent)

    def _finish(self, token: str, sent: list[int], error: str | None) -> None:
        with self.db.transaction() as session:
            if sent:
                session.execute(
                    outbox.update()
                    .where(outbox.c.id.in_(sent))
                    .values(sent_at=utcnow(), claim_token=None, claimed_until=None)
                )
            if error is not None:
                session.execute(
                    outbox.update()
                    .where(outbox.c.claim_token == token, outbox.c.sent_at.is_(None))
                    .values(
                        claim_token=None,
                        claimed_until=None,
                        attempts=outbox.c.attempts + 1,
                        last_error=error[:2000],
                    )
                )

    def relay_pending(self) -> int:
        """Relay batches until the outbox is drained; return how many events were sent."""
        total = 0
        while True:
            count = self.relay_once()
            total += count
            if count < self.batch_size:
                return total

    def prune_sent(self, older_than: timedelta) -> int:
        """Delete rows sent longer ago than `older_than`; the outbox is not an archive."""
        with self.db.transaction() as session:
            result = session.execute(
                outbox.delete().where(outbox.c.sent_at < utcnow() - older_than)
            )
            return int(getattr(result, "rowcount", 0) or 0)


def outbox_figures(db: Database) -> tuple[int, float, int]:
    """(pending events, age in seconds of the oldest pending one, parked dead letters)."""
    with db.engine.connect() as connection:
        pending, oldest = connection.execute(
            sa.select(sa.func.count(), sa.func.min(outbox.c.occurred_at)).where(
                outbox.c.sent_at.is_(None)
            )
        ).one()
        parked = connection.execute(
            sa.select(sa.func.count()).where(dead_letters.c.replayed_at.is_(None))
        ).scalar_one()
    # min() keeps the column's UTCDateTime type, so `oldest` comes back timezone-aware.
    age = max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else 0.0
    return int(pending), age, int(parked)


class BackgroundRelay:
    """The api process's relay: a thread woken after each commit that wrote events.

    Wake-ups coalesce, so a burst of commits costs one drain. After a failure
    (the broker is down) it waits `retry_seconds` before trying again on its
    own; the worker's timer relays meanwhile if it can.
    """

    def __init__(self, relay: OutboxRelay, *, retry_seconds: float = 5.0) -> None:
        self.relay = relay
        self.retry_seconds = retry_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"outbox-relay-{relay.db.service}", daemon=True
        )
        self._broker_ok = True

    def attach(self) -> BackgroundRelay:
        """Wake on every commit of `relay.db` that wrote to the outbox, and start the thread."""

        def after_commit(session: Session) -> None:
            if session.info.pop(OUTBOX_WRITTEN, False):
                self._wake.set()

        self.relay.db.on_commit(after_commit)
        self._thread.start()
        self._wake.set()  # drain whatever a previous run left behind
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.relay.relay_pending()
                if not self._broker_ok:
                    log.info("outbox relay reached RabbitMQ again; events are flowing")
                self._broker_ok = True
            except Exception as exc:
                if self._broker_ok:
                    log.warning(
                        "outbox relay could not publish (%s); events wait in the outbox "
                        "and are retried every %.0f s",
                        exc,
                        self.retry_seconds,
                    )
                self._broker_ok = False
                self._stop.wait(self.retry_seconds)
                self._wake.set()


def nameko_publisher(amqp_uri: str) -> Publish:
    """A Publish function over nameko's standalone dispatcher (safe outside eventlet).

    Publisher confirms are on, so a return means RabbitMQ has the message.
    Retries are few: the outbox keeps the event when the broker is away.
    """
    from nameko.standalone.events import event_dispatcher

    dispatch = event_dispatcher(
        {"AMQP_URI": amqp_uri},
        retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5},
    )

    def publish(source: str, event_name: str, envelope: dict[str, Any]) -> None:
        dispatch(source, event_name, envelope)

    return publish
