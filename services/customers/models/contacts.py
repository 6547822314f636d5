"""Contacts: the people at a customer, their buying role and how they wish to be reached.

A contact has no region of its own: it is the customer's, so a contact can
never drift into another region than its account. An erased contact keeps its
row (without personal data) so counts and references stay whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.customers.models.base import Base
from services.kit.db import UTCDateTime

if TYPE_CHECKING:
    from services.customers.models.accounts import CustomerRecord


def _created_at(context: Any) -> Any:
    """A row inserted without an update time (opened from a lead) was last updated when created."""
    return context.get_current_parameters()["created_at"]


class ContactRecord(Base):
    """A person at a customer."""

    __tablename__ = "contacts"

    contact_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("customers.customer_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    # Case-folded (services.kit.normalize.normalized_email).
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # Digits, with a leading "+" when international (services.kit.normalize.normalized_phone).
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # domain.contacts.BuyingRole, or "" when not known.
    buying_role: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")
    # domain.contacts.ContactChannel, or "" for no preference.
    preferred_channel: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    # BCP 47 tag, or "".
    language: Mapped[str] = mapped_column(sa.String(35), default="", server_default="")
    do_not_contact: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    created_by: Mapped[str] = mapped_column(
        sa.String(100), default="system", server_default="system"
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_created_at)
    updated_by: Mapped[str] = mapped_column(
        sa.String(100), default="system", server_default="system"
    )
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    erased_by: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")

    customer: Mapped[CustomerRecord] = relationship(back_populates="contacts")

    @property
    def erased(self) -> bool:
        return self.erased_at is not None
