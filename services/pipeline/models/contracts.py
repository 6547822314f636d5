"""Contracts signed from accepted quotes, their product lines and the reps' credit splits."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.pipeline.models.base import Base


class ContractRecord(Base):
    """An agreement with a customer: value, term and status."""

    __tablename__ = "contracts"

    contract_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    opportunity_id: Mapped[str] = mapped_column(sa.String(36))
    quote_id: Mapped[str] = mapped_column(sa.String(36))
    customer_id: Mapped[str] = mapped_column(sa.String(100))
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    value_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    start_date: Mapped[date] = mapped_column(sa.Date)
    # The last day of the term.
    end_date: Mapped[date] = mapped_column(sa.Date)
    term_months: Mapped[int] = mapped_column(sa.Integer)
    signed_date: Mapped[date] = mapped_column(sa.Date)
    # active, cancelled or renewed
    status: Mapped[str] = mapped_column(sa.String(16))
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    renews_contract_id: Mapped[str] = mapped_column(sa.String(36), default="")
    renewed_by_contract_id: Mapped[str] = mapped_column(sa.String(36), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __table_args__ = (
        sa.Index("ix_contracts_region_created", "region", "created_at", "contract_id"),
        sa.Index("ix_contracts_customer", "customer_id"),
        sa.Index("ix_contracts_opportunity", "opportunity_id"),
        sa.Index("ix_contracts_owner", "owner_id"),
    )


class ContractLineRecord(Base):
    """A product line of a contract, with its amount after discounts."""

    __tablename__ = "contract_lines"

    contract_id: Mapped[str] = mapped_column(
        sa.String(36),
        sa.ForeignKey("contracts.contract_id", ondelete="CASCADE"),
        primary_key=True,
    )
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    product_line: Mapped[str] = mapped_column(sa.String(100))
    quantity: Mapped[int] = mapped_column(sa.BigInteger)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)


class ContractSplitRecord(Base):
    """A rep's credit share of a contract; the amounts of a contract sum to its value."""

    __tablename__ = "contract_splits"

    contract_id: Mapped[str] = mapped_column(
        sa.String(36),
        sa.ForeignKey("contracts.contract_id", ondelete="CASCADE"),
        primary_key=True,
    )
    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    share_bp: Mapped[int] = mapped_column(sa.Integer)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    __table_args__ = (sa.Index("ix_contract_splits_rep", "rep_id"),)
