"""OpportunityService: pipelines and stages, stage gates, and opportunities.

Protos in, domain rules, database and outbox out. The scope helpers here
(`load_opportunity`, `require_deal_writer`, `visible_opportunity`) are shared
with the quotes and activities areas, which hang off opportunities.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import pipeline_sales_events_pb2 as events
from salesops.pipeline.v1 import activities_pb2, opportunities_pb2_grpc
from salesops.pipeline.v1 import opportunities_pb2 as pb
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Validator,
)
from services.kit.identity import ALL_REGIONS, Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import where_equal
from services.pipeline.domain import gates
from services.pipeline.domain import opportunities as domain
from services.pipeline.domain.leads import clean_text
from services.pipeline.domain.opportunities import (
    ForecastCategory,
    OpportunityStatus,
    StageKind,
    StageSpec,
    iso,
)
from services.pipeline.models.activities import ActivityRecord
from services.pipeline.models.copies import CertificationCopyRecord, CustomerCopyRecord
from services.pipeline.models.opportunities import (
    OpportunityCompetitorRecord,
    OpportunityLineRecord,
    OpportunityRecord,
    OpportunityTeamMemberRecord,
    PipelineRecord,
    StageGateRecord,
    StageHistoryRecord,
    StageRecord,
)
from services.pipeline.models.quotes import QuoteRecord
from services.pipeline.models.reps import RepRecord

STATUS_TO_PROTO = {
    OpportunityStatus.OPEN: pb.OPPORTUNITY_STATUS_OPEN,
    OpportunityStatus.WON: pb.OPPORTUNITY_STATUS_WON,
    OpportunityStatus.LOST: pb.OPPORTUNITY_STATUS_LOST,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
FORECAST_TO_PROTO = {
    ForecastCategory.PIPELINE: pb.FORECAST_CATEGORY_PIPELINE,
    ForecastCategory.BEST_CASE: pb.FORECAST_CATEGORY_BEST_CASE,
    ForecastCategory.COMMIT: pb.FORECAST_CATEGORY_COMMIT,
    ForecastCategory.CLOSED: pb.FORECAST_CATEGORY_CLOSED,
    ForecastCategory.OMITTED: pb.FORECAST_CATEGORY_OMITTED,
}
FORECAST_FROM_PROTO = {value: key for key, value in FORECAST_TO_PROTO.items()}
KIND_TO_PROTO = {
    StageKind.OPEN: pb.STAGE_KIND_OPEN,
    StageKind.WON: pb.STAGE_KIND_WON,
    StageKind.LOST: pb.STAGE_KIND_LOST,
}
KIND_FROM_PROTO = {value: key for key, value in KIND_TO_PROTO.items()}
ACTIVITY_TYPE_TO_PROTO = {
    "call": activities_pb2.ACTIVITY_TYPE_CALL,
    "meeting": activities_pb2.ACTIVITY_TYPE_MEETING,
    "visit": activities_pb2.ACTIVITY_TYPE_VISIT,
    "email": activities_pb2.ACTIVITY_TYPE_EMAIL,
    "task": activities_pb2.ACTIVITY_TYPE_TASK,
}
ACTIVITY_TYPE_FROM_PROTO = {value: key for key, value in ACTIVITY_TYPE_TO_PROTO.items()}


def money(currency: str, amount_minor: int) -> common_pb2.Money:
    """A Money proto."""
    return common_pb2.Money(currency=currency, amount_minor=amount_minor)


def today() -> date:
    """Today's date in UTC, the platform's calendar for validity and certification."""
    return utcnow().date()


# --- scope ---------------------------------------------------------------------------


def team_of(session: Session, opportunity_id: str) -> list[OpportunityTeamMemberRecord]:
    """The deal team in its order."""
    return list(
        session.scalars(
            sa.select(OpportunityTeamMemberRecord)
            .where(OpportunityTeamMemberRecord.opportunity_id == opportunity_id)
            .order_by(OpportunityTeamMemberRecord.position)
        )
    )


def visible_opportunity(caller: Caller, opp: OpportunityRecord, member_ids: Iterable[str]) -> bool:
    """Whether the deal exists for the caller: in their regions, and for a rep theirs.

    A rep sees the deals they own or are on the team of.
    """
    if not caller.can_read(opp.region):
        return False
    if caller.own_records_only:
        return caller.subject == opp.owner_id or caller.subject in set(member_ids)
    return True


def rep_visible_clause(caller: Caller) -> sa.ColumnElement[bool]:
    """SQL: the opportunity is one a rep sees (owner or team member)."""
    on_team = sa.select(OpportunityTeamMemberRecord.opportunity_id).where(
        OpportunityTeamMemberRecord.rep_id == caller.subject
    )
    return sa.or_(
        OpportunityRecord.owner_id == caller.subject,
        OpportunityRecord.opportunity_id.in_(on_team),
    )


def load_opportunity(
    session: Session,
    caller: Caller,
    opportunity_id: str,
    *,
    for_update: bool = False,
    field_name: str = "opportunity_id",
) -> OpportunityRecord:
    """The opportunity if it exists for this caller; NotFound otherwise (outside scope too)."""
    if not opportunity_id.strip():
        raise InvalidArgument.of(field_name, "is required")
    opp = session.get(OpportunityRecord, opportunity_id, with_for_update=for_update)
    if opp is None or not visible_opportunity(
        caller, opp, (m.rep_id for m in team_of(session, opp.opportunity_id))
    ):
        raise NotFound("opportunity", opportunity_id)
    if for_update:
        check_expected_version(opp.version, f"opportunities/{opportunity_id}")
    return opp


def rep_view(session: Session, rep_id: str) -> domain.RepView | None:
    """What the reps copy knows about a rep, or None."""
    rep = session.get(RepRecord, rep_id)
    if rep is None:
        return None
    return domain.RepView(rep.rep_id, rep.region, rep.team_id, rep.manager_id, rep.status)


def require_deal_writer(session: Session, caller: Caller, opp: OpportunityRecord) -> None:
    """The caller may change this deal: the owner, a manager of the owner's team, a director."""
    caller.require_writer(opp.region)
    owner = rep_view(session, opp.owner_id)
    if not domain.may_manage_deal(
        caller.roles, caller.subject, opp.owner_id, owner.manager_id if owner else None
    ):
        raise PermissionDenied(
            f"only the owner {opp.owner_id}, their manager or a director may change "
            f"opportunity '{opp.opportunity_id}'"
        )


def require_admin(caller: Caller, region: str) -> None:
    """Configuration is for admins: of the region, or of every region for global settings."""
    if "admin" not in caller.roles:
        raise PermissionDenied("only an admin changes pipelines, stage gates and authorities")
    if region:
        caller.require_writer(region)
    elif ALL_REGIONS not in caller.regions:
        raise PermissionDenied(
            "this setting applies to every region; it needs an admin of all regions"
        )


# --- pipelines and stages -----------------------------------------------------------------


def stage_spec(stage: StageRecord) -> StageSpec:
    """A stage row as the domain sees it."""
    return StageSpec(
        stage.stage_id,
        stage.name,
        stage.position,
        stage.probability_bp,
        ForecastCategory(stage.forecast_category),
        StageKind(stage.kind),
    )


def stages_of(session: Session, pipeline_id: str) -> list[StageRecord]:
    """A pipeline's stages in order."""
    return list(
        session.scalars(
            sa.select(StageRecord)
            .where(StageRecord.pipeline_id == pipeline_id)
            .order_by(StageRecord.position)
        )
    )


def stage_to_proto(stage: StageRecord) -> pb.Stage:
    """The Stage proto of a row."""
    return pb.Stage(
        stage_id=stage.stage_id,
        pipeline_id=stage.pipeline_id,
        name=stage.name,
        position=stage.position,
        probability_bp=stage.probability_bp,
        forecast_category=FORECAST_TO_PROTO[ForecastCategory(stage.forecast_category)],
        kind=KIND_TO_PROTO[StageKind(stage.kind)],
    )


def pipeline_to_proto(session: Session, pipeline: PipelineRecord) -> pb.Pipeline:
    """The Pipeline proto with its stages."""
    return pb.Pipeline(
        pipeline_id=pipeline.pipeline_id,
        name=pipeline.name,
        kind=pipeline.kind,
        region=pipeline.region,
        stages=[stage_to_proto(s) for s in stages_of(session, pipeline.pipeline_id)],
        create_time=timestamp(pipeline.created_at),
    )


def _pipeline_for_caller(session: Session, caller: Caller, pipeline_id: str) -> PipelineRecord:
    if not pipeline_id.strip():
        raise InvalidArgument.of("pipeline_id", "is required")
    pipeline = session.get(PipelineRecord, pipeline_id)
    if pipeline is None or (pipeline.region and not caller.has_region(pipeline.region)):
        raise NotFound("pipeline", pipeline_id)
    return pipeline


def _stage_inputs(stages: Sequence[pb.StageInput]) -> list[domain.StageInput]:
    return [
        domain.StageInput(
            name=stage.name,
            probability_bp=stage.probability_bp,
            forecast_category=(
                FORECAST_FROM_PROTO[stage.forecast_category].value
                if stage.forecast_category in FORECAST_FROM_PROTO
                else ""
            ),
            kind=KIND_FROM_PROTO[stage.kind].value if stage.kind in KIND_FROM_PROTO else "",
            stage_id=stage.stage_id,
        )
        for stage in stages
    ]


# --- gates -------------------------------------------------------------------------------


def current_gate(session: Session, stage_id: str) -> StageGateRecord | None:
    """The current (highest) version of a stage's gate, or None."""
    return session.scalars(
        sa.select(StageGateRecord)
        .where(StageGateRecord.stage_id == stage_id)
        .order_by(StageGateRecord.version.desc())
        .limit(1)
    ).first()


def criterion_to_proto(criterion: gates.Criterion) -> pb.GateCriterion:
    """The GateCriterion proto of a stored criterion."""
    message = pb.GateCriterion(name=criterion.name)
    if criterion.kind == "required_field":
        message.required_field.CopyFrom(pb.RequiredField(field=criterion.field))
    elif criterion.kind == "required_activity":
        message.required_activity.CopyFrom(
            pb.RequiredActivity(
                activity_type=ACTIVITY_TYPE_TO_PROTO[criterion.activity_type],
                min_count=criterion.min_count,
                with_outcome=criterion.with_outcome,
            )
        )
    elif criterion.kind == "approved_quote":
        message.approved_quote.CopyFrom(pb.ApprovedQuote(accepted_only=criterion.accepted_only))
    else:
        message.owner_certification.CopyFrom(pb.OwnerCertification())
    return message


def criterion_from_proto(message: pb.GateCriterion) -> gates.Criterion:
    """A domain criterion from its proto (validated by gates.validate_criteria)."""
    kind = message.WhichOneof("rule") or ""
    if kind == "required_field":
        return gates.Criterion(message.name, kind, field=message.required_field.field.strip())
    if kind == "required_activity":
        rule = message.required_activity
        return gates.Criterion(
            message.name,
            kind,
            activity_type=ACTIVITY_TYPE_FROM_PROTO.get(rule.activity_type, ""),
            min_count=rule.min_count,
            with_outcome=rule.with_outcome,
        )
    if kind == "approved_quote":
        return gates.Criterion(
            message.name, kind, accepted_only=message.approved_quote.accepted_only
        )
    return gates.Criterion(message.name, kind)


def gate_to_proto(stage_id: str, gate: StageGateRecord | None) -> pb.StageGate:
    """A StageGate proto; version 0 with no criteria when the stage never had a gate."""
    if gate is None:
        return pb.StageGate(stage_id=stage_id, version=0)
    return pb.StageGate(
        stage_id=gate.stage_id,
        version=gate.version,
        criteria=[criterion_to_proto(c) for c in gates.criteria_from_json(gate.criteria)],
        comment=gate.comment,
        create_time=timestamp(gate.created_at),
        created_by=gate.created_by,
    )


def deal_facts(session: Session, opp: OpportunityRecord, on: date) -> gates.DealFacts:
    """Everything a gate looks at for one deal, read in the caller's transaction."""
    opp_id = opp.opportunity_id
    product_lines = frozenset(
        session.scalars(
            sa.select(OpportunityLineRecord.product_line).where(
                OpportunityLineRecord.opportunity_id == opp_id
            )
        )
    )
    has_team = bool(team_of(session, opp_id))
    has_competitors = (
        session.scalar(
            sa.select(sa.func.count()).where(OpportunityCompetitorRecord.opportunity_id == opp_id)
        )
        or 0
    ) > 0
    filled = {
        name
        for name, present in (
            ("next_step", bool(opp.next_step.strip())),
            ("expected_close_date", opp.expected_close_date is not None),
            ("competitors", has_competitors),
            ("line_items", bool(product_lines)),
            ("team_members", has_team),
            ("amount", opp.amount_minor > 0),
        )
        if present
    }
    activities = [
        gates.ActivityFact(row.type, row.outcome, row.status == "completed")
        for row in session.execute(
            sa.select(ActivityRecord.type, ActivityRecord.outcome, ActivityRecord.status).where(
                ActivityRecord.opportunity_id == opp_id
            )
        )
    ]
    quote_statuses = frozenset(
        session.scalars(
            sa.select(QuoteRecord.status).where(
                QuoteRecord.opportunity_id == opp_id, QuoteRecord.status != "superseded"
            )
        )
    )
    certified = frozenset(
        session.scalars(
            sa.select(CertificationCopyRecord.product_line).where(
                CertificationCopyRecord.rep_id == opp.owner_id,
                CertificationCopyRecord.status == "granted",
                CertificationCopyRecord.valid_until >= on,
                sa.or_(
                    CertificationCopyRecord.valid_from.is_(None),
                    CertificationCopyRecord.valid_from <= on,
                ),
            )
        )
    )
    return gates.DealFacts(
        owner_id=opp.owner_id,
        filled_fields=frozenset(filled),
        activities=activities,
        quote_statuses=quote_statuses,
        product_lines=product_lines,
        certified_product_lines=certified,
    )


def require_exit_gates(
    session: Session,
    opp: OpportunityRecord,
    exited: Sequence[StageSpec],
    also: Sequence[RuleViolation] = (),
) -> None:
    """Every stage the deal leaves must pass its current gate; all unmet rules are listed."""
    to_check = []
    for stage in exited:
        gate = current_gate(session, stage.stage_id)
        if gate is not None:
            to_check.append((stage.stage_id, stage.name, gates.criteria_from_json(gate.criteria)))
    gates.require_gates(to_check, deal_facts(session, opp, today()), also)


# --- opportunities ---------------------------------------------------------------------


def opportunities_to_proto(
    session: Session, records: Sequence[OpportunityRecord]
) -> list[pb.Opportunity]:
    """Opportunity protos with their lines, team, competitors and stage (batched reads)."""
    ids = [r.opportunity_id for r in records]
    if not ids:
        return []
    lines: dict[str, list[OpportunityLineRecord]] = defaultdict(list)
    for line in session.scalars(
        sa.select(OpportunityLineRecord)
        .where(OpportunityLineRecord.opportunity_id.in_(ids))
        .order_by(OpportunityLineRecord.position)
    ):
        lines[line.opportunity_id].append(line)
    members: dict[str, list[OpportunityTeamMemberRecord]] = defaultdict(list)
    for member in session.scalars(
        sa.select(OpportunityTeamMemberRecord)
        .where(OpportunityTeamMemberRecord.opportunity_id.in_(ids))
        .order_by(OpportunityTeamMemberRecord.position)
    ):
        members[member.opportunity_id].append(member)
    competitors: dict[str, list[str]] = defaultdict(list)
    for row in session.execute(
        sa.select(
            OpportunityCompetitorRecord.opportunity_id, OpportunityCompetitorRecord.competitor
        )
        .where(OpportunityCompetitorRecord.opportunity_id.in_(ids))
        .order_by(OpportunityCompetitorRecord.competitor)
    ):
        competitors[row.opportunity_id].append(row.competitor)
    stages = {
        s.stage_id: s
        for s in session.scalars(
            sa.select(StageRecord).where(StageRecord.stage_id.in_({r.stage_id for r in records}))
        )
    }
    entered = {
        row.opportunity_id: row.entered_at
        for row in session.execute(
            sa.select(StageHistoryRecord.opportunity_id, StageHistoryRecord.entered_at).where(
                StageHistoryRecord.opportunity_id.in_(ids), StageHistoryRecord.exited_at.is_(None)
            )
        )
    }
    result = []
    for r in records:
        stage = stages[r.stage_id]
        result.append(
            pb.Opportunity(
                opportunity_id=r.opportunity_id,
                region=r.region,
                customer_id=r.customer_id,
                owner_id=r.owner_id,
                team_id=r.team_id,
                pipeline_id=r.pipeline_id,
                stage_id=r.stage_id,
                stage_name=stage.name,
                name=r.name,
                amount=money(r.currency, r.amount_minor),
                expected_close_date=iso(r.expected_close_date),
                next_step=r.next_step,
                status=STATUS_TO_PROTO[OpportunityStatus(r.status)],
                line_items=[
                    pb.OpportunityLineItem(
                        product_line=line.product_line,
                        quantity=line.quantity,
                        unit_price=money(r.currency, line.unit_price_minor),
                        amount=money(r.currency, line.amount_minor),
                    )
                    for line in lines[r.opportunity_id]
                ],
                competitors=competitors[r.opportunity_id],
                team_members=[
                    pb.TeamMember(rep_id=m.rep_id, role=m.role, share_bp=m.share_bp)
                    for m in members[r.opportunity_id]
                ],
                probability_bp=stage.probability_bp,
                forecast_category=FORECAST_TO_PROTO[ForecastCategory(stage.forecast_category)],
                stage_enter_time=timestamp(entered.get(r.opportunity_id)),
                close_time=timestamp(r.closed_at),
                loss_reason=r.loss_reason,
                lost_to_competitor=r.lost_to_competitor,
                version=r.version,
                audit=audit_info(r.created_at, r.created_by, r.updated_at, r.updated_by),
            )
        )
    return result


def opportunity_to_proto(session: Session, record: OpportunityRecord) -> pb.Opportunity:
    """One Opportunity proto."""
    return opportunities_to_proto(session, [record])[0]


def _line_inputs(lines: Sequence[pb.OpportunityLineItem]) -> list[domain.LineInput]:
    return [
        domain.LineInput(
            line.product_line, line.quantity, line.unit_price.amount_minor, line.unit_price.currency
        )
        for line in lines
    ]


def _team_inputs(members: Sequence[pb.TeamMember]) -> list[domain.TeamMember]:
    return [domain.TeamMember(m.rep_id, m.role, m.share_bp) for m in members]


def replace_lines(session: Session, opportunity_id: str, lines: Sequence[domain.LineItem]) -> None:
    """Replace a deal's line items."""
    session.execute(
        sa.delete(OpportunityLineRecord).where(
            OpportunityLineRecord.opportunity_id == opportunity_id
        )
    )
    session.add_all(
        OpportunityLineRecord(
            opportunity_id=opportunity_id,
            position=index,
            product_line=line.product_line,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            amount_minor=line.amount_minor,
        )
        for index, line in enumerate(lines, 1)
    )


def replace_team(session: Session, opportunity_id: str, team: Sequence[domain.TeamMember]) -> None:
    """Replace a deal's team and credit splits."""
    session.execute(
        sa.delete(OpportunityTeamMemberRecord).where(
            OpportunityTeamMemberRecord.opportunity_id == opportunity_id
        )
    )
    session.flush()
    session.add_all(
        OpportunityTeamMemberRecord(
            opportunity_id=opportunity_id,
            rep_id=member.rep_id,
            role=member.role,
            share_bp=member.share_bp,
            position=index,
        )
        for index, member in enumerate(team, 1)
    )


def replace_competitors(session: Session, opportunity_id: str, names: Sequence[str]) -> None:
    """Replace the competitors on a deal."""
    session.execute(
        sa.delete(OpportunityCompetitorRecord).where(
            OpportunityCompetitorRecord.opportunity_id == opportunity_id
        )
    )
    session.add_all(
        OpportunityCompetitorRecord(opportunity_id=opportunity_id, competitor=name)
        for name in names
    )


def move_to_stage(session: Session, opp: OpportunityRecord, stage_id: str, now: datetime) -> int:
    """Close the current stage visit, open one for `stage_id`; return seconds spent in the old."""
    visit = session.scalars(
        sa.select(StageHistoryRecord).where(
            StageHistoryRecord.opportunity_id == opp.opportunity_id,
            StageHistoryRecord.exited_at.is_(None),
        )
    ).first()
    seconds = 0
    if visit is not None:
        visit.exited_at = now
        seconds = int((now - visit.entered_at).total_seconds())
    session.add(
        StageHistoryRecord(
            id=str(uuid.uuid4()),
            opportunity_id=opp.opportunity_id,
            stage_id=stage_id,
            entered_at=now,
            exited_at=None,
        )
    )
    opp.stage_id = stage_id
    return seconds


def touch(opp: OpportunityRecord, caller: Caller, now: datetime) -> None:
    """Record who changed the deal and when, and bump its version."""
    opp.updated_at = now
    opp.updated_by = caller.subject
    opp.version += 1


def competitor_names(session: Session, opportunity_id: str) -> list[str]:
    """The competitors on a deal, sorted."""
    return list(
        session.scalars(
            sa.select(OpportunityCompetitorRecord.competitor)
            .where(OpportunityCompetitorRecord.opportunity_id == opportunity_id)
            .order_by(OpportunityCompetitorRecord.competitor)
        )
    )


def snapshot(opp: OpportunityRecord) -> dict[str, object]:
    """The figures other services copy, to tell what an update changed."""
    return {
        "name": opp.name,
        "amount": (opp.currency, opp.amount_minor),
        "expected_close_date": opp.expected_close_date,
    }


def updated_fields(before: dict[str, object], opp: OpportunityRecord) -> list[str]:
    after = snapshot(opp)
    return [field for field, value in before.items() if after[field] != value]


def record_updated(
    session: Session, caller: Caller, opp: OpportunityRecord, changed: Sequence[str]
) -> None:
    """`pipeline.opportunity.updated` with the opportunity's current figures, if anything moved."""
    if not changed:
        return
    record_event(
        session,
        "pipeline.opportunity.updated",
        events.OpportunityUpdated(
            opportunity_id=opp.opportunity_id,
            region=opp.region,
            owner_id=opp.owner_id,
            team_id=opp.team_id,
            name=opp.name,
            amount=money(opp.currency, opp.amount_minor),
            expected_close_date=iso(opp.expected_close_date) if opp.expected_close_date else "",
            changed=list(changed),
        ),
        region=opp.region,
        caller=caller,
    )


class OpportunityServicer(opportunities_pb2_grpc.OpportunityServiceServicer):
    """Pipelines, stage gates and opportunities."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- pipelines ---------------------------------------------------------------

    def CreatePipeline(
        self, request: pb.CreatePipelineRequest, context: grpc.ServicerContext
    ) -> pb.CreatePipelineResponse:
        caller = current_caller()
        name, kind, region, specs = domain.validate_pipeline(
            request.name, request.kind, request.region, _stage_inputs(request.stages)
        )
        if any(spec.stage_id for spec in specs):
            raise InvalidArgument.of("stages", "a new pipeline's stages have no stage_id yet")
        require_admin(caller, region)
        pipeline = PipelineRecord(
            pipeline_id=str(uuid.uuid4()), name=name, kind=kind, region=region, created_at=utcnow()
        )
        with self.db.transaction() as session:
            session.add(pipeline)
            session.flush()
            session.add_all(self._stage_rows(pipeline.pipeline_id, specs))
            session.flush()
            return pb.CreatePipelineResponse(pipeline=pipeline_to_proto(session, pipeline))

    @staticmethod
    def _stage_rows(pipeline_id: str, specs: Sequence[StageSpec]) -> list[StageRecord]:
        return [
            StageRecord(
                stage_id=str(uuid.uuid4()),
                pipeline_id=pipeline_id,
                name=spec.name,
                position=spec.position,
                probability_bp=spec.probability_bp,
                forecast_category=spec.forecast_category.value,
                kind=spec.kind.value,
            )
            for spec in specs
        ]

    def GetPipeline(
        self, request: pb.GetPipelineRequest, context: grpc.ServicerContext
    ) -> pb.GetPipelineResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            pipeline = _pipeline_for_caller(session, caller, request.pipeline_id)
            return pb.GetPipelineResponse(pipeline=pipeline_to_proto(session, pipeline))

    def ListPipelines(
        self, request: pb.ListPipelinesRequest, context: grpc.ServicerContext
    ) -> pb.ListPipelinesResponse:
        caller = current_caller()
        caller.require_reader()
        requested = request.region.strip().upper()
        regions = caller.readable_regions(requested)
        query = sa.select(PipelineRecord)
        if regions is not None:
            query = query.where(
                sa.or_(PipelineRecord.region == "", PipelineRecord.region.in_(sorted(regions)))
            )
        if requested:
            query = query.where(PipelineRecord.region.in_(["", requested]))
        with self.db.transaction() as session:
            pipelines, next_token = keyset_page(
                session,
                query,
                created=PipelineRecord.created_at,
                key=PipelineRecord.pipeline_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": requested},
                cursor_of=lambda p: Cursor(p.created_at, p.pipeline_id),
            )
            return pb.ListPipelinesResponse(
                pipelines=[pipeline_to_proto(session, p) for p in pipelines],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def UpdatePipeline(
        self, request: pb.UpdatePipelineRequest, context: grpc.ServicerContext
    ) -> pb.UpdatePipelineResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            pipeline = _pipeline_for_caller(session, caller, request.pipeline_id)
            # A pipeline keeps no version, so no If-Match can name one.
            check_expected_version(None, f"pipelines/{pipeline.pipeline_id}")
            require_admin(caller, pipeline.region)
            if request.name.strip():
                pipeline.name, _, _, _ = domain.validate_pipeline(
                    request.name, pipeline.kind, pipeline.region
                )
            if request.stages:
                self._replace_stages(session, pipeline, request.stages)
            session.flush()
            return pb.UpdatePipelineResponse(pipeline=pipeline_to_proto(session, pipeline))

    def _replace_stages(
        self, session: Session, pipeline: PipelineRecord, stages: Sequence[pb.StageInput]
    ) -> None:
        specs = domain.validate_stages(_stage_inputs(stages))
        existing = {s.stage_id: s for s in stages_of(session, pipeline.pipeline_id)}
        check = Validator()
        for index, spec in enumerate(specs):
            if spec.stage_id and spec.stage_id not in existing:
                check.add(f"stages[{index}].stage_id", "is not a stage of this pipeline")
        check.raise_if_any()
        kept = {spec.stage_id for spec in specs if spec.stage_id}
        used = set(
            session.scalars(
                sa.select(OpportunityRecord.stage_id).where(
                    OpportunityRecord.pipeline_id == pipeline.pipeline_id
                )
            )
        ) | set(
            session.scalars(
                sa.select(StageHistoryRecord.stage_id).where(
                    StageHistoryRecord.stage_id.in_(list(existing))
                )
            )
        )
        violations = [
            RuleViolation(
                "STATE",
                f"stages/{stage_id}",
                f"'{existing[stage_id].name}' holds or held opportunities; it cannot be removed",
            )
            for stage_id in sorted(set(existing) - kept)
            if stage_id in used
        ] + [
            RuleViolation(
                "STATE",
                f"stages/{spec.stage_id}",
                f"'{existing[spec.stage_id].name}' holds or held opportunities; "
                "its kind cannot change",
            )
            for spec in specs
            if spec.stage_id
            and spec.stage_id in used
            and existing[spec.stage_id].kind != spec.kind.value
        ]
        if violations:
            raise FailedPrecondition(violations)
        for stage_id in set(existing) - kept:
            session.delete(existing[stage_id])
        session.flush()
        # Positions are unique in spirit only, so rows can be renumbered in place.
        for spec in specs:
            if spec.stage_id:
                row = existing[spec.stage_id]
                row.name, row.position = spec.name, spec.position
                row.probability_bp = spec.probability_bp
                row.forecast_category = spec.forecast_category.value
                row.kind = spec.kind.value
            else:
                session.add(self._stage_rows(pipeline.pipeline_id, [spec])[0])

    # --- stage gates ---------------------------------------------------------------

    def _stage_for_caller(
        self, session: Session, caller: Caller, stage_id: str
    ) -> tuple[StageRecord, PipelineRecord]:
        if not stage_id.strip():
            raise InvalidArgument.of("stage_id", "is required")
        stage = session.get(StageRecord, stage_id)
        if stage is None:
            raise NotFound("stage", stage_id)
        try:
            pipeline = _pipeline_for_caller(session, caller, stage.pipeline_id)
        except NotFound:
            raise NotFound("stage", stage_id) from None
        return stage, pipeline

    def SetStageGate(
        self, request: pb.SetStageGateRequest, context: grpc.ServicerContext
    ) -> pb.SetStageGateResponse:
        caller = current_caller()
        criteria = gates.validate_criteria([criterion_from_proto(c) for c in request.criteria])
        comment = request.comment.strip()
        check = Validator()
        check.optional("comment", comment, max_length=500)
        check.raise_if_any()
        with self.db.transaction() as session:
            stage, pipeline = self._stage_for_caller(session, caller, request.stage_id)
            require_admin(caller, pipeline.region)
            if stage.kind != StageKind.OPEN.value:
                raise InvalidArgument.of(
                    "stage_id", "only open stages have exit criteria; a closed deal leaves none"
                )
            latest = current_gate(session, stage.stage_id)
            # Version 0: the stage never had criteria. A concurrent writer of the same
            # next version fails on the (stage_id, version) key, so none is lost.
            check_expected_version(latest.version if latest else 0, f"stage-gates/{stage.stage_id}")
            gate = StageGateRecord(
                stage_id=stage.stage_id,
                version=(latest.version if latest else 0) + 1,
                criteria=gates.criteria_to_json(criteria),
                comment=comment,
                created_at=utcnow(),
                created_by=caller.subject,
            )
            session.add(gate)
            session.flush()
            return pb.SetStageGateResponse(gate=gate_to_proto(stage.stage_id, gate))

    def GetStageGate(
        self, request: pb.GetStageGateRequest, context: grpc.ServicerContext
    ) -> pb.GetStageGateResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            stage, _ = self._stage_for_caller(session, caller, request.stage_id)
            if request.version:
                gate = session.get(StageGateRecord, (stage.stage_id, request.version))
                if gate is None:
                    raise NotFound("stage gate version", f"{stage.stage_id}@{request.version}")
            else:
                gate = current_gate(session, stage.stage_id)
            return pb.GetStageGateResponse(gate=gate_to_proto(stage.stage_id, gate))

    def ListStageGateVersions(
        self, request: pb.ListStageGateVersionsRequest, context: grpc.ServicerContext
    ) -> pb.ListStageGateVersionsResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            stage, _ = self._stage_for_caller(session, caller, request.stage_id)
            versions = session.scalars(
                sa.select(StageGateRecord)
                .where(StageGateRecord.stage_id == stage.stage_id)
                .order_by(StageGateRecord.version.desc())
            )
            return pb.ListStageGateVersionsResponse(
                gates=[gate_to_proto(stage.stage_id, gate) for gate in versions]
            )

    # --- opportunities -------------------------------------------------------------

    def CreateOpportunity(
        self, request: pb.CreateOpportunityRequest, context: grpc.ServicerContext
    ) -> pb.CreateOpportunityResponse:
        caller = current_caller()
        draft = domain.validate_new_opportunity(
            customer_id=request.customer_id,
            name=request.name,
            owner_id=request.owner_id or caller.subject,
            lines=_line_inputs(request.line_items),
            currency=request.currency,
            expected_close_date=request.expected_close_date,
            next_step=request.next_step,
            competitors=list(request.competitors),
            team=_team_inputs(request.team_members),
        )
        requested_region = request.region.strip().upper()
        now = utcnow()
        with self.db.transaction() as session:
            customer = session.get(CustomerCopyRecord, draft.customer_id)
            if (
                customer is None
                or not customer.known
                or not caller.has_region(customer.region)
                or (requested_region and requested_region != customer.region)
            ):
                where = f" in region {requested_region}" if requested_region else ""
                raise InvalidArgument.of("customer_id", f"is not a known customer{where}")
            if customer.merged_into:
                raise InvalidArgument.of(
                    "customer_id",
                    f"was merged into customer {customer.merged_into}; open the deal for that one",
                )
            region = customer.region
            caller.require_writer(region)
            if caller.own_records_only and draft.owner_id != caller.subject:
                raise InvalidArgument.of(
                    "owner_id", "a rep opens opportunities only for themselves"
                )
            owner = rep_view(session, draft.owner_id)
            if not domain.may_manage_deal(
                caller.roles, caller.subject, draft.owner_id, owner.manager_id if owner else None
            ):
                raise PermissionDenied(
                    f"{caller.subject} may open deals for their own team only, "
                    f"and '{draft.owner_id}' is not in it"
                )
            pipeline_id = request.pipeline_id.strip() or domain.DEFAULT_PIPELINE_ID
            pipeline = session.get(PipelineRecord, pipeline_id)
            if pipeline is None or pipeline.region not in ("", region):
                raise InvalidArgument.of(
                    "pipeline_id", f"is not a pipeline that applies to region {region}"
                )
            first = next(s for s in stages_of(session, pipeline_id) if s.kind == "open")
            opp = OpportunityRecord(
                opportunity_id=str(uuid.uuid4()),
                region=region,
                customer_id=customer.customer_id,
                owner_id=draft.owner_id,
                team_id=owner.team_id if owner else "",
                pipeline_id=pipeline_id,
                stage_id=first.stage_id,
                name=draft.name,
                amount_minor=draft.amount_minor,
                currency=draft.currency,
                expected_close_date=draft.expected_close_date,
                next_step=draft.next_step,
                status=OpportunityStatus.OPEN.value,
                closed_at=None,
                loss_reason="",
                lost_to_competitor="",
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(opp)
            session.flush()
            replace_lines(session, opp.opportunity_id, draft.lines)
            replace_team(session, opp.opportunity_id, draft.team)
            replace_competitors(session, opp.opportunity_id, draft.competitors)
            session.add(
                StageHistoryRecord(
                    id=str(uuid.uuid4()),
                    opportunity_id=opp.opportunity_id,
                    stage_id=first.stage_id,
                    entered_at=now,
                    exited_at=None,
                )
            )
            record_event(
                session,
                "pipeline.opportunity.created",
                events.OpportunityCreated(
                    opportunity_id=opp.opportunity_id,
                    region=region,
                    customer_id=opp.customer_id,
                    owner_id=opp.owner_id,
                    team_id=opp.team_id,
                    pipeline_id=pipeline_id,
                    stage_id=first.stage_id,
                    name=opp.name,
                    amount=money(opp.currency, opp.amount_minor),
                    expected_close_date=iso(opp.expected_close_date),
                    probability_bp=first.probability_bp,
                    forecast_category=first.forecast_category,
                ),
                region=region,
                caller=caller,
            )
            session.flush()
            return pb.CreateOpportunityResponse(opportunity=opportunity_to_proto(session, opp))

    def GetOpportunity(
        self, request: pb.GetOpportunityRequest, context: grpc.ServicerContext
    ) -> pb.GetOpportunityResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            opp = load_opportunity(session, caller, request.opportunity_id)
            return pb.GetOpportunityResponse(opportunity=opportunity_to_proto(session, opp))

    def ListOpportunities(
        self, request: pb.ListOpportunitiesRequest, context: grpc.ServicerContext
    ) -> pb.ListOpportunitiesResponse:
        caller = current_caller()
        caller.require_reader()
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not an opportunity status")
        region = request.region.strip().upper()
        regions = caller.readable_regions(region)
        query = sa.select(OpportunityRecord)
        if regions is not None:
            query = query.where(OpportunityRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(rep_visible_clause(caller))
        filters = {
            "region": region,
            "owner_id": request.owner_id.strip(),
            "pipeline_id": request.pipeline_id.strip(),
            "stage_id": request.stage_id.strip(),
            "customer_id": request.customer_id.strip(),
            "status": status.value if status else "",
        }
        query = where_equal(
            query,
            [
                (OpportunityRecord.owner_id, filters["owner_id"]),
                (OpportunityRecord.pipeline_id, filters["pipeline_id"]),
                (OpportunityRecord.stage_id, filters["stage_id"]),
                (OpportunityRecord.customer_id, filters["customer_id"]),
                (OpportunityRecord.status, filters["status"]),
            ],
        )
        with self.db.transaction() as session:
            records, next_token = keyset_page(
                session,
                query,
                created=OpportunityRecord.created_at,
                key=OpportunityRecord.opportunity_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda o: Cursor(o.created_at, o.opportunity_id),
            )
            return pb.ListOpportunitiesResponse(
                opportunities=opportunities_to_proto(session, records),
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def UpdateOpportunity(
        self, request: pb.UpdateOpportunityRequest, context: grpc.ServicerContext
    ) -> pb.UpdateOpportunityResponse:
        caller = current_caller()
        paths = domain.validate_update_mask(list(request.update_mask.paths))
        given = request.opportunity
        now = utcnow()
        with self.db.transaction() as session:
            opp = load_opportunity(
                session,
                caller,
                given.opportunity_id,
                for_update=True,
                field_name="opportunity.opportunity_id",
            )
            require_deal_writer(session, caller, opp)
            domain.require_open(opp.opportunity_id, OpportunityStatus(opp.status))
            before = snapshot(opp)
            check = Validator()
            if "name" in paths:
                name = clean_text(given.name)
                check.require("opportunity.name", name)
                opp.name = name
            if "expected_close_date" in paths:
                opp.expected_close_date = domain.parse_date(
                    check, "opportunity.expected_close_date", given.expected_close_date
                )
            if "next_step" in paths:
                step = clean_text(given.next_step)
                check.optional("opportunity.next_step", step, max_length=500)
                opp.next_step = step
            lines = None
            if "line_items" in paths:
                lines, currency = domain.validate_line_items(
                    check,
                    _line_inputs(given.line_items),
                    "" if given.line_items else opp.currency,
                    field_name="opportunity.line_items",
                )
            team = None
            if "team_members" in paths:
                team = domain.validate_team(
                    check,
                    _team_inputs(given.team_members),
                    opp.owner_id,
                    field_name="opportunity.team_members",
                )
            competitors = None
            if "competitors" in paths:
                competitors = domain.validate_competitors(check, given.competitors)
            check.raise_if_any()
            if lines is not None:
                replace_lines(session, opp.opportunity_id, lines)
                opp.currency = currency
                opp.amount_minor = sum(line.amount_minor for line in lines)
            if team is not None:
                replace_team(session, opp.opportunity_id, team)
            if competitors is not None:
                replace_competitors(session, opp.opportunity_id, competitors)
            touch(opp, caller, now)
            session.flush()
            record_updated(session, caller, opp, updated_fields(before, opp))
            return pb.UpdateOpportunityResponse(opportunity=opportunity_to_proto(session, opp))

    def AdvanceOpportunity(
        self, request: pb.AdvanceOpportunityRequest, context: grpc.ServicerContext
    ) -> pb.AdvanceOpportunityResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            opp = load_opportunity(session, caller, request.opportunity_id, for_update=True)
            require_deal_writer(session, caller, opp)
            domain.require_open(opp.opportunity_id, OpportunityStatus(opp.status))
            stages = [stage_spec(s) for s in stages_of(session, opp.pipeline_id)]
            move = domain.plan_advance(
                opp.opportunity_id, stages, opp.stage_id, request.target_stage_id.strip()
            )
            require_exit_gates(session, opp, move.exited)
            from_stage = opp.stage_id
            seconds = move_to_stage(session, opp, move.target.stage_id, now)
            touch(opp, caller, now)
            record_event(
                session,
                "pipeline.opportunity.stage_changed",
                events.OpportunityStageChanged(
                    opportunity_id=opp.opportunity_id,
                    region=opp.region,
                    owner_id=opp.owner_id,
                    team_id=opp.team_id,
                    pipeline_id=opp.pipeline_id,
                    from_stage_id=from_stage,
                    to_stage_id=move.target.stage_id,
                    to_stage_name=move.target.name,
                    probability_bp=move.target.probability_bp,
                    forecast_category=move.target.forecast_category.value,
                    amount=money(opp.currency, opp.amount_minor),
                    seconds_in_from_stage=seconds,
                ),
                region=opp.region,
                caller=caller,
            )
            session.flush()
            return pb.AdvanceOpportunityResponse(opportunity=opportunity_to_proto(session, opp))

    def WinOpportunity(
        self, request: pb.WinOpportunityRequest, context: grpc.ServicerContext
    ) -> pb.WinOpportunityResponse:
        # Contracts live with quotes; imported here because quotes imports this module.
        from services.pipeline.api import quotes as quote_area
        from services.pipeline.domain import contracts as contract_rules

        caller = current_caller()
        term = contract_rules.validate_term(
            request.contract_start_date, request.term_months, request.signed_date, today=today()
        )
        now = utcnow()
        with self.db.transaction() as session:
            opp = load_opportunity(session, caller, request.opportunity_id, for_update=True)
            require_deal_writer(session, caller, opp)
            domain.require_open(opp.opportunity_id, OpportunityStatus(opp.status))
            quote, missing = quote_area.accepted_quote(session, opp, request.quote_id.strip())
            stages = [stage_spec(s) for s in stages_of(session, opp.pipeline_id)]
            move = domain.stages_left_to_win(stages, opp.stage_id)
            require_exit_gates(session, opp, move.exited, missing)
            assert quote is not None  # require_exit_gates raised otherwise
            move_to_stage(session, opp, move.target.stage_id, now)
            opp.status = OpportunityStatus.WON.value
            opp.closed_at = now
            # The booked value is what the customer accepted.
            opp.amount_minor, opp.currency = quote.total_minor, quote.currency
            touch(opp, caller, now)
            contract, splits = quote_area.sign_contract(session, caller, opp, quote, term, now)
            record_event(
                session,
                "pipeline.opportunity.won",
                events.OpportunityWon(
                    opportunity_id=opp.opportunity_id,
                    region=opp.region,
                    customer_id=opp.customer_id,
                    owner_id=opp.owner_id,
                    team_id=opp.team_id,
                    pipeline_id=opp.pipeline_id,
                    amount=money(opp.currency, opp.amount_minor),
                    contract_id=contract.contract_id,
                    quote_id=quote.quote_id,
                    splits=splits,
                    competitors=competitor_names(session, opp.opportunity_id),
                    won_date=iso(term.signed),
                    cycle_days=(now - opp.created_at).days,
                ),
                region=opp.region,
                caller=caller,
            )
            session.flush()
            response = pb.WinOpportunityResponse(
                opportunity=opportunity_to_proto(session, opp),
                contract=quote_area.contract_to_proto(session, contract),
            )
        metrics.DEALS_CLOSED.labels(opp.region, "won").inc()
        return response

    def LoseOpportunity(
        self, request: pb.LoseOpportunityRequest, context: grpc.ServicerContext
    ) -> pb.LoseOpportunityResponse:
        caller = current_caller()
        reason, competitor = domain.validate_loss(request.reason, request.competitor)
        now = utcnow()
        with self.db.transaction() as session:
            opp = load_opportunity(session, caller, request.opportunity_id, for_update=True)
            require_deal_writer(session, caller, opp)
            domain.require_open(opp.opportunity_id, OpportunityStatus(opp.status))
            lost_from = opp.stage_id
            lost = next(s for s in stages_of(session, opp.pipeline_id) if s.kind == "lost")
            move_to_stage(session, opp, lost.stage_id, now)
            opp.status = OpportunityStatus.LOST.value
            opp.closed_at = now
            opp.loss_reason = reason
            opp.lost_to_competitor = competitor
            names = competitor_names(session, opp.opportunity_id)
            if competitor and competitor.lower() not in {n.lower() for n in names}:
                session.add(
                    OpportunityCompetitorRecord(
                        opportunity_id=opp.opportunity_id, competitor=competitor
                    )
                )
                names = sorted([*names, competitor])
            touch(opp, caller, now)
            record_event(
                session,
                "pipeline.opportunity.lost",
                events.OpportunityLost(
                    opportunity_id=opp.opportunity_id,
                    region=opp.region,
                    customer_id=opp.customer_id,
                    owner_id=opp.owner_id,
                    team_id=opp.team_id,
                    pipeline_id=opp.pipeline_id,
                    stage_id=lost_from,
                    amount=money(opp.currency, opp.amount_minor),
                    reason=reason,
                    competitor=competitor,
                    competitors=names,
                ),
                region=opp.region,
                caller=caller,
            )
            session.flush()
            response = pb.LoseOpportunityResponse(opportunity=opportunity_to_proto(session, opp))
        metrics.DEALS_CLOSED.labels(opp.region, "lost").inc()
        return response

    def ReassignOpportunity(
        self, request: pb.ReassignOpportunityRequest, context: grpc.ServicerContext
    ) -> pb.ReassignOpportunityResponse:
        caller = current_caller()
        new_owner_id = request.new_owner_id.strip()
        now = utcnow()
        with self.db.transaction() as session:
            opp = load_opportunity(session, caller, request.opportunity_id, for_update=True)
            caller.require_writer(opp.region)
            domain.require_open(opp.opportunity_id, OpportunityStatus(opp.status))
            new_owner = rep_view(session, new_owner_id) if new_owner_id else None
            domain.check_reassignment(
                roles=caller.roles,
                subject=caller.subject,
                region=opp.region,
                current_owner_id=opp.owner_id,
                current_owner=rep_view(session, opp.owner_id),
                new_owner_id=new_owner_id,
                new_owner=new_owner,
            )
            assert new_owner is not None  # check_reassignment refused an unknown rep
            team = [
                domain.TeamMember(m.rep_id, m.role, m.share_bp)
                for m in team_of(session, opp.opportunity_id)
            ]
            replace_team(
                session,
                opp.opportunity_id,
                domain.reassign_team(team, opp.owner_id, new_owner_id),
            )
            opp.owner_id = new_owner_id
            opp.team_id = new_owner.team_id
            touch(opp, caller, now)
            session.flush()
            record_updated(session, caller, opp, ["owner"])
            return pb.ReassignOpportunityResponse(opportunity=opportunity_to_proto(session, opp))

    def ListOpportunityStageHistory(
        self, request: pb.ListOpportunityStageHistoryRequest, context: grpc.ServicerContext
    ) -> pb.ListOpportunityStageHistoryResponse:
        caller = current_caller()
        caller.require_reader()
        now = utcnow()
        with self.db.transaction() as session:
            opp = load_opportunity(session, caller, request.opportunity_id)
            rows = session.execute(
                sa.select(StageHistoryRecord, StageRecord.name)
                .join(StageRecord, StageRecord.stage_id == StageHistoryRecord.stage_id)
                .where(StageHistoryRecord.opportunity_id == opp.opportunity_id)
                .order_by(StageHistoryRecord.entered_at, StageRecord.position)
            ).all()
            return pb.ListOpportunityStageHistoryResponse(
                visits=[
                    pb.StageVisit(
                        stage_id=visit.stage_id,
                        stage_name=name,
                        enter_time=timestamp(visit.entered_at),
                        exit_time=timestamp(visit.exited_at),
                        duration_seconds=int(
                            ((visit.exited_at or now) - visit.entered_at).total_seconds()
                        ),
                    )
                    for visit, name in rows
                ]
            )


def open_pipeline_value(db: Database) -> list[tuple[tuple[str, str, str], float]]:
    """Open opportunity amounts by (region, stage name, currency), for the metrics gauge."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                OpportunityRecord.region,
                StageRecord.name,
                OpportunityRecord.currency,
                sa.func.sum(OpportunityRecord.amount_minor),
            )
            .join(StageRecord, StageRecord.stage_id == OpportunityRecord.stage_id)
            .where(OpportunityRecord.status == OpportunityStatus.OPEN.value)
            .group_by(OpportunityRecord.region, StageRecord.name, OpportunityRecord.currency)
        ).all()
    return [((region, stage, currency), float(total)) for region, stage, currency, total in rows]


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the OpportunityService to `server` and the open pipeline value gauge."""
    opportunities_pb2_grpc.add_OpportunityServiceServicer_to_server(OpportunityServicer(db), server)
    metrics.register_query_gauge(
        "salesops_pipeline_open_value_minor",
        "Open opportunity amounts in minor units, by region, stage and currency.",
        ["region", "stage", "currency"],
        lambda: open_pipeline_value(db),
    )
    return [pb.DESCRIPTOR.services_by_name["OpportunityService"].full_name]
