"""Survey rules and NPS/CSAT arithmetic, hand-computed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.customers.domain import satisfaction as domain
from services.customers.domain.satisfaction import (
    NpsCategory,
    SatisfactionCounts,
    SurveyChannel,
    SurveyKind,
)
from services.kit.errors import InvalidArgument, PermissionDenied
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller

NOW = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)


def nps(promoters: int, passives: int, detractors: int) -> int | None:
    return domain.nps_bp(promoters, passives, detractors)


def test_categories_at_their_boundaries() -> None:
    categories = [domain.nps_category(score) for score in range(11)]
    assert (
        categories
        == [NpsCategory.DETRACTOR] * 7 + [NpsCategory.PASSIVE] * 2 + [NpsCategory.PROMOTER] * 2
    )
    with pytest.raises(ValueError):
        domain.nps_category(11)


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "expected"),
    [
        (5, 0, 0, 10_000),  # all promoters: +100
        (0, 0, 4, -10_000),  # all detractors: -100
        (0, 3, 0, 0),  # all passives: 0, a real result
        (2, 1, 1, 2_500),  # (2 - 1) / 4 = +25
        (1, 1, 1, 0),  # promoters balance detractors
        (2, 0, 1, 3_333),  # +33.333... rounds down
        (2, 1, 0, 6_667),  # +66.666... rounds up
        (1, 0, 2, -3_333),  # -33.333... rounds towards +infinity
        (0, 1, 2, -6_667),  # -66.666... rounds to the nearest
        (1, 31, 0, 313),  # +3.125 exactly half: up
        (0, 31, 1, -312),  # -3.125 exactly half: up (towards +infinity)
        (0, 0, 0, None),  # no response: no NPS, not 0
    ],
)
def test_nps_in_basis_points_of_percentage_points(
    promoters: int, passives: int, detractors: int, expected: int | None
) -> None:
    assert nps(promoters, passives, detractors) == expected


def test_figures_of_a_group() -> None:
    counts = SatisfactionCounts(
        promoters=3,
        passives=2,
        detractors=1,
        csat_responses=3,
        csat_score_sum=13,
        csat_satisfied=2,
    )
    figures = domain.satisfaction_figures("EMEA", counts)
    assert figures.nps_responses == 6
    assert figures.nps_bp == 3_333  # (3 - 1) / 6
    assert figures.csat_average_hundredths == 433  # 13 / 3 = 4.333...
    assert figures.csat_satisfied_bp == 6_667
    empty = domain.satisfaction_figures("", SatisfactionCounts())
    assert (empty.nps_responses, empty.nps_bp, empty.csat_average_hundredths) == (0, None, None)
    assert empty.csat_satisfied_bp is None
    assert counts + counts == SatisfactionCounts(6, 4, 2, 6, 26, 4)


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [(5, 1, 500), (9, 2, 450), (13, 3, 433), (14, 3, 467), (889, 200, 445), (1, 1, 100)],
)
def test_average_csat_in_hundredths(total: int, count: int, expected: int) -> None:
    assert domain.csat_average_hundredths(total, count) == expected


def valid(**overrides: object) -> domain.NewSurveyResponse:
    fields: dict[str, object] = {
        "customer_id": "cus-1",
        "contact_id": "",
        "kind": SurveyKind.NPS,
        "score": 0,
        "channel": None,
        "comment": "  fine  ",
        "responded_at": None,
        "external_id": "",
        "now": NOW,
    }
    fields.update(overrides)
    return domain.validate_survey_response(**fields)  # type: ignore[arg-type]


def test_a_valid_response_gets_its_defaults() -> None:
    response = valid()
    assert (response.score, response.channel, response.comment) == (0, SurveyChannel.WEB, "fine")
    assert response.responded_at == NOW
    assert response.nps_category is NpsCategory.DETRACTOR
    assert valid(kind=SurveyKind.CSAT, score=5).nps_category is None


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        valid(
            customer_id="",
            contact_id="bad id",
            kind=SurveyKind.CSAT,
            score=0,
            channel=SurveyChannel.CASE,
            comment="x" * 2001,
            responded_at=NOW + timedelta(hours=1),
        )
    assert {v.field for v in caught.value.violations} == {
        "customer_id",
        "contact_id",
        "score",
        "channel",
        "comment",
        "responded_at",
    }
    score = next(v for v in caught.value.violations if v.field == "score")
    assert score.description == "must be 1 to 5 for a csat response"


@pytest.mark.parametrize(
    ("kind", "score", "ok"),
    [
        (SurveyKind.CSAT, 1, True),
        (SurveyKind.CSAT, 5, True),
        (SurveyKind.CSAT, 6, False),
        (SurveyKind.NPS, 0, True),
        (SurveyKind.NPS, 10, True),
        (SurveyKind.NPS, 11, False),
        (SurveyKind.NPS, -1, False),
    ],
)
def test_score_ranges(kind: SurveyKind, score: int, ok: bool) -> None:
    if ok:
        assert valid(kind=kind, score=score).score == score
    else:
        with pytest.raises(InvalidArgument):
            valid(kind=kind, score=score)


def test_kind_and_score_are_required_and_skew_is_tolerated() -> None:
    with pytest.raises(InvalidArgument) as caught:
        valid(kind=None, score=None)
    assert [v.field for v in caught.value.violations] == ["kind", "score"]
    assert valid(responded_at=NOW + timedelta(minutes=4)).responded_at > NOW


def test_a_case_score_is_csat() -> None:
    assert domain.case_csat_score(4) == 4
    with pytest.raises(ValueError):
        domain.case_csat_score(0)


def test_periods_with_a_fiscal_year_from_april() -> None:
    calendar = FiscalCalendar(4)
    scope = domain.nps_scope(
        Caller("mgr", frozenset({"manager"}), frozenset({"EMEA"})),
        calendar,
        period="fy2027-q1",
    )
    assert scope.period.starts_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert scope.period.ends_at == datetime(2026, 7, 1, tzinfo=UTC)
    assert scope.regions == frozenset({"EMEA"}) and scope.owner_id is None
    quarters = domain.sub_periods(calendar, calendar.period("FY2027"))
    assert [q.code for q in quarters] == ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]
    assert quarters[3].starts_at == datetime(2027, 1, 1, tzinfo=UTC)
    assert quarters[3].ends_at == datetime(2027, 4, 1, tzinfo=UTC)
    months = domain.sub_periods(calendar, calendar.period("FY2027-Q4"))
    assert [m.code for m in months] == ["FY2027-M10", "FY2027-M11", "FY2027-M12"]
    assert months[0].starts_at == datetime(2027, 1, 1, tzinfo=UTC)
    month = calendar.period("FY2027-M12")
    assert domain.sub_periods(calendar, month) == [month]


def test_scope_of_a_rep_and_bad_filters() -> None:
    rep = Caller("rep-1", frozenset({"rep"}), frozenset({"EMEA"}))
    scope = domain.nps_scope(rep, FiscalCalendar(), period="FY2027", region="apac")
    assert scope.owner_id == "rep-1" and scope.regions == frozenset()
    with pytest.raises(InvalidArgument) as caught:
        domain.nps_scope(rep, FiscalCalendar(), period="2027")
    assert caught.value.violations[0].field == "period"
    with pytest.raises(InvalidArgument):
        domain.nps_scope(rep, FiscalCalendar(), period="")
    platform = Caller("ops", frozenset({"platform"}), frozenset({"EMEA"}))
    with pytest.raises(PermissionDenied):
        domain.nps_scope(platform, FiscalCalendar(), period="FY2027")
