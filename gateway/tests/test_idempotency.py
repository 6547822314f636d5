"""`Idempotency-Key` on POSTs: the real gateway app in front of the REAL pipeline api, with the
gateway's own database (SQLite in a temporary directory; PostgreSQL in the `postgres` tests)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import Row, create_engine, select, text

from gateway.app import create_app
from gateway.idempotency import (
    Answered,
    Claimed,
    IdempotencyStore,
    InFlight,
    RequestTarget,
    StoredResponse,
    idempotency_records,
)
from gateway.settings import GatewaySettings
from gateway.tokens import issue_token
from services.kit.config import ConfigError
from services.kit.db import Database
from services.kit.grpc_server import ApiServer
from services.kit.testing import postgres_database
from services.pipeline import api as pipeline_api
from services.pipeline.tests.leads_support import lead_fields

from .real_pipeline import pipeline_db, pipeline_target

__all__ = ["pipeline_db", "pipeline_target"]

KEY = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
LEADS = "/v1/leads"
CSV_HEADER = "region,company_name,contact_name,contact_email\r\n"
Env = dict[str, str]


def env_for(pipeline: str, database_url: str, **extra: str) -> Env:
    """Gateway settings: the pipeline api at `pipeline`, the gateway's records at `database_url`."""
    return {
        "SALESOPS_PIPELINE_TARGET": pipeline,
        "SALESOPS_CUSTOMERS_TARGET": "127.0.0.1:9",  # never called here
        "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30",  # loaded CI machines
        "SALESOPS_GATEWAY_DATABASE_URL": database_url,
        **extra,
    }


@pytest.fixture
def gateway_db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gateway.db'}"


@pytest.fixture
def env(pipeline_target: str, gateway_db_url: str) -> Env:
    return env_for(pipeline_target, gateway_db_url)


@contextmanager
def gateway(env: Env) -> Iterator[TestClient]:
    """A started gateway app (its lifespan opens the channels and the idempotency store)."""
    with TestClient(
        create_app(GatewaySettings.from_env(env)), raise_server_exceptions=False
    ) as client:
        yield client


@pytest.fixture
def client(env: Env) -> Iterator[TestClient]:
    with gateway(env) as test_client:
        yield test_client


def bearer(subject: str = "mgr-1", role: str = "manager") -> dict[str, str]:
    # Every test gateway verifies with the development secret.
    token = issue_token(subject, [role], ["EMEA"], settings=GatewaySettings.from_env({}))
    return {"Authorization": f"Bearer {token}"}


def keyed(key: str, subject: str = "mgr-1") -> dict[str, str]:
    return {**bearer(subject), KEY: key}


def new_lead() -> dict[str, Any]:
    # allow_duplicate: only the key, not the service's duplicate check, may stop a second lead.
    return lead_fields(allow_duplicate=True)


def leads_named(client: TestClient, company_name: str) -> list[dict[str, Any]]:
    response = client.get(LEADS, params={"page_size": 500}, headers=bearer())
    assert response.status_code == 200, response.text
    return [lead for lead in response.json()["leads"] if lead["company_name"] == company_name]


def problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def records(database_url: str) -> list[Row[Any]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(idempotency_records)))
    finally:
        engine.dispose()


def counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


# --- the contract ----------------------------------------------------------------------------


def test_a_retried_create_gets_the_first_answer_and_creates_one_lead(
    client: TestClient, gateway_db_url: str
) -> None:
    fields = new_lead()
    replays = counter("salesops_gateway_idempotent_replays_total")
    handled = {"method": "POST", "route": LEADS, "code": "201"}
    created_before = counter("salesops_http_server_handled_total", **handled)

    first = client.post(LEADS, json=fields, headers=keyed("create-1"))
    assert first.status_code == 201, first.text
    assert REPLAYED not in first.headers
    again = client.post(LEADS, json=fields, headers=keyed("create-1"))

    assert again.status_code == 201, again.text
    assert again.headers[REPLAYED] == "true"
    assert again.content == first.content
    for header in ("content-type", "location", "etag"):
        assert again.headers.get(header) == first.headers.get(header)
    assert again.headers["location"] == f"{LEADS}/{first.json()['lead_id']}"
    # The replay is a request of its own: its own id, the first answer's body.
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert [lead["lead_id"] for lead in leads_named(client, fields["company_name"])] == [
        first.json()["lead_id"]
    ]
    assert counter("salesops_gateway_idempotent_replays_total") == replays + 1
    # Counted under its route, like the first, not as an unmatched path.
    assert counter("salesops_http_server_handled_total", **handled) == created_before + 2
    [row] = records(gateway_db_url)
    assert (row.subject, row.idempotency_key, row.status_code) == ("mgr-1", "create-1", 201)
    assert row.body_sha256 == hashlib.sha256(first.request.content).hexdigest()


def test_without_a_key_a_retry_creates_a_second_lead(
    client: TestClient, gateway_db_url: str
) -> None:
    fields = new_lead()
    first = client.post(LEADS, json=fields, headers=bearer())
    second = client.post(LEADS, json=fields, headers=bearer())
    assert (first.status_code, second.status_code) == (201, 201)
    assert REPLAYED not in second.headers
    assert len(leads_named(client, fields["company_name"])) == 2
    assert records(gateway_db_url) == []


def test_the_same_key_for_another_request_is_422_and_creates_nothing(
    client: TestClient,
) -> None:
    fields = new_lead()
    conflicts = counter("salesops_gateway_idempotency_conflicts_total", reason="other_request")
    assert client.post(LEADS, json=fields, headers=keyed("reused")).status_code == 201

    other_body = new_lead()
    refused = problem(
        client.post(LEADS, json=other_body, headers=keyed("reused")), 422, "idempotency-key-reused"
    )
    assert "another body" in refused["detail"]
    assert refused["errors"][0]["field"] == KEY
    other_path = problem(
        client.post(
            f"{LEADS}:import",
            content=b"region,company_name,contact_name\r\n",
            headers={**keyed("reused"), "Content-Type": "text/csv"},
        ),
        422,
        "idempotency-key-reused",
    )
    assert f"was first used for POST {LEADS}" in other_path["detail"]
    other_query = client.post(f"{LEADS}?page_size=1", json=fields, headers=keyed("reused"))
    problem(other_query, 422, "idempotency-key-reused")

    assert leads_named(client, other_body["company_name"]) == []
    assert len(leads_named(client, fields["company_name"])) == 1
    assert (
        counter("salesops_gateway_idempotency_conflicts_total", reason="other_request")
        == conflicts + 3
    )


def test_keys_are_scoped_by_the_tokens_subject(client: TestClient) -> None:
    fields = new_lead()
    mine = client.post(LEADS, json=fields, headers=keyed("shared", subject="mgr-1"))
    theirs = client.post(LEADS, json=fields, headers=keyed("shared", subject="mgr-2"))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert REPLAYED not in theirs.headers
    assert mine.json()["lead_id"] != theirs.json()["lead_id"]
    # Each subject's retry gets its own first answer.
    my_retry = client.post(LEADS, json=fields, headers=keyed("shared", subject="mgr-1"))
    their_retry = client.post(LEADS, json=fields, headers=keyed("shared", subject="mgr-2"))
    assert my_retry.json()["lead_id"] == mine.json()["lead_id"]
    assert their_retry.json()["lead_id"] == theirs.json()["lead_id"]
    assert len(leads_named(client, fields["company_name"])) == 2


def test_concurrent_requests_with_one_key_create_one_lead(client: TestClient) -> None:
    fields = new_lead()
    start = threading.Barrier(6)
    answers: list[httpx.Response] = []

    def post() -> None:
        start.wait()
        answers.append(client.post(LEADS, json=fields, headers=keyed("racing")))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(answers) == 6
    originals = [a for a in answers if a.status_code == 201 and REPLAYED not in a.headers]
    assert len(originals) == 1, [a.text for a in answers]
    for answer in answers:
        if answer.status_code == 409:
            problem(answer, 409, "idempotency-key-in-use")
            assert answer.headers["retry-after"] == "1"
        else:
            assert answer.status_code == 201 and answer.content == originals[0].content
    [lead] = leads_named(client, fields["company_name"])
    assert lead["lead_id"] == originals[0].json()["lead_id"]


def test_a_4xx_answer_is_stored_and_replayed(client: TestClient, gateway_db_url: str) -> None:
    invalid = {"region": "EMEA", "company_name": "", "contact_name": "Ada"}  # the service refuses
    first = client.post(LEADS, json=invalid, headers=keyed("bad-lead"))
    body = problem(first, 400, "invalid-argument")
    assert {"field": "company_name", "description": "is required"} in body["errors"]

    again = client.post(LEADS, json=invalid, headers=keyed("bad-lead"))
    assert again.status_code == 400 and again.headers[REPLAYED] == "true"
    assert again.headers["content-type"] == "application/problem+json"
    # The first answer, word for word: it still names the first request's id.
    assert again.json() == body and body["request_id"] == first.headers["x-request-id"]
    [row] = records(gateway_db_url)
    assert row.status_code == 400


def test_an_unauthenticated_post_gets_401_and_stores_nothing(
    client: TestClient, gateway_db_url: str
) -> None:
    fields = new_lead()
    for headers in ({KEY: "k"}, {KEY: "k", "Authorization": "Bearer not-a-token"}):
        problem(client.post(LEADS, json=fields, headers=headers), 401, "unauthenticated")
    # Authentication comes first: even a malformed key gets the 401.
    problem(client.post(LEADS, json=fields, headers={KEY: ""}), 401, "unauthenticated")
    assert records(gateway_db_url) == []


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("", "empty"),
        ("k" * 256, "too long"),
        ("tab\there", "a control character"),
        ("caf\u00e9".encode(), "not ASCII"),
    ],
)
def test_a_malformed_key_is_400_naming_the_header(
    client: TestClient, gateway_db_url: str, value: str | bytes, why: str
) -> None:
    response = client.post(LEADS, json=new_lead(), headers={**bearer(), KEY: value})
    body = problem(response, 400, "invalid-argument")
    assert body["errors"] == [
        {
            "field": KEY,
            "description": "must be 1 to 255 printable ASCII characters; "
            "a new random UUID per request is a good key",
        }
    ], why
    assert records(gateway_db_url) == []


def test_two_key_headers_are_400(client: TestClient) -> None:
    headers = [(k, v) for k, v in bearer().items()] + [(KEY, "a"), (KEY, "b")]
    response = client.post(LEADS, json=new_lead(), headers=headers)
    assert (
        "send one Idempotency-Key header, not 2"
        in problem(response, 400, "invalid-argument")["detail"]
    )


def test_keys_expire_after_the_ttl_and_expired_rows_are_purged(
    pipeline_target: str, gateway_db_url: str
) -> None:
    env = env_for(pipeline_target, gateway_db_url, SALESOPS_GATEWAY_IDEMPOTENCY_TTL_SECONDS="1")
    fields = new_lead()
    with gateway(env) as client:
        first = client.post(LEADS, json=fields, headers=keyed("short-lived"))
        assert first.status_code == 201
        assert client.post(LEADS, json=new_lead(), headers=keyed("forgotten")).status_code == 201
        time.sleep(1.2)
        # Expired: the same key is a new request now, and creates again.
        later = client.post(LEADS, json=fields, headers=keyed("short-lived"))
        assert later.status_code == 201 and REPLAYED not in later.headers
        assert later.json()["lead_id"] != first.json()["lead_id"]
    # The claim purged the expired row nobody used again.
    assert sorted(row.idempotency_key for row in records(gateway_db_url)) == ["short-lived"]


def test_a_key_survives_a_gateway_restart(env: Env) -> None:
    fields = new_lead()
    with gateway(env) as before:
        first = before.post(LEADS, json=fields, headers=keyed("restart"))
        assert first.status_code == 201
    with gateway(env) as after:
        again = after.post(LEADS, json=fields, headers=keyed("restart"))
        assert again.status_code == 201 and again.headers[REPLAYED] == "true"
        assert again.content == first.content
        assert len(leads_named(after, fields["company_name"])) == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_5xx_answer_is_not_stored_so_the_retry_runs(
    pipeline_db: Database, gateway_db_url: str
) -> None:
    port = _free_port()
    env = env_for(
        f"127.0.0.1:{port}",
        gateway_db_url,
        # The retries below would otherwise open the breaker while the service comes up.
        SALESOPS_GATEWAY_CIRCUIT_FAILURE_THRESHOLD="1000",
    )
    fields = new_lead()
    with gateway(env) as client:
        down = client.post(LEADS, json=fields, headers=keyed("outage"))
        problem(down, 503, "unavailable")
        assert records(gateway_db_url) == []

        server = ApiServer(
            "pipeline",
            lambda s: pipeline_api.register(s, pipeline_db),
            pipeline_db.ping,
            port=port,
            host="127.0.0.1",
        )
        server.start()
        try:
            # What a client does: retry with the same key until the service answers.
            deadline = time.monotonic() + 30
            retry = client.post(LEADS, json=fields, headers=keyed("outage"))
            while retry.status_code == 503 and time.monotonic() < deadline:
                time.sleep(0.2)
                retry = client.post(LEADS, json=fields, headers=keyed("outage"))
            assert retry.status_code == 201, retry.text
            assert REPLAYED not in retry.headers
            final = client.post(LEADS, json=fields, headers=keyed("outage"))
            assert final.headers[REPLAYED] == "true" and final.content == retry.content
            assert len(leads_named(client, fields["company_name"])) == 1
        finally:
            server.stop(grace=1)


def test_a_keyed_post_is_503_when_the_records_cannot_be_reached(
    client: TestClient, gateway_db_url: str
) -> None:
    engine = create_engine(gateway_db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE idempotency_records"))
    engine.dispose()
    fields = new_lead()
    refused = problem(client.post(LEADS, json=fields, headers=keyed("k")), 503, "unavailable")
    assert "Idempotency-Key" in refused["detail"]
    # Not run without the guarantee it asked for; a POST without a key is unaffected.
    assert leads_named(client, fields["company_name"]) == []
    assert client.post(LEADS, json=fields, headers=bearer()).status_code == 201


def test_every_post_under_v1_declares_the_key_in_openapi(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    posts = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            declared = KEY in names
            if method == "post" and path.startswith("/v1/"):
                posts += 1
                assert declared, path
                [parameter] = [p for p in operation["parameters"] if p["name"] == KEY]
                assert parameter["required"] is False
                assert parameter["schema"]["maxLength"] == 255
                created = operation["responses"].get("201") or operation["responses"]["200"]
                assert REPLAYED in created["headers"]
            else:
                assert not declared, (method, path)
    assert posts > 50  # every service's creates and actions


def test_the_gateway_does_not_start_without_its_database(pipeline_target: str) -> None:
    env = env_for(pipeline_target, "sqlite:////proc/salesops-no-such-dir/gateway.db")
    with pytest.raises(OSError), gateway(env):
        pass


# --- streaming: the CSV lead import over real HTTP ---------------------------------------------


@contextmanager
def served(env: Env) -> Iterator[str]:
    """The gateway served by uvicorn on an ephemeral port; its base URL."""
    config = uvicorn.Config(
        create_app(GatewaySettings.from_env(env)),
        host="127.0.0.1",
        port=0,
        log_config=None,
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_an_upload_streams_through_and_its_key_is_held_while_it_does(
    env: Env, gateway_db_url: str
) -> None:
    rows = [f"EMEA,Streamed {i} GmbH,Person {i},p{i}@streamed{i}.example\r\n" for i in range(2)]
    whole = (CSV_HEADER + "".join(rows)).encode()
    more = threading.Event()

    def upload() -> Iterator[bytes]:
        yield CSV_HEADER.encode()
        yield rows[0].encode()
        more.wait(10)  # the rest of the file is still on its way
        yield rows[1].encode()

    headers = {**keyed("upload"), "Content-Type": "text/csv"}
    answers: dict[str, httpx.Response] = {}
    with served(env) as base, httpx.Client(base_url=base, timeout=30) as http:
        first = threading.Thread(
            target=lambda: answers.update(
                first=http.post(f"{LEADS}:import", content=upload(), headers=headers)
            )
        )
        first.start()
        try:
            # Claimed before the body is complete: nothing buffered the upload first.
            wait_until(lambda: len(records(gateway_db_url)) == 1)
            [claim] = records(gateway_db_url)
            assert (claim.status_code, claim.body_sha256) == (None, None)
            busy = http.post(f"{LEADS}:import", content=whole, headers=headers)
            problem(busy, 409, "idempotency-key-in-use")
            assert busy.headers["retry-after"] == "1"
        finally:
            more.set()
            first.join(30)
        result = answers["first"]
        assert result.status_code == 200, result.text
        assert result.json()["created"] == 2

        [stored] = records(gateway_db_url)
        assert stored.body_sha256 == hashlib.sha256(whole).hexdigest()
        retry = http.post(f"{LEADS}:import", content=whole, headers=headers)
        assert retry.status_code == 200 and retry.headers[REPLAYED] == "true"
        assert retry.content == result.content
        created = http.get(LEADS, params={"page_size": 500}, headers=bearer()).json()["leads"]
        assert sum(lead["company_name"].startswith("Streamed ") for lead in created) == 2


# --- the store on its own, and across replicas on PostgreSQL ------------------------------------


def test_a_claim_abandoned_by_a_dead_gateway_is_taken_over_after_its_lease(
    gateway_db_url: str,
) -> None:
    target = RequestTarget("POST", LEADS, "")
    store = IdempotencyStore(gateway_db_url, ttl_seconds=60, lease_seconds=0.2)
    store.open()
    try:
        first = store.claim("mgr-1", "k", target)
        assert isinstance(first, Claimed)
        assert isinstance(store.claim("mgr-1", "k", target), InFlight)
        time.sleep(0.3)
        second = store.claim("mgr-1", "k", target)
        assert isinstance(second, Claimed) and second.claim_id != first.claim_id
        answer = StoredResponse(201, [("content-type", "application/json")], b"{}")
        # The first holder's late answer no longer counts; the new holder's does.
        assert not store.complete("mgr-1", "k", first.claim_id, "0" * 64, answer)
        assert store.complete("mgr-1", "k", second.claim_id, "0" * 64, answer)
        replay = store.claim("mgr-1", "k", target)
        assert isinstance(replay, Answered)
        assert replay.response == answer and replay.body_sha256 == "0" * 64
    finally:
        store.close()


@pytest.mark.postgres
def test_replicas_share_keys_through_postgresql(pipeline_target: str) -> None:
    with postgres_database("salesops_test_gateway") as url:
        env = env_for(pipeline_target, url)
        with gateway(env) as replica_a, gateway(env) as replica_b:
            fields = new_lead()
            first = replica_a.post(LEADS, json=fields, headers=keyed("replicas"))
            assert first.status_code == 201
            again = replica_b.post(LEADS, json=fields, headers=keyed("replicas"))
            assert again.status_code == 201 and again.headers[REPLAYED] == "true"
            assert again.content == first.content
            problem(
                replica_b.post(LEADS, json=new_lead(), headers=keyed("replicas")),
                422,
                "idempotency-key-reused",
            )

            racing = new_lead()
            start = threading.Barrier(6)
            answers: list[httpx.Response] = []

            def post(replica: TestClient) -> None:
                start.wait()
                answers.append(replica.post(LEADS, json=racing, headers=keyed("race")))

            threads = [
                threading.Thread(target=post, args=(replica,))
                for replica in (replica_a, replica_b) * 3
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert len(answers) == 6
            assert all(a.status_code in (201, 409) for a in answers), [a.text for a in answers]
            originals = [a for a in answers if a.status_code == 201 and REPLAYED not in a.headers]
            assert len(originals) == 1
            assert len(leads_named(replica_a, racing["company_name"])) == 1
        rows = {row.idempotency_key: row.status_code for row in records(url)}
        assert rows == {"replicas": 201, "race": 201}


# --- settings -----------------------------------------------------------------------------------


def test_settings_default_to_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = GatewaySettings.from_env({"SALESOPS_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'gateway.db'}"
    assert settings.idempotency_ttl_seconds == 86_400
    postgres = GatewaySettings.from_env(
        {"SALESOPS_GATEWAY_DATABASE_URL": "postgresql://gw@db/gateway"}
    )
    assert postgres.database_url == "postgresql+psycopg://gw@db/gateway"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SALESOPS_GATEWAY_DATABASE_URL", "mysql://gw@db/gateway"),
        ("SALESOPS_GATEWAY_IDEMPOTENCY_TTL_SECONDS", "0"),
        ("SALESOPS_GATEWAY_IDEMPOTENCY_TTL_SECONDS", "a day"),
    ],
)
def test_a_bad_setting_stops_the_gateway_naming_it(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        GatewaySettings.from_env({variable: value})
    assert refused.value.variable == variable
