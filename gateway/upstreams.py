"""The gateway's gRPC channels to the services, and the one way routes call them.

One `grpc.aio` channel per service, opened when the app starts and closed when
it stops: channels bind to the event loop that creates them, and a channel is
meant to be long-lived (it multiplexes calls and reconnects by itself).
Every call carries the caller's identity and request id as metadata, runs
under a deadline, is counted in `salesops_gateway_upstream_calls_total`, and
turns a failure into a Problem.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Annotated, Any

import grpc
from fastapi import Depends, Request
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.problems import problem_from_rpc_error
from services.kit.identity import Caller
from services.kit.metrics import UPSTREAM_HANDLED, UPSTREAM_UP


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
]


class Upstreams:
    """The open channels to every service; create with `Upstreams.open(...)` in the app lifespan."""

    def __init__(
        self,
        channels: Mapping[str, grpc.aio.Channel],
        timeout_seconds: float,
        health_timeout_seconds: float,
    ) -> None:
        self._channels = dict(channels)
        self._rpcs = {name: _methods(channel, name) for name, channel in channels.items()}
        self._timeout = timeout_seconds
        self._health_timeout = health_timeout_seconds

    @classmethod
    def open(
        cls,
        targets: Mapping[str, str],
        timeout_seconds: float,
        health_timeout_seconds: float = 1.0,
    ) -> Upstreams:
        """Open one insecure channel per target (call inside the serving event loop)."""
        channels = {
            name: grpc.aio.insecure_channel(target, options=_CHANNEL_OPTIONS)
            for name, target in targets.items()
        }
        return cls(channels, timeout_seconds, health_timeout_seconds)

    async def close(self, grace_seconds: float | None = None) -> None:
        """Close every channel, letting in-flight calls finish within the grace."""
        await asyncio.gather(*(ch.close(grace_seconds) for ch in self._channels.values()))

    async def call(self, upstream: str, method: str, request: Message, caller: Caller) -> Any:
        """Call `upstream`'s `method` as `caller`; a failure raises the mapped Problem."""
        rpc = self._rpcs[upstream][method]
        try:
            response = await rpc(request, metadata=caller.metadata(), timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            UPSTREAM_HANDLED.labels(upstream, method, error.code().name).inc()
            raise problem_from_rpc_error(error, upstream) from None
        UPSTREAM_HANDLED.labels(upstream, method, grpc.StatusCode.OK.name).inc()
        return response

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
        try:
            response = await rpc(
                requests, metadata=caller.metadata(), timeout=timeout_seconds or self._timeout
            )
        except grpc.aio.AioRpcError as error:
            UPSTREAM_HANDLED.labels(upstream, method, error.code().name).inc()
            raise problem_from_rpc_error(error, upstream) from None
        UPSTREAM_HANDLED.labels(upstream, method, grpc.StatusCode.OK.name).inc()
        return response

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


def upstreams_of(request: Request) -> Upstreams:
    """FastAPI dependency: the channels the app opened at start-up."""
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


OpenUpstreams = Annotated[Upstreams, Depends(upstreams_of)]
