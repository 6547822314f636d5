"""The worker handlers that keep a service's copy of planning's reps (see `rep_directory`).

A service extends `RepDirectoryHandlers` in its `handlers/planning.py` and
names its model:

    class PlanningHandlers(RepDirectoryHandlers):
        rep_model = RepRecord

The kit's class itself is never composed into a worker (only classes defined
in a service's handlers package are), so each service gets its own queues.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.orm import Session

from services.kit.rep_directory import (
    RepDirectoryColumns,
    apply_rep_assigned,
    apply_rep_hired,
    apply_rep_left,
)
from services.kit.worker import subscribe


class RepDirectoryHandlers:
    """`planning.rep.hired/assigned/left` applied to the service's `rep_model` table."""

    rep_model: ClassVar[type[RepDirectoryColumns]]

    @subscribe("planning", "rep.hired")
    def on_rep_hired(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_rep_hired(self.rep_model, session, envelope)

    @subscribe("planning", "rep.assigned")
    def on_rep_assigned(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_rep_assigned(self.rep_model, session, envelope)

    @subscribe("planning", "rep.left")
    def on_rep_left(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_rep_left(self.rep_model, session, envelope)
