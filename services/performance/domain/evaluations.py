"""Evaluations as plain rules: the status machine, ratings, and who may do what.

Status: draft -> shared -> acknowledged -> appealed -> resolved, and shared ->
appealed (a rep need not acknowledge an evaluation to appeal it: acknowledging
says "I have read it", not "I agree", so requiring it first would only add a
step). Every other move is FAILED_PRECONDITION (rule `STATE`) naming it.

Who:
- a manager above the rep (their manager chain) writes, changes (while a
  draft) and shares the evaluation;
- a director of the region calibrates a team's draft and shared ratings, each
  change with a reason, and resolves appeals;
- the rep acknowledges and appeals their own.

Nothing here knows about gRPC, SQL or nameko.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from services.kit.errors import FailedPrecondition, PermissionDenied, Validator
from services.kit.identity import Caller

MIN_RATING = 1
MAX_RATING = 5
MAX_TEXT = 5_000


class EvaluationStatus(StrEnum):
    DRAFT = "draft"
    SHARED = "shared"
    ACKNOWLEDGED = "acknowledged"
    APPEALED = "appealed"
    RESOLVED = "resolved"


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    CHANGED = "changed"


TRANSITIONS: dict[EvaluationStatus, frozenset[EvaluationStatus]] = {
    EvaluationStatus.DRAFT: frozenset({EvaluationStatus.SHARED}),
    EvaluationStatus.SHARED: frozenset({EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.APPEALED}),
    EvaluationStatus.ACKNOWLEDGED: frozenset({EvaluationStatus.APPEALED}),
    EvaluationStatus.APPEALED: frozenset({EvaluationStatus.RESOLVED}),
    EvaluationStatus.RESOLVED: frozenset(),
}
# Statuses whose rating a calibration may still change (the rep has not answered yet).
CALIBRATABLE = frozenset({EvaluationStatus.DRAFT, EvaluationStatus.SHARED})


def with_article(word: str) -> str:
    """The word with its indefinite article ("an acknowledged", "a shared")."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def require_transition(
    evaluation_id: str, current: EvaluationStatus, target: EvaluationStatus
) -> None:
    """Raise FailedPrecondition (rule STATE) unless `current` may become `target`."""
    if target in TRANSITIONS[current]:
        return
    allowed = sorted(s.value for s, targets in TRANSITIONS.items() if target in targets)
    raise FailedPrecondition.of(
        "STATE",
        f"evaluations/{evaluation_id}",
        f"{with_article(current.value)} evaluation cannot become {target.value}; only "
        f"{with_article(' or '.join(allowed))} one can",
    )


def require_draft(evaluation_id: str, current: EvaluationStatus) -> None:
    """Only a draft's rating and comments change (calibration aside)."""
    if current != EvaluationStatus.DRAFT:
        raise FailedPrecondition.of(
            "STATE",
            f"evaluations/{evaluation_id}",
            f"{with_article(current.value)} evaluation is no longer edited; only a draft is (a "
            "director calibrates shared ratings, and resolves appeals)",
        )


def check_rating(v: Validator, field_name: str, rating: int) -> None:
    v.check(MIN_RATING <= rating <= MAX_RATING, field_name, "must be 1 to 5")


def check_text(v: Validator, field_name: str, text: str, *, required: bool) -> str:
    cleaned = text.strip()
    if required:
        v.require(field_name, cleaned, MAX_TEXT)
    else:
        v.optional(field_name, cleaned, MAX_TEXT)
    return cleaned


def require_manager_of(caller: Caller, rep_id: str, region: str, chain: Iterable[str]) -> None:
    """A manager above the rep writes and shares their evaluation."""
    caller.require_writer(region)
    if "manager" in caller.roles and caller.subject in set(chain):
        return
    raise PermissionDenied(f"evaluations of '{rep_id}' are written by a manager above them")


def require_director(caller: Caller, region: str, what: str) -> None:
    """A director of the region calibrates and resolves appeals."""
    caller.require_writer(region)
    if "director" not in caller.roles:
        raise PermissionDenied(f"{what} is for a director of {region}")


def require_the_rep(caller: Caller, rep_id: str, region: str, what: str) -> None:
    """Only the evaluated rep acknowledges or appeals."""
    caller.require_writer(region)
    if caller.subject != rep_id:
        raise PermissionDenied(f"only '{rep_id}' may {what} their evaluation")


def check_resolution(outcome: AppealOutcome | None, new_rating: int, comment: str) -> str:
    """An outcome; a new rating (1-5) exactly when changed; a comment always."""
    v = Validator()
    if outcome is None:
        v.add("outcome", "is required: upheld or changed")
    elif outcome == AppealOutcome.CHANGED:
        check_rating(v, "new_rating", new_rating)
    else:
        v.check(new_rating == 0, "new_rating", "is only given when the outcome is changed")
    cleaned = check_text(v, "comment", comment, required=True)
    v.raise_if_any()
    return cleaned


def distribution(ratings: Iterable[int]) -> list[tuple[int, int]]:
    """How many evaluations have each rating 1-5 (every rating listed, zeros too)."""
    counts = dict.fromkeys(range(MIN_RATING, MAX_RATING + 1), 0)
    for rating in ratings:
        counts[rating] = counts.get(rating, 0) + 1
    return sorted(counts.items())
