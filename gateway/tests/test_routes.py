"""Routes end to end: HTTP in, real gRPC to fake servicers, JSON or problem+json out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from fastapi.testclient import TestClient
from google.protobuf.duration_pb2 import Duration
from google.rpc import error_details_pb2
from salesops.pipeline.v1 import pipeline_pb2

from gateway.app import create_app
from gateway.settings import GatewaySettings

from .conftest import Upstream, abort_rich

Headers = Callable[..., dict[str, str]]
NEW_LEAD = {
    "region": "emea",
    "company_name": "Acme GmbH",
    "contact_name": "Ada Lovelace",
    "contact_email": "ada@acme.example",
    "country": "DE",
    "source": "web",
}


def _create(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/v1/leads", json=NEW_LEAD, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}"
    assert body["status"] == status
    assert body["instance"] == response.request.url.path
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_create_lead_is_201_with_location_and_proto_shaped_json(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    response = client.post("/v1/leads", json=NEW_LEAD, headers=bearer())
    assert response.status_code == 201, response.text
    lead = response.json()
    assert response.headers["location"] == f"/v1/leads/{lead['lead_id']}"
    assert lead["status"] == "new"
    assert lead["company_name"] == "Acme GmbH"
    assert lead["owner_id"] == "rep-1"  # the fake defaults it to the caller
    assert lead["qualify_time"] is None
    assert lead["audit"] == {
        "create_time": "2026-01-01T00:00:00Z",
        "created_by": "rep-1",
        "update_time": None,
        "updated_by": "",
    }
    sent = pipeline_upstream.recorder.last.request
    assert sent.contact_email == "ada@acme.example"
    assert sent.owner_id == ""


def test_identity_and_request_id_reach_the_service_and_come_back(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    headers = bearer(roles=("director",), regions=("emea", "apac"), subject="dir-7")
    headers["X-Request-ID"] = "req-abc-123"
    response = client.get("/v1/leads", headers=headers)
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-abc-123"
    metadata = pipeline_upstream.recorder.last.metadata
    assert metadata["x-salesops-subject"] == "dir-7"
    assert metadata["x-salesops-roles"] == "director"
    assert metadata["x-salesops-regions"] == "apac,emea"
    assert metadata["x-request-id"] == "req-abc-123"


def test_a_request_without_an_id_gets_a_fresh_one(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    first = client.get("/v1/leads", headers=bearer()).headers["x-request-id"]
    second = client.get("/v1/leads", headers=bearer()).headers["x-request-id"]
    assert len(first) == 36 and first != second
    assert pipeline_upstream.recorder.last.metadata["x-request-id"] == second


def test_get_lead_and_not_found(client: TestClient, bearer: Headers) -> None:
    lead = _create(client, bearer())
    assert client.get(f"/v1/leads/{lead['lead_id']}", headers=bearer()).json() == lead
    body = _problem(client.get("/v1/leads/nope", headers=bearer()), 404, "not-found")
    assert body["detail"] == "lead 'nope' was not found"


def test_custom_verbs_route_to_their_rpc_with_the_bare_id(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    lead_id = _create(client, bearer())["lead_id"]
    qualified = client.post(f"/v1/leads/{lead_id}:qualify", headers=bearer())
    assert qualified.status_code == 200, qualified.text
    assert qualified.json()["status"] == "qualified"
    assert qualified.json()["qualify_time"] == "2026-01-01T00:00:00Z"
    assert pipeline_upstream.recorder.last.method == "QualifyLead"
    assert pipeline_upstream.recorder.last.request.lead_id == lead_id

    converted = client.post(f"/v1/leads/{lead_id}:convert", json={}, headers=bearer())
    assert converted.json()["status"] == "converted"
    assert pipeline_upstream.recorder.last.request.lead_id == lead_id

    other = _create(client, bearer())["lead_id"]
    response = client.post(
        f"/v1/leads/{other}:disqualify", json={"reason": "no budget"}, headers=bearer()
    )
    assert response.json()["status"] == "disqualified"
    assert response.json()["disqualify_reason"] == "no budget"
    assert pipeline_upstream.recorder.last.request.lead_id == other


def test_an_unknown_verb_is_not_an_rpc(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    response = client.post("/v1/leads/lead-1:teleport", headers=bearer())
    assert response.status_code in (404, 405)
    assert response.headers["content-type"] == "application/problem+json"
    assert pipeline_upstream.recorder.calls == []


def test_rich_invalid_argument_becomes_400_naming_the_fields(
    client: TestClient, bearer: Headers
) -> None:
    lead_id = _create(client, bearer())["lead_id"]
    response = client.post(
        f"/v1/leads/{lead_id}:disqualify", json={"reason": "  "}, headers=bearer()
    )
    body = _problem(response, 400, "invalid-argument")
    assert body["errors"] == [{"field": "reason", "description": "is required"}]
    assert body["detail"] == "invalid argument: reason: is required"


def test_failed_precondition_becomes_422_listing_the_violated_rules(
    client: TestClient, bearer: Headers
) -> None:
    lead_id = _create(client, bearer())["lead_id"]
    body = _problem(
        client.post(f"/v1/leads/{lead_id}:convert", headers=bearer()), 422, "failed-precondition"
    )
    assert body["violations"] == [
        {
            "type": "STATE",
            "subject": f"lead/{lead_id}",
            "description": "only a qualified lead can be converted",
        }
    ]


@pytest.mark.parametrize(
    ("code", "status", "slug"),
    [
        (grpc.StatusCode.PERMISSION_DENIED, 403, "permission-denied"),
        (grpc.StatusCode.ALREADY_EXISTS, 409, "already-exists"),
        (grpc.StatusCode.ABORTED, 409, "aborted"),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, 429, "resource-exhausted"),
        (grpc.StatusCode.UNIMPLEMENTED, 503, "unimplemented"),
        (grpc.StatusCode.INTERNAL, 500, "internal"),
        (grpc.StatusCode.DATA_LOSS, 500, "internal"),
    ],
)
def test_status_codes_map_through_the_one_table(
    client: TestClient,
    bearer: Headers,
    pipeline_upstream: Upstream,
    code: grpc.StatusCode,
    status: int,
    slug: str,
) -> None:
    pipeline_upstream.recorder.failures["ListLeads"] = lambda context: abort_rich(
        context, code, "secret internals at db01:5432"
    )
    body = _problem(client.get("/v1/leads", headers=bearer()), status, slug)
    if status >= 500:
        assert "db01" not in body["detail"]
    else:
        assert body["detail"] == "secret internals at db01:5432"


def test_retry_info_becomes_retry_after(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    retry = error_details_pb2.RetryInfo(retry_delay=Duration(seconds=2, nanos=500_000_000))
    pipeline_upstream.recorder.failures["ListLeads"] = lambda context: abort_rich(
        context, grpc.StatusCode.RESOURCE_EXHAUSTED, "quota of 100 lists a minute used up", retry
    )
    response = client.get("/v1/leads", headers=bearer())
    body = _problem(response, 429, "resource-exhausted")
    assert response.headers["retry-after"] == "3"
    assert body["detail"] == "quota of 100 lists a minute used up"


def test_a_stopped_upstream_is_503_quickly(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    pipeline_upstream.stop()
    began = time.monotonic()
    # "unavailable", not "deadline-exceeded": refused at once, not waited out (2 s deadline).
    body = _problem(client.get("/v1/leads", headers=bearer()), 503, "unavailable")
    assert time.monotonic() - began < 5.0
    assert body["detail"] == "the pipeline service is unavailable; try again shortly"
    assert "127.0.0.1" not in body["detail"]


def test_a_slow_upstream_is_503_at_the_deadline(
    gateway_env: dict[str, str], bearer: Headers, pipeline_upstream: Upstream
) -> None:
    settings = GatewaySettings.from_env(
        {**gateway_env, "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "0.2"}
    )
    release = threading.Event()
    pipeline_upstream.recorder.failures["ListLeads"] = lambda context: release.wait(10)
    try:
        with TestClient(create_app(settings)) as client:
            began = time.monotonic()
            _problem(client.get("/v1/leads", headers=bearer()), 503, "deadline-exceeded")
            # Far inside the 10 s stall; the margin is for a loaded CI machine.
            assert time.monotonic() - began < 5.0
    finally:
        release.set()


def test_list_leads_filters_and_pages(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    for _ in range(3):
        _create(client, bearer())
    response = client.get(
        "/v1/leads",
        params={"region": "emea", "status": "new", "page_size": 2, "page_token": "t0"},
        headers=bearer(),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [lead["lead_id"] for lead in body["leads"]] == ["lead-1", "lead-2"]
    assert body["next_page_token"] == "next"
    sent = pipeline_upstream.recorder.last.request
    assert sent.region == "emea"
    assert sent.status == pipeline_pb2.LEAD_STATUS_NEW
    assert (sent.page.page_size, sent.page.page_token) == (2, "t0")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "won"}, "status"),
        ({"status": "unspecified"}, "status"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 501}, "page_size"),
        ({"page_size": "many"}, "page_size"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(
    client: TestClient,
    bearer: Headers,
    pipeline_upstream: Upstream,
    params: dict[str, Any],
    field: str,
) -> None:
    body = _problem(
        client.get("/v1/leads", params=params, headers=bearer()), 400, "invalid-argument"
    )
    assert [error["field"] for error in body["errors"]] == [field]
    assert pipeline_upstream.recorder.calls == []


def test_bad_bodies_are_400_naming_each_field(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    response = client.post(
        "/v1/leads",
        json={"region": "emea", "company_name": 42, "contact_email": ["x"], "colour": "red"},
        headers=bearer(),
    )
    body = _problem(response, 400, "invalid-argument")
    assert sorted(error["field"] for error in body["errors"]) == [
        "colour",
        "company_name",
        "contact_email",
    ]

    missing = client.post("/v1/leads", json={"region": "emea"}, headers=bearer())
    body = _problem(missing, 400, "invalid-argument")
    assert body["errors"] == [{"field": "company_name", "description": "Field required"}]

    broken = client.post(
        "/v1/leads",
        content=b'{"region": "emea", "company_name": ',
        headers={**bearer(), "Content-Type": "application/json"},
    )
    body = _problem(broken, 400, "invalid-argument")
    assert body["errors"][0]["field"] == "body"
    assert "not valid JSON" in body["errors"][0]["description"]

    no_reason = client.post("/v1/leads/lead-1:disqualify", json={}, headers=bearer())
    assert _problem(no_reason, 400, "invalid-argument")["errors"][0]["field"] == "reason"
    assert pipeline_upstream.recorder.calls == []


def test_an_oversized_body_is_413(client: TestClient, bearer: Headers) -> None:
    huge = {**NEW_LEAD, "industry": "x" * (1024 * 1024 + 1)}
    _problem(client.post("/v1/leads", json=huge, headers=bearer()), 413, "content-too-large")


def test_get_customer_with_contacts(
    client: TestClient, bearer: Headers, customers_upstream: Upstream
) -> None:
    response = client.get("/v1/customers/cus-1", headers=bearer())
    assert response.status_code == 200, response.text
    customer = response.json()
    assert customer["status"] == "active"
    assert customer["source_lead_id"] == "lead-1"
    assert customer["audit"] is None
    assert customer["contacts"] == [
        {
            "contact_id": "c-1",
            "name": "Ada",
            "email": "",
            "phone": "",
            "title": "",
            "create_time": "2026-01-01T00:00:00Z",
        },
        {
            "contact_id": "c-2",
            "name": "Grace",
            "email": "",
            "phone": "",
            "title": "",
            "create_time": None,
        },
    ]
    assert customers_upstream.recorder.last.metadata["x-salesops-subject"] == "rep-1"
    _problem(client.get("/v1/customers/cus-404", headers=bearer()), 404, "not-found")


def test_list_customers(client: TestClient, bearer: Headers, customers_upstream: Upstream) -> None:
    response = client.get(
        "/v1/customers", params={"owner_id": "rep-1", "page_size": 10}, headers=bearer()
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["customer_id"] for c in body["customers"]] == ["cus-1"]
    assert body["next_page_token"] == ""
    sent = customers_upstream.recorder.last.request
    assert (sent.owner_id, sent.page.page_size) == ("rep-1", 10)
