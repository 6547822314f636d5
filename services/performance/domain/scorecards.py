"""Scorecards, leaderboards and gaps: pure rules over measured KPI values.

A scorecard scores each KPI of the rep's set (see `domain.kpis`) and adds the
weighted points: a KPI's weighted points are `score x weight_bp` (ten
thousandths of a point) and the total is their sum, so the total always equals
the sum of its lines, exactly, by construction; `total_score` is the total
rounded half up to a whole score 0-100.

A KPI without a measure (no quota for a quota target, no closed deal for a
win rate, no CSAT answer, ...) is **unscored**: it shows why, scores 0 and adds
nothing (a missing quota is for management to fix before publishing), and it
never raises a gap.

A **gap** is a scored KPI whose value is worse than its floor. A ratio or an
average (win rate, CSAT, training compliance, pipeline coverage) means the
same at any time, so a live preview compares it with its floor as it is. A
cumulative KPI (revenue, new customers, activities) only grows through the
period: in a live preview its floor is pro-rated to the share of the period
elapsed, and it is only looked at once `LIVE_GAP_FROM_ELAPSED_BP` of the
period has passed, so nobody is flagged on the first morning of a quarter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.kit.errors import FailedPrecondition
from services.kit.fiscal import FiscalPeriod
from services.kit.rounding import BASIS_POINTS, divide_half_up
from services.performance.domain.kpis import (
    CUMULATIVE_SOURCES,
    Direction,
    KpiDefinition,
    normalised_score,
    threshold_value,
    total_score,
    weighted_points,
)

# Live gap detection waits until half the period has passed.
LIVE_GAP_FROM_ELAPSED_BP = 5_000
TOTAL = "total"


@dataclass(frozen=True)
class Measure:
    """What a KPI measured for a rep and period: its value and target, or why it has none."""

    value: int | None
    target: int | None
    unit: str
    currency: str = ""
    note: str = ""


@dataclass(frozen=True)
class ScoredKpi:
    """One line of a scorecard."""

    code: str
    name: str
    source: str
    direction: str
    unit: str
    currency: str
    value: int
    target: int
    floor: int
    stretch: int
    # The floor in basis points of the target (pro-rated gaps need it).
    floor_bp: int
    score: int
    weight_bp: int
    weighted_points: int
    scored: bool
    skill_area: str
    note: str


@dataclass(frozen=True)
class ScoredCard:
    """A rep's scored KPIs and their weighted total."""

    lines: tuple[ScoredKpi, ...]

    @property
    def total_points(self) -> int:
        return sum(line.weighted_points for line in self.lines)

    @property
    def total_score(self) -> int:
        return total_score(self.total_points)

    def scores(self) -> dict[str, int]:
        return {line.code: line.score for line in self.lines}


def score_kpi(kpi: KpiDefinition, measure: Measure) -> ScoredKpi:
    """Score one KPI from its measure (unscored when the value or target is missing)."""
    scored = measure.value is not None and measure.target is not None and measure.target > 0
    value = measure.value or 0
    target = measure.target or 0
    score = normalised_score(value, target, kpi.thresholds, kpi.direction) if scored else 0
    return ScoredKpi(
        code=kpi.code,
        name=kpi.name,
        source=kpi.source.value,
        direction=kpi.direction.value,
        unit=measure.unit,
        currency=measure.currency,
        value=value,
        target=target,
        floor=threshold_value(target, kpi.thresholds.floor_bp),
        stretch=threshold_value(target, kpi.thresholds.stretch_bp),
        floor_bp=kpi.thresholds.floor_bp,
        score=score,
        weight_bp=kpi.weight_bp,
        weighted_points=weighted_points(score, kpi.weight_bp),
        scored=scored,
        skill_area=kpi.skill_area,
        note=measure.note or ("" if scored else "no target for this KPI in the period: not scored"),
    )


def score_card(kpis: Sequence[KpiDefinition], measures: Sequence[Measure]) -> ScoredCard:
    return ScoredCard(tuple(score_kpi(k, m) for k, m in zip(kpis, measures, strict=True)))


def elapsed_bp(period: FiscalPeriod, now: datetime) -> int:
    """The share of the period elapsed at `now`, in basis points (0 before, 10,000 after)."""
    if now <= period.starts_at:
        return 0
    if now >= period.ends_at:
        return BASIS_POINTS
    whole = int((period.ends_at - period.starts_at).total_seconds())
    done = int((now - period.starts_at).total_seconds())
    return done * BASIS_POINTS // whole


@dataclass(frozen=True)
class Gap:
    """A KPI worse than its floor: what training can act on."""

    code: str
    value: int
    threshold: int
    skill_area: str


def find_gaps(lines: Iterable[ScoredKpi], elapsed: int) -> list[Gap]:
    """The scored lines worse than their floor, with the period `elapsed` (bp) so far.

    A published scorecard passes 10,000 (the whole period). For a cumulative
    source the floor is pro-rated to `elapsed`, and before
    `LIVE_GAP_FROM_ELAPSED_BP` it is not looked at; other sources are compared
    with their floor as they are.
    """
    cumulative = {source.value for source in CUMULATIVE_SOURCES}
    gaps: list[Gap] = []
    for line in lines:
        if not line.scored:
            continue
        floor = line.floor
        if line.source in cumulative and elapsed < BASIS_POINTS:
            if elapsed < LIVE_GAP_FROM_ELAPSED_BP:
                continue
            floor = divide_half_up(line.target * line.floor_bp * elapsed, BASIS_POINTS**2)
        if line.direction == Direction.LOWER_IS_BETTER:
            worse = line.value > floor
        else:
            worse = line.value < floor
        if worse:
            gaps.append(Gap(line.code, line.value, floor, line.skill_area))
    return gaps


def require_period_running(period: FiscalPeriod, now: datetime) -> None:
    """Live gaps are looked for in a running period (a closed one's at publication)."""
    if not period.contains(now):
        raise FailedPrecondition.of(
            "PERIOD_NOT_RUNNING",
            f"periods/{period.code}",
            f"{period.code} runs {period.starts_at.date().isoformat()} to "
            f"{period.ends_at.date().isoformat()} (exclusive); live gaps are looked for while a "
            "period runs, a closed period's when its scorecards are published",
        )


def require_period_closed(period: FiscalPeriod, now: datetime) -> None:
    """Scorecards are published at or after the period's close."""
    if now < period.ends_at:
        raise FailedPrecondition.of(
            "PERIOD_NOT_CLOSED",
            f"periods/{period.code}",
            f"{period.code} closes {period.ends_at.date().isoformat()}; scorecards are published "
            "at or after the close (a live preview is available meanwhile)",
        )


class LeaderboardScope(StrEnum):
    TEAM = "team"
    REGION = "region"


@dataclass(frozen=True)
class Ranked:
    rank: int
    rep_id: str
    points: int


def rank(entries: Iterable[tuple[str, int]]) -> list[Ranked]:
    """Competition ranking, best first: ties share a rank (1, 1, 3) and are ordered by rep id."""
    ordered = sorted(entries, key=lambda e: (-e[1], e[0]))
    ranked: list[Ranked] = []
    for position, (rep_id, points) in enumerate(ordered, start=1):
        same = ranked and ranked[-1].points == points
        ranked.append(Ranked(ranked[-1].rank if same else position, rep_id, points))
    return ranked


def ranking_figure(card: ScoredCard, kpi_code: str) -> int | None:
    """What a leaderboard ranks by: the total points, or one KPI's score (None: not on the card)."""
    if kpi_code == TOTAL:
        return card.total_points
    for line in card.lines:
        if line.code == kpi_code:
            return line.score
    return None
