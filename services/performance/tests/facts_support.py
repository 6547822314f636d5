"""What the fact store tests share: envelope builders for every event the store consumes, reps,
and readers of what the handlers wrote.

Other performance areas import these builders to drive the real handlers, so
their signatures stay stable: the first argument is the id of what the event
is about, everything else is keyword-only with a default; `at` is the
envelope's occurrence time, `region` its region (payload and envelope).

The organisation that `seed_reps` writes (fiscal years start in January):

    EMEA: dir-1 (director)                        APAC: mgr-c (manager)
          ├── mgr-a (manager, team-a): rep-1, rep-2        └── rep-9 (apac-team)
          └── mgr-b (manager, team-b): rep-3

so rep-1's manager chain is [mgr-a, dir-1] and rep-3's is [mgr-b, dir-1].
Managers and directors are in the team they manage ("emea" for dir-1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from google.protobuf import timestamp_pb2
from google.protobuf.message import Message
from salesops.common.v1 import common_pb2
from salesops.events.v1 import customers_satisfaction_events_pb2 as satisfaction
from salesops.events.v1 import pipeline_events_pb2 as pipeline
from salesops.events.v1 import pipeline_sales_events_pb2 as sales
from salesops.events.v1 import planning_events_pb2 as planning
from salesops.events.v1 import planning_plan_events_pb2 as plans
from salesops.events.v1 import training_events_pb2 as training

from services.kit import testing as kit_testing
from services.kit.db import Database
from services.kit.fiscal import FiscalCalendar
from services.performance.models.facts import (
    CreditRecord,
    FactRecord,
    OpportunityStateRecord,
    QuotaRecord,
    RepRecord,
)

CALENDAR = FiscalCalendar(1)
T0 = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)

# (rep id, region, team, manager, role)
REPS: tuple[tuple[str, str, str, str, str], ...] = (
    ("dir-1", "EMEA", "emea", "", "director"),
    ("mgr-a", "EMEA", "team-a", "dir-1", "manager"),
    ("mgr-b", "EMEA", "team-b", "dir-1", "manager"),
    ("rep-1", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-2", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-3", "EMEA", "team-b", "mgr-b", "rep"),
    ("mgr-c", "APAC", "apac-team", "", "manager"),
    ("rep-9", "APAC", "apac-team", "mgr-c", "rep"),
)


def timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def money(minor: int, currency: str = "EUR") -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=minor)


def envelope(
    event_type: str, payload: Message, *, at: datetime = T0, region: str = "EMEA"
) -> dict[str, Any]:
    """An event envelope as its publisher writes it, occurring at `at`."""
    return kit_testing.event_envelope(event_type, payload, at=at, region=region)


# --- planning: reps and quotas ------------------------------------------------------------


def rep_hired(
    rep_id: str,
    *,
    team: str = "team-a",
    manager: str = "mgr-a",
    role: str = "rep",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`planning.rep.hired`."""
    return envelope(
        "planning.rep.hired",
        planning.RepHired(
            rep_id=rep_id,
            name=rep_id,
            email=f"{rep_id}@example.com",
            region=region,
            team_id=team,
            manager_id=manager,
            role=role,
            capacity=20,
        ),
        at=at,
        region=region,
    )


def rep_assigned(
    rep_id: str,
    *,
    team: str = "team-a",
    manager: str = "mgr-a",
    region: str = "EMEA",
    status: str = "active",
    at: datetime = T0,
) -> dict[str, Any]:
    """`planning.rep.assigned`."""
    return envelope(
        "planning.rep.assigned",
        planning.RepAssigned(
            rep_id=rep_id,
            region=region,
            team_id=team,
            manager_id=manager,
            capacity=20,
            status=status,
        ),
        at=at,
        region=region,
    )


def add_rep(
    db: Database,
    rep_id: str,
    *,
    region: str = "EMEA",
    team: str = "team-a",
    manager: str = "",
    role: str = "rep",
) -> None:
    """A rep written straight to the directory (the rep handlers are the kit's, tested there)."""
    with db.transaction() as session:
        session.add(
            RepRecord(
                rep_id=rep_id,
                name=rep_id,
                email=f"{rep_id}@example.com",
                region=region,
                team_id=team,
                manager_id=manager,
                role=role,
                status="active",
                capacity=20,
                source_occurred_at=T0,
            )
        )


def add_reps(db: Database, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
    """Reps given as (rep_id, region, team, manager, role), written in one transaction."""
    kit_testing.add_reps(db, RepRecord, rows, at=T0)


def seed_reps(db: Database) -> None:
    """The organisation of the module docstring."""
    add_reps(db, REPS)


def target_allocated(
    target_id: str,
    *,
    rep_id: str = "rep-1",
    unit_id: str = "",
    plan_id: str = "plan-1",
    period_code: str = "FY2027-Q1",
    metric: str = "revenue",
    amount: int = 0,
    quantity: int = 0,
    currency: str = "EUR",
    product_line: str = "",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`planning.target.allocated` to a rep (or to a unit when `unit_id` is given)."""
    return envelope(
        "planning.target.allocated",
        plans.TargetAllocated(
            target_id=target_id,
            plan_id=plan_id,
            period_code=period_code,
            metric=metric,
            unit_id=unit_id,
            rep_id="" if unit_id else rep_id,
            amount=money(amount, currency) if metric == "revenue" else None,
            quantity=0 if metric == "revenue" else quantity,
            product_line=product_line,
            region=region,
        ),
        at=at,
        region=region,
    )


# --- pipeline: contracts --------------------------------------------------------------------


def _lines(
    lines: Sequence[tuple[str, int, int]] | None, currency: str
) -> list[sales.ContractProductLine]:
    return [
        sales.ContractProductLine(
            product_line=name, quantity=quantity, amount=money(amount, currency)
        )
        for name, quantity, amount in lines or []
    ]


def _splits(splits: Sequence[tuple[str, int]] | None) -> list[sales.SalesCreditSplit]:
    return [sales.SalesCreditSplit(rep_id=rep, share_bp=bp) for rep, bp in splits or []]


def contract_signed(
    contract_id: str,
    *,
    value: int = 100_000,
    signed_date: str = "2027-01-15",
    owner: str = "rep-1",
    customer: str = "cust-1",
    opportunity: str = "",
    lines: Sequence[tuple[str, int, int]] | None = None,
    splits: Sequence[tuple[str, int]] | None = None,
    currency: str = "EUR",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.contract.signed`; `lines` are (product line, quantity, amount), `splits`
    (rep, share_bp); no splits: the owner gets it all."""
    return envelope(
        "pipeline.contract.signed",
        sales.ContractSigned(
            contract_id=contract_id,
            opportunity_id=opportunity,
            customer_id=customer,
            region=region,
            owner_id=owner,
            value=money(value, currency),
            signed_date=signed_date,
            product_lines=_lines(lines, currency),
            splits=_splits(splits),
        ),
        at=at,
        region=region,
    )


def contract_cancelled(
    contract_id: str,
    *,
    cancelled_date: str = "2027-02-15",
    signed_date: str = "2027-01-15",
    value: int = 100_000,
    owner: str = "rep-1",
    customer: str = "cust-1",
    currency: str = "EUR",
    region: str = "EMEA",
    reason: str = "withdrawn",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.contract.cancelled`."""
    return envelope(
        "pipeline.contract.cancelled",
        sales.ContractCancelled(
            contract_id=contract_id,
            customer_id=customer,
            region=region,
            owner_id=owner,
            value=money(value, currency),
            signed_date=signed_date,
            cancelled_date=cancelled_date,
            reason=reason,
        ),
        at=at,
        region=region,
    )


# --- pipeline: opportunities ----------------------------------------------------------------


def opportunity_created(
    opportunity_id: str,
    *,
    owner: str = "rep-1",
    team: str = "team-a",
    amount: int = 50_000,
    currency: str = "EUR",
    stage: str = "qualify",
    probability_bp: int = 1_000,
    expected_close_date: str = "2027-03-31",
    customer: str = "cust-1",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.opportunity.created`."""
    return envelope(
        "pipeline.opportunity.created",
        sales.OpportunityCreated(
            opportunity_id=opportunity_id,
            region=region,
            customer_id=customer,
            owner_id=owner,
            team_id=team,
            pipeline_id="default",
            stage_id=stage,
            name=opportunity_id,
            amount=money(amount, currency),
            expected_close_date=expected_close_date,
            probability_bp=probability_bp,
            forecast_category="pipeline",
        ),
        at=at,
        region=region,
    )


def opportunity_stage_changed(
    opportunity_id: str,
    *,
    owner: str = "rep-1",
    team: str = "team-a",
    from_stage: str = "qualify",
    to_stage: str = "propose",
    probability_bp: int = 5_000,
    amount: int = 50_000,
    currency: str = "EUR",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.opportunity.stage_changed`."""
    return envelope(
        "pipeline.opportunity.stage_changed",
        sales.OpportunityStageChanged(
            opportunity_id=opportunity_id,
            region=region,
            owner_id=owner,
            team_id=team,
            pipeline_id="default",
            from_stage_id=from_stage,
            to_stage_id=to_stage,
            to_stage_name=to_stage,
            probability_bp=probability_bp,
            forecast_category="best_case",
            amount=money(amount, currency),
        ),
        at=at,
        region=region,
    )


def opportunity_updated(
    opportunity_id: str,
    *,
    owner: str = "rep-1",
    team: str = "team-a",
    amount: int = 50_000,
    currency: str = "EUR",
    expected_close_date: str = "2027-03-31",
    changed: Sequence[str] = ("amount",),
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.opportunity.updated` (the current figures)."""
    return envelope(
        "pipeline.opportunity.updated",
        sales.OpportunityUpdated(
            opportunity_id=opportunity_id,
            region=region,
            owner_id=owner,
            team_id=team,
            name=opportunity_id,
            amount=money(amount, currency),
            expected_close_date=expected_close_date,
            changed=list(changed),
        ),
        at=at,
        region=region,
    )


def opportunity_won(
    opportunity_id: str,
    *,
    owner: str = "rep-1",
    team: str = "team-a",
    amount: int = 50_000,
    currency: str = "EUR",
    contract_id: str = "",
    won_date: str = "2027-01-15",
    customer: str = "cust-1",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.opportunity.won`."""
    return envelope(
        "pipeline.opportunity.won",
        sales.OpportunityWon(
            opportunity_id=opportunity_id,
            region=region,
            customer_id=customer,
            owner_id=owner,
            team_id=team,
            pipeline_id="default",
            amount=money(amount, currency),
            contract_id=contract_id,
            won_date=won_date,
        ),
        at=at,
        region=region,
    )


def opportunity_lost(
    opportunity_id: str,
    *,
    owner: str = "rep-1",
    team: str = "team-a",
    amount: int = 50_000,
    currency: str = "EUR",
    stage: str = "propose",
    reason: str = "price",
    competitor: str = "",
    customer: str = "cust-1",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.opportunity.lost`."""
    return envelope(
        "pipeline.opportunity.lost",
        sales.OpportunityLost(
            opportunity_id=opportunity_id,
            region=region,
            customer_id=customer,
            owner_id=owner,
            team_id=team,
            pipeline_id="default",
            stage_id=stage,
            amount=money(amount, currency),
            reason=reason,
            competitor=competitor,
        ),
        at=at,
        region=region,
    )


# --- pipeline: activities, leads, quotes ----------------------------------------------------


def activity_logged(
    activity_id: str,
    *,
    owner: str = "rep-1",
    kind: str = "call",
    status: str = "completed",
    opportunity: str = "",
    lead: str = "",
    customer: str = "",
    occurred: datetime = T0,
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.activity.logged`: `kind` is the activity type, `status` "open" or "completed"."""
    return envelope(
        "pipeline.activity.logged",
        sales.ActivityLogged(
            activity_id=activity_id,
            region=region,
            type=kind,
            owner_id=owner,
            lead_id=lead,
            opportunity_id=opportunity,
            customer_id=customer,
            subject=activity_id,
            status=status,
            occurred_at=kit_testing.rfc3339(occurred),
        ),
        at=at,
        region=region,
    )


def activity_completed(
    activity_id: str,
    *,
    owner: str = "rep-1",
    kind: str = "task",
    opportunity: str = "",
    lead: str = "",
    customer: str = "",
    completed: datetime = T0,
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.activity.completed`."""
    return envelope(
        "pipeline.activity.completed",
        sales.ActivityCompleted(
            activity_id=activity_id,
            region=region,
            type=kind,
            owner_id=owner,
            lead_id=lead,
            opportunity_id=opportunity,
            customer_id=customer,
            outcome="done",
            completed_at=kit_testing.rfc3339(completed),
        ),
        at=at,
        region=region,
    )


def lead_sla_breached(
    lead_id: str,
    *,
    owner: str = "rep-1",
    due: datetime = T0,
    sla_hours: int = 24,
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.lead.sla_breached` (`owner` "" for a lead still unassigned)."""
    return envelope(
        "pipeline.lead.sla_breached",
        pipeline.LeadSlaBreached(
            lead_id=lead_id,
            region=region,
            owner_id=owner,
            due_time=timestamp(due),
            sla_hours=sla_hours,
        ),
        at=at,
        region=region,
    )


def quote_approved(
    quote_id: str,
    *,
    owner: str = "rep-1",
    opportunity: str = "opp-1",
    discount_bp: int = 1_500,
    total: int = 85_000,
    currency: str = "EUR",
    approved_by: str = "mgr-a",
    approver_role: str = "manager",
    approver_authority_bp: int = 2_000,
    approver_unlimited: bool = False,
    automatic: bool = False,
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`pipeline.quote.approved`, with the approver's authority."""
    return envelope(
        "pipeline.quote.approved",
        sales.QuoteApproved(
            quote_id=quote_id,
            series_id=quote_id,
            version=1,
            opportunity_id=opportunity,
            region=region,
            owner_id=owner,
            total=money(total, currency),
            effective_discount_bp=discount_bp,
            approved_by=approved_by,
            automatic=automatic,
            approver_role=approver_role,
            approver_authority_bp=approver_authority_bp,
            approver_unlimited=approver_unlimited,
        ),
        at=at,
        region=region,
    )


# --- customers and training -----------------------------------------------------------------


def satisfaction_recorded(
    response_id: str,
    *,
    owner: str = "rep-1",
    kind: str = "csat",
    score: int = 4,
    customer: str = "cust-1",
    responded: datetime = T0,
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`customers.satisfaction.recorded` (`kind` "csat" 1-5 or "nps" 0-10)."""
    return envelope(
        "customers.satisfaction.recorded",
        satisfaction.SatisfactionRecorded(
            response_id=response_id,
            customer_id=customer,
            region=region,
            owner_id=owner,
            kind=kind,
            score=score,
            responded_at=timestamp(responded),
            source="api",
            channel="email",
        ),
        at=at,
        region=region,
    )


def _certification(
    message: type[Message],
    certification_id: str,
    rep_id: str,
    product_line: str,
    valid_from: str,
    valid_until: str,
    region: str,
    **extra: str,
) -> Message:
    return message(
        certification_id=certification_id,
        rep_id=rep_id,
        region=region,
        product_line=product_line,
        valid_from=valid_from,
        valid_until=valid_until,
        **extra,
    )


def certification_granted(
    certification_id: str,
    *,
    rep_id: str = "rep-1",
    product_line: str = "analytics",
    valid_from: str = "2027-01-15",
    valid_until: str = "2028-01-14",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`training.certification.granted`."""
    payload = _certification(
        training.CertificationGranted,
        certification_id,
        rep_id,
        product_line,
        valid_from,
        valid_until,
        region,
    )
    return envelope("training.certification.granted", payload, at=at, region=region)


def certification_expired(
    certification_id: str,
    *,
    rep_id: str = "rep-1",
    product_line: str = "analytics",
    valid_from: str = "2026-01-15",
    valid_until: str = "2027-01-14",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`training.certification.expired`."""
    payload = _certification(
        training.CertificationExpired,
        certification_id,
        rep_id,
        product_line,
        valid_from,
        valid_until,
        region,
    )
    return envelope("training.certification.expired", payload, at=at, region=region)


def certification_revoked(
    certification_id: str,
    *,
    rep_id: str = "rep-1",
    product_line: str = "analytics",
    valid_from: str = "2026-06-01",
    valid_until: str = "2027-05-31",
    reason: str = "misconduct",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`training.certification.revoked`."""
    payload = _certification(
        training.CertificationRevoked,
        certification_id,
        rep_id,
        product_line,
        valid_from,
        valid_until,
        region,
        reason=reason,
    )
    return envelope("training.certification.revoked", payload, at=at, region=region)


def course_completed(
    enrollment_id: str,
    *,
    rep_id: str = "rep-1",
    course_id: str = "course-1",
    course_code: str = "NEG-101",
    category: str = "sales_skills",
    skills: Sequence[str] = ("negotiation",),
    completed_date: str = "2027-01-15",
    score_bp: int = 8_500,
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`training.course.completed`."""
    return envelope(
        "training.course.completed",
        training.CourseCompleted(
            enrollment_id=enrollment_id,
            rep_id=rep_id,
            region=region,
            course_id=course_id,
            course_code=course_code,
            category=category,
            skills=list(skills),
            completed_date=completed_date,
            score_bp=score_bp,
        ),
        at=at,
        region=region,
    )


# --- reading back what the handlers wrote ---------------------------------------------------


def stored_facts(
    db: Database, kind: str | None = None, subject_id: str | None = None
) -> list[FactRecord]:
    """Facts (of `kind`, about `subject_id`), in the order they were written."""
    with db.transaction() as session:
        query = sa.select(FactRecord).order_by(
            FactRecord.recorded_at, FactRecord.occurred_on, FactRecord.rep_id, FactRecord.fact_id
        )
        if kind is not None:
            query = query.where(FactRecord.kind == kind)
        if subject_id is not None:
            query = query.where(FactRecord.subject_id == subject_id)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def stored_credits(db: Database, contract_id: str | None = None) -> list[CreditRecord]:
    """Credits (of one contract), in the order they were written."""
    with db.transaction() as session:
        query = sa.select(CreditRecord).order_by(
            CreditRecord.recorded_at, CreditRecord.credited_on, CreditRecord.credit_id
        )
        if contract_id is not None:
            query = query.where(CreditRecord.contract_id == contract_id)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def stored_quota(db: Database, target_id: str, rep_id: str) -> QuotaRecord | None:
    with db.transaction() as session:
        record = session.get(QuotaRecord, (target_id, rep_id))
        if record is not None:
            session.expunge(record)
        return record


def stored_opportunity(db: Database, opportunity_id: str) -> OpportunityStateRecord | None:
    with db.transaction() as session:
        record = session.get(OpportunityStateRecord, opportunity_id)
        if record is not None:
            session.expunge(record)
        return record


def day(text: str) -> date:
    return date.fromisoformat(text)
