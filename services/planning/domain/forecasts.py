"""Forecasts: validation, who may submit and adjust, and the roll-up arithmetic.

Categories are cumulative up to best case: *commit* is what the rep is
confident of closing in the period, *best case* is commit plus the upside
they could also close (so commit <= best case), and *pipeline* is the rest of
their open pipeline for the period beyond best case (no order against the
other two). All three are non-negative and in one currency.

A rep submits for themself; the manager of the rep's team unit or of any unit
above it may submit for them. A resubmission is a new version (the history is
kept) and clears the adjustment of the version it replaces: the manager
adjusts the rep's new call, not the old one. The rep's manager (the same
chain) or a director of the region adjusts with a reason; nobody adjusts
their own forecast.

The weighted pipeline is the sum over open opportunities closing in the
period (the forecast category "omitted" left out, as the rep excluded them) of
amount x probability, rounded half up *per opportunity*: a rep's figure is
then exact on its own and a unit's figure is exactly the sum of its
opportunities' figures, whatever way the tree is cut. Pure rules, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services.kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Validator,
)
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller
from services.kit.rounding import BASIS_POINTS, divide_half_up

MAX_NOTES_LENGTH = 4_000
MAX_REASON_LENGTH = 2_000


class ForecastStatus(StrEnum):
    SUBMITTED = "submitted"
    ADJUSTED = "adjusted"


class OpportunityCategory(StrEnum):
    """An opportunity's forecast category, as its stage in the pipeline says."""

    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


@dataclass(frozen=True)
class MoneyInput:
    """An amount as it came in: whether it was given at all, its currency and minor units."""

    present: bool
    currency: str
    amount_minor: int


@dataclass(frozen=True)
class Figures:
    """Commit, best case and pipeline in one currency (minor units)."""

    currency: str
    commit: int
    best_case: int
    pipeline: int


def _is_currency(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and code.isupper()


def validate_figures(
    v: Validator,
    commit: MoneyInput,
    best_case: MoneyInput,
    pipeline: MoneyInput,
    *,
    currency: str = "",
) -> Figures | None:
    """The three amounts, every bad field added to `v`; None when any is bad.

    With `currency` (an adjustment), every amount must be in it; otherwise
    the three must share the commit's currency.
    """
    before = len(v.violations)
    amounts = (("commit", commit), ("best_case", best_case), ("pipeline", pipeline))
    expected = currency
    for name, amount in amounts:
        if not amount.present:
            v.add(name, "is required (give 0 for none)")
            continue
        if not _is_currency(amount.currency):
            v.add(f"{name}.currency", f"'{amount.currency}' is not an ISO 4217 code such as EUR")
        elif expected and amount.currency != expected:
            whose = "the forecast's currency" if currency else "commit's currency"
            v.add(f"{name}.currency", f"must be {whose} {expected}: one currency per forecast")
        elif not expected:
            expected = amount.currency
        if amount.amount_minor < 0:
            v.add(f"{name}.amount_minor", "must not be negative")
    if len(v.violations) > before:
        return None
    return Figures(expected, commit.amount_minor, best_case.amount_minor, pipeline.amount_minor)


def require_category_order(figures: Figures, subject: str) -> None:
    """Commit is part of best case, so it cannot exceed it."""
    if figures.commit > figures.best_case:
        raise FailedPrecondition(
            [
                RuleViolation(
                    "COMMIT_WITHIN_BEST_CASE",
                    subject,
                    f"commit ({figures.commit}) must not exceed best case ({figures.best_case}): "
                    "best case is commit plus upside",
                )
            ]
        )


def validate_submission(
    calendar: FiscalCalendar,
    *,
    period_code: str,
    commit: MoneyInput,
    best_case: MoneyInput,
    pipeline: MoneyInput,
    notes: str,
    now: datetime,
) -> tuple[FiscalPeriod, Figures]:
    """The period and figures of a submission: every bad field at once, then the rules."""
    v = Validator()
    period: FiscalPeriod | None = None
    try:
        period = calendar.period(period_code, "period_code")
    except InvalidArgument as exc:
        v.violations.extend(exc.violations)
    figures = validate_figures(v, commit, best_case, pipeline)
    v.optional("notes", notes, MAX_NOTES_LENGTH)
    v.raise_if_any()
    assert period is not None and figures is not None
    violations = period_violations(period, now)
    if figures.commit > figures.best_case:
        violations.append(
            RuleViolation(
                "COMMIT_WITHIN_BEST_CASE",
                f"periods/{period.code}",
                f"commit ({figures.commit}) must not exceed best case ({figures.best_case}): "
                "best case is commit plus upside",
            )
        )
    if violations:
        raise FailedPrecondition(violations)
    return period, figures


def period_violations(period: FiscalPeriod, now: datetime) -> list[RuleViolation]:
    """A forecast is for a period that is not over yet (its last instant is after `now`)."""
    if period.ends_at > now:
        return []
    return [
        RuleViolation(
            "PERIOD_OVER",
            f"periods/{period.code}",
            f"{period.code} ended on {period.ends_at.date().isoformat()}; "
            "only a period that is not over can be forecast or adjusted",
        )
    ]


def require_period_open(period: FiscalPeriod, now: datetime) -> None:
    violations = period_violations(period, now)
    if violations:
        raise FailedPrecondition(violations)


def validate_adjustment(
    *,
    currency: str,
    commit: MoneyInput,
    best_case: MoneyInput,
    pipeline: MoneyInput,
    reason: str,
    forecast_id: str,
) -> tuple[Figures, str]:
    """The adjusted figures (in the forecast's currency) and the required reason."""
    v = Validator()
    v.require("forecast_id", forecast_id)
    figures = validate_figures(v, commit, best_case, pipeline, currency=currency)
    v.require("reason", reason, MAX_REASON_LENGTH)
    v.raise_if_any()
    assert figures is not None
    require_category_order(figures, f"forecasts/{forecast_id}")
    return figures, reason.strip()


def require_submitter(caller: Caller, rep_id: str, managers: Iterable[str]) -> None:
    """The rep themself, or a manager of the rep's team unit or of a unit above it.

    A rep naming someone else finds nobody (NotFound, as for any record not
    theirs); anyone else outside the chain is refused.
    """
    if caller.subject == rep_id:
        return
    if caller.own_records_only:
        raise NotFound("rep", rep_id)
    if caller.subject in set(managers):
        return
    raise PermissionDenied(
        f"{caller.subject} may submit forecasts only for themself or for reps of units they "
        f"manage, and '{rep_id}' is not one"
    )


def require_adjuster(
    caller: Caller, *, rep_id: str, region: str, managers: Iterable[str], forecast_id: str
) -> None:
    """The rep's manager (team unit or any unit above it) or a director of the region."""
    if caller.subject == rep_id:
        raise PermissionDenied(
            f"forecast '{forecast_id}' is {rep_id}'s own: their manager or a director adjusts it"
        )
    if caller.subject in set(managers):
        return
    if ("director" in caller.roles or "admin" in caller.roles) and caller.has_region(region):
        return
    raise PermissionDenied(
        f"forecast '{forecast_id}' can be adjusted only by a manager of {rep_id}'s team or "
        f"of a unit above it, or by a director of region {region}"
    )


def weighted_amount(amount_minor: int, probability_bp: int) -> int:
    """One opportunity's weighted amount: amount x probability, rounded half up.

    >>> weighted_amount(10_001, 5_000), weighted_amount(333, 3_333)
    (5001, 111)
    """
    return divide_half_up(amount_minor * probability_bp, BASIS_POINTS)


@dataclass(frozen=True)
class ForecastFact:
    """A forecast as the roll-up sees it: the rep's figures and the adjusted ones, if any."""

    submitted: Figures
    adjusted: Figures | None

    @property
    def effective(self) -> Figures:
        """Adjusted where present, else submitted."""
        return self.adjusted or self.submitted


@dataclass(frozen=True)
class OpenOpportunity:
    """An open opportunity closing in the period."""

    currency: str
    amount_minor: int
    probability_bp: int
    category: str


@dataclass
class CurrencyFigures:
    """Everything a roll-up line reports in one currency."""

    currency: str
    submitted_commit: int = 0
    submitted_best_case: int = 0
    submitted_pipeline: int = 0
    commit: int = 0
    best_case: int = 0
    pipeline: int = 0
    weighted_pipeline: int = 0
    open_by_category: dict[str, int] = field(
        default_factory=lambda: {
            OpportunityCategory.PIPELINE.value: 0,
            OpportunityCategory.BEST_CASE.value: 0,
            OpportunityCategory.COMMIT.value: 0,
            OpportunityCategory.OMITTED.value: 0,
        }
    )
    closed_won: int = 0
    open_opportunities: int = 0


def roll_up(
    forecasts: Iterable[ForecastFact],
    opportunities: Iterable[OpenOpportunity],
    closed_won: Iterable[tuple[str, int]],
    *,
    first_currency: str = "",
) -> list[CurrencyFigures]:
    """Sum one line's records per currency; `first_currency` (the target's) leads, then A-Z.

    The target's currency always has an entry (zeros when nothing is in it).

    Currencies are never mixed: each is reported on its own. An open
    opportunity in an unknown category counts as pipeline.
    """
    by_currency: dict[str, CurrencyFigures] = {}
    if first_currency:  # figures are shown beside the target, even when all are zero
        by_currency[first_currency] = CurrencyFigures(first_currency)

    def bucket(currency: str) -> CurrencyFigures:
        if currency not in by_currency:
            by_currency[currency] = CurrencyFigures(currency)
        return by_currency[currency]

    for forecast in forecasts:
        sub = bucket(forecast.submitted.currency)
        sub.submitted_commit += forecast.submitted.commit
        sub.submitted_best_case += forecast.submitted.best_case
        sub.submitted_pipeline += forecast.submitted.pipeline
        eff = forecast.effective
        out = bucket(eff.currency)
        out.commit += eff.commit
        out.best_case += eff.best_case
        out.pipeline += eff.pipeline
    for opp in opportunities:
        figures = bucket(opp.currency)
        category = opp.category if opp.category in figures.open_by_category else "pipeline"
        figures.open_by_category[category] += opp.amount_minor
        figures.open_opportunities += 1
        if category != OpportunityCategory.OMITTED.value:
            figures.weighted_pipeline += weighted_amount(opp.amount_minor, opp.probability_bp)
    for currency, amount in closed_won:
        bucket(currency).closed_won += amount
    return order_currencies(by_currency.values(), first_currency)


def order_currencies(
    figures: Iterable[CurrencyFigures], first_currency: str
) -> list[CurrencyFigures]:
    """The target's currency first, then the others A to Z."""
    return sorted(figures, key=lambda f: (f.currency != first_currency, f.currency))


def subtree(root: str, children: Mapping[str, Sequence[str]]) -> list[str]:
    """`root` and every unit below it (children maps a unit to its child units)."""
    found = [root]
    seen = {root}
    index = 0
    while index < len(found):
        for child in children.get(found[index], ()):
            if child not in seen:  # a cycle in bad data must not loop forever
                seen.add(child)
                found.append(child)
        index += 1
    return found


def ancestors(unit_id: str, parent_of: Mapping[str, str | None]) -> list[str]:
    """`unit_id` and the units above it, nearest first."""
    chain: list[str] = []
    current: str | None = unit_id
    while current and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    return chain
