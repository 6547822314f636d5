"""Customer accounts in the archive."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.customers.models.base import Base
from services.kit.db import UTCDateTime

if TYPE_CHECKING:
    from services.customers.models.contacts import ContactRecord
    from services.customers.models.segmentation import CustomerTagRecord


class CustomerRecord(Base):
    """A customer account in the archive.

    A merged account keeps its row with status "merged" and `merged_into`
    naming the survivor; every record that referred to it was moved there.
    """

    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    # The legal name, as given.
    name: Mapped[str] = mapped_column(sa.String(200))
    # services.kit.normalize.normalized_name(name): a duplicate key.
    normalized_name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    industry: Mapped[str] = mapped_column(sa.String(100), default="")
    # prospect, active, dormant, churned or merged
    status: Mapped[str] = mapped_column(sa.String(16))
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    source_lead_id: Mapped[str | None] = mapped_column(sa.String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    # Registration or tax id as given, and reduced for matching (normalized_tax_id).
    tax_id: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    tax_id_key: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    # Web domain, normalised (normalized_domain): a duplicate key as stored.
    domain: Mapped[str] = mapped_column(sa.String(253), default="", server_default="")
    # A size band ("1-49", "50-249", "250+") or "".
    company_size: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    street: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    postal_code: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    state_province: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # The group's parent account; no foreign key, so a merge can repoint freely.
    parent_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    # "A", "B", "C", or "" while no tier thresholds apply.
    tier: Mapped[str] = mapped_column(sa.String(1), default="", server_default="")
    potential_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    potential_currency: Mapped[str] = mapped_column(sa.String(3), default="", server_default="")
    merged_into: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    contacts: Mapped[list[ContactRecord]] = relationship(
        back_populates="customer", order_by="ContactRecord.created_at", lazy="selectin"
    )
    tag_rows: Mapped[list[CustomerTagRecord]] = relationship(
        order_by="CustomerTagRecord.tag", lazy="selectin", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.Index("ix_customers_region_created", "region", "created_at", "customer_id"),
        sa.Index("ix_customers_owner", "owner_id", "created_at"),
        sa.Index("ix_customers_normalized_name", "normalized_name"),
        sa.Index("ix_customers_domain", "domain"),
        sa.Index("ix_customers_tax_id_key", "tax_id_key"),
        sa.Index("ix_customers_parent", "parent_id"),
        sa.Index("ix_customers_merged_into", "merged_into"),
    )

    @property
    def tags(self) -> list[str]:
        """The account's tags, sorted."""
        return [row.tag for row in self.tag_rows]
