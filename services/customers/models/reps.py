"""The customers service's copy of planning's reps (the kit's rep directory).

Filled by `handlers/planning.py`; read to find an account owner's manager
(who decides transfer requests) and whether a new owner is a rep of the
account's region who has not left.
"""

from __future__ import annotations

from services.customers.models.base import Base
from services.kit.rep_directory import REPS_TABLE, RepDirectoryColumns


class RepRecord(RepDirectoryColumns, Base):
    """A salesperson as planning last described them."""

    __tablename__ = REPS_TABLE
