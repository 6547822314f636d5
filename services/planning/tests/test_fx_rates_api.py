"""FX rates over gRPC and in attainment: admins set them, everyone lists them, months fall back.

A rate is an exact decimal; a month without its own rate uses its quarter's,
then its year's; conversion rounds half up to the target currency's minor
unit; a missing rate is FailedPrecondition naming the pair and the period.
"""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from salesops.planning.v1 import attainment_pb2 as pb
from salesops.planning.v1 import attainment_pb2_grpc

from services.kit.db import Database
from services.kit.errors import FailedPrecondition
from services.planning.models import attainment_store as store
from services.planning.tests.attainment_support import (
    ADMIN,
    CALENDAR,
    DIRECTOR,
    REP_1,
    add_plan,
    add_target,
    seed_organisation,
    signed,
)
from services.planning.tests.test_attainment_api import book, get
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types


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


def set_rate(
    fx: attainment_pb2_grpc.FxRateServiceStub, period: str, source: str, target: str, rate: str
) -> pb.FxRate:
    return fx.SetFxRate(
        pb.SetFxRateRequest(
            period_code=period, from_currency=source, to_currency=target, rate=rate
        ),
        metadata=ADMIN,
    ).fx_rate


def test_the_converter_falls_back_and_rounds_half_up(
    db: Database, fx: attainment_pb2_grpc.FxRateServiceStub
) -> None:
    set_rate(fx, "FY2027", "USD", "EUR", "0.9")
    set_rate(fx, "FY2027-Q2", "USD", "EUR", "0.95")
    set_rate(fx, "FY2027-M05", "USD", "EUR", "0.99")
    set_rate(fx, "FY2027", "EUR", "JPY", "161.5")
    with db.transaction() as session:
        assert store.fx_converter(session, "FY2027-M01", CALENDAR)(1_000, "USD", "EUR") == 900
        assert store.fx_converter(session, "FY2027-M04", CALENDAR)(1_000, "USD", "EUR") == 950
        assert store.fx_converter(session, "FY2027-M05", CALENDAR)(1_000, "USD", "EUR") == 990
        assert store.fx_converter(session, "FY2027-Q2", CALENDAR)(1_000, "USD", "EUR") == 950
        year = store.fx_converter(session, "FY2027", CALENDAR)
        assert year(1_000, "USD", "EUR") == 900
        assert year(12_345, "EUR", "JPY") == 19_937  # 19937.175 yen
        assert year(12_347, "EUR", "JPY") == 19_940  # 19940.405 -> 19940
        assert year(7, "GBP", "GBP") == 7
        with pytest.raises(FailedPrecondition) as caught:
            year(1, "EUR", "USD")  # no inverse is assumed
        [violation] = caught.value.violations
        assert (violation.type, violation.subject) == ("FX_RATE", "fx-rates/FY2027/EUR/USD")
        with pytest.raises(FailedPrecondition) as caught:
            store.fx_converter(session, "FY2026-M05", CALENDAR)(1, "USD", "EUR")
        assert "for FY2026-M05 (nor for FY2026-Q2, FY2026)" in caught.value.message


def test_a_missing_fx_rate_names_the_pair_and_period(
    db: Database,
    attainment: attainment_pb2_grpc.AttainmentServiceStub,
    fx: attainment_pb2_grpc.FxRateServiceStub,
) -> None:
    plan = add_plan(db, "team-b", "FY2027-M02")
    add_target(db, plan, "revenue", 10_000)
    book(db, signed("c-1", value=1_000, signed_date="2027-02-10", owner="rep-3", currency="GBP"))
    error = failure(lambda: get(attainment, unit="team-b", period="FY2027-M02"))
    assert rule_types(error) == ["FX_RATE"]
    assert "GBP to EUR for FY2027-M02" in (error.details() or "")
    assert "FY2027-Q1" in (error.details() or "")
    # The quarter's rate serves the month; half up: 1000 x 1.16665 = 1166.65 -> 1167.
    fx.SetFxRate(
        pb.SetFxRateRequest(
            period_code="FY2027-Q1", from_currency="GBP", to_currency="EUR", rate="1.16665"
        ),
        metadata=ADMIN,
    )
    [line] = get(attainment, unit="team-b", period="FY2027-M02").lines
    assert line.actual.amount_minor == 1_167
    # A rate of the month itself wins over the quarter's.
    fx.SetFxRate(
        pb.SetFxRateRequest(
            period_code="FY2027-M02", from_currency="GBP", to_currency="EUR", rate="1.2"
        ),
        metadata=ADMIN,
    )
    [line] = get(attainment, unit="team-b", period="FY2027-M02").lines
    assert line.actual.amount_minor == 1_200


def test_fx_rates_are_set_by_admins_and_listed_by_everyone(
    fx: attainment_pb2_grpc.FxRateServiceStub,
) -> None:
    error = failure(
        lambda: fx.SetFxRate(
            pb.SetFxRateRequest(
                period_code="FY2027", from_currency="USD", to_currency="EUR", rate="0.9"
            ),
            metadata=DIRECTOR,
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = failure(
        lambda: fx.SetFxRate(
            pb.SetFxRateRequest(
                period_code="FY27", from_currency="US", to_currency="EUR", rate="0,9"
            ),
            metadata=ADMIN,
        )
    )
    assert bad_fields(error) == ["from_currency", "period_code", "rate"]
    for period, source, rate in (
        ("FY2027", "usd", "0.90"),
        ("FY2027-Q1", "USD", "0.91"),
        ("FY2027", "GBP", "1.17"),
        ("FY2027", "USD", "0.925000"),  # replaces the first
    ):
        reply = fx.SetFxRate(
            pb.SetFxRateRequest(
                period_code=period, from_currency=source, to_currency="EUR", rate=rate
            ),
            metadata=ADMIN,
        )
    assert (reply.fx_rate.rate, reply.fx_rate.from_currency, reply.fx_rate.updated_by) == (
        "0.925",
        "USD",
        "admin-1",
    )
    listed = fx.ListFxRates(pb.ListFxRatesRequest(), metadata=REP_1).fx_rates
    assert [(r.period_code, r.from_currency, r.rate) for r in listed] == [
        ("FY2027", "GBP", "1.17"),
        ("FY2027-Q1", "USD", "0.91"),
        ("FY2027", "USD", "0.925"),
    ]
    usd = fx.ListFxRates(pb.ListFxRatesRequest(currency="usd"), metadata=REP_1).fx_rates
    assert len(usd) == 2
    first = fx.ListFxRates(
        pb.ListFxRatesRequest(period_code="FY2027", page={"page_size": 1}), metadata=REP_1
    )
    assert [r.from_currency for r in first.fx_rates] == ["GBP"]
    second = fx.ListFxRates(
        pb.ListFxRatesRequest(
            period_code="FY2027",
            page={"page_size": 1, "page_token": first.page.next_page_token},
        ),
        metadata=REP_1,
    )
    assert [r.from_currency for r in second.fx_rates] == ["USD"]
    assert second.page.next_page_token == ""
    assert bad_fields(
        failure(lambda: fx.ListFxRates(pb.ListFxRatesRequest(currency="EURO"), metadata=REP_1))
    ) == ["currency"]
