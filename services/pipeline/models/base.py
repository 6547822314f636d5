"""The declarative base of the pipeline database (owned by services/pipeline/migrations)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
