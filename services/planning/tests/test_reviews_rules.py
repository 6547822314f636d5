"""Period review rules: the action state machine, overdue, drop reasons, who reviews, locking."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller
from services.planning.domain import reviews as domain
from services.planning.domain.attainment import AttainmentLine
from services.planning.domain.reviews import ActionStatus, ReviewLine, ReviewStatus

OPEN, IN_PROGRESS, DONE, DROPPED = (
    ActionStatus.OPEN,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.DROPPED,
)


@pytest.mark.parametrize(
    ("current", "target"),
    [(OPEN, IN_PROGRESS), (IN_PROGRESS, DONE), (OPEN, DROPPED), (IN_PROGRESS, DROPPED)],
)
def test_allowed_action_transitions(current: ActionStatus, target: ActionStatus) -> None:
    domain.require_action_transition("a1", current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [(OPEN, DONE), (IN_PROGRESS, OPEN), (DONE, IN_PROGRESS), (DROPPED, OPEN), (DONE, DROPPED)],
)
def test_refused_action_transitions(current: ActionStatus, target: ActionStatus) -> None:
    with pytest.raises(FailedPrecondition) as error:
        domain.require_action_transition("a1", current, target)
    assert error.value.violations[0].type == "STATE"
    assert error.value.violations[0].subject == "improvement-actions/a1"


def test_overdue_is_unfinished_and_past_due() -> None:
    today = date(2026, 8, 10)
    assert domain.is_overdue(OPEN, date(2026, 8, 9), today)
    assert domain.is_overdue(IN_PROGRESS, date(2026, 8, 9), today)
    assert not domain.is_overdue(OPEN, today, today)
    assert not domain.is_overdue(DONE, date(2026, 1, 1), today)
    assert not domain.is_overdue(DROPPED, date(2026, 1, 1), today)


def test_a_reason_is_given_exactly_when_dropping() -> None:
    assert domain.check_drop_reason(DROPPED, " not needed ") == "not needed"
    assert domain.check_drop_reason(DONE, "") == ""
    with pytest.raises(InvalidArgument):
        domain.check_drop_reason(DROPPED, " ")
    with pytest.raises(InvalidArgument):
        domain.check_drop_reason(IN_PROGRESS, "why")


def test_new_action_reports_every_bad_field() -> None:
    action = domain.check_new_action(" Call  lapsed customers ", "rep-1", "2026-09-30")
    assert (action.title, action.due_on) == ("Call lapsed customers", date(2026, 9, 30))
    with pytest.raises(InvalidArgument) as error:
        domain.check_new_action("", "", "30.09.2026")
    assert sorted(v.field for v in error.value.violations) == ["due_date", "owner_id", "title"]


def reviewer(subject: str, role: str, region: str = "EMEA") -> Caller:
    return Caller(subject, frozenset({role}), frozenset({region}))


def test_who_reviews_a_unit() -> None:
    managers = ["mgr-a", "mgr-region"]  # the team's and the region's managers
    for caller in (
        reviewer("mgr-a", "manager"),
        reviewer("mgr-region", "manager"),
        reviewer("dir-1", "director"),
    ):
        domain.require_reviewer(
            caller, region="EMEA", unit_id="team-a", managers_up_the_tree=managers
        )
    for caller in (
        reviewer("mgr-b", "manager"),
        reviewer("rep-1", "rep"),
        reviewer("dir-2", "director", "APAC"),
    ):
        with pytest.raises(PermissionDenied):
            domain.require_reviewer(
                caller, region="EMEA", unit_id="team-a", managers_up_the_tree=managers
            )


def test_a_closed_review_is_locked_and_periods_must_have_begun() -> None:
    domain.require_open("r1", ReviewStatus.OPEN)
    with pytest.raises(FailedPrecondition) as error:
        domain.require_open("r1", ReviewStatus.CLOSED)
    assert error.value.violations[0].type == "LOCKED"
    quarter = FiscalCalendar(1).period("FY2027-Q1")
    domain.require_period_begun(quarter, datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(FailedPrecondition) as error:
        domain.require_period_begun(quarter, datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert error.value.violations[0].type == "PERIOD_NOT_BEGUN"


def test_review_lines_keep_attainment_and_count_the_attained() -> None:
    line = ReviewLine.of(
        AttainmentLine("revenue", "", "EUR", 100, 120, 100, 12_000, "attained", target_id="t")
    )
    assert ReviewLine.from_dict(line.to_dict()) == line
    short = ReviewLine("units", "BI", "", 10, 9, 10, 9_000, "on_pace")
    assert domain.attained_lines([line, short]) == 1
