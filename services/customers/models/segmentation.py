"""Segmentation: an account's tags, and the tier thresholds per region (or global)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime


class CustomerTagRecord(Base):
    """One tag of an account (lower case)."""

    __tablename__ = "customer_tags"

    customer_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("customers.customer_id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(40), primary_key=True)

    __table_args__ = (sa.Index("ix_customer_tags_tag", "tag", "customer_id"),)


class TierThresholdRecord(Base):
    """When an account of a region is tier A or B; region "*" holds the global thresholds."""

    __tablename__ = "tier_thresholds"

    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    a_revenue_minor: Mapped[int] = mapped_column(sa.BigInteger)
    b_revenue_minor: Mapped[int] = mapped_column(sa.BigInteger)
    a_potential_minor: Mapped[int] = mapped_column(sa.BigInteger)
    b_potential_minor: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
