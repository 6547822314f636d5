"""The pure assessment rules: scoring arithmetic, the attempt limit, validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.kit.errors import FailedPrecondition, Validator
from services.training.domain import assessments as domain

Q = domain.QuestionSpec


def question(points: int, correct: set[int], kind: str = domain.MULTIPLE) -> Q:
    return Q("q", kind, ("a", "b", "c", "d"), points, frozenset(correct))


@given(
    st.lists(
        st.tuples(st.integers(1, 1000), st.booleans()),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 10_000),
)
def test_score_is_the_sum_of_right_answers_rounded_down(
    spec: list[tuple[int, bool]], pass_mark: int
) -> None:
    questions = [(f"q{i}", question(points, {0, 2})) for i, (points, _) in enumerate(spec)]
    answers = {
        f"q{i}": frozenset({0, 2}) if right else frozenset({0}) for i, (_, right) in enumerate(spec)
    }
    scored = domain.score(questions, answers, pass_mark)
    points = sum(p for p, right in spec if right)
    total = sum(p for p, _ in spec)
    assert (scored.points, scored.total) == (points, total)
    assert scored.score_bp * total <= points * 10_000 < (scored.score_bp + 1) * total
    assert scored.passed == (scored.score_bp >= pass_mark)
    assert sum(r.points_awarded for r in scored.results) == points


def test_multiple_choice_is_all_or_nothing() -> None:
    questions = [("q", question(4, {1, 3}))]
    for chosen, points in (({1, 3}, 4), ({1}, 0), ({1, 2, 3}, 0), (set(), 0), ({3, 1}, 4)):
        assert domain.score(questions, {"q": frozenset(chosen)}, 1).points == points


@pytest.mark.parametrize(
    ("limit", "used", "allowed"),
    [(0, 0, True), (0, 99, True), (1, 0, True), (1, 1, False), (3, 2, True), (3, 3, False)],
)
def test_attempt_limit_boundary(limit: int, used: int, allowed: bool) -> None:
    if allowed:
        domain.require_attempt_allowed("a", limit, used)
    else:
        with pytest.raises(FailedPrecondition) as error:
            domain.require_attempt_allowed("a", limit, used)
        assert [v.type for v in error.value.violations] == ["attempt_limit"]
    assert domain.attempts_left(limit, used) == (-1 if limit == 0 else max(0, limit - used))


def test_question_validation_names_each_question() -> None:
    v = Validator()
    domain.validate_questions(
        v,
        [
            question(1, {0}, domain.SINGLE),
            question(1, {0, 1}, domain.SINGLE),
            question(1, set()),
            question(1, {4}),
            Q("q", "essay", ("a", " "), 1, frozenset({0})),
        ],
    )
    assert sorted(x.field for x in v.violations) == [
        "questions[1].correct_options",
        "questions[2].correct_options",
        "questions[3].correct_options",
        "questions[4].kind",
        "questions[4].options",
    ]
