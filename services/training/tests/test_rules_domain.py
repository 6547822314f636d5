"""The pure rules of assignment, coaching and readiness arithmetic (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.kit.errors import InvalidArgument
from services.training.domain import readiness
from services.training.domain.rules import (
    DEFAULT_GAP_DUE_DAYS,
    GAP_DUE_DAYS_ENV,
    RuleInput,
    Trigger,
    check_rule,
    due_on,
    gap_due_days,
    gap_reason,
    matches,
)


def test_the_gap_due_days_setting_defaults_and_fails_fast_naming_the_variable() -> None:
    assert gap_due_days({}) == DEFAULT_GAP_DUE_DAYS == 30
    assert gap_due_days({GAP_DUE_DAYS_ENV: " 45 "}) == 45
    for bad in ("0", "abc", "400"):
        with pytest.raises(ValueError, match=GAP_DUE_DAYS_ENV):
            gap_due_days({GAP_DUE_DAYS_ENV: bad})


def test_matching_by_trigger() -> None:
    assert matches(Trigger.REP_HIRED, "", "manager")
    assert matches(Trigger.REP_HIRED, "Rep", "rep")
    assert not matches(Trigger.REP_HIRED, "rep", "manager")
    # Violations: "" is conduct only; a kind or a rule code otherwise.
    assert matches(Trigger.VIOLATION_RECORDED, "", "conduct", "discount_above_authority")
    assert not matches(Trigger.VIOLATION_RECORDED, "", "process", "stale_opportunity")
    assert matches(Trigger.VIOLATION_RECORDED, "process", "process", "stale_opportunity")
    assert matches(Trigger.VIOLATION_RECORDED, "stale_opportunity", "process", "stale_opportunity")
    assert not matches(Trigger.GAP_DETECTED, "closing", "negotiation")


def test_due_dates_cross_month_ends_and_reasons_read_as_words() -> None:
    assert due_on(date(2027, 1, 31), 30) == date(2027, 3, 2)
    assert due_on(date(2028, 2, 28), 1) == date(2028, 2, 29)
    assert due_on(date(2027, 1, 31), 0) is None
    assert due_on(date(2027, 1, 31), 0, default_days=30) == date(2027, 3, 2)
    assert (
        gap_reason("win_rate", 0, 1000, "negotiation", "course NEG-101")
        == "gap in win_rate (0 < floor 1000) → negotiation: course NEG-101"
    )


def test_a_rule_names_a_path_or_a_course_and_an_expiring_rule_may_name_neither() -> None:
    base = RuleInput("Recert", Trigger.CERTIFICATION_EXPIRING, " Widgets ", "", "", 0, "emea", True)
    checked = check_rule(base)
    assert (checked.match, checked.region) == ("widgets", "EMEA")
    with pytest.raises(InvalidArgument) as caught:
        check_rule(RuleInput("", None, "", "p", "c", 400, "", True))
    assert sorted(v.field for v in caught.value.violations) == [
        "rule.course_id",
        "rule.due_in_days",
        "rule.name",
        "rule.trigger",
    ]


def test_skill_levels_take_the_best_completion_and_a_high_score_adds_a_level_up_to_five() -> None:
    levels = readiness.skill_levels(
        [("negotiation:2,closing", 0), ("negotiation:1", 9000), ("closing:5", 9999)]
    )
    assert levels == {"negotiation": 2, "closing": 5}
    assert readiness.skill_levels([("negotiation:2", 8999)]) == {"negotiation": 2}
    assert readiness.required_skills(
        [("", "closing", 3), ("EMEA", "closing", 2), ("APAC", "closing", 5), ("", "x", 1)], "EMEA"
    ) == {"closing": 2, "x": 1}


@given(
    st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=8),
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8),
)
def test_the_index_is_the_share_of_required_skills_held(held: list[int], needed: list[int]) -> None:
    required = {f"s{i}": level for i, level in enumerate(needed)}
    levels = {f"s{i}": level for i, level in enumerate(held)}
    index = readiness.rep_index(levels, required)
    count = sum(1 for key, level in required.items() if levels.get(key, 0) >= level)
    assert index.held == count
    assert index.index_bp == (2 * count * 10_000 + len(required)) // (2 * len(required))
    assert 0 <= index.index_bp <= 10_000
