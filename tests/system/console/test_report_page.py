"""The report page: the JSON report rendered printable, and the API's HTML and CSV as downloads.

Figures shown are compared with GET /v1/regions/{region}/report?format=json; the download
buttons must hand over exactly what the API serves with the bearer token (same file name,
a CSV of the same rows); in print media the shell (header, nav, pickers, buttons) is gone
and every section stays.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.system import harness

from .conftest import ARTIFACTS, SeededRegion, assert_clean, percent, text_of

pytestmark = pytest.mark.system


def test_the_report_shows_the_json_reports_figures_and_downloads_html_and_csv(
    platform: harness.Platform, seeded_region: SeededRegion, open_console: Any, shot: Any
) -> None:
    seeded = seeded_region
    page = open_console(seeded.director_token, "report", region=seeded.region, period=seeded.period)
    path = f"/v1/regions/{seeded.region}/report"
    with harness.client(platform, seeded.director_token) as http:
        body = harness.expect(http.get(path, params={"period": seeded.period}), 200)
        served_csv = http.get(path, params={"period": seeded.period, "format": "csv"})
        served_html = http.get(path, params={"period": seeded.period, "format": "html"})
    assert body["partial"] == []
    assert seeded.region in text_of(page, "#page-host h1")

    # Attainment by unit and the full ranking, in the report's order.
    for unit in body["plan_vs_actual"]["units"]:
        for line in unit["lines"]:
            if line["metric"] == "revenue" and not line["product_line"] and line["target"]:
                cell = f'[data-testid="unit-{unit["unit_id"]}"] [data-testid="unit-attainment"]'
                assert text_of(page, cell) == percent(line["percent_bp"])
    ranking = body["performers"]["ranking"]
    shown = page.eval_on_selector_all(
        '[data-testid="ranking-table"] tbody tr', "rows => rows.map(r => r.dataset.testid)"
    )
    assert shown == [f"rank-{p['rep_id']}" for p in ranking]
    assert len(shown) == len(seeded.reps)
    for p in ranking:
        row = f'[data-testid="rank-{p["rep_id"]}"]'
        assert text_of(page, f'{row} [data-testid="rank"]') == str(p["rank"])
        assert text_of(page, f'{row} [data-testid="rank-percent"]') == percent(p["percent_bp"])
    assert text_of(page, '[data-testid="win-rate-total"]') == percent(
        body["win_rate"]["total"]["win_rate_bp"]
    )
    assert text_of(page, '[data-testid="overdue-count"]') == str(body["overdue_cases"]["count"])
    for month in body["trend"]["months"]:
        cell = f'[data-testid="trend-{month["period_code"]}"] [data-testid="trend-won"]'
        assert text_of(page, cell) == str(month["won"])
    assert sum(m["won"] for m in body["trend"]["months"]) == len(seeded.won)
    assert page.locator("main canvas[aria-label]").count() >= 6
    shot(page, "report-1366x768")

    # Downloads: fetched with the token, saved under the API's file name.
    for fmt, served in (("csv", served_csv), ("html", served_html)):
        assert served.status_code == 200
        with page.expect_download() as info:
            page.click(f'[data-testid="download-{fmt}"]')
        download = info.value
        expected_name = served.headers["content-disposition"].split('filename="')[1].rstrip('"')
        assert download.suggested_filename == expected_name
        saved = ARTIFACTS / f"report-download.{fmt}"
        download.save_as(saved)
        content = saved.read_text(encoding="utf-8")
        if fmt == "csv":
            # Pace figures move with the clock: compare the rows' keys, not every value.
            def keys(text: str) -> list[tuple[str, ...]]:
                rows = csv.DictReader(io.StringIO(text))
                return [(r["section"], r["subject_id"], r["metric"], r["measure"]) for r in rows]

            assert keys(content) == keys(served.text)
            assert len(keys(content)) > 10
        else:
            assert content.count("<svg") >= 3 and "@media print" in content
            assert "Reports &lt;b&gt;fail&lt;/b&gt;" in content

    # Print: the shell goes, the sections stay.
    page.emulate_media(media="print")
    for hidden in ("#site-nav", ".site-header", '[data-testid="download-csv"]', "form.filters"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator('[data-testid="section-plan_vs_actual"]').is_visible()
    assert page.locator('[data-testid="ranking-table"]').is_visible()
    shot(page, "report-print")
    page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4")
    page.emulate_media(media="screen")
    assert_clean(page)
