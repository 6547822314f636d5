"""The region dashboard page, as the region's director sees it, against the API's own figures.

The seeded region (conftest `seed_region`) has a region unit, two teams, three reps, an
approved plan with a revenue target, three won contracts, a lost deal, an overdue case
and a certification. The page's figures are read by their data-testid and compared with
GET /v1/regions/{region}/dashboard (never with hard-coded numbers); then the page is
photographed at laptop and tablet sizes.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.system import harness

from .conftest import (
    TABLET,
    SeededRegion,
    assert_clean,
    money,
    percent,
    text_of,
    wait_rendered,
)

pytestmark = pytest.mark.system


def revenue_line(lines: list[dict[str, Any]]) -> dict[str, Any] | None:
    found = [x for x in lines if x["metric"] == "revenue" and not x["product_line"] and x["target"]]
    return found[0] if found else None


def test_the_dashboard_shows_the_apis_figures_with_charts(
    platform: harness.Platform, seeded_region: SeededRegion, open_console: Any, shot: Any
) -> None:
    seeded = seeded_region
    page = open_console(
        seeded.director_token, "dashboard", region=seeded.region, period=seeded.period
    )
    with harness.client(platform, seeded.director_token) as http:
        body = harness.expect(
            http.get(f"/v1/regions/{seeded.region}/dashboard", params={"period": seeded.period}),
            200,
        )
    assert body["partial"] == []
    heading = text_of(page, "#page-host h1")
    assert seeded.region in heading and seeded.period in heading

    # Plan vs actual: every unit with a revenue target, its target, actual and attainment.
    units = [(u, revenue_line(u["lines"])) for u in body["plan_vs_actual"]["units"]]
    shown_units = page.eval_on_selector_all(
        '[data-testid="units-table"] tbody tr', "rows => rows.map(r => r.dataset.testid)"
    )
    assert shown_units == [f"unit-{u['unit_id']}" for u, line in units if line]
    assert len(shown_units) == 1 + len(seeded.teams)
    for unit, line in units:
        if line is None:
            continue
        row = f'[data-testid="unit-{unit["unit_id"]}"]'
        assert text_of(page, f'{row} [data-testid="unit-name"]') == unit["name"]
        assert text_of(page, f'{row} [data-testid="unit-target"]') == money(line["target"])
        assert text_of(page, f'{row} [data-testid="unit-actual"]') == money(line["actual"])
        assert text_of(page, f'{row} [data-testid="unit-attainment"]') == percent(
            line["percent_bp"]
        )

    # Reps: each with their attainment and a link to their page.
    for rep in body["plan_vs_actual"]["reps"]:
        line = revenue_line(rep["lines"])
        assert line is not None
        row = f'[data-testid="rep-{rep["rep_id"]}"]'
        assert text_of(page, f'{row} [data-testid="rep-attainment"]') == percent(line["percent_bp"])
        href = page.get_attribute(f'{row} [data-testid="rep-link"]', "href")
        assert href == f"#/rep?id={rep['rep_id']}&period={seeded.period}"

    # Performers: top and bottom in the API's order, with their percent.
    performers = body["performers"]
    for kind in ("top", "bottom"):
        shown = page.eval_on_selector_all(
            f'[data-testid="{kind}-performers"] > li', "items => items.map(i => i.dataset.testid)"
        )
        assert shown == [f"{kind}-{p['rep_id']}" for p in performers[kind]], kind
        assert shown, kind
        for p in performers[kind]:
            cell = f'[data-testid="{kind}-{p["rep_id"]}"] [data-testid="performer-percent"]'
            assert text_of(page, cell) == percent(p["percent_bp"])

    # Win rate, funnel, overdue cases, certification coverage, trend.
    win_rate = body["win_rate"]
    assert text_of(page, '[data-testid="win-rate-total"]') == percent(
        win_rate["total"]["win_rate_bp"]
    )
    assert text_of(page, '[data-testid="kpi-win-rate"]') == percent(
        win_rate["total"]["win_rate_bp"]
    )
    for team in win_rate["by_team"]:
        cell = f'[data-testid="win-rate-{team["key"]}"] [data-testid="team-win-rate"]'
        assert text_of(page, cell) == percent(team["win_rate_bp"])
    assert text_of(page, '[data-testid="funnel-cohort"]') == str(body["funnel"]["cohort"])
    for step in body["funnel"]["steps"]:
        cell = f'[data-testid="funnel-step-{step["stage_id"]}"] [data-testid="funnel-reached"]'
        assert text_of(page, cell) == str(step["reached"])
    overdue = body["overdue_cases"]
    assert overdue["count"] == 1
    assert text_of(page, '[data-testid="overdue-count"]') == str(overdue["count"])
    assert text_of(page, '[data-testid="kpi-overdue"]') == str(overdue["count"])
    # The subject is shown as text, never as markup.
    assert text_of(page, f'[data-testid="case-{seeded.case_id}"] [data-testid="case-subject"]') == (
        "Reports <b>fail</b>"
    )
    [coverage] = [
        c
        for c in body["certification_coverage"]["coverage"]
        if c["product_line"] == seeded.product_line
    ]
    cell = f'[data-testid="coverage-{seeded.product_line}"] [data-testid="coverage-percent"]'
    assert text_of(page, cell) == percent(coverage["coverage_bp"])
    for month in body["trend"]["months"]:
        cell = f'[data-testid="trend-{month["period_code"]}"] [data-testid="trend-won"]'
        assert text_of(page, cell) == str(month["won"])
    [roll_up] = body["forecast"]["units"]
    assert roll_up["total"]["org_unit_id"] == seeded.company
    [region_line] = [c for c in roll_up["children"] if c["org_unit_id"] == seeded.root]
    target_cell = f'[data-testid="forecast-{seeded.root}"] [data-testid="forecast-target"]'
    assert text_of(page, target_cell) == money(region_line["revenue_target"])
    [figures] = region_line["figures"]
    won_cell = f'[data-testid="forecast-{seeded.root}"] [data-testid="forecast-closed-won"]'
    assert text_of(page, won_cell) == money(figures["closed_won"])

    # Charts: drawn, each labelled, each beside a table of the same figures.
    charts = page.eval_on_selector_all(
        "main canvas",
        """cs => cs.map(c => ({
              label: c.getAttribute('aria-label') || '', role: c.getAttribute('role'),
              width: c.width, table: !!c.closest('section').querySelector('table')}))""",
    )
    assert len(charts) >= 6, charts
    for chart in charts:
        assert chart["label"].strip() and chart["role"] == "img", chart
        assert chart["width"] > 0 and chart["table"], chart
    assert page.evaluate("Object.keys(Chart.instances).length") == len(charts)
    assert_clean(page)
    shot(page, "dashboard-1366x768")

    # Tablet: the same page reflows into one column, nothing wider than the screen.
    page.set_viewport_size(TABLET)
    page.wait_for_timeout(300)  # the charts follow their containers' new size
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"], width
    shot(page, "dashboard-768x1024")
    assert_clean(page)


def test_the_dashboard_defaults_to_the_plans_period_and_the_pickers_navigate(
    seeded_region: SeededRegion, open_console: Any
) -> None:
    seeded = seeded_region
    page = open_console(seeded.director_token, "dashboard")  # no region, no period
    # The token's only region, and the period of its plan that contains today.
    assert page.input_value('[data-testid="region-picker"]') == seeded.region
    assert page.input_value('[data-testid="period-picker"]') == seeded.period
    assert seeded.period in text_of(page, "#page-host h1")
    # Picking another period re-renders the page for it (a past year: nothing booked there).
    page.fill('[data-testid="period-picker"]', "FY2001")
    page.evaluate("document.querySelector('main').setAttribute('aria-busy', 'true')")
    page.click('[data-testid="scope-submit"]')
    wait_rendered(page)
    assert page.url.endswith(f"#/dashboard?region={seeded.region}&period=FY2001")
    assert "FY2001" in text_of(page, "#page-host h1")
    assert page.locator('[data-testid="units-table"] tbody tr[data-testid]').count() == 0
    assert_clean(page)
