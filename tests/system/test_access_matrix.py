"""Every cell of the route x role matrix (gateway/access.py, docs/security.md), checked live.

For every business route and every role, a caller of region NORTH holding
just that role calls the running gateway:

- a denied cell must be refused by the gateway (403 naming the route's
  roles), and the same upstream RPC, called directly over gRPC with that
  role's metadata and the request the gateway would have sent, must be
  refused by the service too (PERMISSION_DENIED, or NOT_FOUND where the
  service hides the record): the service enforces the rule again;
- an allowed cell must pass both gates: neither 401 nor 403 (a minimal
  request built from the route's OpenAPI example, so 400/404/409/412/422 are
  fine); a row marked `all_regions` (a setting of every region at once) is
  refused to a NORTH token and served to a token for every region (`*`).

Then region: a caller of region SOUTH does not see NORTH's seeded lead,
customer, opportunity, org unit and course (404), and a list filtered on
region=NORTH is empty for them.

The request the gateway sends upstream is captured from an in-process gateway
whose upstream calls are recorded instead of made; the matrix's own table
names the RPC, so a route whose upstream RPC differs from its row fails here.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
import pytest
from fastapi.testclient import TestClient
from google.protobuf import message_factory
from google.protobuf.message import Message

from gateway.access import COMPOSED, PUBLIC_ROUTES, ROLE_ORDER, ROUTES, RouteAccess
from gateway.app import create_app
from gateway.problems import Problem
from gateway.settings import GatewaySettings
from gateway.upstreams import stub_classes
from services.kit.identity import Caller
from tests.system import harness

pytestmark = pytest.mark.system

NORTH = "NORTH"
SOUTH = "SOUTH"
MISSING = "matrix-missing"
# Every role but the one under test is absent from its token: one role per caller.
SUBJECTS = {role: f"matrix-{role}-{secrets.token_hex(3)}" for role in ROLE_ORDER}
# Routes checked at once (each role's token stays well under the gateway's rate limit).
CONCURRENT_ROUTES = 4

# Routes that would change settings outside region NORTH if an allowed cell sent the
# example as is; their path names something that does not exist instead.
PATH_VALUES = {
    "region": NORTH,
    "period": "FY2099-M01",
    "period_code": "FY2099-Q1",
    "from_currency": "XTS",
    "to_currency": "XXX",
    "role": "matrix",
    "rule": "stale_opportunity",
}
# A denied cell never reaches the service through the gateway, so its direct call may
# name a real value where an allowed cell's must not (a global setting).
DENIED_PATH_VALUES = {**PATH_VALUES, "role": "rep"}
QUERY_VALUES = {"period": "FY2027-Q1", "region": NORTH, "role": "rep"}
# Optional query parameters a route needs one of to reach its RPC's role check.
QUERY_FIXES: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/v1/credits:summary"): {"period": "FY2027-Q1", "rep": MISSING},
    ("GET", "/v1/readiness"): {"rep": MISSING},
}
# Stands for the field's seeded NORTH record in BODY_FIXES.
SEEDED = object()
# The generated OpenAPI examples are shapes, not always valid values; services check
# values before roles, so these make each example pass validation (None drops a field).
BODY_FIXES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/activities"): {"opportunity_id": None, "customer_id": None, "owner_id": None},
    ("POST", "/v1/assessments"): {
        "questions": [
            {
                "text": "Pick yes",
                "kind": "single_choice",
                "options": ["no", "yes"],
                "points": 1,
                "correct_options": [1],
            }
        ]
    },
    ("POST", "/v1/assignment-rules"): {"course_id": None},
    ("POST", "/v1/commission-plans"): {"effective_to": None, "rules": {"base_rate_bp": 500}},
    ("POST", "/v1/commission-statements:calculate"): {"rep_id": None},
    ("POST", "/v1/competitors"): {"website": "matrix.example"},
    ("POST", "/v1/courses"): {"product_lines": ["fleet"], "certifies_product_line": "fleet"},
    ("POST", "/v1/customers"): {
        "domain": "matrix.example",
        "company_size": "50-249",
        "owner_id": None,
    },
    ("POST", "/v1/enrollments"): {"path_id": None, "due_on": "2099-01-31"},
    ("POST", "/v1/enrollments:self-enroll"): {"due_on": "2099-01-31"},
    ("POST", "/v1/evaluations:calibrate"): {"period_code": "FY2027-Q1"},
    ("POST", "/v1/evaluations/{evaluation_id}:resolve"): {"new_rating": None},
    ("PATCH", "/v1/improvement-actions/{action_id}"): {"drop_reason": None},
    ("PUT", "/v1/inspection-rules/{rule}"): {"authorities": []},
    ("POST", "/v1/intel"): {"observed_on": "2026-01-05"},
    ("POST", "/v1/opportunities"): {
        "team_members": [],
        "owner_id": None,
        "pipeline_id": None,
        "customer_id": SEEDED,
    },
    ("POST", "/v1/opportunities/{opportunity_id}:win"): {"signed_date": "2026-01-05"},
    ("POST", "/v1/penalties"): {"points": 0, "amount": None},
    ("POST", "/v1/pipelines"): {
        "stages": [
            {
                "name": kind,
                "probability_bp": bp,
                "forecast_category": category,
                "kind": kind,
            }
            for kind, bp, category in (
                ("open", 2000, "pipeline"),
                ("won", 10000, "closed"),
                ("lost", 0, "omitted"),
            )
        ]
    },
    ("POST", "/v1/reps/{rep_id}:assign"): {"status": "active"},
    ("POST", "/v1/rewards"): {"points": 0},
    ("POST", "/v1/scorecards:publish"): {"region": None},
    ("PUT", "/v1/stage-gates/{stage_id}"): {
        "criteria": [{"name": "next_step", "required_field": {"field": "next_step"}}]
    },
    ("POST", "/v1/surveys"): {"responded_at": "2026-01-05T09:30:00Z"},
    ("POST", "/v1/targets/{target_id}:allocate"): {"weights": None},
    ("POST", "/v1/territories"): {"countries": ["DE"], "company_sizes": ["50-249"]},
}
for (_method, _path), _fix in list(BODY_FIXES.items()):
    # An update takes the same values as its create.
    _update = {
        "/v1/assessments": ("PUT", "/v1/assessments/{assessment_id}"),
        "/v1/competitors": ("PUT", "/v1/competitors/{competitor_id}"),
        "/v1/courses": ("PUT", "/v1/courses/{course_id}"),
        "/v1/customers": ("PATCH", "/v1/customers/{customer_id}"),
        "/v1/territories": ("PUT", "/v1/territories/{territory_id}"),
    }.get(_path)
    if _method == "POST" and _update:
        BODY_FIXES[_update] = _fix


@dataclass
class Seeded:
    """Records of region NORTH the matrix reads, by the path parameter that names them."""

    ids: dict[str, str]


# --- requests built from the OpenAPI document ------------------------------------------------


def _in_region(value: Any) -> Any:
    """The example with every region moved to NORTH (so allowed cells stay in NORTH)."""
    if isinstance(value, dict):
        moved = {key: _in_region(item) for key, item in value.items()}
        if isinstance(moved.get("region"), str):
            moved["region"] = NORTH
        if isinstance(moved.get("regions"), list):
            moved["regions"] = [NORTH]
        return moved
    if isinstance(value, list):
        return [_in_region(item) for item in value]
    return value


def _schema_example(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _schema_example(document, document["components"]["schemas"][schema["$ref"][21:]])
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _schema_example(document, option)
    if schema.get("examples"):
        return copy.deepcopy(schema["examples"][0])
    if schema.get("type") == "object":
        return {
            name: _schema_example(document, schema["properties"][name])
            for name in schema.get("required", [])
        }
    if schema.get("type") == "array":
        return []
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": 1, "number": 1, "boolean": False}.get(schema.get("type", ""), "x")


@dataclass(frozen=True)
class Probe:
    """One HTTP request for a route: path with values, query, and body."""

    method: str
    path: str
    params: dict[str, str]
    json: Any = None
    content: bytes | None = None
    content_type: str | None = None

    def send(self, http: httpx.Client | TestClient, token: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if self.content_type:
            headers["Content-Type"] = self.content_type
        return http.request(
            self.method,
            self.path,
            params=self.params,
            json=self.json,
            content=self.content,
            headers=headers,
        )


def probe_for(
    document: dict[str, Any], rule: RouteAccess, seeded: Seeded, denied: bool = False
) -> Probe:
    """A minimal valid-looking request for `rule`'s route.

    Reads name the seeded NORTH records where there is one; an allowed cell's
    change names ids that do not exist, so it never edits a shared record; a
    denied cell's (`denied`) names the seeded records too.
    """
    operation = document["paths"][rule.path][rule.method.lower()]

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        values = DENIED_PATH_VALUES if denied else PATH_VALUES
        if name in values:
            return values[name]
        # Denied cells never reach the service through the gateway, so their direct call
        # may name the real record: the service must refuse it, not merely miss it.
        real = rule.method == "GET" or denied
        return seeded.ids.get(name, MISSING) if real else MISSING

    path = re.sub(r"{(\w+)}", value, rule.path)
    params = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            name = parameter["name"]
            params[name] = QUERY_VALUES.get(name, MISSING)
    params.update(QUERY_FIXES.get((rule.method, rule.path), {}))
    body = operation.get("requestBody")
    if body is None:
        return Probe(rule.method, path, params)
    content = body["content"]
    if "application/json" not in content:
        csv = b"region,company_name,contact_name,contact_email\nNORTH,Matrix Ltd,Ada,a@x.example\n"
        return Probe(rule.method, path, params, content=csv, content_type="text/csv")
    example = _schema_example(document, content["application/json"]["schema"])
    for name, fixed in BODY_FIXES.get((rule.method, rule.path), {}).items():
        example[name] = seeded.ids.get(name, MISSING) if fixed is SEEDED else fixed
        if fixed is None:
            del example[name]
    return Probe(rule.method, path, params, json=_in_region(example))


# --- the request the gateway would send upstream ---------------------------------------------


class RecordingUpstreams:
    """Stands in for Upstreams in an in-process gateway: records the call, answers 404."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []

    async def call(self, upstream: str, method: str, request: Message, caller: Caller) -> Any:
        self.calls.append((upstream, method, request))
        raise Problem.of(grpc.StatusCode.NOT_FOUND, "recorded, not sent")

    async def call_client_stream(
        self, upstream: str, method: str, requests: Any, caller: Caller, *_: Any, **__: Any
    ) -> Any:
        if hasattr(requests, "__aiter__"):
            collected = [item async for item in requests]
        else:
            collected = list(requests)
        self.calls.append((upstream, method, collected))
        raise Problem.of(grpc.StatusCode.NOT_FOUND, "recorded, not sent")


def _input_class(upstream: str, method: str) -> type[Message]:
    package = importlib.import_module(f"salesops.{upstream}.v1")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.endswith("_pb2") and not info.name.endswith("_grpc_pb2"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for service in module.DESCRIPTOR.services_by_name.values():
                if method in service.methods_by_name:
                    descriptor = service.methods_by_name[method].input_type
                    return message_factory.GetMessageClass(descriptor)
    raise AssertionError(f"{upstream} has no RPC {method}")


def upstream_requests(
    platform: harness.Platform, probes: dict[tuple[str, str], Probe]
) -> dict[tuple[str, str], Any]:
    """What the gateway sends upstream for each probe (a caller of every business role)."""
    # One caller sends every route in a burst here: lift its rate limit.
    unlimited = {
        "SALESOPS_GATEWAY_RATE_PER_SECOND": "100000",
        "SALESOPS_GATEWAY_RATE_BURST": "1000000",
    }
    settings = GatewaySettings.from_env({**platform.env, **unlimited})
    everyone = harness.issue(
        platform, "matrix-capture", ["rep", "manager", "director", "admin"], ["*"]
    )
    captured: dict[tuple[str, str], Any] = {}
    with TestClient(create_app(settings)) as client:
        recorder = RecordingUpstreams()
        client.app.state.upstreams = recorder  # type: ignore[attr-defined]
        for rule in ROUTES:
            if rule.upstream == COMPOSED:
                continue  # several RPCs, each checked by its own service
            recorder.calls.clear()
            probes[(rule.method, rule.path)].send(client, everyone)
            for upstream, method, request in recorder.calls:
                if (upstream, method) == (rule.upstream, rule.rpc):
                    captured[(rule.method, rule.path)] = request
            called = [(upstream, method) for upstream, method, _ in recorder.calls]
            assert not called or (rule.upstream, rule.rpc) in called, (
                f"{rule.method} {rule.path} calls {called}, its row says {rule.rpc}"
            )
    for rule in ROUTES:
        if rule.upstream == COMPOSED:
            continue
        # A route that answers from validation alone still has an RPC: an empty request.
        captured.setdefault((rule.method, rule.path), _input_class(rule.upstream, rule.rpc)())
    return captured


def _direct_rpcs(platform: harness.Platform) -> Iterator[tuple[str, dict[str, Any]]]:
    for upstream, port in platform.grpc_ports.items():
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        methods: dict[str, Any] = {}
        for stub_class in stub_classes(upstream):
            methods.update(vars(stub_class(channel)))
        yield upstream, methods


# --- seeding ---------------------------------------------------------------------------------


def seed_north(platform: harness.Platform) -> Seeded:
    """NORTH's records: a rep in a team, a lead, a customer with a contact, an
    opportunity, a pipeline with its stages, and a course."""
    tag = secrets.token_hex(3)
    admin = harness.client(platform, harness.issue(platform, f"seed-{tag}", ["admin"], [NORTH]))
    owner = f"matrix-owner-{tag}"
    rep = harness.client(platform, harness.issue(platform, owner, ["rep"], [NORTH]))

    def org_unit(kind: str, parent: str = "") -> dict[str, Any]:
        body = {"code": f"{kind}-{tag}", "name": kind, "kind": kind, "region": NORTH}
        created: dict[str, Any] = harness.expect(
            admin.post("/v1/org-units", json={**body, "parent_id": parent}), 201
        )
        return created

    unit = org_unit("team", org_unit("company")["unit_id"])
    harness.expect(
        admin.post(
            "/v1/reps",
            json={
                "rep_id": owner,
                "name": owner,
                "email": f"{owner}@example.com",
                "team_unit_id": unit["unit_id"],
                "capacity": 20,
                "hire_date": "2026-01-05",
            },
        ),
        201,
    )
    for subject in SUBJECTS.values():
        # Every matrix caller is also a rep of the directory, so routes for "a rep the
        # directory knows" (self-enrolment) reach their role check.
        harness.expect(
            admin.post(
                "/v1/reps",
                json={
                    "rep_id": subject,
                    "name": subject,
                    "email": f"{subject}@example.com",
                    "team_unit_id": unit["unit_id"],
                    "capacity": 5,
                    "hire_date": "2026-01-05",
                },
            ),
            201,
        )
    lead = harness.expect(
        admin.post("/v1/leads", json=harness.lead_body(region=NORTH, owner_id=owner)), 201
    )

    def customer_opened() -> dict[str, Any] | None:
        # The customers service learns of the rep by event: retry until it has.
        response = admin.post(
            "/v1/customers",
            json={"region": NORTH, "name": f"Matrix {tag} Ltd", "owner_id": owner},
        )
        return response.json() if response.status_code == 201 else None

    customer = harness.wait_until(customer_opened, timeout=30, what="a customer in NORTH")
    course = harness.expect(
        admin.post(
            "/v1/courses",
            json={
                "region": NORTH,
                "code": f"MX-{tag}",
                "title": "Matrix",
                "category": "selling_skills",
                "format": "e_learning",
                "duration_minutes": 30,
            },
        ),
        201,
    )

    def opportunity() -> str | None:
        # The pipeline learns of the customer by event: retry until it has.
        response = rep.post(
            "/v1/opportunities",
            json={
                "customer_id": customer["customer_id"],
                "name": f"Matrix deal {tag}",
                "line_items": [
                    {
                        "product_line": "core",
                        "quantity": 1,
                        "unit_price": {"currency": "EUR", "amount_minor": 100_000},
                    }
                ],
            },
        )
        return str(response.json()["opportunity_id"]) if response.status_code == 201 else None

    deal = harness.wait_until(opportunity, timeout=30, what="an opportunity in NORTH")
    matrix_rep = harness.client(
        platform, harness.issue(platform, SUBJECTS["rep"], ["rep"], [NORTH])
    )
    harness.wait_until(
        lambda: (
            matrix_rep.post("/v1/enrollments:self-enroll", json={"course_id": MISSING}).status_code
            != 403
        ),
        timeout=20,
        what="training to know the matrix reps",
    )
    contact = harness.expect(
        admin.post(
            f"/v1/customers/{customer['customer_id']}/contacts",
            json={"name": "Jo Matrix", "email": f"jo.{tag}@matrix.example"},
        ),
        201,
    )
    stages = [
        {"name": kind, "probability_bp": bp, "forecast_category": category, "kind": kind}
        for kind, bp, category in (
            ("open", 2000, "pipeline"),
            ("won", 10000, "closed"),
            ("lost", 0, "omitted"),
        )
    ]
    pipeline = harness.expect(
        admin.post(
            "/v1/pipelines",
            json={"name": f"Matrix {tag}", "kind": "matrix", "region": NORTH, "stages": stages},
        ),
        201,
    )
    return Seeded(
        {
            "lead_id": lead["lead_id"],
            "customer_id": customer["customer_id"],
            "contact_id": contact["contact_id"],
            "opportunity_id": deal,
            "pipeline_id": pipeline["pipeline_id"],
            "stage_id": pipeline["stages"][0]["stage_id"],
            "rep_id": owner,
            "unit_id": unit["unit_id"],
            "course_id": course["course_id"],
        }
    )


# --- the test --------------------------------------------------------------------------------


def test_every_route_and_role_cell_holds_at_the_gateway_and_again_at_the_service(
    platform: harness.Platform,
) -> None:
    seeded = _seed_once(platform)
    document = httpx.get(f"{platform.base_url}/openapi.json", timeout=15).json()
    served = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    unruled = served - PUBLIC_ROUTES - {(r.method, r.path) for r in ROUTES}
    assert not unruled, f"routes without a row in gateway/access.py: {sorted(unruled)}"

    probes = {(r.method, r.path): probe_for(document, r, seeded) for r in ROUTES}
    denied_probes = {(r.method, r.path): probe_for(document, r, seeded, True) for r in ROUTES}
    requests = upstream_requests(platform, denied_probes)
    tokens = {role: harness.issue(platform, SUBJECTS[role], [role], [NORTH]) for role in ROLE_ORDER}
    everywhere = {
        role: harness.issue(platform, SUBJECTS[role], [role], ["*"]) for role in ROLE_ORDER
    }
    rpcs = dict(_direct_rpcs(platform))

    def check_route(http: httpx.Client, rule: RouteAccess) -> list[str]:
        """The route's cells, one role after another; what does not hold."""
        wrong: list[str] = []
        probe = probes[(rule.method, rule.path)]
        for role in ROLE_ORDER:
            cell = f"{rule.method} {rule.path} as {role}"
            response = patiently(probe, http, tokens[role])
            if role in rule.roles:
                if rule.all_regions:
                    # A setting of every region: refused to a NORTH token, served to "*".
                    if response.status_code != 403 or "'*'" not in response.text:
                        wrong.append(f"{cell} of NORTH: got {response.status_code}")
                    response = patiently(probe, http, everywhere[role])
                if response.status_code in (401, 403, 500):
                    wrong.append(f"{cell}: allowed, got {response.status_code} {response.text}")
                continue
            if response.status_code != 403:
                wrong.append(f"{cell}: denied, got {response.status_code} {response.text}")
            elif ", ".join(sorted(rule.roles)) not in response.json()["detail"]:
                wrong.append(f"{cell}: the 403 does not name the roles: {response.text}")
            if rule.upstream == COMPOSED:
                continue  # the gateway composes it; each RPC behind it checks on its own
            code, detail = _direct_code(rpcs, rule, requests[(rule.method, rule.path)], role)
            if code not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
                wrong.append(f"{cell}: the service answers {code.name} directly: {detail}")
        return wrong

    # Routes are independent: a few at a time (the cells of one route stay in order).
    with (
        httpx.Client(base_url=platform.base_url, timeout=15) as http,
        ThreadPoolExecutor(max_workers=CONCURRENT_ROUTES) as pool,
    ):
        found = pool.map(lambda rule: check_route(http, rule), ROUTES)
        wrong = [line for lines in found for line in lines]
    assert not wrong, f"{len(wrong)} cell(s) do not hold:\n" + "\n".join(wrong)


def patiently(probe: Probe, http: httpx.Client, token: str) -> httpx.Response:
    """The probe's answer; a 429 (the gateway's rate limit per subject) is waited out."""
    for _ in range(20):
        response = probe.send(http, token)
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response


def _direct_code(
    rpcs: dict[str, dict[str, Any]], rule: RouteAccess, request: Any, role: str
) -> tuple[grpc.StatusCode, str]:
    caller = Caller(SUBJECTS[role], frozenset({role}), frozenset({NORTH}))
    rpc = rpcs[rule.upstream][rule.rpc]
    argument = iter(request) if isinstance(request, list) else request
    try:
        rpc(argument, metadata=caller.metadata(), timeout=10)
    except grpc.RpcError as error:
        return error.code(), error.details()
    return grpc.StatusCode.OK, "served"


@pytest.mark.parametrize(
    ("list_path", "key"),
    [
        ("/v1/leads", "leads"),
        ("/v1/customers", "customers"),
        ("/v1/opportunities", "opportunities"),
        ("/v1/org-units", "units"),
        ("/v1/courses", "courses"),
    ],
)
def test_a_caller_of_another_region_finds_nothing_of_north(
    platform: harness.Platform, list_path: str, key: str
) -> None:
    seeded = _seed_once(platform)
    director_north = harness.client(
        platform, harness.issue(platform, "matrix-dir-north", ["director"], [NORTH])
    )
    director_south = harness.client(
        platform, harness.issue(platform, "matrix-dir-south", ["director"], [SOUTH])
    )
    record_key = {
        "leads": "lead_id",
        "customers": "customer_id",
        "opportunities": "opportunity_id",
        "units": "unit_id",
        "courses": "course_id",
    }[key]
    record = f"{list_path}/{seeded.ids[record_key]}"
    seen = director_north.get(record)
    assert seen.status_code == 200, seen.text
    refused = director_south.get(record)
    assert refused.status_code == 404, refused.text
    # Indistinguishable from an id that exists nowhere: nothing says NORTH has it.
    missing = director_south.get(f"{list_path}/{MISSING}")
    assert missing.status_code == 404
    assert refused.json()["type"] == missing.json()["type"]
    assert (
        refused.json()["detail"].replace(seeded.ids[record_key], MISSING)
        == (missing.json()["detail"])
    )

    north_only: dict[str, str | int] = {"region": NORTH, "page_size": 500}
    listed = harness.expect(director_north.get(list_path, params=north_only), 200)
    assert seeded.ids[record_key] in {item[record_key] for item in listed[key]}
    # A region outside the caller's is an empty page, not an error that confirms it exists.
    hidden = harness.expect(director_south.get(list_path, params=north_only), 200)
    assert hidden[key] == [], hidden
    assert hidden["next_page_token"] == ""


_SEEDED: dict[int, Seeded] = {}


def _seed_once(platform: harness.Platform) -> Seeded:
    # The region tests share one set of NORTH records per platform.
    if id(platform) not in _SEEDED:
        _SEEDED[id(platform)] = seed_north(platform)
    return _SEEDED[id(platform)]
