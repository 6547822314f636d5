"""ReviewService: period reviews per org unit, their findings, and improvement actions.

Rules are in `domain.reviews`. A review's plan-versus-actual lines come from
attainment (`attainment_store.attainment_for`) when it is opened or
refreshed. A review's region is its unit's. Reads: managers, directors and
executives see their regions' reviews; a rep sees the reviews of their own
team and the actions of that team or owned by them. Closing a review emits
`planning.review.closed`; overdue actions are announced by the worker
(`handlers/reviews_overdue.py`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import planning_review_events_pb2 as events
from salesops.planning.v1 import reviews_pb2 as pb
from salesops.planning.v1 import reviews_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    Validator,
)
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller, current_caller
from services.kit.normalize import clean_text
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible, where_equal
from services.planning.domain import reviews as domain
from services.planning.domain.organisation import ancestry
from services.planning.domain.reviews import ActionStatus, ReviewLine, ReviewStatus
from services.planning.models.attainment_store import attainment_for
from services.planning.models.organisation import OrgUnitRecord, PersonRecord
from services.planning.models.reviews import (
    OPEN_ACTION_STATUSES,
    ImprovementActionRecord,
    ReviewRecord,
    carried_actions,
)

REVIEW_STATUS_TO_PROTO = {
    ReviewStatus.OPEN: pb.REVIEW_STATUS_OPEN,
    ReviewStatus.CLOSED: pb.REVIEW_STATUS_CLOSED,
}
REVIEW_STATUS_FROM_PROTO = {value: key for key, value in REVIEW_STATUS_TO_PROTO.items()}
ACTION_STATUS_TO_PROTO = {
    ActionStatus.OPEN: pb.IMPROVEMENT_ACTION_STATUS_OPEN,
    ActionStatus.IN_PROGRESS: pb.IMPROVEMENT_ACTION_STATUS_IN_PROGRESS,
    ActionStatus.DONE: pb.IMPROVEMENT_ACTION_STATUS_DONE,
    ActionStatus.DROPPED: pb.IMPROVEMENT_ACTION_STATUS_DROPPED,
}
ACTION_STATUS_FROM_PROTO = {value: key for key, value in ACTION_STATUS_TO_PROTO.items()}


def review_lines(review: ReviewRecord) -> list[ReviewLine]:
    return [ReviewLine.from_dict(item) for item in json.loads(review.lines)]


def review_to_proto(review: ReviewRecord) -> pb.Review:
    return pb.Review(
        review_id=review.review_id,
        org_unit_id=review.org_unit_id,
        region=review.region,
        period_code=review.period_code,
        status=REVIEW_STATUS_TO_PROTO[ReviewStatus(review.status)],
        findings=review.findings,
        lines=[pb.PlanVersusActual(**line.to_dict()) for line in review_lines(review)],
        filled_time=timestamp(review.filled_at),
        closed_by=review.closed_by,
        closed_time=timestamp(review.closed_at),
        audit=audit_info(
            review.created_at, review.created_by, review.updated_at, review.updated_by
        ),
        version=review.version,
    )


def action_to_proto(action: ImprovementActionRecord, today: date) -> pb.ImprovementAction:
    status = ActionStatus(action.status)
    return pb.ImprovementAction(
        action_id=action.action_id,
        review_id=action.review_id,
        org_unit_id=action.org_unit_id,
        region=action.region,
        period_code=action.period_code,
        title=action.title,
        owner_id=action.owner_id,
        due_date=action.due_on.isoformat(),
        status=ACTION_STATUS_TO_PROTO[status],
        drop_reason=action.drop_reason,
        overdue=domain.is_overdue(status, action.due_on, today),
        done_time=timestamp(action.done_at),
        audit=audit_info(
            action.created_at, action.created_by, action.updated_at, action.updated_by
        ),
        version=action.version,
    )


def _team_of(session: Session, caller: Caller) -> str:
    """The team unit of a rep caller ("" when they are not a known person)."""
    return (
        session.scalar(
            sa.select(PersonRecord.team_unit_id).where(PersonRecord.rep_id == caller.subject)
        )
        or ""
    )


def _review_visibility(session: Session, caller: Caller) -> Callable[[ReviewRecord], bool]:
    """Whether a review exists for the caller: their regions; for a rep, their own team's."""
    caller.require_reader()
    team = _team_of(session, caller) if caller.own_records_only else ""
    return lambda review: (
        caller.can_read(review.region)
        and (not caller.own_records_only or review.org_unit_id == team)
    )


def _action_visibility(
    session: Session, caller: Caller
) -> Callable[[ImprovementActionRecord], bool]:
    """Whether an action exists for the caller: their regions; a rep: their team's or their own."""
    caller.require_reader()
    team = _team_of(session, caller) if caller.own_records_only else ""
    return lambda action: (
        caller.can_read(action.region)
        and (
            not caller.own_records_only
            or action.org_unit_id == team
            or action.owner_id == caller.subject
        )
    )


def _load_review(
    session: Session, caller: Caller, review_id: str, *, for_update: bool = False
) -> ReviewRecord:
    return load_visible(
        session,
        ReviewRecord,
        review_id,
        kind="review",
        field_name="review_id",
        visible=_review_visibility(session, caller),
        for_update=for_update,
    )


def _managers_up_the_tree(session: Session, unit_id: str) -> list[str]:
    """The managers of the unit and of every unit above it."""
    units = {
        row.unit_id: (row.parent_id, row.manager_id)
        for row in session.execute(
            sa.select(OrgUnitRecord.unit_id, OrgUnitRecord.parent_id, OrgUnitRecord.manager_id)
        )
    }
    chain = ancestry(unit_id, lambda u: units[u][0] if u in units else None)
    return [units[u][1] for u in chain if u in units and units[u][1]]


def _require_reviewer(session: Session, caller: Caller, unit_id: str, region: str) -> None:
    domain.require_reviewer(
        caller,
        region=region,
        unit_id=unit_id,
        managers_up_the_tree=_managers_up_the_tree(session, unit_id),
    )


def _check_version(kind: str, key: str, current: int, given: int) -> None:
    """A given version (0: not given) must be the current one."""
    if given and given != current:
        raise Aborted(
            f"{kind} '{key}' is at version {current}, not {given}: it changed since it was "
            "read; read it again and retry"
        )


class ReviewMixin:
    db: Database
    calendar: FiscalCalendar

    def _lines(self, session: Session, unit_id: str, period_code: str) -> str:
        lines = attainment_for(
            session, self.calendar, unit_id=unit_id, period_code=period_code, as_of=utcnow()
        )
        return json.dumps([ReviewLine.of(line).to_dict() for line in lines])

    def OpenReview(
        self, request: pb.OpenReviewRequest, context: grpc.ServicerContext
    ) -> pb.OpenReviewResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        v.require("org_unit_id", request.org_unit_id.strip(), 36)
        code = ""
        try:
            code = self.calendar.period(request.period_code, "period_code").code
        except InvalidArgument as error:
            v.violations.extend(error.violations)
        v.raise_if_any()
        period = self.calendar.period(code)
        now = utcnow()
        with self.db.transaction() as session:
            unit = load_visible(
                session,
                OrgUnitRecord,
                request.org_unit_id,
                kind="org unit",
                field_name="org_unit_id",
                visible=lambda u: caller.has_region(u.region),
            )
            _require_reviewer(session, caller, unit.unit_id, unit.region)
            domain.require_period_begun(period, now)
            existing = session.scalar(
                sa.select(ReviewRecord.review_id).where(
                    ReviewRecord.org_unit_id == unit.unit_id,
                    ReviewRecord.period_code == period.code,
                )
            )
            if existing:
                raise AlreadyExists(
                    "review",
                    existing,
                    f"unit '{unit.unit_id}' already has a review for {period.code}",
                )
            review = ReviewRecord(
                review_id=str(uuid.uuid4()),
                org_unit_id=unit.unit_id,
                region=unit.region,
                period_code=period.code,
                period_starts_at=period.starts_at,
                status=ReviewStatus.OPEN.value,
                findings="",
                lines=self._lines(session, unit.unit_id, period.code),
                filled_at=now,
                closed_by="",
                closed_at=None,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(review)
            try:
                session.flush()
            except IntegrityError:
                raise AlreadyExists(
                    "review", f"{unit.unit_id}/{period.code}", "the review was opened meanwhile"
                ) from None
            return pb.OpenReviewResponse(
                review=review_to_proto(review),
                carried_actions=[
                    action_to_proto(a, now.date()) for a in carried_actions(session, review)
                ],
            )

    def GetReview(
        self, request: pb.GetReviewRequest, context: grpc.ServicerContext
    ) -> pb.GetReviewResponse:
        caller = current_caller()
        today = utcnow().date()
        with self.db.transaction() as session:
            review = _load_review(session, caller, request.review_id)
            own = session.scalars(
                sa.select(ImprovementActionRecord)
                .where(ImprovementActionRecord.review_id == review.review_id)
                .order_by(ImprovementActionRecord.created_at, ImprovementActionRecord.action_id)
            )
            return pb.GetReviewResponse(
                review=review_to_proto(review),
                actions=[action_to_proto(a, today) for a in own],
                carried_actions=[
                    action_to_proto(a, today) for a in carried_actions(session, review)
                ],
            )

    def ListReviews(
        self, request: pb.ListReviewsRequest, context: grpc.ServicerContext
    ) -> pb.ListReviewsResponse:
        caller = current_caller()
        caller.require_reader()
        status = REVIEW_STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not a review status")
        period_code = request.period_code.strip()
        if period_code:
            period_code = self.calendar.period(period_code, "period_code").code
        region = request.region.strip().upper()
        unit_id = request.org_unit_id.strip()
        regions = caller.readable_regions(region)
        query = where_equal(
            sa.select(ReviewRecord),
            [
                (ReviewRecord.org_unit_id, unit_id),
                (ReviewRecord.period_code, period_code),
                (ReviewRecord.status, status.value if status else ""),
            ],
        )
        if regions is not None:
            query = query.where(ReviewRecord.region.in_(sorted(regions)))
        with self.db.transaction() as session:
            if caller.own_records_only:
                query = query.where(ReviewRecord.org_unit_id == _team_of(session, caller))
            reviews, next_token = keyset_page(
                session,
                query,
                created=ReviewRecord.created_at,
                key=ReviewRecord.review_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "org_unit_id": unit_id,
                    "period": period_code,
                    "status": status.value if status else "",
                    "region": region,
                },
                cursor_of=lambda r: Cursor(r.created_at, r.review_id),
            )
            return pb.ListReviewsResponse(
                reviews=[review_to_proto(r) for r in reviews],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def RefreshReview(
        self, request: pb.RefreshReviewRequest, context: grpc.ServicerContext
    ) -> pb.RefreshReviewResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            review = _load_review(session, caller, request.review_id, for_update=True)
            _require_reviewer(session, caller, review.org_unit_id, review.region)
            domain.require_open(review.review_id, ReviewStatus(review.status))
            now = utcnow()
            review.lines = self._lines(session, review.org_unit_id, review.period_code)
            review.filled_at = now
            review.updated_at = now
            review.updated_by = caller.subject
            review.version += 1
            session.flush()
            return pb.RefreshReviewResponse(review=review_to_proto(review))

    def UpdateReview(
        self, request: pb.UpdateReviewRequest, context: grpc.ServicerContext
    ) -> pb.UpdateReviewResponse:
        caller = current_caller()
        status = REVIEW_STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not a review status")
        if status is None and not request.HasField("findings"):
            raise InvalidArgument.of("findings", "give findings, a status, or both")
        findings = domain.check_findings(request.findings) if request.HasField("findings") else None
        with self.db.transaction() as session:
            review = _load_review(session, caller, request.review_id, for_update=True)
            _require_reviewer(session, caller, review.org_unit_id, review.region)
            domain.require_open(review.review_id, ReviewStatus(review.status))
            _check_version("review", review.review_id, review.version, request.version)
            now = utcnow()
            if findings is not None:
                review.findings = findings
            if status == ReviewStatus.CLOSED:
                review.status = ReviewStatus.CLOSED.value
                review.closed_by = caller.subject
                review.closed_at = now
                self._record_closed(session, caller, review)
            review.updated_at = now
            review.updated_by = caller.subject
            review.version += 1
            session.flush()
            return pb.UpdateReviewResponse(review=review_to_proto(review))

    def _record_closed(self, session: Session, caller: Caller, review: ReviewRecord) -> None:
        lines = review_lines(review)
        open_ids = session.scalars(
            sa.select(ImprovementActionRecord.action_id)
            .where(
                ImprovementActionRecord.review_id == review.review_id,
                ImprovementActionRecord.status.in_(OPEN_ACTION_STATUSES),
            )
            .order_by(ImprovementActionRecord.action_id)
        )
        record_event(
            session,
            "planning.review.closed",
            events.ReviewClosed(
                review_id=review.review_id,
                org_unit_id=review.org_unit_id,
                region=review.region,
                period_code=review.period_code,
                closed_by=caller.subject,
                findings=review.findings,
                open_action_ids=list(open_ids),
                attained_lines=domain.attained_lines(lines),
                lines=len(lines),
            ),
            region=review.region,
            caller=caller,
        )


class ActionMixin:
    db: Database

    def AddImprovementAction(
        self, request: pb.AddImprovementActionRequest, context: grpc.ServicerContext
    ) -> pb.AddImprovementActionResponse:
        caller = current_caller()
        new = domain.check_new_action(request.title, request.owner_id, request.due_date)
        now = utcnow()
        if new.due_on < now.date():
            raise InvalidArgument.of("due_date", "must be today or later")
        with self.db.transaction() as session:
            review = _load_review(session, caller, request.review_id, for_update=True)
            _require_reviewer(session, caller, review.org_unit_id, review.region)
            domain.require_open(review.review_id, ReviewStatus(review.status))
            _check_owner(session, caller, new.owner_id)
            action = ImprovementActionRecord(
                action_id=str(uuid.uuid4()),
                review_id=review.review_id,
                org_unit_id=review.org_unit_id,
                region=review.region,
                period_code=review.period_code,
                title=new.title,
                owner_id=new.owner_id,
                due_on=new.due_on,
                status=ActionStatus.OPEN.value,
                drop_reason="",
                done_at=None,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(action)
            session.flush()
            return pb.AddImprovementActionResponse(action=action_to_proto(action, now.date()))

    def UpdateImprovementAction(
        self, request: pb.UpdateImprovementActionRequest, context: grpc.ServicerContext
    ) -> pb.UpdateImprovementActionResponse:
        caller = current_caller()
        status = ACTION_STATUS_FROM_PROTO.get(request.status) if request.status else None
        v = Validator()
        if request.status and status is None:
            v.add("status", "is not an improvement action status")
        title = clean_text(request.title) if request.HasField("title") else None
        if title is not None:
            v.require("title", title)
        owner_id = request.owner_id.strip() if request.HasField("owner_id") else None
        if owner_id is not None:
            v.require("owner_id", owner_id, 100)
        due = domain.parse_due_date(v, request.due_date) if request.HasField("due_date") else None
        v.raise_if_any()
        reason = domain.check_drop_reason(status, request.drop_reason)
        other_fields = title is not None or owner_id is not None or due is not None
        if status is None and not other_fields:
            raise InvalidArgument.of("status", "give a status, a title, an owner or a due date")
        now = utcnow()
        with self.db.transaction() as session:
            action = load_visible(
                session,
                ImprovementActionRecord,
                request.action_id,
                kind="improvement action",
                field_name="action_id",
                visible=_action_visibility(session, caller),
                for_update=True,
            )
            try:
                _require_reviewer(session, caller, action.org_unit_id, action.region)
            except PermissionDenied:
                if caller.subject != action.owner_id:
                    raise
                caller.require_writer(action.region)
                if other_fields:
                    raise PermissionDenied(
                        "the owner of an action changes its status only; its title, owner and "
                        "due date are changed by the unit's managers"
                    ) from None
            _check_version("improvement action", action.action_id, action.version, request.version)
            current = ActionStatus(action.status)
            if other_fields and current not in domain.UNFINISHED:
                raise FailedPrecondition.of(
                    "STATE",
                    f"improvement-actions/{action.action_id}",
                    f"the action is {current.value}, which is final; it no longer changes",
                )
            if status is not None and status != current:
                domain.require_action_transition(action.action_id, current, status)
                action.status = status.value
                if status == ActionStatus.DONE:
                    action.done_at = now
                if status == ActionStatus.DROPPED:
                    action.drop_reason = reason
            if title is not None:
                action.title = title
            if owner_id is not None and owner_id != action.owner_id:
                _check_owner(session, caller, owner_id)
                action.owner_id = owner_id
            if due is not None:
                action.due_on = due
            action.updated_at = now
            action.updated_by = caller.subject
            action.version += 1
            session.flush()
            return pb.UpdateImprovementActionResponse(action=action_to_proto(action, now.date()))

    def ListImprovementActions(
        self, request: pb.ListImprovementActionsRequest, context: grpc.ServicerContext
    ) -> pb.ListImprovementActionsResponse:
        caller = current_caller()
        caller.require_reader()
        status = ACTION_STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not an improvement action status")
        region = request.region.strip().upper()
        regions = caller.readable_regions(region)
        unit_id = request.org_unit_id.strip()
        owner_id = request.owner_id.strip()
        review_id = request.review_id.strip()
        today = utcnow().date()
        query = where_equal(
            sa.select(ImprovementActionRecord),
            [
                (ImprovementActionRecord.org_unit_id, unit_id),
                (ImprovementActionRecord.owner_id, owner_id),
                (ImprovementActionRecord.review_id, review_id),
                (ImprovementActionRecord.status, status.value if status else ""),
            ],
        )
        if regions is not None:
            query = query.where(ImprovementActionRecord.region.in_(sorted(regions)))
        if request.overdue_only:
            query = query.where(
                ImprovementActionRecord.status.in_(OPEN_ACTION_STATUSES),
                ImprovementActionRecord.due_on < today,
            )
        with self.db.transaction() as session:
            if caller.own_records_only:
                query = query.where(
                    sa.or_(
                        ImprovementActionRecord.org_unit_id == _team_of(session, caller),
                        ImprovementActionRecord.owner_id == caller.subject,
                    )
                )
            actions, next_token = keyset_page(
                session,
                query,
                created=ImprovementActionRecord.created_at,
                key=ImprovementActionRecord.action_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "org_unit_id": unit_id,
                    "owner_id": owner_id,
                    "review_id": review_id,
                    "status": status.value if status else "",
                    "overdue_only": str(request.overdue_only),
                    "region": region,
                },
                cursor_of=lambda a: Cursor(a.created_at, a.action_id),
            )
            return pb.ListImprovementActionsResponse(
                actions=[action_to_proto(a, today) for a in actions],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def _check_owner(session: Session, caller: Caller, owner_id: str) -> None:
    """An action's owner is a person of the organisation who has not left."""
    person = session.get(PersonRecord, owner_id)
    if person is None or not caller.has_region(person.region) or person.status == "left":
        raise InvalidArgument.of("owner_id", f"'{owner_id}' is not a rep of the organisation")


class ReviewServicer(ReviewMixin, ActionMixin, reviews_pb2_grpc.ReviewServiceServicer):
    """Period reviews and their improvement actions."""

    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the ReviewService to `server`; return its full name."""
    reviews_pb2_grpc.add_ReviewServiceServicer_to_server(ReviewServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["ReviewService"].full_name]
