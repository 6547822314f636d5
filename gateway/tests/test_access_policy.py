"""The route access table: complete, true to the upstream RPCs, enforced, and documented."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from fastapi.testclient import TestClient

from gateway import access, routes
from gateway.access import ACCESS, COMPOSED, PUBLIC_ROUTES, ROUTES, access_for
from gateway.auth import ReadingCaller, TokenVerifier, WritingCaller
from gateway.problems import install_problem_handlers
from gateway.settings import GatewaySettings
from gateway.upstreams import stub_classes
from services.kit.identity import ROLES, Caller

from .conftest import Upstream

Headers = Callable[..., dict[str, str]]
SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
MATRIX_BEGIN = "<!-- matrix:begin (python -m gateway.access --markdown) -->"
MATRIX_END = "<!-- matrix:end -->"


def _walk(router: APIRouter, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in router.routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # an included router (FastAPI >= 0.120)
            context = getattr(route, "include_context", None)
            yield from _walk(route.original_router, prefix + (getattr(context, "prefix", "") or ""))


def _served_routes() -> set[tuple[str, str]]:
    """Every (method, template) the route modules declare, schema-visible or not."""
    return {
        (method, path)
        for router in routes.routers()
        for path, route in _walk(router)
        for method in route.methods or ()
    }


def test_every_route_has_exactly_one_row_and_every_row_a_route() -> None:
    served = _served_routes()
    assert served, "no routes found: the walk over the routers is broken"
    without_row = sorted(served - PUBLIC_ROUTES - set(ACCESS))
    assert not without_row, f"add these routes to gateway/access.py ROUTES: {without_row}"
    stale = sorted(set(ACCESS) - served)
    assert not stale, f"these rows of gateway/access.py name no route: {stale}"
    assert len(ROUTES) == len(ACCESS)


def test_the_app_serves_exactly_the_walked_routes(client: TestClient) -> None:
    # The walk above and the served OpenAPI document agree (nothing hidden from either).
    document = client.get("/openapi.json").json()
    documented = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    }
    assert documented == _served_routes()


def test_every_row_names_a_real_rpc_and_only_business_roles() -> None:
    rpcs: dict[str, set[str]] = {}
    for rule in ROUTES:
        assert rule.roles, f"{rule.method} {rule.path} allows nobody"
        assert rule.roles <= ROLES - {"platform"}, f"{rule.path}: platform reads no business data"
        if rule.upstream == COMPOSED:
            continue
        if rule.upstream not in rpcs:
            rpcs[rule.upstream] = {
                name
                for stub in stub_classes(rule.upstream)
                for name in vars(stub(grpc.insecure_channel("localhost:1")))
            }
        for rpc in (rule.rpc, *rule.alternatives):
            assert rpc in rpcs[rule.upstream], f"{rule.path}: no RPC {rule.upstream}.{rpc}"


def test_access_for_knows_templates_not_paths() -> None:
    rule = access_for("get", "/v1/leads/{lead_id}")
    assert rule is not None and rule.rpc == "GetLead"
    assert access_for("GET", "/v1/leads/lead-1") is None
    assert access_for("GET", "/healthz") is None


def test_a_role_outside_the_row_gets_403_naming_the_route_and_its_roles(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    response = client.put(
        "/v1/lead-sla-policies/EMEA",
        json={"respond_within_hours": 4},
        headers=bearer(roles=("director",), regions=("EMEA",)),
    )
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:salesops:problem:permission-denied"
    assert body["detail"] == (
        "role(s) director may not PUT /v1/lead-sla-policies/{region}; it needs one of: admin"
    )
    assert pipeline_upstream.recorder.calls == []  # refused before any upstream call


def test_a_role_in_the_row_reaches_the_service(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    # A manager may assign leads (the service narrows to their team); a rep may not.
    rep = bearer(roles=("rep",), regions=("EMEA",))
    response = client.post("/v1/leads/lead-1:assign", json={"owner_id": "rep-2"}, headers=rep)
    assert response.status_code == 403
    assert "needs one of: admin, director, manager" in response.json()["detail"]
    assert pipeline_upstream.recorder.calls == []
    manager = bearer(roles=("manager",), regions=("EMEA",))
    response = client.post("/v1/leads/lead-1:assign", json={"owner_id": "rep-2"}, headers=manager)
    # It got as far as the service: the test double has no AssignLead and says so.
    assert response.status_code == 503, response.text
    assert response.json()["type"] == "urn:salesops:problem:unimplemented"


def test_any_one_role_of_the_token_opens_the_route(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    both = bearer(roles=("rep", "admin"), regions=("EMEA",))
    response = client.put(
        "/v1/lead-sla-policies/EMEA", json={"respond_within_hours": 4}, headers=both
    )
    assert response.status_code not in (401, 403), response.text


def test_a_setting_of_every_region_needs_a_token_for_every_region(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream
) -> None:
    regional = client.put(
        "/v1/discount-authority/rep",
        json={"max_discount_bp": 1000},
        headers=bearer(roles=("admin",), regions=("EMEA",)),
    )
    assert regional.status_code == 403
    assert "token for every region ('*')" in regional.json()["detail"]
    assert pipeline_upstream.recorder.calls == []
    everywhere = client.put(
        "/v1/discount-authority/rep",
        json={"max_discount_bp": 1000},
        headers=bearer(roles=("admin",), regions=("*",)),
    )
    assert everywhere.status_code not in (401, 403), everywhere.text


def test_a_route_without_a_row_is_closed_to_every_role(
    settings: GatewaySettings, bearer: Headers
) -> None:
    # Only this test's app has such a route; the completeness test keeps the real app free.
    app = FastAPI()
    app.state.token_verifier = TokenVerifier.from_settings(settings)
    install_problem_handlers(app)

    @app.get("/v1/unlisted")
    async def read(caller: ReadingCaller) -> dict[str, str]:
        return {"subject": caller.subject}

    @app.post("/v1/unlisted")
    async def write(caller: WritingCaller) -> dict[str, str]:
        return {"subject": caller.subject}

    assert access_for("GET", "/v1/unlisted") is None
    with TestClient(app) as unlisted:
        for role in sorted(ROLES):
            token = bearer(roles=(role,), regions=("*",))
            for refused in (
                unlisted.get("/v1/unlisted", headers=token),
                unlisted.post("/v1/unlisted", headers=token),
            ):
                assert refused.status_code == 403, role
                assert "has no row in the route access table" in refused.json()["detail"]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_gate_hands_the_service_the_callers_identity(
    client: TestClient, bearer: Headers, pipeline_upstream: Upstream, role: str
) -> None:
    response = client.get("/v1/leads", headers=bearer(roles=(role,), regions=("EMEA",)))
    rule = access_for("GET", "/v1/leads")
    assert rule is not None
    if role in rule.roles:
        assert response.status_code == 200, response.text
        metadata = pipeline_upstream.recorder.last.metadata
        assert metadata["x-salesops-roles"] == role
        assert metadata["x-salesops-regions"] == "EMEA"
    else:
        assert response.status_code == 403
        assert pipeline_upstream.recorder.calls == []


def test_the_security_document_embeds_the_generated_matrix() -> None:
    text = SECURITY_DOC.read_text()
    assert MATRIX_BEGIN in text and MATRIX_END in text, f"{SECURITY_DOC} lost its markers"
    embedded = text.split(MATRIX_BEGIN, 1)[1].split(MATRIX_END, 1)[0].strip("\n") + "\n"
    assert embedded == access.markdown(), (
        "docs/security.md is stale: paste the output of `python -m gateway.access --markdown` "
        "between its matrix markers"
    )


def test_the_markdown_has_one_row_per_route_and_a_column_per_role() -> None:
    lines = access.markdown().splitlines()
    assert len(lines) == 2 + len(PUBLIC_ROUTES) + len(ROUTES)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[3:] == list(access.ROLE_ORDER)
    row = next(line for line in lines if "`/v1/contacts/{contact_id}:erase`" in line)
    assert row == (
        "| POST | `/v1/contacts/{contact_id}:erase` | customers.EraseContact "
        "| - | yes | yes | - | yes | - |"
    )


def test_the_command_prints_the_matrix(capsys: Any) -> None:
    assert access.main(["--markdown"]) == 0
    assert capsys.readouterr().out == access.markdown()
    assert access.main([]) == 2


def test_callers_scopes_are_documented_for_every_role() -> None:
    assert set(access.ROLE_SCOPES) == ROLES == set(access.ROLE_ORDER)
    assert Caller("x", frozenset({"executive"}), frozenset({"EMEA"})).sees_all_regions
