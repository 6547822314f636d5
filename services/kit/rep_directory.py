"""A service's local copy of planning's reps (event-carried state), shared by every service.

Several services need to know who a rep is, their region, team and manager:
the pipeline routes leads and lets a manager change their team's deals, the
customers service lets the owner's manager approve account transfers. Each
keeps its own `reps` table (no service reads another's database), built from
`planning.rep.hired`, `planning.rep.assigned` and `planning.rep.left`:

- `RepDirectoryColumns`: the declarative mixin a service's model extends
  (`class RepRecord(RepDirectoryColumns, Base)`), with its indexes;
  `create_reps_table()` builds the same table in a migration.
- `apply_rep_hired`, `apply_rep_assigned`, `apply_rep_left`: the guarded
  upserts. Events may arrive late or out of order: a row remembers the
  occurrence time of the event that last wrote it and an older event never
  overwrites it (it may only fill in who the rep is, which only a hire says);
  an event about a rep the copy has not heard of creates the row, so a
  RepAssigned before its RepHired loses nothing.
- `services.kit.rep_handlers.RepDirectoryHandlers`: the three `@subscribe`
  handlers, for a service's `handlers/planning.py` to extend with its model.

Nothing here imports nameko, so models and api modules may use it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import op
from salesops.events.v1 import planning_events_pb2 as planning
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from services.kit.db import UTCDateTime
from services.kit.events import MalformedEvent, occurred_at, read_payload

REPS_TABLE = "reps"


class RepStatus(StrEnum):
    """A rep's standing as planning reports it."""

    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    LEFT = "left"


# What a RepAssigned may say about availability; leaving is its own event.
ASSIGNABLE_STATUSES = frozenset({RepStatus.ACTIVE.value, RepStatus.ON_LEAVE.value})


class RepDirectoryColumns:
    """The columns and indexes of a service's copy of planning's reps (a declarative mixin)."""

    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    region: Mapped[str] = mapped_column(sa.String(32))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    manager_id: Mapped[str] = mapped_column(sa.String(100), default="")
    role: Mapped[str] = mapped_column(sa.String(32), default="rep")
    # active, on_leave or left
    status: Mapped[str] = mapped_column(sa.String(16), default=RepStatus.ACTIVE.value)
    capacity: Mapped[int] = mapped_column(sa.Integer, default=0)
    source_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[sa.Index, ...]:
        # Built per model: an Index object belongs to exactly one table.
        return tuple(sa.Index(name, *columns) for name, columns in _INDEXES)


_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ix_reps_region_status", ("region", "status")),
    ("ix_reps_team", ("team_id",)),
    ("ix_reps_manager", ("manager_id",)),
)


def create_reps_table() -> None:
    """Create the `reps` table and its indexes in an Alembic migration (as the mixin declares)."""
    op.create_table(
        REPS_TABLE,
        sa.Column("rep_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
    )
    for name, columns in _INDEXES:
        op.create_index(name, REPS_TABLE, list(columns))


def drop_reps_table() -> None:
    """Drop what `create_reps_table()` created."""
    op.drop_table(REPS_TABLE)


R = TypeVar("R", bound=RepDirectoryColumns)


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
    session: Session, model: type[R], rep_id: str, region: str, at: datetime
) -> tuple[R, bool]:
    """The rep's row (locked) and whether `at` is at least as new as what wrote it last.

    A missing row is created, empty but for its id and region, and counts as older.
    """
    rep = session.get(model, rep_id, with_for_update=True)
    if rep is None:
        rep = model()
        rep.rep_id = rep_id
        rep.name = rep.email = rep.team_id = rep.manager_id = ""
        rep.region = region.strip().upper()
        rep.role = "rep"
        rep.status = RepStatus.ACTIVE.value
        rep.capacity = 0
        rep.source_occurred_at = at
        session.add(rep)
        return rep, True
    return rep, at >= rep.source_occurred_at


def apply_rep_hired(model: type[R], session: Session, envelope: dict[str, Any]) -> None:
    """`planning.rep.hired`: the rep joins, active, with their team, manager and capacity."""
    event = read_payload(envelope, planning.RepHired)
    at = _event_time(envelope)
    rep, newer = _rep_for_update(
        session, model, _required(event.rep_id, "RepHired.rep_id"), event.region, at
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


def apply_rep_assigned(model: type[R], session: Session, envelope: dict[str, Any]) -> None:
    """`planning.rep.assigned`: the rep's team, manager, capacity or availability changed."""
    event = read_payload(envelope, planning.RepAssigned)
    at = _event_time(envelope)
    status = event.status.strip().lower()
    if status and status not in ASSIGNABLE_STATUSES:
        raise MalformedEvent(
            f"RepAssigned.status is {event.status!r}; expected one of "
            f"{', '.join(sorted(ASSIGNABLE_STATUSES))}"
        )
    rep_id = _required(event.rep_id, "RepAssigned.rep_id")
    rep, newer = _rep_for_update(session, model, rep_id, event.region, at)
    if not newer:
        return
    rep.region = event.region.strip().upper() or rep.region
    rep.team_id = event.team_id.strip()
    rep.manager_id = event.manager_id.strip()
    rep.capacity = max(0, event.capacity)
    if status:
        rep.status = status
    rep.source_occurred_at = at


def apply_rep_left(model: type[R], session: Session, envelope: dict[str, Any]) -> None:
    """`planning.rep.left`: the rep left (what they own stays theirs until reassigned)."""
    event = read_payload(envelope, planning.RepLeft)
    at = _event_time(envelope)
    rep, newer = _rep_for_update(
        session, model, _required(event.rep_id, "RepLeft.rep_id"), event.region, at
    )
    if not newer:
        return
    rep.status = RepStatus.LEFT.value
    rep.source_occurred_at = at


# --- walking the manager chains ------------------------------------------------------------

# Deeper than any sales organisation; bounds a walk over data that might loop.
MAX_CHAIN_LEVELS = 20


def manager_chain(
    rep_model: type[RepDirectoryColumns],
    session: Session,
    rep_id: str,
    levels: int = MAX_CHAIN_LEVELS,
) -> list[str]:
    """The managers above `rep_id`, nearest first, at most `levels` of them.

    Follows `manager_id` upwards; stops at a rep with no manager, a manager
    the directory does not know beyond their id (they are still listed), or
    a loop in the data (a manager never appears twice, and the rep never
    appears in their own chain).
    """
    chain: list[str] = []
    seen = {rep_id}
    current = rep_id
    while len(chain) < levels:
        manager_id = session.scalar(
            sa.select(rep_model.manager_id).where(rep_model.rep_id == current)
        )
        if not manager_id or manager_id in seen:
            break
        chain.append(manager_id)
        seen.add(manager_id)
        current = manager_id
    return chain


def reps_managed_by(
    rep_model: type[RepDirectoryColumns],
    session: Session,
    manager_id: str,
    levels: int = MAX_CHAIN_LEVELS,
) -> set[str]:
    """Every rep below `manager_id` (not the manager) in the manager chains, to `levels` deep."""
    found: set[str] = set()
    frontier = {manager_id}
    for _ in range(levels):
        below = set(
            session.scalars(sa.select(rep_model.rep_id).where(rep_model.manager_id.in_(frontier)))
        )
        frontier = below - found - {manager_id}
        if not frontier:
            break
        found |= frontier
    return found
