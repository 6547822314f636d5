"""How each KPI source is measured for a rep and fiscal period, from the fact store.

Days are half-open, `[first day, day after the last)`, as `fact_store` reads
them:

- revenue_attainment: the rep's credits of the period (direct, overlay and
  reversals, so a clawback lowers it) in the revenue quota's currency, against
  that quota; credits in another currency are not converted (the performance
  service keeps no FX rates) and the note says so.
- new_customers: the sum of NEW_CUSTOMER quantities (a cancelled first
  contract gives -1).
- win_rate: OPPORTUNITY_WON / (WON + LOST) facts of the period, in basis points.
- activity_volume: distinct activities (ACTIVITY facts) of the period.
- average_csat: the mean of the period's CSAT answers (SATISFACTION facts not
  marked "nps"), in hundredths, half up.
- training_compliance: the share of the KPI's required items met at the
  period's end (or now, for a running period): a course code is met by a
  COURSE_COMPLETED fact for it at any time before; `cert:<line>` by a
  certification for that product line whose latest fact is
  CERTIFICATION_GRANTED (a later CERTIFICATION_LAPSED unmeets it); `cert:*`
  by any such certification.
- pipeline_coverage: the rep's open opportunities (`opportunity_states`)
  expected to close within the period, in the quota currency, over the
  remaining revenue quota (quota - credited); with nothing left to cover the
  KPI scores as if at its stretch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.fiscal import FiscalPeriod
from services.kit.rounding import BASIS_POINTS, divide_half_up
from services.performance.domain.kpis import (
    ANY_CERTIFICATION,
    CERTIFICATION_PREFIX,
    QUOTA_METRIC,
    KpiDefinition,
    KpiSource,
    TargetKind,
    threshold_value,
)
from services.performance.domain.scorecards import Measure
from services.performance.models.fact_store import credits_for, facts_for, quota_for
from services.performance.models.facts import FactKind, OpportunityStateRecord, QuotaRecord

MINOR_UNITS = "minor_units"
COUNT = "count"
BASIS_POINTS_UNIT = "basis_points"
CSAT_HUNDREDTHS = "csat_hundredths"
UNIT_OF: dict[KpiSource, str] = {
    KpiSource.REVENUE_ATTAINMENT: MINOR_UNITS,
    KpiSource.NEW_CUSTOMERS: COUNT,
    KpiSource.WIN_RATE: BASIS_POINTS_UNIT,
    KpiSource.ACTIVITY_VOLUME: COUNT,
    KpiSource.AVERAGE_CSAT: CSAT_HUNDREDTHS,
    KpiSource.TRAINING_COMPLIANCE: BASIS_POINTS_UNIT,
    KpiSource.PIPELINE_COVERAGE: BASIS_POINTS_UNIT,
}
# Training facts count from any time before the period's end.
BEGINNING = date(1970, 1, 1)


@dataclass(frozen=True)
class PeriodSpan:
    """A fiscal period as the fact store reads it: its code and half-open days."""

    period: FiscalPeriod

    @property
    def code(self) -> str:
        return self.period.code

    @property
    def starts_on(self) -> date:
        return self.period.starts_at.date()

    @property
    def ends_on(self) -> date:
        return self.period.ends_at.date()


class KpiMeasurer:
    """Measures one rep's KPIs for one period (each quota read once)."""

    def __init__(self, session: Session, rep_id: str, span: PeriodSpan) -> None:
        self.session = session
        self.rep_id = rep_id
        self.span = span
        self._quotas: dict[str, QuotaRecord | None] = {}

    def quota(self, metric: str) -> QuotaRecord | None:
        if metric not in self._quotas:
            self._quotas[metric] = quota_for(self.session, self.rep_id, self.span.code, metric)
        return self._quotas[metric]

    def facts(self, *kinds: FactKind, since: date | None = None) -> list[FactKindRow]:
        rows = facts_for(
            self.session,
            self.rep_id,
            [k.value for k in kinds],
            since or self.span.starts_on,
            self.span.ends_on,
        )
        return [FactKindRow(r.kind, r.subject_id, r.quantity, r.score, r.detail) for r in rows]

    def credited(self, currency: str) -> tuple[int, list[str]]:
        """Net credited revenue in `currency`, and the other currencies left out."""
        total = 0
        others: set[str] = set()
        for credit in credits_for(
            self.session, self.rep_id, self.span.starts_on, self.span.ends_on
        ):
            if credit.currency == currency:
                total += credit.amount_minor
            else:
                others.add(credit.currency)
        return total, sorted(others)

    def target(self, kpi: KpiDefinition) -> tuple[int | None, str]:
        """The KPI's target in its unit (None when the quota is missing), and the quota currency."""
        if kpi.target_kind == TargetKind.FIXED:
            return kpi.target_value, ""
        quota = self.quota(QUOTA_METRIC[kpi.source])
        if quota is None:
            return None, ""
        amount = (
            quota.amount_minor if kpi.source == KpiSource.REVENUE_ATTAINMENT else quota.quantity
        )
        return amount, quota.currency

    def measure(self, kpi: KpiDefinition) -> Measure:
        unit = UNIT_OF[kpi.source]
        target, currency = self.target(kpi)
        if target is None:
            metric = QUOTA_METRIC[kpi.source]
            return Measure(None, None, unit, note=f"no {metric} quota for {self.span.code}")
        source = kpi.source
        if source == KpiSource.REVENUE_ATTAINMENT:
            value, others = self.credited(currency)
            note = f"credits in {', '.join(others)} are not counted" if others else ""
            return Measure(value, target, unit, currency, note)
        if source == KpiSource.NEW_CUSTOMERS:
            value = sum(f.quantity for f in self.facts(FactKind.NEW_CUSTOMER))
            return Measure(value, target, unit)
        if source == KpiSource.ACTIVITY_VOLUME:
            value = len({f.subject_id for f in self.facts(FactKind.ACTIVITY)})
            return Measure(value, target, unit)
        if source == KpiSource.WIN_RATE:
            closed = self.facts(FactKind.OPPORTUNITY_WON, FactKind.OPPORTUNITY_LOST)
            won = sum(1 for f in closed if f.kind == FactKind.OPPORTUNITY_WON)
            if not closed:
                return Measure(None, target, unit, note="no opportunity closed in the period")
            note = f"{won} won of {len(closed)} closed"
            return Measure(divide_half_up(won * BASIS_POINTS, len(closed)), target, unit, "", note)
        if source == KpiSource.AVERAGE_CSAT:
            answers = [f.score for f in self.facts(FactKind.SATISFACTION) if f.detail != "nps"]
            if not answers:
                return Measure(None, target, unit, note="no CSAT answer in the period")
            note = f"{len(answers)} answer(s)"
            return Measure(divide_half_up(sum(answers) * 100, len(answers)), target, unit, "", note)
        if source == KpiSource.TRAINING_COMPLIANCE:
            return self.training(kpi, target)
        return self.coverage(kpi, target)

    def training(self, kpi: KpiDefinition, target: int) -> Measure:
        history = self.facts(
            FactKind.COURSE_COMPLETED,
            FactKind.CERTIFICATION_GRANTED,
            FactKind.CERTIFICATION_LAPSED,
            since=BEGINNING,
        )
        courses = {f.detail for f in history if f.kind == FactKind.COURSE_COMPLETED}
        latest: dict[str, FactKindRow] = {}
        for fact in history:  # in occurrence order: the last one per certification wins
            if fact.kind != FactKind.COURSE_COMPLETED:
                latest[fact.subject_id] = fact
        valid_lines = {
            f.detail for f in latest.values() if f.kind == FactKind.CERTIFICATION_GRANTED
        }
        met = []
        for item in kpi.required_training:
            if item == ANY_CERTIFICATION:
                ok = bool(valid_lines)
            elif item.startswith(CERTIFICATION_PREFIX):
                ok = item.removeprefix(CERTIFICATION_PREFIX) in valid_lines
            else:
                ok = item in courses
            if ok:
                met.append(item)
        required = len(kpi.required_training)
        value = divide_half_up(len(met) * BASIS_POINTS, required)
        return Measure(value, target, UNIT_OF[kpi.source], "", f"{len(met)} of {required} met")

    def coverage(self, kpi: KpiDefinition, target: int) -> Measure:
        unit = UNIT_OF[kpi.source]
        quota = self.quota("revenue")
        if quota is None or quota.amount_minor <= 0:
            return Measure(None, target, unit, note=f"no revenue quota for {self.span.code}")
        credited, _ = self.credited(quota.currency)
        remaining = quota.amount_minor - credited
        if remaining <= 0:
            stretch = threshold_value(target, kpi.thresholds.stretch_bp)
            return Measure(stretch, target, unit, "", "quota met: nothing left to cover")
        pipeline = (
            self.session.scalar(
                sa.select(
                    sa.func.coalesce(sa.func.sum(OpportunityStateRecord.amount_minor), 0)
                ).where(
                    OpportunityStateRecord.owner_id == self.rep_id,
                    OpportunityStateRecord.status == "open",
                    OpportunityStateRecord.currency == quota.currency,
                    OpportunityStateRecord.expected_close_date >= self.span.starts_on,
                    OpportunityStateRecord.expected_close_date < self.span.ends_on,
                )
            )
            or 0
        )
        note = f"open pipeline {pipeline} over remaining quota {remaining} {quota.currency}"
        return Measure(
            divide_half_up(int(pipeline) * BASIS_POINTS, remaining), target, unit, "", note
        )


@dataclass(frozen=True)
class FactKindRow:
    """The few fields of a fact the KPIs read."""

    kind: str
    subject_id: str
    quantity: int
    score: int
    detail: str
