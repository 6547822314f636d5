"""The declarative base of the customers database (owned by services/customers/migrations)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
