"""Every process exports the metrics the architecture contract names, with real samples.

The test drives one lead to a customer first, so it does not depend on which
other system tests ran before it, then scrapes the five processes' /metrics.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.system import harness
from tests.system.harness import Platform, client, expect, issue

pytestmark = pytest.mark.system

PROCESSES = ("pipeline-api", "customers-api", "pipeline-worker", "customers-worker", "gateway")


def samples(page: dict[str, list[Any]], name: str, **labels: str) -> list[Any]:
    return [s for s in page.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]


def require(page: dict[str, list[Any]], where: str, name: str, **labels: str) -> list[Any]:
    found = samples(page, name, **labels)
    assert found, (
        f"{where} /metrics has no sample {name}{labels or ''}; it has: "
        f"{sorted(n for n in page if n.startswith('salesops_'))}"
    )
    return found


@pytest.fixture(scope="module")
def flowed(platform: Platform) -> str:
    """One lead created, qualified and converted, and its customer opened."""
    http = client(platform, issue(platform, f"mgr-{secrets.token_hex(3)}", ["manager"], ["EMEA"]))
    lead = harness.create_qualified_lead(http)
    expect(http.post(f"/v1/leads/{lead['lead_id']}:convert"), 200)
    harness.wait_until(
        lambda: harness.customer_counts(http, {lead["lead_id"]})[lead["lead_id"]] == 1,
        10,
        0.05,
        "the customer of the converted lead",
    )
    expect(http.get("/v1/leads/no-such-lead"), 404)  # a non-OK code to count as well
    return str(lead["lead_id"])


@pytest.fixture(scope="module")
def pages(platform: Platform, flowed: str) -> dict[str, dict[str, list[Any]]]:
    # The customers worker relays its customer.created event on its timer: let it run.
    harness.wait_until(
        lambda: (
            harness.sample_value(
                platform.metrics_url("customers-worker"),
                "salesops_outbox_pending_events",
                service="customers",
            )
            == 0
        ),
        10,
        0.1,
        "the customers outbox to drain",
    )
    return {name: harness.scrape(platform.metrics_url(name)) for name in PROCESSES}


@pytest.mark.parametrize("service", ["pipeline", "customers"])
def test_api_metrics(pages: dict[str, dict[str, list[Any]]], service: str) -> None:
    where = f"{service}-api"
    page = pages[where]
    method = {"pipeline": "ConvertLead", "customers": "ListCustomers"}[service]

    handled = require(page, where, "salesops_grpc_server_handled_total", service=service)
    assert all({"service", "method", "code"} <= set(s.labels) for s in handled)
    ok = [s for s in handled if s.labels["method"].endswith(method) and s.labels["code"] == "OK"]
    assert ok and ok[0].value >= 1, handled
    if service == "pipeline":
        assert any(
            s.labels["method"].endswith("GetLead") and s.labels["code"] == "NOT_FOUND"
            for s in handled
        ), handled

    buckets = require(page, where, "salesops_grpc_server_handling_seconds_bucket", service=service)
    assert any(s.labels.get("le") == "+Inf" and s.value >= 1 for s in buckets)

    for name in ("salesops_outbox_pending_events", "salesops_outbox_oldest_pending_age_seconds"):
        (sample,) = require(page, where, name, service=service)
        assert sample.value >= 0


def test_worker_metrics(pages: dict[str, dict[str, list[Any]]]) -> None:
    for service in ("pipeline", "customers"):
        where = f"{service}-worker"
        (pending,) = require(pages[where], where, "salesops_outbox_pending_events", service=service)
        assert pending.value >= 0

    # Pipeline events are relayed by whichever relay gets there first: the api's or the worker's.
    published = [
        s
        for where in ("pipeline-api", "pipeline-worker")
        for s in samples(
            pages[where],
            "salesops_events_published_total",
            service="pipeline",
            type="pipeline.lead.converted",
        )
    ]
    assert sum(s.value for s in published) >= 1, "no pipeline.lead.converted was counted"
    require(
        pages["customers-worker"],
        "customers-worker",
        "salesops_events_published_total",
        service="customers",
        type="customers.customer.created",
    )

    (applied,) = require(
        pages["customers-worker"],
        "customers-worker",
        "salesops_events_consumed_total",
        service="customers",
        type="pipeline.lead.converted",
        outcome="applied",
    )
    assert applied.value >= 1
    assert applied.labels["handler"] == "customers.on_lead_converted"


def test_gateway_metrics(pages: dict[str, dict[str, list[Any]]]) -> None:
    page = pages["gateway"]
    handled = require(page, "gateway", "salesops_http_server_handled_total")
    assert all({"method", "route", "code"} <= set(s.labels) for s in handled)
    routes = {(s.labels["method"], s.labels["route"], s.labels["code"]) for s in handled}
    assert ("POST", "/v1/leads", "201") in routes, routes
    assert ("GET", "/v1/leads/{lead_id}", "404") in routes, routes
    # Route templates, never raw paths: no lead id becomes a label value.
    assert not any(route.count("-") >= 4 for _, route, _ in routes), routes

    buckets = require(page, "gateway", "salesops_http_server_handling_seconds_bucket")
    assert any(s.labels.get("le") == "+Inf" and s.value >= 1 for s in buckets)
