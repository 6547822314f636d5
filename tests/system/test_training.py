"""The loop from measured weakness to training and back, through the gateway only.

An admin builds a catalog: an onboarding course on a learning path for new
reps, a negotiation course and a certification course, each finished by
passing an assessment, and the rules that assign them. Hiring a rep in
planning assigns the onboarding path; the rep loses every deal, performance
detects a win-rate gap and training assigns the negotiation course; passing
its assessment completes it, `training.course.completed` reaches performance
and the rep's training-compliance KPI moves. Passing the certification
course lets the rep's deal through a stage gate that requires it; once the
certification expires the pipeline blocks the next deal at that gate.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.kit.fiscal import FiscalCalendar
from tests.system import harness

pytestmark = pytest.mark.system

EUR = "EUR"


def enrollments_of(http: httpx.Client, rep: str) -> list[dict[str, Any]]:
    body = harness.expect(http.get("/v1/enrollments", params={"rep_id": rep}), 200)
    enrollments: list[dict[str, Any]] = body["enrollments"]
    return enrollments


def test_hire_gap_course_kpi_and_certification_gate(platform: harness.Platform) -> None:
    tag = secrets.token_hex(3)
    region = f"T{tag.upper()}"
    director = f"dir-{tag}"
    boss = harness.client(platform, harness.issue(platform, director, ["director"], [region]))
    admin = harness.client(platform, harness.issue(platform, f"adm-{tag}", ["admin"], [region]))
    quarter = FiscalCalendar().periods_containing(datetime.now(UTC))[1]
    product_line = f"robots-{tag}"

    # The catalog and the rules, entered by an admin.
    onboarding = harness.create_course(
        admin, region, f"ONB-{tag}", category="sales_process", skills=["prospecting:1"]
    )
    negotiation = harness.create_course(
        admin, region, f"NEG-{tag}", skills=["negotiation:2"], completes_on_assessment=True
    )
    certification = harness.create_course(
        admin,
        region,
        f"CERT-{tag}",
        category="product_knowledge",
        product_lines=[product_line],
        completes_on_assessment=True,
        certifies_product_line=product_line,
        certification_valid_months=12,
    )
    path = harness.expect(
        admin.post(
            "/v1/learning-paths",
            json={
                "code": f"onboarding-{tag}",
                "name": "Onboarding",
                "role": "rep",
                "region": region,
                "purpose": "onboarding",
                "items": [{"course_id": onboarding["course_id"], "required": True}],
            },
        ),
        201,
    )
    for rule in (
        {"trigger": "rep_hired", "match": "rep", "learning_path_id": path["path_id"]},
        {
            "trigger": "gap_detected",
            "match": "negotiation",
            "course_id": negotiation["course_id"],
            "due_in_days": 14,
        },
    ):
        harness.expect(
            admin.post(
                "/v1/assignment-rules",
                json={"name": f"{rule['trigger']} {tag}", "region": region, **rule},
            ),
            201,
        )
    # The region's rep KPIs: win rate, and training compliance on the negotiation course.
    harness.expect(
        admin.post(
            "/v1/kpis",
            json={
                "role": "rep",
                "region": region,
                "effective_from": quarter.code,
                "kpis": [
                    {
                        "code": "win_rate",
                        "name": "Win rate",
                        "source": "win_rate",
                        "target_value": 2500,
                        "floor_bp": 4000,
                        "stretch_bp": 16000,
                        "weight_bp": 5000,
                        "skill_area": "negotiation",
                    },
                    {
                        "code": "training",
                        "name": "Training compliance",
                        "source": "training_compliance",
                        "target_value": 8000,
                        "floor_bp": 5000,
                        "stretch_bp": 12500,
                        "weight_bp": 5000,
                        "required_training": [negotiation["code"]],
                    },
                ],
            },
        ),
        201,
    )

    # Planning hires the rep: training assigns the onboarding path.
    def unit(code: str, kind: str, parent: str = "", manager_id: str = "") -> str:
        return harness.create_unit(boss, f"{code}-{tag}", kind, region, parent, manager_id)

    team = unit(
        "team", "team", unit("region", "region", unit("co", "company"), director), f"mgr-{tag}"
    )
    rep = f"rep-{tag}"
    harness.hire_rep(boss, rep, team, quarter.starts_at.date().isoformat(), capacity=10)

    def assigned(course_id: str) -> dict[str, Any] | None:
        found = [e for e in enrollments_of(boss, rep) if e["course_id"] == course_id]
        return found[0] if found else None

    onboarded = harness.wait_until(
        lambda: assigned(onboarding["course_id"]), timeout=30, what="the onboarding enrollment"
    )
    assert (onboarded["source"], onboarded["path_id"]) == ("rule", path["path_id"]), onboarded
    assert onboarded["reason"], onboarded

    # The rep loses three deals: a win-rate gap, and the negotiation course follows.
    customer = harness.expect(
        boss.post(
            "/v1/customers",
            json={"region": region, "name": f"Firma {tag} GmbH", "country": "DE", "owner_id": rep},
        ),
        201,
    )["customer_id"]
    rep_http = harness.client(platform, harness.issue(platform, rep, ["rep"], [region]))

    def opportunity(name: str, pipeline_id: str = "", line: str = "analytics") -> str | None:
        body: dict[str, Any] = {
            "customer_id": customer,
            "name": name,
            "line_items": [
                {
                    "product_line": line,
                    "quantity": 1,
                    "unit_price": {"currency": EUR, "amount_minor": 500_000},
                }
            ],
        }
        if pipeline_id:
            body["pipeline_id"] = pipeline_id
        response = rep_http.post("/v1/opportunities", json=body)
        return str(response.json()["opportunity_id"]) if response.status_code == 201 else None

    for n in range(3):
        deal = harness.wait_until(
            lambda n=n: opportunity(f"Lost {n} {tag}"), timeout=30, what="an opportunity"
        )
        harness.expect(
            rep_http.post(f"/v1/opportunities/{deal}:lose", json={"reason": "price"}), 200
        )

    def scorecard_line(code: str) -> dict[str, Any]:
        card = harness.expect(boss.get(f"/v1/scorecards/{rep}/{quarter.code}"), 200)
        [line] = [x for x in card["lines"] if x["kpi_code"] == code]
        return line

    harness.wait_until(
        lambda: scorecard_line("win_rate")["scored"], timeout=30, what="the rep's win rate"
    )
    training_before = scorecard_line("training")
    assert training_before["value"] == 0, training_before
    harness.expect(
        boss.post(
            "/v1/scorecards:detect-gaps", json={"period_code": quarter.code, "region": region}
        ),
        200,
    )
    gap_course = harness.wait_until(
        lambda: assigned(negotiation["course_id"]), timeout=30, what="the course for the gap"
    )
    assert gap_course["source"] == "rule" and "negotiation" in gap_course["reason"], gap_course
    due = date.fromisoformat(gap_course["due_on"])
    assert due == date.today() + timedelta(days=14), gap_course

    # Passing its assessment completes it; performance hears of it and the KPI moves.
    harness.pass_course_quiz(admin, rep_http, negotiation["course_id"])
    assert assigned(negotiation["course_id"])["status"] == "completed"  # type: ignore[index]
    moved = harness.wait_until(
        lambda: (line := scorecard_line("training"))["value"] > 0 and line,
        timeout=10,
        what="the training-compliance KPI",
    )
    assert moved["value"] == 10_000 and moved["score"] > training_before["score"], moved

    # A pipeline of the test's own whose first stage needs the owner certified for the line.
    pipeline = harness.certified_only_pipeline(admin, f"Robots {tag}", region)

    def advance(deal: str) -> httpx.Response:
        return rep_http.post(f"/v1/opportunities/{deal}:advance", json={})

    uncertified = opportunity(f"Robots A {tag}", pipeline["pipeline_id"], product_line)
    refused = advance(str(uncertified))
    assert refused.status_code == 422, refused.text

    harness.expect(
        rep_http.post(
            "/v1/enrollments:self-enroll", json={"course_id": certification["course_id"]}
        ),
        201,
    )
    harness.pass_course_quiz(admin, rep_http, certification["course_id"])
    [held] = harness.expect(boss.get("/v1/certifications", params={"rep_id": rep}), 200)[
        "certifications"
    ]
    assert (held["product_line"], held["state"]) == (product_line, "valid"), held

    # The grant reaches the pipeline: the deal passes the gate.
    harness.wait_until(
        lambda: advance(str(uncertified)).status_code == 200, timeout=10, what="the certified gate"
    )

    # The certification runs out: the next deal is stopped at the same gate.
    after = date.fromisoformat(held["valid_until"]) + timedelta(days=1)
    # The expiry check runs over every region: an all-regions admin runs it.
    root = harness.client(platform, harness.issue(platform, f"root-{tag}", ["admin"], ["*"]))
    expiry = harness.expect(
        root.post("/v1/certifications:run-expiry", json={"as_of": after.isoformat()}), 200
    )
    assert held["certification_id"] in expiry["expired_certification_ids"], expiry
    blocked = opportunity(f"Robots B {tag}", pipeline["pipeline_id"], product_line)

    harness.wait_until(
        lambda: harness.certification_copy_expired(platform, held["certification_id"]),
        timeout=30,
        what="the expiry in the pipeline",
    )
    refused_again = advance(str(blocked))
    assert refused_again.status_code == 422, refused_again.text
    violations = refused_again.json()["violations"]
    assert any(product_line in v["description"] for v in violations), violations
