"""The plans page in a real browser: a plan's targets down the org tree, then its approval.

A director seeds a region of the test's own through the API: a company and a region unit
with two teams and three reps, a quarter's revenue plan for the region unit with one
target allocated 3:1 to the teams and on to the reps. The director opens the plan in the
console: every unit's share and its children's sum shown equal the API's roll-up, and
every rep has a row. A team manager (not the manager of the plan unit's parent) sees the
API's refusal when approving; the director submits and approves from the page and the
API then reports the plan approved, with the reps' shares equal to their attainment
targets.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from services.kit.fiscal import FiscalCalendar
from tests.system import harness
from tests.system.console.conftest import TABLET, assert_clean, go

pytestmark = pytest.mark.system

EUR = "EUR"
TARGET = 123_456_789  # minor units: 1,234,567.89 EUR, split unevenly on purpose


def shown_money(amount_minor: int, currency: str = EUR) -> str:
    """What the console's fmt.money shows for an amount (en-US grouping, two decimals)."""
    sign = "-" if amount_minor < 0 else ""
    whole, cents = divmod(abs(amount_minor), 100)
    return f"{sign}{whole:,}.{cents:02d} {currency}"


@pytest.fixture(scope="module")
def seeded(platform: harness.Platform) -> Iterator[dict[str, Any]]:
    tag = secrets.token_hex(3)
    region = f"CON{tag.upper()}"
    director = f"dir-{tag}"
    token = harness.issue(platform, director, ["director"], [region])
    quarter = FiscalCalendar().periods_containing(datetime.now(UTC))[1]
    with harness.client(platform, token) as boss:

        def unit(name: str, kind: str, parent: str = "", manager: str = "") -> str:
            code = f"{name.lower().replace(' ', '-')}-{tag}"
            return harness.create_unit(boss, code, kind, region, parent, manager, name)

        company = unit("Company", "company")
        root = unit("Region", "region", company)
        team_a = unit("Team A", "team", root, f"mgr-a-{tag}")
        team_b = unit("Team B", "team", root, f"mgr-b-{tag}")
        reps = {f"rep-a1-{tag}": team_a, f"rep-a2-{tag}": team_a, f"rep-b1-{tag}": team_b}
        for rep, team in reps.items():
            harness.hire_rep(boss, rep, team, quarter.starts_at.date().isoformat())
        plan = harness.create_plan(boss, root, quarter.code, director, EUR)
        target = harness.allocated_target(
            boss, plan["plan_id"], TARGET, EUR, {team_a: 3, team_b: 1}, depth=0, approve=False
        )
        yield {
            "region": region,
            "token": token,
            "manager_token": harness.issue(platform, f"mgr-a-{tag}", ["manager"], [region]),
            "plan": plan,
            "target": target,
            "units": [root, team_a, team_b],
            "reps": list(reps),
            "period": quarter.code,
        }


def test_plan_tree_submit_and_approve(
    platform: harness.Platform,
    seeded: dict[str, Any],
    open_console: Callable[..., Any],
    shot: Callable[[Any, str], None],
) -> None:
    plan_id, target_id = seeded["plan"]["plan_id"], seeded["target"]["target_id"]
    with harness.client(platform, seeded["token"]) as api:
        roll_up = harness.expect(api.get(f"/v1/targets/{target_id}/roll-up"), 200)

        # The list: the region's plans, this one a draft.
        page = open_console(seeded["token"], "plans", region=seeded["region"])
        assert page.get_by_test_id(f"plan-status-{plan_id}").inner_text() == "draft"

        # The plan: the target, and each parent's share and children's sum as the API has them.
        go(page, platform.base_url, "plans", id=plan_id)
        assert page.get_by_test_id("plan-status").inner_text() == "draft"
        assert page.get_by_test_id(f"target-amount-{target_id}").inner_text() == shown_money(TARGET)
        lines = {line["unit_id"]: line for line in roll_up["lines"]}
        assert set(lines) == set(seeded["units"]), roll_up
        for unit_id, line in lines.items():
            amount = page.get_by_test_id(f"alloc-amount-{target_id}-{unit_id}").inner_text()
            children = page.get_by_test_id(f"alloc-children-{target_id}-{unit_id}").inner_text()
            assert (amount, children) == (
                shown_money(line["amount"]),
                shown_money(line["children_sum"]),
            ), unit_id
        for rep in seeded["reps"]:
            assert page.get_by_test_id(f"alloc-{target_id}-{rep}").count() == 1, rep
        assert page.locator("canvas[aria-label]").count() >= 1

        # Submit from the page: the API reports it submitted.
        page.get_by_test_id("plan-action-submit").click()
        page.get_by_test_id("plan-status").filter(has_text="submitted").wait_for()
        assert harness.expect(api.get(f"/v1/plans/{plan_id}"), 200)["status"] == "submitted"
        assert page.get_by_test_id("plan-action-submit").count() == 0

        # A team manager may approve plans, but not this one: the API's refusal is shown.
        other = open_console(seeded["manager_token"], "plans", id=plan_id)
        other.get_by_test_id("plan-action-approve").click()
        problem = other.get_by_test_id("plan-problem").get_by_test_id("problem")
        problem.wait_for()
        assert "approved only by" in problem.inner_text()
        assert harness.expect(api.get(f"/v1/plans/{plan_id}"), 200)["status"] == "submitted"
        other.close()

        # The director approves it from the page.
        page.get_by_test_id("plan-action-approve").click()
        page.get_by_test_id("plan-status").filter(has_text="approved").wait_for()
        approved = harness.expect(api.get(f"/v1/plans/{plan_id}"), 200)
        assert approved["status"] == "approved" and approved["approved_by"].startswith("dir-")
        page.get_by_test_id("plan-action-activate").wait_for()

        # Approved, its targets count: each rep's share is their attainment target.
        for rep in seeded["reps"]:
            attainment = harness.expect(
                api.get("/v1/attainment", params={"rep": rep, "period": seeded["period"]}), 200
            )
            [line] = [x for x in attainment["lines"] if x["target_id"] == target_id]
            shown = page.get_by_test_id(f"alloc-amount-{target_id}-{rep}").inner_text()
            assert shown == shown_money(line["target"]["amount_minor"]), rep
        shot(page, "plans-approved")
        assert_clean(page)
        page.close()


def test_plan_actions_hidden_from_an_executive(
    platform: harness.Platform,
    seeded: dict[str, Any],
    open_console: Callable[..., Any],
    shot: Callable[[Any, str], None],
) -> None:
    token = harness.issue(platform, "exec-plans", ["executive"], [seeded["region"]])
    page = open_console(token, "plans", viewport=TABLET, id=seeded["plan"]["plan_id"])
    page.get_by_test_id("plan-status").wait_for()
    assert page.locator("[data-testid^='plan-action-']").count() == 0
    shot(page, "plans-executive-tablet")
    assert_clean(page)
    page.close()
