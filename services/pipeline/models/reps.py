"""The pipeline's local copy of planning's people and territories (event-carried state).

Filled by the `planning.rep.*` and `planning.territory.changed` handlers; read
by lead routing and by the rules that need a rep's team and manager. Each row
remembers the occurrence time (or version) of the event that last wrote it,
so a late, older event never overwrites a newer one.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.rep_directory import REPS_TABLE, RepDirectoryColumns
from services.pipeline.models.base import Base


class RepRecord(RepDirectoryColumns, Base):
    """A salesperson as planning last described them (columns from the kit's rep directory)."""

    __tablename__ = REPS_TABLE


class TerritoryRecord(Base):
    """A territory: the customers it covers (rules) in a region."""

    __tablename__ = "territories"

    territory_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    region: Mapped[str] = mapped_column(sa.String(32))
    # Comma-separated, upper-case ISO codes; empty matches any country.
    countries: Mapped[str] = mapped_column(sa.Text, default="")
    # Comma-separated, lower-case; empty matches any industry.
    industries: Mapped[str] = mapped_column(sa.Text, default="")
    # Comma-separated size bands; empty matches any size.
    company_sizes: Mapped[str] = mapped_column(sa.Text, default="")
    removed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    __table_args__ = (sa.Index("ix_territories_region", "region", "removed"),)


class TerritoryRepRecord(Base):
    """A rep who works a territory."""

    __tablename__ = "territory_reps"

    territory_id: Mapped[str] = mapped_column(
        sa.String(100),
        sa.ForeignKey("territories.territory_id", ondelete="CASCADE"),
        primary_key=True,
    )
    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
