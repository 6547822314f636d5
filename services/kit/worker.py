"""The worker process of a service: nameko handlers with inbox semantics and the outbox relay.

A service's `worker.py` declares a class that extends `ServiceWorker`, sets
`name`, and marks handlers with `@subscribe("pipeline", "lead.converted")`.
Each handler receives `(session, envelope)` inside the inbox transaction.
The inherited `relay_outbox` timer publishes the service's outbox with
nameko's EventDispatcher.

This module imports nameko and is meant for the eventlet-patched worker
process (`salesops worker <service>`); grpcio never runs there.
"""

from __future__ import annotations

import functools
import importlib
import logging
import pkgutil
import time
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType
from typing import Any, TypeVar, cast

from nameko.events import EventDispatcher, event_handler
from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy.orm import Session

from services.kit.config import Settings
from services.kit.db import Database
from services.kit.inbox import HandlerRef, handle_once
from services.kit.outbox import OutboxRelay
from services.kit.topology import Subscription, ensure_topology, is_declared

log = logging.getLogger(__name__)

_SETTINGS = Settings.from_env()
RELAY_INTERVAL = _SETTINGS.outbox_poll_seconds
OUTBOX_RETENTION = timedelta(hours=24)
PRUNE_EVERY_SECONDS = 600.0
# When even the dead-letter table cannot be written (database down), wait
# before the message goes back to the queue, so a long outage is not a hot loop.
REQUEUE_PAUSE_SECONDS = 1.0

# Handlers are written on mixins (`*Handlers` classes) that only become
# ServiceWorkers when composed, so the self type is left open.
W = TypeVar("W")


def subscribe(
    source: str, event: str
) -> Callable[[Callable[[W, Session, dict[str, Any]], None]], Callable[[W, Any], str]]:
    """Make a worker method the handler of `<source>.<event>`, applied once per event id."""

    def decorate(fn: Callable[[W, Session, dict[str, Any]], None]) -> Callable[[W, Any], str]:
        @functools.wraps(fn)
        def entry(self: W, body: Any) -> str:
            worker = cast(ServiceWorker, self)  # the composed class always is one
            subscription = Subscription(source, event, worker.name, fn.__name__)
            ref = HandlerRef(worker.name, f"{worker.name}.{fn.__name__}", subscription.queue)
            try:
                outcome = handle_once(worker.db, ref, body, lambda s, env: fn(self, s, env))
            except Exception:
                log.exception("could not apply or park an event for %s; requeueing it", ref.name)
                time.sleep(REQUEUE_PAUSE_SECONDS)
                raise
            if outcome == "applied":
                # Events the effect wrote leave now rather than at the next timer tick.
                worker.relay_soon()
            return outcome

        entry.salesops_subscription = (source, event)  # type: ignore[attr-defined]
        return event_handler(source, event, requeue_on_error=True)(entry)  # type: ignore[no-any-return]

    return decorate


class DatabaseProvider(DependencyProvider):  # type: ignore[misc]
    """Gives each worker the service's Database (one engine per process)."""

    database: Database

    def setup(self) -> None:
        name = self.container.service_name
        settings = Settings.from_env()
        self.database = Database(settings.database_url(name), name, pool_size=5)

    def stop(self) -> None:
        self.database.dispose()

    def get_dependency(self, worker_ctx: Any) -> Database:
        return self.database


class ServiceWorker:
    """Base of every service's nameko worker: its database and its outbox relay."""

    name = "abstract"
    db: Any = DatabaseProvider()
    dispatch: Any = EventDispatcher()

    _last_prune = 0.0
    _relay_healthy = True

    @timer(interval=RELAY_INTERVAL)  # type: ignore[untyped-decorator]
    def relay_outbox(self) -> int:
        """Publish pending outbox events; the back-stop to the api's relay."""
        ensure_topology(Settings.from_env().amqp_uri)
        return self._relay()

    def relay_soon(self) -> None:
        """Relay right after a handler's commit, once the timer has declared the topology."""
        if is_declared(Settings.from_env().amqp_uri):
            self._relay()

    def _relay(self) -> int:
        def publish(source: str, event_name: str, envelope: dict[str, Any]) -> None:
            if source != self.name:
                raise ValueError(f"{self.name} cannot publish {source}'s events")
            self.dispatch(event_name, envelope)

        relay = OutboxRelay(self.db, publish)
        try:
            sent = relay.relay_pending()
        except Exception as exc:
            # The broker (or the database) is away: the events stay in the
            # outbox; say so once per outage, not at every tick.
            if ServiceWorker._relay_healthy:
                log.warning("outbox relay failed (%s); retrying every %.1f s", exc, RELAY_INTERVAL)
            ServiceWorker._relay_healthy = False
            return 0
        if not ServiceWorker._relay_healthy:
            log.info("outbox relay is publishing again")
        ServiceWorker._relay_healthy = True
        now = time.monotonic()
        if now - ServiceWorker._last_prune > PRUNE_EVERY_SECONDS:
            ServiceWorker._last_prune = now
            relay.prune_sent(OUTBOX_RETENTION)
        return sent


def compose_worker(name: str, handlers_package: ModuleType) -> type[ServiceWorker]:
    """The nameko service `name`: ServiceWorker plus every `*Handlers` mixin of a package.

    A service with many sources of events keeps one module of handlers per
    source (`handlers/planning.py`, `handlers/training.py`, ...); adding a
    module is enough for its handlers to run.
    """
    mixins: list[type] = []
    for module_info in sorted(
        pkgutil.iter_modules(handlers_package.__path__), key=lambda m: m.name
    ):
        module = importlib.import_module(f"{handlers_package.__name__}.{module_info.name}")
        mixins += [
            value
            for attribute, value in sorted(vars(module).items())
            if isinstance(value, type)
            and attribute.endswith("Handlers")
            and value.__module__ == module.__name__
        ]
    return type(
        f"{name.title()}Worker",
        (*mixins, ServiceWorker),
        {"name": name, "__module__": handlers_package.__name__},
    )
