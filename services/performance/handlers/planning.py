"""Planning's people, kept as the performance service's local copy (the kit's rep directory).

Overlay credits go up a rep's manager chain, scorecards and leaderboards group
by team, evaluations are written by the rep's manager: all read this copy.
"""

from __future__ import annotations

from services.kit.rep_handlers import RepDirectoryHandlers
from services.performance.models.facts import RepRecord


class PlanningRepHandlers(RepDirectoryHandlers):
    """`planning.rep.hired`, `.assigned` and `.left` applied to `reps`."""

    rep_model = RepRecord
