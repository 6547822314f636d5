"""The kit's pure rules: fiscal calendar, page tokens, settings, identity scoping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.kit.config import ConfigError, Settings
from services.kit.errors import InvalidArgument, PermissionDenied, Unauthenticated
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller, caller_from_metadata
from services.kit.pagination import Cursor, decode_token, encode_token, page_size


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start_month", "code", "starts", "ends"),
    [
        (1, "FY2027", utc(2027, 1, 1), utc(2028, 1, 1)),
        (1, "FY2027-Q4", utc(2027, 10, 1), utc(2028, 1, 1)),
        (1, "FY2027-M03", utc(2027, 3, 1), utc(2027, 4, 1)),
        (4, "FY2027", utc(2026, 4, 1), utc(2027, 4, 1)),
        (4, "FY2027-Q1", utc(2026, 4, 1), utc(2026, 7, 1)),
        (4, "FY2027-Q4", utc(2027, 1, 1), utc(2027, 4, 1)),
        (4, "FY2027-M10", utc(2027, 1, 1), utc(2027, 2, 1)),
        (10, "FY2027-M03", utc(2026, 12, 1), utc(2027, 1, 1)),
    ],
)
def test_fiscal_periods(start_month: int, code: str, starts: datetime, ends: datetime) -> None:
    period = FiscalCalendar(start_month).period(code)
    assert (period.starts_at, period.ends_at) == (starts, ends)


@pytest.mark.parametrize("start_month", range(1, 13))
def test_every_instant_lies_in_the_periods_that_contain_it(start_month: int) -> None:
    calendar = FiscalCalendar(start_month)
    for month in range(1, 13):
        instant = utc(2027, month, 15, 12)
        year, quarter, month_period = calendar.periods_containing(instant)
        assert all(p.contains(instant) for p in (year, quarter, month_period))
        assert year.starts_at <= quarter.starts_at <= month_period.starts_at
        assert month_period.ends_at <= quarter.ends_at <= year.ends_at


@pytest.mark.parametrize("bad", ["2027", "FY27", "FY2027-Q5", "FY2027-M13", "FY2027-M1", ""])
def test_a_malformed_period_names_the_field(bad: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        FiscalCalendar().period(bad, field_name="period")
    assert caught.value.violations[0].field == "period"


def test_page_tokens_round_trip_and_are_bound_to_filters() -> None:
    cursor = Cursor(utc(2027, 1, 2, 3, 4, 5, 678901), "lead-9")
    token = encode_token(cursor, {"region": "EMEA"})
    assert decode_token(token, {"region": "EMEA"}) == cursor
    assert decode_token("", {"region": "EMEA"}) is None
    with pytest.raises(InvalidArgument):
        decode_token(token, {"region": "APAC"})
    with pytest.raises(InvalidArgument):
        decode_token("garbage!", {"region": "EMEA"})


@pytest.mark.parametrize(("requested", "effective"), [(0, 50), (1, 1), (500, 500)])
def test_page_size(requested: int, effective: int) -> None:
    assert page_size(requested) == effective


@pytest.mark.parametrize("requested", [-1, 501])
def test_page_size_out_of_range(requested: int) -> None:
    with pytest.raises(InvalidArgument):
        page_size(requested)


def test_settings_defaults_and_overrides(tmp_path) -> None:
    settings = Settings.from_env({"SALESOPS_DATA_DIR": str(tmp_path)})
    assert settings.database_url("pipeline") == f"sqlite:///{tmp_path / 'pipeline.db'}"
    assert settings.grpc_port("customers") == 50053
    custom = Settings.from_env(
        {
            "SALESOPS_PIPELINE_DATABASE_URL": "postgresql://u@db/pipeline",
            "SALESOPS_PIPELINE_GRPC_PORT": "6000",
        }
    )
    assert custom.database_url("pipeline") == "postgresql+psycopg://u@db/pipeline"
    assert custom.grpc_target("pipeline") == "127.0.0.1:6000"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SALESOPS_FISCAL_YEAR_START_MONTH", "13"),
        ("SALESOPS_ENV", "staging"),
        ("SALESOPS_AMQP_URI", "http://rabbit"),
        ("SALESOPS_SHUTDOWN_GRACE_SECONDS", "-1"),
    ],
)
def test_an_invalid_setting_stops_with_the_variable_named(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value})
    assert variable in str(caught.value) and value in str(caught.value)


def test_an_invalid_per_service_setting_names_its_variable() -> None:
    settings = Settings.from_env({"SALESOPS_PIPELINE_DATABASE_URL": "mysql://x"})
    with pytest.raises(ConfigError, match="SALESOPS_PIPELINE_DATABASE_URL"):
        settings.database_url("pipeline")


def test_caller_from_metadata_and_scoping() -> None:
    caller = caller_from_metadata(
        [
            ("x-salesops-subject", "alice"),
            ("x-salesops-roles", "manager"),
            ("x-salesops-regions", "EMEA, APAC"),
            ("x-request-id", "r-1"),
        ]
    )
    assert caller.regions == {"EMEA", "APAC"} and caller.correlation_id == "r-1"
    assert caller.can_read("EMEA") and not caller.can_read("AMER")
    assert caller.readable_regions("") == {"EMEA", "APAC"}
    assert caller.readable_regions("AMER") == frozenset()
    caller.require_writer("EMEA")
    with pytest.raises(PermissionDenied):
        caller.require_writer("AMER")


def test_metadata_without_a_subject_or_with_an_unknown_role_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        caller_from_metadata([("x-salesops-roles", "manager")])
    with pytest.raises(Unauthenticated):
        caller_from_metadata([("x-salesops-subject", "a"), ("x-salesops-roles", "superuser")])


def test_a_rep_reads_only_own_records_and_an_executive_reads_everywhere() -> None:
    rep = Caller("rep-1", frozenset({"rep"}), frozenset({"EMEA"}))
    assert rep.own_records_only
    assert rep.can_read("EMEA", "rep-1") and not rep.can_read("EMEA", "rep-2")
    executive = Caller("ceo", frozenset({"executive"}), frozenset())
    assert executive.can_read("AMER", "anyone") and executive.readable_regions() is None
    with pytest.raises(PermissionDenied):
        executive.require_writer("AMER")
    platform = Caller("ops", frozenset({"platform"}), frozenset({"EMEA"}))
    assert not platform.can_read("EMEA")
