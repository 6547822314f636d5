"""Consent statements: an append-only history per contact and channel.

Rows are only ever inserted. The one exception is erasure, which empties
`source` (free text that may name the person); channel, status, basis and
times stay, as the record of what was allowed when.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime
from services.kit.schema import BigId


class ConsentRecord(Base):
    """One statement: consent (or another lawful basis) given or withdrawn for a channel."""

    __tablename__ = "consent_records"

    # Recording order: the tie-breaker between statements with the same times.
    sequence: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    consent_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    contact_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("contacts.contact_id", ondelete="CASCADE")
    )
    # domain.contacts.ContactChannel
    channel: Mapped[str] = mapped_column(sa.String(16))
    # domain.consent.ConsentStatus
    status: Mapped[str] = mapped_column(sa.String(16))
    # domain.consent.LawfulBasis; "" for a withdrawal when nothing had been given.
    lawful_basis: Mapped[str] = mapped_column(sa.String(32))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.Index("ix_consent_records_contact_channel", "contact_id", "channel", "effective_at"),
    )
