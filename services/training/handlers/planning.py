"""Planning's people, kept as the training service's local copy (the kit's rep directory).

Enrollments name the rep's team and region, managers assign to the reps below
them, readiness groups by team: all read this copy.
"""

from __future__ import annotations

from services.kit.rep_handlers import RepDirectoryHandlers
from services.training.models.core import RepRecord


class PlanningRepHandlers(RepDirectoryHandlers):
    """`planning.rep.hired`, `.assigned` and `.left` applied to `reps`."""

    rep_model = RepRecord
