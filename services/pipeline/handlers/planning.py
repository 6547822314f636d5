"""Planning's people and territories, kept as the pipeline's local copy (event-carried state).

Lead routing reads this copy: which territories cover which customers, which
reps work them, and how many leads each rep can carry. Events may arrive late
or out of order, so every write is guarded: a rep row remembers the
occurrence time of the event that last wrote it and an older event never
overwrites it (it may only fill in who the rep is, which only a hire says); a
territory keeps its version and an older version is ignored. An event about a
rep the copy has not heard of creates the row, so a RepAssigned before its
RepHired loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import planning_events_pb2 as planning
from sqlalchemy.orm import Session

from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.worker import subscribe
from services.pipeline.domain.lead_routing import RepStatus
from services.pipeline.models.reps import RepRecord, TerritoryRecord, TerritoryRepRecord

_ASSIGNABLE_STATUSES = frozenset({RepStatus.ACTIVE.value, RepStatus.ON_LEAVE.value})


def _event_time(envelope: dict[str, Any]) -> datetime:
    happened = occurred_at(envelope)
    if happened is None:
        raise MalformedEvent("envelope occurred_at is not an ISO 8601 instant")
    return happened


def _required(value: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise MalformedEvent(f"{what} is empty")
    return cleaned


def _rep_for_update(
    session: Session, rep_id: str, region: str, at: datetime
) -> tuple[RepRecord, bool]:
    """The rep's row (locked) and whether `at` is at least as new as what wrote it last.

    A missing row is created, empty but for its id and region, and counts as older.
    """
    rep = session.get(RepRecord, rep_id, with_for_update=True)
    if rep is None:
        rep = RepRecord(
            rep_id=rep_id,
            name="",
            email="",
            region=region.strip().upper(),
            team_id="",
            manager_id="",
            role="rep",
            status=RepStatus.ACTIVE.value,
            capacity=0,
            source_occurred_at=at,
        )
        session.add(rep)
        return rep, True
    return rep, at >= rep.source_occurred_at


def apply_rep_hired(session: Session, envelope: dict[str, Any]) -> None:
    """`planning.rep.hired`: the rep joins, active, with their team, manager and capacity."""
    event = read_payload(envelope, planning.RepHired)
    at = _event_time(envelope)
    rep, newer = _rep_for_update(
        session, _required(event.rep_id, "RepHired.rep_id"), event.region, at
    )
    never_described = not rep.name and not rep.email
    if newer or never_described:
        # Only a hire says who the rep is: fill that in even from a late hire.
        rep.name = event.name.strip()
        rep.email = event.email.strip().lower()
        rep.role = event.role.strip().lower() or "rep"
    if not newer:
        return
    rep.region = event.region.strip().upper() or rep.region
    rep.team_id = event.team_id.strip()
    rep.manager_id = event.manager_id.strip()
    rep.capacity = max(0, event.capacity)
    rep.status = RepStatus.ACTIVE.value
    rep.source_occurred_at = at


def apply_rep_assigned(session: Session, envelope: dict[str, Any]) -> None:
    """`planning.rep.assigned`: the rep's team, manager, capacity or availability changed."""
    event = read_payload(envelope, planning.RepAssigned)
    at = _event_time(envelope)
    status = event.status.strip().lower()
    if status and status not in _ASSIGNABLE_STATUSES:
        raise MalformedEvent(
            f"RepAssigned.status is {event.status!r}; expected one of "
            f"{', '.join(sorted(_ASSIGNABLE_STATUSES))}"
        )
    rep_id = _required(event.rep_id, "RepAssigned.rep_id")
    rep, newer = _rep_for_update(session, rep_id, event.region, at)
    if not newer:
        return
    rep.region = event.region.strip().upper() or rep.region
    rep.team_id = event.team_id.strip()
    rep.manager_id = event.manager_id.strip()
    rep.capacity = max(0, event.capacity)
    if status:
        rep.status = status
    rep.source_occurred_at = at


def apply_rep_left(session: Session, envelope: dict[str, Any]) -> None:
    """`planning.rep.left`: the rep gets no more leads (their open leads stay theirs)."""
    event = read_payload(envelope, planning.RepLeft)
    at = _event_time(envelope)
    rep, newer = _rep_for_update(
        session, _required(event.rep_id, "RepLeft.rep_id"), event.region, at
    )
    if not newer:
        return
    rep.status = RepStatus.LEFT.value
    rep.source_occurred_at = at


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


class PlanningHandlers:
    """The pipeline worker's handlers of planning's rep and territory events."""

    @subscribe("planning", "rep.hired")
    def on_rep_hired(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_rep_hired(session, envelope)

    @subscribe("planning", "rep.assigned")
    def on_rep_assigned(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_rep_assigned(session, envelope)

    @subscribe("planning", "rep.left")
    def on_rep_left(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_rep_left(session, envelope)

    @subscribe("planning", "territory.changed")
    def on_territory_changed(self, session: Session, envelope: dict[str, Any]) -> None:
        apply_territory_changed(session, envelope)
