"""Outbox relay and inbox handling against real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from salesops.events.v1 import pipeline_events_pb2
from sqlalchemy.orm import Session

from services.kit.db import Database
from services.kit.identity import Caller
from services.kit.inbox import HandlerRef, handle_once, list_dead_letters, replay_dead_letters
from services.kit.outbox import BackgroundRelay, OutboxRelay, outbox_figures, record_event
from services.kit.schema import dead_letters, outbox, processed_events

ALICE = Caller("alice", frozenset({"manager"}), frozenset({"EMEA"}), request_id="req-7")
REF = HandlerRef("pipeline", "pipeline.test_handler", "evt-x-y--pipeline.test_handler")


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", database_url)


def write_events(db: Database, count: int) -> list[str]:
    ids = []
    with db.transaction() as session:
        for i in range(count):
            envelope = record_event(
                session,
                "pipeline.lead.created",
                pipeline_events_pb2.LeadCreated(lead_id=f"L{i}", region="EMEA"),
                region="EMEA",
                caller=ALICE,
            )
            ids.append(envelope["event_id"])
    return ids


def test_record_event_writes_the_envelope_in_the_callers_transaction(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        write_events_in(session)
        raise RuntimeError("the change fails")
    assert outbox_figures(db)[0] == 0  # rolled back with the change
    write_events(db, 1)
    with db.transaction() as session:
        envelope = json.loads(session.scalar(sa.select(outbox.c.envelope)))
    assert envelope["type"] == "pipeline.lead.created"
    assert envelope["actor"] == "alice" and envelope["correlation_id"] == "req-7"
    assert envelope["payload"] == {"lead_id": "L0", "region": "EMEA"}
    assert envelope["occurred_at"].endswith("Z")


def write_events_in(session: Session) -> None:
    record_event(
        session,
        "pipeline.lead.created",
        pipeline_events_pb2.LeadCreated(lead_id="X"),
        region="EMEA",
        caller=None,
    )


def test_relay_publishes_in_order_and_marks_sent(db: Database) -> None:
    ids = write_events(db, 5)
    published: list[tuple[str, str, str]] = []
    relay = OutboxRelay(db, lambda s, n, e: published.append((s, n, e["event_id"])), batch_size=2)
    assert relay.relay_pending() == 5
    assert published == [("pipeline", "lead.created", i) for i in ids]
    assert relay.relay_pending() == 0
    assert outbox_figures(db) == (0, 0.0, 0)


def test_a_publish_failure_keeps_the_rest_for_later(db: Database) -> None:
    ids = write_events(db, 3)
    calls: list[str] = []

    def flaky(source: str, name: str, envelope: dict[str, Any]) -> None:
        if len(calls) == 1:
            raise ConnectionError("broker gone")
        calls.append(envelope["event_id"])

    relay = OutboxRelay(db, flaky)
    with pytest.raises(ConnectionError):
        relay.relay_once()
    pending, age, _ = outbox_figures(db)
    assert pending == 2 and age >= 0
    with db.transaction() as session:
        errors = session.execute(
            sa.select(outbox.c.attempts, outbox.c.last_error, outbox.c.claim_token).where(
                outbox.c.sent_at.is_(None)
            )
        ).all()
    assert all(row.attempts == 1 and "broker gone" in row.last_error for row in errors)
    assert all(row.claim_token is None for row in errors)  # released, not stuck behind a lease
    sent: list[str] = []
    OutboxRelay(db, lambda s, n, e: sent.append(e["event_id"])).relay_pending()
    assert calls + sent == ids


def test_two_relays_never_publish_the_same_row(db: Database) -> None:
    write_events(db, 200)
    published: list[str] = []
    lock = threading.Lock()

    def publish(source: str, name: str, envelope: dict[str, Any]) -> None:
        with lock:
            published.append(envelope["event_id"])

    relays = [OutboxRelay(db, publish, batch_size=10) for _ in range(3)]
    threads = [threading.Thread(target=r.relay_pending) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(published) == 200 and len(set(published)) == 200


def test_a_claim_left_by_a_dead_relay_expires(db: Database) -> None:
    write_events(db, 1)
    crashed = OutboxRelay(db, lambda *a: None, lease_seconds=0.0)
    crashed._claim()  # claimed, then the process "dies" before publishing
    sent: list[str] = []
    assert OutboxRelay(db, lambda s, n, e: sent.append(n)).relay_pending() == 1


def test_background_relay_is_woken_by_a_commit(db: Database) -> None:
    done = threading.Event()
    relay = BackgroundRelay(OutboxRelay(db, lambda *a: done.set())).attach()
    try:
        write_events(db, 1)
        assert done.wait(5), "the commit did not wake the relay"
    finally:
        relay.stop()


def envelope(event_id: str = "e-1", **payload: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": "x.thing.happened",
        "occurred_at": "2027-01-01T00:00:00Z",
        "payload": payload,
    }


def processed_count(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(processed_events)))


def test_handle_once_applies_once_and_acknowledges_duplicates(db: Database) -> None:
    effects: list[str] = []

    def effect(session: Session, env: dict[str, Any]) -> None:
        effects.append(env["event_id"])

    assert handle_once(db, REF, envelope(), effect) == "applied"
    assert handle_once(db, REF, envelope(), effect) == "duplicate"
    assert effects == ["e-1"] and processed_count(db) == 1


def test_a_failing_effect_is_retried_then_applied_without_partial_writes(db: Database) -> None:
    attempts: list[int] = []
    sleeps: list[float] = []

    def effect(session: Session, env: dict[str, Any]) -> None:
        attempts.append(1)
        write_events_in(session)  # part of the effect, must roll back on failure
        if len(attempts) < 3:
            raise RuntimeError("transient")

    outcome = handle_once(db, REF, envelope(), effect, backoff=(0.1, 0.2, 0.4), sleep=sleeps.append)
    assert outcome == "applied"
    assert sleeps == [0.1, 0.2]
    assert outbox_figures(db)[0] == 1  # only the successful attempt's write remains


def test_a_poison_event_is_parked_and_can_be_replayed(db: Database) -> None:
    def effect(session: Session, env: dict[str, Any]) -> None:
        raise ValueError("cannot apply")

    outcome = handle_once(db, REF, envelope("e-9"), effect, backoff=(0, 0), sleep=lambda s: None)
    assert outcome == "dead_lettered"
    assert processed_count(db) == 0
    [letter] = list_dead_letters(db)
    assert (letter.event_id, letter.handler, letter.queue, letter.attempts) == (
        "e-9",
        REF.name,
        REF.queue,
        3,
    )
    assert "ValueError: cannot apply" in letter.error
    assert outbox_figures(db)[2] == 1

    redelivered: list[tuple[str, Any]] = []
    assert replay_dead_letters(db, lambda q, b: redelivered.append((q, b))) == [letter.id]
    assert redelivered == [(REF.queue, envelope("e-9"))]
    assert list_dead_letters(db) == []
    assert len(list_dead_letters(db, include_replayed=True)) == 1
    assert outbox_figures(db)[2] == 0


def test_a_malformed_envelope_is_parked_at_once(db: Database) -> None:
    calls: list[int] = []
    outcome = handle_once(db, REF, ["not", "an", "envelope"], lambda s, e: calls.append(1))
    assert outcome == "dead_lettered" and calls == []
    with db.transaction() as session:
        assert session.scalar(sa.select(dead_letters.c.error)).startswith("MalformedEvent")
