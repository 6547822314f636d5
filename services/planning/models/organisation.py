"""The organisation: org units, people, their assignment history, territories and their reps."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.planning.models.base import Base


class OrgUnitRecord(Base):
    """A node of the organisation tree (company, region, area, team)."""

    __tablename__ = "org_units"

    unit_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    parent_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    region: Mapped[str] = mapped_column(sa.String(32))
    manager_id: Mapped[str] = mapped_column(sa.String(100), default="")
    kind: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class PersonRecord(Base):
    """A rep, manager or director, and their current assignment."""

    __tablename__ = "people"

    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    role: Mapped[str] = mapped_column(sa.String(16))
    team_unit_id: Mapped[str] = mapped_column(sa.String(36))
    manager_id: Mapped[str] = mapped_column(sa.String(100), default="")
    region: Mapped[str] = mapped_column(sa.String(32))
    hire_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(16))
    capacity: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RepAssignmentRecord(Base):
    """A period a person spent in a unit; the open one has no `effective_to`."""

    __tablename__ = "rep_assignments"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    unit_id: Mapped[str] = mapped_column(sa.String(36))
    effective_from: Mapped[date] = mapped_column(sa.Date)
    effective_to: Mapped[date | None] = mapped_column(sa.Date, default=None)


class TerritoryRecord(Base):
    """A territory: rules (comma-separated lists), market potential, version."""

    __tablename__ = "territories"

    territory_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    region: Mapped[str] = mapped_column(sa.String(32))
    countries: Mapped[str] = mapped_column(sa.Text, default="")
    industries: Mapped[str] = mapped_column(sa.Text, default="")
    company_sizes: Mapped[str] = mapped_column(sa.Text, default="")
    market_potential_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    currency: Mapped[str] = mapped_column(sa.String(3))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    removed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TerritoryRepRecord(Base):
    """A rep who works a territory."""

    __tablename__ = "territory_reps"

    territory_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
