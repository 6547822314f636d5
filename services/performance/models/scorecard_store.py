"""Scorecards from the fact store: live and published cards, publishing, gaps, scope.

- `live_card` scores the rep's KPI set in effect (by role and region) with
  what `kpi_measures.KpiMeasurer` measures; `publish_card` stores it once
  (immutable), emits `performance.scorecard.published` and the card's gaps.
- `emit_gaps` / `scan_live_gaps`: `performance.gap.detected` once per rep x
  KPI x period (`gap_marks`).
- `can_see_rep`, `visible_rep_ids`: who sees whose scorecards and evaluations.

`kpi_scores` is what the commission engine calls for KPI-threshold bonuses.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from salesops.events.v1 import performance_scorecard_events_pb2 as events
from sqlalchemy.orm import Session

from services.kit.config import Settings
from services.kit.db import utcnow
from services.kit.errors import InvalidArgument
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller
from services.kit.outbox import record_event
from services.kit.rounding import BASIS_POINTS
from services.performance.domain.scorecards import (
    Gap,
    ScoredCard,
    elapsed_bp,
    find_gaps,
    score_card,
)
from services.performance.models.fact_store import manager_chain, reps_managed_by
from services.performance.models.facts import QuotaRecord, RepRecord
from services.performance.models.kpi_measures import KpiMeasurer, PeriodSpan
from services.performance.models.kpis import effective_set, kpis_of
from services.performance.models.scorecards import (
    GapMarkRecord,
    ScorecardLineRecord,
    ScorecardRecord,
    line_rows,
)

# Roles that have scorecards.
SCORED_ROLES = ("rep", "manager")


def default_calendar() -> FiscalCalendar:
    return FiscalCalendar(Settings.from_env().fiscal_year_start_month)


@dataclass(frozen=True)
class Card:
    """A rep's scorecard for a period: live (scorecard None) or published."""

    rep: RepRecord
    period_code: str
    kpi_set_id: str
    role: str
    scored: ScoredCard
    scorecard: ScorecardRecord | None = None
    computed_at: datetime | None = None


def role_of(rep: RepRecord) -> str:
    """The KPI role a rep is scored as (anyone but a manager is scored as a rep)."""
    return rep.role if rep.role in SCORED_ROLES else "rep"


def live_card(session: Session, rep: RepRecord, period: FiscalPeriod, now: datetime) -> Card | None:
    """The live preview of `rep`'s scorecard (None when no KPI set is in effect)."""
    role = role_of(rep)
    kpi_set = effective_set(session, role, rep.region, period.starts_at.date())
    if kpi_set is None:
        return None
    kpis = [row.definition() for row in kpis_of(session, kpi_set.kpi_set_id)]
    measurer = KpiMeasurer(session, rep.rep_id, PeriodSpan(period))
    scored = score_card(kpis, [measurer.measure(kpi) for kpi in kpis])
    return Card(rep, period.code, kpi_set.kpi_set_id, role, scored, computed_at=now)


def published_record(session: Session, rep_id: str, period_code: str) -> ScorecardRecord | None:
    return session.scalar(
        sa.select(ScorecardRecord).where(
            ScorecardRecord.rep_id == rep_id, ScorecardRecord.period_code == period_code
        )
    )


def published_card(session: Session, rep: RepRecord, record: ScorecardRecord) -> Card:
    lines = session.scalars(
        sa.select(ScorecardLineRecord)
        .where(ScorecardLineRecord.scorecard_id == record.scorecard_id)
        .order_by(ScorecardLineRecord.position)
    )
    scored = ScoredCard(tuple(line.scored_kpi() for line in lines))
    return Card(rep, record.period_code, record.kpi_set_id, record.role, scored, record)


def current_card(
    session: Session, rep: RepRecord, period: FiscalPeriod, now: datetime, *, preview: bool = False
) -> Card | None:
    """The published scorecard, else (or when `preview`) the live one."""
    if not preview:
        record = published_record(session, rep.rep_id, period.code)
        if record is not None:
            return published_card(session, rep, record)
    return live_card(session, rep, period, now)


def kpi_scores(session: Session, rep_id: str, period_code: str) -> dict[str, int]:
    """KPI code -> normalised score 0-100 of the rep for the period: published, else live.

    Empty when the rep is unknown or no KPI set is in effect. The commission
    engine's KPI-threshold bonuses read this.
    """
    rep = session.get(RepRecord, rep_id)
    if rep is None:
        return {}
    card = current_card(session, rep, default_calendar().period(period_code), utcnow())
    return card.scored.scores() if card is not None else {}


def publish_card(session: Session, card: Card, caller: Caller, now: datetime) -> ScorecardRecord:
    """Store a live card as the published scorecard, emit its event and its gaps."""
    rep = card.rep
    record = ScorecardRecord(
        scorecard_id=str(uuid.uuid4()),
        rep_id=rep.rep_id,
        region=rep.region,
        team_id=rep.team_id,
        role=card.role,
        period_code=card.period_code,
        kpi_set_id=card.kpi_set_id,
        total_points=card.scored.total_points,
        total_score=card.scored.total_score,
        published_at=now,
        published_by=caller.subject,
    )
    session.add(record)
    session.add_all(line_rows(record.scorecard_id, card.scored))
    record_event(
        session,
        "performance.scorecard.published",
        events.ScorecardPublished(
            scorecard_id=record.scorecard_id,
            rep_id=rep.rep_id,
            region=rep.region,
            team_id=rep.team_id,
            role=card.role,
            period_code=card.period_code,
            kpi_set_id=card.kpi_set_id,
            total_points=record.total_points,
            total_score=record.total_score,
            kpis=[
                events.ScorecardKpiScore(
                    kpi_code=line.code,
                    value=line.value,
                    target=line.target,
                    unit=line.unit,
                    score=line.score,
                    weight_bp=line.weight_bp,
                    weighted_points=line.weighted_points,
                    scored=line.scored,
                )
                for line in card.scored.lines
            ],
            published_by=caller.subject,
        ),
        region=rep.region,
        caller=caller,
    )
    emit_gaps(session, card, BASIS_POINTS, "published", now, caller)
    session.flush()
    return record


def emit_gaps(
    session: Session,
    card: Card,
    elapsed: int,
    found_in: str,
    now: datetime,
    caller: Caller | None,
) -> list[Gap]:
    """Emit `performance.gap.detected` for the card's gaps not yet reported; return those."""
    rep = card.rep
    marked = set(
        session.scalars(
            sa.select(GapMarkRecord.kpi_code).where(
                GapMarkRecord.rep_id == rep.rep_id, GapMarkRecord.period_code == card.period_code
            )
        )
    )
    units = {line.code: (line.source, line.unit) for line in card.scored.lines}
    new = [gap for gap in find_gaps(card.scored.lines, elapsed) if gap.code not in marked]
    for gap in new:
        source, unit = units[gap.code]
        envelope = record_event(
            session,
            "performance.gap.detected",
            events.GapDetected(
                rep_id=rep.rep_id,
                region=rep.region,
                team_id=rep.team_id,
                period_code=card.period_code,
                kpi_code=gap.code,
                source=source,
                value=gap.value,
                threshold=gap.threshold,
                unit=unit,
                skill_area=gap.skill_area,
                found_in=found_in,
            ),
            region=rep.region,
            caller=caller,
        )
        session.add(
            GapMarkRecord(
                rep_id=rep.rep_id,
                period_code=card.period_code,
                kpi_code=gap.code,
                region=rep.region,
                value=gap.value,
                threshold=gap.threshold,
                skill_area=gap.skill_area,
                found_in=found_in,
                event_id=envelope["event_id"],
                detected_at=now,
            )
        )
    session.flush()
    return new


def running_periods(session: Session, calendar: FiscalCalendar, now: datetime) -> list[str]:
    """The periods a live gap scan looks at: this quarter and any quota period running now."""
    codes = {calendar.periods_containing(now)[1].code}
    for code in session.scalars(sa.select(QuotaRecord.period_code).distinct()):
        try:
            if calendar.period(code).contains(now):
                codes.add(code)
        except InvalidArgument:  # not a fiscal period code: nothing to scan
            continue
    return sorted(codes)


def scored_reps_query() -> sa.Select[tuple[RepRecord]]:
    """Reps and managers who have not left: the people scorecards are published for."""
    return sa.select(RepRecord).where(RepRecord.status != "left", RepRecord.role.in_(SCORED_ROLES))


def scored_reps(session: Session, reps: Iterable[str] | None = None) -> list[RepRecord]:
    """Reps and managers (not directors) who have not left, by id: who has scorecards."""
    query = scored_reps_query().order_by(RepRecord.rep_id)
    if reps is not None:
        query = query.where(RepRecord.rep_id.in_(list(reps)))
    return list(session.scalars(query))


def scan_live_gaps(
    session: Session,
    rep: RepRecord,
    period: FiscalPeriod,
    now: datetime,
    caller: Caller | None = None,
) -> list[Gap]:
    """Gaps of `rep`'s live preview for a running period (none once it is published)."""
    if published_record(session, rep.rep_id, period.code) is not None:
        return []
    card = live_card(session, rep, period, now)
    if card is None:
        return []
    return emit_gaps(session, card, elapsed_bp(period, now), "live", now, caller)


# --- who sees whose scorecards and evaluations -------------------------------------
# How far up the manager chain a manager sees (and evaluates) reps.
MANAGER_LEVELS = 10
REGION_READERS = frozenset({"director", "executive", "admin"})


def can_see_rep(session: Session, caller: Caller, rep: RepRecord) -> bool:
    """A rep's scorecards and evaluations exist for the caller.

    Directors, executives (and admins) see their regions; a manager sees the
    reps below them; a rep sees their own.
    """
    if not caller.can_read(rep.region):
        return False
    if caller.roles & REGION_READERS or rep.rep_id == caller.subject:
        return True
    if "manager" in caller.roles:
        return caller.subject in manager_chain(session, rep.rep_id, MANAGER_LEVELS)
    return False


def visible_rep_ids(session: Session, caller: Caller) -> set[str] | None:
    """The reps whose records a list may show beyond the region filter (None: all of them)."""
    if caller.roles & REGION_READERS:
        return None
    if "manager" in caller.roles:
        return reps_managed_by(session, caller.subject) | {caller.subject}
    return {caller.subject}
