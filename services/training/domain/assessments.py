"""Assessment rules: validating an assessment, scoring a submission, the attempt limit.

Pure Python. Scoring is exact and integer: a question scores its points when
the chosen options equal its key (all-or-nothing, for multiple choice too),
and the score in basis points is `points * 10000 // total` (rounded down, so
a rep never passes on rounding). Passed when score_bp >= pass_mark_bp.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.kit.errors import FailedPrecondition, Validator

SINGLE = "single_choice"
MULTIPLE = "multiple_choice"
KINDS = (SINGLE, MULTIPLE)
BP = 10_000
MAX_QUESTIONS = 200
MAX_OPTIONS = 20
MAX_POINTS = 1000
MAX_ATTEMPTS = 100


@dataclass(frozen=True)
class QuestionSpec:
    """A question as authored: text, kind, options, points and its answer key."""

    text: str
    kind: str
    options: tuple[str, ...]
    points: int
    correct: frozenset[int]


@dataclass(frozen=True)
class ScoredQuestion:
    question_id: str
    correct: bool
    points_awarded: int


@dataclass(frozen=True)
class Score:
    results: tuple[ScoredQuestion, ...]
    points: int
    total: int
    score_bp: int
    passed: bool


def validate_settings(v: Validator, title: str, pass_mark_bp: int, max_attempts: int) -> None:
    """The assessment's own fields."""
    v.require("title", title.strip(), 200)
    v.check(1 <= pass_mark_bp <= BP, "pass_mark_bp", f"must be 1 to {BP}")
    v.check(0 <= max_attempts <= MAX_ATTEMPTS, "max_attempts", f"must be 0 to {MAX_ATTEMPTS}")


def validate_questions(v: Validator, questions: Sequence[QuestionSpec]) -> None:
    """Every question, naming `questions[i].<field>`; at least one question."""
    if not questions:
        v.add("questions", "at least one question is required")
    if len(questions) > MAX_QUESTIONS:
        v.add("questions", f"at most {MAX_QUESTIONS} questions")
    for i, q in enumerate(questions):
        at = f"questions[{i}]"
        v.require(f"{at}.text", q.text.strip(), 2000)
        v.check(q.kind in KINDS, f"{at}.kind", "must be single_choice or multiple_choice")
        v.check(2 <= len(q.options) <= MAX_OPTIONS, f"{at}.options", f"must be 2 to {MAX_OPTIONS}")
        if any(not option.strip() or len(option) > 500 for option in q.options):
            v.add(f"{at}.options", "each option must be 1 to 500 characters")
        v.check(1 <= q.points <= MAX_POINTS, f"{at}.points", f"must be 1 to {MAX_POINTS}")
        if any(index < 0 or index >= len(q.options) for index in q.correct):
            v.add(f"{at}.correct_options", "must be indexes of the options")
        elif q.kind == SINGLE and len(q.correct) != 1:
            v.add(f"{at}.correct_options", "a single-choice question has exactly one")
        elif q.kind == MULTIPLE and not q.correct:
            v.add(f"{at}.correct_options", "a multiple-choice question has at least one")


def validate_answers(
    v: Validator,
    answers: Sequence[tuple[str, Sequence[int]]],
    questions: Mapping[str, QuestionSpec],
) -> None:
    """Answers name known questions once each, with indexes of their options."""
    seen: set[str] = set()
    for i, (question_id, chosen) in enumerate(answers):
        at = f"answers[{i}]"
        question = questions.get(question_id)
        if question is None:
            v.add(f"{at}.question_id", f"'{question_id}' is not a question of this assessment")
            continue
        if question_id in seen:
            v.add(f"{at}.question_id", "is answered twice")
        seen.add(question_id)
        if any(index < 0 or index >= len(question.options) for index in chosen):
            v.add(f"{at}.chosen_options", "must be indexes of the question's options")
        elif len(set(chosen)) != len(chosen):
            v.add(f"{at}.chosen_options", "names an option twice")
        elif question.kind == SINGLE and len(chosen) > 1:
            v.add(f"{at}.chosen_options", "a single-choice question takes one option")


def score(
    questions: Sequence[tuple[str, QuestionSpec]],
    answers: Mapping[str, frozenset[int]],
    pass_mark_bp: int,
) -> Score:
    """Score answers (question id -> chosen options); an unanswered question scores 0."""
    results = []
    for question_id, spec in questions:
        correct = answers.get(question_id, frozenset()) == spec.correct
        results.append(ScoredQuestion(question_id, correct, spec.points if correct else 0))
    points = sum(r.points_awarded for r in results)
    total = sum(spec.points for _, spec in questions)
    score_bp = points * BP // total if total else 0
    return Score(tuple(results), points, total, score_bp, score_bp >= pass_mark_bp)


def attempts_left(max_attempts: int, used: int) -> int:
    """Attempts remaining after `used`; -1 when unlimited."""
    return -1 if max_attempts == 0 else max(0, max_attempts - used)


def require_attempt_allowed(assessment_id: str, max_attempts: int, used: int) -> None:
    """FailedPrecondition `attempt_limit` when `used` attempts exhaust the limit."""
    if max_attempts and used >= max_attempts:
        raise FailedPrecondition.of(
            "attempt_limit",
            f"assessments/{assessment_id}",
            f"all {max_attempts} attempt(s) of this assessment are used",
        )
