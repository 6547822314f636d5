"""The declarative base of the training database (owned by services/training/migrations)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
