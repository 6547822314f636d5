"""Handlers of planning's rep events: the customers service's copy of the reps (from the kit).

The copy says who manages an account's owner (that manager decides transfer
requests) and whether a new owner is a rep of the account's region who has
not left. The guarded, order-tolerant upserts are the kit's rep directory,
shared with the pipeline.
"""

from __future__ import annotations

from services.customers.models.reps import RepRecord
from services.kit.rep_handlers import RepDirectoryHandlers


class PlanningHandlers(RepDirectoryHandlers):
    """`planning.rep.hired/assigned/left` kept in the customers service's `reps` table."""

    rep_model = RepRecord
