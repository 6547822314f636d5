"""The training service's core tables, shared by its areas.

- `RepRecord` (`reps`): planning's people, the kit's rep directory (role,
  team, manager, region of each rep).
- `CourseRecord` (`courses`) and `CourseModuleRecord`: the catalog.
- `EnrollmentRecord` (`enrollments`): a rep's enrollment in a course, however
  it came about (`source`), with the reason it exists.
- `CertificationRecord` (`certifications`): a certification a rep holds for
  a product line, valid for a period.

The catalog, enrollment, assessment, certification, coaching and readiness
areas all read and write these rows; each area keeps its other tables in
its own module.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit import rep_directory
from services.kit.db import UTCDateTime
from services.kit.rep_directory import REPS_TABLE, RepDirectoryColumns
from services.training.models.base import Base


class RepRecord(RepDirectoryColumns, Base):
    """A salesperson as planning last described them (columns from the kit's rep directory)."""

    __tablename__ = REPS_TABLE


# The kit's walks over the manager chains, on this service's reps copy.
manager_chain = partial(rep_directory.manager_chain, RepRecord)
reps_managed_by = partial(rep_directory.reps_managed_by, RepRecord)


class CourseCategory(StrEnum):
    PRODUCT_KNOWLEDGE = "product_knowledge"
    SELLING_SKILLS = "selling_skills"
    SALES_PROCESS = "sales_process"
    COMPLIANCE_ETHICS = "compliance_ethics"


class CourseRecord(Base):
    """A course of the catalog. Lists are stored as comma-separated, normalised codes."""

    __tablename__ = "courses"

    course_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(32))
    # e_learning, classroom, webinar, on_the_job
    format: Mapped[str] = mapped_column(sa.String(16))
    duration_minutes: Mapped[int] = mapped_column(sa.Integer)
    # Skills taught, each "skill:level" (level 1-5), e.g. "negotiation:2".
    skills: Mapped[str] = mapped_column(sa.Text, default="")
    product_lines: Mapped[str] = mapped_column(sa.Text, default="")
    # Course codes that must be completed first.
    prerequisites: Mapped[str] = mapped_column(sa.Text, default="")
    # A passed assessment of the course completes the enrollment.
    completes_on_assessment: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Set for a certification course: passing it grants this product line's certification.
    certifies_product_line: Mapped[str] = mapped_column(sa.String(100), default="")
    certification_valid_months: Mapped[int] = mapped_column(sa.Integer, default=0)
    # "" = every region.
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    # active or retired
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class CourseModuleRecord(Base):
    """A module of a course, in order."""

    __tablename__ = "course_modules"

    module_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(200))
    duration_minutes: Mapped[int] = mapped_column(sa.Integer, default=0)


class EnrollmentSource(StrEnum):
    MANAGER = "manager"  # assigned by a manager (or director)
    RULE = "rule"  # assigned by an assignment rule reacting to an event
    SELF = "self"  # the rep enrolled themself


class EnrollmentStatus(StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"
    WAIVED = "waived"


OPEN_ENROLLMENT_STATUSES = frozenset(
    {EnrollmentStatus.ASSIGNED, EnrollmentStatus.IN_PROGRESS, EnrollmentStatus.OVERDUE}
)


class EnrollmentRecord(Base):
    """A rep's enrollment in a course.

    `open_course_id` equals `course_id` while the enrollment is open
    (assigned, in progress or overdue) and is NULL once it is completed or
    waived: the unique index on (rep_id, open_course_id) keeps a rep from
    holding two open enrollments in one course, on SQLite and PostgreSQL
    alike, however many events ask for one.
    """

    __tablename__ = "enrollments"

    enrollment_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    course_id: Mapped[str] = mapped_column(sa.String(36))
    open_course_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    # The learning path it belongs to, if assigned as part of one.
    path_id: Mapped[str] = mapped_column(sa.String(36), default="")
    required: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    source: Mapped[str] = mapped_column(sa.String(16))
    # Why it exists, in words ("onboarding path for role rep", "gap in win_rate → negotiation").
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The assignment rule and the event that caused it, for a rule enrollment.
    rule_id: Mapped[str] = mapped_column(sa.String(36), default="")
    source_event_id: Mapped[str] = mapped_column(sa.String(64), default="")
    assigned_by: Mapped[str] = mapped_column(sa.String(100))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    progress_pct: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[str] = mapped_column(sa.String(16))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The best passed assessment score, basis points, when completion came from one.
    score_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    waived_by: Mapped[str] = mapped_column(sa.String(100), default="")
    waive_reason: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.UniqueConstraint("rep_id", "open_course_id", name="uq_enrollments_open_course"),
        sa.Index("ix_enrollments_rep", "rep_id", "status"),
        sa.Index("ix_enrollments_region", "region", "status", "due_on"),
        sa.Index("ix_enrollments_course", "course_id"),
    )


class CertificationStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class CertificationRecord(Base):
    """A certification a rep holds for a product line, valid from a day until a day (inclusive)."""

    __tablename__ = "certifications"

    certification_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    product_line: Mapped[str] = mapped_column(sa.String(100))
    course_id: Mapped[str] = mapped_column(sa.String(36), default="")
    enrollment_id: Mapped[str] = mapped_column(sa.String(36), default="")
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(16))
    # The day `training.certification.expiring` was sent for this validity (once).
    expiring_notified_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    revoked_by: Mapped[str] = mapped_column(sa.String(100), default="")
    revoke_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.Index("ix_certifications_rep", "rep_id", "product_line", "status"),
        sa.Index("ix_certifications_expiry", "status", "valid_until"),
        sa.Index("ix_certifications_region", "region", "product_line", "status"),
    )
