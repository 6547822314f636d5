"""The pipeline's local copies of other services' records (event-carried state).

`CustomerCopyRecord` is fed by `customers.customer.created/updated/merged`
and answers "does this customer exist, in which region, who owns it";
`CertificationCopyRecord` is fed by `training.certification.*` and answers
"is this rep certified for this product line today". Each row remembers the
occurrence time of the event that last wrote it, so a late, older event
never overwrites a newer one; a merge and a revocation are final.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.pipeline.models.base import Base


class CustomerCopyRecord(Base):
    """A customer account as the customers service last described it."""

    __tablename__ = "customer_copies"

    customer_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    owner_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # Set when the account was merged into another: the survivor's id.
    merged_into: Mapped[str] = mapped_column(sa.String(100), default="")
    # False for a row that only records a merge we heard of before the account itself.
    known: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    source_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_customer_copies_merged_into", "merged_into"),)


class CertificationCopyRecord(Base):
    """A rep's certification for a product line, as training last described it."""

    __tablename__ = "certification_copies"

    certification_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    product_line: Mapped[str] = mapped_column(sa.String(100))
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    # granted, expired or revoked
    status: Mapped[str] = mapped_column(sa.String(16))
    source_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_certification_copies_rep", "rep_id", "product_line"),)
