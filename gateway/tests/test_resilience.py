"""Rate limits, body size limits, deadlines, read retries and circuit breakers.

The token bucket and the breaker are checked on their own with a clock the
test moves; everything else runs the real gateway app in front of real gRPC
servers (the fakes of conftest.py) that are told to fail, stall or answer.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from salesops.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc

from gateway.app import create_app
from gateway.circuit import CircuitBreaker, CircuitOpen, CircuitPolicy, CircuitState
from gateway.problems import Problem
from gateway.ratelimit import RateLimiter
from gateway.settings import GatewaySettings
from gateway.upstreams import RetryPolicy, Upstreams, serving_http_method
from services.kit.config import SERVICES, ConfigError
from services.kit.identity import Caller

from .conftest import FakePipeline, Recorder, Upstream, _start

Headers = Callable[..., dict[str, str]]

NEW_LEAD = {
    "region": "emea",
    "company_name": "Acme GmbH",
    "contact_name": "Ada Lovelace",
    "contact_email": "ada@acme.example",
    "country": "DE",
    "source": "web",
}


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def sample(name: str, **labels: str) -> float:
    """The current value of a sample of this process's metrics (0 when absent)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def failing(code: grpc.StatusCode, times: int | None = None) -> Callable[[Any], None]:
    """A failure for Recorder.failures: abort with `code` the first `times` calls (or all)."""
    left = [times]

    def fail(context: Any) -> None:
        if left[0] is None or left[0] > 0:
            if left[0] is not None:
                left[0] -= 1
            context.abort(code, f"injected {code.name}")

    return fail


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}", body
    assert body["status"] == status
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


@pytest.fixture
def gateway_with(gateway_env: dict[str, str]) -> Iterator[Callable[..., TestClient]]:
    """Start a gateway over the fakes with extra environment; stopped at the end."""
    stack: list[TestClient] = []

    def start(**env: str) -> TestClient:
        settings = GatewaySettings.from_env({**gateway_env, **env})
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        stack.append(client)
        return client

    yield start
    for client in reversed(stack):
        client.__exit__(None, None, None)


# --- the token bucket ---------------------------------------------------------------------


def test_a_bucket_allows_the_burst_then_refuses_until_a_token_has_refilled() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate_per_second=2, burst=3, clock=clock)

    taken = [limiter.take("subject:ada") for _ in range(3)]
    assert [d.allowed for d in taken] == [True, True, True]
    assert [d.remaining for d in taken] == [2, 1, 0]
    assert {d.limit for d in taken} == {3}

    refused = limiter.take("subject:ada")
    assert not refused.allowed
    assert refused.remaining == 0
    assert refused.retry_after_seconds == 1  # half a second to one token, rounded up

    clock.advance(0.25)  # a quarter of a token: still not one
    assert not limiter.take("subject:ada").allowed
    clock.advance(0.25)
    assert limiter.take("subject:ada").allowed
    # Other callers have buckets of their own.
    assert limiter.take("subject:grace").remaining == 2


def test_retry_after_is_whole_seconds_from_the_refill_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate_per_second=0.2, burst=1, clock=clock)
    assert limiter.take("k").allowed
    assert limiter.take("k").retry_after_seconds == 5
    clock.advance(3.5)  # 0.7 of a token back: 1.5 s to go, said as 2
    assert limiter.take("k").retry_after_seconds == 2
    clock.advance(1.5)
    assert limiter.take("k").allowed


def test_a_bucket_never_holds_more_than_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate_per_second=10, burst=2, clock=clock)
    limiter.take("k")
    clock.advance(3600)
    assert [limiter.take("k").allowed for _ in range(3)] == [True, True, False]


def test_idle_buckets_are_forgotten_and_the_number_of_buckets_is_bounded() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate_per_second=1, burst=2, clock=clock, max_buckets=3)
    for key in ("a", "b", "c"):
        limiter.take(key)
    assert len(limiter) == 3
    limiter.take("d")  # over the bound: the least recently used ("a") goes
    assert len(limiter) == 3

    clock.advance(limiter.refill_seconds)  # everyone is full again, so nobody is kept
    limiter.take("e")
    assert len(limiter) == 1

    # Forgetting a full bucket changes nothing: it comes back with the full burst.
    assert [limiter.take("a").allowed for _ in range(3)] == [True, True, False]


def test_a_limiter_needs_a_positive_rate_and_burst() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(rate_per_second=0, burst=1)
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(rate_per_second=1, burst=0)


# --- the circuit breaker --------------------------------------------------------------------


def test_a_breaker_opens_after_consecutive_unavailable_and_deadline_failures() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("billing", CircuitPolicy(3, 10.0), clock)
    opened = sample("salesops_gateway_circuit_transitions_total", upstream="billing", state="open")

    for code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        breaker.admit()
        breaker.record(code)
    assert breaker.state is CircuitState.CLOSED
    breaker.admit()
    breaker.record(grpc.StatusCode.UNAVAILABLE)
    assert breaker.state is CircuitState.OPEN
    assert sample("salesops_gateway_circuit_state", upstream="billing") == 2
    assert (
        sample("salesops_gateway_circuit_transitions_total", upstream="billing", state="open")
        == opened + 1
    )

    clock.advance(2.2)
    with pytest.raises(CircuitOpen) as refused:
        breaker.admit()
    assert refused.value.retry_after_seconds == 8  # 7.8 s of cool-down left, rounded up
    assert refused.value.upstream == "billing"


def test_any_other_answer_means_the_service_is_up_and_resets_the_count() -> None:
    breaker = CircuitBreaker("billing-2", CircuitPolicy(2, 10.0), FakeClock())
    for code in (
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.NOT_FOUND,  # the service answered
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
    ):
        breaker.admit()
        breaker.record(code)
    assert breaker.state is CircuitState.CLOSED
    assert breaker.consecutive_failures == 1


def test_after_the_cool_down_one_trial_call_decides_between_closed_and_open_again() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("billing-3", CircuitPolicy(1, 5.0), clock)
    breaker.admit()
    breaker.record(grpc.StatusCode.UNAVAILABLE)
    assert breaker.state is CircuitState.OPEN

    clock.advance(5.0)
    assert breaker.state is CircuitState.HALF_OPEN
    assert sample("salesops_gateway_circuit_state", upstream="billing-3") == 1
    breaker.admit()  # the trial
    with pytest.raises(CircuitOpen) as second:
        breaker.admit()  # only one trial at a time
    assert second.value.retry_after_seconds == 1

    breaker.record(grpc.StatusCode.UNAVAILABLE)  # the trial failed: another cool-down
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpen):
        breaker.admit()

    clock.advance(5.0)
    breaker.admit()
    breaker.record(grpc.StatusCode.OK)
    assert breaker.state is CircuitState.CLOSED
    assert sample("salesops_gateway_circuit_state", upstream="billing-3") == 0
    breaker.admit()
    breaker.admit()  # closed: everything goes through


def test_a_trial_that_never_reports_back_does_not_wedge_the_breaker() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("billing-4", CircuitPolicy(1, 5.0), clock)
    breaker.admit()
    breaker.record(grpc.StatusCode.DEADLINE_EXCEEDED)
    clock.advance(5.0)

    breaker.admit()
    breaker.abandon()  # cancelled: the client went away
    breaker.admit()  # a new trial may start at once

    clock.advance(5.0)  # that one vanished without abandon(): lost after a cool-down
    breaker.admit()
    breaker.record(grpc.StatusCode.OK)
    assert breaker.state is CircuitState.CLOSED


def test_read_retry_back_off_is_jittered_and_capped() -> None:
    policy = RetryPolicy(retries=5, base_backoff_seconds=0.1, max_backoff_seconds=0.3)
    waits = {retry: [policy.backoff(retry) for _ in range(200)] for retry in range(5)}
    for retry, values in waits.items():
        ceiling = min(0.3, 0.1 * 2**retry)
        assert all(0 <= value <= ceiling for value in values)
        assert len(set(values)) > 100  # random, so a crowd does not come back in step


# --- settings -------------------------------------------------------------------------------


def test_resilience_settings_have_defaults_and_are_read_from_the_environment() -> None:
    defaults = GatewaySettings.from_env({})
    assert (defaults.rate_per_second, defaults.rate_burst) == (50.0, 100)
    assert defaults.max_body_bytes == 1024 * 1024
    assert defaults.read_retries == 2
    assert (defaults.circuit_failure_threshold, defaults.circuit_cool_down_seconds) == (5, 10.0)
    custom = GatewaySettings.from_env(
        {
            "SALESOPS_GATEWAY_RATE_PER_SECOND": "0",
            "SALESOPS_GATEWAY_RATE_BURST": "7",
            "SALESOPS_GATEWAY_MAX_BODY_BYTES": "4096",
            "SALESOPS_GATEWAY_READ_RETRIES": "0",
            "SALESOPS_GATEWAY_CIRCUIT_FAILURE_THRESHOLD": "3",
            "SALESOPS_GATEWAY_CIRCUIT_COOL_DOWN_SECONDS": "2.5",
        }
    )
    assert (custom.rate_per_second, custom.rate_burst, custom.max_body_bytes) == (0, 7, 4096)
    assert custom.read_retries == 0
    assert (custom.circuit_failure_threshold, custom.circuit_cool_down_seconds) == (3, 2.5)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SALESOPS_GATEWAY_RATE_PER_SECOND", "-1"),
        ("SALESOPS_GATEWAY_RATE_PER_SECOND", "lots"),
        ("SALESOPS_GATEWAY_RATE_PER_SECOND", "inf"),
        ("SALESOPS_GATEWAY_RATE_BURST", "0"),
        ("SALESOPS_GATEWAY_MAX_BODY_BYTES", "10"),
        ("SALESOPS_GATEWAY_MAX_BODY_BYTES", "1MB"),
        ("SALESOPS_GATEWAY_READ_RETRIES", "9"),
        ("SALESOPS_GATEWAY_CIRCUIT_FAILURE_THRESHOLD", "0"),
        ("SALESOPS_GATEWAY_CIRCUIT_COOL_DOWN_SECONDS", "0"),
    ],
)
def test_a_bad_resilience_setting_stops_the_gateway_naming_the_variable(
    variable: str, value: str
) -> None:
    with pytest.raises(ConfigError) as error:
        GatewaySettings.from_env({variable: value})
    assert error.value.variable == variable
    assert repr(value) in str(error.value)


# --- rate limits through the gateway ----------------------------------------------------------


def test_a_caller_over_the_limit_gets_429_with_retry_after(
    gateway_with: Callable[..., TestClient], bearer: Headers, pipeline_upstream: Upstream
) -> None:
    # A token every 10 s: slow enough that a busy machine does not refill one mid-test.
    client = gateway_with(SALESOPS_GATEWAY_RATE_PER_SECOND="0.1", SALESOPS_GATEWAY_RATE_BURST="3")
    ada = bearer(subject="rep-ada")
    limited = sample("salesops_gateway_rate_limited_total", key="subject")

    began = time.monotonic()
    answers = [client.get("/v1/leads", headers=ada) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"3"}

    refused = client.get("/v1/leads", headers=ada)
    elapsed = time.monotonic() - began
    body = problem(refused, 429, "resource-exhausted")
    # The first token spent comes back 10 s after it was taken: whole seconds, rounded up.
    retry_after = int(refused.headers["Retry-After"])
    assert math.ceil(10 - elapsed) <= retry_after <= 10
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert f"retry after {retry_after} s" in body["detail"]
    assert len(pipeline_upstream.recorder.calls) == 3  # the refused one never went upstream
    assert sample("salesops_gateway_rate_limited_total", key="subject") == limited + 1

    # Another subject has a bucket of its own; probes and metrics are never limited.
    assert client.get("/v1/leads", headers=bearer(subject="rep-grace")).status_code == 200
    for path in ("/healthz", "/readyz", "/metrics"):
        for _ in range(5):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert "RateLimit-Limit" not in answer.headers


def test_requests_without_a_valid_token_are_limited_by_client_address(
    gateway_with: Callable[..., TestClient], bearer: Headers
) -> None:
    client = gateway_with(SALESOPS_GATEWAY_RATE_PER_SECOND="0.1", SALESOPS_GATEWAY_RATE_BURST="2")
    forged = {"Authorization": "Bearer not-a-token"}
    assert client.get("/v1/leads", headers=forged).status_code == 401
    assert client.get("/v1/leads").status_code == 401  # no token: the same address bucket
    problem(client.get("/v1/leads", headers=forged), 429, "resource-exhausted")
    # Bad tokens spend the address's tokens, not a real subject's.
    assert client.get("/v1/leads", headers=bearer(subject="rep-ada")).status_code == 200


def test_a_rate_of_zero_turns_limiting_off(
    gateway_with: Callable[..., TestClient], bearer: Headers
) -> None:
    client = gateway_with(SALESOPS_GATEWAY_RATE_PER_SECOND="0", SALESOPS_GATEWAY_RATE_BURST="1")
    answers = [client.get("/v1/leads", headers=bearer()) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert "RateLimit-Limit" not in answers[-1].headers


# --- body size ------------------------------------------------------------------------------


def test_a_body_over_the_configured_limit_is_413_whether_declared_or_streamed(
    gateway_with: Callable[..., TestClient], bearer: Headers, pipeline_upstream: Upstream
) -> None:
    client = gateway_with(SALESOPS_GATEWAY_MAX_BODY_BYTES="2048")
    fits = {**NEW_LEAD, "industry": "x" * 1500}
    assert client.post("/v1/leads", json=fits, headers=bearer()).status_code == 201

    too_big = {**NEW_LEAD, "industry": "x" * 2100}
    body = problem(
        client.post("/v1/leads", json=too_big, headers=bearer()), 413, "content-too-large"
    )
    assert "2048 bytes" in body["detail"]

    # Chunked, with no Content-Length to refuse up front: stopped once it grows too big.
    chunks = iter([b'{"region": "emea", "industry": "', b"y" * 1500, b"y" * 1500, b'"}'])
    streamed = client.post(
        "/v1/leads",
        content=chunks,
        headers={**bearer(), "Content-Type": "application/json"},
    )
    problem(streamed, 413, "content-too-large")
    assert [c.method for c in pipeline_upstream.recorder.calls] == ["CreateLead"]


# --- deadlines and retries ----------------------------------------------------------------


def test_a_slow_upstream_answers_503_within_the_deadline_not_a_hang(
    gateway_with: Callable[..., TestClient], bearer: Headers, pipeline_upstream: Upstream
) -> None:
    release = threading.Event()
    pipeline_upstream.recorder.failures["ListLeads"] = lambda context: release.wait(10)
    client = gateway_with(SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS="0.5")
    try:
        began = time.monotonic()
        response = client.get("/v1/leads", headers=bearer())
        elapsed = time.monotonic() - began
    finally:
        release.set()
    body = problem(response, 503, "deadline-exceeded")
    assert response.headers["Retry-After"] == "1"
    # Well inside the 10 s stall (a hang would wait it out): the wide margin is for a
    # loaded CI machine, where one request has been seen to take 4 s end to end.
    assert 0.4 < elapsed < 8.0, elapsed
    assert "pipeline" in body["detail"]
    # A deadline is not retried: waiting another whole deadline would not be "fast".
    assert len(pipeline_upstream.recorder.calls) == 1


class SlowImport(FakePipeline):
    """A pipeline whose lead import stalls until released."""

    def __init__(self, recorder: Recorder, release: threading.Event) -> None:
        super().__init__(recorder)
        self.release = release

    def ImportLeads(self, request_iterator: Any, context: Any) -> Any:
        for _ in request_iterator:
            pass
        self.release.wait(10)
        return pipeline_pb2.ImportLeadsResponse()


def test_a_client_stream_runs_under_its_deadline_too() -> None:
    release = threading.Event()
    upstream = _start(
        lambda server, recorder: pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(
            SlowImport(recorder, release), server
        )
    )
    caller = Caller("rep-1", frozenset({"rep"}), frozenset({"emea"}))
    requests = [pipeline_pb2.ImportLeadsRequest(rows=[pipeline_pb2.LeadImportRow(row_number=2)])]

    async def import_with_a_short_deadline() -> None:
        upstreams = Upstreams.open({"pipeline": upstream.target}, timeout_seconds=30)
        try:
            await upstreams.call_client_stream(
                "pipeline", "ImportLeads", iter(requests), caller, timeout_seconds=0.5
            )
        finally:
            await upstreams.close()

    began = time.monotonic()
    try:
        with pytest.raises(Problem) as error:
            asyncio.run(import_with_a_short_deadline())
    finally:
        release.set()
        upstream.stop()
    assert error.value.kind.status == 503
    assert error.value.kind.slug == "deadline-exceeded"
    assert time.monotonic() - began < 3.0  # not the 10 s stall


def test_reads_are_retried_on_unavailable_and_writes_never(
    gateway_with: Callable[..., TestClient], bearer: Headers, pipeline_upstream: Upstream
) -> None:
    client = gateway_with()
    calls = pipeline_upstream.recorder.calls
    retried = sample(
        "salesops_gateway_upstream_retries_total", upstream="pipeline", method="ListLeads"
    )

    # A GET that meets two UNAVAILABLE answers succeeds on the third attempt.
    pipeline_upstream.recorder.failures["ListLeads"] = failing(grpc.StatusCode.UNAVAILABLE, 2)
    assert client.get("/v1/leads", headers=bearer()).status_code == 200
    assert [c.method for c in calls] == ["ListLeads"] * 3
    assert (
        sample("salesops_gateway_upstream_retries_total", upstream="pipeline", method="ListLeads")
        == retried + 2
    )

    # A POST is sent once: the first attempt may have taken effect.
    calls.clear()
    pipeline_upstream.recorder.failures["CreateLead"] = failing(grpc.StatusCode.UNAVAILABLE, 1)
    problem(client.post("/v1/leads", json=NEW_LEAD, headers=bearer()), 503, "unavailable")
    assert [c.method for c in calls] == ["CreateLead"]
    # ...and so is an action on a record.
    calls.clear()
    pipeline_upstream.recorder.failures["QualifyLead"] = failing(grpc.StatusCode.UNAVAILABLE)
    problem(client.post("/v1/leads/lead-1:qualify", headers=bearer()), 503, "unavailable")
    assert [c.method for c in calls] == ["QualifyLead"]

    # Only UNAVAILABLE is retried: any answer from the service stands.
    calls.clear()
    pipeline_upstream.recorder.failures["GetLead"] = failing(grpc.StatusCode.INTERNAL)
    problem(client.get("/v1/leads/lead-1", headers=bearer()), 500, "internal")
    assert [c.method for c in calls] == ["GetLead"]


def test_a_read_that_stays_unavailable_gives_up_after_its_retries(
    gateway_with: Callable[..., TestClient], bearer: Headers, pipeline_upstream: Upstream
) -> None:
    # A long deadline: the read must end because its retries ran out (4 calls, answer
    # "unavailable"), not because time did ("deadline-exceeded" after 30 s).
    client = gateway_with(
        SALESOPS_GATEWAY_READ_RETRIES="3", SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS="30"
    )
    pipeline_upstream.recorder.failures["ListLeads"] = failing(grpc.StatusCode.UNAVAILABLE)
    began = time.monotonic()
    problem(client.get("/v1/leads", headers=bearer()), 503, "unavailable")
    assert time.monotonic() - began < 15.0
    assert len(pipeline_upstream.recorder.calls) == 4


def test_retries_stop_at_the_one_deadline(pipeline_upstream: Upstream) -> None:
    pipeline_upstream.recorder.failures["ListLeads"] = failing(grpc.StatusCode.UNAVAILABLE)
    caller = Caller("rep-1", frozenset({"rep"}), frozenset({"emea"}))
    # Many retries with long waits, but half a second in all.
    policy = RetryPolicy(retries=20, base_backoff_seconds=0.2, max_backoff_seconds=0.2)

    async def read() -> None:
        upstreams = Upstreams.open(
            {"pipeline": pipeline_upstream.target},
            timeout_seconds=0.5,
            retry=policy,
            circuit=CircuitPolicy(failure_threshold=100),
        )
        try:
            with serving_http_method("GET"):
                await upstreams.call(
                    "pipeline", "ListLeads", pipeline_pb2.ListLeadsRequest(), caller
                )
        finally:
            await upstreams.close()

    began = time.monotonic()
    with pytest.raises(Problem) as error:
        asyncio.run(read())
    elapsed = time.monotonic() - began
    assert error.value.kind.status == 503
    # Twenty retries would take 4 s; the deadline ends them at 0.5 s (margin for load).
    assert elapsed < 3.0, elapsed
    assert 2 <= len(pipeline_upstream.recorder.calls) < 20


# --- circuit breakers through the gateway -------------------------------------------------------


def test_the_breaker_opens_fails_fast_tries_again_and_closes(
    gateway_with: Callable[..., TestClient],
    bearer: Headers,
    pipeline_upstream: Upstream,
    customers_upstream: Upstream,
) -> None:
    client = gateway_with(
        SALESOPS_GATEWAY_READ_RETRIES="0",
        SALESOPS_GATEWAY_CIRCUIT_FAILURE_THRESHOLD="2",
        SALESOPS_GATEWAY_CIRCUIT_COOL_DOWN_SECONDS="0.5",
    )
    calls = pipeline_upstream.recorder.calls
    rejected = sample("salesops_gateway_circuit_rejected_total", upstream="pipeline")
    pipeline_upstream.recorder.failures["ListLeads"] = failing(grpc.StatusCode.UNAVAILABLE)

    for _ in range(2):
        problem(client.get("/v1/leads", headers=bearer()), 503, "unavailable")
    assert len(calls) == 2
    ready = client.get("/readyz").json()
    assert ready["circuits"] == {**{name: "closed" for name in SERVICES}, "pipeline": "open"}
    assert ready["upstreams"]["pipeline"] == "SERVING"  # health is shown beside, unchanged
    assert sample("salesops_gateway_circuit_state", upstream="pipeline") == 2

    # Open: refused at once, nothing sent; writes too.
    fast = client.get("/v1/leads", headers=bearer())
    body = problem(fast, 503, "unavailable")
    assert fast.headers["Retry-After"] == "1"
    assert "pipeline" in body["detail"]
    problem(client.post("/v1/leads", json=NEW_LEAD, headers=bearer()), 503, "unavailable")
    assert len(calls) == 2
    assert sample("salesops_gateway_circuit_rejected_total", upstream="pipeline") == rejected + 2

    # Only the pipeline's routes fail: the customers service still answers.
    assert client.get("/v1/customers/cus-1", headers=bearer()).status_code == 200

    # After the cool-down one trial goes through; it fails, so the circuit opens again.
    time.sleep(0.6)
    assert client.get("/readyz").json()["circuits"]["pipeline"] == "half_open"
    problem(client.get("/v1/leads", headers=bearer()), 503, "unavailable")
    assert len(calls) == 3
    assert client.get("/readyz").json()["circuits"]["pipeline"] == "open"

    # The service recovers: the next trial succeeds and closes the circuit.
    del pipeline_upstream.recorder.failures["ListLeads"]
    time.sleep(0.6)
    assert client.get("/v1/leads", headers=bearer()).status_code == 200
    assert client.get("/readyz").json()["circuits"]["pipeline"] == "closed"
    assert sample("salesops_gateway_circuit_state", upstream="pipeline") == 0
    assert client.post("/v1/leads", json=NEW_LEAD, headers=bearer()).status_code == 201
    metrics = client.get("/metrics").text
    assert 'salesops_gateway_circuit_state{upstream="pipeline"} 0.0' in metrics
    assert 'salesops_gateway_circuit_transitions_total{state="open",upstream="pipeline"}' in metrics


def test_a_stopped_upstream_fails_only_its_own_routes(
    gateway_with: Callable[..., TestClient],
    bearer: Headers,
    pipeline_upstream: Upstream,
    customers_upstream: Upstream,
) -> None:
    client = gateway_with(SALESOPS_GATEWAY_CIRCUIT_FAILURE_THRESHOLD="3")
    assert client.get("/v1/leads", headers=bearer()).status_code == 200
    pipeline_upstream.stop()

    answers = []
    for _ in range(3):
        began = time.monotonic()
        answers.append(client.get("/v1/leads", headers=bearer()))
        assert time.monotonic() - began < 2.0
    for answer in answers:
        problem(answer, 503, "unavailable")
    # The first GET's three attempts (two retries) opened the circuit: every answer
    # names the rest of its 10 s cool-down.
    assert all(8 <= int(a.headers["Retry-After"]) <= 10 for a in answers)
    assert len(pipeline_upstream.recorder.calls) == 1  # the call made before the stop
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["upstreams"]["pipeline"] == "UNAVAILABLE"
    assert ready.json()["circuits"]["pipeline"] == "open"
    assert ready.json()["circuits"]["customers"] == "closed"
    assert client.get("/v1/customers/cus-1", headers=bearer()).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_keyed_write_whose_deadline_ran_out_keeps_that_answer(
    gateway_with: Callable[..., TestClient],
    bearer: Headers,
    pipeline_upstream: Upstream,
    tmp_path: Any,
) -> None:
    # The service finishes the create after the gateway stopped waiting: the work happened.
    # A retry with the key must not run it again; it gets the first answer back.
    client = gateway_with(
        SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS="0.3",
        SALESOPS_GATEWAY_DATABASE_URL=f"sqlite:///{tmp_path / 'gateway.db'}",
    )
    pipeline_upstream.recorder.failures["CreateLead"] = lambda context: time.sleep(1.0)
    headers = {**bearer(roles=("manager",)), "Idempotency-Key": "slow-create-1"}
    first = problem(
        client.post("/v1/leads", json=NEW_LEAD, headers=headers), 503, "deadline-exceeded"
    )
    retry = client.post("/v1/leads", json=NEW_LEAD, headers=headers)
    assert retry.status_code == 503
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["type"] == first["type"]
    assert [c.method for c in pipeline_upstream.recorder.calls] == ["CreateLead"]

    # An unreachable service never saw the request: that 503 frees the key for a retry.
    pipeline_upstream.recorder.failures["CreateLead"] = failing(grpc.StatusCode.UNAVAILABLE, 3)
    headers["Idempotency-Key"] = "unreachable-create-1"
    problem(client.post("/v1/leads", json=NEW_LEAD, headers=headers), 503, "unavailable")
    assert (
        "Idempotent-Replayed"
        not in client.post("/v1/leads", json=NEW_LEAD, headers=headers).headers
    )
