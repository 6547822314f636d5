"""The declarative base of the planning database (owned by services/planning/migrations)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
