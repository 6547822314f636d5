"""Coaching sessions and their action items, and who may coach whom (the manager chain)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.training.models.base import Base


class CoachingSessionRecord(Base):
    """A session between a coach (a manager above the rep, or a director) and a rep."""

    __tablename__ = "coaching_sessions"

    session_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    coach_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    session_date: Mapped[date] = mapped_column(sa.Date)
    focus_skill: Mapped[str] = mapped_column(sa.String(64))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.Index("ix_coaching_sessions_rep", "rep_id", "session_date"),
        sa.Index("ix_coaching_sessions_region", "region", "team_id"),
    )


class CoachingActionRecord(Base):
    """An action item of a session, owned by the rep or the coach."""

    __tablename__ = "coaching_actions"

    action_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(sa.String(36))
    position: Mapped[int] = mapped_column(sa.Integer)
    description: Mapped[str] = mapped_column(sa.Text)
    # rep or manager
    owner: Mapped[str] = mapped_column(sa.String(16))
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    due_on: Mapped[date] = mapped_column(sa.Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    completed_by: Mapped[str] = mapped_column(sa.String(100), default="")

    __table_args__ = (
        sa.Index("ix_coaching_actions_session", "session_id", "position"),
        sa.Index("ix_coaching_actions_open", "completed_at", "due_on"),
    )
