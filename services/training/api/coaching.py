"""CoachingService: sessions between a coach and a rep, and their action items.

Who does what (`domain.coaching`): a manager above the rep, or a director or
admin of the rep's region, records and changes sessions and completes any
action; the rep reads their own sessions and completes the actions they own.
Reading: a rep their own sessions, a manager those of the reps below them
and those they coached, directors, executives and admins their regions'.
Anything else is NotFound, and absent from lists.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.training.v1 import coaching_pb2 as pb
from salesops.training.v1 import coaching_pb2_grpc
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.db import Database, utcnow
from services.kit.errors import Aborted, FailedPrecondition, NotFound, PermissionDenied, Validator
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible, where_equal
from services.training.domain import coaching as domain
from services.training.domain.coaching import ActionInput, ActionOwner, CheckedAction
from services.training.models.coaching import CoachingActionRecord, CoachingSessionRecord
from services.training.models.core import RepRecord, manager_chain, reps_managed_by

OWNER_TO_PROTO = {
    ActionOwner.REP: pb.COACHING_ACTION_OWNER_REP,
    ActionOwner.MANAGER: pb.COACHING_ACTION_OWNER_MANAGER,
}
OWNER_FROM_PROTO = {value: key for key, value in OWNER_TO_PROTO.items()}
# Roles that read every session of their regions.
REGION_WIDE_ROLES = frozenset({"director", "executive", "admin"})
RULE_ACTION_OPEN = "coaching_action_open"


@dataclass(frozen=True)
class SessionScope:
    """Which sessions a caller reads: `reps` None = every rep of their regions."""

    caller: Caller
    reps: frozenset[str] | None

    def sees(self, record: CoachingSessionRecord) -> bool:
        if not self.caller.can_read(record.region):
            return False
        if self.reps is None:
            return True
        return record.rep_id in self.reps or record.coach_id == self.caller.subject


def scope_of(session: Session, caller: Caller) -> SessionScope:
    caller.require_reader()
    if caller.roles & REGION_WIDE_ROLES:
        return SessionScope(caller, None)
    if "manager" in caller.roles:
        # The reps below them, and their own sessions as the one coached.
        return SessionScope(
            caller, frozenset({*reps_managed_by(session, caller.subject), caller.subject})
        )
    return SessionScope(caller, frozenset({caller.subject}))


def action_to_proto(record: CoachingActionRecord, today: date) -> pb.CoachingAction:
    completed = record.completed_at is not None
    return pb.CoachingAction(
        action_id=record.action_id,
        session_id=record.session_id,
        description=record.description,
        owner=OWNER_TO_PROTO[ActionOwner(record.owner)],
        owner_id=record.owner_id,
        due_date=record.due_on.isoformat(),
        completed=completed,
        complete_time=timestamp(record.completed_at),
        completed_by=record.completed_by,
        overdue=domain.is_overdue(record.due_on, completed, today),
    )


def session_to_proto(
    record: CoachingSessionRecord, actions: Sequence[CoachingActionRecord], today: date
) -> pb.CoachingSession:
    items = [action_to_proto(a, today) for a in actions]
    return pb.CoachingSession(
        session_id=record.session_id,
        rep_id=record.rep_id,
        coach_id=record.coach_id,
        region=record.region,
        team_id=record.team_id,
        session_date=record.session_date.isoformat(),
        focus_skill=record.focus_skill,
        notes=record.notes,
        actions=items,
        open_actions=sum(1 for a in items if not a.completed),
        overdue_actions=sum(1 for a in items if a.overdue),
        audit=audit_info(
            record.created_at, record.created_by, record.updated_at, record.updated_by
        ),
        version=record.version,
    )


def actions_of(
    session: Session, session_ids: Sequence[str]
) -> dict[str, list[CoachingActionRecord]]:
    found: dict[str, list[CoachingActionRecord]] = {key: [] for key in session_ids}
    if not session_ids:
        return found
    for action in session.scalars(
        sa.select(CoachingActionRecord)
        .where(CoachingActionRecord.session_id.in_(list(session_ids)))
        .order_by(CoachingActionRecord.session_id, CoachingActionRecord.position)
    ):
        found[action.session_id].append(action)
    return found


def _action_input(
    v: Validator, prefix: str, message: pb.CoachingActionInput
) -> CheckedAction | None:
    owner = OWNER_FROM_PROTO.get(message.owner)
    return domain.check_action(v, prefix, ActionInput(message.description, owner, message.due_date))


def _require_coach(session: Session, caller: Caller, rep_id: str, region: str) -> None:
    """PermissionDenied unless the caller may coach the rep (writer of the region first)."""
    caller.require_writer(region)
    if not domain.may_coach(caller.roles, caller.subject, rep_id, manager_chain(session, rep_id)):
        raise PermissionDenied(
            "only a manager above the rep, or a director or admin of the region, coaches the rep"
        )


def _new_action(
    session_id: str, position: int, action: CheckedAction, rep_id: str, coach_id: str
) -> CoachingActionRecord:
    return CoachingActionRecord(
        action_id=str(uuid.uuid4()),
        session_id=session_id,
        position=position,
        description=action.description,
        owner=action.owner.value,
        owner_id=rep_id if action.owner is ActionOwner.REP else coach_id,
        due_on=action.due_on,
        completed_at=None,
        completed_by="",
    )


class CoachingServicer(coaching_pb2_grpc.CoachingServiceServicer):
    """Coaching sessions and their action items."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _load(
        self, session: Session, caller: Caller, session_id: str, *, for_update: bool = False
    ) -> CoachingSessionRecord:
        scope = scope_of(session, caller)
        return load_visible(
            session,
            CoachingSessionRecord,
            session_id,
            kind="coaching session",
            field_name="session_id",
            visible=scope.sees,
            for_update=for_update,
        )

    def _answer(self, session: Session, record: CoachingSessionRecord) -> pb.CoachingSession:
        actions = actions_of(session, [record.session_id])[record.session_id]
        return session_to_proto(record, actions, utcnow().date())

    def CreateCoachingSession(
        self, request: pb.CreateCoachingSessionRequest, context: grpc.ServicerContext
    ) -> pb.CreateCoachingSessionResponse:
        caller = current_caller()
        v = Validator()
        v.require("rep_id", request.rep_id, 100)
        held_on = domain.parse_date(v, "session_date", request.session_date, required=True)
        skill = domain.check_skill(v, "focus_skill", request.focus_skill)
        v.optional("notes", request.notes, domain.MAX_NOTES)
        actions = [
            _action_input(v, f"actions[{index}].", item)
            for index, item in enumerate(request.actions)
        ]
        v.raise_if_any()
        assert held_on is not None
        rep_id = request.rep_id.strip()
        now = utcnow()
        with self.db.transaction() as session:
            rep = session.get(RepRecord, rep_id)
            if rep is None or not caller.can_read(rep.region):
                raise NotFound("rep", rep_id)
            _require_coach(session, caller, rep.rep_id, rep.region)
            record = CoachingSessionRecord(
                session_id=str(uuid.uuid4()),
                rep_id=rep.rep_id,
                coach_id=caller.subject,
                region=rep.region,
                team_id=rep.team_id,
                session_date=held_on,
                focus_skill=skill,
                notes=request.notes.strip(),
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(record)
            for position, action in enumerate(actions):
                assert action is not None
                session.add(
                    _new_action(record.session_id, position, action, rep.rep_id, caller.subject)
                )
            session.flush()
            return pb.CreateCoachingSessionResponse(session=self._answer(session, record))

    def GetCoachingSession(
        self, request: pb.GetCoachingSessionRequest, context: grpc.ServicerContext
    ) -> pb.GetCoachingSessionResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            record = self._load(session, caller, request.session_id)
            return pb.GetCoachingSessionResponse(session=self._answer(session, record))

    def ListCoachingSessions(
        self, request: pb.ListCoachingSessionsRequest, context: grpc.ServicerContext
    ) -> pb.ListCoachingSessionsResponse:
        caller = current_caller()
        region = request.region.strip().upper()
        skill = request.focus_skill.strip().lower()
        today = utcnow().date()
        query = where_equal(
            sa.select(CoachingSessionRecord),
            [
                (CoachingSessionRecord.rep_id, request.rep_id.strip()),
                (CoachingSessionRecord.team_id, request.team_id.strip()),
                (CoachingSessionRecord.focus_skill, skill),
            ],
        )
        if request.overdue_only:
            query = query.where(
                sa.exists().where(
                    CoachingActionRecord.session_id == CoachingSessionRecord.session_id,
                    CoachingActionRecord.completed_at.is_(None),
                    CoachingActionRecord.due_on < today,
                )
            )
        with self.db.transaction() as session:
            scope = scope_of(session, caller)
            regions = caller.readable_regions(region)
            if regions is not None:
                query = query.where(CoachingSessionRecord.region.in_(sorted(regions)))
            if scope.reps is not None:
                query = query.where(
                    sa.or_(
                        CoachingSessionRecord.rep_id.in_(sorted(scope.reps)),
                        CoachingSessionRecord.coach_id == caller.subject,
                    )
                )
            records, next_token = keyset_page(
                session,
                query,
                created=CoachingSessionRecord.created_at,
                key=CoachingSessionRecord.session_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "rep": request.rep_id.strip(),
                    "team": request.team_id.strip(),
                    "skill": skill,
                    "overdue": str(request.overdue_only),
                },
                cursor_of=lambda r: Cursor(r.created_at, r.session_id),
            )
            actions = actions_of(session, [r.session_id for r in records])
            return pb.ListCoachingSessionsResponse(
                sessions=[session_to_proto(r, actions[r.session_id], today) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def UpdateCoachingSession(
        self, request: pb.UpdateCoachingSessionRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCoachingSessionResponse:
        caller = current_caller()
        v = Validator()
        held_on = domain.parse_date(v, "session_date", request.session_date, required=False)
        skill = (
            domain.check_skill(v, "focus_skill", request.focus_skill)
            if request.focus_skill.strip()
            else ""
        )
        v.optional("notes", request.notes, domain.MAX_NOTES)
        v.raise_if_any()
        with self.db.transaction() as session:
            record = self._load(session, caller, request.session_id, for_update=True)
            _require_coach(session, caller, record.rep_id, record.region)
            if request.version and request.version != record.version:
                raise Aborted(
                    f"coaching session {record.session_id} is at version {record.version}, "
                    f"not {request.version}: read it again"
                )
            if held_on is not None:
                record.session_date = held_on
            if skill:
                record.focus_skill = skill
            if request.update_notes:
                record.notes = request.notes.strip()
            record.updated_at = utcnow()
            record.updated_by = caller.subject
            record.version += 1
            session.flush()
            return pb.UpdateCoachingSessionResponse(session=self._answer(session, record))

    def AddCoachingAction(
        self, request: pb.AddCoachingActionRequest, context: grpc.ServicerContext
    ) -> pb.AddCoachingActionResponse:
        caller = current_caller()
        v = Validator()
        action = _action_input(v, "action.", request.action)
        v.raise_if_any()
        assert action is not None
        with self.db.transaction() as session:
            record = self._load(session, caller, request.session_id, for_update=True)
            _require_coach(session, caller, record.rep_id, record.region)
            position = session.scalar(
                sa.select(sa.func.count())
                .select_from(CoachingActionRecord)
                .where(CoachingActionRecord.session_id == record.session_id)
            )
            added = _new_action(
                record.session_id, int(position or 0), action, record.rep_id, record.coach_id
            )
            session.add(added)
            record.updated_at = utcnow()
            record.updated_by = caller.subject
            record.version += 1
            session.flush()
            return pb.AddCoachingActionResponse(
                session=self._answer(session, record),
                action=action_to_proto(added, utcnow().date()),
            )

    def CompleteCoachingAction(
        self, request: pb.CompleteCoachingActionRequest, context: grpc.ServicerContext
    ) -> pb.CompleteCoachingActionResponse:
        caller = current_caller()
        v = Validator()
        v.require("action_id", request.action_id, 36)
        v.raise_if_any()
        with self.db.transaction() as session:
            action = session.get(
                CoachingActionRecord, request.action_id.strip(), with_for_update=True
            )
            if action is None:
                raise NotFound("coaching action", request.action_id.strip())
            try:
                record = self._load(session, caller, action.session_id)
            except NotFound:
                raise NotFound("coaching action", action.action_id) from None
            own_action = action.owner == ActionOwner.REP.value and action.owner_id == caller.subject
            if not own_action:
                _require_coach(session, caller, record.rep_id, record.region)
            else:
                caller.require_writer(record.region)
            if action.completed_at is not None:
                raise FailedPrecondition.of(
                    RULE_ACTION_OPEN,
                    f"coaching-actions/{action.action_id}",
                    f"the action was completed by {action.completed_by} already",
                )
            now = utcnow()
            action.completed_at = now
            action.completed_by = caller.subject
            session.flush()
            return pb.CompleteCoachingActionResponse(action=action_to_proto(action, now.date()))


def _overdue_actions(db: Database) -> Iterable[tuple[tuple[str, ...], float]]:
    with db.transaction() as session:
        rows = session.execute(
            sa.select(CoachingSessionRecord.region, sa.func.count())
            .join(
                CoachingActionRecord,
                CoachingActionRecord.session_id == CoachingSessionRecord.session_id,
            )
            .where(
                CoachingActionRecord.completed_at.is_(None),
                CoachingActionRecord.due_on < utcnow().date(),
            )
            .group_by(CoachingSessionRecord.region)
        )
        return [((region,), float(n)) for region, n in rows]


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the CoachingService to `server`; return its full name."""
    coaching_pb2_grpc.add_CoachingServiceServicer_to_server(CoachingServicer(db), server)
    metrics.register_query_gauge(
        "salesops_coaching_actions_overdue",
        "Coaching action items not completed by their due date, by region.",
        ["region"],
        lambda: _overdue_actions(db),
    )
    return [pb.DESCRIPTOR.services_by_name["CoachingService"].full_name]
