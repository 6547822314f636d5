"""Forecast rules as plain Python: validation, who submits and adjusts, roll-up arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller
from services.planning.domain import forecasts as domain
from services.planning.domain.forecasts import Figures, ForecastFact, MoneyInput, OpenOpportunity

NOW = datetime(2027, 2, 10, tzinfo=UTC)
CALENDAR = FiscalCalendar(1)


def eur(amount: int, currency: str = "EUR") -> MoneyInput:
    return MoneyInput(True, currency, amount)


def who(subject: str, role: str, regions: str = "EMEA") -> Caller:
    return Caller(subject, frozenset({role}), frozenset(regions.split(",")))


def submission(**more: object) -> tuple[object, Figures]:
    fields: dict[str, object] = {
        "period_code": "FY2027-Q1",
        "commit": eur(100),
        "best_case": eur(150),
        "pipeline": eur(400),
        "notes": "",
        "now": NOW,
    }
    fields.update(more)
    return domain.validate_submission(CALENDAR, **fields)  # type: ignore[arg-type]


def test_a_good_submission_gives_its_period_and_figures() -> None:
    period, figures = submission()
    assert period.code == "FY2027-Q1"  # type: ignore[attr-defined]
    assert figures == Figures("EUR", 100, 150, 400)
    # commit may equal best case; pipeline has no order against the others.
    assert submission(best_case=eur(100), pipeline=eur(0))[1] == Figures("EUR", 100, 100, 0)


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        submission(
            period_code="FY2027-Q5",
            commit=eur(-1),
            best_case=eur(10, "USD"),
            pipeline=MoneyInput(False, "", 0),
            notes="x" * 5000,
        )
    assert sorted(v.field for v in caught.value.violations) == [
        "best_case.currency",
        "commit.amount_minor",
        "notes",
        "period_code",
        "pipeline",
    ]


def test_a_bad_currency_code_is_named() -> None:
    with pytest.raises(InvalidArgument) as caught:
        submission(commit=eur(1, "eur"), best_case=eur(2, "eur"), pipeline=eur(3, "eur"))
    assert [v.field for v in caught.value.violations] == [
        "commit.currency",
        "best_case.currency",
        "pipeline.currency",
    ]


def test_commit_above_best_case_and_a_past_period_are_both_reported() -> None:
    with pytest.raises(FailedPrecondition) as caught:
        submission(period_code="FY2026-Q4", commit=eur(200), best_case=eur(150))
    assert [v.type for v in caught.value.violations] == ["PERIOD_OVER", "COMMIT_WITHIN_BEST_CASE"]
    # The current period is not over until its last instant has passed.
    assert submission(period_code="FY2027-M02")[1].commit == 100
    with pytest.raises(FailedPrecondition):
        submission(period_code="FY2027-M01")


def test_an_adjustment_needs_a_reason_and_the_forecasts_currency() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_adjustment(
            currency="EUR",
            commit=eur(1, "USD"),
            best_case=eur(2),
            pipeline=eur(3),
            reason="  ",
            forecast_id="f-1",
        )
    assert sorted(v.field for v in caught.value.violations) == ["commit.currency", "reason"]
    with pytest.raises(FailedPrecondition) as rule:
        domain.validate_adjustment(
            currency="EUR",
            commit=eur(3),
            best_case=eur(2),
            pipeline=eur(0),
            reason="why",
            forecast_id="f-1",
        )
    assert rule.value.violations[0].type == "COMMIT_WITHIN_BEST_CASE"
    figures, reason = domain.validate_adjustment(
        currency="EUR",
        commit=eur(2),
        best_case=eur(2),
        pipeline=eur(0),
        reason=" pushed out ",
        forecast_id="f-1",
    )
    assert (figures, reason) == (Figures("EUR", 2, 2, 0), "pushed out")


def test_who_may_submit() -> None:
    domain.require_submitter(who("rep-1", "rep"), "rep-1", [])
    domain.require_submitter(who("mgr-north", "manager"), "rep-1", ["mgr-n1", "mgr-north"])
    with pytest.raises(NotFound):
        domain.require_submitter(who("rep-2", "rep"), "rep-1", ["mgr-n1"])
    with pytest.raises(PermissionDenied):
        domain.require_submitter(who("mgr-s", "manager"), "rep-1", ["mgr-n1", "mgr-north"])


def test_who_may_adjust() -> None:
    chain = ["mgr-n1", "mgr-north", "mgr-region"]
    for subject, role in (("mgr-n1", "manager"), ("mgr-region", "manager"), ("dir-1", "director")):
        domain.require_adjuster(
            who(subject, role), rep_id="rep-1", region="EMEA", managers=chain, forecast_id="f"
        )
    refused = [
        who("rep-1", "rep"),  # their own
        who("rep-2", "rep"),
        who("mgr-s", "manager"),  # a manager of another branch
        who("dir-2", "director", "APAC"),  # a director of another region
    ]
    for caller in refused:
        with pytest.raises(PermissionDenied):
            domain.require_adjuster(
                caller, rep_id="rep-1", region="EMEA", managers=chain, forecast_id="f"
            )


def test_weighted_amount_rounds_half_up_per_opportunity() -> None:
    assert domain.weighted_amount(10_001, 5_000) == 5_001  # 5000.5 -> 5001
    assert domain.weighted_amount(10_003, 5_000) == 5_002  # 5001.5 -> 5002
    assert domain.weighted_amount(333, 3_333) == 111  # 110.9889 -> 111
    assert domain.weighted_amount(10_000, 0) == 0
    # Per opportunity, not once: two halves make two round-ups.
    opps = [OpenOpportunity("EUR", 1, 5_000, "pipeline")] * 2
    (figures,) = domain.roll_up([], opps, [])
    assert figures.weighted_pipeline == 2


def test_roll_up_keeps_currencies_apart_and_prefers_adjusted_figures() -> None:
    forecasts = [
        ForecastFact(Figures("EUR", 10, 20, 30), None),
        ForecastFact(Figures("EUR", 1, 2, 3), Figures("EUR", 5, 6, 7)),
        ForecastFact(Figures("USD", 100, 100, 0), None),
    ]
    opps = [
        OpenOpportunity("EUR", 1_000, 2_500, "commit"),
        OpenOpportunity("EUR", 2_000, 1_000, "omitted"),
        OpenOpportunity("CHF", 500, 5_000, "best_case"),
        OpenOpportunity("EUR", 300, 1_000, "mystery"),
    ]
    won = [("EUR", 700), ("EUR", -200), ("USD", 50)]
    lines = domain.roll_up(forecasts, opps, won, first_currency="USD")
    assert [f.currency for f in lines] == ["USD", "CHF", "EUR"]
    usd, chf, eur_figures = lines
    assert (usd.commit, usd.best_case, usd.closed_won) == (100, 100, 50)
    assert (chf.weighted_pipeline, chf.open_by_category["best_case"]) == (250, 500)
    assert (eur_figures.submitted_commit, eur_figures.submitted_best_case) == (11, 22)
    assert (eur_figures.commit, eur_figures.best_case, eur_figures.pipeline) == (15, 26, 37)
    # omitted is shown but not weighted; an unknown category counts as pipeline.
    assert eur_figures.weighted_pipeline == 250 + 30
    assert eur_figures.open_by_category == {
        "pipeline": 300,
        "best_case": 0,
        "commit": 1_000,
        "omitted": 2_000,
    }
    assert (eur_figures.open_opportunities, eur_figures.closed_won) == (3, 500)


def test_subtree_and_ancestors_survive_a_cycle() -> None:
    children = {"a": ["b", "c"], "b": ["d"], "d": ["a"]}
    assert domain.subtree("a", children) == ["a", "b", "c", "d"]
    parent_of: dict[str, str | None] = {"d": "b", "b": "a", "a": "d"}
    assert domain.ancestors("d", parent_of) == ["d", "b", "a"]
