"""Quotes, their lines and approval trail, and the discount authority of each role."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.kit.schema import BigId
from services.pipeline.models.base import Base


class QuoteRecord(Base):
    """One version of a quote; versions of one quote share a series_id."""

    __tablename__ = "quotes"

    quote_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    series_id: Mapped[str] = mapped_column(sa.String(36))
    version: Mapped[int] = mapped_column(sa.Integer)
    opportunity_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("opportunities.opportunity_id")
    )
    region: Mapped[str] = mapped_column(sa.String(32))
    currency: Mapped[str] = mapped_column(sa.String(3))
    # Quote-wide discount in basis points, applied to every line.
    discount_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    # The overall discount, rounded half up to a basis point (for display and reports).
    effective_discount_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    list_total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    # draft, pending_approval, approved, rejected, accepted or superseded
    status: Mapped[str] = mapped_column(sa.String(20))
    notes: Mapped[str] = mapped_column(sa.String(2000), default="")
    submitted_by: Mapped[str] = mapped_column(sa.String(100), default="")
    superseded_by: Mapped[str] = mapped_column(sa.String(36), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.UniqueConstraint("series_id", "version", name="uq_quotes_series_version"),
        sa.Index("ix_quotes_opportunity", "opportunity_id", "status"),
        sa.Index("ix_quotes_region_created", "region", "created_at", "quote_id"),
    )


class QuoteLineRecord(Base):
    """A line of a quote with its exact amounts in minor units."""

    __tablename__ = "quote_lines"

    quote_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("quotes.quote_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    product_line: Mapped[str] = mapped_column(sa.String(100))
    quantity: Mapped[int] = mapped_column(sa.BigInteger)
    unit_price_minor: Mapped[int] = mapped_column(sa.BigInteger)
    discount_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    list_amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)


class QuoteDecisionRecord(Base):
    """A decision in a quote's trail: submitted, approved, rejected, accepted, superseded."""

    __tablename__ = "quote_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("quotes.quote_id", ondelete="CASCADE")
    )
    decision: Mapped[str] = mapped_column(sa.String(32))
    decided_by: Mapped[str] = mapped_column(sa.String(100))
    # The role whose authority applied, and that authority (null = unlimited).
    role: Mapped[str] = mapped_column(sa.String(32), default="")
    authority_bp: Mapped[int | None] = mapped_column(sa.Integer)
    discount_bp: Mapped[int] = mapped_column(sa.Integer)
    comment: Mapped[str] = mapped_column(sa.String(2000), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_quote_decisions_quote", "quote_id", "id"),)


class DiscountAuthorityRecord(Base):
    """The largest discount a role may grant without approval (null = unlimited)."""

    __tablename__ = "discount_authority"

    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    max_discount_bp: Mapped[int | None] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
