"""The last recorded health assessment and loyalty tier of each account."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime


class CustomerHealthRecord(Base):
    """An account's last stored assessment: what band transitions and tiers are judged by.

    Keyed by `account_id`, not `customer_id`: a merge repoints every
    `customer_id` column to the survivor, which would collide with the
    survivor's own row here. The survivor's assessment is refreshed after the
    merge and the merged account's row is dropped by the next refresh.
    """

    __tablename__ = "customer_health"

    account_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    score: Mapped[int] = mapped_column(sa.Integer, default=0)
    # healthy, watch or at_risk; "" before the first assessment.
    band: Mapped[str] = mapped_column(sa.String(16), default="")
    # JSON list of {"factor", "points", "max_points", "reason"}: read with the row, never queried.
    factors: Mapped[str] = mapped_column(sa.Text, default="[]")
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the account entered its current band.
    band_since: Mapped[datetime] = mapped_column(UTCDateTime)
    # How many times the account became at risk (one customers.customer.at_risk each).
    at_risk_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    # none, bronze, silver or gold
    loyalty_tier: Mapped[str] = mapped_column(sa.String(16), default="none")
    relationship_years: Mapped[int] = mapped_column(sa.Integer, default=0)
    loyalty_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # When the tier last changed; NULL while it never did.
    loyalty_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_customer_health_band", "band", "band_since", "account_id"),
        sa.Index("ix_customer_health_region", "region", "band_since", "account_id"),
    )
