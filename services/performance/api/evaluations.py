"""EvaluationService: ratings beside the computed score, calibration, acknowledgement, appeals.

Rules are in `domain.evaluations`. An evaluation snapshots the rep's
scorecard (`scorecard_store.current_card`: the published one, else a live
preview) when it is written and each time a draft is changed. Scope as for
scorecards: a rep sees their own, a manager the reps below them, directors
and executives their regions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import evaluations_pb2 as pb
from salesops.performance.v1 import evaluations_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    RuleViolation,
    Validator,
)
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible, where_equal
from services.performance.api.scorecards import load_rep, period_of, require_card
from services.performance.domain import evaluations as domain
from services.performance.domain.evaluations import AppealOutcome, EvaluationStatus
from services.performance.models import scorecard_store as store
from services.performance.models.evaluations import EvaluationRecord
from services.performance.models.fact_store import manager_chain
from services.performance.models.facts import RepRecord

STATUS_TO_PROTO = {
    EvaluationStatus.DRAFT: pb.EVALUATION_STATUS_DRAFT,
    EvaluationStatus.SHARED: pb.EVALUATION_STATUS_SHARED,
    EvaluationStatus.ACKNOWLEDGED: pb.EVALUATION_STATUS_ACKNOWLEDGED,
    EvaluationStatus.APPEALED: pb.EVALUATION_STATUS_APPEALED,
    EvaluationStatus.RESOLVED: pb.EVALUATION_STATUS_RESOLVED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
OUTCOME_TO_PROTO = {
    AppealOutcome.UPHELD: pb.APPEAL_OUTCOME_UPHELD,
    AppealOutcome.CHANGED: pb.APPEAL_OUTCOME_CHANGED,
}
OUTCOME_FROM_PROTO = {value: key for key, value in OUTCOME_TO_PROTO.items()}


def evaluation_to_proto(e: EvaluationRecord) -> pb.Evaluation:
    return pb.Evaluation(
        evaluation_id=e.evaluation_id,
        rep_id=e.rep_id,
        region=e.region,
        team_id=e.team_id,
        period_code=e.period_code,
        manager_id=e.manager_id,
        status=STATUS_TO_PROTO[EvaluationStatus(e.status)],
        rating=e.rating,
        comments=e.comments,
        score_total_points=e.score_total_points,
        score_total=e.score_total,
        score_published=e.score_published,
        score_time=timestamp(e.score_at),
        rating_before_calibration=e.rating_before_calibration,
        calibration_reason=e.calibration_reason,
        calibrated_by=e.calibrated_by,
        acknowledged_time=timestamp(e.acknowledged_at),
        appeal_reason=e.appeal_reason,
        appealed_time=timestamp(e.appealed_at),
        appeal_outcome=(
            OUTCOME_TO_PROTO[AppealOutcome(e.appeal_outcome)]
            if e.appeal_outcome
            else pb.APPEAL_OUTCOME_UNSPECIFIED
        ),
        rating_before_appeal=e.rating_before_appeal,
        resolution_comment=e.resolution_comment,
        resolved_by=e.resolved_by,
        resolved_time=timestamp(e.resolved_at),
        audit=audit_info(e.created_at, e.created_by, e.updated_at, e.updated_by),
        version=e.version,
    )


def _visibility(session: Session, caller: Caller) -> Callable[[EvaluationRecord], bool]:
    caller.require_reader()

    def visible(e: EvaluationRecord) -> bool:
        rep = session.get(RepRecord, e.rep_id) or RepRecord(rep_id=e.rep_id, region=e.region)
        return caller.can_read(e.region) and store.can_see_rep(session, caller, rep)

    return visible


def _load(
    session: Session, caller: Caller, evaluation_id: str, *, for_update: bool = False
) -> EvaluationRecord:
    return load_visible(
        session,
        EvaluationRecord,
        evaluation_id,
        kind="evaluation",
        field_name="evaluation_id",
        visible=_visibility(session, caller),
        for_update=for_update,
    )


def _snapshot(
    session: Session, evaluation: EvaluationRecord, rep: RepRecord, now: datetime
) -> None:
    """Copy the rep's current scorecard (published, else live) into the evaluation."""
    calendar = store.default_calendar()
    period = calendar.period(evaluation.period_code)
    card = require_card(store.current_card(session, rep, period, now), rep, period)
    evaluation.score_total_points = card.scored.total_points
    evaluation.score_total = card.scored.total_score
    evaluation.score_published = card.scorecard is not None
    evaluation.score_at = now
    evaluation.score_lines = json.dumps([asdict(line) for line in card.scored.lines])


def _touch(evaluation: EvaluationRecord, caller: Caller, now: datetime) -> None:
    evaluation.updated_at = now
    evaluation.updated_by = caller.subject
    evaluation.version += 1


def _move(evaluation: EvaluationRecord, target: EvaluationStatus) -> None:
    domain.require_transition(evaluation.evaluation_id, EvaluationStatus(evaluation.status), target)
    evaluation.status = target.value


class EvaluationServicer(evaluations_pb2_grpc.EvaluationServiceServicer):
    """Evaluations of reps per period."""

    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or store.default_calendar()

    def CreateEvaluation(
        self, request: pb.CreateEvaluationRequest, context: grpc.ServicerContext
    ) -> pb.CreateEvaluationResponse:
        caller = current_caller()
        v = Validator()
        v.require("rep_id", request.rep_id.strip(), 100)
        code = period_of(self.calendar, v, request.period_code)
        domain.check_rating(v, "rating", request.rating)
        comments = domain.check_text(v, "comments", request.comments, required=False)
        v.raise_if_any()
        period = self.calendar.period(code)
        now = utcnow()
        with self.db.transaction() as session:
            rep = load_rep(session, caller, request.rep_id)
            domain.require_manager_of(
                caller,
                rep.rep_id,
                rep.region,
                manager_chain(session, rep.rep_id, store.MANAGER_LEVELS),
            )
            if now < period.starts_at:
                raise FailedPrecondition.of(
                    "PERIOD_NOT_BEGUN",
                    f"periods/{period.code}",
                    f"{period.code} begins {period.starts_at.date().isoformat()}; a period is "
                    "evaluated once it has begun",
                )
            existing = session.scalar(
                sa.select(EvaluationRecord.evaluation_id).where(
                    EvaluationRecord.rep_id == rep.rep_id,
                    EvaluationRecord.period_code == period.code,
                )
            )
            if existing:
                raise AlreadyExists(
                    "evaluation", existing, f"'{rep.rep_id}' already has an evaluation for {code}"
                )
            evaluation = EvaluationRecord(
                evaluation_id=str(uuid.uuid4()),
                rep_id=rep.rep_id,
                region=rep.region,
                team_id=rep.team_id,
                period_code=period.code,
                manager_id=caller.subject,
                status=EvaluationStatus.DRAFT.value,
                rating=request.rating,
                comments=comments,
                rating_before_calibration=0,
                calibration_reason="",
                calibrated_by="",
                appeal_reason="",
                appeal_outcome="",
                rating_before_appeal=0,
                resolution_comment="",
                resolved_by="",
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            _snapshot(session, evaluation, rep, now)
            session.add(evaluation)
            try:
                session.flush()
            except IntegrityError:
                raise AlreadyExists(
                    "evaluation", f"{rep.rep_id}/{period.code}", "it was written meanwhile"
                ) from None
            return pb.CreateEvaluationResponse(evaluation=evaluation_to_proto(evaluation))

    def UpdateEvaluation(
        self, request: pb.UpdateEvaluationRequest, context: grpc.ServicerContext
    ) -> pb.UpdateEvaluationResponse:
        caller = current_caller()
        v = Validator()
        if request.rating:
            domain.check_rating(v, "rating", request.rating)
        comments = (
            domain.check_text(v, "comments", request.comments, required=False)
            if request.HasField("comments")
            else None
        )
        if not request.rating and comments is None:
            v.add("rating", "give a rating, comments, or both")
        v.raise_if_any()
        now = utcnow()
        with self.db.transaction() as session:
            evaluation = _load(session, caller, request.evaluation_id, for_update=True)
            rep = load_rep(session, caller, evaluation.rep_id)
            domain.require_manager_of(
                caller,
                rep.rep_id,
                evaluation.region,
                manager_chain(session, rep.rep_id, store.MANAGER_LEVELS),
            )
            domain.require_draft(evaluation.evaluation_id, EvaluationStatus(evaluation.status))
            _check_version(evaluation, request.version)
            if request.rating:
                evaluation.rating = request.rating
            if comments is not None:
                evaluation.comments = comments
            _snapshot(session, evaluation, rep, now)
            _touch(evaluation, caller, now)
            session.flush()
            return pb.UpdateEvaluationResponse(evaluation=evaluation_to_proto(evaluation))

    def GetEvaluation(
        self, request: pb.GetEvaluationRequest, context: grpc.ServicerContext
    ) -> pb.GetEvaluationResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            evaluation = _load(session, caller, request.evaluation_id)
            if evaluation.rep_id == caller.subject and evaluation.status == EvaluationStatus.DRAFT:
                # A draft is the manager's until shared: it does not exist for the rep yet.
                raise _not_found(evaluation.evaluation_id)
            return pb.GetEvaluationResponse(evaluation=evaluation_to_proto(evaluation))

    def ListEvaluations(
        self, request: pb.ListEvaluationsRequest, context: grpc.ServicerContext
    ) -> pb.ListEvaluationsResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        code = period_of(self.calendar, v, request.period_code) if request.period_code else ""
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            v.add("status", "is not an evaluation status")
        v.raise_if_any()
        region = request.region.strip().upper()
        rep_id = request.rep_id.strip()
        team_id = request.team_id.strip()
        query = where_equal(
            sa.select(EvaluationRecord),
            [
                (EvaluationRecord.rep_id, rep_id),
                (EvaluationRecord.team_id, team_id),
                (EvaluationRecord.period_code, code),
                (EvaluationRecord.status, status.value if status else ""),
            ],
        )
        regions = caller.readable_regions(region)
        if regions is not None:
            query = query.where(EvaluationRecord.region.in_(sorted(regions)))
        # Drafts about the caller are not theirs to see until shared.
        query = query.where(
            sa.not_(
                sa.and_(
                    EvaluationRecord.rep_id == caller.subject,
                    EvaluationRecord.status == EvaluationStatus.DRAFT.value,
                )
            )
        )
        with self.db.transaction() as session:
            visible = store.visible_rep_ids(session, caller)
            if visible is not None:
                query = query.where(EvaluationRecord.rep_id.in_(sorted(visible)))
            rows, next_token = keyset_page(
                session,
                query,
                created=EvaluationRecord.created_at,
                key=EvaluationRecord.evaluation_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "rep_id": rep_id,
                    "team_id": team_id,
                    "period": code,
                    "status": status.value if status else "",
                    "region": region,
                },
                cursor_of=lambda e: Cursor(e.created_at, e.evaluation_id),
            )
            return pb.ListEvaluationsResponse(
                evaluations=[evaluation_to_proto(e) for e in rows],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def ShareEvaluation(
        self, request: pb.ShareEvaluationRequest, context: grpc.ServicerContext
    ) -> pb.ShareEvaluationResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            evaluation = _load(session, caller, request.evaluation_id, for_update=True)
            domain.require_manager_of(
                caller,
                evaluation.rep_id,
                evaluation.region,
                manager_chain(session, evaluation.rep_id, store.MANAGER_LEVELS),
            )
            _move(evaluation, EvaluationStatus.SHARED)
            _touch(evaluation, caller, now)
            session.flush()
            return pb.ShareEvaluationResponse(evaluation=evaluation_to_proto(evaluation))

    def CalibrateTeam(
        self, request: pb.CalibrateTeamRequest, context: grpc.ServicerContext
    ) -> pb.CalibrateTeamResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        v.require("team_id", request.team_id.strip(), 100)
        code = period_of(self.calendar, v, request.period_code)
        seen: set[str] = set()
        reasons: dict[str, str] = {}
        for index, adjustment in enumerate(request.adjustments):
            field = f"adjustments[{index}]"
            v.require(f"{field}.evaluation_id", adjustment.evaluation_id.strip(), 36)
            domain.check_rating(v, f"{field}.rating", adjustment.rating)
            reasons[adjustment.evaluation_id.strip()] = domain.check_text(
                v, f"{field}.reason", adjustment.reason, required=True
            )
            if adjustment.evaluation_id.strip() in seen:
                v.add(f"{field}.evaluation_id", "is adjusted twice")
            seen.add(adjustment.evaluation_id.strip())
        v.raise_if_any()
        team_id = request.team_id.strip()
        now = utcnow()
        with self.db.transaction() as session:
            team = [
                e
                for e in session.scalars(
                    sa.select(EvaluationRecord)
                    .where(
                        EvaluationRecord.team_id == team_id, EvaluationRecord.period_code == code
                    )
                    .order_by(EvaluationRecord.rep_id)
                    .with_for_update()
                )
                if caller.has_region(e.region)
            ]
            if not team:
                raise _not_found(f"{team_id}/{code}", kind="team evaluations")
            for region in sorted({e.region for e in team}):
                domain.require_director(caller, region, "calibration")
            before = domain.distribution(e.rating for e in team)
            by_id = {e.evaluation_id: e for e in team}
            violations: list[RuleViolation] = []
            for index, adjustment in enumerate(request.adjustments):
                evaluation = by_id.get(adjustment.evaluation_id.strip())
                if evaluation is None:
                    raise InvalidArgument.of(
                        f"adjustments[{index}].evaluation_id",
                        f"is not an evaluation of team '{team_id}' for {code}",
                    )
                status = EvaluationStatus(evaluation.status)
                if status not in domain.CALIBRATABLE:
                    violations.append(
                        RuleViolation(
                            "STATE",
                            f"evaluations/{evaluation.evaluation_id}",
                            f"{domain.with_article(status.value)} evaluation is no longer "
                            "calibrated; only a draft or shared one is (an appeal changes the "
                            "others)",
                        )
                    )
            if violations:
                raise FailedPrecondition(violations)
            for adjustment in request.adjustments:
                evaluation = by_id[adjustment.evaluation_id.strip()]
                if adjustment.rating == evaluation.rating:
                    continue
                if not evaluation.rating_before_calibration:
                    evaluation.rating_before_calibration = evaluation.rating
                evaluation.rating = adjustment.rating
                evaluation.calibration_reason = reasons[evaluation.evaluation_id]
                evaluation.calibrated_by = caller.subject
                evaluation.calibrated_at = now
                _touch(evaluation, caller, now)
            session.flush()
            return pb.CalibrateTeamResponse(
                evaluations=[evaluation_to_proto(e) for e in team],
                distribution_before=[pb.RatingCount(rating=r, count=c) for r, c in before],
                distribution=[
                    pb.RatingCount(rating=r, count=c)
                    for r, c in domain.distribution(e.rating for e in team)
                ],
            )

    def AcknowledgeEvaluation(
        self, request: pb.AcknowledgeEvaluationRequest, context: grpc.ServicerContext
    ) -> pb.AcknowledgeEvaluationResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            evaluation = self._own(session, caller, request.evaluation_id, "acknowledge")
            _move(evaluation, EvaluationStatus.ACKNOWLEDGED)
            evaluation.acknowledged_at = now
            _touch(evaluation, caller, now)
            session.flush()
            return pb.AcknowledgeEvaluationResponse(evaluation=evaluation_to_proto(evaluation))

    def AppealEvaluation(
        self, request: pb.AppealEvaluationRequest, context: grpc.ServicerContext
    ) -> pb.AppealEvaluationResponse:
        caller = current_caller()
        v = Validator()
        reason = domain.check_text(v, "reason", request.reason, required=True)
        v.raise_if_any()
        now = utcnow()
        with self.db.transaction() as session:
            evaluation = self._own(session, caller, request.evaluation_id, "appeal")
            _move(evaluation, EvaluationStatus.APPEALED)
            evaluation.appeal_reason = reason
            evaluation.appealed_at = now
            _touch(evaluation, caller, now)
            session.flush()
            return pb.AppealEvaluationResponse(evaluation=evaluation_to_proto(evaluation))

    def _own(
        self, session: Session, caller: Caller, evaluation_id: str, what: str
    ) -> EvaluationRecord:
        """The caller's own evaluation, shared with them (a draft does not exist for the rep)."""
        evaluation = _load(session, caller, evaluation_id, for_update=True)
        domain.require_the_rep(caller, evaluation.rep_id, evaluation.region, what)
        if evaluation.status == EvaluationStatus.DRAFT:
            raise _not_found(evaluation.evaluation_id)
        return evaluation

    def ResolveAppeal(
        self, request: pb.ResolveAppealRequest, context: grpc.ServicerContext
    ) -> pb.ResolveAppealResponse:
        caller = current_caller()
        outcome = OUTCOME_FROM_PROTO.get(request.outcome)
        comment = domain.check_resolution(outcome, request.new_rating, request.comment)
        now = utcnow()
        with self.db.transaction() as session:
            evaluation = _load(session, caller, request.evaluation_id, for_update=True)
            domain.require_director(caller, evaluation.region, "resolving an appeal")
            _move(evaluation, EvaluationStatus.RESOLVED)
            assert outcome is not None  # check_resolution requires it
            if outcome == AppealOutcome.CHANGED:
                if request.new_rating == evaluation.rating:
                    raise InvalidArgument.of(
                        "new_rating",
                        f"is the current rating ({evaluation.rating}); resolve as upheld instead",
                    )
                evaluation.rating_before_appeal = evaluation.rating
                evaluation.rating = request.new_rating
            evaluation.appeal_outcome = outcome.value
            evaluation.resolution_comment = comment
            evaluation.resolved_by = caller.subject
            evaluation.resolved_at = now
            _touch(evaluation, caller, now)
            session.flush()
            return pb.ResolveAppealResponse(evaluation=evaluation_to_proto(evaluation))


def _check_version(evaluation: EvaluationRecord, given: int) -> None:
    if given and given != evaluation.version:
        raise Aborted(
            f"evaluation '{evaluation.evaluation_id}' is at version {evaluation.version}, not "
            f"{given}: it changed since it was read; read it again and retry"
        )


def _not_found(key: str, kind: str = "evaluation") -> NotFound:
    return NotFound(kind, key)


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the EvaluationService to `server`; return its full name."""
    evaluations_pb2_grpc.add_EvaluationServiceServicer_to_server(EvaluationServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["EvaluationService"].full_name]
