"""From signed contracts to pay, scorecards, gaps and inspections, through the gateway only.

Planning hires two reps under a team manager and allocates a quarter's
revenue target to them; an admin drafts a 5 % commission plan that a director
approves. Contracts signed in the pipeline become direct credits for the rep
and overlay credits for the manager; the statement pays each credit with its
rate and says so; the scorecard shows the credited revenue against the quota.
Cancelling a contract takes its credits back and the recalculated statement
shows the clawback as an adjustment, the earlier lines untouched. A rep who
loses every deal gets a win-rate gap (negotiation) on RabbitMQ, and an
opportunity nobody has worked for 20 days is found by an inspection.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from kombu import Connection, Queue

from services.kit.fiscal import FiscalCalendar
from tests.system import harness

pytestmark = pytest.mark.system

EUR = "EUR"
TARGET = 100_000_000  # one million euros, in cents: 500,000 per rep
RATE_BP = 500  # 5 % of credited revenue


@pytest.fixture
def gap_queue(platform: harness.Platform) -> Iterator[tuple[Connection, Queue]]:
    """A queue of the test's own, bound to performance.gap.detected before anything is scored."""
    with harness.event_queue(platform, "performance.gap.detected") as bound:
        yield bound


def minor(money: dict[str, Any] | None) -> int:
    assert money is not None and money["currency"] == EUR, money
    return int(money["amount_minor"])


def credits_of(http: httpx.Client, rep: str, period: str) -> list[dict[str, Any]]:
    body = harness.expect(http.get("/v1/credits", params={"rep": rep, "period": period}), 200)
    credits: list[dict[str, Any]] = body["credits"]
    return credits


def test_credits_statement_scorecard_clawback_gap_and_inspection(
    platform: harness.Platform, gap_queue: tuple[Connection, Queue]
) -> None:
    tag = secrets.token_hex(3)
    region = f"P{tag.upper()}"  # a region of the test's own keeps every total exact
    director, manager = f"dir-{tag}", f"mgr-{tag}"
    boss = harness.client(platform, harness.issue(platform, director, ["director"], [region]))
    admin = harness.client(platform, harness.issue(platform, f"adm-{tag}", ["admin"], [region]))
    today = datetime.now(UTC)
    _, quarter, month = FiscalCalendar().periods_containing(today)

    # Planning: a region with one team under `manager`, two reps, a quarter's quota each.
    def unit(code: str, kind: str, parent: str = "", manager_id: str = "") -> str:
        return harness.create_unit(boss, f"{code}-{tag}", kind, region, parent, manager_id)

    root = unit("region", "region", unit("co", "company"), director)
    team = unit("team", "team", root, manager)
    winner, loser = f"rep-w-{tag}", f"rep-l-{tag}"
    for rep in (winner, loser):
        harness.hire_rep(boss, rep, team, quarter.starts_at.date().isoformat())
    plan = harness.create_plan(boss, root, quarter.code, director, EUR)
    target = harness.expect(
        boss.post(
            f"/v1/plans/{plan['plan_id']}/targets",
            json={"metric": "revenue", "amount": {"currency": EUR, "amount_minor": TARGET}},
        ),
        201,
    )
    harness.expect(
        boss.post(f"/v1/targets/{target['target_id']}:allocate", json={"method": "equal"}), 200
    )
    harness.expect(boss.post(f"/v1/plans/{plan['plan_id']}:submit"), 200)
    harness.expect(boss.post(f"/v1/plans/{plan['plan_id']}:approve"), 200)

    # Performance: an admin drafts the reps' commission plan, a director approves it.
    approved = harness.approved_commission_plan(
        admin, boss, f"Reps {tag}", region, EUR, quarter.starts_at.date().isoformat(), RATE_BP
    )
    assert approved["status"] == "approved", approved

    # The pipeline: a customer, and two contracts the winner signs.
    customer = harness.expect(
        boss.post(
            "/v1/customers",
            json={"region": region, "name": f"Kunde {tag} AG", "country": "DE", "owner_id": winner},
        ),
        201,
    )["customer_id"]
    rep_http = {
        rep: harness.client(platform, harness.issue(platform, rep, ["rep"], [region]))
        for rep in (winner, loser)
    }

    def signed(amount: int) -> dict[str, Any]:
        def attempt() -> dict[str, Any] | None:
            try:
                return harness.sign_contract(
                    rep_http[winner], customer, amount, date.today().isoformat()
                )
            except AssertionError as refused:
                if "not a known" in str(refused) or "rep" in str(refused).lower():
                    return None  # planning's rep or the customer has not reached the pipeline yet
                raise

        contract: dict[str, Any] = harness.wait_until(
            attempt, timeout=30, interval=0.3, what="a signed contract"
        )
        return contract

    first, second = signed(20_000_000), signed(10_000_000)

    # Credits: the winner's direct ones, and the same amounts as overlay for the manager.
    def direct_total() -> int | None:
        credits = [c for c in credits_of(boss, winner, quarter.code) if c["kind"] == "direct"]
        total = sum(minor(c["amount"]) for c in credits)
        return total if total == 30_000_000 else None

    harness.wait_until(direct_total, timeout=30, what="the winner's direct credits")
    overlay = [c for c in credits_of(boss, manager, quarter.code) if c["kind"] == "overlay"]
    assert sorted(minor(c["amount"]) for c in overlay) == [10_000_000, 20_000_000]
    assert {c["from_rep_id"] for c in overlay} == {winner}
    assert all(c["event_id"] for c in overlay)  # each traceable to its event

    # The statement pays 5 % of each credit and says which credit and which rate.
    def calculate() -> dict[str, Any]:
        result = harness.expect(
            boss.post(
                "/v1/commission-statements:calculate",
                json={"period_code": quarter.code, "region": region},
            ),
            200,
        )
        [mine] = [s for s in result["statements"] if s["rep_id"] == winner]
        statement: dict[str, Any] = harness.expect(
            boss.get(f"/v1/commission-statements/{mine['statement_id']}"), 200
        )
        return statement

    statement = calculate()
    assert minor(statement["total"]) == 30_000_000 * RATE_BP // 10_000 == 1_500_000
    assert minor(statement["total"]) == sum(minor(line["amount"]) for line in statement["lines"])
    assert minor(statement["quota"]) == TARGET // 2
    assert statement["attainment_bp"] == 6_000
    paying = [line for line in statement["lines"] if minor(line["amount"])]
    assert paying and all(line["explanation"]["rate_bp"] == RATE_BP for line in paying)
    credited = {c["credit_id"] for c in credits_of(boss, winner, quarter.code)}
    explained = {cid for line in paying for cid in line["explanation"]["credit_ids"]}
    assert explained and explained <= credited, (explained, credited)
    first_lines = {line["line_id"] for line in statement["lines"]}

    # The scorecard: credited revenue against the quota.
    def revenue_line() -> dict[str, Any]:
        card = harness.expect(boss.get(f"/v1/scorecards/{winner}/{quarter.code}"), 200)
        [line] = [x for x in card["lines"] if x["source"] == "revenue_attainment"]
        return line

    line = revenue_line()
    assert (line["value"], line["target"], line["scored"]) == (30_000_000, TARGET // 2, True)

    # Cancelling the second contract claws its credits back: an adjustment, not a rewrite.
    harness.expect(
        boss.post(f"/v1/contracts/{second['contract_id']}:cancel", json={"reason": "withdrawn"}),
        200,
    )
    harness.wait_until(
        lambda: (
            sum(minor(c["amount"]) for c in credits_of(boss, winner, quarter.code)) == 20_000_000
        ),
        timeout=10,
        what="the clawback of the cancelled contract",
    )
    recalculated = calculate()
    assert recalculated["version"] == statement["version"] + 1
    assert minor(recalculated["total"]) == 1_000_000
    assert first_lines <= {x["line_id"] for x in recalculated["lines"]}  # history kept
    adjustments = [x for x in recalculated["lines"] if x["line_id"] not in first_lines]
    assert adjustments and sum(minor(x["amount"]) for x in adjustments) == -500_000
    assert revenue_line()["value"] == 20_000_000
    del first

    # The loser loses three deals: a win rate of 0 is a negotiation gap.
    for n in range(3):
        deal = harness.expect(
            rep_http[loser].post(
                "/v1/opportunities",
                json={
                    "customer_id": customer,
                    "name": f"Lost {n} {tag}",
                    "line_items": [
                        {
                            "product_line": "analytics",
                            "quantity": 1,
                            "unit_price": {"currency": EUR, "amount_minor": 1_000_000},
                        }
                    ],
                },
            ),
            201,
        )
        harness.expect(
            rep_http[loser].post(
                f"/v1/opportunities/{deal['opportunity_id']}:lose", json={"reason": "price"}
            ),
            200,
        )

    def win_rate_scored() -> dict[str, Any] | None:
        card = harness.expect(boss.get(f"/v1/scorecards/{loser}/{quarter.code}"), 200)
        [rate] = [x for x in card["lines"] if x["source"] == "win_rate"]
        return rate if rate["scored"] else None

    rate = harness.wait_until(win_rate_scored, timeout=30, what="the loser's win rate")
    assert (rate["value"], rate["score"]) == (0, 0), rate
    harness.expect(
        boss.post(
            "/v1/scorecards:detect-gaps", json={"period_code": quarter.code, "region": region}
        ),
        200,
    )
    connection, queue = gap_queue
    gaps = [
        g
        for g in harness.received(connection, queue, seconds=3)
        if g["payload"]["rep_id"] == loser and g["payload"]["kpi_code"] == rate["kpi_code"]
    ]
    assert len(gaps) == 1, gaps
    assert gaps[0]["payload"]["skill_area"] == "negotiation"

    # An opportunity nobody has worked for 20 days: the inspection finds it.
    idle = harness.expect(
        rep_http[loser].post(
            "/v1/opportunities",
            json={
                "customer_id": customer,
                "name": f"Forgotten {tag}",
                "line_items": [
                    {
                        "product_line": "analytics",
                        "quantity": 1,
                        "unit_price": {"currency": EUR, "amount_minor": 2_000_000},
                    }
                ],
            },
        ),
        201,
    )["opportunity_id"]

    def backdated() -> bool:
        # What the worker copied is aged by hand: a test cannot wait 20 days.
        with harness.connect(platform, "performance") as db:
            changed = db.execute(
                "UPDATE opportunity_states SET opened_at = now() - interval '20 days',"
                " last_activity_at = now() - interval '20 days' WHERE opportunity_id = %s",
                (idle,),
            ).rowcount
        return changed == 1

    harness.wait_until(backdated, timeout=30, what="the idle opportunity's copy")
    run = harness.expect(
        boss.post("/v1/inspections:run", json={"region": region, "period_code": month.code}),
        201,  # a run is a record of its own
    )
    stale = [v for v in run["recorded"] if v["rule"] == "stale_opportunity"]
    assert [(v["subject_id"], v["rep_id"]) for v in stale] == [(idle, loser)], run
    assert "20 days > 14" in stale[0]["summary"], stale[0]
    again = harness.expect(
        boss.post("/v1/inspections:run", json={"region": region, "period_code": month.code}),
        201,  # a run is a record of its own
    )
    assert again["recorded"] == []  # the same finding is not recorded twice
