"""`/v1/surveys`, `/v1/nps`, `/v1/customers/{id}/health` and `/v1/customer-health` end to
end: HTTP in, the real SatisfactionService (on SQLite) behind real gRPC, JSON or problem+json
out. The fiscal year starts in April."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nameko.testing.services import worker_factory

from services.customers.api import satisfaction as satisfaction_api
from services.customers.tests.satisfaction_support import open_account
from services.customers.worker import Worker
from services.kit.db import Database, utcnow
from services.kit.grpc_server import ApiServer

from .conftest import Upstream

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def customers_db(tmp_path: Any, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("customers", f"sqlite:///{tmp_path / 'customers.db'}")


@pytest.fixture
def accounts(customers_db: Database) -> dict[str, str]:
    worker = worker_factory(Worker, db=customers_db)
    return {
        "one": open_account(worker, customers_db, "One GmbH", owner_id="rep-1"),
        "two": open_account(worker, customers_db, "Two GmbH", owner_id="rep-2"),
        "apac": open_account(worker, customers_db, "Asia Ltd", region="APAC", owner_id="rep-9"),
    }


@pytest.fixture
def customers_api(customers_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The customers' SatisfactionService on an ephemeral port (fiscal year from April)."""
    monkeypatch.setenv("SALESOPS_FISCAL_YEAR_START_MONTH", "4")
    server = ApiServer(
        "customers",
        lambda s: satisfaction_api.register(s, customers_db),
        customers_db.ping,
        port=0,
        host="127.0.0.1",
    )
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop(grace=1)


@pytest.fixture
def gateway_env(customers_api: str, pipeline_upstream: Upstream) -> dict[str, str]:
    return {
        "SALESOPS_PIPELINE_TARGET": pipeline_upstream.target,
        "SALESOPS_CUSTOMERS_TARGET": customers_api,
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


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_record_a_response_and_list_it(
    client: TestClient, bearer: Headers, accounts: dict[str, str]
) -> None:
    body = {
        "customer_id": accounts["one"],
        "kind": "nps",
        "score": 9,
        "channel": "email",
        "comment": "Quick and friendly",
        "responded_at": "2026-05-02T10:00:00Z",
        "external_id": "tf-1",
    }
    created = ok(client.post("/v1/surveys", json=body, headers=manager(bearer)), 201)
    assert (created["kind"], created["score"], created["nps_category"]) == ("nps", 9, "promoter")
    assert (created["channel"], created["source"]) == ("email", "api")
    assert created["responded_at"] == "2026-05-02T10:00:00Z"
    csat = ok(
        client.post(
            "/v1/surveys",
            json={"customer_id": accounts["one"], "kind": "csat", "score": 4},
            headers=manager(bearer),
        ),
        201,
    )
    assert csat["nps_category"] is None and csat["channel"] == "web"

    again = client.post("/v1/surveys", json=body, headers=manager(bearer))
    problem(again, 409, "already-exists")
    too_high = client.post(
        "/v1/surveys", json={**body, "score": 11, "external_id": ""}, headers=manager(bearer)
    )
    assert problem(too_high, 400, "invalid-argument")["errors"] == [
        {"field": "score", "description": "must be 0 to 10 for a nps response"}
    ]
    missing = client.post("/v1/surveys", json={"customer_id": "x"}, headers=manager(bearer))
    problem(missing, 400, "invalid-argument")
    apac = client.post(
        "/v1/surveys",
        json={"customer_id": accounts["apac"], "kind": "csat", "score": 4},
        headers=manager(bearer),
    )
    problem(apac, 404, "not-found")
    rep_2 = bearer(roles=("rep",), regions=("EMEA",), subject="rep-2")
    problem(
        client.post(
            "/v1/surveys",
            json={"customer_id": accounts["one"], "kind": "csat", "score": 4},
            headers=rep_2,
        ),
        404,
        "not-found",
    )

    listed = ok(client.get("/v1/surveys", params={"kind": "nps"}, headers=manager(bearer)))
    assert [r["response_id"] for r in listed["responses"]] == [created["response_id"]]
    assert listed["next_page_token"] == ""
    assert ok(client.get("/v1/surveys", headers=rep_2))["responses"] == []
    problem(client.get("/v1/surveys?kind=ces", headers=manager(bearer)), 400, "invalid-argument")


def test_import_json_rows_each_with_its_result(
    client: TestClient, bearer: Headers, accounts: dict[str, str]
) -> None:
    rows = [
        {"customer_id": accounts["one"], "kind": "nps", "score": 10},
        {"customer_id": accounts["one"], "kind": "nps", "score": "ten"},
        "not a row",
        {"customer_id": accounts["two"], "kind": "csat", "score": 5, "external_id": "e-1"},
        {"customer_id": accounts["two"], "kind": "csat", "score": 1, "external_id": "e-1"},
        {"customer_id": accounts["apac"], "kind": "csat", "score": 3},
        {"customer_id": accounts["two"], "kind": "csat", "score": 3, "colour": "blue"},
    ]
    result = ok(client.post("/v1/surveys:import", json={"rows": rows}, headers=manager(bearer)))
    assert (result["recorded"], result["duplicates"], result["invalid"]) == (2, 1, 4)
    assert [(r["row"], r["outcome"]) for r in result["results"]] == [
        (1, "recorded"),
        (2, "invalid"),
        (3, "invalid"),
        (4, "recorded"),
        (5, "duplicate"),
        (6, "invalid"),
        (7, "invalid"),
    ]
    by_row = {r["row"]: r for r in result["results"]}
    assert by_row[2]["errors"] == [{"field": "score", "description": "must be a whole number"}]
    assert by_row[5]["duplicate_of_row"] == 4
    assert by_row[6]["errors"][0]["field"] == "customer_id"
    assert by_row[7]["errors"][0]["field"] == "colour"
    bad = client.post(
        "/v1/surveys:import",
        content=b'{"rows": 3}',
        headers={**manager(bearer), "Content-Type": "application/json"},
    )
    problem(bad, 400, "invalid-argument")


def test_import_a_csv_file(client: TestClient, bearer: Headers, accounts: dict[str, str]) -> None:
    one, two = accounts["one"], accounts["two"]
    body = (
        "\ufeffCustomer ID,Kind,Score,Channel,Responded At,Comment\r\n"
        f"{one},NPS,8,phone,2026-05-01T09:00:00Z,ok\r\n"
        f"{two},csat,9,,,too high\r\n"
        "\r\n"
        f'{two},csat,4,,2026-05-03,"fine, thanks"\r\n'
        f"{two},ces,4,,,\r\n"
    ).encode()
    response = client.post(
        "/v1/surveys:import",
        content=body,
        headers={**manager(bearer), "Content-Type": "text/csv; charset=utf-8"},
    )
    result = ok(response)
    assert [(r["row"], r["outcome"]) for r in result["results"]] == [
        (2, "recorded"),
        (3, "invalid"),
        (5, "recorded"),
        (6, "invalid"),
    ]
    assert result["results"][1]["errors"] == [
        {"field": "score", "description": "must be 1 to 5 for a csat response"}
    ]
    assert result["results"][3]["errors"] == [
        {"field": "kind", "description": "must be csat or nps"}
    ]
    listed = ok(client.get("/v1/surveys", params={"customer_id": two}, headers=manager(bearer)))
    assert [r["comment"] for r in listed["responses"]] == ["fine, thanks"]

    multipart = client.post(
        "/v1/surveys:import",
        files={"file": ("s.csv", f"customer_id,kind,score\n{one},csat,5\n".encode(), "text/csv")},
        headers=manager(bearer),
    )
    assert ok(multipart)["recorded"] == 1
    no_score = client.post(
        "/v1/surveys:import",
        content=f"customer_id,kind\n{one},csat\n".encode(),
        headers={**manager(bearer), "Content-Type": "text/csv"},
    )
    assert problem(no_score, 400, "invalid-argument")["errors"][0]["field"] == "header"
    executive = bearer(roles=("executive",), regions=("EMEA",), subject="ceo")
    problem(
        client.post("/v1/surveys:import", json={"rows": []}, headers=executive),
        403,
        "permission-denied",
    )


def test_nps_figures(client: TestClient, bearer: Headers, accounts: dict[str, str]) -> None:
    headers = manager(bearer)
    for customer, kind, score, when in (
        (accounts["one"], "nps", 10, "2026-04-01T00:00:00Z"),
        (accounts["one"], "nps", 9, "2026-05-01T00:00:00Z"),
        (accounts["two"], "nps", 7, "2026-06-01T00:00:00Z"),
        (accounts["two"], "nps", 2, "2026-07-01T00:00:00Z"),
        (accounts["two"], "csat", 4, "2026-04-15T00:00:00Z"),
        (accounts["one"], "csat", 5, "2026-04-16T00:00:00Z"),
    ):
        body = {"customer_id": customer, "kind": kind, "score": score, "responded_at": when}
        ok(client.post("/v1/surveys", json=body, headers=headers), 201)
    q1 = ok(client.get("/v1/nps", params={"period": "FY2027-Q1"}, headers=headers))
    assert q1["period"] == {
        "code": "FY2027-Q1",
        "starts_at": "2026-04-01T00:00:00Z",
        "ends_at": "2026-07-01T00:00:00Z",
    }
    assert q1["total"] == {
        "key": "",
        "nps_responses": 3,
        "promoters": 2,
        "passives": 1,
        "detractors": 0,
        "nps_bp": 6_667,  # (2 - 0) / 3 = +66.67
        "csat_responses": 2,
        "csat_score_sum": 9,
        "csat_average_hundredths": 450,
        "csat_satisfied": 2,
        "csat_satisfied_bp": 10_000,
    }
    by_period = ok(
        client.get("/v1/nps", params={"period": "FY2027", "group_by": "period"}, headers=headers)
    )
    assert [(g["key"], g["nps_bp"]) for g in by_period["groups"]] == [
        ("FY2027-Q1", 6_667),
        ("FY2027-Q2", -10_000),
        ("FY2027-Q3", None),
        ("FY2027-Q4", None),
    ]
    rep = bearer(roles=("rep",), regions=("EMEA",), subject="rep-2")
    mine = ok(client.get("/v1/nps", params={"period": "FY2027"}, headers=rep))
    assert mine["own_accounts_only"] is True
    assert mine["total"]["nps_bp"] == -5_000  # a passive and a detractor: (0 - 1) / 2
    apac = bearer(roles=("manager",), regions=("APAC",), subject="mgr-2")
    assert ok(client.get("/v1/nps?period=FY2027", headers=apac))["total"]["nps_responses"] == 0
    missing = client.get("/v1/nps", headers=headers)
    assert problem(missing, 400, "invalid-argument")["errors"][0]["field"] == "period"
    malformed = client.get("/v1/nps?period=2027", headers=headers)
    assert problem(malformed, 400, "invalid-argument")["errors"][0]["field"] == "period"
    problem(
        client.get("/v1/nps?period=FY2027&group_by=colour", headers=headers),
        400,
        "invalid-argument",
    )


def test_health_of_an_account_and_the_at_risk_list(
    client: TestClient, bearer: Headers, accounts: dict[str, str]
) -> None:
    headers = manager(bearer)
    for score in (1, 1):
        body = {"customer_id": accounts["two"], "kind": "csat", "score": score}
        ok(client.post("/v1/surveys", json=body, headers=headers), 201)
    ok(
        client.post(
            "/v1/surveys",
            json={"customer_id": accounts["two"], "kind": "nps", "score": 0},
            headers=headers,
        ),
        201,
    )
    health = ok(client.get(f"/v1/customers/{accounts['two']}/health", headers=headers))
    assert [(f["factor"], f["points"], f["max_points"]) for f in health["factors"]] == [
        ("satisfaction", 0, 25),
        ("nps", 0, 20),
        ("cases", 20, 20),
        ("recency", 0, 15),
        ("revenue_trend", 8, 20),
    ]
    assert (health["score"], health["band"]) == (28, "at_risk")
    assert health["factors"][0]["reason"] == (
        "average CSAT 1.00 of 5 over 2 responses in the last 180 days: very dissatisfied"
    )
    assert health["loyalty"] == {
        "tier": "none",
        "relationship_years": 0,
        "reason": "no active contract",
        "since": None,
    }
    assert health["band_since"] is not None  # recording the answers stored the assessment
    assessed = health["assessed_at"]
    assert abs(utcnow() - _parse(assessed)) < timedelta(minutes=1)

    rep_1 = bearer(roles=("rep",), regions=("EMEA",), subject="rep-1")
    problem(client.get(f"/v1/customers/{accounts['two']}/health", headers=rep_1), 404, "not-found")
    at_risk = ok(client.get("/v1/customer-health", params={"band": "at_risk"}, headers=headers))
    assert [h["customer_id"] for h in at_risk["health"]] == [accounts["two"]]
    assert at_risk["health"][0]["factors"][0]["factor"] == "satisfaction"
    assert ok(client.get("/v1/customer-health", headers=rep_1))["health"] == []
    problem(client.get("/v1/customer-health?band=sick", headers=headers), 400, "invalid-argument")


def _parse(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))
