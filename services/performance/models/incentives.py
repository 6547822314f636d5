"""Rewards and penalties (one `incentives` table, by kind) and the reads their scoping needs.

One table rather than two: rewards and penalties share their whole life
(proposal, evidence, four-eyes decision) and differ only in kind and in the
event their approval emits, so `category` (reward or penalty) is stored
beside `kind` for the lists of `/v1/rewards` and `/v1/penalties`.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.performance.models.base import Base


class IncentiveRecord(Base):
    """A reward or a penalty proposed for one rep, and its decision."""

    __tablename__ = "incentives"

    incentive_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(8))
    region: Mapped[str] = mapped_column(sa.String(32))
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    period_code: Mapped[str] = mapped_column(sa.String(16), default="")
    reason: Mapped[str] = mapped_column(sa.Text)
    currency: Mapped[str] = mapped_column(sa.String(3), default="")
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    points: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # JSON arrays of strings.
    evidence: Mapped[str] = mapped_column(sa.Text, default="[]")
    violation_ids: Mapped[str] = mapped_column(sa.Text, default="[]")
    # proposed, granted, imposed or rejected
    status: Mapped[str] = mapped_column(sa.String(10))
    proposed_by: Mapped[str] = mapped_column(sa.String(100))
    decided_by: Mapped[str] = mapped_column(sa.String(100), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.Index("ix_incentives_region_category", "region", "category", "created_at"),
        sa.Index("ix_incentives_rep", "rep_id", "created_at"),
    )

    @property
    def evidence_list(self) -> list[str]:
        return list(json.loads(self.evidence))

    @property
    def violation_id_list(self) -> list[str]:
        return list(json.loads(self.violation_ids))
