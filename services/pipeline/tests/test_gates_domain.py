"""Gate criteria without a database: validation, storage round trip, evaluation."""

from __future__ import annotations

import pytest

from services.kit.errors import FailedPrecondition
from services.pipeline.domain import gates
from services.pipeline.domain.gates import ActivityFact, Criterion, DealFacts


def facts(**overrides: object) -> DealFacts:
    values: dict[str, object] = {"owner_id": "rep-1", "filled_fields": frozenset()}
    values.update(overrides)
    return DealFacts(**values)  # type: ignore[arg-type]


def test_criteria_are_named_by_default_and_round_trip_through_json() -> None:
    criteria = gates.validate_criteria(
        [
            Criterion("", "required_field", field="next_step"),
            Criterion("", "required_activity", activity_type="meeting"),
            Criterion("", "approved_quote", accepted_only=True),
            Criterion("", "owner_certification"),
        ]
    )
    assert [c.name for c in criteria] == [
        "field.next_step",
        "activity.meeting",
        "quote.accepted",
        "certification",
    ]
    assert criteria[1].min_count == 1
    assert gates.criteria_from_json(gates.criteria_to_json(criteria)) == criteria


def test_evaluation_lists_every_unmet_criterion_in_order() -> None:
    criteria = gates.validate_criteria(
        [
            Criterion("", "required_field", field="competitors"),
            Criterion(
                "", "required_activity", activity_type="call", min_count=2, with_outcome=True
            ),
            Criterion("", "approved_quote"),
            Criterion("", "owner_certification"),
        ]
    )
    deal = facts(
        activities=[ActivityFact("call", "yes", True), ActivityFact("call", "", True)],
        quote_statuses=frozenset({"draft"}),
        product_lines=frozenset({"a", "b"}),
        certified_product_lines=frozenset({"a"}),
    )
    violations = gates.evaluate("s1", "Stage One", criteria, deal)
    assert [v.subject for v in violations] == [
        "stages/s1/field.competitors",
        "stages/s1/activity.call",
        "stages/s1/quote.approved",
        "stages/s1/certification",
    ]
    assert all(v.type == "GATE" for v in violations)
    assert "'b'" in violations[3].description
    passing = facts(
        filled_fields=frozenset({"competitors"}),
        activities=[ActivityFact("call", "yes", True)] * 2,
        quote_statuses=frozenset({"accepted"}),
        product_lines=frozenset({"a"}),
        certified_product_lines=frozenset({"a"}),
    )
    assert gates.evaluate("s1", "Stage One", criteria, passing) == []
    with pytest.raises(FailedPrecondition) as caught:
        gates.require_gates([("s1", "One", criteria), ("s2", "Two", criteria[:1])], deal)
    assert len(caught.value.violations) == 5


def test_an_open_task_does_not_count_as_a_logged_activity() -> None:
    (criterion,) = gates.validate_criteria(
        [Criterion("", "required_activity", activity_type="task")]
    )
    assert gates.evaluate(
        "s", "S", [criterion], facts(activities=[ActivityFact("task", "", False)])
    )
