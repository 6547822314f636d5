"""Composed views at unit level: partial results, scope, parameters, and the report's rendering.

The gateway runs for real in front of small fake gRPC servers (real grpcio,
real channels) for the services a test needs; every other service's target
is a closed port, which is what "that service is down" looks like to the
gateway. Rendering is checked on dashboards built by hand.
"""

from __future__ import annotations

import csv
import io
import socket
from collections.abc import Callable, Iterator
from concurrent import futures
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from fastapi.testclient import TestClient
from salesops.common.v1 import common_pb2
from salesops.pipeline.v1 import opportunities_pb2
from salesops.planning.v1 import organisation_pb2, organisation_pb2_grpc
from salesops.training.v1 import (
    enrollments_pb2,
    enrollments_pb2_grpc,
    readiness_pb2,
    readiness_pb2_grpc,
)

from gateway.app import create_app
from gateway.composition import months_of
from gateway.report_render import CSV_COLUMNS, bar_chart, render_csv, render_html
from gateway.routes.attainment import AttainmentLine
from gateway.routes.contracts import Money
from gateway.routes.pipeline_analytics import FunnelStep, WinRate
from gateway.routes.readiness import CertificationCoverage
from gateway.routes.region_dashboard import (
    CertificationCoverageSection,
    FunnelSection,
    OverdueCase,
    OverdueCases,
    PlanVsActual,
    RegionDashboard,
    RepPlanVsActual,
    Trend,
    TrendMonth,
    UnitPlanVsActual,
    WinRates,
    rank_performers,
)
from gateway.routes.rep_overview import summarise_pipeline
from gateway.settings import GatewaySettings
from gateway.tokens import issue_token
from services.kit.config import SERVICES
from services.kit.fiscal import FiscalCalendar

from .conftest import Recorder, abort_rich

PERIOD = "FY2027-Q1"
DASHBOARD_SECTIONS = [
    "plan_vs_actual",
    "performers",
    "funnel",
    "win_rate",
    "forecast",
    "overdue_cases",
    "certification_coverage",
    "trend",
]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeOrganisation(organisation_pb2_grpc.OrganisationServiceServicer):
    """Knows one rep; any other is not found (as out of scope is)."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def GetRep(self, request: Any, context: Any) -> Any:
        self.recorder.record("GetRep", request, context)
        if request.rep_id != "rep-1":
            abort_rich(context, grpc.StatusCode.NOT_FOUND, f"rep '{request.rep_id}' was not found")
        rep = organisation_pb2.Rep(
            rep_id="rep-1", name="Ada", role="rep", team_unit_id="team-1", region="EMEA"
        )
        return organisation_pb2.GetRepResponse(rep=rep)


class FakeReadiness(readiness_pb2_grpc.ReadinessServiceServicer):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def GetRepReadiness(self, request: Any, context: Any) -> Any:
        self.recorder.record("GetRepReadiness", request, context)
        return readiness_pb2.GetRepReadinessResponse(
            readiness=readiness_pb2.RepReadiness(
                rep_id=request.rep_id,
                required_skills=4,
                held_skills=3,
                readiness_index_bp=7500,
                has_profile=True,
            )
        )


class FakeEnrollments(enrollments_pb2_grpc.EnrollmentServiceServicer):
    """Three enrollments over two pages: one assigned, one completed, one overdue."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def ListEnrollments(self, request: Any, context: Any) -> Any:
        self.recorder.record("ListEnrollments", request, context)
        if not request.page.page_token:
            return enrollments_pb2.ListEnrollmentsResponse(
                enrollments=[
                    enrollments_pb2.Enrollment(
                        enrollment_id="e-1", course_id="c-1", status="assigned", due_on="2027-02-01"
                    ),
                    enrollments_pb2.Enrollment(enrollment_id="e-2", status="completed"),
                ],
                page=common_pb2.PageResponse(next_page_token="page-2"),
            )
        return enrollments_pb2.ListEnrollmentsResponse(
            enrollments=[
                enrollments_pb2.Enrollment(
                    enrollment_id="e-3", course_id="c-3", status="overdue", progress_pct=40
                )
            ]
        )


def _serve(*adders: Callable[[grpc.Server], None]) -> tuple[grpc.Server, str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    for add in adders:
        add(server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def half_up_settings(recorder: Recorder) -> Iterator[GatewaySettings]:
    """Planning (people only) and training answer; pipeline and performance are down."""
    planning, planning_target = _serve(
        lambda s: organisation_pb2_grpc.add_OrganisationServiceServicer_to_server(
            FakeOrganisation(recorder), s
        )
    )
    training, training_target = _serve(
        lambda s: readiness_pb2_grpc.add_ReadinessServiceServicer_to_server(
            FakeReadiness(recorder), s
        ),
        lambda s: enrollments_pb2_grpc.add_EnrollmentServiceServicer_to_server(
            FakeEnrollments(recorder), s
        ),
    )
    env = {f"SALESOPS_{name.upper()}_TARGET": f"127.0.0.1:{_closed_port()}" for name in SERVICES}
    env["SALESOPS_PLANNING_TARGET"] = planning_target
    env["SALESOPS_TRAINING_TARGET"] = training_target
    env["SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS"] = "2"
    yield GatewaySettings.from_env(env)
    planning.stop(grace=None).wait()
    training.stop(grace=None).wait()


@pytest.fixture
def views(half_up_settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(half_up_settings), raise_server_exceptions=False) as client:
        yield client


def _auth(settings: GatewaySettings, subject: str, role: str, region: str = "EMEA") -> Any:
    token = issue_token(subject, [role], [region], settings=settings)
    return {"Authorization": f"Bearer {token}"}


def test_overview_is_200_with_the_sections_of_down_services_flagged(
    views: TestClient, half_up_settings: GatewaySettings
) -> None:
    response = views.get(
        "/v1/reps/rep-1/overview",
        params={"period": PERIOD},
        headers=_auth(half_up_settings, "rep-1", "rep"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["partial"] == ["pipeline", "attainment", "scorecard", "commission"]
    for name in body["partial"]:
        assert body[name] is None
        assert body["sections"][name]["status"] == "unavailable", body["sections"]
        assert "unavailable" in body["sections"][name]["detail"]
    assert body["sections"]["training"] == {"status": "ok", "detail": ""}
    assert body["rep"]["team_unit_id"] == "team-1"
    training = body["training"]
    assert (training["readiness_index_bp"], training["held_skills"]) == (7500, 3)
    # Both pages were read; the completed enrollment is not open.
    assert [(e["enrollment_id"], e["status"]) for e in training["open_enrollments"]] == [
        ("e-1", "assigned"),
        ("e-3", "overdue"),
    ]


def test_overview_is_404_when_planning_says_the_rep_is_not_in_scope(
    views: TestClient, half_up_settings: GatewaySettings
) -> None:
    response = views.get(
        "/v1/reps/rep-9/overview",
        params={"period": PERIOD},
        headers=_auth(half_up_settings, "mgr-1", "manager"),
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "rep 'rep-9' was not found"


def test_a_rep_asking_for_a_colleagues_overview_gets_404_and_no_upstream_call(
    views: TestClient, half_up_settings: GatewaySettings, recorder: Recorder
) -> None:
    response = views.get(
        "/v1/reps/rep-1/overview",
        params={"period": PERIOD},
        headers=_auth(half_up_settings, "rep-2", "rep"),
    )
    assert response.status_code == 404
    assert recorder.calls == []


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/reps/rep-1/overview", {"period": "2027-Q1"}, "period"),
        ("/v1/regions/EMEA/dashboard", {"period": "FY2027-Q5"}, "period"),
        ("/v1/regions/EMEA/dashboard", {}, "period"),
        ("/v1/regions/EMEA/report", {"period": PERIOD, "format": "xlsx"}, "format"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    views: TestClient,
    half_up_settings: GatewaySettings,
    path: str,
    params: dict[str, str],
    field: str,
) -> None:
    response = views.get(path, params=params, headers=_auth(half_up_settings, "dir-1", "director"))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_region_views_are_for_managers_and_above_in_their_regions(
    views: TestClient, half_up_settings: GatewaySettings
) -> None:
    for path in ("/v1/regions/EMEA/dashboard", "/v1/regions/EMEA/report"):
        as_rep = views.get(
            path, params={"period": PERIOD}, headers=_auth(half_up_settings, "r", "rep")
        )
        assert as_rep.status_code == 403, as_rep.text
        elsewhere = views.get(
            path,
            params={"period": PERIOD},
            headers=_auth(half_up_settings, "d", "director", "APAC"),
        )
        assert elsewhere.status_code == 404, elsewhere.text


def test_dashboard_and_report_with_services_down_are_200_and_say_so(
    views: TestClient, half_up_settings: GatewaySettings
) -> None:
    headers = _auth(half_up_settings, "dir-1", "director", "emea")
    board = views.get("/v1/regions/emea/dashboard", params={"period": PERIOD}, headers=headers)
    assert board.status_code == 200, board.text
    body = board.json()
    assert body["region"] == "EMEA"
    # Planning answers only for people here, so its figures are missing too.
    assert body["partial"] == DASHBOARD_SECTIONS
    assert all(body[name] is None for name in DASHBOARD_SECTIONS)
    assert body["sections"]["performers"] == body["sections"]["plan_vs_actual"]

    report = views.get(
        "/v1/regions/emea/report", params={"period": PERIOD, "format": "csv"}, headers=headers
    )
    assert report.status_code == 200
    rows = list(csv.DictReader(io.StringIO(report.text)))
    statuses = {r["subject_id"]: r["measure"] for r in rows if r["section"] == "_status"}
    assert statuses == dict.fromkeys(DASHBOARD_SECTIONS, "unavailable")

    page = views.get(
        "/v1/regions/emea/report", params={"period": PERIOD, "format": "html"}, headers=headers
    )
    assert page.status_code == 200
    assert page.headers["content-disposition"] == (
        'attachment; filename="sales-report-emea-fy2027-q1.html"'
    )
    assert "Incomplete report" in page.text and "Not available (unavailable)" in page.text


def test_the_openapi_document_describes_the_composed_views(views: TestClient) -> None:
    document = views.get("/openapi.json").json()
    overview = document["paths"]["/v1/reps/{rep_id}/overview"]["get"]
    assert overview["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RepOverview"
    }
    report = document["paths"]["/v1/regions/{region}/report"]["get"]
    assert set(report["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "text/html",
    }
    money = document["components"]["schemas"]["Money"]["properties"]
    assert set(money) == {"currency", "amount_minor"}


# --- pure figures ---------------------------------------------------------------------------


def _opportunity(stage: str, probability_bp: int, amount: int, currency: str = "EUR") -> Any:
    return opportunities_pb2.Opportunity(
        stage_id=stage,
        stage_name=stage.title(),
        probability_bp=probability_bp,
        amount=common_pb2.Money(currency=currency, amount_minor=amount),
        status=opportunities_pb2.OPPORTUNITY_STATUS_OPEN,
    )


def test_pipeline_is_weighted_per_deal_rounded_half_up_by_stage_and_currency() -> None:
    won = _opportunity("won", 10_000, 999_999)
    won.status = opportunities_pb2.OPPORTUNITY_STATUS_WON
    summary = summarise_pipeline(
        [
            _opportunity("discovery", 2000, 1_000_003),  # 200 000.6 -> 200 001
            _opportunity("discovery", 2000, 2),  # 0.4 -> 0
            _opportunity("prospecting", 1000, 15),  # 1.5 -> 2
            _opportunity("prospecting", 1000, 700, "USD"),
            won,
        ]
    )
    assert summary.open_opportunities == 4
    assert [
        (t.amount.currency, t.opportunities, t.weighted.amount_minor) for t in summary.totals
    ] == [
        ("EUR", 3, 200_003),
        ("USD", 1, 70),
    ]
    assert [
        (
            s.stage_id,
            s.amount.currency,
            s.opportunities,
            s.amount.amount_minor,
            s.weighted.amount_minor,
        )
        for s in summary.by_stage
    ] == [
        ("prospecting", "EUR", 1, 15, 2),
        ("prospecting", "USD", 1, 700, 70),
        ("discovery", "EUR", 2, 1_000_005, 200_001),
    ]


def _line(target: int, actual: int, status: str = "behind") -> AttainmentLine:
    return AttainmentLine(
        target_id="t",
        plan_id="p",
        metric="revenue",
        product_line="",
        target=Money(currency="EUR", amount_minor=target),
        actual=Money(currency="EUR", amount_minor=actual),
        expected=None,
        gap_to_target=None,
        gap_to_pace=None,
        target_quantity=0,
        actual_quantity=0,
        expected_quantity=0,
        gap_to_target_quantity=0,
        gap_to_pace_quantity=0,
        percent_bp=actual * 10_000 // target,
        pace_bp=0,
        status=status,
    )


def _rep(rep_id: str, target: int, actual: int) -> RepPlanVsActual:
    return RepPlanVsActual(rep_id=rep_id, team_unit_id="t1", lines=[_line(target, actual)])


def test_performers_share_a_rank_on_a_tie_and_top_and_bottom_never_overlap() -> None:
    reps = [
        _rep("c", 100, 50),
        _rep("a", 100, 80),
        _rep("b", 200, 160),  # 80 % as well, more revenue than a
        _rep("d", 100, 10),
        _rep("e", 100, 30),
        RepPlanVsActual(rep_id="no-target", team_unit_id="t1", lines=[]),
    ]
    performers = rank_performers(reps)
    assert [(p.rank, p.rep_id, p.percent_bp) for p in performers.ranking] == [
        (1, "b", 8000),
        (1, "a", 8000),
        (3, "c", 5000),
        (4, "e", 3000),
        (5, "d", 1000),
    ]
    assert [p.rep_id for p in performers.top] == ["b", "a"]
    assert [p.rep_id for p in performers.bottom] == ["d", "e"]
    single = rank_performers([_rep("solo", 100, 1)])
    assert ([p.rep_id for p in single.top], single.bottom) == (["solo"], [])


def test_months_of_follow_the_fiscal_calendar() -> None:
    april = FiscalCalendar(4)
    months = months_of(april, april.period("FY2027-Q4"))
    assert [(m.code, m.starts_at.month) for m in months] == [
        ("FY2027-M10", 1),
        ("FY2027-M11", 2),
        ("FY2027-M12", 3),
    ]
    assert len(months_of(april, april.period("FY2027"))) == 12
    assert [m.code for m in months_of(april, april.period("FY2027-M05"))] == ["FY2027-M05"]


# --- rendering ------------------------------------------------------------------------------

HOSTILE = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script>'


def _dashboard(**overrides: Any) -> RegionDashboard:
    eur = "EUR"
    values: dict[str, Any] = {
        "region": "EMEA",
        "period": PERIOD,
        "generated_at": datetime(2027, 2, 1, 9, 30, tzinfo=UTC),
        "partial": [],
        "sections": {key: {"status": "ok", "detail": ""} for key in DASHBOARD_SECTIONS},
        "plan_vs_actual": PlanVsActual(
            units=[
                UnitPlanVsActual(
                    unit_id="u-1",
                    code="emea",
                    name=HOSTILE,
                    kind="region",
                    parent_id="",
                    lines=[_line(1_000_000, 250_000)],
                )
            ],
            reps=[_rep("rep-1", 500_000, 250_000)],
        ),
        "performers": rank_performers([_rep("rep-1", 500_000, 250_000)]),
        "funnel": FunnelSection(
            pipeline_id="new_business",
            cohort=4,
            steps=[
                FunnelStep(
                    stage_id="s1",
                    name="Prospecting",
                    position=1,
                    kind="open",
                    reached=4,
                    conversion_to_next_bp=5000,
                ),
                FunnelStep(
                    stage_id="s2",
                    name="Won",
                    position=2,
                    kind="won",
                    reached=2,
                    conversion_to_next_bp=None,
                ),
            ],
        ),
        "win_rate": WinRates(
            total=WinRate(key="", won=2, lost=1, win_rate_bp=6667),
            by_team=[WinRate(key="t1", won=2, lost=1, win_rate_bp=6667)],
        ),
        "forecast": None,
        "overdue_cases": OverdueCases(
            count=1,
            cases=[
                OverdueCase(
                    case_id="case-1",
                    customer_id="cus-1",
                    subject="-2+3",
                    priority="high",
                    status="open",
                    assignee_id="",
                    due_time=datetime(2027, 1, 31, tzinfo=UTC),
                )
            ],
        ),
        "certification_coverage": CertificationCoverageSection(
            reps=3,
            coverage=[
                CertificationCoverage(
                    product_line="robots", certified_reps=1, reps=3, coverage_bp=3333
                )
            ],
        ),
        "trend": Trend(
            months=[
                TrendMonth(
                    period_code="FY2027-M01",
                    won=1,
                    won_value=[Money(currency=eur, amount_minor=100)],
                ),
                TrendMonth(
                    period_code="FY2027-M02",
                    won=1,
                    won_value=[Money(currency=eur, amount_minor=150_000)],
                ),
                TrendMonth(period_code="FY2027-M03", won=0, won_value=[]),
            ]
        ),
    }
    values.update(overrides)
    return RegionDashboard(**values)


def test_csv_is_one_flat_table_with_a_section_column_and_no_formulas() -> None:
    text = render_csv(_dashboard())
    reader = csv.reader(io.StringIO(text))
    assert tuple(next(reader)) == CSV_COLUMNS
    rows = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in reader]
    unit_rows = [r for r in rows if r["section"] == "plan_vs_actual" and r["subject_id"] == "u-1"]
    assert {(r["measure"], r["currency"], r["value"]) for r in unit_rows} >= {
        ("target", "EUR", "1000000"),
        ("actual", "EUR", "250000"),
        ("percent_bp", "", "2500"),
    }
    # A name a spreadsheet would run is defused; numbers stay numbers.
    assert all(r["subject_name"] == "'" + HOSTILE for r in unit_rows)
    [case_row] = [r for r in rows if r["section"] == "overdue_cases" and r["subject_id"]]
    assert case_row["subject_name"] == "'-2+3"
    conversions = {
        r["subject_id"]: r["value"] for r in rows if r["measure"] == "conversion_to_next_bp"
    }
    assert conversions == {"s1": "5000", "s2": ""}
    assert [
        r["value"] for r in rows if r["section"] == "trend" and r["measure"] == "won_value"
    ] == [
        "100",
        "150000",
    ]
    assert {r["subject_id"] for r in rows if r["section"] == "_status"} == set(DASHBOARD_SECTIONS)


def test_csv_lists_a_missing_section_with_its_reason() -> None:
    sections = {key: {"status": "ok", "detail": ""} for key in DASHBOARD_SECTIONS}
    sections["trend"] = {"status": "unavailable", "detail": "the pipeline service is unavailable"}
    rows = list(
        csv.DictReader(
            io.StringIO(render_csv(_dashboard(trend=None, partial=["trend"], sections=sections)))
        )
    )
    [trend] = [r for r in rows if r["section"] == "trend"]
    assert (trend["measure"], trend["value"]) == (
        "status",
        "unavailable: the pipeline service is unavailable",
    )


def test_html_is_self_contained_printable_and_escapes_every_value() -> None:
    page = render_html(_dashboard())
    assert page.startswith("<!DOCTYPE html>")
    assert "@media print" in page and "<style>" in page
    assert page.count("<svg") == 3  # attainment by unit, funnel, trend
    assert "<script" not in page and "src=" not in page and "href=" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;http://evil.example&quot;" in page
    assert "2,500.00 EUR" in page and "25.00 %" in page  # money and rates, exactly
    assert "Incomplete report" not in page
    assert 'class="missing">Not available' in page  # the forecast is None in this dashboard


def test_bar_chart_scales_to_the_largest_value_and_marks_the_reference() -> None:
    svg = bar_chart("Attainment", [("A & B", 50, False), ("C", 200, True)], reference=100)
    assert svg.count("<rect") == 2
    assert 'width="105"' in svg and 'width="420"' in svg  # 50 and 200 of 420 px at a 200 top
    assert 'class="bar behind"' in svg and "A &amp; B" in svg
    assert '<line class="target" x1="390"' in svg  # 180 px of labels + 100 / 200 * 420
    assert bar_chart("Empty", [], reference=None) == ""
