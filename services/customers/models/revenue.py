"""The revenue copy: each contract the pipeline signed or cancelled, per account.

Fed by `pipeline.contract.signed` and `pipeline.contract.cancelled`; read for
the lifetime value and the tier, and by the health score for the revenue
trend. A cancellation is final, whichever event arrives first.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime


class ContractRevenueRecord(Base):
    """A contract's value as the pipeline reported it."""

    __tablename__ = "contract_revenue"

    contract_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    # No foreign key: a contract may name an account this archive merged away
    # (it is stored under the survivor) or never heard of.
    customer_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    value_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    signed_date: Mapped[date | None] = mapped_column(sa.Date)
    # active or cancelled
    status: Mapped[str] = mapped_column(sa.String(16))
    source_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_contract_revenue_customer", "customer_id", "status"),)
