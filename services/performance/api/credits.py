"""CreditService: sales credits and the facts behind every performance number, read-only.

`ListCredits` lists credits (direct, overlay and reversals) newest first by
rep, contract, fiscal period (the credited day), kind and region.
`GetCreditSummary` sums a rep's or a team's credits of a period per currency:
direct, overlay and reversed (clawbacks, negative) and net = their sum,
exactly. `ListFacts` lists the fact store by rep, kind and period, each fact
naming the event that produced it, so a KPI value or a commission line can be
traced back to what happened.

Scope: a rep sees their own credits and facts; a manager those of the reps
below them in the manager chain (and their own); a director, executive or
admin those of their regions (including facts of nobody, such as a breach on
an unassigned lead). A rep or team outside that is NotFound; a list or sum
leaves out whatever the caller may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import credits_pb2 as pb
from salesops.performance.v1 import credits_pb2_grpc
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.kit import metrics
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound, Validator
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page, page_size
from services.kit.protos import timestamp
from services.performance.domain import credits as domain
from services.performance.models.fact_store import reps_managed_by
from services.performance.models.facts import (
    CreditKind,
    CreditRecord,
    FactKind,
    FactRecord,
    RepRecord,
)

T = TypeVar("T")

# Roles that read every rep of their regions.
REGION_READERS = frozenset({"director", "executive", "admin"})

KIND_TO_PROTO = {
    CreditKind.DIRECT.value: pb.SALES_CREDIT_KIND_DIRECT,
    CreditKind.OVERLAY.value: pb.SALES_CREDIT_KIND_OVERLAY,
}
KIND_FROM_PROTO = {number: kind for kind, number in KIND_TO_PROTO.items()}
FACT_KINDS = frozenset(kind.value for kind in FactKind)


@dataclass(frozen=True)
class CreditScope:
    """Whose credits and facts a caller sees: their regions, and these reps (None: all)."""

    caller: Caller
    reps: frozenset[str] | None

    def restrict(
        self,
        query: sa.Select[tuple[T]],
        region_column: InstrumentedAttribute[str],
        rep_column: InstrumentedAttribute[str],
        region: str = "",
    ) -> sa.Select[tuple[T]]:
        """`query` narrowed to the caller's regions (and `region`, if given) and reps."""
        regions = self.caller.readable_regions(region)
        if regions is not None:
            query = query.where(region_column.in_(sorted(regions)))
        if self.reps is not None:
            query = query.where(rep_column.in_(sorted(self.reps)))
        return query

    def sees_rep(self, session: Session, rep_id: str) -> bool:
        """Whether the rep exists for the caller (a rep the directory knows in their regions)."""
        if self.reps is not None and rep_id not in self.reps:
            return False
        rep = session.get(RepRecord, rep_id)
        return rep is None or self.caller.has_region(rep.region)


def scope_of(session: Session, caller: Caller) -> CreditScope:
    """The caller's scope (a manager's reps come from the local directory)."""
    caller.require_reader()
    if caller.roles & REGION_READERS:
        return CreditScope(caller, None)
    if "manager" in caller.roles:
        return CreditScope(
            caller, frozenset(reps_managed_by(session, caller.subject) | {caller.subject})
        )
    return CreditScope(caller, frozenset({caller.subject}))


def credit_to_proto(credit: CreditRecord) -> pb.SalesCredit:
    return pb.SalesCredit(
        credit_id=credit.credit_id,
        contract_id=credit.contract_id,
        opportunity_id=credit.opportunity_id,
        customer_id=credit.customer_id,
        region=credit.region,
        rep_id=credit.rep_id,
        team_id=credit.team_id,
        kind=KIND_TO_PROTO.get(credit.kind, pb.SALES_CREDIT_KIND_UNSPECIFIED),
        from_rep_id=credit.from_rep_id,
        product_line=credit.product_line,
        share_bp=credit.share_bp,
        amount=common_pb2.Money(currency=credit.currency, amount_minor=credit.amount_minor),
        quantity=credit.quantity,
        credited_date=credit.credited_on.isoformat(),
        reverses_credit_id=credit.reverses_credit_id or "",
        event_id=credit.event_id,
        record_time=timestamp(credit.recorded_at),
    )


def fact_to_proto(fact: FactRecord) -> pb.PerformanceFact:
    return pb.PerformanceFact(
        fact_id=fact.fact_id,
        event_id=fact.event_id,
        event_type=fact.event_type,
        kind=fact.kind,
        region=fact.region,
        rep_id=fact.rep_id,
        team_id=fact.team_id,
        subject_id=fact.subject_id,
        occurred_date=fact.occurred_on.isoformat(),
        occur_time=timestamp(fact.occurred_at),
        amount=(
            common_pb2.Money(currency=fact.currency, amount_minor=fact.amount_minor)
            if fact.currency
            else None
        ),
        quantity=fact.quantity,
        value_bp=fact.value_bp,
        score=fact.score,
        product_line=fact.product_line,
        detail=fact.detail,
        approver_role=fact.approver_role,
        approver_authority_bp=fact.approver_authority_bp,
        approver_unlimited=fact.approver_unlimited,
        record_time=timestamp(fact.recorded_at),
    )


def _money(currency: str, amount_minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=amount_minor)


class CreditServicer(credits_pb2_grpc.CreditServiceServicer):
    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)

    def _period(self, v: Validator, code: str, *, required: bool) -> FiscalPeriod | None:
        if not code.strip():
            if required:
                v.add("period_code", "is required, for example FY2027-Q1")
            return None
        try:
            return self.calendar.period(code.strip(), "period_code")
        except InvalidArgument as exc:
            v.violations.extend(exc.violations)
            return None

    @staticmethod
    def _page_size(v: Validator, requested: int) -> None:
        try:
            page_size(requested)
        except InvalidArgument as exc:
            v.violations.extend(exc.violations)

    @staticmethod
    def _days(period: FiscalPeriod) -> tuple[date, date]:
        return period.starts_at.date(), period.ends_at.date()

    def ListCredits(
        self, request: pb.ListCreditsRequest, context: grpc.ServicerContext
    ) -> pb.ListCreditsResponse:
        caller = current_caller()
        v = Validator()
        period = self._period(v, request.period_code, required=False)
        kind = ""
        if request.kind:
            kind = KIND_FROM_PROTO.get(request.kind, "")
            v.check(bool(kind), "kind", "must be SALES_CREDIT_KIND_DIRECT or _OVERLAY")
        v.optional("rep_id", request.rep_id, 100)
        v.optional("contract_id", request.contract_id, 36)
        v.optional("region", request.region, 32)
        self._page_size(v, request.page.page_size)
        v.raise_if_any()
        rep_id, contract_id = request.rep_id.strip(), request.contract_id.strip()
        region = request.region.strip().upper()
        query = sa.select(CreditRecord)
        if rep_id:
            query = query.where(CreditRecord.rep_id == rep_id)
        if contract_id:
            query = query.where(CreditRecord.contract_id == contract_id)
        if kind:
            query = query.where(CreditRecord.kind == kind)
        if period is not None:
            starts_on, ends_on = self._days(period)
            query = query.where(
                CreditRecord.credited_on >= starts_on, CreditRecord.credited_on < ends_on
            )
        filters = {
            "rep_id": rep_id,
            "contract_id": contract_id,
            "period_code": period.code if period else "",
            "kind": kind,
            "region": region,
        }
        with self.db.transaction() as session:
            scope = scope_of(session, caller)
            query = scope.restrict(query, CreditRecord.region, CreditRecord.rep_id, region)
            credits, next_token = keyset_page(
                session,
                query,
                created=CreditRecord.recorded_at,
                key=CreditRecord.credit_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda c: Cursor(c.recorded_at, c.credit_id),
            )
            return pb.ListCreditsResponse(
                credits=[credit_to_proto(c) for c in credits],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def _team_visible(self, session: Session, scope: CreditScope, team_id: str) -> bool:
        if scope.reps is None:
            return True
        if scope.caller.own_records_only:
            return False  # a rep sees their own credits, not their team's
        teams = set(
            session.scalars(
                sa.select(RepRecord.team_id).where(RepRecord.rep_id.in_(sorted(scope.reps)))
            )
        )
        return team_id in teams

    def GetCreditSummary(
        self, request: pb.GetCreditSummaryRequest, context: grpc.ServicerContext
    ) -> pb.GetCreditSummaryResponse:
        caller = current_caller()
        rep_id, team_id = request.rep_id.strip(), request.team_id.strip()
        v = Validator()
        if not rep_id and not team_id:
            v.add("rep_id", "one of rep_id and team_id is required")
        if rep_id and team_id:
            v.add("team_id", "give rep_id or team_id, not both")
        period = self._period(v, request.period_code, required=True)
        v.raise_if_any()
        assert period is not None
        starts_on, ends_on = self._days(period)
        with self.db.transaction() as session:
            scope = scope_of(session, caller)
            if rep_id and not scope.sees_rep(session, rep_id):
                raise NotFound("rep", rep_id)
            if team_id and not self._team_visible(session, scope, team_id):
                raise NotFound("team", team_id)
            query: sa.Select[Any] = sa.select(
                CreditRecord.currency,
                CreditRecord.kind,
                CreditRecord.reverses_credit_id.is_not(None),
                sa.func.sum(CreditRecord.amount_minor),
                sa.func.count(),
            ).where(
                CreditRecord.credited_on >= starts_on,
                CreditRecord.credited_on < ends_on,
                CreditRecord.rep_id == rep_id if rep_id else CreditRecord.team_id == team_id,
            )
            query = scope.restrict(query, CreditRecord.region, CreditRecord.rep_id)
            query = query.group_by(
                CreditRecord.currency,
                CreditRecord.kind,
                CreditRecord.reverses_credit_id.is_not(None),
            )
            groups = list(session.execute(query))
        counts: dict[str, int] = {}
        for currency, _kind, _reversal, _amount, count in groups:
            counts[currency] = counts.get(currency, 0) + int(count)
        totals = domain.summarize(
            domain.CreditAmount(kind, currency, int(amount), bool(reversal))
            for currency, kind, reversal, amount, _count in groups
        )
        return pb.GetCreditSummaryResponse(
            rep_id=rep_id,
            team_id=team_id,
            period=common_pb2.FiscalPeriod(
                code=period.code,
                starts_at=timestamp(period.starts_at),
                ends_at=timestamp(period.ends_at),
            ),
            totals=[
                pb.SalesCreditTotals(
                    currency=t.currency,
                    direct=_money(t.currency, t.direct_minor),
                    overlay=_money(t.currency, t.overlay_minor),
                    reversed=_money(t.currency, t.reversed_minor),
                    net=_money(t.currency, t.net_minor),
                    credit_count=counts[t.currency],
                )
                for t in totals
            ],
        )

    def ListFacts(
        self, request: pb.ListFactsRequest, context: grpc.ServicerContext
    ) -> pb.ListFactsResponse:
        caller = current_caller()
        v = Validator()
        period = self._period(v, request.period_code, required=False)
        kind = request.kind.strip().lower()
        v.check(
            not kind or kind in FACT_KINDS,
            "kind",
            f"must be one of {', '.join(sorted(FACT_KINDS))}",
        )
        v.optional("rep_id", request.rep_id, 100)
        self._page_size(v, request.page.page_size)
        v.raise_if_any()
        rep_id = request.rep_id.strip()
        query = sa.select(FactRecord)
        if rep_id:
            query = query.where(FactRecord.rep_id == rep_id)
        if kind:
            query = query.where(FactRecord.kind == kind)
        if period is not None:
            starts_on, ends_on = self._days(period)
            query = query.where(
                FactRecord.occurred_on >= starts_on, FactRecord.occurred_on < ends_on
            )
        filters = {"rep_id": rep_id, "kind": kind, "period_code": period.code if period else ""}
        with self.db.transaction() as session:
            scope = scope_of(session, caller)
            query = scope.restrict(query, FactRecord.region, FactRecord.rep_id)
            facts, next_token = keyset_page(
                session,
                query,
                created=FactRecord.recorded_at,
                key=FactRecord.fact_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda f: Cursor(f.recorded_at, f.fact_id),
            )
            return pb.ListFactsResponse(
                facts=[fact_to_proto(f) for f in facts],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def credits_this_fiscal_year(
    db: Database, calendar: FiscalCalendar
) -> list[tuple[tuple[str, str, str], float]]:
    """Net credits of the current fiscal year by (region, kind, currency), for the metrics gauge."""
    year, _, _ = calendar.periods_containing(utcnow())
    starts_on, ends_on = year.starts_at.date(), year.ends_at.date()
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                CreditRecord.region,
                CreditRecord.kind,
                CreditRecord.currency,
                sa.func.sum(CreditRecord.amount_minor),
            )
            .where(CreditRecord.credited_on >= starts_on, CreditRecord.credited_on < ends_on)
            .group_by(CreditRecord.region, CreditRecord.kind, CreditRecord.currency)
        ).all()
    return [((region, kind, currency), float(total)) for region, kind, currency, total in rows]


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the CreditService to `server` and the credits gauge; return the service's full name."""
    # A bad overlay depth or clawback window stops the start, not the first event.
    domain.overlay_levels_from_env()
    domain.clawback_days_from_env()
    servicer = CreditServicer(db)
    credits_pb2_grpc.add_CreditServiceServicer_to_server(servicer, server)
    metrics.register_query_gauge(
        "salesops_performance_credits_net_minor",
        "Net sales credits (reversals deducted) of the current fiscal year in minor units, "
        "by region, kind (direct or overlay) and currency.",
        ["region", "kind", "currency"],
        lambda: credits_this_fiscal_year(db, servicer.calendar),
    )
    return [pb.DESCRIPTOR.services_by_name["CreditService"].full_name]
