"""Forecasts over real gRPC: submission and versions, adjustments by the right people, scope."""

from __future__ import annotations

from typing import Any

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.planning.v1 import forecasts_pb2 as pb
from salesops.planning.v1 import forecasts_pb2_grpc

from services.kit.db import Database
from services.planning.models.forecasts import (
    ForecastAdjustmentRecord,
    ForecastRecord,
    ForecastVersionRecord,
)
from services.planning.tests.forecasts_support import (
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    N1_MANAGER,
    N2_MANAGER,
    NORTH_MANAGER,
    PERIOD,
    REGION_MANAGER,
    REP1,
    REP2,
    REP4,
    YEAR,
    adjust,
    db,
    eur,
    forecasts,
    submit,
)
from services.planning.tests.test_plans_api import bad_fields, envelopes, failure, rule_types

__all__ = ["db", "forecasts"]

Stub = forecasts_pb2_grpc.ForecastServiceStub


def amounts(figures: pb.ForecastFigures) -> tuple[int, int, int]:
    return (
        figures.commit.amount_minor,
        figures.best_case.amount_minor,
        figures.pipeline.amount_minor,
    )


def count(db: Database, model: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_a_rep_submits_and_resubmits_keeping_every_version(db: Database, forecasts: Stub) -> None:
    first = submit(forecasts, REP1, 100, 150, 400, notes="two big deals")
    assert (first.rep_id, first.org_unit_id, first.region) == ("rep-1", "team-n1", "EMEA")
    assert first.period.code == PERIOD
    assert first.status == pb.FORECAST_STATUS_SUBMITTED
    assert (first.forecast_version, amounts(first.submitted)) == (1, (100, 150, 400))
    assert not first.HasField("adjusted")
    assert first.submitted.commit.currency == "EUR"

    second = submit(forecasts, REP1, 120, 160, 300)
    assert second.forecast_id == first.forecast_id
    assert (second.forecast_version, amounts(second.submitted)) == (2, (120, 160, 300))
    assert second.notes == ""

    versions = forecasts.ListForecastVersions(
        pb.ListForecastVersionsRequest(forecast_id=first.forecast_id), metadata=REP1
    ).versions
    assert [(v.forecast_version, amounts(v.figures)) for v in versions] == [
        (2, (120, 160, 300)),
        (1, (100, 150, 400)),
    ]
    assert versions[1].notes == "two big deals"
    assert versions[1].submitted_by == "rep-1"

    events = envelopes(db, "planning.forecast.submitted")
    assert [e["payload"]["forecast_version"] for e in events] == [1, 2]
    payload = events[1]["payload"]
    assert payload["forecast_id"] == first.forecast_id
    assert payload["org_unit_id"] == "team-n1"
    assert payload["commit"] == {"currency": "EUR", "amount_minor": "120"}
    assert events[1]["region"] == "EMEA"


def test_bad_input_names_every_field_and_writes_nothing(db: Database, forecasts: Stub) -> None:
    error = failure(
        lambda: forecasts.SubmitForecast(
            pb.SubmitForecastRequest(
                period_code="FY2027-Q7",
                commit=eur(-5),
                best_case=eur(10, "USD"),
            ),
            metadata=REP1,
        )
    )
    assert bad_fields(error) == [
        "best_case.currency",
        "commit.amount_minor",
        "period_code",
        "pipeline",
    ]
    error = failure(lambda: submit(forecasts, REP1, 200, 100, 0, period="FY2020-Q1"))
    assert rule_types(error) == ["PERIOD_OVER", "COMMIT_WITHIN_BEST_CASE"]
    assert count(db, ForecastRecord) == count(db, ForecastVersionRecord) == 0
    assert envelopes(db, "planning.forecast.submitted") == []


def test_who_may_submit_for_a_rep(forecasts: Stub) -> None:
    # The team's manager and a manager above it may submit for the rep.
    by_manager = submit(forecasts, N1_MANAGER, 10, 20, 30, rep_id="rep-2")
    assert (by_manager.rep_id, by_manager.audit.created_by) == ("rep-2", "mgr-n1")
    again = submit(forecasts, NORTH_MANAGER, 11, 20, 30, rep_id="rep-2")
    assert again.forecast_version == 2
    # A manager of a sibling team may not; a rep naming another rep finds nobody.
    error = failure(lambda: submit(forecasts, N2_MANAGER, 1, 1, 1, rep_id="rep-1"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = failure(lambda: submit(forecasts, REP2, 1, 1, 1, rep_id="rep-1"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    # Another region's rep, an unknown one and one who left do not exist here.
    for rep_id in ("rep-9", "nobody", "rep-3"):
        error = failure(
            lambda rep_id=rep_id: submit(forecasts, DIRECTOR, 1, 1, 1, rep_id=rep_id)  # type: ignore[misc]
        )
        assert error.code() == grpc.StatusCode.NOT_FOUND, rep_id
    # A director adjusts forecasts but does not make a rep's call for them.
    error = failure(lambda: submit(forecasts, DIRECTOR, 1, 1, 1, rep_id="rep-1"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # An executive reads but does not write.
    error = failure(lambda: submit(forecasts, EXECUTIVE, 1, 1, 1, rep_id="rep-1"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def test_managers_up_the_tree_and_directors_adjust_with_a_reason(
    db: Database, forecasts: Stub
) -> None:
    forecast = submit(forecasts, REP1, 100, 150, 400)
    adjusted = adjust(forecasts, N1_MANAGER, forecast.forecast_id, 80, 150, 400, "slipping")
    assert adjusted.status == pb.FORECAST_STATUS_ADJUSTED
    assert amounts(adjusted.submitted) == (100, 150, 400)  # the rep's figures stay
    assert amounts(adjusted.adjusted) == (80, 150, 400)
    higher = adjust(forecasts, REGION_MANAGER, forecast.forecast_id, 90, 160, 400, "region call")
    later = adjust(forecasts, DIRECTOR, forecast.forecast_id, 95, 160, 410, "final")
    assert amounts(later.adjusted) == (95, 160, 410)
    assert [(a.adjusted_by, a.reason, amounts(a.figures)) for a in later.adjustments] == [
        ("dir-1", "final", (95, 160, 410)),
        ("mgr-region", "region call", (90, 160, 400)),
        ("mgr-n1", "slipping", (80, 150, 400)),
    ]
    assert all(a.forecast_version == 1 and a.HasField("adjust_time") for a in later.adjustments)
    assert higher.version < later.version

    (first, *_rest) = envelopes(db, "planning.forecast.adjusted")
    assert first["payload"]["reason"] == "slipping"
    assert first["payload"]["commit"]["amount_minor"] == "80"
    assert first["payload"]["submitted_commit"]["amount_minor"] == "100"
    assert first["actor"] == "mgr-n1"

    # A resubmission is a new call: the adjustment no longer stands, its history does.
    resubmitted = submit(forecasts, REP1, 70, 70, 0)
    assert resubmitted.status == pb.FORECAST_STATUS_SUBMITTED
    assert not resubmitted.HasField("adjusted")
    assert len(resubmitted.adjustments) == 3


def test_who_may_not_adjust(db: Database, forecasts: Stub) -> None:
    forecast = submit(forecasts, REP1, 100, 150, 400)
    for who in (REP1, N2_MANAGER):
        error = failure(
            lambda who=who: adjust(forecasts, who, forecast.forecast_id, 1, 1, 1)  # type: ignore[misc]
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    for who in (REP2, APAC_DIRECTOR):
        error = failure(
            lambda who=who: adjust(forecasts, who, forecast.forecast_id, 1, 1, 1)  # type: ignore[misc]
        )
        assert error.code() == grpc.StatusCode.NOT_FOUND
    assert count(db, ForecastAdjustmentRecord) == 0
    assert envelopes(db, "planning.forecast.adjusted") == []


def test_bad_adjustments_are_refused_and_change_nothing(db: Database, forecasts: Stub) -> None:
    forecast = submit(forecasts, REP1, 100, 150, 400)
    error = failure(
        lambda: forecasts.AdjustForecast(
            pb.AdjustForecastRequest(
                forecast_id=forecast.forecast_id,
                commit=eur(1, "USD"),
                best_case=eur(-2),
                pipeline=eur(0),
            ),
            metadata=N1_MANAGER,
        )
    )
    assert bad_fields(error) == ["best_case.amount_minor", "commit.currency", "reason"]
    error = failure(lambda: adjust(forecasts, N1_MANAGER, forecast.forecast_id, 9, 8, 0))
    assert rule_types(error) == ["COMMIT_WITHIN_BEST_CASE"]
    error = failure(lambda: adjust(forecasts, N1_MANAGER, "nope", 1, 1, 1))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    got = forecasts.GetForecast(
        pb.GetForecastRequest(forecast_id=forecast.forecast_id), metadata=REP1
    ).forecast
    assert got == forecast
    assert count(db, ForecastAdjustmentRecord) == 0


def test_reads_are_scoped_to_the_callers_reach(forecasts: Stub) -> None:
    mine = submit(forecasts, REP1, 1, 2, 3)
    theirs = submit(forecasts, REP4, 4, 5, 6)
    get = forecasts.GetForecast
    assert get(pb.GetForecastRequest(forecast_id=mine.forecast_id), metadata=REP1).forecast == mine
    for who in (REP2, APAC_DIRECTOR):
        error = failure(
            lambda who=who: get(pb.GetForecastRequest(forecast_id=mine.forecast_id), metadata=who)  # type: ignore[misc]
        )
        assert error.code() == grpc.StatusCode.NOT_FOUND
    assert get(pb.GetForecastRequest(forecast_id=mine.forecast_id), metadata=N2_MANAGER).forecast

    def listed(who: list[tuple[str, str]], **filters: Any) -> list[str]:
        reply = forecasts.ListForecasts(pb.ListForecastsRequest(**filters), metadata=who)
        return sorted(f.rep_id for f in reply.forecasts)

    assert listed(REP1) == ["rep-1"]
    assert listed(DIRECTOR) == ["rep-1", "rep-4"]
    assert listed(APAC_DIRECTOR) == []
    assert listed(DIRECTOR, region="APAC") == []
    assert listed(EXECUTIVE) == ["rep-1", "rep-4"]
    assert listed(DIRECTOR, org_unit_id="team-n2") == ["rep-4"]
    assert listed(DIRECTOR, org_unit_id="north") == ["rep-1", "rep-4"]
    assert listed(DIRECTOR, org_unit_id="team-s") == []
    assert listed(DIRECTOR, rep_id="rep-4") == ["rep-4"]
    assert listed(DIRECTOR, period_code=f"FY{YEAR}-Q2") == []
    assert listed(DIRECTOR, period_code=PERIOD) == ["rep-1", "rep-4"]
    adjust(forecasts, DIRECTOR, theirs.forecast_id, 4, 4, 4)
    assert listed(DIRECTOR, status=pb.FORECAST_STATUS_ADJUSTED) == ["rep-4"]
    assert listed(DIRECTOR, status=pb.FORECAST_STATUS_SUBMITTED) == ["rep-1"]
    error = failure(
        lambda: forecasts.ListForecasts(
            pb.ListForecastsRequest(period_code="Q1", status=9),
            metadata=DIRECTOR,  # type: ignore[arg-type]
        )
    )
    assert bad_fields(error) == ["period_code", "status"]


def test_lists_page_without_repeats(forecasts: Stub) -> None:
    for rep_id in ("rep-1", "rep-2", "rep-4", "rep-5", "rep-6"):
        submit(forecasts, REGION_MANAGER, 1, 1, 1, rep_id=rep_id)
    seen: list[str] = []
    token = ""
    while True:
        reply = forecasts.ListForecasts(
            pb.ListForecastsRequest(
                period_code=PERIOD, page=common_pb2.PageRequest(page_size=2, page_token=token)
            ),
            metadata=DIRECTOR,
        )
        seen += [f.rep_id for f in reply.forecasts]
        token = reply.page.next_page_token
        if not token:
            break
    assert sorted(seen) == ["rep-1", "rep-2", "rep-4", "rep-5", "rep-6"]
    error = failure(
        lambda: forecasts.ListForecasts(
            pb.ListForecastsRequest(page=common_pb2.PageRequest(page_size=2, page_token="junk")),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(error) == ["page.page_token"]
