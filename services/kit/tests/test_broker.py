"""Publishing through RabbitMQ for real: topology, the api's publisher, the outbox relay."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from kombu import Connection
from salesops.events.v1 import pipeline_events_pb2

from services.kit.db import Database
from services.kit.outbox import OutboxRelay, outbox_figures, record_event
from services.kit.runtime import api_publisher
from services.kit.topology import all_subscriptions, declare_topology

CUSTOMERS_QUEUE = "evt-pipeline-lead.converted--customers.on_lead_converted"


def drain(amqp_uri: str, queue: str) -> list[dict]:
    bodies = []
    with Connection(amqp_uri) as connection:
        simple = connection.SimpleQueue(queue, no_ack=True, queue_opts={"durable": True})
        while True:
            try:
                message = simple.get(timeout=0.5)
            except simple.Empty:
                break
            bodies.append(message.payload)
        simple.close()
    return bodies


def test_topology_comes_from_the_workers_subscriptions(amqp_uri: str) -> None:
    queues = declare_topology(amqp_uri)
    assert CUSTOMERS_QUEUE in queues
    assert {s.queue for s in all_subscriptions()} == set(queues)


def test_outbox_events_reach_the_consumers_queue_before_any_consumer_ran(
    amqp_uri: str, migrated: Callable[[str, str], Database], tmp_path
) -> None:
    db = migrated("pipeline", f"sqlite:///{tmp_path / 'p.db'}")
    with db.transaction() as session:
        sent = record_event(
            session,
            "pipeline.lead.converted",
            pipeline_events_pb2.LeadConverted(lead_id="L1", region="EMEA", company_name="Acme"),
            region="EMEA",
            caller=None,
        )
    drain(amqp_uri, CUSTOMERS_QUEUE)
    assert OutboxRelay(db, api_publisher(amqp_uri)).relay_pending() == 1
    [received] = drain(amqp_uri, CUSTOMERS_QUEUE)
    assert received == sent
    assert outbox_figures(db)[0] == 0


def test_an_unreachable_broker_leaves_events_in_the_outbox(
    migrated: Callable[[str, str], Database], tmp_path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    db = migrated("pipeline", f"sqlite:///{tmp_path / 'p.db'}")
    with db.transaction() as session:
        record_event(
            session,
            "pipeline.lead.created",
            pipeline_events_pb2.LeadCreated(lead_id="L1"),
            region="EMEA",
            caller=None,
        )
    relay = OutboxRelay(db, api_publisher(f"amqp://guest:guest@127.0.0.1:{closed_port}/"))
    with pytest.raises(Exception):  # noqa: B017 - kombu raises several kinds here
        relay.relay_pending()
    assert outbox_figures(db)[0] == 1
