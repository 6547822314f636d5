"""`GET /v1/regions/{region}/report?period=&format=json|csv|html`: the periodic sales report.

The report for the region's sales meeting is the dashboard's data (see
`/v1/regions/{region}/dashboard`), including the month-by-month trend:

- `json` (default): the data, exactly the dashboard's shape;
- `csv`: one flat table, one figure per row, with a `section` column
  (`section, subject_id, subject_name, metric, measure, currency, value`;
  money in minor units, rates in basis points); a download;
- `html`: a self-contained printable page (inline CSS with print rules,
  inline SVG charts of attainment by unit, the funnel and the trend); a download.

Downloads carry `Content-Disposition: attachment` with a file name of region
and period. Missing sections are reported as in the dashboard: the CSV has
their status rows, the page a notice at the top. Any other `format` is 400.
"""

from __future__ import annotations

from typing import Annotated

import grpc
from fastapi import APIRouter, Query, Request, Response

from gateway.auth import ReadingCaller
from gateway.composition import PeriodParam
from gateway.problems import PROBLEM_RESPONSES, FieldError, Problem
from gateway.report_render import render_csv, render_html
from gateway.routes.region_dashboard import (
    DEFAULT_PIPELINE,
    PipelineParam,
    RegionDashboard,
    RegionPath,
    build_dashboard,
)
from gateway.settings import GatewaySettings
from gateway.upstreams import OpenUpstreams

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

router = APIRouter(prefix="/v1/regions", tags=["composed views"], responses=PROBLEM_RESPONSES)

FormatParam = Annotated[
    str,
    Query(
        alias="format",
        max_length=10,
        description="json (the data, default), csv (a flat table) or html (a printable page).",
    ),
]


def _format(value: str) -> str:
    # Checked here rather than as a Literal so the 400 says exactly what is accepted.
    chosen = value.strip().lower() or "json"
    if chosen not in ("json", *FORMATS):
        raise Problem.of(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"format: '{value}' is not a report format; use json, csv or html",
            errors=[
                FieldError(field="format", description=f"'{value}' is not one of json, csv or html")
            ],
        )
    return chosen


@router.get(
    "/{region}/report",
    summary="A region's periodic sales report (JSON, CSV or printable HTML)",
    response_model=RegionDashboard,
    responses={
        200: {
            "description": "The report: JSON data, a CSV table or an HTML page.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
        }
    },
)
async def region_report(
    request: Request,
    region: RegionPath,
    period: PeriodParam,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    report_format: FormatParam = "json",
    pipeline_id: PipelineParam = DEFAULT_PIPELINE,
) -> RegionDashboard | Response:
    """The dashboard's data in the asked format; csv and html come as downloads."""
    chosen = _format(report_format)
    settings: GatewaySettings = request.app.state.settings
    report = await build_dashboard(upstreams, caller, settings, region, period, pipeline_id)
    if chosen == "json":
        return report
    content = render_csv(report) if chosen == "csv" else render_html(report)
    filename = f"sales-report-{report.region}-{report.period}.{chosen}".lower()
    return Response(
        content,
        media_type=FORMATS[chosen],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
