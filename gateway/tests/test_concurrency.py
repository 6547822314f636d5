"""Optimistic concurrency through the gateway: ETag on records, If-Match on every write.

Every PATCH, PUT and DELETE route is exercised through the gateway in front of
the REAL service api (`gateway.testing.gateway_over`) over a migrated
database: the record is created, changed once, then a write that names the
version it was created at (a stale If-Match) is refused with 412 and leaves
the record as it was, while one naming the current ETag applies and answers
with a new ETag. The version is compared in the service under the row lock;
the gateway only carries the header.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.etags import if_match_metadata, install_etags
from gateway.settings import GatewaySettings
from gateway.testing import bearer, gateway_over
from services.kit.db import Database
from services.kit.testing import postgres_database
from services.performance.tests.scorecards_support import seed_reps as seed_performance_reps
from services.pipeline.models.leads import TerritoryLeadRoutingRecord
from services.pipeline.tests.leads_support import territory as pipeline_territory
from services.pipeline.tests.test_opportunities_api import seed_customer, seed_rep
from services.planning.tests.market_support import add_revenue_plan
from services.planning.tests.market_support import seed as seed_planning_organisation
from services.training.tests.training_support import seed_reps as seed_training_reps

PRECONDITION_FAILED = "urn:salesops:problem:precondition-failed"
Json = dict[str, Any]


@dataclass
class Api:
    """The gateway in front of one real service, and the headers of an admin."""

    client: TestClient
    settings: GatewaySettings
    db: Database
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.headers = bearer(self.settings, "admin", "admin", "*")

    def as_(self, subject: str, role: str, region: str = "EMEA") -> dict[str, str]:
        return bearer(self.settings, subject, role, region)

    def send(
        self,
        method: str,
        path: str,
        body: Json | None = None,
        *,
        if_match: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or self.headers)
        if if_match is not None:
            sent["If-Match"] = if_match
        return self.client.request(method, path, json=body, headers=sent)

    def ok(self, method: str, path: str, body: Json | None = None, **kwargs: Any) -> Json:
        """Send and expect a 2xx answer; its JSON body."""
        response = self.send(method, path, body, **kwargs)
        assert response.status_code in (200, 201), f"{method} {path}: {response.text}"
        answer: Json = response.json()
        return answer


@dataclass
class Write:
    """One record's write route under test, prepared on a fresh record.

    `body(n, record)` is the n-th change's body given the record as last read
    (None for a DELETE); `change` is the write that changes the record once
    before the test (the route itself unless a DELETE needs another);
    `read` returns the record's representation now (None once it is gone).
    """

    method: str
    path: str
    body: Callable[[int, Json], Json | None]
    read: Callable[[], Json | None]
    change: Callable[[Json], Json] | None = None
    versioned: bool = True
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Route:
    """A PATCH/PUT/DELETE route, the service behind it and how to prepare a record for it."""

    route: str
    service: str
    prepare: Callable[[Api], Write]

    def __str__(self) -> str:
        return self.route


def _get(api: Api, path: str) -> Callable[[], Json | None]:
    def read() -> Json | None:
        response = api.send("GET", path)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    return read


def _listed(api: Api, path: str, items: str, key: str, value: str) -> Callable[[], Json | None]:
    """The record of a list (`items`) whose `key` is `value`, for records read by listing."""

    def read() -> Json | None:
        found = [i for i in api.ok("GET", path)[items] if i[key] == value]
        return found[0] if found else None

    return read


# --- training --------------------------------------------------------------------------


def _course_body(code: str, title: str, **extra: Any) -> Json:
    return {
        "code": code,
        "title": title,
        "category": "selling_skills",
        "format": "e_learning",
        "duration_minutes": 60,
        **extra,
    }


def _new_course(api: Api, **extra: Any) -> Json:
    code = f"c-{uuid.uuid4().hex[:8]}"
    return api.ok("POST", "/v1/courses", _course_body(code, "Negotiation", **extra))


def _course(api: Api) -> Write:
    course = _new_course(api)
    path = f"/v1/courses/{course['course_id']}"
    return Write(
        "PUT",
        path,
        lambda n, record: _course_body(
            course["code"], f"Negotiation {n}", version=record["version"]
        ),
        _get(api, path),
    )


def _learning_path(api: Api) -> Write:
    course = _new_course(api)
    code = f"p-{uuid.uuid4().hex[:8]}"

    def spec(n: int) -> Json:
        return {
            "code": code,
            "name": f"Onboarding {n}",
            "role": "rep",
            "purpose": "onboarding",
            "items": [{"course_id": course["course_id"]}],
        }

    def body(n: int, record: Json) -> Json:
        return {**spec(n), "version": record["version"]}

    created = api.ok("POST", "/v1/learning-paths", spec(0))
    path = f"/v1/learning-paths/{created['path_id']}"
    return Write("PUT", path, body, _get(api, path))


def _assessment(api: Api) -> Write:
    course = _new_course(api)

    def body(n: int, record: Json) -> Json:
        return {
            "title": f"Check {n}",
            "pass_mark_bp": 5000,
            "questions": [
                {
                    "text": "Which comes first?",
                    "kind": "single_choice",
                    "options": ["discovery", "closing"],
                    "points": n + 1,
                    "correct_options": [0],
                }
            ],
        }

    created = api.ok("POST", "/v1/assessments", {**body(0, {}), "course_id": course["course_id"]})
    path = f"/v1/assessments/{created['assessment_id']}"
    return Write("PUT", path, body, _get(api, path))


def _assignment_rule(api: Api) -> Write:
    course = _new_course(api)

    def body(n: int, record: Json) -> Json:
        return {"name": f"Gaps {n}", "match": "negotiation", "course_id": course["course_id"]}

    created = api.ok("POST", "/v1/assignment-rules", {**body(0, {}), "trigger": "gap_detected"})
    path = f"/v1/assignment-rules/{created['rule_id']}"
    return Write("PUT", path, body, _get(api, path))


def _required_certification(api: Api) -> Write:
    line = f"line-{uuid.uuid4().hex[:6]}"
    course = _new_course(api, certifies_product_line=line, certification_valid_months=12)

    def body(n: int, record: Json) -> Json:
        return {
            "product_line": line,
            "certification_course_id": course["course_id"],
            "effective_from": f"2027-0{n + 1}-01",
        }

    api.ok("PUT", "/v1/required-certifications", body(0, {}))
    return Write(
        "PUT",
        "/v1/required-certifications",
        body,
        _listed(
            api,
            "/v1/required-certifications?include_unpublished=true",
            "requirements",
            "product_line",
            line,
        ),
    )


def _skill_body(skill: str, n: int) -> Json:
    return {"role": "rep", "skill": skill, "level": n + 1}


def _set_skill_profile(api: Api) -> Write:
    skill = f"skill_{uuid.uuid4().hex[:6]}"
    api.ok("PUT", "/v1/skill-profiles", _skill_body(skill, 0))
    return Write(
        "PUT",
        "/v1/skill-profiles",
        lambda n, record: _skill_body(skill, n),
        _listed(api, "/v1/skill-profiles?role=rep", "profiles", "skill", skill),
    )


def _delete_skill_profile(api: Api) -> Write:
    skill = f"skill_{uuid.uuid4().hex[:6]}"
    created = api.ok("PUT", "/v1/skill-profiles", _skill_body(skill, 0))
    return Write(
        "DELETE",
        f"/v1/skill-profiles/{created['profile_id']}",
        lambda n, record: None,
        _listed(api, "/v1/skill-profiles?role=rep", "profiles", "skill", skill),
        change=lambda record: api.ok(
            "PUT",
            "/v1/skill-profiles",
            _skill_body(skill, 1),
            if_match=f'"{record["version"]}"',
        ),
    )


# --- planning --------------------------------------------------------------------------


def _competitor(api: Api) -> Write:
    name = f"Rival {uuid.uuid4().hex[:6]}"
    created = api.ok("POST", "/v1/competitors", {"name": name})
    path = f"/v1/competitors/{created['competitor_id']}"
    return Write(
        "PUT",
        path,
        lambda n, record: {"name": name, "notes": f"seen {n}", "version": record["version"]},
        _get(api, path),
    )


def _org_unit(api: Api) -> Write:
    code = f"u{uuid.uuid4().hex[:6]}"
    created = api.ok(
        "POST",
        "/v1/org-units",
        {"code": code, "name": "Nordics", "kind": "team", "region": "EMEA", "parent_id": "emea"},
    )
    path = f"/v1/org-units/{created['unit_id']}"
    return Write("PATCH", path, lambda n, record: {"name": f"Nordics {n}"}, _get(api, path))


def _territory_body(n: int) -> Json:
    return {
        "name": f"Benelux {n}",
        "countries": ["NL", "BE"],
        "market_potential": {"currency": "EUR", "amount_minor": 1_000_000 * (n + 1)},
    }


def _new_territory(api: Api) -> tuple[str, Callable[[], Json | None]]:
    created = api.ok("POST", "/v1/territories", {**_territory_body(0), "region": "EMEA"})
    territory_id = created["territory_id"]
    read = _listed(api, "/v1/territories?region=EMEA", "territories", "territory_id", territory_id)
    return f"/v1/territories/{territory_id}", read


def _update_territory(api: Api) -> Write:
    path, read = _new_territory(api)
    return Write("PUT", path, lambda n, record: _territory_body(n), read)


def _remove_territory(api: Api) -> Write:
    path, read = _new_territory(api)
    return Write(
        "DELETE",
        path,
        lambda n, record: None,
        read,
        change=lambda record: api.ok(
            "PUT", path, _territory_body(1), if_match=f'"{record["version"]}"'
        ),
    )


_REVIEW_MONTHS = itertools.count(1)


def _open_review(api: Api) -> str:
    """An open review of team-a for a period of its own (one review per unit and period)."""
    period = f"FY2026-M{next(_REVIEW_MONTHS):02d}"
    add_revenue_plan(api.db, "team-a", period, 100_000)
    opened = api.ok(
        "POST",
        "/v1/reviews",
        {"org_unit_id": "team-a", "period_code": period},
        headers=api.as_("mgr-a", "manager"),
    )
    review_id: str = opened["review"]["review_id"]
    return review_id


def _review(api: Api) -> Write:
    path = f"/v1/reviews/{_open_review(api)}"
    read = _get(api, path)
    return Write(
        "PATCH",
        path,
        lambda n, record: {"findings": f"Finding {n}"},
        lambda: (read() or {}).get("review"),
    )


def _improvement_action(api: Api) -> Write:
    review_id = _open_review(api)
    due = (date.today() + timedelta(days=30)).isoformat()
    created = api.ok(
        "POST",
        f"/v1/reviews/{review_id}/actions",
        {"title": "Share the playbook", "owner_id": "rep-1", "due_date": due},
        headers=api.as_("mgr-a", "manager"),
    )
    action_id = created["action_id"]
    return Write(
        "PATCH",
        f"/v1/improvement-actions/{action_id}",
        lambda n, record: {"title": f"Share the playbook {n}"},
        _listed(api, "/v1/improvement-actions", "actions", "action_id", action_id),
        headers=api.as_("mgr-a", "manager"),
    )


def _fx_rate(api: Api) -> Write:
    period = f"FY20{next(_FX_YEARS)}"
    path = f"/v1/fx-rates/{period}/USD/EUR"
    api.ok("PUT", path, {"rate": "0.9"})
    return Write(
        "PUT",
        path,
        lambda n, record: {"rate": f"0.9{n}"},
        _listed(api, f"/v1/fx-rates?period={period}", "fx_rates", "to_currency", "EUR"),
        versioned=False,
    )


_FX_YEARS = itertools.count(30)


def _market_segment(api: Api) -> Write:
    def state(n: int) -> Json:
        return {
            "name": "Mid-size retail",
            "size": {"currency": "EUR", "amount_minor": 9_000_000},
            "potential": {"currency": "EUR", "amount_minor": 1_000_000 * (n + 1)},
            "notes": f"estimate {n}",
        }

    created = api.ok(
        "POST",
        "/v1/market-segments",
        {**state(0), "territory_id": "terr-dach", "period_code": "FY2027-Q1"},
    )
    path = f"/v1/market-segments/{created['segment_id']}"
    return Write(
        "PUT", path, lambda n, record: {**state(n), "version": record["version"]}, _get(api, path)
    )


PLANNING = [
    Route("PUT /v1/fx-rates/{period}/{from_currency}/{to_currency}", "planning", _fx_rate),
    Route("PUT /v1/market-segments/{segment_id}", "planning", _market_segment),
    Route("PUT /v1/competitors/{competitor_id}", "planning", _competitor),
    Route("PATCH /v1/org-units/{unit_id}", "planning", _org_unit),
    Route("PUT /v1/territories/{territory_id}", "planning", _update_territory),
    Route("DELETE /v1/territories/{territory_id}", "planning", _remove_territory),
    Route("PATCH /v1/reviews/{review_id}", "planning", _review),
    Route("PATCH /v1/improvement-actions/{action_id}", "planning", _improvement_action),
]


# --- pipeline --------------------------------------------------------------------------


def _seed_pipeline(db: Database) -> None:
    seed_customer(db)
    seed_rep(db, "rep-1")


def _opportunity(api: Api) -> Write:
    rep = api.as_("rep-1", "rep")
    created = api.ok(
        "POST",
        "/v1/opportunities",
        {"customer_id": "cus-1", "name": "Acme analytics", "currency": "EUR"},
        headers=rep,
    )
    path = f"/v1/opportunities/{created['opportunity_id']}"
    return Write(
        "PATCH", path, lambda n, record: {"next_step": f"call {n}"}, _get(api, path), headers=rep
    )


def _new_pipeline(api: Api) -> Json:
    return api.ok(
        "POST",
        "/v1/pipelines",
        {
            "name": f"Partner {uuid.uuid4().hex[:6]}",
            "kind": "partner",
            "stages": [
                {"name": "Qualify", "probability_bp": 2000},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
        },
    )


def _stage_gate(api: Api) -> Write:
    stage_id = _new_pipeline(api)["stages"][0]["stage_id"]
    path = f"/v1/stage-gates/{stage_id}"
    return Write(
        "PUT",
        path,
        lambda n, record: {
            "criteria": [{"required_field": {"field": "competitors"}}],
            "comment": f"rule {n}",
        },
        _get(api, path),
    )


def _pipeline(api: Api) -> Write:
    path = f"/v1/pipelines/{_new_pipeline(api)['pipeline_id']}"
    return Write(
        "PATCH",
        path,
        lambda n, record: {"name": f"Partner {uuid.uuid4().hex[:6]} {n}"},
        _get(api, path),
        versioned=False,
    )


def _lead_sla_policy(api: Api) -> Write:
    region = f"R{uuid.uuid4().hex[:6].upper()}"
    path = f"/v1/lead-sla-policies/{region}"
    api.ok("PUT", path, {"hours": 8})
    return Write(
        "PUT",
        path,
        lambda n, record: {"hours": 8 + n},
        _listed(api, "/v1/lead-sla-policies", "policies", "region", region),
        versioned=False,
    )


def _lead_routing(api: Api) -> Write:
    territory_id = f"T{uuid.uuid4().hex[:6].upper()}"
    pipeline_territory(api.db, territory_id, [])
    path = f"/v1/lead-routing/{territory_id}"
    strategies = ["round_robin", "most_spare_capacity"]
    api.ok("PUT", path, {"strategy": strategies[0]})
    return Write(
        "PUT",
        path,
        lambda n, record: {"strategy": strategies[n % 2]},
        # No route reads a routing back: the row itself shows whether it changed.
        lambda: _routing_row(api.db, territory_id),
        versioned=False,
    )


def _case_sla_policy(api: Api) -> Write:
    region = f"R{uuid.uuid4().hex[:6].upper()}"
    path = f"/v1/case-sla-policies/{region}"

    def body(n: int, record: Json) -> Json:
        return {"targets": [{"priority": "high", "resolution_hours": 8 + n}]}

    api.ok("PUT", path, body(0, {}))
    return Write("PUT", path, body, _get(api, path), versioned=False)


def _discount_authority(api: Api) -> Write:
    path = "/v1/discount-authority/manager"
    api.ok("PUT", path, {"max_discount_bp": 1000})
    return Write(
        "PUT",
        path,
        lambda n, record: {"max_discount_bp": 1000 + n},
        _listed(api, "/v1/discount-authority", "authorities", "role", "manager"),
        versioned=False,
    )


def _routing_row(db: Database, territory_id: str) -> Json | None:
    with db.transaction() as session:
        row = session.get(TerritoryLeadRoutingRecord, territory_id)
        return None if row is None else {"strategy": row.strategy, "at": row.updated_at}


PIPELINE = [
    Route("PATCH /v1/opportunities/{opportunity_id}", "pipeline", _opportunity),
    Route("PUT /v1/stage-gates/{stage_id}", "pipeline", _stage_gate),
    Route("PATCH /v1/pipelines/{pipeline_id}", "pipeline", _pipeline),
    Route("PUT /v1/lead-sla-policies/{region}", "pipeline", _lead_sla_policy),
    Route("PUT /v1/lead-routing/{territory_id}", "pipeline", _lead_routing),
    Route("PUT /v1/case-sla-policies/{region}", "pipeline", _case_sla_policy),
    Route("PUT /v1/discount-authority/{role}", "pipeline", _discount_authority),
]


# --- customers -------------------------------------------------------------------------


def _new_customer(api: Api) -> Json:
    tag = uuid.uuid4().hex[:8]
    return api.ok(
        "POST",
        "/v1/customers",
        {"region": "EMEA", "name": f"Nordwerk {tag}", "country": "DE", "tax_id": f"DE{tag}"},
        headers=api.as_("rep-1", "rep"),
    )


def _customer(api: Api) -> Write:
    path = f"/v1/customers/{_new_customer(api)['customer_id']}"
    return Write(
        "PATCH",
        path,
        lambda n, record: {"industry": f"logistics {n}"},
        _get(api, path),
        headers=api.as_("rep-1", "rep"),
    )


def _contact(api: Api) -> Write:
    rep = api.as_("rep-1", "rep")
    customer_id = _new_customer(api)["customer_id"]
    created = api.ok(
        "POST",
        f"/v1/customers/{customer_id}/contacts",
        {"name": "Jo Doe", "email": "jo@nordwerk.example", "buying_role": "decision_maker"},
        headers=rep,
    )
    path = f"/v1/contacts/{created['contact_id']}"
    return Write(
        "PATCH",
        path,
        lambda n, record: {"title": f"CFO {n}"},
        _get(api, path),
        versioned=False,
        headers=rep,
    )


def _tier_thresholds(api: Api) -> Write:
    region = f"R{uuid.uuid4().hex[:6].upper()}"

    def body(n: int, record: Json) -> Json:
        return {
            "region": region,
            "currency": "EUR",
            "a_revenue_minor": 100_000 * (n + 1),
            "b_revenue_minor": 10_000,
            "a_potential_minor": 1_000_000,
            "b_potential_minor": 500_000,
        }

    api.ok("PUT", "/v1/tier-thresholds", body(0, {}))
    return Write(
        "PUT",
        "/v1/tier-thresholds",
        body,
        _listed(api, "/v1/tier-thresholds", "thresholds", "region", region),
        versioned=False,
    )


CUSTOMERS = [
    Route("PATCH /v1/customers/{customer_id}", "customers", _customer),
    Route("PATCH /v1/contacts/{contact_id}", "customers", _contact),
    Route("PUT /v1/tier-thresholds", "customers", _tier_thresholds),
]


# --- performance -----------------------------------------------------------------------


def _evaluation(api: Api) -> Write:
    manager = api.as_("mgr-a", "manager")
    created = api.ok(
        "POST",
        "/v1/evaluations",
        {"rep_id": "rep-1", "period_code": "FY2026-Q2", "rating": 3},
        headers=manager,
    )
    path = f"/v1/evaluations/{created['evaluation_id']}"
    return Write(
        "PATCH",
        path,
        lambda n, record: {"comments": f"Solid quarter {n}"},
        _get(api, path),
        headers=manager,
    )


def _inspection_rule(api: Api) -> Write:
    path = "/v1/inspection-rules/stale_opportunity"
    api.ok("PUT", path, {"region": "EMEA", "stale_days": 14})
    return Write(
        "PUT",
        path,
        lambda n, record: {"region": "EMEA", "stale_days": 14 + n},
        _listed(api, "/v1/inspection-rules?region=EMEA", "rules", "rule", "stale_opportunity"),
        versioned=False,
    )


PERFORMANCE = [
    Route("PATCH /v1/evaluations/{evaluation_id}", "performance", _evaluation),
    Route("PUT /v1/inspection-rules/{rule}", "performance", _inspection_rule),
]


def _coaching_session(api: Api) -> Write:
    manager = api.as_("mgr-a", "manager")
    created = api.ok(
        "POST",
        "/v1/coaching-sessions",
        {"rep_id": "rep-1", "session_date": "2027-01-10", "focus_skill": "negotiation"},
        headers=manager,
    )
    path = f"/v1/coaching-sessions/{created['session_id']}"
    return Write(
        "PATCH",
        path,
        lambda n, record: {"notes": f"practised objections {n}"},
        _get(api, path),
        headers=manager,
    )


TRAINING = [
    Route("PUT /v1/courses/{course_id}", "training", _course),
    Route("PUT /v1/learning-paths/{path_id}", "training", _learning_path),
    Route("PUT /v1/assessments/{assessment_id}", "training", _assessment),
    Route("PUT /v1/assignment-rules/{rule_id}", "training", _assignment_rule),
    Route("PUT /v1/required-certifications", "training", _required_certification),
    Route("PUT /v1/skill-profiles", "training", _set_skill_profile),
    Route("DELETE /v1/skill-profiles/{profile_id}", "training", _delete_skill_profile),
    Route("PATCH /v1/coaching-sessions/{session_id}", "training", _coaching_session),
]

ROUTES = [*TRAINING, *PLANNING, *PIPELINE, *CUSTOMERS, *PERFORMANCE]

SEEDS: dict[str, Callable[[Database], None]] = {
    "training": seed_training_reps,
    "planning": seed_planning_organisation,
    "pipeline": _seed_pipeline,
    "performance": seed_performance_reps,
}


@pytest.fixture(scope="module")
def apis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Api]]:
    """Per service, the gateway in front of its real api over a migrated SQLite database.

    One per service for the module: each route prepares records of its own.
    """
    from services.kit.migrations import migrate

    opened: dict[str, Api] = {}
    stack: list[Any] = []

    def api_of(service: str) -> Api:
        if service not in opened:
            url = f"sqlite:///{tmp_path_factory.mktemp(service) / f'{service}.db'}"
            migrate(service, url)
            db = Database(url, service)
            SEEDS.get(service, lambda _: None)(db)
            context = gateway_over(service, db)
            client, settings = context.__enter__()
            stack.append((context, db))
            opened[service] = Api(client, settings, db)
        return opened[service]

    yield api_of
    for context, db in reversed(stack):
        context.__exit__(None, None, None)
        db.dispose()


def _etag(response: httpx.Response) -> str:
    etag = response.headers.get("ETag")
    assert etag is not None, f"no ETag on {response.request.method} {response.request.url}"
    return etag


def _version_tag(record: Json | None) -> str:
    assert record is not None
    return f'"{record["version"]}"'


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_stale_if_match_is_412_and_the_current_etag_applies(
    route: Route, apis: Callable[[str], Api]
) -> None:
    api = apis(route.service)
    write = route.prepare(api)
    if not write.versioned:
        _check_unversioned(api, write)
        return
    created = write.read()
    assert created is not None
    created_tag = _version_tag(created)

    # Changed once, with the ETag it had: accepted, and the record moves on.
    if write.change is not None:
        write.change(created)
    else:
        first = api.send(
            write.method,
            write.path,
            write.body(1, created),
            if_match=created_tag,
            headers=write.headers,
        )
        assert first.status_code == 200, first.text
        assert _etag(first) == _version_tag(first.json()) != created_tag
    changed = write.read()
    assert changed is not None and _version_tag(changed) != created_tag

    stale = api.send(
        write.method,
        write.path,
        write.body(2, changed),
        if_match=created_tag,
        headers=write.headers,
    )
    assert stale.status_code == 412, stale.text
    problem = stale.json()
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert problem["type"] == PRECONDITION_FAILED
    assert [v["type"] for v in problem["violations"]] == ["VERSION_MISMATCH"]
    assert f"If-Match said {created['version']}" in problem["violations"][0]["description"]
    assert write.read() == changed, "a refused write changed the record"

    current_tag = _version_tag(changed)
    applied = api.send(
        write.method,
        write.path,
        write.body(3, changed),
        if_match=current_tag,
        headers=write.headers,
    )
    if write.method == "DELETE" and applied.status_code == 204:
        assert write.read() is None
        return
    assert applied.status_code == 200, applied.text
    assert _etag(applied) == _version_tag(applied.json())
    assert _etag(applied) != current_tag


def _check_unversioned(api: Api, write: Write) -> None:
    """A record that keeps no version has no ETag, so no If-Match can match it (RFC 9110)."""
    created = write.read()
    assert created is not None
    first = api.send(write.method, write.path, write.body(1, created), headers=write.headers)
    assert first.status_code == 200, first.text
    assert "ETag" not in first.headers
    changed = write.read()
    refused = api.send(
        write.method, write.path, write.body(2, created), if_match='"1"', headers=write.headers
    )
    assert refused.status_code == 412, refused.text
    assert refused.json()["violations"][0]["type"] == "VERSION_MISMATCH"
    assert write.read() == changed, "a refused write changed the record"
    anyway = api.send(
        write.method, write.path, write.body(3, created), if_match="*", headers=write.headers
    )
    assert anyway.status_code == 200, anyway.text


def test_every_patch_put_and_delete_route_is_covered_and_documented() -> None:
    """The routes above are exactly the gateway's PATCH, PUT and DELETE operations, and the
    OpenAPI document declares If-Match on each (and 412 among its answers)."""
    document = create_app(GatewaySettings.from_env({})).openapi()
    writes = {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("patch", "put", "delete")
    }
    assert {route.route for route in ROUTES} == set(writes)
    for name, operation in writes.items():
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert "If-Match" in headers, name
        assert "412" in operation["responses"], name


# --- custom verbs, reads, and the header's forms ---------------------------------------


def _new_deal(api: Api) -> tuple[str, dict[str, str], httpx.Response]:
    rep = api.as_("rep-1", "rep")
    created = api.send(
        "POST",
        "/v1/opportunities",
        {
            "customer_id": "cus-1",
            "name": f"Deal {uuid.uuid4().hex[:6]}",
            "currency": "EUR",
            "expected_close_date": "2099-03-31",
        },
        headers=rep,
    )
    assert created.status_code == 201, created.text
    return f"/v1/opportunities/{created.json()['opportunity_id']}", rep, created


def test_a_custom_verb_on_a_record_honours_if_match(apis: Callable[[str], Api]) -> None:
    api = apis("pipeline")
    path, rep, created = _new_deal(api)
    # A create answers with the record's ETag too.
    assert _etag(created) == '"1"'
    api.ok("PATCH", path, {"next_step": "demo"}, headers=rep)

    stale = api.send("POST", f"{path}:advance", if_match='"1"', headers=rep)
    assert stale.status_code == 412, stale.text
    assert stale.json()["violations"][0]["subject"] == path.removeprefix("/v1/")
    assert api.ok("GET", path, headers=rep)["stage_name"] == "Prospecting"

    advanced = api.send("POST", f"{path}:advance", if_match='"2"', headers=rep)
    assert advanced.status_code == 200, advanced.text
    assert advanced.json()["stage_name"] != "Prospecting"
    assert _etag(advanced) == _version_tag(advanced.json()) != '"2"'


def test_other_business_rules_stay_422(apis: Callable[[str], Api]) -> None:
    api = apis("pipeline")
    path, rep, _ = _new_deal(api)
    api.ok("POST", f"{path}:advance", headers=rep)
    # Discovery's gate wants a meeting first: a rule, not a version, so 422.
    current = api.send("GET", path, headers=rep)
    blocked = api.send("POST", f"{path}:advance", if_match=_etag(current), headers=rep)
    assert blocked.status_code == 422, blocked.text
    assert blocked.json()["type"] == "urn:salesops:problem:failed-precondition"


def test_a_read_with_the_current_etag_is_304_without_a_body(apis: Callable[[str], Api]) -> None:
    api = apis("pipeline")
    path, rep, _ = _new_deal(api)
    read = api.send("GET", path, headers=rep)
    assert read.status_code == 200 and _etag(read) == '"1"'

    unchanged = api.client.get(path, headers={**rep, "If-None-Match": '"1"'})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["ETag"] == '"1"'
    assert unchanged.headers["X-Request-ID"]
    # Weak comparison, lists and * apply to If-None-Match.
    for given in ('W/"1"', '"7", "1"', "*"):
        assert api.client.get(path, headers={**rep, "If-None-Match": given}).status_code == 304

    api.ok("PATCH", path, {"next_step": "demo"}, headers=rep)
    changed = api.client.get(path, headers={**rep, "If-None-Match": '"1"'})
    assert changed.status_code == 200 and _etag(changed) == '"2"'
    assert changed.json()["next_step"] == "demo"


def test_lists_carry_no_etag(apis: Callable[[str], Api]) -> None:
    api = apis("pipeline")
    _new_deal(api)
    listed = api.send("GET", "/v1/opportunities", headers=api.as_("rep-1", "rep"))
    assert listed.status_code == 200 and "ETag" not in listed.headers


@pytest.mark.parametrize(
    "given", ["1", '"1", "2"', '"one"', '"-1"', "W/1", '"1" extra', '"99999999999999999999"']
)
def test_a_malformed_if_match_is_400_naming_the_header(
    given: str, apis: Callable[[str], Api]
) -> None:
    api = apis("pipeline")
    path, rep, _ = _new_deal(api)
    refused = api.send("PATCH", path, {"next_step": "x"}, if_match=given, headers=rep)
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "If-Match"
    assert refused.json()["request_id"] == refused.headers["X-Request-ID"]
    assert api.ok("GET", path, headers=rep)["next_step"] == ""


def test_a_weak_if_match_never_matches(apis: Callable[[str], Api]) -> None:
    api = apis("pipeline")
    path, rep, _ = _new_deal(api)
    refused = api.send("PATCH", path, {"next_step": "x"}, if_match='W/"1"', headers=rep)
    assert refused.status_code == 412, refused.text
    assert refused.json()["type"] == PRECONDITION_FAILED
    assert "strong" in refused.json()["detail"]
    assert api.ok("GET", path, headers=rep)["version"] == 1


def test_if_match_star_or_none_checks_nothing(apis: Callable[[str], Api]) -> None:
    api = apis("pipeline")
    path, rep, _ = _new_deal(api)
    assert api.ok("PATCH", path, {"next_step": "a"}, if_match="*", headers=rep)["version"] == 2
    assert api.ok("PATCH", path, {"next_step": "b"}, headers=rep)["version"] == 3


def test_concurrent_writes_with_one_version_apply_once_on_postgresql(
    migrated: Callable[[str, str], Database],
) -> None:
    """Five writers that all read version 1: the row lock lets exactly one of them win."""
    with postgres_database() as url:
        db = migrated("pipeline", url)
        _seed_pipeline(db)
        with gateway_over("pipeline", db) as (client, settings):
            api = Api(client, settings, db)
            path, rep, _ = _new_deal(api)
            barrier = threading.Barrier(5)
            answers: list[int] = []

            def write(n: int) -> None:
                barrier.wait()
                response = api.send(
                    "PATCH", path, {"next_step": f"writer {n}"}, if_match='"1"', headers=rep
                )
                answers.append(response.status_code)

            writers = [threading.Thread(target=write, args=(n,)) for n in range(5)]
            for writer in writers:
                writer.start()
            for writer in writers:
                writer.join(timeout=30)
            assert sorted(answers) == [200, 412, 412, 412, 412]
            assert api.ok("GET", path, headers=rep)["version"] == 2


def test_if_match_travels_on_record_writes_only() -> None:
    """What the middleware hands the upstream calls of each kind of request."""
    app = FastAPI()
    install_etags(app)

    async def forwarded() -> Json:
        return {"metadata": if_match_metadata()}

    app.add_api_route("/v1/things/{thing_id}:poke", forwarded, methods=["POST"])
    app.add_api_route("/v1/things:sweep", forwarded, methods=["POST"])
    app.add_api_route("/v1/things", forwarded, methods=["POST"])
    app.add_api_route("/v1/things/{thing_id}", forwarded, methods=["GET", "PATCH", "DELETE"])
    sent = [("x-salesops-if-match", "4")]
    with TestClient(app) as client:

        def metadata(method: str, path: str, if_match: str = '"4"') -> Any:
            response = client.request(method, path, headers={"If-Match": if_match})
            assert response.status_code == 200, response.text
            return [tuple(pair) for pair in response.json()["metadata"]]

        assert metadata("PATCH", "/v1/things/t1") == sent
        assert metadata("DELETE", "/v1/things/t1") == sent
        assert metadata("POST", "/v1/things/t1:poke") == sent
        # A verb on the collection, a create and a read name no one record's version.
        assert metadata("POST", "/v1/things:sweep") == []
        assert metadata("POST", "/v1/things") == []
        assert metadata("GET", "/v1/things/t1") == []
        assert metadata("PATCH", "/v1/things/t1", if_match="*") == []
        # Outside a request nothing is carried.
        assert if_match_metadata() == []
