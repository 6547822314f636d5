"""Planning's people and territories, kept as the pipeline's local copy (event-carried state).

Lead routing reads this copy: which territories cover which customers, which
reps work them, and how many leads each rep can carry. Events may arrive late
or out of order, so every write is guarded. The reps are the kit's rep
directory (`services.kit.rep_directory`, shared with the customers service):
a rep row remembers the occurrence time of the event that last wrote it. A
territory keeps its version and an older version is ignored.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import planning_events_pb2 as planning
from sqlalchemy.orm import Session

from services.kit import rep_directory
from services.kit.events import MalformedEvent, read_payload
from services.kit.rep_handlers import RepDirectoryHandlers
from services.kit.worker import subscribe
from services.pipeline.models.reps import RepRecord, TerritoryRecord, TerritoryRepRecord

# Kept as module functions: tests and benchmarks apply planning's events directly.
apply_rep_hired = partial(rep_directory.apply_rep_hired, RepRecord)
apply_rep_assigned = partial(rep_directory.apply_rep_assigned, RepRecord)
apply_rep_left = partial(rep_directory.apply_rep_left, RepRecord)


def _required(value: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise MalformedEvent(f"{what} is empty")
    return cleaned


def _rule(values: Any, transform: Any) -> str:
    return ",".join(sorted({transform(v.strip()) for v in values if v.strip()}))


def apply_territory_changed(session: Session, envelope: dict[str, Any]) -> None:
    """`planning.territory.changed`: a territory's rules or reps, or its removal.

    Versions order the changes; a version not newer than the stored one is ignored.
    """
    event = read_payload(envelope, planning.TerritoryChanged)
    territory_id = _required(event.territory_id, "TerritoryChanged.territory_id")
    territory = session.get(TerritoryRecord, territory_id, with_for_update=True)
    if territory is None:
        territory = TerritoryRecord(territory_id=territory_id)
        session.add(territory)
    elif event.version <= territory.version:
        return
    territory.name = event.name.strip()
    territory.region = _required(event.region, "TerritoryChanged.region").upper()
    territory.countries = _rule(event.rules.countries, str.upper)
    territory.industries = _rule(event.rules.industries, lambda v: " ".join(v.lower().split()))
    territory.company_sizes = _rule(event.rules.company_sizes, lambda v: v.replace(" ", ""))
    territory.removed = event.removed
    territory.version = event.version
    session.flush()
    session.execute(
        sa.delete(TerritoryRepRecord).where(TerritoryRepRecord.territory_id == territory_id)
    )
    rep_ids = sorted({rep_id.strip() for rep_id in event.rep_ids if rep_id.strip()})
    if rep_ids:
        session.execute(
            sa.insert(TerritoryRepRecord),
            [{"territory_id": territory_id, "rep_id": rep_id} for rep_id in rep_ids],
        )


class PlanningHandlers(RepDirectoryHandlers):
    """The pipeline worker's handlers of planning's rep (from the kit) and territory events."""

    rep_model = RepRecord

    @subscribe("planning", "territory.changed")
    def on_territory_changed(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_territory_changed(session, envelope)
