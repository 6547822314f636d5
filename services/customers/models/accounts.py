"""Customer accounts in the archive."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.customers.models.base import Base
from services.kit.db import UTCDateTime

if TYPE_CHECKING:
    from services.customers.models.contacts import ContactRecord


class CustomerRecord(Base):
    """A customer account in the archive."""

    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200))
    normalized_name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    industry: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[str] = mapped_column(sa.String(16))
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    source_lead_id: Mapped[str | None] = mapped_column(sa.String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    contacts: Mapped[list[ContactRecord]] = relationship(
        back_populates="customer", order_by="ContactRecord.created_at", lazy="selectin"
    )

    __table_args__ = (
        sa.Index("ix_customers_region_created", "region", "created_at", "customer_id"),
        sa.Index("ix_customers_owner", "owner_id", "created_at"),
        sa.Index("ix_customers_normalized_name", "normalized_name"),
    )
