"""The catalog's own tables: learning paths (with their ordered items) and role skill profiles.

Courses and their modules are core tables (`models/core.py`): every area reads them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.training.models.base import Base


class PathPurpose(StrEnum):
    ONBOARDING = "onboarding"
    DEVELOPMENT = "development"
    RECERTIFICATION = "recertification"
    COMPLIANCE = "compliance"


class LearningPathRecord(Base):
    """An ordered set of courses for a role (and a region, "" = every region)."""

    __tablename__ = "learning_paths"

    path_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    role: Mapped[str] = mapped_column(sa.String(32))
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    purpose: Mapped[str] = mapped_column(sa.String(32))
    # active or retired
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (sa.Index("ix_learning_paths_role", "role", "region", "purpose"),)


class LearningPathItemRecord(Base):
    """A course of a learning path, at a position, required or optional."""

    __tablename__ = "learning_path_items"

    path_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.String(36))
    required: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    __table_args__ = (sa.Index("ix_learning_path_items_course", "course_id"),)


class SkillProfileRecord(Base):
    """A skill a role needs, at a level 1-5, in a region ("" = every region)."""

    __tablename__ = "skill_profiles"

    profile_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32))
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    skill: Mapped[str] = mapped_column(sa.String(64))
    level: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.UniqueConstraint("role", "region", "skill", name="uq_skill_profiles_role_skill"),
    )
