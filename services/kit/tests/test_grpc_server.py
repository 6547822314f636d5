"""The api server, against a real grpcio server on an ephemeral port and a real channel."""

from __future__ import annotations

import io
import json
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from prometheus_client import REGISTRY
from salesops.customers.v1 import customers_pb2, customers_pb2_grpc

from services.kit import errors
from services.kit.config import PROJECT_ROOT
from services.kit.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from services.kit.grpc_server import (
    STATUS_OF_DOMAIN_ERROR,
    ApiServer,
    ServerBindError,
    error_details,
)
from services.kit.identity import current_caller
from services.kit.logs import configure_logging, current_log_context

SERVICE = "kit-test"
CUSTOMERS_SERVICE = "salesops.customers.v1.CustomersService"
STREAMS_SERVICE = "kit.test.v1.Streams"
CALLER = (
    ("x-salesops-subject", "rep-ana"),
    ("x-salesops-roles", "rep"),
    ("x-salesops-regions", "emea"),
    ("x-request-id", "req-1"),
)
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVING = health_pb2.HealthCheckResponse.SERVING


class CustomersFixtureServicer(customers_pb2_grpc.CustomersServiceServicer):
    """Answers by customer_id: each special id exercises one path of the interceptor."""

    def __init__(self) -> None:
        self.slow_call_started = threading.Event()
        self.release_slow_call = threading.Event()

    def GetCustomer(
        self, request: customers_pb2.GetCustomerRequest, context: grpc.ServicerContext
    ) -> customers_pb2.GetCustomerResponse:
        key = request.customer_id
        if key == "missing":
            raise NotFound("customer", key)
        if key == "bad":
            raise InvalidArgument(
                [
                    FieldViolation("customer_id", "must be a UUID"),
                    FieldViolation("region", "is required"),
                ]
            )
        if key == "gate":
            raise FailedPrecondition(
                [RuleViolation("STATE", "customer/gate", "the customer must be active")]
            )
        if key == "taken":
            raise AlreadyExists("customer", key)
        if key == "denied":
            raise PermissionDenied("region 'apac' is not one of the caller's regions")
        if key == "boom":
            raise RuntimeError("secret detail")
        if key == "throttled":
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down")
        if key == "slow":
            self.slow_call_started.set()
            self.release_slow_call.wait(timeout=5)
        caller = current_caller()
        log_context = current_log_context()
        assert log_context is not None
        # The response echoes what the interceptor bound, so tests can see it.
        return customers_pb2.GetCustomerResponse(
            customer=customers_pb2.Customer(
                customer_id=key,
                name=caller.subject,
                region=",".join(sorted(caller.regions)),
                owner_id=log_context.request_id,
                industry=log_context.correlation_id,
            )
        )

    def ListCustomers(
        self, request: customers_pb2.ListCustomersRequest, context: grpc.ServicerContext
    ) -> customers_pb2.ListCustomersResponse:
        subject = current_caller().subject
        return customers_pb2.ListCustomersResponse(
            customers=[customers_pb2.Customer(customer_id="c-1", owner_id=subject)]
        )


def _countdown(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
    """unary-stream: b"fail" yields once then breaks a rule; else n chunks naming the caller."""
    if request == b"fail":
        yield b"first"
        raise FailedPrecondition([RuleViolation("STATE", "stream", "stream broke a rule")])
    for _ in range(int(request)):
        yield current_caller().subject.encode()


def _concat(requests: Iterator[bytes], context: grpc.ServicerContext) -> bytes:
    """stream-unary: the chunks joined, then the caller."""
    return b"".join(requests) + b"|" + current_caller().subject.encode()


def _echo(requests: Iterator[bytes], context: grpc.ServicerContext) -> Iterator[bytes]:
    """stream-stream: each chunk back with the caller."""
    for chunk in requests:
        yield chunk + b"|" + current_caller().subject.encode()


def register_fixture_services(server: grpc.Server) -> list[str]:
    """Register the fixture servicers; also used by the run_api subprocess test."""
    return register_with(CustomersFixtureServicer())(server)


def register_with(servicer: CustomersFixtureServicer) -> Callable[[grpc.Server], list[str]]:
    def register(server: grpc.Server) -> list[str]:
        customers_pb2_grpc.add_CustomersServiceServicer_to_server(servicer, server)
        # Raw-bytes handlers (no serializers) cover the three streaming shapes.
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    STREAMS_SERVICE,
                    {
                        "Countdown": grpc.unary_stream_rpc_method_handler(_countdown),
                        "Concat": grpc.stream_unary_rpc_method_handler(_concat),
                        "Echo": grpc.stream_stream_rpc_method_handler(_echo),
                    },
                ),
            )
        )
        return [CUSTOMERS_SERVICE, STREAMS_SERVICE]

    return register


@dataclass
class Readiness:
    """A database stand-in whose availability a test switches."""

    down: bool = False

    def __call__(self) -> None:
        if self.down:
            raise ConnectionError("database does not answer")


@dataclass
class Running:
    server: ApiServer
    channel: grpc.Channel
    servicer: CustomersFixtureServicer
    readiness: Readiness
    customers: customers_pb2_grpc.CustomersServiceStub = field(init=False)
    health: health_pb2_grpc.HealthStub = field(init=False)

    def __post_init__(self) -> None:
        self.customers = customers_pb2_grpc.CustomersServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)

    def get(
        self, customer_id: str, metadata: tuple[tuple[str, str], ...] = CALLER
    ) -> customers_pb2.GetCustomerResponse:
        request = customers_pb2.GetCustomerRequest(customer_id=customer_id)
        return self.customers.GetCustomer(request, metadata=metadata, timeout=5)

    def failure(self, customer_id: str, metadata: tuple[tuple[str, str], ...] = CALLER) -> Any:
        with pytest.raises(grpc.RpcError) as raised:
            self.get(customer_id, metadata)
        return raised.value

    def status(self, service: str = "") -> int:
        request = health_pb2.HealthCheckRequest(service=service)
        return self.health.Check(request, timeout=5).status


@pytest.fixture
def start_server() -> Iterator[Callable[..., Running]]:
    running: list[Running] = []

    def start(readiness: Readiness | None = None, health_interval: float = 5.0) -> Running:
        servicer = CustomersFixtureServicer()
        readiness = readiness or Readiness()
        server = ApiServer(
            SERVICE,
            register_with(servicer),
            readiness,
            host="127.0.0.1",
            health_interval=health_interval,
        )
        server.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        running.append(Running(server, channel, servicer, readiness))
        return running[-1]

    yield start
    for each in running:
        each.servicer.release_slow_call.set()
        each.channel.close()
        each.server.stop(0)


@pytest.fixture
def api(start_server: Callable[..., Running]) -> Running:
    return start_server()


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("kit-test-api", stream=stream)
    yield stream
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def handled(method: str, code: str) -> float:
    labels = {"service": SERVICE, "method": method, "code": code}
    return REGISTRY.get_sample_value("salesops_grpc_server_handled_total", labels) or 0.0


def handling_count(method: str) -> float:
    labels = {"service": SERVICE, "method": method}
    return REGISTRY.get_sample_value("salesops_grpc_server_handling_seconds_count", labels) or 0.0


# --- identity ---------------------------------------------------------------------------


def test_the_caller_and_log_ids_reach_the_servicer_thread(api: Running) -> None:
    metadata = (*CALLER, ("x-correlation-id", "corr-9"))
    response, call = api.customers.GetCustomer.with_call(
        customers_pb2.GetCustomerRequest(customer_id="c-1"), metadata=metadata, timeout=5
    )

    assert response.customer.name == "rep-ana"
    assert response.customer.region == "EMEA"  # region codes are upper-cased on the way in
    assert response.customer.owner_id == "req-1"
    assert response.customer.industry == "corr-9"
    assert ("x-request-id", "req-1") in call.trailing_metadata()


def test_a_call_without_a_subject_is_unauthenticated(api: Running) -> None:
    error = api.failure("c-1", metadata=(("x-request-id", "req-anon"),))

    assert error.code() is grpc.StatusCode.UNAUTHENTICATED
    details = error_details(error)
    assert "x-salesops-subject" in details["message"]
    assert details["request_id"] == "req-anon"


def test_an_unknown_role_is_unauthenticated(api: Running) -> None:
    error = api.failure("c-1", metadata=(("x-salesops-subject", "x"), ("x-salesops-roles", "god")))

    assert error.code() is grpc.StatusCode.UNAUTHENTICATED
    assert "god" in error.details()


# --- errors ----------------------------------------------------------------------------


def test_not_found_names_the_resource(api: Running) -> None:
    details = error_details(api.failure("missing"))

    assert details["code"] is grpc.StatusCode.NOT_FOUND
    assert details["message"] == "customer 'missing' was not found"
    assert details["resource"] == {"resource_type": "customer", "resource_name": "missing"}
    assert details["request_id"] == "req-1"


def test_invalid_argument_lists_every_field(api: Running) -> None:
    details = error_details(api.failure("bad"))

    assert details["code"] is grpc.StatusCode.INVALID_ARGUMENT
    assert details["field_violations"] == [
        {"field": "customer_id", "description": "must be a UUID"},
        {"field": "region", "description": "is required"},
    ]


def test_failed_precondition_lists_the_rules(api: Running) -> None:
    details = error_details(api.failure("gate"))

    assert details["code"] is grpc.StatusCode.FAILED_PRECONDITION
    assert details["precondition_violations"] == [
        {"type": "STATE", "subject": "customer/gate", "description": "the customer must be active"}
    ]


def test_already_exists_and_permission_denied(api: Running) -> None:
    taken = error_details(api.failure("taken"))
    denied = error_details(api.failure("denied"))

    assert taken["code"] is grpc.StatusCode.ALREADY_EXISTS
    assert taken["resource"] == {"resource_type": "customer", "resource_name": "taken"}
    assert denied["code"] is grpc.StatusCode.PERMISSION_DENIED
    assert denied["message"] == "region 'apac' is not one of the caller's regions"


def test_every_domain_error_has_a_status() -> None:
    kinds = {
        kind
        for kind in vars(errors).values()
        if isinstance(kind, type) and issubclass(kind, DomainError) and kind is not DomainError
    }

    assert kinds == set(STATUS_OF_DOMAIN_ERROR)


def test_an_unexpected_error_is_internal_and_logged_not_leaked(
    api: Running, json_log: io.StringIO
) -> None:
    before = handled("GetCustomer", "INTERNAL")
    error = api.failure("boom", metadata=(*CALLER[:3], ("x-request-id", "req-boom")))

    assert error.code() is grpc.StatusCode.INTERNAL
    assert error.details() == "internal error; request id req-boom"
    assert "secret" not in repr(error_details(error))
    assert handled("GetCustomer", "INTERNAL") == before + 1
    [logged] = [
        entry
        for entry in map(json.loads, json_log.getvalue().splitlines())
        if entry["level"] == "ERROR"
    ]
    assert logged["request_id"] == "req-boom"
    assert "RuntimeError: secret detail" in logged["exc_info"]


def test_a_servicer_abort_keeps_its_code_and_is_counted_with_it(api: Running) -> None:
    before = handled("GetCustomer", "RESOURCE_EXHAUSTED")
    error = api.failure("throttled")

    assert error.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert error.details() == "slow down"
    assert handled("GetCustomer", "RESOURCE_EXHAUSTED") == before + 1


# --- metrics -----------------------------------------------------------------------------


def test_calls_are_counted_by_method_and_final_code(api: Running) -> None:
    ok, not_found, unauthenticated = (
        handled("GetCustomer", "OK"),
        handled("GetCustomer", "NOT_FOUND"),
        handled("GetCustomer", "UNAUTHENTICATED"),
    )
    listed, timed = handled("ListCustomers", "OK"), handling_count("GetCustomer")

    api.get("c-1")
    api.failure("missing")
    api.failure("c-1", metadata=())
    api.customers.ListCustomers(customers_pb2.ListCustomersRequest(), metadata=CALLER, timeout=5)

    assert handled("GetCustomer", "OK") == ok + 1
    assert handled("GetCustomer", "NOT_FOUND") == not_found + 1
    assert handled("GetCustomer", "UNAUTHENTICATED") == unauthenticated + 1
    assert handled("ListCustomers", "OK") == listed + 1
    assert handling_count("GetCustomer") == timed + 3
    assert REGISTRY.get_sample_value(
        "salesops_grpc_server_in_flight_requests", {"service": SERVICE}
    ) == pytest.approx(0)


def test_health_and_reflection_calls_are_not_business_calls(api: Running) -> None:
    api.status()

    assert handled("Check", "OK") == 0


# --- streaming ---------------------------------------------------------------------------


def test_streaming_shapes_carry_the_caller(api: Running) -> None:
    countdown = api.channel.unary_stream(f"/{STREAMS_SERVICE}/Countdown")
    concat = api.channel.stream_unary(f"/{STREAMS_SERVICE}/Concat")
    echo = api.channel.stream_stream(f"/{STREAMS_SERVICE}/Echo")
    before = handled("Countdown", "OK")

    assert list(countdown(b"2", metadata=CALLER, timeout=5)) == [b"rep-ana", b"rep-ana"]
    assert concat(iter([b"a", b"b"]), metadata=CALLER, timeout=5) == b"ab|rep-ana"
    assert list(echo(iter([b"x", b"y"]), metadata=CALLER, timeout=5)) == [
        b"x|rep-ana",
        b"y|rep-ana",
    ]
    assert handled("Countdown", "OK") == before + 1
    assert handled("Echo", "OK") >= 1


def test_an_error_mid_stream_is_translated_and_counted(api: Running) -> None:
    countdown = api.channel.unary_stream(f"/{STREAMS_SERVICE}/Countdown")
    before = handled("Countdown", "FAILED_PRECONDITION")
    received: list[bytes] = []

    with pytest.raises(grpc.RpcError) as raised:
        for chunk in countdown(b"fail", metadata=CALLER, timeout=5):
            received.append(chunk)

    assert received == [b"first"]
    details = error_details(raised.value)
    assert details["code"] is grpc.StatusCode.FAILED_PRECONDITION
    assert details["precondition_violations"][0]["description"] == "stream broke a rule"
    assert handled("Countdown", "FAILED_PRECONDITION") == before + 1


def test_a_stream_the_client_cancels_is_counted_as_cancelled(api: Running) -> None:
    countdown = api.channel.unary_stream(f"/{STREAMS_SERVICE}/Countdown")
    before = handled("Countdown", "CANCELLED")

    responses = countdown(b"100000", metadata=CALLER, timeout=5)
    assert next(responses) == b"rep-ana"
    responses.cancel()

    wait_until(lambda: handled("Countdown", "CANCELLED") == before + 1)
    assert REGISTRY.get_sample_value(
        "salesops_grpc_server_in_flight_requests", {"service": SERVICE}
    ) == pytest.approx(0)


def test_a_stream_without_identity_is_unauthenticated(api: Running) -> None:
    echo = api.channel.stream_stream(f"/{STREAMS_SERVICE}/Echo")

    with pytest.raises(grpc.RpcError) as raised:
        list(echo(iter([b"x"]), timeout=5))

    assert raised.value.code() is grpc.StatusCode.UNAUTHENTICATED


# --- health, reflection ------------------------------------------------------------------


def test_health_is_serving_for_the_server_and_each_service(api: Running) -> None:
    assert api.status() == SERVING
    assert api.status(CUSTOMERS_SERVICE) == SERVING
    assert api.status(STREAMS_SERVICE) == SERVING


def test_health_follows_readiness(start_server: Callable[..., Running]) -> None:
    api = start_server(health_interval=0.02)
    assert api.status() == SERVING

    api.readiness.down = True
    wait_until(lambda: api.status() == NOT_SERVING)
    assert api.status(CUSTOMERS_SERVICE) == NOT_SERVING

    api.readiness.down = False
    wait_until(lambda: api.status() == SERVING)
    assert api.status(CUSTOMERS_SERVICE) == SERVING


def test_a_server_whose_database_is_down_starts_not_serving(
    start_server: Callable[..., Running],
) -> None:
    api = start_server(readiness=Readiness(down=True))

    assert api.status() == NOT_SERVING
    assert api.status(CUSTOMERS_SERVICE) == NOT_SERVING


def test_reflection_lists_the_services(api: Running) -> None:
    services = set(ProtoReflectionDescriptorDatabase(api.channel).get_services())

    assert {CUSTOMERS_SERVICE, "grpc.health.v1.Health"} <= services


# --- ports and shutdown -------------------------------------------------------------------


def test_a_taken_port_is_a_clear_error(api: Running) -> None:
    second = ApiServer(SERVICE, register_fixture_services, Readiness(), port=api.server.port)

    with pytest.raises(ServerBindError, match=str(api.server.port)):
        second.start()


def test_stop_reports_not_serving_refuses_new_calls_and_drains_in_flight_ones(
    api: Running,
) -> None:
    watch = api.health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
    assert next(watch).status == SERVING
    slow: Future[customers_pb2.GetCustomerResponse] = api.customers.GetCustomer.future(
        customers_pb2.GetCustomerRequest(customer_id="slow"), metadata=CALLER, timeout=10
    )
    assert api.servicer.slow_call_started.wait(timeout=5)

    stopping = threading.Thread(target=api.server.stop, args=(5.0,))
    stopping.start()
    assert next(watch).status == NOT_SERVING
    watch.cancel()  # an open watch is an in-flight call too; it would hold the drain

    def refused() -> bool:
        try:
            api.get("c-new")
        except grpc.RpcError as error:
            return bool(error.code() is grpc.StatusCode.UNAVAILABLE)
        return False

    wait_until(refused)
    assert not slow.done()

    api.servicer.release_slow_call.set()
    assert slow.result(timeout=5).customer.name == "rep-ana"
    stopping.join(timeout=5)
    assert not stopping.is_alive()
    after = error_details(api.failure("c-after"))
    assert after["code"] is grpc.StatusCode.UNAVAILABLE
    assert after["field_violations"] == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return int(probe.getsockname()[1])


RUN_API_SCRIPT = """
import sys
from services.kit.grpc_server import run_api
from services.kit.logs import configure_logging
from services.kit.tests.test_grpc_server import register_fixture_services

configure_logging("kit-test-api")
sys.exit(run_api("kit-test", register_fixture_services, lambda: None,
                 port=int(sys.argv[1]), metrics_port=0, grace=5.0))
"""


def test_run_api_exits_zero_on_sigterm_and_releases_the_port() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_API_SCRIPT, str(port)],
        cwd=PROJECT_ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=10)
            health = health_pb2_grpc.HealthStub(channel)
            assert health.Check(health_pb2.HealthCheckRequest(), timeout=5).status == SERVING

        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
        process.wait()

    assert process.returncode == 0, stderr
    messages = [json.loads(line)["message"] for line in stderr.splitlines()]
    assert "kit-test api received SIGTERM" in messages
    reuse = ApiServer(SERVICE, register_fixture_services, Readiness(), port=port)
    reuse.start()
    reuse.stop(0)
