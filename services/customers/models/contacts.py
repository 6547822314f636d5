"""Contacts: the people at a customer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.customers.models.base import Base
from services.kit.db import UTCDateTime

if TYPE_CHECKING:
    from services.customers.models.accounts import CustomerRecord


class ContactRecord(Base):
    """A person at a customer."""

    __tablename__ = "contacts"

    contact_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("customers.customer_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    customer: Mapped[CustomerRecord] = relationship(back_populates="contacts")
