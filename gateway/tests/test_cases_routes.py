"""`/v1/cases` and `/v1/case-sla-policies` end to end: HTTP in, the real CaseService
(on SQLite) behind real gRPC, JSON or problem+json out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.kit.db import Database
from services.kit.grpc_server import ApiServer
from services.pipeline.api import analytics as analytics_api
from services.pipeline.api import cases as cases_api
from services.pipeline.models.cases import CaseRecord
from services.pipeline.tests.test_analytics_api import build_dataset
from services.pipeline.tests.test_cases_api import seed_case_references

from .conftest import Upstream

Headers = Callable[..., dict[str, str]]
NEW_CASE = {
    "region": "EMEA",
    "customer_id": "cus-1",
    "contract_id": "con-9",
    "type": "incident",
    "priority": "high",
    "subject": "Invoices are not generated",
}


@pytest.fixture
def pipeline_db(tmp_path: Any, migrated: Callable[[str, str], Database]) -> Database:
    db = migrated("pipeline", f"sqlite:///{tmp_path / 'pipeline.db'}")
    seed_case_references(db)
    build_dataset(db)
    return db


@pytest.fixture
def pipeline_api(pipeline_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The pipeline's case and analytics services on an ephemeral port (fiscal year: April)."""
    monkeypatch.setenv("SALESOPS_FISCAL_YEAR_START_MONTH", "4")
    server = ApiServer(
        "pipeline",
        lambda s: [*cases_api.register(s, pipeline_db), *analytics_api.register(s, pipeline_db)],
        pipeline_db.ping,
        port=0,
        host="127.0.0.1",
    )
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop(grace=1)


@pytest.fixture
def gateway_env(pipeline_api: str, customers_upstream: Upstream) -> dict[str, str]:
    return {
        "SALESOPS_PIPELINE_TARGET": pipeline_api,
        "SALESOPS_CUSTOMERS_TARGET": customers_upstream.target,
        "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30",  # loaded CI machines
    }


def manager(bearer: Headers) -> dict[str, str]:
    return bearer(roles=("manager",), regions=("EMEA",), subject="mgr-1")


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}"
    return body


def open_case(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post("/v1/cases", json={**NEW_CASE, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_open_is_201_with_location_and_proto_shaped_json(
    client: TestClient, bearer: Headers
) -> None:
    response = client.post("/v1/cases", json=NEW_CASE, headers=manager(bearer))
    assert response.status_code == 201, response.text
    case = response.json()
    assert response.headers["location"] == f"/v1/cases/{case['case_id']}"
    assert (case["type"], case["priority"], case["status"]) == ("incident", "high", "open")
    assert case["satisfaction_score"] is None and case["sla_breach_time"] is None
    assert case["sla_hours"] == 24 and case["overdue"] is False
    opened = datetime.fromisoformat(case["audit"]["create_time"])
    assert datetime.fromisoformat(case["due_time"]) - opened == timedelta(hours=24)
    assert case["audit"]["created_by"] == "mgr-1"
    again = client.get(f"/v1/cases/{case['case_id']}", headers=manager(bearer))
    assert again.json() == case


def test_the_life_of_a_case_and_a_refused_move(client: TestClient, bearer: Headers) -> None:
    headers = manager(bearer)
    case_id = open_case(client, headers)["case_id"]
    started = client.post(f"/v1/cases/{case_id}:start", headers=headers).json()
    assert started["status"] == "in_progress" and started["assignee_id"] == "mgr-1"
    resolved = client.post(
        f"/v1/cases/{case_id}:resolve",
        json={"resolution_note": "restarted the job", "satisfaction_score": 5},
        headers=headers,
    ).json()
    assert resolved["status"] == "resolved" and resolved["satisfaction_score"] == 5
    reopened = client.post(
        f"/v1/cases/{case_id}:reopen", json={"reason": "failed again"}, headers=headers
    ).json()
    assert reopened["status"] == "in_progress" and reopened["satisfaction_score"] is None
    assert reopened["reopen_count"] == 1
    client.post(f"/v1/cases/{case_id}:resolve", json={"resolution_note": "ok"}, headers=headers)
    closed = client.post(f"/v1/cases/{case_id}:close", json={}, headers=headers)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    body = problem(
        client.post(f"/v1/cases/{case_id}:reopen", json={"reason": "x"}, headers=headers),
        422,
        "failed-precondition",
    )
    assert body["violations"] == [
        {
            "type": "STATE",
            "subject": f"cases/{case_id}",
            "description": (
                "a closed case cannot be reopened; only a case that is resolved can "
                "(resolved -> in_progress)"
            ),
        }
    ]


def test_resolution_input_is_checked(client: TestClient, bearer: Headers) -> None:
    headers = manager(bearer)
    case_id = open_case(client, headers)["case_id"]
    client.post(f"/v1/cases/{case_id}:start", headers=headers)
    too_happy = client.post(
        f"/v1/cases/{case_id}:resolve",
        json={"resolution_note": "done", "satisfaction_score": 6},
        headers=headers,
    )
    assert [e["field"] for e in problem(too_happy, 400, "invalid-argument")["errors"]] == [
        "satisfaction_score"
    ]
    no_note = client.post(
        f"/v1/cases/{case_id}:resolve", json={"resolution_note": " "}, headers=headers
    )
    assert problem(no_note, 400, "invalid-argument")["errors"] == [
        {"field": "resolution_note", "description": "is required"}
    ]
    unknown = client.post(
        "/v1/cases",
        json={**NEW_CASE, "customer_id": "cus-nobody", "contract_id": ""},
        headers=headers,
    )
    assert problem(unknown, 400, "invalid-argument")["errors"] == [
        {"field": "customer_id", "description": "is not a customer of region EMEA"}
    ]
    bad_priority = client.post("/v1/cases", json={**NEW_CASE, "priority": "p0"}, headers=headers)
    assert problem(bad_priority, 400, "invalid-argument")["errors"][0]["field"] == "priority"


def test_list_filters_overdue_and_scope(
    client: TestClient, bearer: Headers, pipeline_db: Database
) -> None:
    headers = manager(bearer)
    urgent = open_case(client, headers, priority="urgent", assignee_id="rep-1")
    normal = open_case(client, headers, priority="normal", customer_id="cus-2", contract_id="")
    with pipeline_db.transaction() as session:
        session.execute(
            sa.update(CaseRecord)
            .where(CaseRecord.case_id == urgent["case_id"])
            .values(due_at=datetime.now(UTC) - timedelta(minutes=5))
        )

    def listed(**query: Any) -> list[str]:
        response = client.get("/v1/cases", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return [case["case_id"] for case in response.json()["cases"]]

    assert listed() == [normal["case_id"], urgent["case_id"]]
    assert listed(overdue="true") == [urgent["case_id"]]
    assert listed(priority="normal") == [normal["case_id"]]
    assert listed(status="open", assignee_id="rep-1") == [urgent["case_id"]]
    assert listed(customer_id="cus-2") == [normal["case_id"]]
    assert listed(status="closed") == []
    overdue = client.get("/v1/cases", params={"overdue": "true"}, headers=headers).json()
    assert overdue["cases"][0]["overdue"] is True and overdue["next_page_token"] == ""
    problem(
        client.get("/v1/cases", params={"status": "done"}, headers=headers), 400, "invalid-argument"
    )

    rep = bearer(roles=("rep",), regions=("EMEA",), subject="rep-1")
    assert [c["case_id"] for c in client.get("/v1/cases", headers=rep).json()["cases"]] == [
        urgent["case_id"]
    ]
    problem(client.get(f"/v1/cases/{normal['case_id']}", headers=rep), 404, "not-found")
    apac = bearer(roles=("manager",), regions=("APAC",), subject="mgr-2")
    problem(client.get(f"/v1/cases/{urgent['case_id']}", headers=apac), 404, "not-found")
    problem(client.post(f"/v1/cases/{urgent['case_id']}:start", headers=apac), 404, "not-found")
    executive = bearer(roles=("executive",), regions=("EMEA",), subject="ceo")
    assert len(client.get("/v1/cases", headers=executive).json()["cases"]) == 2
    problem(client.post("/v1/cases", json=NEW_CASE, headers=executive), 403, "permission-denied")


def test_sla_policies_read_and_set_by_an_admin(client: TestClient, bearer: Headers) -> None:
    admin = bearer(roles=("admin",), regions=("EMEA",), subject="adm-1")
    defaults = client.get("/v1/case-sla-policies/EMEA", headers=manager(bearer))
    assert defaults.status_code == 200, defaults.text
    assert defaults.json()["targets"] == [
        {"priority": "urgent", "resolution_hours": 4, "overridden": False},
        {"priority": "high", "resolution_hours": 24, "overridden": False},
        {"priority": "normal", "resolution_hours": 72, "overridden": False},
        {"priority": "low", "resolution_hours": 168, "overridden": False},
    ]
    assert defaults.json()["update_time"] is None
    body = {"targets": [{"priority": "high", "resolution_hours": 8}]}
    problem(
        client.put("/v1/case-sla-policies/EMEA", json=body, headers=manager(bearer)),
        403,
        "permission-denied",
    )
    updated = client.put("/v1/case-sla-policies/EMEA", json=body, headers=admin)
    assert updated.status_code == 200, updated.text
    assert updated.json()["targets"][1] == {
        "priority": "high",
        "resolution_hours": 8,
        "overridden": True,
    }
    assert updated.json()["updated_by"] == "adm-1"
    assert open_case(client, manager(bearer))["sla_hours"] == 8
    twice = {"targets": [{"priority": "low", "resolution_hours": 9}] * 2}
    errors = problem(
        client.put("/v1/case-sla-policies/EMEA", json=twice, headers=admin),
        400,
        "invalid-argument",
    )["errors"]
    assert errors == [
        {"field": "targets[1].priority", "description": "low is listed more than once"}
    ]
    problem(
        client.put(
            "/v1/case-sla-policies/EMEA",
            json={"targets": [{"priority": "low", "resolution_hours": 0}]},
            headers=admin,
        ),
        400,
        "invalid-argument",
    )
    problem(client.get("/v1/case-sla-policies/APAC", headers=admin), 404, "not-found")
