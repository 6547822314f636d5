"""The audit of data-subject requests: every export and erasure of a contact.

Append-only: the ORM refuses to change or delete a row, so the record of who
saw or erased a person's data cannot be rewritten by the application. The
rows hold no personal data of the contact, only ids and counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime
from services.kit.schema import BigId


class PrivacyAuditRecord(Base):
    """One export or erasure: who, when, under which request id, and what it covered."""

    __tablename__ = "privacy_audit"

    sequence: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    # "export" or "erase"
    action: Mapped[str] = mapped_column(sa.String(16))
    contact_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    customer_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(100))
    # The actor's roles, comma-separated, as they were at the time.
    actor_roles: Mapped[str] = mapped_column(sa.String(200))
    # The caller's x-request-id.
    request_id: Mapped[str] = mapped_column(sa.String(100))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # JSON: what the request covered (counts, or "already_erased").
    detail: Mapped[str] = mapped_column(sa.Text)

    # A merge of accounts leaves the audit as it was written: it records what
    # happened then, under the account the contact belonged to then.
    __table_args__ = {"info": {"on_merge": "keep"}}


def _refuse_change(_mapper: Any, _connection: Any, target: PrivacyAuditRecord) -> None:
    raise PermissionError(f"the privacy audit is append-only (record {target.audit_id})")


event.listen(PrivacyAuditRecord, "before_update", _refuse_change)
event.listen(PrivacyAuditRecord, "before_delete", _refuse_change)
