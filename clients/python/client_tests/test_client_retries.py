"""Retry timing and Retry-After handling, with httpx.MockTransport standing in for the gateway.

Only here is the gateway mocked: a real one cannot be made to answer 429 and
503 on cue. The sleeps are recorded instead of slept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from salesops.client import (
    Client,
    Conflict,
    ConnectionFailed,
    NotFound,
    RateLimited,
    Unavailable,
)

PROBLEM = {"content-type": "application/problem+json"}


def problem(status: int, slug: str, **headers: str) -> httpx.Response:
    body = {
        "type": f"urn:salesops:problem:{slug}",
        "title": slug,
        "status": status,
        "detail": f"{slug} detail",
        "instance": "/v1/leads",
        "request_id": "req-1",
        "errors": [],
        "violations": [],
        "resources": [],
    }
    return httpx.Response(status, json=body, headers={**PROBLEM, **headers})


LEAD = {"lead_id": "L-1", "status": "new"}


class Script:
    """Answers requests from a list, and remembers every request and every sleep."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self, max_retries: int = 3) -> Client:
        return Client(
            "http://gateway.test",
            "token-1",
            max_retries=max_retries,
            backoff_seconds=0.5,
            http=httpx.Client(transport=httpx.MockTransport(self.handle)),
            sleep=self.sleeps.append,
        )


def test_a_read_waits_what_retry_after_says_then_succeeds() -> None:
    script = Script(
        problem(503, "unavailable", **{"Retry-After": "2"}),
        problem(429, "resource-exhausted", **{"Retry-After": "1"}),
        httpx.Response(200, json=LEAD),
    )
    assert script.client().leads.get("L-1") == LEAD
    assert script.sleeps == [2.0, 1.0]
    assert len(script.requests) == 3
    assert script.requests[0].headers["authorization"] == "Bearer token-1"


def test_retry_after_as_an_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    script = Script(
        problem(429, "resource-exhausted", **{"Retry-After": when}), httpx.Response(200, json=LEAD)
    )
    script.client().leads.get("L-1")
    assert 27 <= script.sleeps[0] <= 30


def test_without_retry_after_the_back_off_grows_with_jitter() -> None:
    script = Script(*[problem(503, "unavailable")] * 3, httpx.Response(200, json=LEAD))
    script.client().leads.get("L-1")
    # Full jitter between half and all of 0.5 s, 1 s, 2 s.
    for sleep, ceiling in zip(script.sleeps, (0.5, 1.0, 2.0), strict=True):
        assert ceiling / 2 <= sleep <= ceiling


def test_a_post_is_retried_with_the_same_idempotency_key() -> None:
    script = Script(
        problem(503, "unavailable"),
        httpx.ConnectError("connection refused"),
        httpx.Response(201, json=LEAD),
    )
    created = script.client().leads.create({"region": "EMEA", "company_name": "Acme"})
    assert created == LEAD
    keys = [request.headers.get("idempotency-key") for request in script.requests]
    assert len(keys) == 3 and keys[0] and len(set(keys)) == 1


def test_every_post_call_gets_its_own_key_unless_one_is_given() -> None:
    script = Script(*[httpx.Response(201, json=LEAD)] * 3)
    client = script.client()
    client.leads.create({"region": "EMEA", "company_name": "A"})
    client.leads.create({"region": "EMEA", "company_name": "B"})
    client.leads.create({"region": "EMEA", "company_name": "C"}, idempotency_key="mine-1")
    keys = [request.headers["idempotency-key"] for request in script.requests]
    assert keys[0] != keys[1] and keys[2] == "mine-1"


def test_a_write_without_an_idempotency_key_is_never_retried() -> None:
    script = Script(problem(503, "unavailable", **{"Retry-After": "1"}))
    with pytest.raises(Unavailable) as failed:
        script.client().opportunities.update("OPP-1", {"name": "x"})
    assert failed.value.retry_after == 1.0
    assert len(script.requests) == 1 and script.sleeps == []

    script = Script(httpx.ConnectError("connection refused"))
    with pytest.raises(ConnectionFailed):
        script.client().opportunities.update("OPP-1", {"name": "x"})
    assert len(script.requests) == 1


def test_if_match_takes_the_records_version() -> None:
    script = Script(httpx.Response(200, json=LEAD))
    script.client().opportunities.update("OPP-1", {"name": "x"}, if_match=7)
    assert script.requests[0].headers["if-match"] == '"7"'
    assert "idempotency-key" not in script.requests[0].headers


def test_retries_stop_after_max_retries_with_the_last_problem() -> None:
    script = Script(*[problem(429, "resource-exhausted", **{"Retry-After": "1"})] * 3)
    with pytest.raises(RateLimited) as limited:
        script.client(max_retries=2).leads.list()
    assert len(script.requests) == 3 and script.sleeps == [1.0, 1.0]
    assert limited.value.retry_after == 1.0
    assert limited.value.request_id == "req-1"


def test_a_retry_after_beyond_the_limit_is_left_to_the_caller() -> None:
    script = Script(problem(503, "unavailable", **{"Retry-After": "3600"}))
    with pytest.raises(Unavailable):
        script.client().leads.list()
    assert script.sleeps == []


def test_an_in_flight_key_is_retried_after_its_retry_after() -> None:
    script = Script(
        problem(409, "idempotency-key-in-flight", **{"Retry-After": "1"}),
        httpx.Response(201, json=LEAD),
    )
    assert script.client().leads.create({"region": "EMEA", "company_name": "A"}) == LEAD
    assert script.sleeps == [1.0]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (lambda: problem(404, "not-found"), NotFound),
        (lambda: problem(409, "already-exists"), Conflict),
    ],
)
def test_other_errors_are_never_retried(
    answer: Callable[[], httpx.Response], error: type[Exception]
) -> None:
    script = Script(answer())
    with pytest.raises(error):
        script.client().leads.get("L-1")
    assert len(script.requests) == 1


def test_connection_failures_of_a_read_are_retried_then_reported() -> None:
    script = Script(*[httpx.ConnectError("connection refused")] * 4)
    with pytest.raises(ConnectionFailed) as failed:
        script.client().leads.get("L-1")
    assert len(script.requests) == 4
    assert "after 4 attempt(s)" in str(failed.value)


def test_a_write_whose_deadline_ran_out_is_not_retried_but_a_read_is() -> None:
    # The service may have done the write after the gateway stopped waiting: the outcome
    # is unknown, and the gateway keeps that answer for the key, so the SDK says so at once.
    script = Script(problem(503, "deadline-exceeded", **{"Retry-After": "1"}))
    with pytest.raises(Unavailable) as unknown:
        script.client().leads.create({"region": "emea", "company_name": "Acme"})
    assert unknown.value.type == "urn:salesops:problem:deadline-exceeded"
    assert len(script.requests) == 1 and script.sleeps == []
    read = Script(
        problem(503, "deadline-exceeded", **{"Retry-After": "1"}), httpx.Response(200, json=LEAD)
    )
    assert read.client().leads.get("L-1") == LEAD
    assert read.sleeps == [1.0]
