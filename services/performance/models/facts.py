"""The performance fact store: what the other services reported, kept to evaluate and pay.

Every row here is written by the performance worker from another service's
event and names the event it came from (`event_id`), so a KPI value, a
commission line or a violation can always be traced back to what happened.
No row is ever rewritten to change history: a cancelled contract adds
reversing credits, it does not delete the signed ones.

- `RepRecord` (`reps`): planning's people, the kit's rep directory; a rep's
  team and manager chain (for overlay credits and calibration).
- `FactRecord` (`facts`): one row per reported fact, by `kind`; the KPIs read
  these.
- `QuotaRecord` (`quotas`): each rep's share of each target, from
  `planning.target.allocated` (the latest allocation of a target replaces it).
- `CreditRecord` (`credits`): sales credits per contract, rep and product
  line, direct (the deal's splits) and overlay (the managers above); the
  commission engine reads these.
- `OpportunityStateRecord` (`opportunity_states`): the current state of each
  opportunity as far as supervision needs it (owner, status, value, close
  date, last activity), for pipeline coverage and the stale-deal inspection.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.kit.rep_directory import REPS_TABLE, RepDirectoryColumns
from services.performance.models.base import Base


class RepRecord(RepDirectoryColumns, Base):
    """A salesperson as planning last described them (columns from the kit's rep directory)."""

    __tablename__ = REPS_TABLE


class FactKind(StrEnum):
    """What a fact records, and which fields of `FactRecord` it fills.

    amount/currency: money; quantity: a count; value_bp: basis points;
    score: a small integer score; subject_id: the record the fact is about.
    """

    CONTRACT_SIGNED = "contract_signed"  # subject contract; amount = the rep's credited share
    CONTRACT_CANCELLED = "contract_cancelled"  # subject contract; amount negative
    NEW_CUSTOMER = (
        "new_customer"  # subject customer; quantity 1 (-1 when its first contract is cancelled)
    )
    OPPORTUNITY_WON = "opportunity_won"  # subject opportunity; amount = contract value
    OPPORTUNITY_LOST = "opportunity_lost"  # subject opportunity; amount = value at loss
    ACTIVITY = "activity"  # subject activity; detail = type; counted when completed or logged done
    LEAD_SLA_BREACHED = "lead_sla_breached"  # subject lead
    QUOTE_DISCOUNT = "quote_discount"  # subject quote; value_bp = effective discount
    SATISFACTION = "satisfaction"  # subject response; score = CSAT 1-5 (NPS answers: detail "nps")
    COURSE_COMPLETED = "course_completed"  # subject course; detail = course code
    CERTIFICATION_GRANTED = "certification_granted"  # subject certification; detail = product line
    CERTIFICATION_LAPSED = "certification_lapsed"  # expired or revoked


class FactRecord(Base):
    """One fact about one rep, traceable to the event that reported it."""

    __tablename__ = "facts"

    fact_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    event_type: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(32))
    region: Mapped[str] = mapped_column(sa.String(32))
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    # The rep's team when it happened ("" if unknown), for team KPIs and leaderboards.
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    subject_id: Mapped[str] = mapped_column(sa.String(100), default="")
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    currency: Mapped[str] = mapped_column(sa.String(3), default="")
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    quantity: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    value_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    score: Mapped[int] = mapped_column(sa.Integer, default=0)
    product_line: Mapped[str] = mapped_column(sa.String(100), default="")
    # A short free attribute (activity type, course code, competitor, ...).
    detail: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # QUOTE_DISCOUNT only (migration 0003): the authority that approved the discount, as
    # the pipeline reported it, so supervision can find discounts above it. detail = approver id.
    approver_role: Mapped[str] = mapped_column(sa.String(32), default="")
    approver_authority_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    approver_unlimited: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    __table_args__ = (
        sa.Index("ix_facts_rep_kind_day", "rep_id", "kind", "occurred_on"),
        sa.Index("ix_facts_region_kind_day", "region", "kind", "occurred_on"),
        sa.Index("ix_facts_kind_subject", "kind", "subject_id"),
        sa.Index("ix_facts_event", "event_id"),
    )


class QuotaRecord(Base):
    """A rep's share of one target of an approved plan, in the plan's currency or as a count."""

    __tablename__ = "quotas"

    target_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    plan_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    # revenue, units, new_customers, market_share_bp or activity_count
    metric: Mapped[str] = mapped_column(sa.String(24))
    product_line: Mapped[str] = mapped_column(sa.String(100), default="")
    currency: Mapped[str] = mapped_column(sa.String(3), default="")
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    quantity: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    # The occurrence time of the allocation that set it; an older one never overwrites it.
    source_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_quotas_rep_period", "rep_id", "period_code", "metric"),)


class CreditKind(StrEnum):
    DIRECT = "direct"  # the deal's own splits
    OVERLAY = "overlay"  # a manager above a credited rep


class CreditRecord(Base):
    """A sales credit: one rep's share of one product line of one contract.

    A reversal (a cancellation within the clawback window) is a new row with
    the amount negated and `reverses_credit_id` naming the credit it undoes.
    """

    __tablename__ = "credits"

    credit_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    contract_id: Mapped[str] = mapped_column(sa.String(36))
    opportunity_id: Mapped[str] = mapped_column(sa.String(36), default="")
    customer_id: Mapped[str] = mapped_column(sa.String(36), default="")
    region: Mapped[str] = mapped_column(sa.String(32))
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    kind: Mapped[str] = mapped_column(sa.String(16))
    # For overlay: the rep whose credit this rolls up from.
    from_rep_id: Mapped[str] = mapped_column(sa.String(100), default="")
    product_line: Mapped[str] = mapped_column(sa.String(100), default="")
    share_bp: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The day that decides the credit's period: signing, or cancellation for a reversal.
    credited_on: Mapped[date] = mapped_column(sa.Date)
    reverses_credit_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_credits_rep_day", "rep_id", "credited_on"),
        sa.Index("ix_credits_contract", "contract_id"),
        sa.Index("ix_credits_region_day", "region", "credited_on"),
    )


class OpportunityStateRecord(Base):
    """An opportunity as supervision and pipeline coverage need it."""

    __tablename__ = "opportunity_states"

    opportunity_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    owner_id: Mapped[str] = mapped_column(sa.String(100), default="")
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # open, won or lost
    status: Mapped[str] = mapped_column(sa.String(8), default="open")
    stage_id: Mapped[str] = mapped_column(sa.String(100), default="")
    currency: Mapped[str] = mapped_column(sa.String(3), default="")
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    probability_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    expected_close_date: Mapped[date | None] = mapped_column(sa.Date, default=None)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The latest activity logged on it (or its opening, if none yet).
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Set when won: the contract the win signed ("" = won without a contract).
    contract_id: Mapped[str] = mapped_column(sa.String(36), default="")
    # Occurrence time of the event that last set the figures; an older one never overwrites them.
    source_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_opportunity_states_owner", "owner_id", "status"),
        sa.Index("ix_opportunity_states_region", "region", "status", "last_activity_at"),
    )
