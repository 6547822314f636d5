"""The catalog and enrollments over HTTP (the gateway in front of the real training api)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer, gateway_over
from services.kit.db import Database
from services.training.tests.training_support import outbox_events, seed_reps


@pytest.fixture
def gateway(
    database_url: str, migrated: Callable[[str, str], Database]
) -> Iterator[tuple[TestClient, GatewaySettings, Database]]:
    db = migrated("training", database_url)
    seed_reps(db)
    with gateway_over("training", db) as (client, settings):
        yield client, settings, db


def test_catalog_and_enrollments_over_http(
    gateway: tuple[TestClient, GatewaySettings, Database],
) -> None:
    client, settings, db = gateway
    admin = bearer(settings, "admin", "admin", "*")
    manager = bearer(settings, "mgr-a", "manager")
    rep = bearer(settings, "rep-1", "rep")

    basics = client.post(
        "/v1/courses",
        json={
            "code": "basics",
            "title": "Basics",
            "category": "sales_process",
            "format": "classroom",
            "duration_minutes": 120,
            "skills": ["discovery:1"],
            "modules": [{"title": "Day 1"}],
        },
        headers=admin,
    )
    assert basics.status_code == 201, basics.text
    basics_id = basics.json()["course_id"]
    assert basics.headers["Location"] == f"/v1/courses/{basics_id}"
    assert basics.json()["modules"][0]["position"] == 1
    looped = client.put(
        f"/v1/courses/{basics_id}",
        json={
            "version": 1,
            "code": "basics",
            "title": "Basics",
            "category": "sales_process",
            "format": "classroom",
            "duration_minutes": 120,
            "prerequisites": ["basics"],
        },
        headers=admin,
    )
    assert looped.status_code == 400, looped.text
    advanced = client.post(
        "/v1/courses",
        json={
            "code": "advanced",
            "title": "Advanced",
            "category": "selling_skills",
            "format": "e_learning",
            "duration_minutes": 30,
            "prerequisites": ["basics"],
        },
        headers=admin,
    ).json()
    by_rep = client.post(
        "/v1/courses",
        json={
            "code": "x",
            "title": "X",
            "category": "sales_process",
            "format": "webinar",
            "duration_minutes": 1,
        },
        headers=rep,
    )
    assert by_rep.status_code == 403, by_rep.text
    listed = client.get("/v1/courses", params={"skill": "discovery"}, headers=rep)
    assert [c["code"] for c in listed.json()["courses"]] == ["basics"]

    path = client.post(
        "/v1/learning-paths",
        json={
            "code": "onboarding-rep",
            "name": "Onboarding",
            "role": "rep",
            "purpose": "onboarding",
            "items": [
                {"course_id": basics_id},
                {"course_id": advanced["course_id"], "required": False},
            ],
        },
        headers=admin,
    )
    assert path.status_code == 201, path.text
    profile = client.put(
        "/v1/skill-profiles", json={"role": "rep", "skill": "discovery", "level": 2}, headers=admin
    )
    assert profile.status_code == 200 and profile.json()["level"] == 2
    assert [
        p["skill"] for p in client.get("/v1/skill-profiles", headers=rep).json()["profiles"]
    ] == ["discovery"]

    assigned = client.post(
        "/v1/enrollments",
        json={"rep_id": "rep-1", "path_id": path.json()["path_id"], "reason": "new hire"},
        headers=manager,
    )
    assert assigned.status_code == 201, assigned.text
    assert assigned.json()["created"] == [True, True]
    first, second = assigned.json()["enrollments"]
    assert (first["course_code"], first["required"], second["required"]) == ("basics", True, False)
    blocked = client.post(f"/v1/enrollments/{second['enrollment_id']}:start", headers=rep)
    assert blocked.status_code == 422, blocked.text
    assert "PREREQUISITES_COMPLETED" in blocked.text
    progressed = client.post(
        f"/v1/enrollments/{first['enrollment_id']}:progress", json={"progress_pct": 50}, headers=rep
    )
    assert progressed.status_code == 200 and progressed.json()["status"] == "in_progress"
    done = client.post(f"/v1/enrollments/{first['enrollment_id']}:complete", headers=manager)
    assert done.status_code == 200, done.text
    assert done.json()["enrollment"]["status"] == "completed"
    no_reason = client.post(
        f"/v1/enrollments/{second['enrollment_id']}:waive", json={"reason": ""}, headers=manager
    )
    assert no_reason.status_code == 400, no_reason.text
    waived = client.post(
        f"/v1/enrollments/{second['enrollment_id']}:waive",
        json={"reason": "optional, skipped"},
        headers=manager,
    )
    assert waived.json()["waived_by"] == "mgr-a"
    mine = client.get("/v1/enrollments", params={"status": "completed"}, headers=rep).json()[
        "enrollments"
    ]
    assert [e["enrollment_id"] for e in mine] == [first["enrollment_id"]]
    other = client.get(
        f"/v1/enrollments/{first['enrollment_id']}", headers=bearer(settings, "rep-2", "rep")
    )
    assert other.status_code == 404
    assert len(outbox_events(db, "training.enrollment.assigned")) == 2
    assert len(outbox_events(db, "training.course.completed")) == 1
