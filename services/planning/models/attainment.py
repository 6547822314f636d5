"""Attainment's own tables: FX rates, contract cancellations, event marks, manual allocation edits.

The actuals themselves are `sales_facts` (models/facts.py); these tables hold
what attainment adds: the rates that turn facts into the plan's currency, a
record of where each contract stands (so a cancellation that arrives before
its signature still reverses it), the marks that make `planning.target.attained`
and `planning.attainment.behind_pace` fire once, and the audit of allocations
edited by hand.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.planning.models.base import Base


class FxRateRecord(Base):
    """One unit of `from_currency` is worth `rate` units of `to_currency` in a fiscal period.

    The rate is an exact decimal kept as text (plain notation, at most 12
    decimal places), never a float. A month without its own rate uses its
    quarter's, a quarter its year's.
    """

    __tablename__ = "fx_rates"

    # "<period>/<from>/<to>", for example "FY2027-Q1/USD/EUR": one rate per pair and period.
    rate_key: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    period_code: Mapped[str] = mapped_column(sa.String(16))
    from_currency: Mapped[str] = mapped_column(sa.String(3))
    to_currency: Mapped[str] = mapped_column(sa.String(3))
    rate: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))


class ContractBookingRecord(Base):
    """Where one contract stands in the facts: signed, cancelled, or both.

    Both contract handlers lock (or create) this row first, so a signature and
    a cancellation of the same contract never book concurrently. When the
    cancellation comes first, no facts exist yet to reverse; the late
    signature books its rows and their reversal together, so the contract
    nets to zero either way. A second signature or cancellation (a replay
    under another event id) changes nothing.
    """

    __tablename__ = "contract_bookings"

    contract_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    signed_event_id: Mapped[str] = mapped_column(sa.String(64), default="")
    cancelled_event_id: Mapped[str] = mapped_column(sa.String(64), default="")
    cancelled_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerCopySourceRecord(Base):
    """When the customer copy was last set from a customers event (older events are ignored)."""

    __tablename__ = "customer_copy_sources"

    customer_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    source_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class AttainmentMarkRecord(Base):
    """An attainment event already written for a target and subject.

    `kind` is "attained" (`mark_key` empty: once while the target stays
    attained) or "behind_pace" (`mark_key` the checkpoint day, ISO 8601).
    `subject` is "u:<unit id>" or "r:<rep id>".
    """

    __tablename__ = "attainment_marks"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    target_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    mark_key: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AllocationAdjustmentRecord(Base):
    """A unit's or rep's share of a target changed by hand, with who, why and from what."""

    __tablename__ = "allocation_adjustments"

    adjustment_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    allocation_id: Mapped[str] = mapped_column(sa.String(36))
    target_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    unit_id: Mapped[str] = mapped_column(sa.String(36), default="")
    rep_id: Mapped[str] = mapped_column(sa.String(100), default="")
    previous_value: Mapped[int] = mapped_column(sa.BigInteger)
    value: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text)
    adjusted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    adjusted_by: Mapped[str] = mapped_column(sa.String(100))
