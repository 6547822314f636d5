"""The queries behind forecasts and their roll-up: the org tree, targets, pipeline and facts.

Other areas' tables (org units, people, plans, targets, allocations, sales
facts) are read here only, with Core constructs for the organisation's (so
this area does not depend on its models) and the shared models for the rest.

Attribution: a rep's forecast and open opportunities belong to the rep's
*current* team (the forecast's and the opportunity's recorded team when
planning does not know the rep), so submissions roll up the tree as it
stands; closed-won revenue belongs to the unit its sales fact names (the
rep's team when it was booked, see `models.facts`); a target belongs to the
unit or rep it was allocated to.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.kit.fiscal import FiscalPeriod
from services.planning.domain import forecasts as domain
from services.planning.models.facts import SalesFactRecord
from services.planning.models.forecasts import ForecastRecord, OpportunityCopyRecord
from services.planning.models.plans import AllocationRecord, PlanRecord, TargetRecord

org_units = sa.table(
    "org_units",
    sa.column("unit_id", sa.String),
    sa.column("name", sa.String),
    sa.column("parent_id", sa.String),
    sa.column("region", sa.String),
    sa.column("manager_id", sa.String),
)
people = sa.table(
    "people",
    sa.column("rep_id", sa.String),
    sa.column("name", sa.String),
    sa.column("team_unit_id", sa.String),
    sa.column("region", sa.String),
    sa.column("status", sa.String),
)
LEFT = "left"
# Plans whose targets a roll-up shows, in order of preference.
TARGET_PLAN_STATUSES = ("active", "approved")
REVENUE = "revenue"
UNIT, REP = "unit", "rep"


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    parent_id: str | None
    region: str
    manager_id: str


@dataclass(frozen=True)
class Person:
    rep_id: str
    name: str
    team_unit_id: str
    region: str
    status: str


@dataclass(frozen=True)
class OrgTree:
    """Every org unit, by id, and each unit's child units (sorted)."""

    units: dict[str, Unit]
    children: dict[str, list[str]]

    def subtree(self, unit_id: str) -> list[str]:
        return domain.subtree(unit_id, self.children)

    def managers_above(self, unit_id: str) -> list[str]:
        """The managers of `unit_id` and of every unit above it, nearest first."""
        parent_of = {u.unit_id: u.parent_id for u in self.units.values()}
        return [
            self.units[u].manager_id
            for u in domain.ancestors(unit_id, parent_of)
            if u in self.units and self.units[u].manager_id
        ]


def load_tree(session: Session) -> OrgTree:
    units = {
        row.unit_id: Unit(row.unit_id, row.name, row.parent_id, row.region, row.manager_id or "")
        for row in session.execute(
            sa.select(
                org_units.c.unit_id,
                org_units.c.name,
                org_units.c.parent_id,
                org_units.c.region,
                org_units.c.manager_id,
            )
        )
    }
    children: dict[str, list[str]] = {}
    for unit in units.values():
        if unit.parent_id:
            children.setdefault(unit.parent_id, []).append(unit.unit_id)
    for kids in children.values():
        kids.sort()
    return OrgTree(units, children)


def _person(row: sa.Row[tuple[str, str, str, str, str]]) -> Person:
    return Person(row.rep_id, row.name, row.team_unit_id, row.region, row.status)


def _people_query() -> sa.Select[tuple[str, str, str, str, str]]:
    return sa.select(
        people.c.rep_id, people.c.name, people.c.team_unit_id, people.c.region, people.c.status
    )


def person(session: Session, rep_id: str, *, lock: bool = False) -> Person | None:
    query = _people_query().where(people.c.rep_id == rep_id)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).first()
    return _person(row) if row is not None else None


def people_by_id(session: Session, rep_ids: Collection[str]) -> dict[str, Person]:
    if not rep_ids:
        return {}
    return {
        p.rep_id: p
        for p in map(
            _person, session.execute(_people_query().where(people.c.rep_id.in_(sorted(rep_ids))))
        )
    }


def members(session: Session, unit_ids: Collection[str]) -> list[Person]:
    """People (not left) whose team is one of `unit_ids`, by id."""
    if not unit_ids:
        return []
    query = (
        _people_query()
        .where(people.c.team_unit_id.in_(sorted(unit_ids)), people.c.status != LEFT)
        .order_by(people.c.rep_id)
    )
    return [_person(row) for row in session.execute(query)]


def _in_regions(
    column: InstrumentedAttribute[str], regions: frozenset[str] | None
) -> sa.ColumnElement[bool]:
    return sa.true() if regions is None else column.in_(sorted(regions))


@dataclass(frozen=True)
class Attributed:
    """A record with the rep and unit it counts for."""

    rep_id: str
    unit_id: str


@dataclass(frozen=True)
class ForecastRow(Attributed):
    fact: domain.ForecastFact


@dataclass(frozen=True)
class OpportunityRow(Attributed):
    opportunity: domain.OpenOpportunity


@dataclass(frozen=True)
class ClosedWonRow(Attributed):
    currency: str
    amount_minor: int


def submitted_figures(record: ForecastRecord) -> domain.Figures:
    return domain.Figures(
        record.currency, record.commit_minor, record.best_case_minor, record.pipeline_minor
    )


def adjusted_figures(record: ForecastRecord) -> domain.Figures | None:
    if record.adjusted_commit_minor is None:
        return None
    return domain.Figures(
        record.currency,
        record.adjusted_commit_minor,
        record.adjusted_best_case_minor or 0,
        record.adjusted_pipeline_minor or 0,
    )


def _current_team(known: dict[str, Person], rep_id: str, recorded: str) -> str:
    found = known.get(rep_id)
    return found.team_unit_id if found is not None else recorded


@dataclass(frozen=True)
class RollUpData:
    """The records a roll-up over a set of units and reps draws from."""

    forecasts: list[ForecastRow]
    opportunities: list[OpportunityRow]
    closed_won: list[ClosedWonRow]
    submitted_reps: frozenset[str]


def period_dates(period: FiscalPeriod) -> tuple[date, date]:
    """The period's first day and the first day after it."""
    return period.starts_at.date(), period.ends_at.date()


def roll_up_data(
    session: Session,
    period: FiscalPeriod,
    *,
    unit_ids: Collection[str],
    rep_ids: Collection[str],
    regions: frozenset[str] | None,
) -> RollUpData:
    """Forecasts, open opportunities closing in `period` and closed-won facts booked in it.

    Every record of a rep in `rep_ids`, or whose (current) team is in
    `unit_ids`, within the caller's `regions` (None: all).
    """
    units = sorted(unit_ids)
    reps = sorted(rep_ids)
    first_day, after = period_dates(period)

    forecast_records = list(
        session.scalars(
            sa.select(ForecastRecord).where(
                ForecastRecord.period_code == period.code,
                _in_regions(ForecastRecord.region, regions),
                sa.or_(ForecastRecord.unit_id.in_(units), ForecastRecord.rep_id.in_(reps)),
            )
        )
    )
    opportunity_records = list(
        session.scalars(
            sa.select(OpportunityCopyRecord).where(
                OpportunityCopyRecord.status == "open",
                OpportunityCopyRecord.expected_close_date >= first_day,
                OpportunityCopyRecord.expected_close_date < after,
                _in_regions(OpportunityCopyRecord.region, regions),
                sa.or_(
                    OpportunityCopyRecord.team_id.in_(units),
                    OpportunityCopyRecord.owner_id.in_(reps),
                ),
            )
        )
    )
    # A rep who moved team still counts where they are now: look up every owner.
    owners = {r.rep_id for r in forecast_records} | {o.owner_id for o in opportunity_records}
    known = people_by_id(session, owners)
    # ...and the records of reps now in these units but recorded under another team.
    asked = set(reps)
    movers = [p.rep_id for p in members(session, units) if p.rep_id not in asked]
    if movers:
        forecast_records += session.scalars(
            sa.select(ForecastRecord).where(
                ForecastRecord.period_code == period.code,
                _in_regions(ForecastRecord.region, regions),
                ForecastRecord.rep_id.in_(movers),
                ForecastRecord.unit_id.not_in(units),
            )
        )
        opportunity_records += session.scalars(
            sa.select(OpportunityCopyRecord).where(
                OpportunityCopyRecord.status == "open",
                OpportunityCopyRecord.expected_close_date >= first_day,
                OpportunityCopyRecord.expected_close_date < after,
                _in_regions(OpportunityCopyRecord.region, regions),
                OpportunityCopyRecord.owner_id.in_(movers),
                OpportunityCopyRecord.team_id.not_in(units),
            )
        )
        known.update(people_by_id(session, movers))

    forecasts = [
        ForecastRow(
            r.rep_id,
            _current_team(known, r.rep_id, r.unit_id),
            domain.ForecastFact(submitted_figures(r), adjusted_figures(r)),
        )
        for r in forecast_records
    ]
    opportunities = [
        OpportunityRow(
            o.owner_id,
            _current_team(known, o.owner_id, o.team_id),
            domain.OpenOpportunity(
                o.currency, o.amount_minor, o.probability_bp, o.forecast_category
            ),
        )
        for o in opportunity_records
    ]
    closed = [
        ClosedWonRow(row.rep_id, row.unit_id, row.currency, int(row.amount or 0))
        for row in session.execute(
            sa.select(
                SalesFactRecord.rep_id,
                SalesFactRecord.unit_id,
                SalesFactRecord.currency,
                sa.func.sum(SalesFactRecord.amount_minor).label("amount"),
            )
            .where(
                SalesFactRecord.booked_on >= first_day,
                SalesFactRecord.booked_on < after,
                _in_regions(SalesFactRecord.region, regions),
                sa.or_(SalesFactRecord.unit_id.in_(units), SalesFactRecord.rep_id.in_(reps)),
            )
            .group_by(SalesFactRecord.rep_id, SalesFactRecord.unit_id, SalesFactRecord.currency)
        )
    ]
    return RollUpData(
        forecasts, opportunities, closed, frozenset(r.rep_id for r in forecast_records)
    )


@dataclass(frozen=True)
class TargetShare:
    currency: str
    amount_minor: int


def revenue_targets(
    session: Session,
    period_code: str,
    *,
    unit_ids: Iterable[str],
    rep_ids: Iterable[str],
    regions: frozenset[str] | None,
) -> dict[tuple[str, str], TargetShare]:
    """Each subject's (("unit", id) or ("rep", id)) share of the period's revenue target.

    The revenue targets that cover every product line (empty product line) of
    the period's active or approved plans: a unit's share is its allocation,
    or the target itself when the plan is the unit's own; a rep's is theirs.
    Where several plans give a subject a share, an active plan wins over an
    approved one, then the unit's own plan over an allocation from above, then
    the latest version.
    """
    units, reps = sorted(set(unit_ids)), sorted(set(rep_ids))
    plans = {
        p.plan_id: p
        for p in session.scalars(
            sa.select(PlanRecord).where(
                PlanRecord.period_code == period_code,
                PlanRecord.status.in_(TARGET_PLAN_STATUSES),
                _in_regions(PlanRecord.region, regions),
            )
        )
    }
    if not plans:
        return {}
    targets = {
        t.target_id: t
        for t in session.scalars(
            sa.select(TargetRecord).where(
                TargetRecord.plan_id.in_(sorted(plans)),
                TargetRecord.metric == REVENUE,
                TargetRecord.product_line == "",
            )
        )
    }
    # subject -> (preference key, share); the smallest key wins.
    best: dict[tuple[str, str], tuple[tuple[int, int, int], TargetShare]] = {}

    def offer(subject: tuple[str, str], plan: PlanRecord, own: bool, value: int) -> None:
        key = (
            TARGET_PLAN_STATUSES.index(plan.status),
            0 if own else 1,
            -plan.plan_version,
        )
        if subject not in best or key < best[subject][0]:
            best[subject] = (key, TargetShare(plan.currency, value))

    for target in targets.values():
        plan = plans[target.plan_id]
        if plan.org_unit_id in units:
            offer((UNIT, plan.org_unit_id), plan, True, target.value)
    if targets:
        for allocation in session.scalars(
            sa.select(AllocationRecord).where(
                AllocationRecord.target_id.in_(sorted(targets)),
                sa.or_(AllocationRecord.unit_id.in_(units), AllocationRecord.rep_id.in_(reps)),
            )
        ):
            subject = (UNIT, allocation.unit_id) if allocation.unit_id else (REP, allocation.rep_id)
            offer(subject, plans[allocation.plan_id], False, allocation.value)
    return {subject: share for subject, (_, share) in best.items()}
