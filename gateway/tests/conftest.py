"""Real gRPC servers with small fake servicers, and a gateway pointed at them.

The fakes stand in for the pipeline and customers services (built and tested
elsewhere); they record the metadata they receive and can be told to fail
with rich `google.rpc` details, so the tests exercise the gateway's real gRPC
client path end to end.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from fastapi.testclient import TestClient
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from jwt.warnings import InsecureKeyLengthWarning
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import customers_pb2, customers_pb2_grpc
from salesops.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.tokens import issue_token
from services.kit.config import SERVICES

Failure = Callable[[grpc.ServicerContext], None]


def abort_rich(
    context: grpc.ServicerContext, code: grpc.StatusCode, message: str, *details: Message
) -> None:
    """Abort the call the way services/kit does: a google.rpc.Status with details."""
    packed = []
    for detail in details:
        item = any_pb2.Any()
        item.Pack(detail)
        packed.append(item)
    status = status_pb2.Status(code=getattr(code_pb2, code.name), message=message, details=packed)
    context.abort_with_status(rpc_status.to_status(status))


def bad_request(*violations: tuple[str, str]) -> error_details_pb2.BadRequest:
    return error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
            for f, d in violations
        ]
    )


def precondition_failure(type_: str, subject: str, description: str) -> Message:
    return error_details_pb2.PreconditionFailure(
        violations=[
            error_details_pb2.PreconditionFailure.Violation(
                type=type_, subject=subject, description=description
            )
        ]
    )


@dataclass
class ReceivedCall:
    method: str
    metadata: dict[str, str]
    request: Message


@dataclass
class Recorder:
    """What a fake servicer saw, and failures to inject per method."""

    calls: list[ReceivedCall] = field(default_factory=list)
    failures: dict[str, Failure] = field(default_factory=dict)

    def record(self, method: str, request: Message, context: grpc.ServicerContext) -> None:
        self.calls.append(ReceivedCall(method, dict(context.invocation_metadata()), request))
        failure = self.failures.get(method)
        if failure is not None:
            failure(context)

    @property
    def last(self) -> ReceivedCall:
        return self.calls[-1]


def _now() -> Timestamp:
    stamp = Timestamp()
    stamp.FromSeconds(1_767_225_600)  # 2026-01-01T00:00:00Z
    return stamp


class FakePipeline(pipeline_pb2_grpc.PipelineServiceServicer):
    """Leads in memory, with the lead state machine's gates."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.leads: dict[str, pipeline_pb2.Lead] = {}

    def CreateLead(self, request: Any, context: Any) -> Any:
        self.recorder.record("CreateLead", request, context)
        subject = dict(context.invocation_metadata())["x-salesops-subject"]
        lead = pipeline_pb2.Lead(
            lead_id=f"lead-{len(self.leads) + 1}",
            region=request.region,
            company_name=request.company_name,
            contact_name=request.contact_name,
            contact_email=request.contact_email,
            country=request.country,
            source=request.source,
            owner_id=request.owner_id or subject,
            status=pipeline_pb2.LEAD_STATUS_NEW,
            audit=common_pb2.AuditInfo(create_time=_now(), created_by=subject),
        )
        self.leads[lead.lead_id] = lead
        return pipeline_pb2.CreateLeadResponse(lead=lead)

    def _lead(self, lead_id: str, context: Any) -> pipeline_pb2.Lead:
        if lead_id not in self.leads:
            abort_rich(context, grpc.StatusCode.NOT_FOUND, f"lead '{lead_id}' was not found")
        return self.leads[lead_id]

    def GetLead(self, request: Any, context: Any) -> Any:
        self.recorder.record("GetLead", request, context)
        return pipeline_pb2.GetLeadResponse(lead=self._lead(request.lead_id, context))

    def ListLeads(self, request: Any, context: Any) -> Any:
        self.recorder.record("ListLeads", request, context)
        leads = [
            lead
            for lead in self.leads.values()
            if not request.status or lead.status == request.status
        ]
        size = request.page.page_size or 50
        more = len(leads) > size
        return pipeline_pb2.ListLeadsResponse(
            leads=leads[:size],
            page=common_pb2.PageResponse(next_page_token="next" if more else ""),
        )

    def _move(
        self, lead_id: str, context: Any, allowed_from: set[int], to: int, action: str
    ) -> pipeline_pb2.Lead:
        lead = self._lead(lead_id, context)
        if lead.status not in allowed_from:
            abort_rich(
                context,
                grpc.StatusCode.FAILED_PRECONDITION,
                f"lead '{lead_id}' cannot be {action}",
                precondition_failure(
                    "STATE", f"lead/{lead_id}", f"only a qualified lead can be {action}"
                ),
            )
        lead.status = to
        return lead

    def QualifyLead(self, request: Any, context: Any) -> Any:
        self.recorder.record("QualifyLead", request, context)
        lead = self._move(
            request.lead_id,
            context,
            {pipeline_pb2.LEAD_STATUS_NEW},
            pipeline_pb2.LEAD_STATUS_QUALIFIED,
            "qualified",
        )
        lead.qualify_time.CopyFrom(_now())
        return pipeline_pb2.QualifyLeadResponse(lead=lead)

    def DisqualifyLead(self, request: Any, context: Any) -> Any:
        self.recorder.record("DisqualifyLead", request, context)
        if not request.reason.strip():
            abort_rich(
                context,
                grpc.StatusCode.INVALID_ARGUMENT,
                "invalid argument: reason: is required",
                bad_request(("reason", "is required")),
            )
        lead = self._move(
            request.lead_id,
            context,
            {pipeline_pb2.LEAD_STATUS_NEW, pipeline_pb2.LEAD_STATUS_QUALIFIED},
            pipeline_pb2.LEAD_STATUS_DISQUALIFIED,
            "disqualified",
        )
        lead.disqualify_reason = request.reason
        return pipeline_pb2.DisqualifyLeadResponse(lead=lead)

    def ConvertLead(self, request: Any, context: Any) -> Any:
        self.recorder.record("ConvertLead", request, context)
        lead = self._move(
            request.lead_id,
            context,
            {pipeline_pb2.LEAD_STATUS_QUALIFIED},
            pipeline_pb2.LEAD_STATUS_CONVERTED,
            "converted",
        )
        lead.convert_time.CopyFrom(_now())
        return pipeline_pb2.ConvertLeadResponse(lead=lead)


class FakeCustomers(customers_pb2_grpc.CustomersServiceServicer):
    """One customer account with two contacts."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.customer = customers_pb2.Customer(
            customer_id="cus-1",
            region="emea",
            name="Acme GmbH",
            country="DE",
            status=customers_pb2.CUSTOMER_STATUS_ACTIVE,
            owner_id="rep-1",
            source_lead_id="lead-1",
            contacts=[
                customers_pb2.Contact(contact_id="c-1", name="Ada", create_time=_now()),
                customers_pb2.Contact(contact_id="c-2", name="Grace"),
            ],
        )

    def GetCustomer(self, request: Any, context: Any) -> Any:
        self.recorder.record("GetCustomer", request, context)
        if request.customer_id != self.customer.customer_id:
            abort_rich(
                context,
                grpc.StatusCode.NOT_FOUND,
                f"customer '{request.customer_id}' was not found",
            )
        return customers_pb2.GetCustomerResponse(customer=self.customer)

    def ListCustomers(self, request: Any, context: Any) -> Any:
        self.recorder.record("ListCustomers", request, context)
        return customers_pb2.ListCustomersResponse(
            customers=[self.customer], page=common_pb2.PageResponse(next_page_token="")
        )


@dataclass
class Upstream:
    """A running fake service: its server, address, recorder and health servicer."""

    server: grpc.Server
    target: str
    recorder: Recorder
    health: health.HealthServicer

    def stop(self) -> None:
        self.server.stop(grace=None).wait()


def _start(register: Callable[[grpc.Server, Recorder], Any]) -> Upstream:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    recorder = Recorder()
    register(server, recorder)
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return Upstream(server, f"127.0.0.1:{port}", recorder, health_servicer)


@pytest.fixture(autouse=True)
def _accept_the_short_dev_secret() -> None:
    # gateway.settings silences this at import; pytest resets filters per test.
    warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)


@pytest.fixture
def pipeline_upstream() -> Iterator[Upstream]:
    upstream = _start(
        lambda server, recorder: pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(
            FakePipeline(recorder), server
        )
    )
    yield upstream
    upstream.stop()


@pytest.fixture
def customers_upstream() -> Iterator[Upstream]:
    upstream = _start(
        lambda server, recorder: customers_pb2_grpc.add_CustomersServiceServicer_to_server(
            FakeCustomers(recorder), server
        )
    )
    yield upstream
    upstream.stop()


@pytest.fixture
def other_upstreams() -> Iterator[dict[str, Upstream]]:
    """Health-only servers for every other service, so readiness sees all of them."""
    upstreams = {
        name: _start(lambda server, recorder: None)
        for name in SERVICES
        if name not in ("pipeline", "customers")
    }
    yield upstreams
    for upstream in upstreams.values():
        upstream.stop()


@pytest.fixture
def gateway_env(
    pipeline_upstream: Upstream,
    customers_upstream: Upstream,
    other_upstreams: dict[str, Upstream],
) -> dict[str, str]:
    """Environment for a development gateway in front of the fakes."""
    return {
        "SALESOPS_PIPELINE_TARGET": pipeline_upstream.target,
        "SALESOPS_CUSTOMERS_TARGET": customers_upstream.target,
        **{f"SALESOPS_{name.upper()}_TARGET": u.target for name, u in other_upstreams.items()},
        "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "2",
    }


@pytest.fixture
def settings(gateway_env: dict[str, str]) -> GatewaySettings:
    return GatewaySettings.from_env(gateway_env)


@pytest.fixture
def client(settings: GatewaySettings) -> Iterator[TestClient]:
    # The context manager runs the lifespan, which opens the gRPC channels.
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def bearer(settings: GatewaySettings) -> Callable[..., dict[str, str]]:
    """Authorization headers for a token with the given roles and regions."""

    def headers(
        roles: tuple[str, ...] = ("rep",),
        regions: tuple[str, ...] = ("emea",),
        subject: str = "rep-1",
    ) -> dict[str, str]:
        token = issue_token(subject, list(roles), list(regions), settings=settings)
        return {"Authorization": f"Bearer {token}"}

    return headers


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
