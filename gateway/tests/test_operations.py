"""Probes, metrics, the OpenAPI document, last-resort errors, and serving with uvicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from grpc_health.v1 import health_pb2

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.kit.config import SERVICES

from .conftest import Upstream, wait_until

Headers = Callable[..., dict[str, str]]


def test_healthz_is_ok_without_auth_even_when_upstreams_are_down(
    client: TestClient, pipeline_upstream: Upstream
) -> None:
    pipeline_upstream.stop()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_every_upstream_serves(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "upstreams": {name: "SERVING" for name in SERVICES},
        "circuits": {name: "closed" for name in SERVICES},
    }
    metrics = client.get("/metrics").text
    assert 'salesops_gateway_upstream_up{upstream="customers"} 1.0' in metrics


def test_readyz_is_503_naming_the_upstream_that_is_down(
    client: TestClient, customers_upstream: Upstream, pipeline_upstream: Upstream
) -> None:
    customers_upstream.stop()
    began = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - began < 5.0  # health checks have a 1 s deadline; load margin
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "upstreams": {
            **{name: "SERVING" for name in SERVICES},
            "customers": "UNAVAILABLE",
        },
        "circuits": {name: "closed" for name in SERVICES},
    }
    assert 'salesops_gateway_upstream_up{upstream="customers"} 0.0' in client.get("/metrics").text

    pipeline_upstream.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    assert client.get("/readyz").json()["upstreams"]["pipeline"] == "NOT_SERVING"


def test_metrics_count_requests_by_route_template(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    client.get("/v1/leads/lead-42", headers=bearer())
    client.post("/v1/leads/lead-42:qualify", headers=bearer())
    client.get("/no/such/route")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'salesops_http_server_handled_total{code="404",method="GET",route="/v1/leads/{lead_id}"}'
        in text
    )
    assert 'route="/v1/leads/{lead_id}:qualify"' in text
    assert 'route="unmatched"' in text
    assert "lead-42" not in text
    assert "salesops_http_server_handling_seconds_bucket" in text
    assert (
        'salesops_gateway_upstream_calls_total{code="NOT_FOUND",method="GetLead",'
        'upstream="pipeline"}' in text
    )


def test_openapi_documents_every_route_and_the_bearer_scheme(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/leads",
        "/v1/leads/{lead_id}",
        "/v1/leads/{lead_id}:qualify",
        "/v1/leads/{lead_id}:disqualify",
        "/v1/leads/{lead_id}:convert",
        "/v1/leads/{lead_id}:assign",
        "/v1/leads/{lead_id}:mark-contacted",
        "/v1/leads:import",
        "/v1/lead-sla-policies",
        "/v1/lead-sla-policies/{region}",
        "/v1/lead-routing/{territory_id}",
        "/v1/customers",
        "/v1/customers/{customer_id}",
        "/v1/customers/{customer_id}:merge",
        "/v1/customers/{customer_id}:transfer",
        "/v1/customers/{customer_id}/tags",
        "/v1/customers/{customer_id}/ownership-history",
        "/v1/transfer-requests",
        "/v1/transfer-requests/{transfer_id}",
        "/v1/transfer-requests/{transfer_id}:approve",
        "/v1/transfer-requests/{transfer_id}:reject",
        "/v1/tier-thresholds",
        "/v1/customers/{customer_id}/contacts",
        "/v1/customers/{customer_id}/timeline",
        "/v1/customers/{customer_id}/notes",
        "/v1/contacts/{contact_id}",
        "/v1/contacts/{contact_id}/consent",
        "/v1/contacts/{contact_id}:export",
        "/v1/contacts/{contact_id}:erase",
        "/v1/opportunities",
        "/v1/opportunities/{opportunity_id}",
        "/v1/opportunities/{opportunity_id}:advance",
        "/v1/opportunities/{opportunity_id}:win",
        "/v1/opportunities/{opportunity_id}:lose",
        "/v1/opportunities/{opportunity_id}:reassign",
        "/v1/opportunities/{opportunity_id}/stage-history",
        "/v1/pipelines",
        "/v1/pipelines/{pipeline_id}",
        "/v1/pipelines/{pipeline_id}/stages",
        "/v1/stage-gates/{stage_id}",
        "/v1/stage-gates/{stage_id}/versions",
        "/v1/quotes",
        "/v1/quotes/{quote_id}",
        "/v1/quotes/{quote_id}:submit",
        "/v1/quotes/{quote_id}:approve",
        "/v1/quotes/{quote_id}:reject",
        "/v1/quotes/{quote_id}:accept",
        "/v1/quotes/{quote_id}:revise",
        "/v1/discount-authority",
        "/v1/discount-authority/{role}",
        "/v1/contracts",
        "/v1/contracts/{contract_id}",
        "/v1/contracts/{contract_id}:cancel",
        "/v1/contracts/{contract_id}:renew",
        "/v1/activities",
        "/v1/activities/{activity_id}",
        "/v1/activities/{activity_id}:complete",
        "/v1/cases",
        "/v1/cases/{case_id}",
        "/v1/cases/{case_id}:assign",
        "/v1/cases/{case_id}:start",
        "/v1/cases/{case_id}:resolve",
        "/v1/cases/{case_id}:close",
        "/v1/cases/{case_id}:reopen",
        "/v1/case-sla-policies/{region}",
        "/v1/pipeline-analytics/funnel",
        "/v1/pipeline-analytics/win-rate",
        "/v1/pipeline-analytics/deal-metrics",
        "/v1/pipeline-analytics/time-in-stage",
        "/v1/pipeline-analytics/win-loss",
        "/v1/surveys",
        "/v1/surveys:import",
        "/v1/nps",
        "/v1/customers/{customer_id}/health",
        "/v1/customer-health",
        "/v1/plans",
        "/v1/plans/{plan_id}",
        "/v1/plans/{plan_id}:submit",
        "/v1/plans/{plan_id}:approve",
        "/v1/plans/{plan_id}:reject",
        "/v1/plans/{plan_id}:activate",
        "/v1/plans/{plan_id}:close",
        "/v1/plans/{plan_id}:amend",
        "/v1/plans/{plan_id}/targets",
        "/v1/targets/{target_id}:allocate",
        "/v1/org-units",
        "/v1/org-units/{unit_id}",
        "/v1/reps",
        "/v1/reps/{rep_id}",
        "/v1/reps/{rep_id}:assign",
        "/v1/reps/{rep_id}:leave",
        "/v1/reps/{rep_id}/overview",
        "/v1/regions/{region}/dashboard",
        "/v1/regions/{region}/report",
        "/v1/territories",
        "/v1/territories/coverage",
        "/v1/territories/{territory_id}",
        "/v1/attainment",
        "/v1/attainment:checkpoint",
        "/v1/fx-rates",
        "/v1/fx-rates/{period}/{from_currency}/{to_currency}",
        "/v1/targets/{target_id}/roll-up",
        "/v1/targets/{target_id}:adjust-allocation",
        "/v1/forecasts",
        "/v1/forecasts/{forecast_id}",
        "/v1/forecasts/{forecast_id}/versions",
        "/v1/forecasts/{forecast_id}:adjust",
        "/v1/forecasts:roll-up",
        "/v1/weighted-pipeline",
        "/v1/market-segments",
        "/v1/market-segments/{segment_id}",
        "/v1/territories/{territory_id}/market-share",
        "/v1/competitors",
        "/v1/competitors/{competitor_id}",
        "/v1/competitors/{competitor_id}:archive",
        "/v1/intel",
        "/v1/intel/{intel_id}",
        "/v1/reviews",
        "/v1/reviews/{review_id}",
        "/v1/reviews/{review_id}/actions",
        "/v1/reviews/{review_id}:close",
        "/v1/reviews/{review_id}:refresh",
        "/v1/improvement-actions",
        "/v1/improvement-actions/{action_id}",
        "/v1/commission-plans",
        "/v1/commission-plans/{plan_id}",
        "/v1/commission-plans/{plan_id}:amend",
        "/v1/commission-plans/{plan_id}:approve",
        "/v1/commission-statements",
        "/v1/commission-statements/{statement_id}",
        "/v1/commission-statements:calculate",
        "/v1/credits",
        "/v1/credits:summary",
        "/v1/disputes",
        "/v1/disputes/{dispute_id}:resolve",
        "/v1/evaluations",
        "/v1/evaluations/{evaluation_id}",
        "/v1/evaluations/{evaluation_id}:acknowledge",
        "/v1/evaluations/{evaluation_id}:appeal",
        "/v1/evaluations/{evaluation_id}:resolve",
        "/v1/evaluations/{evaluation_id}:share",
        "/v1/evaluations:calibrate",
        "/v1/facts",
        "/v1/inspection-reports",
        "/v1/inspection-rules",
        "/v1/inspection-rules/{rule}",
        "/v1/inspections",
        "/v1/inspections/{inspection_id}",
        "/v1/inspections:run",
        "/v1/kpis",
        "/v1/kpis/{kpi_set_id}",
        "/v1/kpis:effective",
        "/v1/leaderboards",
        "/v1/penalties",
        "/v1/penalties/{incentive_id}",
        "/v1/penalties/{incentive_id}:approve",
        "/v1/penalties/{incentive_id}:reject",
        "/v1/rewards",
        "/v1/rewards/{incentive_id}",
        "/v1/rewards/{incentive_id}:approve",
        "/v1/rewards/{incentive_id}:reject",
        "/v1/scorecards",
        "/v1/scorecards/{rep_id}/{period_code}",
        "/v1/scorecards:detect-gaps",
        "/v1/scorecards:publish",
        "/v1/violations",
        "/v1/violations/{violation_id}",
        "/v1/violations/{violation_id}:dismiss",
        "/v1/assessments",
        "/v1/assessments/{assessment_id}",
        "/v1/assessments/{assessment_id}/attempts",
        "/v1/assessments/{assessment_id}:submit",
        "/v1/assignment-rules",
        "/v1/assignment-rules/{rule_id}",
        "/v1/certifications",
        "/v1/certifications/{certification_id}",
        "/v1/certifications/{certification_id}:revoke",
        "/v1/certifications:grant",
        "/v1/certifications:run-expiry",
        "/v1/coaching-actions/{action_id}:complete",
        "/v1/coaching-sessions",
        "/v1/coaching-sessions/{session_id}",
        "/v1/coaching-sessions/{session_id}/actions",
        "/v1/courses",
        "/v1/courses/{course_id}",
        "/v1/courses/{course_id}:retire",
        "/v1/enrollments",
        "/v1/enrollments/{enrollment_id}",
        "/v1/enrollments/{enrollment_id}:complete",
        "/v1/enrollments/{enrollment_id}:progress",
        "/v1/enrollments/{enrollment_id}:start",
        "/v1/enrollments/{enrollment_id}:waive",
        "/v1/enrollments:self-enroll",
        "/v1/learning-paths",
        "/v1/learning-paths/{path_id}",
        "/v1/learning-paths/{path_id}:retire",
        "/v1/readiness",
        "/v1/required-certifications",
        "/v1/skill-profiles",
        "/v1/skill-profiles/{profile_id}",
    }
    assert document["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["HTTPBearer"]["description"],
    }
    create = document["paths"]["/v1/leads"]["post"]
    assert create["security"] == [{"HTTPBearer": []}]
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Lead"
    }
    assert "application/problem+json" in create["responses"]["400"]["content"]
    assert "security" not in document["paths"]["/healthz"]["get"]
    status = document["components"]["schemas"]["Lead"]["properties"]["status"]
    assert status["enum"] == ["unspecified", "new", "qualified", "disqualified", "converted"]
    assert client.get("/docs").status_code == 200


def test_an_unexpected_exception_is_a_500_problem_without_a_trace(
    settings: GatewaySettings,
) -> None:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret stack detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "req-500"
    body = response.json()
    assert body["type"] == "urn:salesops:problem:internal"
    assert body["request_id"] == "req-500"
    assert "secret" not in response.text
    assert "Traceback" not in response.text


def test_an_unusable_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert len(response.headers["x-request-id"]) == 36


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_gateway_drains_in_flight_requests_and_exits_0_on_sigterm(
    gateway_env: dict[str, str], bearer: Headers, pipeline_upstream: Upstream
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        **gateway_env,
        "SALESOPS_GATEWAY_HOST": "127.0.0.1",
        "SALESOPS_GATEWAY_PORT": str(port),
        "SALESOPS_SHUTDOWN_GRACE_SECONDS": "5",
    }
    code = "from gateway.app import run_gateway; raise SystemExit(run_gateway())"
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                ready = httpx.get(f"{base}/readyz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "gateway exited during start-up"
                assert time.monotonic() < deadline, "gateway did not start"
                time.sleep(0.05)
        assert ready.status_code == 200, ready.text

        # A request still waiting on its upstream when SIGTERM arrives completes.
        pipeline_upstream.recorder.failures["ListLeads"] = lambda context: time.sleep(0.5)
        with ThreadPoolExecutor(max_workers=1) as pool:
            in_flight = pool.submit(httpx.get, f"{base}/v1/leads", headers=bearer(), timeout=5)
            wait_until(lambda: bool(pipeline_upstream.recorder.calls))
            process.send_signal(signal.SIGTERM)
            assert in_flight.result().status_code == 200
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    logs = process.stderr.read().decode() if process.stderr else ""
    # Structured logs: one JSON access line per request, carrying its request id.
    assert '"route": "/v1/leads"' in logs and '"request_id"' in logs
