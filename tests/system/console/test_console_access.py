"""What a token may not reach stays out of reach through the console too.

Two regions of the test's own are seeded through the API, each with an approved plan
whose figures are distinctive: in the first a team with two reps whose quotas differ,
in the other a region target. A rep of the first region opening the other rep's page,
or the other region's dashboard, sees the API's refusal (the problem's title) and none
of those figures, which those allowed to see them do see; a manager of the first region
gets the API's 404 for the other region's dashboard. The rep's nav offers neither the
plans nor the approvals page, and opening them by address shows that they are not
available, with no action to take.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.kit.fiscal import FiscalCalendar
from tests.system import harness
from tests.system.console.conftest import go

pytestmark = pytest.mark.system

EUR = "EUR"
# Rep A's and rep B's quotas (1:2 of the team's target) and the other region's target,
# as the console would show them.
TEAM_TARGET = 900_000_003
REP_B_SHOWN = "6,000,000.02"
OTHER_TARGET = 12_345_678_901
OTHER_SHOWN = "123,456,789.01"


def approved_plan(
    boss: httpx.Client, unit: str, period: str, owner: str, amount: int, **allocate: Any
) -> dict[str, Any]:
    plan = harness.create_plan(boss, unit, period, owner, EUR)
    target = harness.expect(
        boss.post(
            f"/v1/plans/{plan['plan_id']}/targets",
            json={"metric": "revenue", "amount": {"currency": EUR, "amount_minor": amount}},
        ),
        201,
    )
    if allocate:
        harness.expect(boss.post(f"/v1/targets/{target['target_id']}:allocate", json=allocate), 200)
    harness.expect(boss.post(f"/v1/plans/{plan['plan_id']}:submit"), 200)
    return harness.expect(boss.post(f"/v1/plans/{plan['plan_id']}:approve"), 200)


@pytest.fixture(scope="module")
def regions(platform: harness.Platform) -> Iterator[dict[str, Any]]:
    tag = secrets.token_hex(3)
    home, other = f"CON{tag.upper()}", f"OTH{tag.upper()}"
    quarter = FiscalCalendar().periods_containing(datetime.now(UTC))[1]
    rep_a, rep_b, manager = f"rep-a-{tag}", f"rep-b-{tag}", f"mgr-{tag}"
    home_boss = harness.client(
        platform, harness.issue(platform, f"dir-{tag}", ["director"], [home])
    )
    other_boss = harness.client(
        platform, harness.issue(platform, f"dir-o-{tag}", ["director"], [other])
    )
    with home_boss, other_boss:
        company = harness.create_unit(home_boss, f"co-{tag}", "company", home)
        root = harness.create_unit(home_boss, f"reg-{tag}", "region", home, company)
        team = harness.create_unit(home_boss, f"team-{tag}", "team", home, root, manager)
        for rep in (rep_a, rep_b):
            harness.hire_rep(home_boss, rep, team, quarter.starts_at.date().isoformat())
        plan = approved_plan(
            home_boss,
            root,
            quarter.code,
            f"dir-{tag}",
            TEAM_TARGET,
            method="weights",
            weights={rep_a: 1, rep_b: 2},
        )
        other_company = harness.create_unit(other_boss, f"co-o-{tag}", "company", other)
        other_root = harness.create_unit(other_boss, f"reg-o-{tag}", "region", other, other_company)
        approved_plan(other_boss, other_root, quarter.code, f"dir-o-{tag}", OTHER_TARGET)
        yield {
            "home": home,
            "other": other,
            "period": quarter.code,
            "plan_id": plan["plan_id"],
            "rep_a": rep_a,
            "rep_b": rep_b,
            "rep_token": harness.issue(platform, rep_a, ["rep"], [home]),
            "manager_token": harness.issue(platform, manager, ["manager"], [home]),
            "other_token": harness.issue(platform, f"dir-o-{tag}", ["director"], [other]),
        }


def main_text(page: Any) -> str:
    return str(page.locator("#page-host").inner_text())


def test_a_rep_cannot_see_another_reps_page(
    platform: harness.Platform,
    regions: dict[str, Any],
    open_console: Callable[..., Any],
    shot: Callable[[Any, str], None],
) -> None:
    token, rep_b = regions["rep_token"], regions["rep_b"]
    with harness.client(platform, token) as api:
        refused = api.get(f"/v1/reps/{rep_b}/overview", params={"period": regions["period"]})
    assert refused.status_code in (403, 404), refused.text
    page = open_console(token, "rep", id=rep_b, period=regions["period"])
    title = page.get_by_test_id("problem-title")
    title.wait_for()
    assert title.first.inner_text() == refused.json()["title"]
    assert REP_B_SHOWN not in main_text(page)
    assert page.locator("canvas").count() == 0
    shot(page, "access-rep-other-rep")

    # The same page for rep B's manager does show the quota: the check above means something.
    page = open_console(regions["manager_token"], "rep", id=rep_b, period=regions["period"])
    assert REP_B_SHOWN in main_text(page)


def test_another_regions_dashboard_is_refused(
    platform: harness.Platform, regions: dict[str, Any], open_console: Callable[..., Any]
) -> None:
    other, period = regions["other"], regions["period"]
    path = f"/v1/regions/{other}/dashboard"
    # A rep: region views are not for reps (403), and the console does not offer them.
    with harness.client(platform, regions["rep_token"]) as api:
        assert api.get(path, params={"period": period}).status_code == 403
    page = open_console(regions["rep_token"], "dashboard", region=other, period=period)
    refusal = page.locator('[data-testid="not-allowed"], [data-testid="problem"]')
    refusal.first.wait_for()
    assert OTHER_SHOWN not in main_text(page)

    # A manager of another region: the region does not exist for them (404).
    with harness.client(platform, regions["manager_token"]) as api:
        refused = api.get(path, params={"period": period})
    assert refused.status_code == 404, refused.text
    page.close()
    page = open_console(regions["manager_token"], "dashboard", region=other, period=period)
    title = page.get_by_test_id("problem-title")
    title.wait_for()
    assert title.first.inner_text() == refused.json()["title"]
    assert OTHER_SHOWN not in main_text(page)
    assert page.locator("canvas").count() == 0

    # The other region's director does see the figure there.
    page = open_console(regions["other_token"], "dashboard", region=other, period=period)
    assert OTHER_SHOWN in main_text(page)


def test_the_nav_offers_a_rep_no_plans_or_approvals(
    platform: harness.Platform,
    regions: dict[str, Any],
    open_console: Callable[..., Any],
    shot: Callable[[Any, str], None],
) -> None:
    page = open_console(regions["rep_token"], "approvals")
    nav = page.get_by_test_id("nav")
    assert nav.get_by_test_id("nav-approvals").count() == 0
    assert nav.get_by_test_id("nav-plans").count() == 0
    assert page.get_by_test_id("not-allowed").is_visible()
    assert page.locator("[data-testid^='inbox-']").count() == 0
    assert page.locator("#page-host button").count() == 0
    shot(page, "access-rep-approvals")

    go(page, platform.base_url, "plans", id=regions["plan_id"])
    assert page.get_by_test_id("not-allowed").is_visible()
    assert page.locator("[data-testid^='plan-action-']").count() == 0
    assert page.locator("#page-host button").count() == 0
