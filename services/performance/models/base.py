"""The declarative base of the performance database (owned by services/performance/migrations)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
