"""Market research and competitive intelligence: segments, competitors, intelligence entries.

Market share is not stored: it is computed from `sales_facts` and
`customer_copies` (models/facts.py) whenever it is asked for
(`market_revenue` below).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime
from services.kit.fiscal import FiscalPeriod
from services.planning.domain.market import search_text
from services.planning.models.base import Base
from services.planning.models.facts import CustomerCopyRecord, SalesFactRecord


class MarketSegmentRecord(Base):
    """A segment of a territory's market in a fiscal period: its size and our potential."""

    __tablename__ = "market_segments"
    __table_args__ = (
        sa.UniqueConstraint(
            "territory_id", "name_key", "period_code", name="uq_market_segments_name"
        ),
    )

    segment_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    territory_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200))
    # The name folded for the uniqueness check ("Retail" and " retail" are one segment).
    name_key: Mapped[str] = mapped_column(sa.String(200))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    currency: Mapped[str] = mapped_column(sa.String(3))
    size_minor: Mapped[int] = mapped_column(sa.BigInteger)
    potential_minor: Mapped[int] = mapped_column(sa.BigInteger)
    product_line: Mapped[str] = mapped_column(sa.String(100), default="")
    industry: Mapped[str] = mapped_column(sa.String(100), default="")
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class CompetitorRecord(Base):
    """A competitor; shared by every region, so it has no region of its own."""

    __tablename__ = "competitors"

    competitor_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # kit.normalize.normalized_name of the name: unique ("Acme Inc." is "acme").
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    website: Mapped[str] = mapped_column(sa.String(253), default="")
    # JSON arrays of short texts.
    products: Mapped[str] = mapped_column(sa.Text, default="[]")
    strengths: Mapped[str] = mapped_column(sa.Text, default="[]")
    weaknesses: Mapped[str] = mapped_column(sa.Text, default="[]")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    archived: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class IntelEntryRecord(Base):
    """Something observed about a competitor, in a region (and maybe a territory)."""

    __tablename__ = "intel_entries"

    intel_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    competitor_id: Mapped[str] = mapped_column(sa.String(36))
    territory_id: Mapped[str] = mapped_column(sa.String(36), default="")
    region: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    # domain.market.search_text(title, details): what `q` searches, the same on SQLite and
    # PostgreSQL (SQLite's lower() folds ASCII only).
    search_text: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    # Midnight UTC of the observed date: lists run newest observation first.
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    # What produced the entry automatically ("pipeline.opportunity/<id>"); "" by hand.
    origin: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _matches(values: str) -> list[str]:
    return [value for value in values.split(",") if value]


def market_revenue(
    session: Session,
    *,
    region: str,
    countries: str,
    industries: str,
    period: FiscalPeriod,
    product_line: str = "",
    industry: str = "",
) -> Mapping[str, int]:
    """Our revenue per currency from a territory's customers booked within `period`.

    A fact counts when its customer's copy matches the territory's rules: the
    territory's region, one of its countries and one of its industries (the
    territory stores them comma-separated; an empty list matches everything).
    Company size is not known to planning (customer copies do not carry it), so
    a territory's company-size rule is not applied. Cancellations are negative
    rows, so the sum is signed minus cancelled. `product_line` (a product-line
    segment) keeps only that line's rows; `industry` (an industry segment) only
    customers of that industry.
    """
    start, end = period.starts_at.date(), period.ends_at.date()
    query = (
        sa.select(SalesFactRecord.currency, sa.func.sum(SalesFactRecord.amount_minor))
        .join(CustomerCopyRecord, CustomerCopyRecord.customer_id == SalesFactRecord.customer_id)
        .where(
            CustomerCopyRecord.region == region,
            SalesFactRecord.booked_on >= start,
            SalesFactRecord.booked_on < end,
        )
        .group_by(SalesFactRecord.currency)
    )
    if _matches(countries):
        query = query.where(sa.func.upper(CustomerCopyRecord.country).in_(_matches(countries)))
    wanted_industries = [i.lower() for i in _matches(industries)]
    if wanted_industries:
        query = query.where(sa.func.lower(CustomerCopyRecord.industry).in_(wanted_industries))
    if industry:
        query = query.where(sa.func.lower(CustomerCopyRecord.industry) == industry.lower())
    if product_line:
        query = query.where(SalesFactRecord.product_line == product_line)
    return {currency: int(total or 0) for currency, total in session.execute(query)}


def convert_total(
    by_currency: Mapping[str, int], to_currency: str, convert: Callable[[int, str, str], int]
) -> int:
    """The sum of `by_currency` in `to_currency`: each currency's total converted once."""
    return sum(
        amount if currency == to_currency else convert(amount, currency, to_currency)
        for currency, amount in sorted(by_currency.items())
    )


def observed_midnight(day: date) -> datetime:
    """The instant an observed date is stored as (midnight UTC)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def new_intel_entry(
    *,
    competitor_id: str,
    territory_id: str,
    region: str,
    kind: str,
    title: str,
    details: str,
    source: str,
    observed_on: date,
    recorded_by: str,
    origin: str = "",
    now: datetime,
) -> IntelEntryRecord:
    """A new intelligence entry row (recorded by hand or from an event)."""
    return IntelEntryRecord(
        intel_id=str(uuid.uuid4()),
        competitor_id=competitor_id,
        territory_id=territory_id,
        region=region,
        kind=kind,
        title=title,
        details=details,
        search_text=search_text(title, details),
        source=source,
        observed_at=observed_midnight(observed_on),
        recorded_by=recorded_by,
        origin=origin,
        created_at=now,
    )
