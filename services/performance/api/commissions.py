"""CommissionService: commission plans, statements and disputes.

Rules are in `domain.commissions`; the engine is pure and this module feeds
it. Who may do what:

- plans: a manager, director or admin of the region drafts; a director or
  admin of the region who is not the author approves (locking it); amending
  an approved plan drafts the next version, whose approval ends the amended
  one the day before it takes effect (or supersedes it when it starts no
  later). Approved versions of one role and region never overlap. Anyone who
  reads the region reads its plans.
- statements: a manager calculates their team's (reps whose manager they
  are), a director or admin a whole region or any rep of it. The plan is the
  approved one for the rep's role and region in effect on the period's last
  day. A recalculation compares with the last stored calculation rule by rule
  and appends adjustment lines for the differences (a new statement version
  and a `performance.commission.calculated` event); an identical calculation
  changes nothing. A rep reads their own statements, a manager their team's
  (as of the calculation) and their own, directors and executives their
  regions'.
- disputes: the statement's rep disputes a line (one open dispute per line);
  the rep's manager, or a director or admin of the region, accepts or rejects
  it with a comment. An accepted dispute with an amount adds its adjustment
  line to the statement at once (a new version and an event).

A run reads its inputs in bulk (`models.commission_store`) and writes
statements, versions, lines and outbox events with one executemany each, so
a region of 10,000 reps is one transaction of a few statements.
"""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import performance_commission_events_pb2 as events
from salesops.performance.v1 import commissions_pb2 as pb
from salesops.performance.v1 import commissions_pb2_grpc
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Validator,
)
from services.kit.events import build_envelope
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller, current_caller
from services.kit.outbox import OUTBOX_WRITTEN, record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible
from services.kit.schema import outbox
from services.performance.domain import commissions as domain
from services.performance.domain.commissions import (
    CapKind,
    Credit,
    Explanation,
    KpiBonus,
    Line,
    LineKind,
    PlanRole,
    PlanRules,
    PlanStatus,
    Spiff,
    Tier,
    TierMode,
)
from services.performance.models import commission_store as store
from services.performance.models.commissions import (
    CommissionDisputeRecord,
    CommissionLineRecord,
    CommissionPlanRecord,
    CommissionStatementRecord,
    CommissionStatementVersionRecord,
)
from services.performance.models.facts import RepRecord
from services.performance.models.scorecard_store import kpi_scores

EVENT = "performance.commission.calculated"
PLAN_AUTHORS = frozenset({"manager", "director", "admin"})
APPROVERS = frozenset({"director", "admin"})
CALCULATORS = frozenset({"manager", "director", "admin"})
REGION_WIDE = frozenset({"director", "admin", "executive"})
ROLES = frozenset(role.value for role in PlanRole)

ROLE_TO_PROTO = {
    PlanRole.REP: pb.COMMISSION_ROLE_REP,
    PlanRole.MANAGER: pb.COMMISSION_ROLE_MANAGER,
}
ROLE_FROM_PROTO = {v: k for k, v in ROLE_TO_PROTO.items()}
MODE_TO_PROTO = {
    TierMode.MARGINAL: pb.COMMISSION_TIER_MODE_MARGINAL,
    TierMode.FLAT: pb.COMMISSION_TIER_MODE_FLAT,
}
MODE_FROM_PROTO = {v: k for k, v in MODE_TO_PROTO.items()}
CAP_TO_PROTO = {
    CapKind.NONE: pb.COMMISSION_CAP_KIND_UNSPECIFIED,
    CapKind.PAYOUT: pb.COMMISSION_CAP_KIND_PAYOUT,
    CapKind.ATTAINMENT: pb.COMMISSION_CAP_KIND_ATTAINMENT,
}
CAP_FROM_PROTO = {v: k for k, v in CAP_TO_PROTO.items()}
PLAN_STATUS_TO_PROTO = {
    PlanStatus.DRAFT: pb.COMMISSION_PLAN_STATUS_DRAFT,
    PlanStatus.APPROVED: pb.COMMISSION_PLAN_STATUS_APPROVED,
    PlanStatus.SUPERSEDED: pb.COMMISSION_PLAN_STATUS_SUPERSEDED,
}
PLAN_STATUS_FROM_PROTO = {v: k for k, v in PLAN_STATUS_TO_PROTO.items()}
LINE_KIND_TO_PROTO = {
    kind: pb.CommissionLineKind.Value(f"COMMISSION_LINE_KIND_{kind.value.upper()}")
    for kind in LineKind
}
DISPUTE_OPEN, DISPUTE_ACCEPTED, DISPUTE_REJECTED = "open", "accepted", "rejected"
DISPUTE_TO_PROTO = {
    DISPUTE_OPEN: pb.COMMISSION_DISPUTE_STATUS_OPEN,
    DISPUTE_ACCEPTED: pb.COMMISSION_DISPUTE_STATUS_ACCEPTED,
    DISPUTE_REJECTED: pb.COMMISSION_DISPUTE_STATUS_REJECTED,
}
DISPUTE_FROM_PROTO = {v: k for k, v in DISPUTE_TO_PROTO.items()}
MAX_TEXT = 2_000


# --- plans ------------------------------------------------------------------------


def rules_from_proto(rules: pb.CommissionRules, v: Validator) -> PlanRules:
    """The domain rules of a request; an unknown tier mode or missing one with tiers is named."""
    mode = MODE_FROM_PROTO.get(rules.tier_mode)
    if rules.tiers and mode is None:
        v.add("rules.tier_mode", "is required with tiers: marginal or flat")
    cap = CAP_FROM_PROTO.get(rules.cap_kind)
    if cap is None:
        v.add("rules.cap_kind", "is not a cap kind")
    return PlanRules(
        base_rate_bp=rules.base_rate_bp,
        tier_mode=mode or TierMode.MARGINAL,
        tiers=tuple(Tier(t.from_bp, t.to_bp, t.rate_bp, t.name.strip()) for t in rules.tiers),
        cap_kind=cap or CapKind.NONE,
        cap_payout_minor=rules.cap_payout_minor,
        cap_attainment_bp=rules.cap_attainment_bp,
        spiffs=tuple(
            Spiff(s.product_line.strip(), s.rate_bp, s.name.strip()) for s in rules.spiffs
        ),
        kpi_bonuses=tuple(
            KpiBonus(k.kpi_code.strip(), k.min_score, k.amount_minor, k.name.strip())
            for k in rules.kpi_bonuses
        ),
        draw_minor=rules.draw_minor,
        draw_recoverable=rules.draw_recoverable,
    )


def rules_to_json(rules: PlanRules) -> str:
    return json.dumps(
        {
            "base_rate_bp": rules.base_rate_bp,
            "tier_mode": rules.tier_mode.value,
            "tiers": [[t.from_bp, t.to_bp, t.rate_bp, t.name] for t in rules.tiers],
            "cap_kind": rules.cap_kind.value,
            "cap_payout_minor": rules.cap_payout_minor,
            "cap_attainment_bp": rules.cap_attainment_bp,
            "spiffs": [[s.product_line, s.rate_bp, s.name] for s in rules.spiffs],
            "kpi_bonuses": [
                [k.kpi_code, k.min_score, k.amount_minor, k.name] for k in rules.kpi_bonuses
            ],
            "draw_minor": rules.draw_minor,
            "draw_recoverable": rules.draw_recoverable,
        },
        separators=(",", ":"),
    )


def rules_from_json(text: str) -> PlanRules:
    data = json.loads(text)
    return PlanRules(
        base_rate_bp=data["base_rate_bp"],
        tier_mode=TierMode(data["tier_mode"]),
        tiers=tuple(Tier(*t) for t in data["tiers"]),
        cap_kind=CapKind(data["cap_kind"]),
        cap_payout_minor=data["cap_payout_minor"],
        cap_attainment_bp=data["cap_attainment_bp"],
        spiffs=tuple(Spiff(*s) for s in data["spiffs"]),
        kpi_bonuses=tuple(KpiBonus(*k) for k in data["kpi_bonuses"]),
        draw_minor=data["draw_minor"],
        draw_recoverable=data["draw_recoverable"],
    )


def rules_to_proto(rules: PlanRules) -> pb.CommissionRules:
    return pb.CommissionRules(
        base_rate_bp=rules.base_rate_bp,
        tier_mode=MODE_TO_PROTO[rules.tier_mode]
        if rules.tiers
        else pb.COMMISSION_TIER_MODE_UNSPECIFIED,
        tiers=[
            pb.CommissionTier(from_bp=t.from_bp, to_bp=t.to_bp, rate_bp=t.rate_bp, name=t.name)
            for t in rules.tiers
        ],
        cap_kind=CAP_TO_PROTO[rules.cap_kind],
        cap_payout_minor=rules.cap_payout_minor,
        cap_attainment_bp=rules.cap_attainment_bp,
        spiffs=[
            pb.CommissionSpiff(product_line=s.product_line, rate_bp=s.rate_bp, name=s.name)
            for s in rules.spiffs
        ],
        kpi_bonuses=[
            pb.CommissionKpiBonus(
                kpi_code=k.kpi_code, min_score=k.min_score, amount_minor=k.amount_minor, name=k.name
            )
            for k in rules.kpi_bonuses
        ],
        draw_minor=rules.draw_minor,
        draw_recoverable=rules.draw_recoverable,
    )


def plan_to_proto(plan: CommissionPlanRecord) -> pb.CommissionPlan:
    return pb.CommissionPlan(
        plan_id=plan.plan_id,
        lineage_id=plan.lineage_id,
        name=plan.name,
        role=ROLE_TO_PROTO[PlanRole(plan.role)],
        region=plan.region,
        currency=plan.currency,
        effective_from=plan.effective_from.isoformat(),
        effective_to=plan.effective_to.isoformat() if plan.effective_to else "",
        rules=rules_to_proto(rules_from_json(plan.rules_json)),
        status=PLAN_STATUS_TO_PROTO[PlanStatus(plan.status)],
        plan_version=plan.plan_version,
        previous_plan_id=plan.previous_plan_id,
        approved_by=plan.approved_by,
        approved_at=timestamp(plan.approved_at),
        audit=audit_info(plan.created_at, plan.created_by, plan.updated_at, plan.updated_by),
    )


def _validated_plan(
    name: str,
    role: int,
    region: str,
    currency: str,
    effective_from: str,
    effective_to: str,
    rules: pb.CommissionRules,
) -> tuple[PlanRules, PlanRole, date, date | None]:
    v = Validator()
    domain_rules = rules_from_proto(rules, v)
    plan_role = ROLE_FROM_PROTO.get(role)  # type: ignore[call-overload]
    try:
        starts, ends = domain.validate_plan(
            domain.PlanInput(
                name=name,
                role=plan_role.value if plan_role else "",
                region=region,
                currency=currency,
                effective_from=effective_from,
                effective_to=effective_to,
                rules=domain_rules,
            )
        )
    except InvalidArgument as exc:
        v.violations.extend(exc.violations)
    v.raise_if_any()
    assert plan_role is not None
    return domain_rules, plan_role, starts, ends


def _approved_versions(session: Session, role: str, region: str) -> list[CommissionPlanRecord]:
    return list(
        session.scalars(
            sa.select(CommissionPlanRecord)
            .where(
                CommissionPlanRecord.role == role,
                CommissionPlanRecord.region == region,
                CommissionPlanRecord.status == PlanStatus.APPROVED.value,
            )
            .with_for_update()
        )
    )


class PlanMixin:
    db: Database

    def _load_plan(
        self, session: Session, caller: Caller, plan_id: str, lock: bool = False
    ) -> CommissionPlanRecord:
        return load_visible(
            session,
            CommissionPlanRecord,
            plan_id,
            kind="commission plan",
            field_name="plan_id",
            visible=lambda p: caller.can_read(p.region),
            for_update=lock,
        )

    def CreateCommissionPlan(
        self, request: pb.CreateCommissionPlanRequest, context: grpc.ServicerContext
    ) -> pb.CreateCommissionPlanResponse:
        caller = current_caller()
        region = request.region.strip().upper()
        rules, role, starts, ends = _validated_plan(
            request.name.strip(),
            request.role,
            region,
            request.currency.strip(),
            request.effective_from,
            request.effective_to,
            request.rules,
        )
        caller.require_writer(region)
        if not caller.roles & PLAN_AUTHORS:
            raise PermissionDenied("only a manager, director or admin of the region drafts a plan")
        now = utcnow()
        plan_id = str(uuid.uuid4())
        plan = CommissionPlanRecord(
            plan_id=plan_id,
            lineage_id=plan_id,
            name=request.name.strip(),
            role=role.value,
            region=region,
            currency=request.currency.strip(),
            effective_from=starts,
            effective_to=ends,
            rules_json=rules_to_json(rules),
            status=PlanStatus.DRAFT.value,
            plan_version=1,
            previous_plan_id="",
            approved_by="",
            approved_at=None,
            created_at=now,
            created_by=caller.subject,
            updated_at=now,
            updated_by=caller.subject,
        )
        with self.db.transaction() as session:
            session.add(plan)
            session.flush()
            return pb.CreateCommissionPlanResponse(plan=plan_to_proto(plan))

    def GetCommissionPlan(
        self, request: pb.GetCommissionPlanRequest, context: grpc.ServicerContext
    ) -> pb.GetCommissionPlanResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            plan = self._load_plan(session, caller, request.plan_id)
            versions = session.scalars(
                sa.select(CommissionPlanRecord)
                .where(CommissionPlanRecord.lineage_id == plan.lineage_id)
                .order_by(CommissionPlanRecord.plan_version)
            )
            return pb.GetCommissionPlanResponse(
                plan=plan_to_proto(plan), versions=[plan_to_proto(v) for v in versions]
            )

    def ListCommissionPlans(
        self, request: pb.ListCommissionPlansRequest, context: grpc.ServicerContext
    ) -> pb.ListCommissionPlansResponse:
        caller = current_caller()
        caller.require_reader()
        region = request.region.strip().upper()
        role = ROLE_FROM_PROTO.get(request.role) if request.role else None
        status = PLAN_STATUS_FROM_PROTO.get(request.status) if request.status else None
        v = Validator()
        v.check(not request.role or role is not None, "role", "is not a commission role")
        v.check(not request.status or status is not None, "status", "is not a plan status")
        v.raise_if_any()
        query = sa.select(CommissionPlanRecord)
        regions = caller.readable_regions(region)
        if regions is not None:
            query = query.where(CommissionPlanRecord.region.in_(sorted(regions)))
        if role is not None:
            query = query.where(CommissionPlanRecord.role == role.value)
        if status is not None:
            query = query.where(CommissionPlanRecord.status == status.value)
        with self.db.transaction() as session:
            plans, token = keyset_page(
                session,
                query,
                created=CommissionPlanRecord.created_at,
                key=CommissionPlanRecord.plan_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "role": role.value if role else "",
                    "status": status.value if status else "",
                },
                cursor_of=lambda p: Cursor(p.created_at, p.plan_id),
            )
            return pb.ListCommissionPlansResponse(
                plans=[plan_to_proto(p) for p in plans],
                page=common_pb2.PageResponse(next_page_token=token),
            )

    def ApproveCommissionPlan(
        self, request: pb.ApproveCommissionPlanRequest, context: grpc.ServicerContext
    ) -> pb.ApproveCommissionPlanResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            plan = self._load_plan(session, caller, request.plan_id, lock=True)
            caller.require_writer(plan.region)
            if not caller.roles & APPROVERS:
                raise PermissionDenied(
                    f"commission plan '{plan.plan_id}' is approved by a director or admin of "
                    f"region {plan.region}"
                )
            if caller.subject == plan.created_by:
                raise PermissionDenied(
                    f"commission plan '{plan.plan_id}' was drafted by {plan.created_by}; "
                    "someone else must approve it"
                )
            if plan.status != PlanStatus.DRAFT.value:
                raise FailedPrecondition.of(
                    "STATE",
                    f"commission_plans/{plan.plan_id}",
                    f"the plan is {plan.status} and locked; only a draft can be approved",
                )
            others = _approved_versions(session, plan.role, plan.region)
            amended = next((o for o in others if o.plan_id == plan.previous_plan_id), None)
            domain.require_no_overlap(
                plan.plan_id,
                [(o.plan_id, o.effective_from, o.effective_to) for o in others if o is not amended],
                plan.effective_from,
                plan.effective_to,
            )
            now = utcnow()
            if amended is not None and domain.overlaps(
                plan.effective_from, plan.effective_to, amended.effective_from, amended.effective_to
            ):
                # The amendment takes over from its first day; the amended version
                # ends the day before, or gives way entirely when it starts no earlier.
                if amended.effective_from < plan.effective_from:
                    amended.effective_to = plan.effective_from - timedelta(days=1)
                else:
                    amended.status = PlanStatus.SUPERSEDED.value
                amended.updated_at = now
                amended.updated_by = caller.subject
            plan.status = PlanStatus.APPROVED.value
            plan.approved_by = caller.subject
            plan.approved_at = now
            plan.updated_at = now
            plan.updated_by = caller.subject
            session.flush()
            return pb.ApproveCommissionPlanResponse(plan=plan_to_proto(plan))

    def AmendCommissionPlan(
        self, request: pb.AmendCommissionPlanRequest, context: grpc.ServicerContext
    ) -> pb.AmendCommissionPlanResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            old = self._load_plan(session, caller, request.plan_id, lock=True)
            caller.require_writer(old.region)
            if not caller.roles & PLAN_AUTHORS:
                raise PermissionDenied(
                    "only a manager, director or admin of the region amends a plan"
                )
            if old.status != PlanStatus.APPROVED.value:
                raise FailedPrecondition.of(
                    "STATE",
                    f"commission_plans/{old.plan_id}",
                    f"a {old.status} plan cannot be amended; only an approved one can",
                )
            proto_rules = (
                request.rules
                if request.HasField("rules")
                else rules_to_proto(rules_from_json(old.rules_json))
            )
            rules, role, starts, ends = _validated_plan(
                request.name.strip() or old.name,
                ROLE_TO_PROTO[PlanRole(old.role)],
                old.region,
                old.currency,
                request.effective_from or old.effective_from.isoformat(),
                request.effective_to
                if request.effective_from or request.effective_to
                else (old.effective_to.isoformat() if old.effective_to else ""),
                proto_rules,
            )
            latest = session.scalar(
                sa.select(sa.func.max(CommissionPlanRecord.plan_version)).where(
                    CommissionPlanRecord.lineage_id == old.lineage_id
                )
            )
            now = utcnow()
            plan = CommissionPlanRecord(
                plan_id=str(uuid.uuid4()),
                lineage_id=old.lineage_id,
                name=request.name.strip() or old.name,
                role=role.value,
                region=old.region,
                currency=old.currency,
                effective_from=starts,
                effective_to=ends,
                rules_json=rules_to_json(rules),
                status=PlanStatus.DRAFT.value,
                plan_version=int(latest or old.plan_version) + 1,
                previous_plan_id=old.plan_id,
                approved_by="",
                approved_at=None,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
            )
            session.add(plan)
            session.flush()
            return pb.AmendCommissionPlanResponse(plan=plan_to_proto(plan))


# --- statements ---------------------------------------------------------------------


def _table(model: type[Any]) -> sa.Table:
    return cast(sa.Table, model.__table__)


def _money(amount: int, currency: str) -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=amount)


def _explanation_json(explanation: Explanation, dispute_id: str = "") -> str:
    data: dict[str, Any] = {
        key: value
        for key, value in (
            ("credit_ids", list(explanation.credit_ids)),
            ("basis_minor", explanation.basis_minor),
            ("rate_bp", explanation.rate_bp),
            ("tier_from_bp", explanation.tier_from_bp),
            ("tier_to_bp", explanation.tier_to_bp),
            ("attainment_bp", explanation.attainment_bp),
            ("kpi_code", explanation.kpi_code),
            ("kpi_score", explanation.kpi_score),
            ("previous_amount_minor", explanation.previous_amount_minor),
            ("dispute_id", dispute_id),
        )
        if value
    }
    return json.dumps(data, separators=(",", ":"))


def line_to_proto(line: CommissionLineRecord) -> pb.CommissionStatementLine:
    data = json.loads(line.explanation_json)
    return pb.CommissionStatementLine(
        line_id=line.line_id,
        statement_id=line.statement_id,
        statement_version=line.statement_version,
        sequence=line.sequence,
        kind=LINE_KIND_TO_PROTO[LineKind(line.kind)],
        amount=_money(line.amount_minor, line.currency),
        explanation=pb.CommissionLineExplanation(rule=line.rule, **data),
        description=line.description,
    )


def statement_to_proto(
    statement: CommissionStatementRecord,
    calendar: FiscalCalendar,
    lines: Iterable[CommissionLineRecord] = (),
) -> pb.CommissionStatement:
    period = calendar.period(statement.period_code)
    currency = statement.currency
    return pb.CommissionStatement(
        statement_id=statement.statement_id,
        rep_id=statement.rep_id,
        region=statement.region,
        team_id=statement.team_id,
        period=common_pb2.FiscalPeriod(
            code=period.code,
            starts_at=timestamp(period.starts_at),
            ends_at=timestamp(period.ends_at),
        ),
        plan_id=statement.plan_id,
        plan_version=statement.plan_version,
        currency=currency,
        total=_money(statement.total_minor, currency),
        revenue=_money(statement.revenue_minor, currency),
        quota=_money(statement.quota_minor, currency)
        if statement.quota_minor is not None
        else None,
        attainment_bp=statement.attainment_bp,
        draw_balance=_money(statement.draw_balance_minor, currency),
        version=statement.version,
        lines=[line_to_proto(line) for line in lines],
        calculated_at=timestamp(statement.calculated_at),
        audit=audit_info(
            statement.created_at, statement.created_by, statement.updated_at, statement.updated_by
        ),
    )


def _manager_only(caller: Caller) -> bool:
    """A manager without a region-wide role: they see their team (and themselves) only."""
    return "manager" in caller.roles and not caller.roles & REGION_WIDE


def statement_visible(caller: Caller, statement: CommissionStatementRecord) -> bool:
    if not caller.can_read(statement.region, statement.rep_id):
        return False
    if _manager_only(caller):
        return caller.subject in (statement.rep_id, statement.manager_id)
    return True


def _scope_statements(query: sa.Select[Any], caller: Caller, region: str) -> sa.Select[Any]:
    regions = caller.readable_regions(region)
    if regions is not None:
        query = query.where(CommissionStatementRecord.region.in_(sorted(regions)))
    if caller.own_records_only:
        query = query.where(CommissionStatementRecord.rep_id == caller.subject)
    elif _manager_only(caller):
        query = query.where(
            sa.or_(
                CommissionStatementRecord.rep_id == caller.subject,
                CommissionStatementRecord.manager_id == caller.subject,
            )
        )
    return query


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a run allocates its million small objects.

    None of them form cycles (tuples, strings, dicts of a statement), yet each
    collection would walk all of them again: in a region's run that is more
    time than the engine itself. Reference counting still frees everything;
    the collector is back on (if it was on) when the run ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class PlanView:
    """What a run needs of a plan version, read once (not per credit from the ORM row)."""

    plan_id: str
    plan_version: int
    role: str
    region: str
    currency: str
    effective_from: date
    effective_to: date | None
    rules: PlanRules


def plan_in_effect(plans: Sequence[PlanView], role: str, region: str, day: date) -> PlanView | None:
    """The approved plan for `role` and `region` in effect on `day`."""
    for plan in plans:
        if (
            plan.role == role
            and plan.region == region
            and plan.effective_from <= day
            and (plan.effective_to is None or day <= plan.effective_to)
        ):
            return plan
    return None


class StatementMixin:
    db: Database
    calendar: FiscalCalendar

    def _run_reps(
        self, session: Session, caller: Caller, region: str, rep_id: str
    ) -> tuple[str, list[store.RepRow]]:
        """The region and the reps a run covers, as far as the caller may calculate them."""
        if rep_id:
            rep = session.get(RepRecord, rep_id)
            if rep is None or not caller.can_read(rep.region):
                raise NotFound("rep", rep_id)
            if _manager_only(caller) and rep.manager_id != caller.subject:
                raise NotFound("rep", rep_id)
            caller.require_writer(rep.region)
            return rep.region, store.reps(session, rep.region, [rep.rep_id])
        if not caller.has_region(region):
            raise NotFound("region", region)
        caller.require_writer(region)
        rows = store.reps(session, region, None)
        if _manager_only(caller):
            rows = [r for r in rows if r.manager_id == caller.subject]
        return region, rows

    def CalculateStatements(
        self, request: pb.CalculateStatementsRequest, context: grpc.ServicerContext
    ) -> pb.CalculateStatementsResponse:
        caller = current_caller()
        v = Validator()
        region = request.region.strip().upper()
        rep_id = request.rep_id.strip()
        v.check(bool(region) != bool(rep_id), "region", "give either region or rep_id (one)")
        period: FiscalPeriod | None = None
        try:
            period = self.calendar.period(request.period_code, "period_code")
        except InvalidArgument as exc:
            v.violations.extend(exc.violations)
        v.raise_if_any()
        assert period is not None
        if not caller.roles & CALCULATORS:
            raise PermissionDenied("statements are calculated by a manager, director or admin")
        try:
            with self.db.transaction() as session, _cyclic_gc_paused():
                region, reps = self._run_reps(session, caller, region, rep_id)
                return self._calculate(session, caller, region, reps, period, bool(rep_id))
        except sa.exc.IntegrityError:
            # Two first calculations of one rep and period raced; the other one committed.
            raise Aborted(
                "another calculation of the same statements committed first; calculate again"
            ) from None

    def _calculate(
        self,
        session: Session,
        caller: Caller,
        region: str,
        reps: list[store.RepRow],
        period: FiscalPeriod,
        single: bool,
    ) -> pb.CalculateStatementsResponse:
        starts_on = period.starts_at.date()
        ends_on = period.ends_at.date()
        last_day = ends_on - timedelta(days=1)
        rep_ids = [r.rep_id for r in reps] if single or _manager_only(caller) else None
        plans = [
            PlanView(
                p.plan_id,
                p.plan_version,
                p.role,
                p.region,
                p.currency,
                p.effective_from,
                p.effective_to,
                rules_from_json(p.rules_json),
            )
            for p in session.scalars(
                sa.select(CommissionPlanRecord).where(
                    CommissionPlanRecord.region.in_(sorted({r.region for r in reps} or {region})),
                    CommissionPlanRecord.status == PlanStatus.APPROVED.value,
                )
            )
        ]
        credits = store.credits_by_rep(session, region, rep_ids, starts_on, ends_on)
        # Reversals whose original is not among the rep's credits of the period: when
        # was the original credited (an earlier period means a clawback)?
        outside: set[str] = set()
        for rows in credits.values():
            reversed_ids = [c[5] for c in rows if c[5]]
            if reversed_ids:
                own = {c[0] for c in rows}
                outside.update(i for i in reversed_ids if i not in own)
        reversed_day = store.credited_days(session, outside).get
        quotas = store.revenue_quotas(session, region, rep_ids, period.code)
        existing = store.statements_for(session, region, rep_ids, period.code)
        computed = store.latest_computed(session, existing.values())
        sequences = store.last_sequences(session, [s.statement_id for s in existing.values()])
        balances = store.draw_balances(session, region, rep_ids, starts_on)
        now = utcnow()
        response = pb.CalculateStatementsResponse()
        new_statements: list[dict[str, Any]] = []
        changed_statements: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        line_rows: list[dict[str, Any]] = []
        outbox_rows: list[dict[str, Any]] = []
        for rep in reps:
            mine = credits.get(rep.rep_id, [])
            if rep.status == "left" and not mine and rep.rep_id not in existing:
                continue
            role = rep.role
            if role not in ROLES:
                response.skipped.add(
                    rep_id=rep.rep_id, reason=f"the {role} role has no commission plans"
                )
                continue
            plan = plan_in_effect(plans, role, rep.region, last_day)
            if plan is None:
                response.skipped.add(
                    rep_id=rep.rep_id,
                    reason=f"no approved {role} plan for {rep.region} in effect on {last_day}",
                )
                continue
            rules = plan.rules
            currency = plan.currency
            quota = quotas.get(rep.rep_id)
            result = domain.calculate(
                domain.CommissionInput(
                    rules=rules,
                    currency=plan.currency,
                    period_starts_on=starts_on,
                    credits=[
                        Credit(
                            c[0], c[1], c[2], c[3], c[4], c[5], reversed_day(c[5]) if c[5] else None
                        )
                        for c in mine
                        if c[6] == currency
                    ],
                    quota_minor=quota[0] if quota and quota[1] == plan.currency else None,
                    kpi_scores=kpi_scores(session, rep.rep_id, period.code)
                    if rules.kpi_bonuses
                    else {},
                    draw_balance_minor=balances.get(rep.rep_id, 0),
                )
            )
            keys = [[domain.line_key(line), line.amount_minor] for line in result.lines]
            statement = existing.get(rep.rep_id)
            if statement is None and not result.lines:
                # No statement of nothing: the first credit, draw or bonus opens one.
                response.skipped.add(
                    rep_id=rep.rep_id,
                    reason="nothing to pay for the period (no credits, draw or bonus)",
                )
                continue
            if statement is None:
                statement_id = str(uuid.uuid4())
                version, previous_total, first_sequence = 1, 0, 1
                lines: Sequence[Line] = result.lines
                total = result.total_minor
            else:
                statement_id = statement.statement_id
                previous = computed.get(statement_id, [])
                lines = domain.adjustment_lines(
                    previous, result.lines, plan.currency, f"recalculated {now.date().isoformat()}"
                )
                if not lines and statement.plan_id == plan.plan_id:
                    response.statements.add(
                        rep_id=rep.rep_id,
                        statement_id=statement_id,
                        version=statement.version,
                        total=_money(statement.total_minor, statement.currency),
                        previous_total=_money(statement.total_minor, statement.currency),
                        changed=False,
                    )
                    continue
                version = statement.version + 1
                previous_total = statement.total_minor
                first_sequence = sequences.get(statement_id, 0) + 1
                total = previous_total + sum(line.amount_minor for line in lines)
            fields = {
                "statement_id": statement_id,
                "plan_id": plan.plan_id,
                "plan_version": plan.plan_version,
                "currency": plan.currency,
                "total_minor": total,
                "revenue_minor": result.revenue_minor,
                "quota_minor": quota[0] if quota and quota[1] == plan.currency else None,
                "attainment_bp": result.attainment_bp or 0,
                "draw_balance_minor": result.draw_balance_minor,
                "version": version,
                "team_id": rep.team_id,
                "manager_id": rep.manager_id,
                "calculated_at": now,
                "updated_at": now,
                "updated_by": caller.subject,
            }
            if statement is None:
                new_statements.append(
                    {
                        **fields,
                        "rep_id": rep.rep_id,
                        "region": rep.region,
                        "period_code": period.code,
                        "period_starts_on": starts_on,
                        "period_ends_on": ends_on,
                        "created_at": now,
                        "created_by": caller.subject,
                    }
                )
            else:
                changed_statements.append({**fields, "b_statement_id": statement_id})
            version_rows.append(
                {
                    "statement_id": statement_id,
                    "version": version,
                    "reason": "calculation",
                    "plan_id": plan.plan_id,
                    "total_minor": total,
                    "computed_json": json.dumps(keys, separators=(",", ":")),
                    "created_at": now,
                    "created_by": caller.subject,
                }
            )
            for offset, line in enumerate(lines):
                line_rows.append(
                    {
                        "line_id": str(uuid.uuid4()),
                        "statement_id": statement_id,
                        "statement_version": version,
                        "sequence": first_sequence + offset,
                        "kind": line.kind.value,
                        "currency": plan.currency,
                        "amount_minor": line.amount_minor,
                        "rule": line.explanation.rule[:300],
                        "explanation_json": _explanation_json(line.explanation),
                        "description": line.description,
                    }
                )
            outbox_rows.append(
                _event_row(
                    caller,
                    rep.region,
                    events.CommissionCalculated(
                        statement_id=statement_id,
                        rep_id=rep.rep_id,
                        region=rep.region,
                        period_code=period.code,
                        currency=plan.currency,
                        total_minor=total,
                        previous_total_minor=previous_total,
                        version=version,
                        plan_id=plan.plan_id,
                    ),
                    now,
                )
            )
            response.statements.add(
                rep_id=rep.rep_id,
                statement_id=statement_id,
                version=version,
                total=_money(total, plan.currency),
                previous_total=_money(previous_total, plan.currency),
                changed=True,
            )
        if new_statements:
            store.bulk_insert(session, _table(CommissionStatementRecord), new_statements)
        if changed_statements:
            table = cast(sa.Table, CommissionStatementRecord.__table__)
            session.execute(
                sa.update(table)
                .where(table.c.statement_id == sa.bindparam("b_statement_id"))
                .values(
                    {
                        k: sa.bindparam(k)
                        for k in changed_statements[0]
                        if k != "b_statement_id" and k != "statement_id"
                    }
                ),
                changed_statements,
            )
        if version_rows:
            store.bulk_insert(session, _table(CommissionStatementVersionRecord), version_rows)
        if line_rows:
            store.bulk_insert(session, _table(CommissionLineRecord), line_rows)
        if outbox_rows:
            store.bulk_insert(session, outbox, outbox_rows)
            session.info[OUTBOX_WRITTEN] = True
        return response

    def _load_statement(
        self, session: Session, caller: Caller, statement_id: str, lock: bool = False
    ) -> CommissionStatementRecord:
        return load_visible(
            session,
            CommissionStatementRecord,
            statement_id,
            kind="commission statement",
            field_name="statement_id",
            visible=lambda s: statement_visible(caller, s),
            for_update=lock,
        )

    def GetCommissionStatement(
        self, request: pb.GetCommissionStatementRequest, context: grpc.ServicerContext
    ) -> pb.GetCommissionStatementResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            statement = self._load_statement(session, caller, request.statement_id)
            lines = session.scalars(
                sa.select(CommissionLineRecord)
                .where(CommissionLineRecord.statement_id == statement.statement_id)
                .order_by(CommissionLineRecord.sequence)
            )
            versions = session.scalars(
                sa.select(CommissionStatementVersionRecord)
                .where(CommissionStatementVersionRecord.statement_id == statement.statement_id)
                .order_by(CommissionStatementVersionRecord.version)
            )
            return pb.GetCommissionStatementResponse(
                statement=statement_to_proto(statement, self.calendar, lines),
                versions=[
                    pb.CommissionStatementVersion(
                        version=v.version,
                        reason=v.reason,
                        plan_id=v.plan_id,
                        total=_money(v.total_minor, statement.currency),
                        created_at=timestamp(v.created_at),
                        created_by=v.created_by,
                    )
                    for v in versions
                ],
            )

    def ListCommissionStatements(
        self, request: pb.ListCommissionStatementsRequest, context: grpc.ServicerContext
    ) -> pb.ListCommissionStatementsResponse:
        caller = current_caller()
        caller.require_reader()
        region = request.region.strip().upper()
        period_code = request.period_code.strip()
        if period_code:
            period_code = self.calendar.period(period_code, "period_code").code
        rep_id = request.rep_id.strip()
        query = _scope_statements(sa.select(CommissionStatementRecord), caller, region)
        if period_code:
            query = query.where(CommissionStatementRecord.period_code == period_code)
        if rep_id:
            query = query.where(CommissionStatementRecord.rep_id == rep_id)
        with self.db.transaction() as session:
            statements, token = keyset_page(
                session,
                query,
                created=CommissionStatementRecord.created_at,
                key=CommissionStatementRecord.statement_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": region, "period_code": period_code, "rep_id": rep_id},
                cursor_of=lambda s: Cursor(s.created_at, s.statement_id),
            )
            return pb.ListCommissionStatementsResponse(
                statements=[statement_to_proto(s, self.calendar) for s in statements],
                page=common_pb2.PageResponse(next_page_token=token),
            )


def _event_row(
    caller: Caller, region: str, payload: events.CommissionCalculated, now: datetime
) -> dict[str, Any]:
    """One outbox row, exactly as `record_event` writes it (for executemany)."""
    envelope = build_envelope(EVENT, payload, region=region, caller=caller)
    return {
        "event_id": envelope["event_id"],
        "type": envelope["type"],
        "region": region,
        "envelope": json.dumps(envelope, separators=(",", ":")),
        "occurred_at": now,
    }


# --- disputes ----------------------------------------------------------------------


def dispute_to_proto(d: CommissionDisputeRecord) -> pb.CommissionDispute:
    return pb.CommissionDispute(
        dispute_id=d.dispute_id,
        statement_id=d.statement_id,
        line_id=d.line_id,
        rep_id=d.rep_id,
        region=d.region,
        reason=d.reason,
        status=DISPUTE_TO_PROTO[d.status],
        resolution_comment=d.resolution_comment,
        adjustment=_money(d.adjustment_minor, d.currency)
        if d.adjustment_minor is not None
        else None,
        adjustment_line_id=d.adjustment_line_id,
        raised_at=timestamp(d.raised_at),
        resolved_at=timestamp(d.resolved_at),
        resolved_by=d.resolved_by,
    )


def dispute_visible(caller: Caller, d: CommissionDisputeRecord) -> bool:
    if not caller.can_read(d.region, d.rep_id):
        return False
    if _manager_only(caller):
        return caller.subject in (d.rep_id, d.manager_id)
    return True


class DisputeMixin:
    db: Database

    def DisputeStatementLine(
        self, request: pb.DisputeStatementLineRequest, context: grpc.ServicerContext
    ) -> pb.DisputeStatementLineResponse:
        caller = current_caller()
        v = Validator()
        v.require("line_id", request.line_id, 36)
        v.require("reason", request.reason, MAX_TEXT)
        v.raise_if_any()
        with self.db.transaction() as session:
            line = session.get(CommissionLineRecord, request.line_id.strip())
            statement = (
                session.get(CommissionStatementRecord, line.statement_id, with_for_update=True)
                if line is not None
                else None
            )
            if line is None or statement is None or not statement_visible(caller, statement):
                raise NotFound("commission statement line", request.line_id)
            if caller.subject != statement.rep_id:
                raise PermissionDenied("only the statement's rep disputes its lines")
            caller.require_writer(statement.region)
            open_one = session.scalar(
                sa.select(CommissionDisputeRecord.dispute_id).where(
                    CommissionDisputeRecord.line_id == line.line_id,
                    CommissionDisputeRecord.status == DISPUTE_OPEN,
                )
            )
            if open_one:
                raise FailedPrecondition.of(
                    "OPEN_DISPUTE",
                    f"commission_disputes/{open_one}",
                    f"the line is already disputed ({open_one}); wait for its resolution",
                )
            dispute = CommissionDisputeRecord(
                dispute_id=str(uuid.uuid4()),
                statement_id=statement.statement_id,
                line_id=line.line_id,
                rep_id=statement.rep_id,
                manager_id=statement.manager_id,
                region=statement.region,
                reason=request.reason.strip(),
                status=DISPUTE_OPEN,
                resolution_comment="",
                currency=statement.currency,
                adjustment_minor=None,
                adjustment_line_id="",
                raised_at=utcnow(),
                resolved_at=None,
                resolved_by="",
            )
            session.add(dispute)
            session.flush()
            return pb.DisputeStatementLineResponse(dispute=dispute_to_proto(dispute))

    def ResolveDispute(
        self, request: pb.ResolveDisputeRequest, context: grpc.ServicerContext
    ) -> pb.ResolveDisputeResponse:
        caller = current_caller()
        v = Validator()
        outcome = DISPUTE_FROM_PROTO.get(request.outcome)
        v.check(
            outcome in (DISPUTE_ACCEPTED, DISPUTE_REJECTED),
            "outcome",
            "is required: accepted or rejected",
        )
        v.require("comment", request.comment, MAX_TEXT)
        has_amount = request.HasField("adjustment")
        if has_amount:
            v.check(outcome == DISPUTE_ACCEPTED, "adjustment", "is only for an accepted dispute")
            v.check(
                request.adjustment.amount_minor != 0, "adjustment.amount_minor", "must not be 0"
            )
        v.raise_if_any()
        with self.db.transaction() as session:
            dispute = load_visible(
                session,
                CommissionDisputeRecord,
                request.dispute_id,
                kind="dispute",
                field_name="dispute_id",
                visible=lambda d: dispute_visible(caller, d),
                for_update=True,
            )
            caller.require_writer(dispute.region)
            rep = session.get(RepRecord, dispute.rep_id)
            manager = rep.manager_id if rep is not None else dispute.manager_id
            if not (
                caller.roles & APPROVERS
                or ("manager" in caller.roles and caller.subject == manager)
            ):
                raise PermissionDenied(
                    f"dispute '{dispute.dispute_id}' is resolved by the rep's manager "
                    f"({manager or 'none set'}) or a director of region {dispute.region}"
                )
            if caller.subject == dispute.rep_id:
                raise PermissionDenied("a rep does not resolve their own dispute")
            if dispute.status != DISPUTE_OPEN:
                raise FailedPrecondition.of(
                    "STATE",
                    f"commission_disputes/{dispute.dispute_id}",
                    f"the dispute is {dispute.status} already; only an open one is resolved",
                )
            if has_amount and request.adjustment.currency != dispute.currency:
                raise InvalidArgument.of(
                    "adjustment.currency", f"must be the statement's currency {dispute.currency}"
                )
            now = utcnow()
            dispute.status = outcome or DISPUTE_REJECTED
            dispute.resolution_comment = request.comment.strip()
            dispute.resolved_at = now
            dispute.resolved_by = caller.subject
            if has_amount:
                dispute.adjustment_minor = request.adjustment.amount_minor
                dispute.adjustment_line_id = _add_dispute_line(
                    session, caller, dispute, request.adjustment.amount_minor, now
                )
            session.flush()
            return pb.ResolveDisputeResponse(dispute=dispute_to_proto(dispute))

    def ListDisputes(
        self, request: pb.ListDisputesRequest, context: grpc.ServicerContext
    ) -> pb.ListDisputesResponse:
        caller = current_caller()
        caller.require_reader()
        status = DISPUTE_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not a dispute status")
        region = request.region.strip().upper()
        query = sa.select(CommissionDisputeRecord)
        regions = caller.readable_regions(region)
        if regions is not None:
            query = query.where(CommissionDisputeRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(CommissionDisputeRecord.rep_id == caller.subject)
        elif _manager_only(caller):
            query = query.where(
                sa.or_(
                    CommissionDisputeRecord.rep_id == caller.subject,
                    CommissionDisputeRecord.manager_id == caller.subject,
                )
            )
        for column, value in (
            (CommissionDisputeRecord.status, status or ""),
            (CommissionDisputeRecord.rep_id, request.rep_id.strip()),
            (CommissionDisputeRecord.statement_id, request.statement_id.strip()),
        ):
            if value:
                query = query.where(column == value)
        with self.db.transaction() as session:
            disputes, token = keyset_page(
                session,
                query,
                created=CommissionDisputeRecord.raised_at,
                key=CommissionDisputeRecord.dispute_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "status": status or "",
                    "region": region,
                    "rep_id": request.rep_id.strip(),
                    "statement_id": request.statement_id.strip(),
                },
                cursor_of=lambda d: Cursor(d.raised_at, d.dispute_id),
            )
            return pb.ListDisputesResponse(
                disputes=[dispute_to_proto(d) for d in disputes],
                page=common_pb2.PageResponse(next_page_token=token),
            )


def _add_dispute_line(
    session: Session, caller: Caller, dispute: CommissionDisputeRecord, amount: int, now: datetime
) -> str:
    """Append the accepted correction to the statement as a new version; return the line id."""
    statement = session.get(CommissionStatementRecord, dispute.statement_id, with_for_update=True)
    assert statement is not None
    last = session.scalar(
        sa.select(sa.func.max(CommissionLineRecord.sequence)).where(
            CommissionLineRecord.statement_id == statement.statement_id
        )
    )
    latest = session.get(
        CommissionStatementVersionRecord, (statement.statement_id, statement.version)
    )
    previous_total = statement.total_minor
    statement.version += 1
    statement.total_minor += amount
    statement.updated_at = now
    statement.updated_by = caller.subject
    line_id = str(uuid.uuid4())
    explanation = Explanation(f"dispute:{dispute.dispute_id}", basis_minor=0)
    session.add(
        CommissionLineRecord(
            line_id=line_id,
            statement_id=statement.statement_id,
            statement_version=statement.version,
            sequence=int(last or 0) + 1,
            kind=LineKind.ADJUSTMENT.value,
            currency=statement.currency,
            amount_minor=amount,
            rule=explanation.rule,
            explanation_json=_explanation_json(explanation, dispute.dispute_id),
            description=(
                f"Adjustment (dispute accepted by {caller.subject}): "
                f"{domain.money(amount, statement.currency)} on line {dispute.line_id}: "
                f"{dispute.resolution_comment}"
            ),
        )
    )
    session.add(
        CommissionStatementVersionRecord(
            statement_id=statement.statement_id,
            version=statement.version,
            reason="dispute",
            plan_id=statement.plan_id,
            total_minor=statement.total_minor,
            # A dispute changes no rule, so the next calculation compares with the last one.
            computed_json=latest.computed_json if latest is not None else "[]",
            created_at=now,
            created_by=caller.subject,
        )
    )
    record_event(
        session,
        EVENT,
        events.CommissionCalculated(
            statement_id=statement.statement_id,
            rep_id=statement.rep_id,
            region=statement.region,
            period_code=statement.period_code,
            currency=statement.currency,
            total_minor=statement.total_minor,
            previous_total_minor=previous_total,
            version=statement.version,
            plan_id=statement.plan_id,
        ),
        region=statement.region,
        caller=caller,
    )
    return line_id


class CommissionServicer(
    PlanMixin, StatementMixin, DisputeMixin, commissions_pb2_grpc.CommissionServiceServicer
):
    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)


# The payable gauge reads the database of the api registered last: one per process in
# production; tests start several apis in one process.
_gauge_db: list[Database] = []


def _read_payable() -> list[tuple[tuple[str, ...], float]]:
    return list(store.payable_by_region(_gauge_db[-1])) if _gauge_db else []


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the CommissionService and the `salesops_commission_payable_minor` gauge."""
    commissions_pb2_grpc.add_CommissionServiceServicer_to_server(CommissionServicer(db), server)
    _gauge_db[:] = [db]
    metrics.register_query_gauge(
        "salesops_commission_payable_minor",
        "Commission payable: the sum of every statement's total in minor units, "
        "by region and currency.",
        ["region", "currency"],
        _read_payable,
    )
    return [pb.DESCRIPTOR.services_by_name["CommissionService"].full_name]
