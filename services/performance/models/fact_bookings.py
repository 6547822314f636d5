"""What the fact handlers remember to book each contract once (migration 0003_fact_handlers).

- `ContractBookingRecord` (`fact_contract_bookings`): where one contract stands
  in the fact store, signed, cancelled or both. Both contract handlers lock
  (or create) this row first, so a signature and a cancellation of the same
  contract never book concurrently; a cancellation that arrives before its
  signature is kept here and the late signature books its facts, credits and
  their reversal together. A second signature or cancellation of the same
  contract (a replay under another event id) changes nothing.
- `CustomerFirstContractRecord` (`fact_customer_firsts`): the contract that
  made each customer new, so NEW_CUSTOMER is counted once per customer and
  taken back (-1) when that first contract is cancelled.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.performance.models.base import Base


class ContractBookingRecord(Base):
    """One contract's signature and cancellation as the fact store booked them."""

    __tablename__ = "fact_contract_bookings"

    contract_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    customer_id: Mapped[str] = mapped_column(sa.String(36), default="")
    signed_event_id: Mapped[str] = mapped_column(sa.String(64), default="")
    signed_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    # True when this contract made its customer new (its cancellation takes that back).
    new_customer: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    cancelled_event_id: Mapped[str] = mapped_column(sa.String(64), default="")
    cancelled_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Whether the cancellation reversed the credits (False: outside the clawback window).
    credits_reversed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerFirstContractRecord(Base):
    """The standing first contract of a customer (None: none stands, the next one is new)."""

    __tablename__ = "fact_customer_firsts"

    customer_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    first_contract_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
