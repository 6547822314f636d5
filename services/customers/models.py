"""The customers database schema (owned by services/customers/migrations)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.kit.db import UTCDateTime, new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


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


class ContactRecord(Base):
    """A person at a customer."""

    __tablename__ = "contacts"

    contact_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("customers.customer_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    customer: Mapped[CustomerRecord] = relationship(back_populates="contacts")
