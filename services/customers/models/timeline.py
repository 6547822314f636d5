"""The interaction timeline: one row per thing that happened with a customer.

Other areas read this table (the health score takes the recency of
interaction from it): `customer_id`, `occurred_at` and `kind` keep their
names and meaning.

`customer_id` has no foreign key: pipeline events may arrive before the
account does (out of order), and the entry is kept for when it arrives. It is
NULL while the customer is not known yet: an activity or a stage change on an
opportunity whose `pipeline.opportunity.created` has not arrived. That event
fills it in for every entry of the opportunity.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime


class TimelineEntryRecord(Base):
    """One thing that happened with a customer."""

    __tablename__ = "timeline_entries"

    entry_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    # When it happened, UTC (not when it was recorded here).
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # domain.timeline.EntryKind: activity, opportunity, contract, case, note.
    kind: Mapped[str] = mapped_column(sa.String(16))
    # What happened to the record: logged, created, stage_changed, won, ...
    action: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    summary: Mapped[str] = mapped_column(sa.Text)
    # The record the entry is about: activity, opportunity, contract, case, note.
    ref_type: Mapped[str] = mapped_column(sa.String(32))
    ref_id: Mapped[str] = mapped_column(sa.String(100))
    # The opportunity the entry belongs to, if any (to attribute it to a customer later).
    opportunity_id: Mapped[str | None] = mapped_column(sa.String(100))
    # The contact a note is about, if any.
    contact_id: Mapped[str | None] = mapped_column(sa.String(36))
    actor: Mapped[str] = mapped_column(sa.String(100))
    # The event it was made from: one entry per event, whatever the redeliveries.
    source_event_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_timeline_entries_customer", "customer_id", "occurred_at", "entry_id"),
        sa.Index("ix_timeline_entries_ref", "ref_type", "ref_id"),
        sa.Index("ix_timeline_entries_opportunity", "opportunity_id"),
        sa.Index("ix_timeline_entries_contact", "contact_id"),
    )
