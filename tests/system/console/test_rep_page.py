"""The rep page in a real browser, against the running platform.

A director seeds a region of the test's own through the API: a team with one rep, the
quarter's revenue target allocated to the team (so to the rep), a commission plan, a won
contract and an open deal, a course enrollment and a coaching session with an action. Once
the rep's overview has settled (planning books the contract by event) and the quarter's
statements are calculated, the rep opens their page: attainment and pace, pipeline,
scorecard, commission with its explained lines, training and coaching shown are the API's.
Last, with the training api stopped for real, the overview misses its training section and
the page shows a notice naming it and every other section, not an error.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.kit.fiscal import FiscalCalendar
from tests.system import harness
from tests.system.console.conftest import assert_clean, wait_rendered

pytestmark = pytest.mark.system

EUR = "EUR"
TARGET = 40_000_000
WON = 1_500_000
RATE_BP = 500


def eur(amount: int) -> dict[str, Any]:
    return {"currency": EUR, "amount_minor": amount}


def money(value: dict[str, Any]) -> str:
    return f"{int(value['amount_minor']) / 100:,.2f} {value['currency']}"


def percent(bp: int) -> str:
    return f"{bp / 100:.1f} %"


def created(response: httpx.Response) -> dict[str, Any] | None:
    """The body of a 201; None while a service has not learned of a record yet (400/404/422)."""
    if response.status_code in (400, 404, 422):
        return None
    return harness.expect(response, 201)


def eventually(read: Callable[[], Any], expected: Any, what: str, timeout: float = 30) -> None:
    last: list[Any] = [None]

    def matches() -> bool:
        last[0] = read()
        return bool(last[0] == expected)

    try:
        harness.wait_until(matches, timeout=timeout, interval=0.3, what=what)
    except TimeoutError:
        raise AssertionError(f"{what}: {last[0]!r}, expected {expected!r}") from None


def test_rep_page_figures(platform: harness.Platform, open_console: Any, shot: Any) -> None:
    tag = secrets.token_hex(3)
    region = f"CON{tag.upper()}"
    director, rep = f"dir-{tag}", f"rep-{tag}"
    quarter = FiscalCalendar().periods_containing(datetime.now(UTC))[1]
    today = date.today().isoformat()
    rep_token = harness.issue(platform, rep, ["rep"], [region])
    with (
        harness.client(platform, harness.issue(platform, director, ["director"], [region])) as boss,
        harness.client(
            platform, harness.issue(platform, f"adm-{tag}", ["admin"], [region])
        ) as admin,
        harness.client(platform, rep_token) as own,
    ):
        company = harness.create_unit(boss, f"co-{tag}", "company", region)
        root = harness.create_unit(boss, f"region-{tag}", "region", region, company, director)
        team = harness.create_unit(boss, f"team-{tag}", "team", region, root, f"mgr-{tag}")
        harness.hire_rep(boss, rep, team, quarter.starts_at.date().isoformat())
        plan = harness.create_plan(boss, root, quarter.code, director, EUR)
        harness.allocated_target(boss, plan["plan_id"], TARGET, EUR, {team: 1})
        harness.approved_commission_plan(
            admin, boss, f"Reps {tag}", region, EUR, quarter.starts_at.date().isoformat(), RATE_BP
        )

        account = {"region": region, "name": f"Kunde {tag} AG", "country": "DE", "owner_id": rep}
        customer = harness.wait_until(
            lambda: created(boss.post("/v1/customers", json=account)),
            timeout=30,
            interval=0.3,
            what="the customer (customers learns of the rep by event)",
        )["customer_id"]

        def signed() -> dict[str, Any] | None:
            try:
                return harness.sign_contract(own, customer, WON, today)
            except AssertionError:
                return None  # the pipeline has not learned of the rep or the customer yet

        harness.wait_until(signed, timeout=30, interval=0.3, what="a won contract")
        open_deal = {
            "customer_id": customer,
            "name": f"Open {tag}",
            "expected_close_date": (date.today() + timedelta(days=10)).isoformat(),
            "line_items": [
                {"product_line": "analytics", "quantity": 1, "unit_price": eur(800_000)}
            ],
        }
        harness.expect(own.post("/v1/opportunities", json=open_deal), 201)

        course = harness.create_course(admin, region, f"NEG-{tag}", title="Negotiation")
        harness.wait_until(
            lambda: created(
                admin.post(
                    "/v1/enrollments", json={"rep_id": rep, "course_id": course["course_id"]}
                )
            ),
            timeout=30,
            interval=0.3,
            what="the enrollment (training learns of the rep by event)",
        )
        session = harness.expect(
            boss.post(
                "/v1/coaching-sessions",
                json={
                    "rep_id": rep,
                    "session_date": today,
                    "focus_skill": "negotiation",
                    "actions": [
                        {
                            "description": "Role-play a price objection",
                            "owner": "rep",
                            "due_date": (date.today() + timedelta(days=7)).isoformat(),
                        }
                    ],
                },
            ),
            201,
        )

        # Commission: once the credits are in, the region's statements are calculated.
        def credited() -> int:
            body = harness.expect(
                boss.get("/v1/credits", params={"rep": rep, "period": quarter.code}), 200
            )
            return sum(
                int(c["amount"]["amount_minor"]) for c in body["credits"] if c["kind"] == "direct"
            )

        eventually(credited, WON, "the rep's direct credits")
        harness.expect(
            boss.post(
                "/v1/commission-statements:calculate",
                json={"period_code": quarter.code, "region": region},
            ),
            200,
        )

        def overview() -> dict[str, Any]:
            body: dict[str, Any] = harness.expect(
                own.get(f"/v1/reps/{rep}/overview", params={"period": quarter.code}), 200
            )
            return body

        def settled() -> Any:
            body = overview()
            if body["partial"]:
                return body["partial"]
            revenue = [x for x in body["attainment"]["lines"] if x["metric"] == "revenue"]
            return (
                revenue[0]["actual"] if revenue else None,
                body["pipeline"]["open_opportunities"],
            )

        eventually(settled, (eur(WON), 1), "the rep's overview (planning books by event)")

        page = open_console(rep_token, "rep", id=rep, period=quarter.code)
        mine = overview()
        assert mine["partial"] == []
        assert page.locator('[data-testid="partial-notice"]').count() == 0

        def shown(testid: str) -> str:
            text: str = page.locator(f'[data-testid="{testid}"]').inner_text()
            return text

        # Attainment and pace.
        [line] = [x for x in mine["attainment"]["lines"] if x["metric"] == "revenue"]
        assert shown("attainment-percent") == percent(line["percent_bp"])
        assert shown("attainment-pace") == percent(line["pace_bp"])
        assert shown("attainment-actual") == money(line["actual"])
        assert shown("attainment-target") == money(line["target"])
        assert line["target"] == eur(TARGET) and line["actual"] == eur(WON)
        assert page.locator('[data-testid="section-attainment"] canvas[aria-label]').count() == 1

        # Pipeline.
        assert shown("pipeline-open-count") == str(mine["pipeline"]["open_opportunities"])
        assert shown("pipeline-amount") == money(mine["pipeline"]["totals"][0]["amount"])

        # Scorecard: every KPI with its value, target, score and weight.
        card = mine["scorecard"]
        assert shown("scorecard-total") == str(card["total_score"])
        for kpi in card["lines"]:
            cells = page.locator(f'[data-testid="kpi-{kpi["kpi_code"]}"] td').all_inner_texts()
            assert cells[3] == f"{kpi['score']:,}", kpi
            assert cells[4] == percent(kpi["weight_bp"]), kpi
            if kpi["scored"] and kpi["unit"] == "minor_units":
                assert cells[1] == money(eur(kpi["value"])), kpi
        assert page.locator('[data-testid="section-scorecard"] canvas[aria-label]').count() == 1

        # Commission to date and the statement's explained lines.
        assert shown("commission-total") == " + ".join(
            money(t) for t in mine["commission"]["totals"]
        )
        assert mine["commission"]["totals"] == [eur(WON * RATE_BP // 10_000)]
        [summary] = mine["commission"]["statements"]
        statement = harness.expect(
            own.get(f"/v1/commission-statements/{summary['statement_id']}"), 200
        )
        assert statement["lines"]
        for statement_line in statement["lines"]:
            row = page.locator(f'[data-testid="statement-line-{statement_line["line_id"]}"]')
            assert money(statement_line["amount"]) in row.inner_text()

        # Training and coaching.
        enrollments = mine["training"]["open_enrollments"]
        assert [e["course_id"] for e in enrollments] == [course["course_id"]]
        for enrollment in enrollments:
            assert page.locator(f'[data-testid="enrollment-{enrollment["enrollment_id"]}"]').count()
        assert shown("training-open-count") == str(len(enrollments))
        [action] = session["actions"]
        coaching_row = page.locator(f'[data-testid="coaching-action-{action["action_id"]}"]')
        assert "Role-play a price objection" in coaching_row.inner_text()
        shot(page, "rep-page")
        assert_clean(page)

        # The training api really stops: the overview answers without its training section.
        with harness.api_stopped(platform, "training", own, "/v1/enrollments"):
            down = harness.wait_until(
                lambda: (body := overview())["partial"] == ["training"] and body,
                timeout=30,
                interval=0.3,
                what="the overview without its training section",
            )
            page.reload()
            wait_rendered(page)  # signed in again from the tab's session storage
            notice = shown("partial-notice")
            # The detail changes as the gateway's circuit opens; the state and service do not.
            assert f"Training readiness ({down['sections']['training']['status']})" in notice
            assert "the training service is unavailable" in notice
            assert page.locator('[data-testid="missing-training"]').count() == 1
            assert shown("attainment-percent") == percent(line["percent_bp"])
            assert shown("scorecard-total") == str(card["total_score"])
            # Coaching sessions are training's too: their section shows the refusal itself.
            refusal = '[data-testid="section-coaching"] [data-testid="problem-title"]'
            answer = own.get("/v1/coaching-sessions", params={"rep_id": rep})
            assert answer.status_code == 503, answer.text
            assert page.locator(refusal).inner_text() == answer.json()["title"]
            shot(page, "rep-page-partial")
        # The only 5xx the page met is that one, shown where it belongs.
        assert page.console_problems, "the page never asked for the coaching sessions"
        for problem in page.console_problems:
            assert problem.startswith("503 from GET ") and "/v1/coaching-sessions" in problem
