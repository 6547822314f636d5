"""One service down: only its routes fail, fast, and they recover when it is back.

The customers api is stopped (SIGTERM, as a rollout or a crash-loop would)
on the shared running platform. The gateway keeps serving every other
service's routes, answers the customers routes with 503 within two seconds
(its circuit opens, so later calls are refused without waiting), and says
which upstream is down in /readyz. Started again, the customers routes
answer 200 and the circuit closes. The platform is left as it was found.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.system import harness
from tests.system.harness import Platform

pytestmark = pytest.mark.system

STOPPED = "customers"
# A list route of each service that a manager may read with no other parameter.
LIST_ROUTES = {
    "planning": "/v1/org-units",
    "pipeline": "/v1/leads",
    "customers": "/v1/customers",
    "performance": "/v1/kpis",
    "training": "/v1/courses",
}


@pytest.fixture
def manager(platform: Platform) -> Iterator[httpx.Client]:
    token = harness.issue(platform, f"mgr-outage-{secrets.token_hex(3)}", ["manager"], ["EMEA"])
    with harness.client(platform, token) as http:
        yield http


@pytest.fixture
def customers_api_stopped(platform: Platform, manager: httpx.Client) -> Iterator[None]:
    """The customers api stopped for the test; afterwards served again, whatever it did."""
    with harness.api_stopped(platform, STOPPED, manager, LIST_ROUTES[STOPPED]):
        yield


def timed_get(http: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    response = http.get(path)
    return response, time.monotonic() - began


def test_a_stopped_service_fails_only_its_own_routes_fast_and_recovers(
    platform: Platform, manager: httpx.Client, customers_api_stopped: None
) -> None:
    gateway_metrics = platform.metrics_url("gateway")

    # Its routes: 503 problem+json, within two seconds each, never a hang.
    for _ in range(4):
        response, took = timed_get(manager, LIST_ROUTES[STOPPED])
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == "urn:salesops:problem:unavailable"
        assert STOPPED in response.json()["detail"]
        assert took < 2.0, f"GET {LIST_ROUTES[STOPPED]} took {took:.2f} s"
    # By now the circuit is open: refused without a call, with a time to come back.
    assert int(response.headers["Retry-After"]) >= 1
    assert (
        harness.sample_value(gateway_metrics, "salesops_gateway_circuit_state", upstream=STOPPED)
        == 2
    )

    # Every other service's routes keep answering.
    for service, path in LIST_ROUTES.items():
        if service != STOPPED:
            harness.expect(manager.get(path), 200)

    # /readyz says which upstream is down, and that its circuit is open.
    ready = httpx.get(f"{platform.base_url}/readyz", timeout=5)
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "not ready"
    assert body["upstreams"][STOPPED] == "UNAVAILABLE"
    assert body["circuits"][STOPPED] == "open"
    for service in LIST_ROUTES:
        if service != STOPPED:
            assert body["upstreams"][service] == "SERVING", body
            assert body["circuits"][service] == "closed", body

    # Started again, its routes recover (after the circuit's cool-down, a trial call closes it).
    platform.start(f"{STOPPED}-api")
    harness.wait_until_served(manager, LIST_ROUTES[STOPPED])
    platform.wait_ready()
    ready = httpx.get(f"{platform.base_url}/readyz", timeout=5).json()
    assert ready["status"] == "ready"
    assert ready["circuits"] == dict.fromkeys(harness.SERVICES, "closed")
    assert (
        harness.sample_value(gateway_metrics, "salesops_gateway_circuit_state", upstream=STOPPED)
        == 0
    )
    assert (
        harness.sample_value(
            gateway_metrics,
            "salesops_gateway_circuit_transitions_total",
            upstream=STOPPED,
            state="closed",
        )
        or 0
    ) >= 1
