"""Event topology: which service handles which events, declared on RabbitMQ up front.

The subscriptions are read from each service's worker class (its
`@subscribe` methods), so the handler code stays the single source of truth.
Declaring every queue before the first publish means an event is never
dropped as unroutable because its consumer has not started yet: it waits in
its queue.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass

from kombu import Connection, Exchange, Queue

from services.kit.config import SERVICES


@dataclass(frozen=True)
class Subscription:
    """A handler's binding: events `<source>.<event>` to `<service>.<method>`."""

    source: str
    event: str
    service: str
    method: str

    @property
    def queue(self) -> str:
        # nameko's own naming for SERVICE_POOL handlers, so our declaration matches its own.
        return f"evt-{self.source}-{self.event}--{self.service}.{self.method}"

    @property
    def event_type(self) -> str:
        return f"{self.source}.{self.event}"


def subscriptions_of(worker_cls: type) -> Iterator[Subscription]:
    """The subscriptions a worker class declares with @subscribe."""
    for attribute in dir(worker_cls):
        binding = getattr(getattr(worker_cls, attribute), "salesops_subscription", None)
        if binding:
            yield Subscription(binding[0], binding[1], worker_cls.name, attribute)  # type: ignore[attr-defined]


def worker_class(service: str) -> type:
    """The nameko worker class of a service (`services.<service>.worker.Worker`)."""
    module = importlib.import_module(f"services.{service}.worker")
    cls: type = module.Worker
    return cls


def all_subscriptions() -> list[Subscription]:
    """Every subscription of every service's worker."""
    return [s for service in SERVICES for s in subscriptions_of(worker_class(service))]


_declared: set[str] = set()


def is_declared(amqp_uri: str) -> bool:
    """Whether this process has declared the topology on `amqp_uri`."""
    return amqp_uri in _declared


def ensure_topology(amqp_uri: str) -> None:
    """Declare every service's event queues and bindings once per process.

    An event published before its consumer's queue exists would be dropped by
    RabbitMQ as unroutable; declaring all queues before the first publish
    means an event waits in its queue even if the consuming worker has never
    started yet.
    """
    if amqp_uri in _declared:
        return
    declare_topology(amqp_uri)
    _declared.add(amqp_uri)


def declare_topology(amqp_uri: str) -> list[str]:
    """Declare the exchanges, queues and bindings of all subscriptions; return queue names."""
    queues = []
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        for subscription in all_subscriptions():
            exchange = Exchange(
                f"{subscription.source}.events", type="topic", durable=True, delivery_mode=2
            )
            queue = Queue(
                subscription.queue,
                exchange=exchange,
                routing_key=subscription.event,
                durable=True,
                auto_delete=False,
                exclusive=False,
            )
            queue(channel).declare()
            queues.append(subscription.queue)
        channel.close()
    return queues
