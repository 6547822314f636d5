"""Pipeline analytics as plain Python: what each figure means, its scope and its rounding.

The api computes the raw sums and counts with SQL aggregates over the
opportunity tables; this module turns them into the published figures.
Every figure is an integer. Where a division is involved it is rounded half
up (`divide_half_up`); rates are basis points (1 bp = 0.01 %, 10000 = 100 %).

Definitions, for a fiscal period P (FY2027, FY2027-Q1, FY2027-M03 in the
platform's fiscal calendar) and the opportunities the filters and the
caller's scope select:

- **Funnel** (one pipeline): the cohort is the opportunities created in P.
  A deal *reached* a stage when its stage history (or its current stage)
  shows it in that stage or in a later stage that is not the lost stage, so a
  skipped stage counts as passed and the funnel never widens. The steps are
  the pipeline's open stages in order, then its won stage.
- **Conversion rate** from step i to step i+1 = reached(i+1) / reached(i), in
  bp; none for the last step or when nobody reached step i.
- **Win rate** = won / (won + lost) among the opportunities closed in P
  (`closed_at` in P), in bp; 0 when none closed.
- **Average deal size** = the mean amount of the deals won in P, per
  currency (amounts in different currencies are never added), in minor units.
- **Cycle length** = the mean time from creation to close of the deals won in
  P, in days (whole seconds summed, divided by 86400 x deals).
- **Time in stage** = the mean length of the stays in each stage that ended
  (were exited) in P, in hours; a deal still in a stage does not count for it.
- **Win/loss by reason**: the lost deals closed in P per loss reason, with
  their share of all losses in bp. **By competitor**: the deals closed in P on
  which a competitor was present (listed on the deal, or the one the deal was
  lost to): won, lost, win rate against them, and how many were lost to them.

Scope: a rep's figures cover only the deals they own (asking for another
rep's yields empty figures); managers and directors cover their regions;
executives every region. Another region's deals never enter an aggregate.

Nothing here knows about gRPC, HTTP, nameko or SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.kit.errors import InvalidArgument, Validator
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller
from services.kit.rounding import divide_half_up
from services.pipeline.domain.cases import ID_PATTERN, ID_RULE

BASIS_POINTS = 10_000
SECONDS_PER_HOUR = 3_600
SECONDS_PER_DAY = 86_400


def ratio_bp(part: int, whole: int) -> int:
    """part / whole in basis points, rounded half up; 0 when `whole` is 0."""
    return divide_half_up(part * BASIS_POINTS, whole) if whole else 0


def mean_half_up(total: int, count: int, unit: int = 1) -> int:
    """The mean of `count` values summing to `total`, in `unit`s, rounded half up; 0 if none."""
    return divide_half_up(total, count * unit) if count else 0


@dataclass(frozen=True)
class AnalyticsScope:
    """The opportunities a figure covers: the period, and the filters after scoping."""

    period: FiscalPeriod
    # None: every region; an empty set: none (a region outside the caller's reach).
    regions: frozenset[str] | None
    region: str
    team_id: str
    owner_id: str
    pipeline_id: str
    # True when the scope selects nothing at all (a rep asking for another rep).
    empty: bool = False


def analytics_scope(
    caller: Caller,
    calendar: FiscalCalendar,
    *,
    period: str,
    region: str = "",
    team_id: str = "",
    owner_id: str = "",
    pipeline_id: str = "",
    pipeline_required: bool = False,
) -> AnalyticsScope:
    """Check the filters and narrow them to what `caller` may see.

    InvalidArgument lists every bad filter (the period is required and must
    be a fiscal period code). A rep's figures are their own: their subject is
    the owner filter, and a request for another rep's figures selects nothing.
    """
    caller.require_reader()
    check = Validator()
    fiscal_period: FiscalPeriod | None = None
    if not period.strip():
        check.add("period", "is required: a fiscal period such as FY2027, FY2027-Q1 or FY2027-M03")
    else:
        try:
            fiscal_period = calendar.period(period.strip().upper(), "period")
        except InvalidArgument as malformed:
            check.violations.extend(malformed.violations)
    cleaned = {
        "team_id": team_id.strip(),
        "owner_id": owner_id.strip(),
        "pipeline_id": pipeline_id.strip(),
    }
    for name, value in cleaned.items():
        if value:
            check.check(bool(ID_PATTERN.match(value)), name, ID_RULE)
    if pipeline_required:
        check.check(bool(cleaned["pipeline_id"]), "pipeline_id", "is required for a funnel")
    check.raise_if_any()
    assert fiscal_period is not None
    requested_region = region.strip().upper()
    owner = cleaned["owner_id"]
    empty = False
    if caller.own_records_only:
        empty = bool(owner) and owner != caller.subject
        owner = caller.subject
    return AnalyticsScope(
        period=fiscal_period,
        regions=caller.readable_regions(requested_region),
        region=requested_region,
        team_id=cleaned["team_id"],
        owner_id=owner,
        pipeline_id=cleaned["pipeline_id"],
        empty=empty,
    )


@dataclass(frozen=True)
class FunnelStage:
    """A step of the funnel: an open stage or the won stage of a pipeline."""

    stage_id: str
    name: str
    position: int
    kind: str


@dataclass(frozen=True)
class FunnelStep:
    """How many of the cohort reached a stage, and how many of them went on to the next."""

    stage: FunnelStage
    reached: int
    conversion_to_next_bp: int | None


def funnel_steps(
    stages: Sequence[FunnelStage], deals_by_furthest_position: Mapping[int, int]
) -> list[FunnelStep]:
    """The funnel from how many deals got furthest to each position.

    `stages` are the pipeline's non-lost stages; `deals_by_furthest_position`
    maps a stage position to the number of deals whose furthest non-lost
    stage is at that position. A deal reached every stage up to its furthest.
    """
    ordered = sorted(stages, key=lambda s: s.position)
    reached = [
        sum(n for position, n in deals_by_furthest_position.items() if position >= stage.position)
        for stage in ordered
    ]
    steps = []
    for index, stage in enumerate(ordered):
        conversion = None
        if index + 1 < len(ordered) and reached[index]:
            conversion = ratio_bp(reached[index + 1], reached[index])
        steps.append(FunnelStep(stage, reached[index], conversion))
    return steps


@dataclass(frozen=True)
class CompetitorFigures:
    """Closed deals with one competitor present, and the win rate against them."""

    competitor: str
    won: int
    lost: int
    lost_to: int

    @property
    def deals(self) -> int:
        return self.won + self.lost

    @property
    def win_rate_bp(self) -> int:
        return ratio_bp(self.won, self.deals)


def rank_competitors(
    outcomes: Mapping[str, Mapping[str, int]], lost_to: Mapping[str, int]
) -> list[CompetitorFigures]:
    """Per competitor: won and lost deals (from `outcomes[name][status]`) and losses to them.

    Most deals first, then by name.
    """
    names = set(outcomes) | set(lost_to)
    figures = [
        CompetitorFigures(
            competitor=name,
            won=outcomes.get(name, {}).get("won", 0),
            lost=outcomes.get(name, {}).get("lost", 0),
            lost_to=lost_to.get(name, 0),
        )
        for name in names
    ]
    return sorted(figures, key=lambda f: (-f.deals, f.competitor))
