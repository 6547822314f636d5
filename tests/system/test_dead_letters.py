"""A poison event is parked after its retries, shows in metrics, is listed and replayed."""

from __future__ import annotations

import uuid

import httpx
import pytest
from kombu import Connection, Exchange
from prometheus_client.parser import text_string_to_metric_families

from tests.system import harness

pytestmark = pytest.mark.system


def poison_event() -> dict[str, object]:
    """A `pipeline.lead.converted` whose payload has no owner: the archive refuses it."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": "pipeline.lead.converted",
        "schema_version": 1,
        "occurred_at": "2027-01-05T10:00:00Z",
        "source": "pipeline",
        "region": "EMEA",
        "actor": "test",
        "correlation_id": "poison",
        "payload": {"lead_id": str(uuid.uuid4()), "region": "EMEA", "company_name": "Nobody's"},
    }


def sample(platform: harness.Platform, process: str, name: str, **labels: str) -> float:
    text = httpx.get(platform.metrics_url(process), timeout=5).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


def test_poison_event_is_parked_listed_and_replayed(platform: harness.Platform) -> None:
    event = poison_event()
    event_id = str(event["event_id"])
    with Connection(platform.amqp_uri) as connection:
        producer = connection.Producer(serializer="json")
        producer.publish(
            event,
            exchange=Exchange("pipeline.events", type="topic", durable=True),
            routing_key="lead.converted",
            delivery_mode=2,
        )

    def listed() -> bool:
        return event_id in platform.salesops("events", "dead-letters", "customers").stdout

    harness.wait_until(listed, timeout=30, interval=0.5, what="the poison event to be parked")
    listing = platform.salesops("events", "dead-letters", "customers").stdout
    assert "owner_id" in listing, listing  # the error names the missing field
    assert sample(platform, "customers-worker", "salesops_events_dead_lettered_total") >= 1
    assert (
        sample(platform, "customers-worker", "salesops_dead_letters_parked", service="customers")
        >= 1
    )

    with harness.connect(platform, "customers") as db:
        [(letter_id,)] = db.execute(
            "SELECT id FROM dead_letters WHERE event_id = %s AND replayed_at IS NULL", (event_id,)
        ).fetchall()
    replay = platform.salesops("events", "replay", "customers", "--id", str(letter_id))
    assert replay.returncode == 0 and "replayed 1" in replay.stdout, replay.stdout + replay.stderr

    def parked_again() -> bool:
        with harness.connect(platform, "customers") as db:
            rows = db.execute(
                "SELECT replayed_at IS NOT NULL FROM dead_letters WHERE event_id = %s ORDER BY id",
                (event_id,),
            ).fetchall()
        return [r[0] for r in rows] == [True, False]

    # The event went back through the queue to the handler, which (unfixed) parked it again.
    harness.wait_until(
        parked_again, timeout=30, interval=0.5, what="the replayed event to come back"
    )
    with harness.connect(platform, "customers") as db:
        applied = db.execute(
            "SELECT count(*) FROM processed_events WHERE event_id = %s", (event_id,)
        ).fetchone()
        customers = db.execute(
            "SELECT count(*) FROM customers WHERE source_lead_id = %s",
            (event["payload"]["lead_id"],),  # type: ignore[index]
        ).fetchone()
    assert applied == (0,) and customers == (0,)
