"""Survey responses, and the customers service's copy of after-sales cases."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.customers.models.base import Base
from services.kit.db import UTCDateTime


class SurveyResponseRecord(Base):
    """A customer's answer to a CSAT (1-5) or NPS (0-10) question.

    `customer_id` carries no foreign key: a score from a resolved case may
    arrive before the account it belongs to, and a merge repoints the column.
    """

    __tablename__ = "survey_responses"

    response_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    contact_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # csat or nps
    kind: Mapped[str] = mapped_column(sa.String(8))
    score: Mapped[int] = mapped_column(sa.Integer)
    # email, phone, web, in_app, in_person or case
    channel: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # api, import or case
    source: Mapped[str] = mapped_column(sa.String(16))
    case_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # The survey tool's id of the response; NULL when not given.
    external_id: Mapped[str | None] = mapped_column(sa.String(100))
    # The event that carried the score (source case); NULL otherwise.
    source_event_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'csat' AND score BETWEEN 1 AND 5)"
            " OR (kind = 'nps' AND score BETWEEN 0 AND 10)",
            name="score_range",
        ),
        sa.UniqueConstraint("external_id", name="uq_survey_responses_external_id"),
        sa.UniqueConstraint("source_event_id", name="uq_survey_responses_source_event_id"),
        # NPS and CSAT figures: responses of a kind given in a period, per region.
        sa.Index("ix_survey_responses_kind_responded", "kind", "responded_at", "region"),
        # The health score: an account's responses of a kind in a window.
        sa.Index("ix_survey_responses_customer", "customer_id", "kind", "responded_at"),
        sa.Index("ix_survey_responses_region_created", "region", "created_at", "response_id"),
    )


class CaseCopyRecord(Base):
    """What the health score needs of an after-sales case, from `pipeline.case.*` events.

    Events may arrive out of order: a resolution is never undone by a late
    `case.opened`, and each event fills only what it knows.
    """

    __tablename__ = "case_copies"

    case_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    priority: Mapped[str] = mapped_column(sa.String(16), default="")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by `pipeline.case.resolved`; a case without it is open.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction_score: Mapped[int | None] = mapped_column(sa.Integer)

    __table_args__ = (sa.Index("ix_case_copies_customer", "customer_id", "resolved_at"),)
