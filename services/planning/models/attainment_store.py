"""Attainment queries: targets of a unit or rep, actuals from sales facts, FX, and the marks.

Which targets a subject has in a period: the plans of that period that are
approved, active or closed, one per org unit (its latest such version). A
rep's target is the allocation of a plan target to that rep; a unit's is the
allocation to that unit, or the plan target itself when the plan is the
unit's own. Actuals are the `sales_facts` booked in the period up to the
instant asked about: a rep's by `rep_id`, a unit's over every unit of its
subtree. Revenue is summed per currency first and each currency's total is
converted once into the plan's currency (so a cancellation nets to exactly
zero). Metrics with data here: revenue, units and new_customers (a product
line narrows revenue and units; a customer is new whatever it bought).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from salesops.events.v1 import planning_attainment_events_pb2 as events
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.errors import FailedPrecondition
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.outbox import record_event
from services.planning.domain import attainment as domain
from services.planning.domain.attainment import AttainmentLine
from services.planning.domain.plans import Metric, PlanStatus
from services.planning.models.attainment import AttainmentMarkRecord, FxRateRecord
from services.planning.models.facts import SalesFactRecord
from services.planning.models.organisation import OrgUnitRecord, PersonRecord
from services.planning.models.plans import AllocationRecord, PlanRecord, TargetRecord

log = logging.getLogger(__name__)

# Plans whose targets count: approved (locked) or later.
COUNTING_STATUSES = (PlanStatus.APPROVED.value, PlanStatus.ACTIVE.value, PlanStatus.CLOSED.value)
# Plans a pace checkpoint watches.
WATCHED_STATUSES = (PlanStatus.APPROVED.value, PlanStatus.ACTIVE.value)
# Metrics whose actuals planning books from facts.
MEASURED_METRICS = (Metric.REVENUE.value, Metric.UNITS.value, Metric.NEW_CUSTOMERS.value)
UNIT, REP = "u:", "r:"
ATTAINED, BEHIND_PACE = "attained", "behind_pace"

Convert = Callable[[int, str, str], int]


def fx_converter(
    session: Session, period_code: str, calendar: FiscalCalendar
) -> Callable[[int, str, str], int]:
    """convert(amount_minor, from_currency, to_currency) -> amount_minor in to_currency.

    FailedPrecondition naming the pair and period when there is no rate.
    A month without its own rate uses its quarter's, then its year's; a
    quarter uses its year's. Rounding is half up, once per conversion.
    """
    code = calendar.period(period_code, "period_code").code
    chain = domain.enclosing_periods(code)
    rates: dict[tuple[str, str, str], str] = {
        (r.period_code, r.from_currency, r.to_currency): r.rate
        for r in session.scalars(sa.select(FxRateRecord).where(FxRateRecord.period_code.in_(chain)))
    }

    def convert(amount_minor: int, from_currency: str, to_currency: str) -> int:
        if from_currency == to_currency:
            return amount_minor
        for period in chain:
            rate = rates.get((period, from_currency, to_currency))
            if rate is not None:
                return domain.convert(
                    amount_minor, domain.parse_rate(rate), from_currency, to_currency
                )
        raise FailedPrecondition.of(
            "FX_RATE",
            f"fx-rates/{code}/{from_currency}/{to_currency}",
            f"no exchange rate from {from_currency} to {to_currency} for {code}"
            + (f" (nor for {', '.join(chain[1:])})" if len(chain) > 1 else "")
            + "; an admin sets one with PUT /v1/fx-rates/{period}/{from}/{to}",
        )

    return convert


@dataclass(frozen=True)
class SubjectTarget:
    """A target as it applies to one subject: the plan, the target, and the subject's value."""

    plan: PlanRecord
    target: TargetRecord
    value: int


def counting_plans(session: Session, period_code: str, statuses: Iterable[str]) -> list[PlanRecord]:
    """Per org unit, the latest version among its plans of `period_code` in `statuses`."""
    latest: dict[str, PlanRecord] = {}
    for plan in session.scalars(
        sa.select(PlanRecord).where(
            PlanRecord.period_code == period_code, PlanRecord.status.in_(list(statuses))
        )
    ):
        kept = latest.get(plan.org_unit_id)
        if kept is None or plan.plan_version > kept.plan_version:
            latest[plan.org_unit_id] = plan
    return sorted(latest.values(), key=lambda p: p.plan_id)


def subject_targets(
    session: Session,
    period_code: str,
    *,
    unit_id: str = "",
    rep_id: str = "",
    statuses: Iterable[str] = COUNTING_STATUSES,
) -> list[SubjectTarget]:
    """The measured targets a unit or a rep has in a period (see the module docstring)."""
    plans = {p.plan_id: p for p in counting_plans(session, period_code, statuses)}
    if not plans:
        return []
    query = sa.select(TargetRecord).where(
        TargetRecord.plan_id.in_(sorted(plans)), TargetRecord.metric.in_(MEASURED_METRICS)
    )
    targets = {t.target_id: t for t in session.scalars(query)}
    found: list[SubjectTarget] = []
    if unit_id:
        for target in targets.values():
            if plans[target.plan_id].org_unit_id == unit_id:
                found.append(SubjectTarget(plans[target.plan_id], target, target.value))
    if targets:
        allocations = sa.select(AllocationRecord).where(
            AllocationRecord.target_id.in_(sorted(targets))
        )
        if rep_id:
            allocations = allocations.where(AllocationRecord.rep_id == rep_id)
        else:
            allocations = allocations.where(
                AllocationRecord.unit_id == unit_id, AllocationRecord.rep_id == ""
            )
        for allocation in session.scalars(allocations.order_by(AllocationRecord.created_at)):
            target = targets[allocation.target_id]
            # The latest allocation of a target to the subject replaces earlier ones.
            found = [f for f in found if f.target.target_id != target.target_id]
            found.append(SubjectTarget(plans[target.plan_id], target, allocation.value))
    return sorted(found, key=lambda f: (f.target.metric, f.target.product_line, f.target.target_id))


def org_children(session: Session) -> dict[str, list[str]]:
    """Unit id -> its child unit ids."""
    children: dict[str, list[str]] = {}
    for unit_id, parent_id in session.execute(
        sa.select(OrgUnitRecord.unit_id, OrgUnitRecord.parent_id).where(
            OrgUnitRecord.parent_id.is_not(None)
        )
    ):
        children.setdefault(parent_id, []).append(unit_id)
    return children


def unit_subtree(session: Session, unit_id: str) -> list[str]:
    """The unit and every unit below it."""
    children = org_children(session)
    seen = [unit_id]
    stack = [unit_id]
    while stack:
        for kid in children.get(stack.pop(), ()):
            if kid not in seen:
                seen.append(kid)
                stack.append(kid)
    return seen


def unit_ancestors(session: Session, unit_id: str) -> list[str]:
    """The unit and every unit above it, nearest first."""
    parents = {
        unit: parent
        for unit, parent in session.execute(
            sa.select(OrgUnitRecord.unit_id, OrgUnitRecord.parent_id)
        )
    }
    chain: list[str] = []
    current: str | None = unit_id
    while current and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def _booked_until(period: FiscalPeriod, as_of: datetime) -> date:
    """The last booking day counted: the day of `as_of`, within the period."""
    last_day = period.ends_at.date() - timedelta(days=1)
    return min(as_of.astimezone(UTC).date(), last_day)


def _actual(
    session: Session,
    target: TargetRecord,
    plan: PlanRecord,
    subject: sa.ColumnElement[bool],
    period: FiscalPeriod,
    as_of: datetime,
    convert: Convert,
) -> int:
    where = [
        subject,
        SalesFactRecord.booked_on >= period.starts_at.date(),
        SalesFactRecord.booked_on <= _booked_until(period, as_of),
    ]
    if target.product_line and target.metric != Metric.NEW_CUSTOMERS.value:
        where.append(SalesFactRecord.product_line == target.product_line)
    if target.metric == Metric.REVENUE.value:
        total = 0
        for currency, amount in session.execute(
            sa.select(SalesFactRecord.currency, sa.func.sum(SalesFactRecord.amount_minor))
            .where(*where)
            .group_by(SalesFactRecord.currency)
            .order_by(SalesFactRecord.currency)
        ):
            total += convert(int(amount or 0), currency, plan.currency)
        return total
    column = (
        SalesFactRecord.quantity
        if target.metric == Metric.UNITS.value
        else SalesFactRecord.new_customers
    )
    return int(session.scalar(sa.select(sa.func.sum(column)).where(*where)) or 0)


def _subject_filter(session: Session, unit_id: str, rep_id: str) -> sa.ColumnElement[bool]:
    if rep_id:
        return SalesFactRecord.rep_id == rep_id
    return SalesFactRecord.unit_id.in_(unit_subtree(session, unit_id))


def line_for(
    session: Session,
    found: SubjectTarget,
    subject: sa.ColumnElement[bool],
    period: FiscalPeriod,
    as_of: datetime,
    convert: Convert,
    behind_pace_bp: int,
) -> AttainmentLine:
    """One target's line for a subject whose facts `subject` selects."""
    target, plan = found.target, found.plan
    actual = _actual(session, target, plan, subject, period, as_of, convert)
    return domain.attainment_line(
        metric=target.metric,
        product_line=target.product_line,
        currency=plan.currency if target.metric == Metric.REVENUE.value else "",
        target=found.value,
        actual=actual,
        period=period,
        as_of=as_of,
        behind_pace_bp=behind_pace_bp,
        target_id=target.target_id,
        plan_id=plan.plan_id,
        region=plan.region,
    )


def attainment_for(
    session: Session,
    calendar: FiscalCalendar,
    *,
    unit_id: str = "",
    rep_id: str = "",
    period_code: str,
    as_of: datetime,
) -> list[AttainmentLine]:
    """The subject's own lines (no children)."""
    period = calendar.period(period_code, "period_code")
    found = subject_targets(session, period.code, unit_id=unit_id, rep_id=rep_id)
    if not found:
        return []
    convert = fx_converter(session, period.code, calendar)
    subject = _subject_filter(session, unit_id, rep_id)
    behind_bp = domain.behind_pace_bp_from_env()
    return [line_for(session, f, subject, period, as_of, convert, behind_bp) for f in found]


def child_subjects(session: Session, unit_id: str) -> tuple[list[str], list[str]]:
    """One level under a unit: its child unit ids and the reps of its team (not those who left)."""
    units = sorted(
        session.scalars(sa.select(OrgUnitRecord.unit_id).where(OrgUnitRecord.parent_id == unit_id))
    )
    reps = sorted(
        session.scalars(
            sa.select(PersonRecord.rep_id).where(
                PersonRecord.team_unit_id == unit_id, PersonRecord.status != "left"
            )
        )
    )
    return units, reps


def _subject_key(unit_id: str, rep_id: str) -> str:
    return REP + rep_id if rep_id else UNIT + unit_id


def _event_fields(
    line: AttainmentLine, period_code: str, unit_id: str, rep_id: str
) -> dict[str, object]:
    return {
        "target_id": line.target_id,
        "plan_id": line.plan_id,
        "period_code": period_code,
        "metric": line.metric,
        "product_line": line.product_line,
        "unit_id": unit_id,
        "rep_id": rep_id,
        "region": line.region,
        "currency": line.currency,
        "target": line.target,
        "actual": line.actual,
        "expected": line.expected,
        "percent_bp": line.percent_bp,
    }


def check_targets_attained(
    session: Session,
    calendar: FiscalCalendar,
    subjects: Iterable[tuple[str, str]],
    booked_on: Iterable[date],
) -> int:
    """Emit `planning.target.attained` for each (unit_id, rep_id) subject that reached a target.

    Looks at the year, quarter and month of every booking day, counting every
    fact booked in the period. Once per target and subject while it stays
    attained: a cancellation that drops it below clears the mark, so
    reaching 100% again emits again. A target whose FX rate is missing is
    skipped (logged) rather than failing the event. Returns events written.
    """
    codes = sorted(
        {p.code for day in booked_on for p in calendar.periods_containing(_instant(day))}
    )
    written = 0
    for code in codes:
        period = calendar.period(code)
        end = period.ends_at - timedelta(microseconds=1)
        for unit_id, rep_id in sorted(set(subjects)):
            found = subject_targets(session, code, unit_id=unit_id, rep_id=rep_id)
            if not found:
                continue
            key = _subject_key(unit_id, rep_id)
            subject = _subject_filter(session, unit_id, rep_id)
            convert = fx_converter(session, code, calendar)
            for item in found:
                try:
                    line = line_for(
                        session, item, subject, period, end, convert, domain.DEFAULT_BEHIND_PACE_BP
                    )
                except FailedPrecondition as missing:
                    log.warning("attainment of %s in %s not checked: %s", key, code, missing)
                    continue
                mark = session.get(AttainmentMarkRecord, (ATTAINED, line.target_id, key, ""))
                reached = line.target > 0 and line.actual >= line.target
                if reached and mark is None:
                    envelope = record_event(
                        session,
                        "planning.target.attained",
                        events.TargetAttained(**_event_fields(line, code, unit_id, rep_id)),  # type: ignore[arg-type]
                        region=line.region,
                        caller=None,
                    )
                    session.add(
                        AttainmentMarkRecord(
                            kind=ATTAINED,
                            target_id=line.target_id,
                            subject=key,
                            mark_key="",
                            event_id=envelope["event_id"],
                            recorded_at=utcnow(),
                        )
                    )
                    written += 1
                elif not reached and mark is not None:
                    session.delete(mark)
    session.flush()
    return written


def _instant(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class BehindPace:
    """A subject reported behind pace at a checkpoint."""

    target_id: str
    unit_id: str
    rep_id: str
    period_code: str
    line: AttainmentLine


def watched_plan_ids(session: Session, calendar: FiscalCalendar, as_of: datetime) -> list[str]:
    """The plans a checkpoint at `as_of` looks at (see `run_pace_checkpoint`)."""
    return sorted(
        plan.plan_id
        for period in calendar.periods_containing(as_of.astimezone(UTC))
        for plan in counting_plans(session, period.code, WATCHED_STATUSES)
    )


def run_pace_checkpoint(
    session: Session,
    calendar: FiscalCalendar,
    as_of: datetime,
    behind_pace_bp: int,
    *,
    plan_ids: Collection[str] | None = None,
) -> list[BehindPace]:
    """Emit `planning.attainment.behind_pace` for every subject below its share of pace at `as_of`.

    Watches the approved and active plans (latest version per unit) of the
    year, quarter and month containing `as_of`: the plan's own unit and each
    unit and rep the target was allocated to. At most once per subject,
    target and checkpoint day (the `attainment_marks` table). A subject whose
    FX rate is missing is skipped and logged. `plan_ids` narrows the run to
    some of those plans (the worker checks one plan per transaction).
    """
    day = as_of.astimezone(UTC).date().isoformat()
    reported: list[BehindPace] = []
    for period in calendar.periods_containing(as_of.astimezone(UTC)):
        plans = {
            p.plan_id: p
            for p in counting_plans(session, period.code, WATCHED_STATUSES)
            if plan_ids is None or p.plan_id in plan_ids
        }
        if not plans:
            continue
        convert = fx_converter(session, period.code, calendar)
        targets = list(
            session.scalars(
                sa.select(TargetRecord)
                .where(
                    TargetRecord.plan_id.in_(sorted(plans)),
                    TargetRecord.metric.in_(MEASURED_METRICS),
                )
                .order_by(TargetRecord.target_id)
            )
        )
        for target in targets:
            plan = plans[target.plan_id]
            subjects = [(plan.org_unit_id, "", target.value)]
            subjects += [
                (a.unit_id, a.rep_id, a.value)
                for a in session.scalars(
                    sa.select(AllocationRecord)
                    .where(AllocationRecord.target_id == target.target_id)
                    .order_by(AllocationRecord.rep_id, AllocationRecord.unit_id)
                )
            ]
            for unit_id, rep_id, value in subjects:
                key = _subject_key(unit_id, rep_id)
                if session.get(AttainmentMarkRecord, (BEHIND_PACE, target.target_id, key, day)):
                    continue
                try:
                    line = line_for(
                        session,
                        SubjectTarget(plan, target, value),
                        _subject_filter(session, unit_id, rep_id),
                        period,
                        as_of,
                        convert,
                        behind_pace_bp,
                    )
                except FailedPrecondition as missing:
                    log.warning("pace of %s in %s not checked: %s", key, period.code, missing)
                    continue
                if not domain.is_behind_pace(line, behind_pace_bp):
                    continue
                envelope = record_event(
                    session,
                    "planning.attainment.behind_pace",
                    events.AttainmentBehindPace(
                        **_event_fields(line, period.code, unit_id, rep_id),  # type: ignore[arg-type]
                        pace_bp=line.pace_bp,
                        behind_pace_bp=behind_pace_bp,
                        checkpoint_date=day,
                    ),
                    region=plan.region,
                    caller=None,
                )
                session.add(
                    AttainmentMarkRecord(
                        kind=BEHIND_PACE,
                        target_id=target.target_id,
                        subject=key,
                        mark_key=day,
                        event_id=envelope["event_id"],
                        recorded_at=utcnow(),
                    )
                )
                reported.append(BehindPace(target.target_id, unit_id, rep_id, period.code, line))
    session.flush()
    return reported
