"""The api process of every service: a grpcio server with health, reflection and one interceptor.

`ApiServer` binds the service's servicers next to `grpc.health.v1` health and
server reflection. Health reports SERVING only while the readiness check (the
database answers) passes, and NOT_SERVING from the moment shutdown begins.

One interceptor wraps every business RPC so that, in the thread that runs the
servicer, the caller's identity, log ids and If-Match expectation are bound,
RED metrics are recorded with the final status code, and domain errors become
gRPC statuses with rich `google.rpc` details. Anything unexpected is logged with its stack
and reaches the client only as "internal error; request id ...".

`run_api` is the process entry: metrics endpoint, server, SIGTERM/SIGINT,
graceful drain, exit code.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any, NamedTuple, NoReturn, TypeVar

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status

from services.kit.concurrency import (
    ExpectedVersion,
    bind_expected_version,
    expected_version_from_metadata,
    unbind_expected_version,
)
from services.kit.config import SERVICES
from services.kit.errors import (
    Aborted,
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from services.kit.identity import (
    CORRELATION_ID_KEY,
    REQUEST_ID_KEY,
    Caller,
    bind_caller,
    caller_from_metadata,
    unbind_caller,
)
from services.kit.logs import bind_log_context, reset_log_context
from services.kit.metrics import (
    GRPC_HANDLED,
    GRPC_HANDLING_SECONDS,
    GRPC_IN_FLIGHT,
    serve_metrics,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_MESSAGE_BYTES = 8 * 1024 * 1024

SERVER_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    # Keepalive lets the server notice clients that vanished behind a load
    # balancer, and accept the gateway's keepalive pings on idle connections.
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    # With SO_REUSEPORT two servers could bind the same port and split its
    # traffic silently; without it the second one fails to start.
    ("grpc.so_reuseport", 0),
)

# The one table from domain errors to gRPC status codes. An error class that
# is missing here is treated as unexpected (logged, INTERNAL), so a new error
# type surfaces as a bug instead of a guessed status.
STATUS_OF_DOMAIN_ERROR: dict[type[DomainError], grpc.StatusCode] = {
    NotFound: grpc.StatusCode.NOT_FOUND,
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    Aborted: grpc.StatusCode.ABORTED,
}

# Infrastructure services that any probe may call without an identity.
_OPEN_SERVICE_PREFIXES = ("/grpc.health.", "/grpc.reflection.")

_SERVING = health_pb2.HealthCheckResponse.SERVING
_NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class ServerBindError(RuntimeError):
    """The gRPC port could not be bound (in use by another process, or not permitted)."""


def status_code_of(error: DomainError) -> grpc.StatusCode | None:
    """The status code for a domain error, or None when the table has no entry for it."""
    for kind in type(error).__mro__:
        code = STATUS_OF_DOMAIN_ERROR.get(kind)
        if code is not None:
            return code
    return None


# --- the interceptor ------------------------------------------------------------------


class _RichStatus(NamedTuple):
    """A grpc.Status (duck-typed: grpcio reads only these three attributes)."""

    code: grpc.StatusCode
    details: str
    trailing_metadata: tuple[tuple[str, str | bytes], ...]


def _rich_status(
    code: grpc.StatusCode,
    message: str,
    details: Iterable[Message],
    request_id: str,
    service: str,
) -> _RichStatus:
    status = status_pb2.Status(code=code.value[0], message=message)
    for detail in (
        *details,
        error_details_pb2.RequestInfo(request_id=request_id, serving_data=service),
    ):
        status.details.add().Pack(detail)
    converted = rpc_status.to_status(status)
    return _RichStatus(
        code=converted.code,
        details=converted.details,
        trailing_metadata=(*converted.trailing_metadata, (REQUEST_ID_KEY, request_id)),
    )


def _error_details_messages(error: DomainError) -> list[Message]:
    if isinstance(error, InvalidArgument):
        return [
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=violation.field, description=violation.description
                    )
                    for violation in error.violations
                ]
            )
        ]
    if isinstance(error, FailedPrecondition):
        return [
            error_details_pb2.PreconditionFailure(
                violations=[
                    error_details_pb2.PreconditionFailure.Violation(
                        type=violation.type,
                        subject=violation.subject,
                        description=violation.description,
                    )
                    for violation in error.violations
                ]
            )
        ]
    if isinstance(error, AlreadyExists) and error.candidates:
        # A likely duplicate: one ResourceInfo per existing record, saying why it matches.
        return [
            error_details_pb2.ResourceInfo(
                resource_type=error.kind,
                resource_name=candidate.key,
                owner=candidate.owner,
                description=candidate.description,
            )
            for candidate in error.candidates
        ]
    if isinstance(error, NotFound | AlreadyExists):
        return [error_details_pb2.ResourceInfo(resource_type=error.kind, resource_name=error.key)]
    return []


def _metadata_value(metadata: Iterable[tuple[str, str | bytes]], key: str) -> str:
    for name, value in metadata:
        if name.lower() == key:
            return value.decode() if isinstance(value, bytes) else value
    return ""


class _ServedCall:
    """One business RPC as the interceptor sees it, from arrival to final status."""

    def __init__(self, service: str, method: str, context: grpc.ServicerContext) -> None:
        self.service = service
        self.method = method
        self.context = context
        self.started = time.perf_counter()
        GRPC_IN_FLIGHT.labels(service).inc()
        metadata = tuple(context.invocation_metadata())
        self.caller: Caller | None = None
        self.rejection: Unauthenticated | InvalidArgument | None = None
        self.expected_version: ExpectedVersion | None = None
        try:
            self.caller = caller_from_metadata(metadata)
            self.request_id = self.caller.request_id
            self.correlation_id = self.caller.correlation_id
        except Unauthenticated as rejection:
            self.rejection = rejection
            self.request_id = _metadata_value(metadata, REQUEST_ID_KEY) or str(uuid.uuid4())
            self.correlation_id = _metadata_value(metadata, CORRELATION_ID_KEY) or self.request_id
        try:
            # If-Match from the gateway; the record loaders compare it under the row lock.
            self.expected_version = expected_version_from_metadata(metadata)
        except InvalidArgument as malformed:
            self.rejection = self.rejection or malformed
        # Abort paths replace trailing metadata with their own, which repeats the id.
        context.set_trailing_metadata(((REQUEST_ID_KEY, self.request_id),))

    def run(self, step: Callable[[], T]) -> T:
        """Run one step of the servicer (the call, or one `next` of a response stream).

        The identity and log ids are bound for exactly the duration of the
        step, in the thread that runs it; every exception leaves as an abort
        with a status the client may see.
        """
        caller_token = bind_caller(self.caller)
        expected_token = bind_expected_version(self.expected_version)
        log_token = bind_log_context(self.request_id, self.correlation_id)
        try:
            if self.rejection is not None:
                raise self.rejection
            return step()
        except DomainError as error:
            self._abort_with_domain_error(error)
        except Exception:
            self._abort_unexpected()
        finally:
            reset_log_context(log_token)
            unbind_expected_version(expected_token)
            unbind_caller(caller_token)

    def _abort_with_domain_error(self, error: DomainError) -> NoReturn:
        code = status_code_of(error)
        if code is None:
            self._abort_unexpected()
        self._abort(
            _rich_status(
                code, error.message, _error_details_messages(error), self.request_id, self.service
            )
        )

    def _abort_unexpected(self) -> NoReturn:
        chosen = self.context.code()
        if chosen is not None and chosen is not grpc.StatusCode.OK:
            # The servicer ended the call itself (context.abort, or set_code and
            # raise): keep its status. Aborting again stops grpcio from adding
            # "Exception calling application: <text>" when no details were set.
            details = self.context.details()
            self.context.abort(
                chosen, details.decode() if isinstance(details, bytes) else details or ""
            )
        logger.exception("%s/%s failed unexpectedly", self.service, self.method)
        self._abort(
            _rich_status(
                grpc.StatusCode.INTERNAL,
                f"internal error; request id {self.request_id}",
                (),
                self.request_id,
                self.service,
            )
        )

    def _abort(self, status: _RichStatus) -> NoReturn:
        self.context.abort_with_status(status)
        raise AssertionError("grpc's ServicerContext.abort_with_status always raises")

    def finish(self) -> None:
        """Record the call's final status code and duration."""
        code = self.context.code()
        if code is None:
            if self.context.is_active():
                code = grpc.StatusCode.OK
            else:
                remaining = self.context.time_remaining()
                code = (
                    grpc.StatusCode.DEADLINE_EXCEEDED
                    if remaining is not None and remaining <= 0
                    else grpc.StatusCode.CANCELLED
                )
        GRPC_HANDLED.labels(self.service, self.method, code.name).inc()
        GRPC_HANDLING_SECONDS.labels(self.service, self.method).observe(
            time.perf_counter() - self.started
        )
        GRPC_IN_FLIGHT.labels(self.service).dec()


def _unary_response(
    behavior: Callable[[Any, grpc.ServicerContext], Any], service: str, method: str
) -> Callable[[Any, grpc.ServicerContext], Any]:
    def serve(request: Any, context: grpc.ServicerContext) -> Any:
        call = _ServedCall(service, method, context)
        try:
            return call.run(lambda: behavior(request, context))
        finally:
            call.finish()

    return serve


_END = object()


def _streaming_response(
    behavior: Callable[[Any, grpc.ServicerContext], Iterable[Any]], service: str, method: str
) -> Callable[[Any, grpc.ServicerContext], Iterator[Any]]:
    def serve(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        call = _ServedCall(service, method, context)
        responses: Iterator[Any] = iter(())
        try:
            responses = call.run(lambda: iter(behavior(request, context)))
            while True:
                # Each `next` runs servicer code, so it gets the same identity,
                # log ids and error translation as a unary call.
                response = call.run(lambda: next(responses, _END))
                if response is _END:
                    return
                yield response
        finally:
            # The client may cancel mid-stream: close the servicer's generator
            # so its own cleanup runs, then count the call.
            close = getattr(responses, "close", None)
            if close is not None:
                call.run(close)
            call.finish()

    return serve


class ServingInterceptor(grpc.ServerInterceptor):  # type: ignore[misc]  # grpc ships no types
    """Identity, log ids, metrics and error translation around every business RPC."""

    def __init__(self, service: str) -> None:
        self.service = service

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        """Wrap the handler of a business method; health and reflection pass through."""
        handler = continuation(handler_call_details)
        full_method: str = handler_call_details.method
        if handler is None or full_method.startswith(_OPEN_SERVICE_PREFIXES):
            return handler
        method = full_method.rsplit("/", 1)[-1]
        codec = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                _unary_response(handler.unary_unary, self.service, method), **codec
            )
        if handler.stream_unary is not None:
            return grpc.stream_unary_rpc_method_handler(
                _unary_response(handler.stream_unary, self.service, method), **codec
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                _streaming_response(handler.unary_stream, self.service, method), **codec
            )
        return grpc.stream_stream_rpc_method_handler(
            _streaming_response(handler.stream_stream, self.service, method), **codec
        )


# --- the server -----------------------------------------------------------------------


class ApiServer:
    """The gRPC server of one service, with health, reflection and graceful stop."""

    def __init__(
        self,
        service: str,
        register: Callable[[grpc.Server], Sequence[str]],
        readiness: Callable[[], None],
        *,
        port: int = 0,
        host: str = "0.0.0.0",
        max_workers: int = 16,
        health_interval: float = 5.0,
    ) -> None:
        """Prepare the server; nothing is bound until `start`.

        `register(server)` adds the servicers and returns their full service
        names (e.g. "salesops.pipeline.v1.PipelineService"). `readiness()`
        raises while a dependency (the database) does not answer.
        """
        self.service = service
        self.port = port
        self.host = host
        self._register = register
        self._readiness = readiness
        self._max_workers = max_workers
        self._health_interval = health_interval
        self._server: grpc.Server | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._health: health.HealthServicer | None = None
        self._service_names: tuple[str, ...] = ()
        self._ready: bool | None = None
        self._stopping = threading.Event()
        self._readiness_thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def start(self) -> None:
        """Bind the port, start serving, and report health from the readiness check.

        Raises ServerBindError naming the port if it cannot be bound.
        """
        if self._server is not None:
            raise RuntimeError(f"the {self.service} api server is started already")
        self._executor = ThreadPoolExecutor(
            self._max_workers, thread_name_prefix=f"{self.service}-grpc"
        )
        server = grpc.server(
            self._executor,
            interceptors=[ServingInterceptor(self.service)],
            options=list(SERVER_OPTIONS),
        )
        self._service_names = tuple(self._register(server))
        self._health = health.HealthServicer(experimental_non_blocking=True)
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        reflection.enable_server_reflection(
            (*self._service_names, health.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
        # HealthServicer starts with "" SERVING; nothing is ready before the check.
        for name in ("", *self._service_names):
            self._health.set(name, _NOT_SERVING)
        self._bind(server)
        server.start()
        self._server = server
        logger.info("%s api serving gRPC on %s", self.service, self.address)
        self._check_readiness()
        self._readiness_thread = threading.Thread(
            target=self._watch_readiness, name=f"{self.service}-readiness", daemon=True
        )
        self._readiness_thread.start()

    def _bind(self, server: grpc.Server) -> None:
        requested = self.address
        try:
            bound = server.add_insecure_port(requested)
        except RuntimeError as error:
            raise ServerBindError(self._bind_problem(requested)) from error
        if not bound:
            raise ServerBindError(self._bind_problem(requested))
        self.port = bound

    def _bind_problem(self, address: str) -> str:
        spec = SERVICES.get(self.service)
        setting = f"; set {spec.env_prefix}GRPC_PORT to a free port" if spec else ""
        return (
            f"cannot bind the {self.service} gRPC server to {address}: "
            f"port {self.port} is in use by another process or not permitted{setting}"
        )

    def _check_readiness(self) -> None:
        try:
            self._readiness()
        except Exception as error:  # any failure of a dependency means not ready
            if self._ready is not False:
                logger.warning("%s api is not ready: %s", self.service, error)
            self._set_ready(False)
        else:
            if self._ready is not True:
                logger.info("%s api is ready", self.service)
            self._set_ready(True)

    def _set_ready(self, ready: bool) -> None:
        self._ready = ready
        assert self._health is not None
        status = _SERVING if ready else _NOT_SERVING
        # After enter_graceful_shutdown these calls are ignored, so a late
        # check cannot report SERVING during the drain.
        for name in ("", *self._service_names):
            self._health.set(name, status)

    def _watch_readiness(self) -> None:
        while not self._stopping.wait(self._health_interval):
            self._check_readiness()

    def stop(self, grace: float) -> None:
        """Report NOT_SERVING, refuse new calls, and let in-flight calls finish within `grace` s."""
        if self._server is None or self._stopping.is_set():
            return
        self._stopping.set()
        assert self._health is not None
        self._health.enter_graceful_shutdown()
        logger.info("%s api stopping; draining in-flight calls for up to %ss", self.service, grace)
        self._server.stop(grace).wait()
        if self._readiness_thread is not None:
            # A readiness check stuck on a dead database must not hold up the exit.
            self._readiness_thread.join(timeout=1.0)
        if self._executor is not None:
            self._executor.shutdown(wait=False)
        logger.info("%s api stopped", self.service)

    def wait(self) -> None:
        """Block until the server has stopped (returns at once if it never started)."""
        if self._server is not None:
            self._server.wait_for_termination()


def run_api(
    service: str,
    register: Callable[[grpc.Server], Sequence[str]],
    readiness: Callable[[], None],
    *,
    port: int,
    metrics_port: int,
    grace: float,
) -> int:
    """Run a service's api process until SIGTERM or SIGINT; return the exit code.

    Serves `/metrics`, starts the gRPC server, and on a signal drains
    in-flight calls for up to `grace` seconds. Returns 0 after a clean stop,
    1 when a port cannot be bound. Must run in the main thread (signals).
    Logging is the caller's to configure.
    """
    # SimpleQueue.put is reentrant, so the signal handler cannot deadlock on a
    # lock the main thread holds, as Event.set could.
    signals: queue.SimpleQueue[int] = queue.SimpleQueue()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        signals.put(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    server = ApiServer(service, register, readiness, port=port)
    try:
        try:
            bound_metrics_port = serve_metrics(metrics_port)
        except OSError as error:
            logger.error("cannot serve %s api metrics on port %s: %s", service, metrics_port, error)
            return 1
        logger.info("%s api metrics on port %s", service, bound_metrics_port)
        try:
            server.start()
        except ServerBindError as error:
            logger.error("%s", error)
            return 1
        received = signal.Signals(signals.get())
        logger.info("%s api received %s", service, received.name)
        server.stop(grace)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- for clients: decoding the rich status --------------------------------------------


def error_details(rpc_error: grpc.RpcError) -> dict[str, Any]:
    """Decode a failed call's status and its `google.rpc` details into plain data.

    Returns {"code": grpc.StatusCode, "message": str, "request_id": str,
    "field_violations": [{"field", "description"}],
    "precondition_violations": [{"type", "subject", "description"}],
    "resource": {"resource_type", "resource_name"} of the first ResourceInfo or None,
    "resources": [{"resource_type", "resource_name", "owner", "description"}] of
    every ResourceInfo (the candidates of a likely duplicate)}. A status without
    rich details (e.g. UNAVAILABLE raised by the channel) yields empty lists.
    """
    code: grpc.StatusCode = rpc_error.code()
    decoded: dict[str, Any] = {
        "code": code,
        "message": rpc_error.details() or "",
        "request_id": _metadata_value(rpc_error.trailing_metadata() or (), REQUEST_ID_KEY),
        "field_violations": [],
        "precondition_violations": [],
        "resource": None,
        "resources": [],
    }
    try:
        status = rpc_status.from_call(rpc_error)
    except ValueError:  # details that disagree with the status line are ignored
        status = None
    if status is None:
        return decoded
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            decoded["field_violations"] = [
                {"field": v.field, "description": v.description}
                for v in bad_request.field_violations
            ]
        elif detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            failure = error_details_pb2.PreconditionFailure()
            detail.Unpack(failure)
            decoded["precondition_violations"] = [
                {"type": v.type, "subject": v.subject, "description": v.description}
                for v in failure.violations
            ]
        elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
            resource = error_details_pb2.ResourceInfo()
            detail.Unpack(resource)
            if decoded["resource"] is None:
                decoded["resource"] = {
                    "resource_type": resource.resource_type,
                    "resource_name": resource.resource_name,
                }
            decoded["resources"].append(
                {
                    "resource_type": resource.resource_type,
                    "resource_name": resource.resource_name,
                    "owner": resource.owner,
                    "description": resource.description,
                }
            )
        elif detail.Is(error_details_pb2.RequestInfo.DESCRIPTOR):
            request_info = error_details_pb2.RequestInfo()
            detail.Unpack(request_info)
            decoded["request_id"] = request_info.request_id or decoded["request_id"]
    return decoded
