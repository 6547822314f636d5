"""KPI sets and their KPIs (see `domain.kpis`): versioned by the period they take effect.

A set is never changed once written: the KPIs of (role, region) for a period
are those of the set with the latest `effective_from` on or before the
period's first day, and of those the highest `set_version`; a region's own
sets win over the all-regions ones (region ""). Migration 0003_scorecards
seeds a default set for reps and one for managers (all regions).
"""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime
from services.performance.domain.kpis import (
    Direction,
    KpiDefinition,
    KpiSource,
    TargetKind,
    Thresholds,
)
from services.performance.models.base import Base


class KpiSetRecord(Base):
    """Every KPI of one role in one region ("" = all), from a fiscal period on."""

    __tablename__ = "kpi_sets"

    kpi_set_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    # "" = every region without a set of its own.
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    effective_from_code: Mapped[str] = mapped_column(sa.String(16))
    effective_from: Mapped[date] = mapped_column(sa.Date)
    # 1 for the first set of (role, region, effective_from); a redefinition adds the next.
    set_version: Mapped[int] = mapped_column(sa.Integer)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.UniqueConstraint(
            "role", "region", "effective_from", "set_version", name="uq_kpi_sets_version"
        ),
    )


class KpiRecord(Base):
    """One KPI of a set, in the set's order (`position`)."""

    __tablename__ = "kpis"

    kpi_set_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(32))
    direction: Mapped[str] = mapped_column(sa.String(8))
    target_kind: Mapped[str] = mapped_column(sa.String(8))
    target_value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    floor_bp: Mapped[int] = mapped_column(sa.Integer)
    target_score: Mapped[int] = mapped_column(sa.Integer)
    stretch_bp: Mapped[int] = mapped_column(sa.Integer)
    weight_bp: Mapped[int] = mapped_column(sa.Integer)
    skill_area: Mapped[str] = mapped_column(sa.String(40))
    # JSON array of course codes and cert:<product line> (training_compliance only).
    required_training: Mapped[str] = mapped_column(sa.Text, default="[]")

    def definition(self) -> KpiDefinition:
        return KpiDefinition(
            code=self.code,
            name=self.name,
            source=KpiSource(self.source),
            direction=Direction(self.direction),
            target_kind=TargetKind(self.target_kind),
            target_value=self.target_value,
            thresholds=Thresholds(self.floor_bp, self.target_score, self.stretch_bp),
            weight_bp=self.weight_bp,
            skill_area=self.skill_area,
            required_training=tuple(json.loads(self.required_training or "[]")),
        )


def kpi_rows(kpi_set_id: str, kpis: list[KpiDefinition]) -> list[KpiRecord]:
    """The rows of a set's KPIs, in order."""
    return [
        KpiRecord(
            kpi_set_id=kpi_set_id,
            code=kpi.code,
            position=position,
            name=kpi.name,
            source=kpi.source.value,
            direction=kpi.direction.value,
            target_kind=kpi.target_kind.value,
            target_value=kpi.target_value,
            floor_bp=kpi.thresholds.floor_bp,
            target_score=kpi.thresholds.target_score,
            stretch_bp=kpi.thresholds.stretch_bp,
            weight_bp=kpi.weight_bp,
            skill_area=kpi.skill_area,
            required_training=json.dumps(list(kpi.required_training)),
        )
        for position, kpi in enumerate(kpis)
    ]


def kpis_of(session: Session, kpi_set_id: str) -> list[KpiRecord]:
    return list(
        session.scalars(
            sa.select(KpiRecord)
            .where(KpiRecord.kpi_set_id == kpi_set_id)
            .order_by(KpiRecord.position)
        )
    )


def effective_set(session: Session, role: str, region: str, on: date) -> KpiSetRecord | None:
    """The set of `role` in effect on `on` for `region` (its own, else the all-regions one)."""
    for candidate in (region, ""):
        found = session.scalar(
            sa.select(KpiSetRecord)
            .where(
                KpiSetRecord.role == role,
                KpiSetRecord.region == candidate,
                KpiSetRecord.effective_from <= on,
            )
            .order_by(KpiSetRecord.effective_from.desc(), KpiSetRecord.set_version.desc())
            .limit(1)
        )
        if found is not None:
            return found
        if not candidate:
            break
    return None
