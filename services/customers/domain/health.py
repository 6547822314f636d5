"""The health score of an account and its loyalty tier, as plain Python.

The score (0 to 100) is the sum of five factors; each gives points up to its
maximum and says why. The rules are data (`HealthRules`, `DEFAULT_RULES`):
change the numbers there, not the code.

| factor          | max | what it measures (at the instant `now`)                          |
|-----------------|-----|------------------------------------------------------------------|
| `satisfaction`  |  25 | mean CSAT of the responses of the last 180 days                  |
|                 |     | >= 4.50: 25, >= 4.00: 20, >= 3.00: 12, >= 2.00: 5, below: 0;      |
|                 |     | no response: 15 (no news is not bad news)                        |
| `nps`           |  20 | the account's NPS over its responses of the last 365 days        |
|                 |     | >= +50: 20, >= 0: 12, >= -50: 5, below: 0; no response: 10       |
| `cases`         |  20 | open after-sales cases now: 20, minus 4 per open case on time    |
|                 |     | and 8 per overdue one (past its due time or SLA breached), >= 0  |
| `recency`       |  15 | days since the last interaction on the timeline                  |
|                 |     | <= 30: 15, <= 90: 10, <= 180: 5, older or none: 0                |
| `revenue_trend` |  20 | active contract value signed in the last 12 months against the   |
|                 |     | 12 before, in the account's main currency (the one with the most |
|                 |     | value over the 24 months): >= 110 %: 20, >= 90 %: 14,            |
|                 |     | >= 50 %: 6, below: 0; new revenue (none before): 20;             |
|                 |     | nothing signed in 24 months: 8                                   |

Averages and ratios are compared exactly (integer cross-multiplication), so
a mean CSAT of 4.4999... is not 4.50. **Bands**: score >= 70 healthy, >= 45
watch, below at risk. An account *becomes* at risk when an assessment puts
it in the at-risk band and the previous one did not (or there was none).

**Loyalty tiers** reward long, healthy relationships (`LOYALTY_RULES`): the
relationship's age is the whole years since the account's first contract was
signed, and counts only while at least one contract is active. Gold: 5 years
and healthy; silver: 3 years and healthy; bronze: 1 year and healthy or
watch; otherwise none. The first rule met, from the top, gives the tier.

Nothing here knows about gRPC, HTTP, nameko or SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from services.customers.domain.satisfaction import (
    BASIS_POINTS,
    HUNDREDTHS,
    csat_average_hundredths,
    nps_bp,
)


class HealthBand(StrEnum):
    """The band a health score falls in."""

    HEALTHY = "healthy"
    WATCH = "watch"
    AT_RISK = "at_risk"


class LoyaltyTier(StrEnum):
    """A loyalty tier earned by a long, healthy relationship."""

    NONE = "none"
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class Factor(StrEnum):
    """The factors of the health score."""

    SATISFACTION = "satisfaction"
    NPS = "nps"
    CASES = "cases"
    RECENCY = "recency"
    REVENUE_TREND = "revenue_trend"


@dataclass(frozen=True)
class AtLeast:
    """`points` when the measured value is at least `threshold` (in the factor's unit)."""

    threshold: int
    points: int
    label: str


@dataclass(frozen=True)
class WithinDays:
    """`points` when the last interaction was at most `days` days ago."""

    days: int
    points: int


@dataclass(frozen=True)
class HealthRules:
    """Weights, windows and thresholds of the health score (see the module docstring)."""

    satisfaction_window_days: int = 180
    satisfaction_max: int = 25
    satisfaction_without_responses: int = 15
    # Mean CSAT in hundredths of a point; the first step reached, from the top, applies.
    satisfaction_steps: tuple[AtLeast, ...] = (
        AtLeast(450, 25, "very satisfied"),
        AtLeast(400, 20, "satisfied"),
        AtLeast(300, 12, "neither satisfied nor dissatisfied"),
        AtLeast(200, 5, "dissatisfied"),
        AtLeast(100, 0, "very dissatisfied"),
    )
    nps_window_days: int = 365
    nps_max: int = 20
    nps_without_responses: int = 10
    # The account's NPS in bp of percentage points.
    nps_steps: tuple[AtLeast, ...] = (
        AtLeast(5000, 20, "mostly promoters"),
        AtLeast(0, 12, "promoters balance detractors"),
        AtLeast(-5000, 5, "detractors outweigh promoters"),
        AtLeast(-10000, 0, "mostly detractors"),
    )
    cases_max: int = 20
    open_case_points: int = 4
    overdue_case_points: int = 8
    recency_max: int = 15
    recency_steps: tuple[WithinDays, ...] = (
        WithinDays(30, 15),
        WithinDays(90, 10),
        WithinDays(180, 5),
    )
    revenue_max: int = 20
    revenue_without_contracts: int = 8
    revenue_new: int = 20
    # Value signed in the last 12 months as a percentage of the 12 before.
    revenue_steps: tuple[AtLeast, ...] = (
        AtLeast(110, 20, "growing"),
        AtLeast(90, 14, "stable"),
        AtLeast(50, 6, "declining"),
        AtLeast(0, 0, "falling sharply"),
    )
    healthy_from: int = 70
    watch_from: int = 45

    def __post_init__(self) -> None:
        total = (
            self.satisfaction_max
            + self.nps_max
            + self.cases_max
            + self.recency_max
            + self.revenue_max
        )
        if total != 100:
            raise ValueError(f"the factors' maxima must add up to 100, not {total}")


DEFAULT_RULES = HealthRules()


@dataclass(frozen=True)
class LoyaltyRule:
    """A tier, the whole years of relationship it needs and the bands that keep it."""

    tier: LoyaltyTier
    min_years: int
    bands: frozenset[HealthBand]


# The first rule met, from the top, gives the tier.
LOYALTY_RULES: tuple[LoyaltyRule, ...] = (
    LoyaltyRule(LoyaltyTier.GOLD, 5, frozenset({HealthBand.HEALTHY})),
    LoyaltyRule(LoyaltyTier.SILVER, 3, frozenset({HealthBand.HEALTHY})),
    LoyaltyRule(LoyaltyTier.BRONZE, 1, frozenset({HealthBand.HEALTHY, HealthBand.WATCH})),
)


@dataclass(frozen=True)
class RevenueWindows:
    """Active contract value in one currency, signed in the last 12 months and the 12 before."""

    last_12_months: int = 0
    previous_12_months: int = 0


@dataclass(frozen=True)
class HealthInputs:
    """What the score is computed from, measured over the rules' windows at `now`."""

    csat_responses: int = 0
    csat_score_sum: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    open_cases: int = 0
    # Of the open cases, those overdue.
    overdue_cases: int = 0
    last_interaction_at: datetime | None = None
    revenue: Mapping[str, RevenueWindows] = field(default_factory=dict)
    first_contract_signed: date | None = None
    has_active_contract: bool = False


@dataclass(frozen=True)
class FactorPoints:
    """What one factor gave, at most `max_points`, and why."""

    factor: Factor
    points: int
    max_points: int
    reason: str


@dataclass(frozen=True)
class HealthAssessment:
    """The score, its band and the factors that make it."""

    score: int
    band: HealthBand
    factors: tuple[FactorPoints, ...]


def _step(value_reaches: list[tuple[AtLeast, bool]]) -> AtLeast | None:
    for step, reached in value_reaches:
        if reached:
            return step
    return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _points_text(hundredths: int) -> str:
    sign = "-" if hundredths < 0 else ""
    whole, part = divmod(abs(hundredths), HUNDREDTHS)
    return f"{sign}{whole}.{part:02d}"


def satisfaction_points(inputs: HealthInputs, rules: HealthRules) -> FactorPoints:
    """The satisfaction factor: the mean CSAT of the window, compared exactly."""
    count, total = inputs.csat_responses, inputs.csat_score_sum
    window = f"in the last {rules.satisfaction_window_days} days"
    if count == 0:
        return FactorPoints(
            Factor.SATISFACTION,
            rules.satisfaction_without_responses,
            rules.satisfaction_max,
            f"no CSAT response {window}",
        )
    # mean >= threshold/100  <=>  total * 100 >= threshold * count
    step = _step([(s, total * HUNDREDTHS >= s.threshold * count) for s in rules.satisfaction_steps])
    points, label = (step.points, step.label) if step else (0, "very dissatisfied")
    average = csat_average_hundredths(total, count)
    assert average is not None
    return FactorPoints(
        Factor.SATISFACTION,
        points,
        rules.satisfaction_max,
        f"average CSAT {_points_text(average)} of 5 over {_plural(count, 'response')} "
        f"{window}: {label}",
    )


def nps_points(inputs: HealthInputs, rules: HealthRules) -> FactorPoints:
    """The NPS factor: the account's own NPS over the window, compared exactly."""
    promoters, passives, detractors = inputs.promoters, inputs.passives, inputs.detractors
    count = promoters + passives + detractors
    window = f"in the last {rules.nps_window_days} days"
    if count == 0:
        return FactorPoints(
            Factor.NPS, rules.nps_without_responses, rules.nps_max, f"no NPS response {window}"
        )
    # nps >= threshold bp  <=>  10000 * (p - d) >= threshold * count
    step = _step(
        [
            (s, BASIS_POINTS * (promoters - detractors) >= s.threshold * count)
            for s in rules.nps_steps
        ]
    )
    points, label = (step.points, step.label) if step else (0, "mostly detractors")
    score = nps_bp(promoters, passives, detractors)
    assert score is not None
    sign = "+" if score > 0 else ""
    return FactorPoints(
        Factor.NPS,
        points,
        rules.nps_max,
        f"NPS {sign}{_points_text(score)} over {_plural(count, 'response')} {window} "
        f"({_plural(promoters, 'promoter')}, {_plural(passives, 'passive')}, "
        f"{_plural(detractors, 'detractor')}): {label}",
    )


def cases_points(inputs: HealthInputs, rules: HealthRules) -> FactorPoints:
    """The cases factor: points lost per open case, more for an overdue one."""
    overdue = inputs.overdue_cases
    on_time = max(inputs.open_cases - overdue, 0)
    if inputs.open_cases == 0:
        return FactorPoints(Factor.CASES, rules.cases_max, rules.cases_max, "no open case")
    lost = on_time * rules.open_case_points + overdue * rules.overdue_case_points
    points = max(rules.cases_max - lost, 0)
    detail = f"{overdue} overdue" if overdue else "none overdue"
    return FactorPoints(
        Factor.CASES,
        points,
        rules.cases_max,
        f"{_plural(inputs.open_cases, 'open case')}, {detail}",
    )


def days_between(earlier: datetime, later: datetime) -> int:
    """Whole days from `earlier` to `later` (0 when `earlier` is later)."""
    return max((later - earlier).days, 0)


def recency_points(inputs: HealthInputs, now: datetime, rules: HealthRules) -> FactorPoints:
    """The recency factor: how long ago the last interaction on the timeline was."""
    last = inputs.last_interaction_at
    if last is None:
        return FactorPoints(Factor.RECENCY, 0, rules.recency_max, "no interaction on record")
    days = days_between(last, now)
    when = f"last interaction {_plural(days, 'day')} ago ({last.date().isoformat()})"
    for step in rules.recency_steps:
        if days <= step.days:
            return FactorPoints(Factor.RECENCY, step.points, rules.recency_max, when)
    return FactorPoints(Factor.RECENCY, 0, rules.recency_max, when)


def main_currency(revenue: Mapping[str, RevenueWindows]) -> str | None:
    """The currency with the most value over both windows (ties: the first code); None if none."""
    totals = {
        currency: windows.last_12_months + windows.previous_12_months
        for currency, windows in revenue.items()
        if windows.last_12_months + windows.previous_12_months > 0
    }
    if not totals:
        return None
    return min(totals, key=lambda currency: (-totals[currency], currency))


def revenue_points(inputs: HealthInputs, rules: HealthRules) -> FactorPoints:
    """The revenue-trend factor: the last 12 months' signed value against the 12 before."""
    currency = main_currency(inputs.revenue)
    if currency is None:
        return FactorPoints(
            Factor.REVENUE_TREND,
            rules.revenue_without_contracts,
            rules.revenue_max,
            "no active contract signed in the last 24 months",
        )
    windows = inputs.revenue[currency]
    last, previous = windows.last_12_months, windows.previous_12_months
    amounts = f"{currency} {last} vs {previous} minor units"
    if previous == 0:
        return FactorPoints(
            Factor.REVENUE_TREND,
            rules.revenue_new,
            rules.revenue_max,
            f"new revenue: active contracts signed in the last 12 months and none in the "
            f"12 before ({amounts})",
        )
    # last / previous >= threshold %  <=>  last * 100 >= threshold * previous
    step = _step([(s, last * 100 >= s.threshold * previous) for s in rules.revenue_steps])
    points, label = (step.points, step.label) if step else (0, "falling sharply")
    percent = (200 * last + previous) // (2 * previous)
    return FactorPoints(
        Factor.REVENUE_TREND,
        points,
        rules.revenue_max,
        f"active contract value signed in the last 12 months is {percent} % of the 12 "
        f"before ({amounts}): {label}",
    )


def band_of(score: int, rules: HealthRules = DEFAULT_RULES) -> HealthBand:
    """The band of a score."""
    if score >= rules.healthy_from:
        return HealthBand.HEALTHY
    if score >= rules.watch_from:
        return HealthBand.WATCH
    return HealthBand.AT_RISK


def assess_health(
    inputs: HealthInputs, now: datetime, rules: HealthRules = DEFAULT_RULES
) -> HealthAssessment:
    """The health score of an account from its inputs at `now`, with every factor's reason."""
    factors = (
        satisfaction_points(inputs, rules),
        nps_points(inputs, rules),
        cases_points(inputs, rules),
        recency_points(inputs, now, rules),
        revenue_points(inputs, rules),
    )
    score = sum(f.points for f in factors)
    return HealthAssessment(score=score, band=band_of(score, rules), factors=factors)


def becomes_at_risk(previous: HealthBand | None, current: HealthBand) -> bool:
    """True when an assessment moves an account into the at-risk band (or starts there)."""
    return current is HealthBand.AT_RISK and previous is not HealthBand.AT_RISK


def case_is_overdue(
    due_at: datetime | None, sla_breached_at: datetime | None, now: datetime
) -> bool:
    """An open case is overdue once its SLA breach was reported or its due time has passed."""
    return sla_breached_at is not None or (due_at is not None and due_at < now)


def whole_years(start: date, today: date) -> int:
    """Whole years from `start` to `today` (0 when `start` is later).

    >>> start = date(2022, 3, 1)
    >>> whole_years(start, date(2027, 2, 28)), whole_years(start, date(2027, 3, 1))
    (4, 5)
    """
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return max(years, 0)


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, clamped to the month's end (29 Feb -> 28 Feb)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def revenue_window_starts(today: date) -> tuple[date, date]:
    """(start of the 12 months before the last 12, start of the last 12 months), inclusive.

    The last 12 months run from the second date to `today` inclusive; the 12
    before from the first date up to (not including) the second.
    """
    return months_before(today, 24), months_before(today, 12)


@dataclass(frozen=True)
class LoyaltyAssessment:
    """The tier an account has earned, and why."""

    tier: LoyaltyTier
    relationship_years: int
    reason: str


def assess_loyalty(
    inputs: HealthInputs,
    band: HealthBand,
    today: date,
    rules: tuple[LoyaltyRule, ...] = LOYALTY_RULES,
) -> LoyaltyAssessment:
    """The loyalty tier from the relationship's age and the health band (first rule met)."""
    start = inputs.first_contract_signed
    if start is None or not inputs.has_active_contract:
        return LoyaltyAssessment(LoyaltyTier.NONE, 0, "no active contract")
    years = whole_years(start, today)
    since = f"customer since {start.isoformat()} ({_plural(years, 'full year')}), {band.value}"
    for rule in rules:
        if years >= rule.min_years and band in rule.bands:
            return LoyaltyAssessment(rule.tier, years, f"{since}: {rule.tier.value}")
    return LoyaltyAssessment(LoyaltyTier.NONE, years, f"{since}: no tier yet")
