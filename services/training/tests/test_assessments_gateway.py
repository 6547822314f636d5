"""Assessments, certifications and required certifications over HTTP (gateway + real api)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database
from services.training.tests.assessments_support import gateway
from services.training.tests.training_support import add_course, add_enrollment, outbox_events

__all__ = ["gateway"]

QUESTIONS = [
    {
        "text": "Which tier includes SSO?",
        "kind": "single_choice",
        "options": ["Basic", "Pro"],
        "points": 1,
        "correct_options": [1],
    },
    {
        "text": "Which discounts need approval?",
        "kind": "multiple_choice",
        "options": ["Above 10%", "Free months", "Volume tiers"],
        "points": 3,
        "correct_options": [0, 2],
    },
]


def test_authoring_taking_and_reading_an_assessment_over_http(
    gateway: tuple[TestClient, GatewaySettings, Database],
) -> None:
    client, settings, db = gateway
    admin = bearer(settings, "admin", "admin", "*")
    rep = bearer(settings, "rep-1", "rep")
    manager = bearer(settings, "mgr-a", "manager")
    course = add_course(
        db,
        "analytics-cert",
        completes_on_assessment=True,
        certifies_product_line="analytics",
        certification_valid_months=12,
    )
    body = {
        "course_id": course,
        "title": "Analytics certification",
        "pass_mark_bp": 7500,
        "max_attempts": 2,
        "questions": QUESTIONS,
    }
    assert client.post("/v1/assessments", json=body, headers=rep).status_code == 403
    made = client.post("/v1/assessments", json=body, headers=admin)
    assert made.status_code == 201, made.text
    assessment = made.json()
    assert made.headers["Location"] == f"/v1/assessments/{assessment['assessment_id']}"
    assert assessment["questions"][1]["kind"] == "multiple_choice"
    assert assessment["questions"][1]["correct_options"] == [0, 2]

    seen = client.get(f"/v1/assessments/{assessment['assessment_id']}", headers=rep).json()
    assert seen["includes_answer_key"] is False
    assert [q["correct_options"] for q in seen["questions"]] == [[], []]
    assert (
        len(client.get(f"/v1/assessments?course_id={course}", headers=rep).json()["assessments"])
        == 1
    )

    q1, q2 = (q["question_id"] for q in seen["questions"])
    submit = f"/v1/assessments/{assessment['assessment_id']}:submit"
    no_enrollment = client.post(submit, json={"answers": []}, headers=rep)
    assert no_enrollment.status_code == 422, no_enrollment.text
    assert "open_enrollment" in no_enrollment.text
    add_enrollment(db, "rep-1", course)
    failed = client.post(
        submit, json={"answers": [{"question_id": q1, "chosen_options": [1]}]}, headers=rep
    )
    assert failed.status_code == 200, failed.text
    assert (failed.json()["score_bp"], failed.json()["passed"], failed.json()["results"]) == (
        2500,
        False,
        [],
    )
    passed = client.post(
        submit,
        json={
            "answers": [
                {"question_id": q1, "chosen_options": [0]},
                {"question_id": q2, "chosen_options": [2, 0]},
            ]
        },
        headers=rep,
    ).json()
    assert (passed["score_bp"], passed["passed"], passed["completed_course"]) == (7500, True, True)
    attempts = client.get(
        f"/v1/assessments/{assessment['assessment_id']}/attempts", headers=manager
    ).json()["attempts"]
    assert [a["attempt_number"] for a in attempts] == [2, 1]
    assert [r["correct"] for r in attempts[0]["results"]] == [False, True]
    assert len(outbox_events(db, "training.assessment.passed")) == 1

    # The certification the pass granted, its revocation and the expiry check.
    certs = client.get("/v1/certifications?state=valid", headers=rep).json()["certifications"]
    assert [(c["product_line"], c["state"]) for c in certs] == [("analytics", "valid")]
    cert_id = certs[0]["certification_id"]
    assert client.get(f"/v1/certifications/{cert_id}", headers=manager).status_code == 200
    director = bearer(settings, "dir-1", "director")
    denied = client.post(
        f"/v1/certifications/{cert_id}:revoke", json={"reason": "x"}, headers=manager
    )
    assert denied.status_code == 403
    revoked = client.post(
        f"/v1/certifications/{cert_id}:revoke", json={"reason": "Mis-selling"}, headers=director
    )
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["state"], revoked.json()["revoke_reason"]) == ("revoked", "Mis-selling")

    granted = client.post(
        "/v1/certifications:grant",
        json={
            "rep_id": "rep-2",
            "product_line": "crm",
            "valid_from": "2026-01-31",
            "valid_months": 13,
            "evidence": "Vendor certificate 4711",
        },
        headers=admin,
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["valid_until"] == "2027-02-28"  # no 31 Feb: to the month's end
    assert granted.headers["Location"] == f"/v1/certifications/{granted.json()['certification_id']}"
    run = client.post("/v1/certifications:run-expiry", json={"as_of": "2027-03-01"}, headers=admin)
    assert run.status_code == 200, run.text
    assert run.json()["expired_certification_ids"] == [granted.json()["certification_id"]]

    requirement = client.put(
        "/v1/required-certifications",
        json={"product_line": "analytics", "certification_course_id": course},
        headers=admin,
    )
    assert requirement.status_code == 200, requirement.text
    assert requirement.json()["certification_course_code"] == "analytics-cert"
    listed = client.get("/v1/required-certifications", headers=rep).json()["requirements"]
    assert [(r["product_line"], r["published"]) for r in listed] == [("analytics", True)]
