"""The gateway's gRPC channels to the services, and the one way routes call them.

One `grpc.aio` channel per service, opened when the app starts and closed when
it stops: channels bind to the event loop that creates them, and a channel is
meant to be long-lived (it multiplexes calls and reconnects by itself).
Every call carries the caller's identity and request id as metadata, runs
under a deadline, is counted in `salesops_gateway_upstream_calls_total`, and
turns a failure into a Problem.

Resilience lives here too. Each upstream has a circuit breaker
(gateway/circuit.py) that makes calls to a service that is down fail at once
with 503. A call made for an idempotent read (an HTTP GET or HEAD, marked by
`ReadRequestMiddleware`) is retried on UNAVAILABLE after a short jittered
back-off, within the same overall deadline; a call made for a write is never
retried, because the first attempt may have taken effect.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import random
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any

import grpc
from fastapi import Depends, Request
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.circuit import (
    TRIPPING_CODES,
    CircuitBreaker,
    CircuitLabel,
    CircuitOpen,
    CircuitPolicy,
)
from gateway.etags import if_match_metadata
from gateway.problems import Problem, problem_from_rpc_error
from services.kit.identity import Caller
from services.kit.metrics import UPSTREAM_HANDLED, UPSTREAM_UP

UPSTREAM_RETRIES = Counter(
    "salesops_gateway_upstream_retries_total",
    "Upstream calls for idempotent reads sent again after an UNAVAILABLE answer.",
    ["upstream", "method"],
)

# Whether the HTTP request being served is an idempotent read. Unset (outside a
# request) means "no": retrying is only ever safe when something said it is.
_IDEMPOTENT_READ: ContextVar[bool] = ContextVar("salesops_idempotent_read", default=False)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})


class ReadRequestMiddleware:
    """Marks GET and HEAD requests, so upstream calls made for them may be retried."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with serving_http_method(scope["method"]):
            await self.app(scope, receive, send)


@contextmanager
def serving_http_method(method: str) -> Iterator[None]:
    """Upstream calls made inside are for an HTTP request with this method."""
    token = _IDEMPOTENT_READ.set(method.upper() in IDEMPOTENT_METHODS)
    try:
        yield
    finally:
        _IDEMPOTENT_READ.reset(token)


def serving_idempotent_read() -> bool:
    """True while serving a GET or HEAD request (see ReadRequestMiddleware)."""
    return _IDEMPOTENT_READ.get()


@dataclass(frozen=True)
class RetryPolicy:
    """How reads are retried on UNAVAILABLE: `retries` more attempts after the first,
    each after a random wait of up to base x 2^n seconds (capped), all within the
    call's one deadline."""

    retries: int = 2
    base_backoff_seconds: float = 0.05
    max_backoff_seconds: float = 0.5
    # Not worth another attempt with less time left than this before the deadline.
    min_attempt_seconds: float = 0.05

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (0-based): "full jitter", so a crowd of
        readers hit by the same outage do not come back in step."""
        ceiling = min(self.max_backoff_seconds, self.base_backoff_seconds * 2**retry)
        return random.uniform(0, ceiling)


def stub_classes(upstream: str) -> list[type]:
    """Every generated gRPC stub of a salesops service (`salesops.<upstream>.v1.*_pb2_grpc`)."""
    try:
        package = importlib.import_module(f"salesops.{upstream}.v1")
    except ModuleNotFoundError:
        return []
    classes: list[type] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.endswith("_pb2_grpc"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            classes += [
                value
                for name, value in sorted(vars(module).items())
                if name.endswith("Stub") and isinstance(value, type)
            ]
    return classes


def _methods(channel: grpc.aio.Channel, upstream: str) -> dict[str, Any]:
    """RPC name -> callable over every stub of `upstream`; names are unique per service."""
    methods: dict[str, Any] = {}
    for stub_class in stub_classes(upstream):
        stub = stub_class(channel)
        for name, rpc in vars(stub).items():
            if name in methods:
                raise RuntimeError(f"RPC name {name} appears twice in the {upstream} service")
            methods[name] = rpc
    return methods


_CHANNEL_OPTIONS = [
    ("grpc.primary_user_agent", "salesops-gateway"),
    # Notice a dead connection within a minute rather than on the next call's deadline.
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    # gRPC's reconnect back-off grows to two minutes by default; a service that comes
    # back should be reached within seconds (the circuit breaker already spares it
    # a flood of calls meanwhile).
    ("grpc.initial_reconnect_backoff_ms", 500),
    ("grpc.max_reconnect_backoff_ms", 5_000),
]


class Upstreams:
    """The open channels to every service; create with `Upstreams.open(...)` in the app lifespan."""

    def __init__(
        self,
        channels: Mapping[str, grpc.aio.Channel],
        timeout_seconds: float,
        health_timeout_seconds: float,
        *,
        retry: RetryPolicy | None = None,
        circuit: CircuitPolicy | None = None,
    ) -> None:
        self._channels = dict(channels)
        self._rpcs = {name: _methods(channel, name) for name, channel in channels.items()}
        self._timeout = timeout_seconds
        self._health_timeout = health_timeout_seconds
        self._retry = retry or RetryPolicy()
        self._breakers = {name: CircuitBreaker(name, circuit) for name in channels}

    @classmethod
    def open(
        cls,
        targets: Mapping[str, str],
        timeout_seconds: float,
        health_timeout_seconds: float = 1.0,
        *,
        retry: RetryPolicy | None = None,
        circuit: CircuitPolicy | None = None,
    ) -> Upstreams:
        """Open one insecure channel per target (call inside the serving event loop)."""
        channels = {
            name: grpc.aio.insecure_channel(target, options=_CHANNEL_OPTIONS)
            for name, target in targets.items()
        }
        return cls(channels, timeout_seconds, health_timeout_seconds, retry=retry, circuit=circuit)

    async def close(self, grace_seconds: float | None = None) -> None:
        """Close every channel, letting in-flight calls finish within the grace."""
        await asyncio.gather(*(ch.close(grace_seconds) for ch in self._channels.values()))

    async def call(self, upstream: str, method: str, request: Message, caller: Caller) -> Any:
        """Call `upstream`'s `method` as `caller`; a failure raises the mapped Problem."""
        rpc = self._rpcs[upstream][method]

        def attempt(timeout: float) -> Any:
            return rpc(request, metadata=_metadata(caller), timeout=timeout)

        retries = self._retry.retries if serving_idempotent_read() else 0
        return await self._send(upstream, method, attempt, self._timeout, retries)

    async def call_client_stream(
        self,
        upstream: str,
        method: str,
        requests: Iterable[Message] | AsyncIterable[Message],
        caller: Caller,
        timeout_seconds: float | None = None,
    ) -> Any:
        """Call a client-streaming `method` with `requests` as `caller`; one response back.

        A stream carries more work than a unary call, so it may have its own
        deadline (`timeout_seconds`, the unary one by default). A failure
        raises the mapped Problem, as `call` does.
        """
        rpc = self._rpcs[upstream][method]

        def attempt(timeout: float) -> Any:
            return rpc(requests, metadata=_metadata(caller), timeout=timeout)

        # Never retried: the first attempt has consumed `requests`, and streams are writes.
        return await self._send(upstream, method, attempt, timeout_seconds or self._timeout, 0)

    async def _send(
        self,
        upstream: str,
        method: str,
        attempt: Callable[[float], Awaitable[Any]],
        timeout_seconds: float,
        retries: int,
    ) -> Any:
        """Run `attempt(seconds left)` through the upstream's circuit breaker; retry an
        UNAVAILABLE answer up to `retries` times within the one deadline. A failure
        raises the mapped Problem; an open circuit raises 503 without calling."""
        breaker = self._breakers[upstream]
        deadline = time.monotonic() + timeout_seconds
        retry = 0
        while True:
            try:
                breaker.admit()
            except CircuitOpen as circuit_open:
                raise _circuit_open_problem(circuit_open) from None
            try:
                response = await attempt(deadline - time.monotonic())
            except grpc.aio.AioRpcError as error:
                code = error.code()
                breaker.record(code)
                UPSTREAM_HANDLED.labels(upstream, method, code.name).inc()
                wait = self._retry.backoff(retry)
                time_left = deadline - time.monotonic() - wait
                if (
                    code == grpc.StatusCode.UNAVAILABLE
                    and retry < retries
                    and time_left >= self._retry.min_attempt_seconds
                ):
                    retry += 1
                    UPSTREAM_RETRIES.labels(upstream, method).inc()
                    await asyncio.sleep(wait)
                    continue
                problem = problem_from_rpc_error(error, upstream)
                if code in TRIPPING_CODES:
                    # Down or slow: say when asking again makes sense (unless it said).
                    problem.headers.setdefault("Retry-After", str(breaker.retry_after_seconds()))
                raise problem from None
            except BaseException:
                # Cancelled (the client went away) or broken before any status came back.
                breaker.abandon()
                raise
            breaker.record(grpc.StatusCode.OK)
            UPSTREAM_HANDLED.labels(upstream, method, grpc.StatusCode.OK.name).inc()
            return response

    def circuit_states(self) -> dict[str, CircuitLabel]:
        """Each upstream's circuit breaker state: "closed", "half_open" or "open"."""
        return {name: breaker.state.label for name, breaker in self._breakers.items()}

    async def health(self) -> dict[str, str]:
        """Each upstream's gRPC health ("SERVING", "NOT_SERVING", or the failing code)."""
        names = list(self._channels)
        results = await asyncio.gather(*(self._check(name) for name in names))
        return dict(zip(names, results, strict=True))

    async def _check(self, name: str) -> str:
        stub = health_pb2_grpc.HealthStub(self._channels[name])
        try:
            # service "" is the server as a whole; a short deadline keeps /readyz fast.
            response = await stub.Check(
                health_pb2.HealthCheckRequest(service=""), timeout=self._health_timeout
            )
            status = str(health_pb2.HealthCheckResponse.ServingStatus.Name(response.status))
        except grpc.aio.AioRpcError as error:
            status = str(error.code().name)
        UPSTREAM_UP.labels(name).set(1 if status == "SERVING" else 0)
        return status


def _circuit_open_problem(circuit_open: CircuitOpen) -> Problem:
    seconds = circuit_open.retry_after_seconds
    return Problem.of(
        grpc.StatusCode.UNAVAILABLE,
        f"the {circuit_open.upstream} service is unavailable (the gateway stopped calling it "
        f"after repeated failures); try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


def _metadata(caller: Caller) -> list[tuple[str, str]]:
    # The caller's identity, and the If-Match of a write for the service to check.
    return [*caller.metadata(), *if_match_metadata()]


def upstreams_of(request: Request) -> Upstreams:
    """FastAPI dependency: the channels the app opened at start-up."""
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


OpenUpstreams = Annotated[Upstreams, Depends(upstreams_of)]
