"""Prometheus metrics of every salesops process, named as the contract says.

Metric objects live here once so every process exports the same names and
labels: RED metrics for gRPC entrypoints and event handlers, event and outbox
metrics, database pool metrics, and a few business counters. Each process
serves them on its own `/metrics` port.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from prometheus_client import Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# --- gRPC servers (api processes) -------------------------------------------
GRPC_HANDLED = Counter(
    "salesops_grpc_server_handled_total",
    "gRPC calls completed by a salesops service, by method and status code.",
    ["service", "method", "code"],
)
GRPC_HANDLING_SECONDS = Histogram(
    "salesops_grpc_server_handling_seconds",
    "Time a salesops service spent handling a gRPC call.",
    ["service", "method"],
    buckets=LATENCY_BUCKETS,
)
GRPC_IN_FLIGHT = Gauge(
    "salesops_grpc_server_in_flight_requests",
    "gRPC calls being handled right now.",
    ["service"],
)

# --- HTTP (gateway) -----------------------------------------------------------
HTTP_HANDLED = Counter(
    "salesops_http_server_handled_total",
    "HTTP requests completed by the gateway, by route and status code.",
    ["method", "route", "code"],
)
HTTP_HANDLING_SECONDS = Histogram(
    "salesops_http_server_handling_seconds",
    "Time the gateway spent handling an HTTP request.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
UPSTREAM_HANDLED = Counter(
    "salesops_gateway_upstream_calls_total",
    "gRPC calls the gateway made to a service, by upstream, method and status code.",
    ["upstream", "method", "code"],
)
UPSTREAM_UP = Gauge(
    "salesops_gateway_upstream_up",
    "1 when the upstream's gRPC health answered SERVING at the last check, else 0.",
    ["upstream"],
)

# --- events -----------------------------------------------------------------------
EVENTS_PUBLISHED = Counter(
    "salesops_events_published_total",
    "Events relayed from a service's outbox to RabbitMQ.",
    ["service", "type"],
)
EVENTS_PUBLISH_FAILURES = Counter(
    "salesops_events_publish_failures_total",
    "Relay attempts that could not reach RabbitMQ; the events stay in the outbox.",
    ["service"],
)
EVENTS_CONSUMED = Counter(
    "salesops_events_consumed_total",
    "Events delivered to a handler, by outcome: applied, duplicate, retried or dead_lettered.",
    ["service", "handler", "type", "outcome"],
)
EVENT_HANDLING_SECONDS = Histogram(
    "salesops_event_handling_seconds",
    "Time a handler spent on one event delivery.",
    ["service", "handler"],
    buckets=LATENCY_BUCKETS,
)
EVENT_LAG_SECONDS = Histogram(
    "salesops_event_lag_seconds",
    "Time from an event's occurrence to its successful handling.",
    ["service", "type"],
    buckets=(*LATENCY_BUCKETS, 30.0, 60.0, 300.0),
)
EVENTS_DEAD_LETTERED = Counter(
    "salesops_events_dead_lettered_total",
    "Events parked in a service's dead-letter queue after their retries ran out.",
    ["service", "handler", "type"],
)

# --- business -------------------------------------------------------------------
LEADS_CREATED = Counter("salesops_leads_created_total", "Leads captured, by region.", ["region"])
LEADS_CONVERTED = Counter(
    "salesops_leads_converted_total", "Leads converted into customers, by region.", ["region"]
)
CUSTOMERS_CREATED = Counter(
    "salesops_customers_created_total", "Customer accounts opened, by region.", ["region"]
)
LEAD_SLA_BREACHES = Counter(
    "salesops_lead_sla_breaches_total",
    "Leads not contacted within their region's first-contact SLA, by region.",
    ["region"],
)
DEALS_CLOSED = Counter(
    "salesops_deals_closed_total",
    "Opportunities closed, by region and outcome (won or lost).",
    ["region", "outcome"],
)
CASE_SLA_BREACHES = Counter(
    "salesops_case_sla_breaches_total",
    "After-sales cases not resolved within their priority's SLA, by region and priority.",
    ["region", "priority"],
)


class OutboxCollector(Collector):
    """Reads outbox and dead-letter figures from the database at scrape time.

    `read` returns (pending count, oldest pending age in seconds, parked dead
    letters); a database that does not answer yields no samples rather than
    a failed scrape.
    """

    def __init__(self, service: str, read: Callable[[], tuple[int, float, int]]) -> None:
        self.service = service
        self.read = read

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            pending, oldest_age, parked = self.read()
        except Exception:  # a database outage must not break the scrape
            return []
        families = [
            GaugeMetricFamily(
                "salesops_outbox_pending_events",
                "Events written to the outbox and not yet relayed to RabbitMQ.",
                labels=["service"],
            ),
            GaugeMetricFamily(
                "salesops_outbox_oldest_pending_age_seconds",
                "Age of the oldest event still waiting in the outbox (0 when empty).",
                labels=["service"],
            ),
            GaugeMetricFamily(
                "salesops_dead_letters_parked",
                "Events parked in the dead-letter queue, waiting for an operator to replay them.",
                labels=["service"],
            ),
        ]
        for family, value in zip(families, (pending, oldest_age, parked), strict=True):
            family.add_metric([self.service], value)
        return families


_registered: set[str] = set()
_lock = threading.Lock()


class QueryGauge(Collector):
    """A gauge whose samples are read (usually from a database) at scrape time.

    `read` returns (label values, value) pairs; when it raises, the family is
    left out of that scrape instead of failing the whole scrape.
    """

    def __init__(
        self,
        name: str,
        documentation: str,
        labels: list[str],
        read: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
    ) -> None:
        self.name = name
        self.documentation = documentation
        self.labels = labels
        self.read = read

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            samples = list(self.read())
        except Exception:
            return []
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labels)
        for label_values, value in samples:
            family.add_metric(list(label_values), value)
        return [family]


def register_query_gauge(
    name: str,
    documentation: str,
    labels: list[str],
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
) -> None:
    """Register a QueryGauge once per process (later registrations of `name` are ignored)."""
    with _lock:
        if name in _registered:
            return
        REGISTRY.register(QueryGauge(name, documentation, labels, read))
        _registered.add(name)


def register_outbox_collector(service: str, read: Callable[[], tuple[int, float, int]]) -> None:
    """Register the outbox collector for `service` once per process."""
    with _lock:
        if service in _registered:
            return
        REGISTRY.register(OutboxCollector(service, read))
        _registered.add(service)


def serve_metrics(port: int, addr: str = "0.0.0.0") -> int:
    """Serve `/metrics` on `port` (0 picks a free one) and return the bound port."""
    server, _thread = start_http_server(port, addr=addr)
    return int(server.server_port)


# --- idempotency keys (gateway) ----------------------------------------------------
# A replay is a retried POST answered from the gateway's store instead of running twice.
IDEMPOTENT_REPLAYS = Counter(
    "salesops_gateway_idempotent_replays_total",
    "POSTs answered with the stored first answer to their Idempotency-Key.",
)
IDEMPOTENCY_CONFLICTS = Counter(
    "salesops_gateway_idempotency_conflicts_total",
    "POSTs refused over their Idempotency-Key, by reason: in_flight (409, the first request "
    "has not answered) or other_request (422, the key was first used for another request).",
    ["reason"],
)
