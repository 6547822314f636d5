"""Inspection rules per region, inspection runs and their violations; the run itself.

`run_inspection` is the whole inspection: it reads the fact store
(`opportunity_states`, `facts`, `credits`, `reps`), applies the rules of
`domain.inspections`, records each new finding as a violation and emits
`performance.violation.recorded` in the caller's transaction. The api's
`RunInspection` and the worker's daily timer both call it. A violation is
unique per (rule, subject, period): a finding already recorded by an
earlier run is counted, not recorded again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from salesops.events.v1 import performance_inspection_events_pb2 as events
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime
from services.kit.fiscal import FiscalPeriod
from services.kit.identity import Caller
from services.kit.outbox import record_event
from services.performance.domain import inspections as domain
from services.performance.domain.inspections import (
    Evidence,
    FactView,
    Finding,
    OpportunityView,
    RuleCode,
    RuleSettings,
    Severity,
    Trigger,
    ViolationStatus,
)
from services.performance.models.base import Base
from services.performance.models.facts import (
    CreditRecord,
    FactKind,
    FactRecord,
    OpportunityStateRecord,
    RepRecord,
)


class InspectionRuleRecord(Base):
    """A region's setting of one rule (absent: the defaults apply)."""

    __tablename__ = "inspection_rules"

    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(sa.Boolean)
    severity: Mapped[str] = mapped_column(sa.String(8))
    stale_days: Mapped[int] = mapped_column(sa.Integer)
    # JSON object role -> max discount bp (null = unlimited).
    authorities: Mapped[str] = mapped_column(sa.Text)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def settings(self) -> RuleSettings:
        return RuleSettings(
            rule=RuleCode(self.rule),
            enabled=self.enabled,
            severity=Severity(self.severity),
            stale_days=self.stale_days,
            authorities=json.loads(self.authorities),
            configured=True,
        )


class InspectionRecord(Base):
    """One run of the rules over a region and period."""

    __tablename__ = "inspections"

    inspection_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    trigger: Mapped[str] = mapped_column(sa.String(10))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    # JSON array of {"rule", "findings", "recorded"}.
    outcomes: Mapped[str] = mapped_column(sa.Text, default="[]")
    findings: Mapped[int] = mapped_column(sa.Integer, default=0)
    recorded: Mapped[int] = mapped_column(sa.Integer, default=0)
    started_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_inspections_region_period", "region", "period_code"),)


class ViolationRecord(Base):
    """A finding of an inspection, with its evidence; open until dismissed or penalised."""

    __tablename__ = "violations"

    violation_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(sa.String(36))
    rule: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(8))
    severity: Mapped[str] = mapped_column(sa.String(8))
    region: Mapped[str] = mapped_column(sa.String(32))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    rep_id: Mapped[str] = mapped_column(sa.String(100), default="")
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    subject_id: Mapped[str] = mapped_column(sa.String(100))
    summary: Mapped[str] = mapped_column(sa.Text)
    # JSON array of domain.inspections.Evidence dicts.
    evidence: Mapped[str] = mapped_column(sa.Text, default="[]")
    status: Mapped[str] = mapped_column(sa.String(10))
    dismissal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    penalty_id: Mapped[str] = mapped_column(sa.String(36), default="")
    decided_by: Mapped[str] = mapped_column(sa.String(100), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.UniqueConstraint("rule", "subject_id", "period_code", name="uq_violations_finding"),
        sa.Index("ix_violations_region_period", "region", "period_code", "status"),
        sa.Index("ix_violations_rep", "rep_id", "created_at"),
        sa.Index("ix_violations_inspection", "inspection_id"),
    )

    def evidence_items(self) -> list[Evidence]:
        return [Evidence.from_dict(item) for item in json.loads(self.evidence)]


def region_rules(session: Session, region: str) -> list[RuleSettings]:
    """Every rule of `region` as runs apply it, in the order of `RuleCode`."""
    configured = {
        row.rule: row.settings()
        for row in session.scalars(
            sa.select(InspectionRuleRecord).where(InspectionRuleRecord.region == region)
        )
    }
    return [configured.get(code.value) or domain.default_settings(code) for code in RuleCode]


@dataclass(frozen=True)
class RunResult:
    inspection: InspectionRecord
    recorded: list[ViolationRecord]


def run_inspection(
    session: Session,
    *,
    region: str,
    period: FiscalPeriod,
    rules: Sequence[RuleCode],
    trigger: Trigger,
    started_by: str,
    now: datetime,
    caller: Caller | None,
) -> RunResult:
    """Inspect `region` for `period` as of now (or its end); record and announce new findings.

    `rules` empty means every enabled rule of the region; a rule named
    explicitly runs even when disabled (an on-demand check).
    """
    at = domain.as_of(period, now)
    settings = {s.rule: s for s in region_rules(session, region)}
    chosen = [settings[r] for r in rules] if rules else [s for s in settings.values() if s.enabled]
    inspection = InspectionRecord(
        inspection_id=str(uuid.uuid4()),
        region=region,
        period_code=period.code,
        trigger=trigger.value,
        as_of=at,
        started_by=started_by,
        created_at=now,
    )
    session.add(inspection)
    session.flush()
    outcomes: list[dict[str, object]] = []
    recorded: list[ViolationRecord] = []
    total = 0
    for rule in chosen:
        found = _findings(session, rule, region, period, at)
        new = [
            violation
            for violation in (
                _record(session, inspection, rule, finding, now, caller) for finding in found
            )
            if violation is not None
        ]
        outcomes.append({"rule": rule.rule.value, "findings": len(found), "recorded": len(new)})
        total += len(found)
        recorded += new
    inspection.outcomes = json.dumps(outcomes)
    inspection.findings = total
    inspection.recorded = len(recorded)
    session.flush()
    return RunResult(inspection, recorded)


def _findings(
    session: Session, rule: RuleSettings, region: str, period: FiscalPeriod, at: datetime
) -> list[Finding]:
    found: list[Finding | None]
    if rule.rule is RuleCode.STALE_OPPORTUNITY:
        states = session.scalars(
            sa.select(OpportunityStateRecord)
            .where(OpportunityStateRecord.region == region, OpportunityStateRecord.status == "open")
            .order_by(OpportunityStateRecord.opportunity_id)
        )
        found = [domain.stale_opportunity(_opp(s), at, rule.stale_days) for s in states]
    elif rule.rule is RuleCode.LEAD_SLA_BREACH:
        found = [
            domain.lead_sla_breach(f)
            for f in _facts(session, FactKind.LEAD_SLA_BREACHED, region, period, at)
        ]
    elif rule.rule is RuleCode.DISCOUNT_ABOVE_AUTHORITY:
        facts = _facts(session, FactKind.QUOTE_DISCOUNT, region, period, at)
        roles = _roles(session, {f.detail for f in facts if f.detail and not f.approver_role})
        found = [
            domain.discount_above_authority(f, roles.get(f.detail), rule.authorities) for f in facts
        ]
    else:
        found = _won_without_contract(session, region, period, at)
    # One finding per subject (a quote approved twice in the period is one finding).
    unique: dict[str, Finding] = {}
    for finding in found:
        if finding is not None:
            unique.setdefault(finding.subject_id, finding)
    return list(unique.values())


def _won_without_contract(
    session: Session, region: str, period: FiscalPeriod, at: datetime
) -> list[Finding | None]:
    won_facts = _facts(session, FactKind.OPPORTUNITY_WON, region, period, at)
    won_states = list(
        session.scalars(
            sa.select(OpportunityStateRecord).where(
                OpportunityStateRecord.region == region,
                OpportunityStateRecord.status == "won",
                OpportunityStateRecord.closed_at >= period.starts_at,
                OpportunityStateRecord.closed_at < at,
            )
        )
    )
    ids = sorted({s.opportunity_id for s in won_states} | {f.subject_id for f in won_facts})
    if not ids:
        return []
    states = {
        s.opportunity_id: s
        for s in session.scalars(
            sa.select(OpportunityStateRecord).where(OpportunityStateRecord.opportunity_id.in_(ids))
        )
    }
    credited = set(
        session.scalars(
            sa.select(CreditRecord.opportunity_id).where(CreditRecord.opportunity_id.in_(ids))
        )
    )
    by_subject: dict[str, list[FactView]] = {}
    for fact in won_facts:
        by_subject.setdefault(fact.subject_id, []).append(fact)
    return [
        domain.won_without_contract(
            opportunity_id,
            _opp(states[opportunity_id]) if opportunity_id in states else None,
            by_subject.get(opportunity_id, []),
            opportunity_id in credited,
        )
        for opportunity_id in ids
    ]


def _facts(
    session: Session, kind: FactKind, region: str, period: FiscalPeriod, at: datetime
) -> list[FactView]:
    rows = session.scalars(
        sa.select(FactRecord)
        .where(
            FactRecord.region == region,
            FactRecord.kind == kind.value,
            FactRecord.occurred_at >= period.starts_at,
            FactRecord.occurred_at < at,
        )
        .order_by(FactRecord.occurred_at, FactRecord.fact_id)
    )
    return [
        FactView(
            fact_id=f.fact_id,
            event_id=f.event_id,
            rep_id=f.rep_id,
            team_id=f.team_id,
            subject_id=f.subject_id,
            occurred_at=f.occurred_at,
            value_bp=f.value_bp,
            detail=f.detail,
            approver_role=f.approver_role or "",
            approver_authority_bp=f.approver_authority_bp or 0,
            approver_unlimited=bool(f.approver_unlimited),
        )
        for f in rows
    ]


def _roles(session: Session, rep_ids: set[str]) -> dict[str, str]:
    if not rep_ids:
        return {}
    rows = session.execute(
        sa.select(RepRecord.rep_id, RepRecord.role).where(RepRecord.rep_id.in_(sorted(rep_ids)))
    )
    return {rep_id: role for rep_id, role in rows}


def _opp(state: OpportunityStateRecord) -> OpportunityView:
    return OpportunityView(
        opportunity_id=state.opportunity_id,
        owner_id=state.owner_id,
        team_id=state.team_id,
        status=state.status,
        opened_at=state.opened_at,
        last_activity_at=state.last_activity_at,
        closed_at=state.closed_at,
        contract_id=state.contract_id,
        currency=state.currency,
        amount_minor=state.amount_minor,
        stage_id=state.stage_id,
    )


def _record(
    session: Session,
    inspection: InspectionRecord,
    rule: RuleSettings,
    finding: Finding,
    now: datetime,
    caller: Caller | None,
) -> ViolationRecord | None:
    """Record a finding once per (rule, subject, period); None when it was recorded before."""
    key = (
        ViolationRecord.rule == rule.rule.value,
        ViolationRecord.subject_id == finding.subject_id,
        ViolationRecord.period_code == inspection.period_code,
    )
    if session.scalar(sa.select(ViolationRecord.violation_id).where(*key)) is not None:
        return None
    team_id = finding.team_id or _team_of(session, finding.rep_id)
    violation = ViolationRecord(
        violation_id=str(uuid.uuid4()),
        inspection_id=inspection.inspection_id,
        rule=rule.rule.value,
        kind=rule.kind.value,
        severity=rule.severity.value,
        region=inspection.region,
        period_code=inspection.period_code,
        rep_id=finding.rep_id,
        team_id=team_id,
        subject_id=finding.subject_id,
        summary=finding.summary,
        evidence=json.dumps([item.to_dict() for item in finding.evidence]),
        status=ViolationStatus.OPEN.value,
        created_at=now,
        updated_at=now,
        version=1,
    )
    try:
        # A concurrent run may record the same finding first: then this one is a duplicate.
        with session.begin_nested():
            session.add(violation)
            session.flush()
    except IntegrityError:
        return None
    record_event(
        session,
        "performance.violation.recorded",
        events.ViolationRecorded(
            violation_id=violation.violation_id,
            inspection_id=inspection.inspection_id,
            region=violation.region,
            period_code=violation.period_code,
            rule=violation.rule,
            kind=violation.kind,
            severity=violation.severity,
            rep_id=violation.rep_id,
            team_id=violation.team_id,
            subject_id=violation.subject_id,
            summary=violation.summary,
            evidence_ids=[item.record_id for item in finding.evidence],
        ),
        region=violation.region,
        caller=caller,
    )
    return violation


def _team_of(session: Session, rep_id: str) -> str:
    if not rep_id:
        return ""
    return session.scalar(sa.select(RepRecord.team_id).where(RepRecord.rep_id == rep_id)) or ""


def regions_with_activity(session: Session, since: datetime) -> list[str]:
    """Regions with an open opportunity, or with a fact that happened since `since`."""
    open_regions = sa.select(OpportunityStateRecord.region).where(
        OpportunityStateRecord.status == "open"
    )
    fact_regions = sa.select(FactRecord.region).where(FactRecord.occurred_at >= since)
    return sorted(
        {r for r in session.scalars(open_regions.distinct())}
        | {r for r in session.scalars(fact_regions.distinct())}
    )


def scheduled_run_exists(
    session: Session, region: str, period_code: str, day_start: datetime
) -> bool:
    """Whether a scheduled run of `region` and period started on or after `day_start`."""
    return (
        session.scalar(
            sa.select(InspectionRecord.inspection_id)
            .where(
                InspectionRecord.region == region,
                InspectionRecord.period_code == period_code,
                InspectionRecord.trigger == Trigger.SCHEDULED.value,
                InspectionRecord.created_at >= day_start,
            )
            .limit(1)
        )
        is not None
    )
