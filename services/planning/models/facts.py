"""Sales facts: the local record of what the pipeline and customers services reported.

Attainment, market share and period reviews all read these rows. Each row is
traceable to the event that produced it (`event_id`); a cancellation adds
negative rows rather than deleting the signed ones, so history stays whole.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.planning.models.base import Base


class SalesFactRecord(Base):
    """One rep's credited share of one product line of a signed (or cancelled) contract.

    A signed contract with two splits and three product lines gives six rows;
    its cancellation gives six more with the amounts and quantities negated.
    `unit_id` is the rep's team on `booked_on`, so moving a rep later does not
    move revenue already booked. `new_customers` is 1 on exactly one row of a
    customer's first signed contract (the owner's first line), -1 when that
    contract is cancelled.
    """

    __tablename__ = "sales_facts"

    fact_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    contract_id: Mapped[str] = mapped_column(sa.String(36))
    # "signed" or "cancelled".
    kind: Mapped[str] = mapped_column(sa.String(16))
    region: Mapped[str] = mapped_column(sa.String(32))
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    unit_id: Mapped[str] = mapped_column(sa.String(36), default="")
    customer_id: Mapped[str] = mapped_column(sa.String(36), default="")
    product_line: Mapped[str] = mapped_column(sa.String(100), default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    new_customers: Mapped[int] = mapped_column(sa.Integer, default=0)
    booked_on: Mapped[date] = mapped_column(sa.Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerCopyRecord(Base):
    """What planning knows of a customer: enough to match territories and count new customers."""

    __tablename__ = "customer_copies"

    customer_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    industry: Mapped[str] = mapped_column(sa.String(100), default="")
    owner_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # The contract that made this customer new (its first signed one), while it stands.
    first_contract_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
