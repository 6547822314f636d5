"""Start-up of a service's processes: the api (grpcio) and the worker (nameko).

Every service is started the same way from its package conventions:
`services/<name>/api.py` has `register(server, db)`, `services/<name>/worker.py`
has the nameko class `Worker`. A service's start-up is therefore these few
shared lines, and a sixth service needs none of its own.
"""

from __future__ import annotations

import importlib
import logging
import socket
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from services.kit import metrics
from services.kit.config import Settings, service_spec
from services.kit.db import Database
from services.kit.logs import configure_logging
from services.kit.migrations import require_head
from services.kit.outbox import (
    BackgroundRelay,
    OutboxRelay,
    Publish,
    nameko_publisher,
    outbox_figures,
)
from services.kit.topology import all_subscriptions, ensure_topology

log = logging.getLogger(__name__)


def redacted(url: str) -> str:
    """A database or broker URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        parts = urlsplit(url)
        return parts._replace(netloc=parts.hostname or "").geturl()


def open_database(settings: Settings, service: str, *, pool_size: int = 10) -> Database:
    """The service's database, checked to be reachable and at the migration head."""
    url = settings.database_url(service)
    db = Database(url, service, pool_size=pool_size)
    try:
        require_head(db)
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        raise SystemExit(
            f"cannot reach the {service} database at {redacted(url)}: "
            f"{type(cause).__name__}: {cause}"
        ) from None
    return db


def broker_reachable(amqp_uri: str, timeout: float = 2.0) -> bool:
    """Whether RabbitMQ's port answers (a quick check for clear start-up messages)."""
    parts = urlsplit(amqp_uri)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout):
            return True
    except OSError:
        return False


def _warn_if_broker_down(settings: Settings, process: str) -> None:
    if not broker_reachable(settings.amqp_uri):
        log.warning(
            "RabbitMQ is not reachable at %s: the %s keeps running, events wait in the "
            "outbox and flow as soon as the broker is back",
            redacted(settings.amqp_uri),
            process,
        )


def api_publisher(amqp_uri: str) -> Publish:
    """Publish through nameko's standalone dispatcher after declaring the topology once."""
    publish = nameko_publisher(amqp_uri)

    def publish_declared(source: str, event_name: str, envelope: dict[str, Any]) -> None:
        ensure_topology(amqp_uri)
        publish(source, event_name, envelope)

    return publish_declared


def run_service_api(service: str) -> int:
    """Run `service`'s api process until SIGTERM or SIGINT; return the exit code."""
    from services.kit.grpc_server import run_api

    service_spec(service)
    settings = Settings.from_env()
    configure_logging(f"{service}-api", settings.log_level)
    db = open_database(settings, service)
    module = importlib.import_module(f"services.{service}.api")
    _warn_if_broker_down(settings, f"{service} api")
    # Read the subscriptions here, on the main thread: that imports the workers'
    # modules and so nameko and eventlet, and importing eventlet first from the
    # relay thread leaves that thread unjoinable at shutdown.
    all_subscriptions()
    relay = BackgroundRelay(OutboxRelay(db, api_publisher(settings.amqp_uri))).attach()
    metrics.register_outbox_collector(service, lambda: outbox_figures(db))
    try:
        return run_api(
            service,
            lambda server: module.register(server, db),
            db.ping,
            port=settings.grpc_port(service),
            metrics_port=settings.api_metrics_port(service),
            grace=settings.shutdown_grace_seconds,
        )
    finally:
        relay.stop()
        db.dispose()


def nameko_config(settings: Settings) -> dict[str, Any]:
    """The nameko container configuration of a worker."""
    return {
        "AMQP_URI": settings.amqp_uri,
        "max_workers": 10,
        "PARENT_CALLS_TRACKED": 10,
        "SERIALIZER": "json",
        "HEARTBEAT": 30,
    }


def run_service_worker(service: str) -> int:
    """Run `service`'s nameko worker until SIGTERM or SIGINT (eventlet must be patched)."""
    import signal

    import eventlet
    import eventlet.event
    from nameko.runners import ServiceRunner

    from services.kit.topology import worker_class

    service_spec(service)
    settings = Settings.from_env()
    configure_logging(f"{service}-worker", settings.log_level)
    db = open_database(settings, service, pool_size=2)
    port = metrics.serve_metrics(settings.worker_metrics_port(service))
    metrics.register_outbox_collector(service, lambda: outbox_figures(db))
    _warn_if_broker_down(settings, f"{service} worker")
    runner = ServiceRunner(nameko_config(settings))
    runner.add_service(worker_class(service))
    stopping = eventlet.event.Event()

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping the %s worker after in-flight handlers", signum, service)
        if not stopping.ready():
            stopping.send(True)
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("%s worker starting; metrics on :%d", service, port)
    # nameko cannot start its consumers without the broker: wait for it rather
    # than crash, so a worker started during a broker outage simply catches up.
    while not broker_reachable(settings.amqp_uri):
        if stopping.wait(timeout=2.0):
            db.dispose()
            return 0
    ensure_topology(settings.amqp_uri)
    runner.start()
    log.info("%s worker consuming from %s", service, redacted(settings.amqp_uri))
    runner.wait()
    db.dispose()
    log.info("%s worker stopped", service)
    return 0
