"""Ownership: transfer requests and the history of every account's owners.

Both stay with an account that is merged away (`info={"on_merge": "keep"}`):
they tell that account's story, not the survivor's. Pending requests of a
merged account are cancelled by the merge.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime


class TransferRequestRecord(Base):
    """A request for an account to change owner, and its decision."""

    __tablename__ = "transfer_requests"

    transfer_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("customers.customer_id", ondelete="CASCADE")
    )
    region: Mapped[str] = mapped_column(sa.String(32))
    from_owner_id: Mapped[str] = mapped_column(sa.String(100))
    to_owner_id: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.String(500))
    # pending, approved, rejected or cancelled
    status: Mapped[str] = mapped_column(sa.String(16))
    requested_by: Mapped[str] = mapped_column(sa.String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str] = mapped_column(sa.String(100), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    decision_comment: Mapped[str] = mapped_column(sa.String(500), default="")

    __table_args__ = (
        sa.Index("ix_transfer_requests_customer", "customer_id", "status"),
        sa.Index("ix_transfer_requests_region", "region", "requested_at", "transfer_id"),
        {"info": {"on_merge": "keep"}},
    )


class OwnershipChangeRecord(Base):
    """One change of an account's owner (the first owner has an empty `from_owner_id`)."""

    __tablename__ = "ownership_history"

    change_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("customers.customer_id", ondelete="CASCADE")
    )
    region: Mapped[str] = mapped_column(sa.String(32))
    from_owner_id: Mapped[str] = mapped_column(sa.String(100))
    to_owner_id: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.String(500))
    transfer_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    changed_by: Mapped[str] = mapped_column(sa.String(100))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_ownership_history_customer", "customer_id", "changed_at", "change_id"),
        {"info": {"on_merge": "keep"}},
    )
