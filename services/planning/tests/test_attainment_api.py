"""Attainment over gRPC: the numbers (computed here), scope, FX, and pace checkpoints.

The quarter FY2027-Q1 runs 90 days from 2027-01-01; at AS_OF (2027-02-15,
day 45) the linear pace expects exactly half of every target.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from salesops.planning.v1 import attainment_pb2 as pb
from salesops.planning.v1 import attainment_pb2_grpc

from services.kit.db import Database
from services.planning.domain.attainment import BEHIND_PACE_ENV
from services.planning.handlers.pipeline_contracts import book_signed, check_after_booking
from services.planning.tests.attainment_support import (
    ADMIN,
    APAC_DIRECTOR,
    CALENDAR,
    DIRECTOR,
    EXECUTIVE,
    MANAGER,
    REP_1,
    add_plan,
    add_target,
    envelopes,
    seed_organisation,
    signed,
)
from services.planning.tests.test_plans_api import bad_fields, failure

AS_OF = datetime(2027, 2, 15, tzinfo=UTC)


def stamp(instant: datetime) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(instant)
    return value


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("planning", database_url)
    seed_organisation(database)
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    return serve_api("planning", db)


@pytest.fixture
def attainment(channel: grpc.Channel) -> attainment_pb2_grpc.AttainmentServiceStub:
    return attainment_pb2_grpc.AttainmentServiceStub(channel)


@pytest.fixture
def fx(channel: grpc.Channel) -> attainment_pb2_grpc.FxRateServiceStub:
    return attainment_pb2_grpc.FxRateServiceStub(channel)


def book(db: Database, event: dict[str, Any]) -> None:
    """Apply a contract signature as the worker does."""
    with db.transaction() as session:
        check_after_booking(session, CALENDAR, book_signed(session, event, CALENDAR))


def get(
    attainment: attainment_pb2_grpc.AttainmentServiceStub,
    metadata: list[tuple[str, str]] = DIRECTOR,
    *,
    unit: str = "",
    rep: str = "",
    period: str = "FY2027-Q1",
    as_of: datetime = AS_OF,
) -> pb.GetAttainmentResponse:
    return attainment.GetAttainment(
        pb.GetAttainmentRequest(
            org_unit_id=unit, rep_id=rep, period_code=period, as_of=stamp(as_of)
        ),
        metadata=metadata,
    )


def figures(line: pb.AttainmentLine) -> tuple[int, int, int, int, int, str]:
    """(target, actual, expected, percent_bp, pace_bp, status) of a money or count line."""
    if line.HasField("target"):
        values = (line.target.amount_minor, line.actual.amount_minor, line.expected.amount_minor)
    else:
        values = (line.target_quantity, line.actual_quantity, line.expected_quantity)
    status = pb.AttainmentStatus.Name(line.status).removeprefix("ATTAINMENT_STATUS_").lower()
    return (*values, line.percent_bp, line.pace_bp, status)


def by_metric(lines: Any) -> dict[str, pb.AttainmentLine]:
    return {line.metric: line for line in lines}


@pytest.fixture
def quarter(db: Database, fx: attainment_pb2_grpc.FxRateServiceStub) -> dict[str, str]:
    """An approved EMEA plan for FY2027-Q1 with three targets, and four contracts booked.

    Revenue 90000 EUR: team-a 60000, team-b 30000, each rep 30000. Units of
    analytics 30: rep-1 10. New customers 2 (the region's own). Contracts:
    rep-1 20000 EUR (4 analytics, cust-1) on 01-15; rep-2 10000 EUR (support,
    cust-1 again) on 02-01; rep-3 10000 USD (cust-3) on 02-10 at 0.9 = 9000
    EUR; rep-3 5000 EUR on 03-01, after AS_OF.
    """
    plan = add_plan(db, "emea", "FY2027-Q1")
    revenue = add_target(
        db,
        plan,
        "revenue",
        90_000,
        shares={"team-a": 60_000, "team-b": 30_000, "rep-1": 30_000, "rep-2": 30_000}
        | {"rep-3": 30_000},
        parents={"rep-1": "team-a", "rep-2": "team-a", "rep-3": "team-b"},
    )
    units = add_target(
        db, plan, "units", 30, product_line="analytics", shares={"rep-1": 10}, parents={}
    )
    customers = add_target(db, plan, "new_customers", 2)
    fx.SetFxRate(
        pb.SetFxRateRequest(
            period_code="FY2027", from_currency="USD", to_currency="EUR", rate="0.9"
        ),
        metadata=ADMIN,
    )
    book(
        db,
        signed("c-1", value=20_000, signed_date="2027-01-15", lines=[("analytics", 4, 20_000)]),
    )
    book(
        db,
        signed(
            "c-2",
            value=10_000,
            signed_date="2027-02-01",
            owner="rep-2",
            lines=[("support", 1, 10_000)],
        ),
    )
    book(
        db,
        signed(
            "c-3",
            value=10_000,
            signed_date="2027-02-10",
            owner="rep-3",
            customer="cust-3",
            currency="USD",
        ),
    )
    book(
        db,
        signed("c-4", value=5_000, signed_date="2027-03-01", owner="rep-3", customer="cust-4"),
    )
    return {"plan": plan, "revenue": revenue, "units": units, "customers": customers}


def test_a_reps_lines(
    attainment: attainment_pb2_grpc.AttainmentServiceStub, quarter: dict[str, str]
) -> None:
    reply = get(attainment, rep="rep-1")
    assert reply.period.code == "FY2027-Q1" and reply.rep_id == "rep-1"
    lines = by_metric(reply.lines)
    assert set(lines) == {"revenue", "units"}
    revenue = lines["revenue"]
    # 20000 of 30000; half the quarter gone, so 15000 expected: 2/3 = 6666 bp, pace 13333 bp.
    assert figures(revenue) == (30_000, 20_000, 15_000, 6_666, 13_333, "ahead")
    assert revenue.target_id == quarter["revenue"] and revenue.plan_id == quarter["plan"]
    assert revenue.actual.currency == "EUR"
    assert (revenue.gap_to_target.amount_minor, revenue.gap_to_pace.amount_minor) == (
        10_000,
        5_000,
    )
    # 4 of 10 units of analytics, 5 expected: exactly 80% of pace is on pace.
    assert lines["units"].product_line == "analytics"
    assert figures(lines["units"]) == (10, 4, 5, 4_000, 8_000, "on_pace")
    assert (lines["units"].gap_to_target_quantity, lines["units"].gap_to_pace_quantity) == (6, -1)
    assert reply.children == []


def test_a_units_lines_count_its_subtree_and_list_its_children(
    attainment: attainment_pb2_grpc.AttainmentServiceStub, quarter: dict[str, str]
) -> None:
    reply = get(attainment, unit="emea")
    lines = by_metric(reply.lines)
    # The plan is emea's own: its targets are the plan targets. 20000 + 10000 + 9000 (USD).
    assert figures(lines["revenue"]) == (90_000, 39_000, 45_000, 4_333, 8_666, "on_pace")
    assert figures(lines["units"]) == (30, 4, 15, 1_333, 2_666, "behind")
    # cust-1 (c-1; c-2 is its second contract) and cust-3 are new: 2 of 2.
    assert figures(lines["new_customers"]) == (2, 2, 1, 10_000, 20_000, "attained")
    children = {(c.unit_id or c.rep_id): by_metric(c.lines) for c in reply.children}
    assert set(children) == {"team-a", "team-b"}
    assert figures(children["team-a"]["revenue"]) == (
        60_000,
        30_000,
        30_000,
        5_000,
        10_000,
        "on_pace",
    )
    assert figures(children["team-b"]["revenue"])[:3] == (30_000, 9_000, 15_000)
    assert children["team-b"]["revenue"].status == pb.ATTAINMENT_STATUS_BEHIND

    team = get(attainment, unit="team-a")
    reps = {c.rep_id: by_metric(c.lines) for c in team.children}
    assert set(reps) == {"rep-1", "rep-2"}
    assert figures(reps["rep-2"]["revenue"])[:3] == (30_000, 10_000, 15_000)


def test_actuals_are_counted_up_to_the_instant_asked_about(
    attainment: attainment_pb2_grpc.AttainmentServiceStub, quarter: dict[str, str]
) -> None:
    early = by_metric(get(attainment, unit="emea", as_of=datetime(2027, 1, 31, tzinfo=UTC)).lines)
    assert early["revenue"].actual.amount_minor == 20_000
    late = by_metric(get(attainment, unit="emea", as_of=datetime(2027, 6, 1, tzinfo=UTC)).lines)
    assert figures(late["revenue"])[:3] == (90_000, 44_000, 90_000)


def test_only_plans_that_count_give_targets(
    db: Database, attainment: attainment_pb2_grpc.AttainmentServiceStub, quarter: dict[str, str]
) -> None:
    draft = add_plan(db, "team-a", "FY2027-Q1", status="draft")
    add_target(db, draft, "revenue", 1)
    assert [line.target_id for line in get(attainment, unit="team-a").lines] == [quarter["revenue"]]
    # A later approved version of team-a's own plan replaces an earlier one.
    first = add_plan(db, "team-a", "FY2027-Q1", status="closed", version=1)
    add_target(db, first, "revenue", 111)
    second = add_plan(db, "team-a", "FY2027-Q1", status="active", version=2)
    own = add_target(db, second, "revenue", 222)
    lines = get(attainment, unit="team-a").lines
    assert sorted(line.target.amount_minor for line in lines) == [222, 60_000]
    assert own in {line.target_id for line in lines}
    assert get(attainment, unit="team-a", period="FY2027-Q2").lines == []


def test_scope(
    attainment: attainment_pb2_grpc.AttainmentServiceStub, quarter: dict[str, str]
) -> None:
    for metadata, kwargs in (
        (APAC_DIRECTOR, {"unit": "emea"}),
        (APAC_DIRECTOR, {"rep": "rep-1"}),
        (REP_1, {"rep": "rep-2"}),
        (REP_1, {"unit": "team-a"}),
        (DIRECTOR, {"unit": "nowhere"}),
        (DIRECTOR, {"rep": "rep-9"}),
    ):
        error = failure(lambda m=metadata, k=kwargs: get(attainment, m, **k))
        assert error.code() == grpc.StatusCode.NOT_FOUND, (metadata, kwargs)
    own = by_metric(get(attainment, REP_1, rep="rep-1").lines)
    assert own["revenue"].actual.amount_minor == 20_000
    assert get(attainment, EXECUTIVE, unit="emea").lines
    assert get(attainment, MANAGER, rep="rep-3").lines


def test_bad_requests_name_every_field(
    attainment: attainment_pb2_grpc.AttainmentServiceStub,
) -> None:
    assert bad_fields(failure(lambda: get(attainment))) == ["org_unit_id"]
    assert bad_fields(
        failure(lambda: get(attainment, unit="emea", rep="rep-1", period="2027-Q1"))
    ) == ["period_code", "rep_id"]


def test_the_pace_checkpoint_reports_each_subject_once_a_day(
    db: Database,
    attainment: attainment_pb2_grpc.AttainmentServiceStub,
    quarter: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def run(instant: datetime, metadata: list[tuple[str, str]] = ADMIN) -> set[tuple[str, str]]:
        reply = attainment.RunPaceCheckpoint(
            pb.RunPaceCheckpointRequest(as_of=stamp(instant)), metadata=metadata
        )
        return {(r.unit_id or r.rep_id, r.line.metric) for r in reply.reports}

    error = failure(lambda: run(AS_OF, DIRECTOR))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # At AS_OF (half-way): emea units 4 of 15 expected, team-b revenue 9000 of 15000,
    # rep-3 9000 of 15000, rep-2 10000 of 15000 (66%): all below 80% of pace.
    behind = {
        ("emea", "units"),
        ("team-b", "revenue"),
        ("rep-3", "revenue"),
        ("rep-2", "revenue"),
    }
    assert run(AS_OF) == behind
    payloads = envelopes(db, "planning.attainment.behind_pace")
    assert len(payloads) == 4
    rep_3 = next(p for p in payloads if p.get("rep_id") == "rep-3")
    assert (rep_3["target_id"], rep_3["period_code"], rep_3["checkpoint_date"]) == (
        quarter["revenue"],
        "FY2027-Q1",
        "2027-02-15",
    )
    assert (int(rep_3["actual"]), int(rep_3["expected"]), rep_3["pace_bp"]) == (
        9_000,
        15_000,
        6_000,
    )
    assert (rep_3["region"], rep_3["behind_pace_bp"]) == ("EMEA", 8_000)
    # Again the same day: nothing new. The next day: reported again.
    assert run(AS_OF.replace(hour=18)) == set()
    assert run(datetime(2027, 2, 16, tzinfo=UTC)) == behind
    # A lower share of pace reports fewer: on day 47 rep-2 is at 10000 of 15667 (63.8%),
    # no longer behind at 60%; team-b and rep-3 (57.4%) still are.
    monkeypatch.setenv(BEHIND_PACE_ENV, "6000")
    assert run(datetime(2027, 2, 17, tzinfo=UTC)) == behind - {("rep-2", "revenue")}
