"""Leads in the pipeline database, the regions' first-contact SLAs and territories' routing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.pipeline.models.base import Base


class LeadRecord(Base):
    """A lead, as the pipeline keeps it."""

    __tablename__ = "leads"

    lead_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    company_name: Mapped[str] = mapped_column(sa.String(200))
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    contact_title: Mapped[str] = mapped_column(sa.String(200), default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    industry: Mapped[str] = mapped_column(sa.String(100), default="")
    source: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16))
    # Empty while the lead waits in the unassigned queue.
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    disqualify_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    qualified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    # --- 0003_lead_routing
    campaign: Mapped[str] = mapped_column(sa.String(100), default="")
    company_size: Mapped[str] = mapped_column(sa.String(16), default="")
    score: Mapped[int] = mapped_column(sa.Integer, default=0)
    # JSON list of {"rule", "points"}: the reasons are read with the lead, never queried.
    score_reasons: Mapped[str] = mapped_column(sa.Text, default="[]")
    assignment_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    territory_id: Mapped[str] = mapped_column(sa.String(100), default="")
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contacted_by: Mapped[str] = mapped_column(sa.String(100), default="")
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Matching keys (services.kit.normalize) for duplicate detection; "" when absent.
    email_key: Mapped[str] = mapped_column(sa.String(254), default="")
    phone_key: Mapped[str] = mapped_column(sa.String(40), default="")
    name_key: Mapped[str] = mapped_column(sa.String(200), default="")

    __table_args__ = (
        sa.Index("ix_leads_region_created", "region", "created_at", "lead_id"),
        sa.Index("ix_leads_region_status_created", "region", "status", "created_at", "lead_id"),
        sa.Index("ix_leads_owner", "owner_id", "created_at"),
        sa.Index("ix_leads_region_email_key", "region", "email_key"),
        sa.Index("ix_leads_region_phone_key", "region", "phone_key"),
        sa.Index("ix_leads_region_name_key", "region", "name_key"),
        sa.Index("ix_leads_owner_status", "owner_id", "status"),
        sa.Index("ix_leads_sla_due", "sla_due_at"),
    )


class LeadSlaPolicyRecord(Base):
    """A region's first-contact SLA; regions without one use SALESOPS_LEAD_SLA_HOURS."""

    __tablename__ = "lead_sla_policies"

    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    hours: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))


class TerritoryLeadRoutingRecord(Base):
    """How a territory routes leads, and whose turn it is (the pipeline's own data).

    Kept apart from planning's copy of the territory: planning owns the rules
    and reps, the pipeline owns how it hands out leads. A territory without a
    row routes by most spare capacity.
    """

    __tablename__ = "territory_lead_routing"

    territory_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    strategy: Mapped[str] = mapped_column(sa.String(32))
    # The rep who got the territory's last round-robin lead.
    last_rep_id: Mapped[str] = mapped_column(sa.String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
