"""PipelineAnalyticsService: the figures of services.pipeline.domain.analytics, from SQL aggregates.

Each RPC scopes its filters (`domain.analytics_scope`), sums and counts in the
database (never loading opportunities one by one), and leaves the divisions
and their rounding to the domain module. Durations are summed as whole
seconds on both SQLite and PostgreSQL (`EpochSeconds`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.pipeline.v1 import analytics_pb2 as pb
from salesops.pipeline.v1 import analytics_pb2_grpc
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from services.kit.config import Settings
from services.kit.db import Database
from services.kit.errors import InvalidArgument, NotFound
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import current_caller
from services.kit.protos import timestamp
from services.pipeline.domain import analytics as domain
from services.pipeline.domain.analytics import AnalyticsScope
from services.pipeline.models.opportunities import (
    OpportunityCompetitorRecord,
    OpportunityRecord,
    StageHistoryRecord,
    StageRecord,
)

Opp = OpportunityRecord
WON, LOST = "won", "lost"

GROUP_COLUMNS: dict[int, Any] = {
    pb.ANALYTICS_DIMENSION_REGION: Opp.region,
    pb.ANALYTICS_DIMENSION_TEAM: Opp.team_id,
    pb.ANALYTICS_DIMENSION_OWNER: Opp.owner_id,
    pb.ANALYTICS_DIMENSION_PIPELINE: Opp.pipeline_id,
}


class EpochSeconds(FunctionElement[int]):
    """Whole seconds since 1970-01-01 UTC of a UTCDateTime column, as an integer."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(EpochSeconds, "sqlite")
def _epoch_sqlite(element: EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    # UTCDateTime stores naive UTC text on SQLite; strftime('%s') reads it as UTC.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(EpochSeconds, "postgresql")
def _epoch_postgresql(element: EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def _seconds_between(start: Any, end: Any) -> Any:
    return EpochSeconds(end) - EpochSeconds(start)


def _scope_clauses(scope: AnalyticsScope) -> list[Any]:
    """WHERE clauses on opportunities for the caller's scope and the filters."""
    clauses: list[Any] = []
    if scope.empty:
        clauses.append(sa.false())
    if scope.regions is not None:
        clauses.append(Opp.region.in_(sorted(scope.regions)))
    if scope.team_id:
        clauses.append(Opp.team_id == scope.team_id)
    if scope.owner_id:
        clauses.append(Opp.owner_id == scope.owner_id)
    if scope.pipeline_id:
        clauses.append(Opp.pipeline_id == scope.pipeline_id)
    return clauses


def _within(column: Any, scope: AnalyticsScope) -> Any:
    return sa.and_(column >= scope.period.starts_at, column < scope.period.ends_at)


def _closed_in_period(scope: AnalyticsScope, statuses: Sequence[str] = (WON, LOST)) -> list[Any]:
    return [
        *_scope_clauses(scope),
        Opp.status.in_(list(statuses)),
        Opp.closed_at.is_not(None),
        _within(Opp.closed_at, scope),
    ]


def _group_key(group_by: int) -> Any:
    if group_by == pb.ANALYTICS_DIMENSION_UNSPECIFIED:
        return sa.literal("")
    if group_by not in GROUP_COLUMNS:
        raise InvalidArgument.of("group_by", f"{group_by} is not a known dimension")
    return GROUP_COLUMNS[group_by]


def _win_rate(key: str, won: int, lost: int) -> pb.WinRate:
    return pb.WinRate(key=key, won=won, lost=lost, win_rate_bp=domain.ratio_bp(won, won + lost))


def _deal_metrics(key: str, rows: list[tuple[str, int, int, int]]) -> pb.DealMetrics:
    """Metrics of one group from its (currency, won, total_minor, cycle_seconds) rows."""
    won = sum(count for _, count, _, _ in rows)
    cycle_seconds = sum(seconds for _, _, _, seconds in rows)
    by_currency: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for currency, count, total, _ in rows:
        by_currency[currency][0] += count
        by_currency[currency][1] += total
    return pb.DealMetrics(
        key=key,
        won=won,
        deal_sizes=[
            pb.DealSize(
                currency=currency,
                won=count,
                total=common_pb2.Money(currency=currency, amount_minor=total),
                average=common_pb2.Money(
                    currency=currency, amount_minor=domain.mean_half_up(total, count)
                ),
            )
            for currency, (count, total) in sorted(by_currency.items())
        ],
        average_cycle_days=domain.mean_half_up(cycle_seconds, won, domain.SECONDS_PER_DAY),
    )


class PipelineAnalyticsServicer(analytics_pb2_grpc.PipelineAnalyticsServiceServicer):
    """Funnel, win rate, deal metrics, time in stage and win/loss breakdowns."""

    def __init__(self, db: Database, calendar: FiscalCalendar) -> None:
        self.db = db
        self.calendar = calendar

    def _scope(self, request_filter: pb.AnalyticsFilter, **options: bool) -> AnalyticsScope:
        return domain.analytics_scope(
            current_caller(),
            self.calendar,
            period=request_filter.period,
            region=request_filter.region,
            team_id=request_filter.team_id,
            owner_id=request_filter.owner_id,
            pipeline_id=request_filter.pipeline_id,
            **options,
        )

    @staticmethod
    def _echo(scope: AnalyticsScope) -> dict[str, Any]:
        """The period and the filter as applied, for every response."""
        return {
            "period": common_pb2.FiscalPeriod(
                code=scope.period.code,
                starts_at=timestamp(scope.period.starts_at),
                ends_at=timestamp(scope.period.ends_at),
            ),
            "filter": pb.AnalyticsFilter(
                period=scope.period.code,
                region=scope.region,
                team_id=scope.team_id,
                owner_id=scope.owner_id,
                pipeline_id=scope.pipeline_id,
            ),
        }

    def GetFunnel(
        self, request: pb.GetFunnelRequest, context: grpc.ServicerContext
    ) -> pb.GetFunnelResponse:
        scope = self._scope(request.filter, pipeline_required=True)
        cohort_clauses = [*_scope_clauses(scope), _within(Opp.created_at, scope)]
        # Every stage a deal has been in: its history, and its current stage in case
        # the history lags behind.
        visits = sa.union_all(
            sa.select(
                StageHistoryRecord.opportunity_id.label("opportunity_id"),
                StageHistoryRecord.stage_id.label("stage_id"),
            ),
            sa.select(Opp.opportunity_id, Opp.stage_id),
        ).subquery("visits")
        furthest = (
            sa.select(sa.func.max(StageRecord.position).label("position"))
            .select_from(Opp)
            .join(visits, visits.c.opportunity_id == Opp.opportunity_id)
            .join(StageRecord, StageRecord.stage_id == visits.c.stage_id)
            .where(
                *cohort_clauses,
                StageRecord.pipeline_id == scope.pipeline_id,
                StageRecord.kind != LOST,
            )
            .group_by(Opp.opportunity_id)
            .subquery("furthest")
        )
        with self.db.transaction() as session:
            stages = [
                domain.FunnelStage(s.stage_id, s.name, s.position, s.kind)
                for s in session.scalars(
                    sa.select(StageRecord)
                    .where(StageRecord.pipeline_id == scope.pipeline_id)
                    .order_by(StageRecord.position)
                )
            ]
            if not stages:
                raise NotFound("pipeline", scope.pipeline_id)
            cohort = session.scalar(sa.select(sa.func.count()).where(*cohort_clauses)) or 0
            by_position = {
                int(position): int(count)
                for position, count in session.execute(
                    sa.select(furthest.c.position, sa.func.count()).group_by(furthest.c.position)
                )
            }
        steps = domain.funnel_steps([s for s in stages if s.kind != LOST], by_position)
        return pb.GetFunnelResponse(
            **self._echo(scope),
            cohort=int(cohort),
            steps=[
                pb.FunnelStep(
                    stage_id=step.stage.stage_id,
                    name=step.stage.name,
                    position=step.stage.position,
                    kind=step.stage.kind,
                    reached=step.reached,
                    conversion_to_next_bp=step.conversion_to_next_bp,
                )
                for step in steps
            ],
        )

    def GetWinRate(
        self, request: pb.GetWinRateRequest, context: grpc.ServicerContext
    ) -> pb.GetWinRateResponse:
        scope = self._scope(request.filter)
        key = _group_key(request.group_by)
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {WON: 0, LOST: 0})
        with self.db.transaction() as session:
            rows = session.execute(
                sa.select(key.label("key"), Opp.status, sa.func.count())
                .where(*_closed_in_period(scope))
                .group_by(key, Opp.status)
            ).all()
        for group, status, count in rows:
            counts[str(group)][status] += int(count)
        total_won = sum(c[WON] for c in counts.values())
        total_lost = sum(c[LOST] for c in counts.values())
        groups = []
        if request.group_by:
            groups = [_win_rate(g, c[WON], c[LOST]) for g, c in sorted(counts.items())]
        return pb.GetWinRateResponse(
            **self._echo(scope), total=_win_rate("", total_won, total_lost), groups=groups
        )

    def GetDealMetrics(
        self, request: pb.GetDealMetricsRequest, context: grpc.ServicerContext
    ) -> pb.GetDealMetricsResponse:
        scope = self._scope(request.filter)
        key = _group_key(request.group_by)
        with self.db.transaction() as session:
            rows = session.execute(
                sa.select(
                    key.label("key"),
                    Opp.currency,
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(Opp.amount_minor), 0),
                    sa.func.coalesce(
                        sa.func.sum(_seconds_between(Opp.created_at, Opp.closed_at)), 0
                    ),
                )
                .where(*_closed_in_period(scope, (WON,)))
                .group_by(key, Opp.currency)
            ).all()
        by_group: dict[str, list[tuple[str, int, int, int]]] = defaultdict(list)
        for group, currency, count, total, seconds in rows:
            by_group[str(group)].append((currency, int(count), int(total), int(seconds)))
        everything = [row for group_rows in by_group.values() for row in group_rows]
        groups = []
        if request.group_by:
            groups = [_deal_metrics(g, r) for g, r in sorted(by_group.items())]
        return pb.GetDealMetricsResponse(
            **self._echo(scope), total=_deal_metrics("", everything), groups=groups
        )

    def GetTimeInStage(
        self, request: pb.GetTimeInStageRequest, context: grpc.ServicerContext
    ) -> pb.GetTimeInStageResponse:
        scope = self._scope(request.filter)
        history = StageHistoryRecord
        with self.db.transaction() as session:
            rows = session.execute(
                sa.select(
                    StageRecord.pipeline_id,
                    StageRecord.stage_id,
                    StageRecord.name,
                    StageRecord.position,
                    sa.func.count(),
                    sa.func.sum(_seconds_between(history.entered_at, history.exited_at)),
                )
                .select_from(history)
                .join(Opp, Opp.opportunity_id == history.opportunity_id)
                .join(StageRecord, StageRecord.stage_id == history.stage_id)
                .where(
                    *_scope_clauses(scope),
                    history.exited_at.is_not(None),
                    _within(history.exited_at, scope),
                )
                .group_by(
                    StageRecord.pipeline_id,
                    StageRecord.stage_id,
                    StageRecord.name,
                    StageRecord.position,
                )
                .order_by(StageRecord.pipeline_id, StageRecord.position)
            ).all()
        return pb.GetTimeInStageResponse(
            **self._echo(scope),
            stages=[
                pb.StageDuration(
                    pipeline_id=pipeline_id,
                    stage_id=stage_id,
                    name=name,
                    position=position,
                    stays=int(stays),
                    average_hours=domain.mean_half_up(
                        int(seconds), int(stays), domain.SECONDS_PER_HOUR
                    ),
                )
                for pipeline_id, stage_id, name, position, stays, seconds in rows
            ],
        )

    def GetWinLossBreakdown(
        self, request: pb.GetWinLossBreakdownRequest, context: grpc.ServicerContext
    ) -> pb.GetWinLossBreakdownResponse:
        scope = self._scope(request.filter)
        closed = _closed_in_period(scope)
        # A competitor is on a deal when listed on it or when the deal was lost to them.
        present = sa.union(
            sa.select(
                OpportunityCompetitorRecord.opportunity_id.label("opportunity_id"),
                OpportunityCompetitorRecord.competitor.label("competitor"),
            ),
            sa.select(Opp.opportunity_id, Opp.lost_to_competitor).where(
                Opp.lost_to_competitor != ""
            ),
        ).subquery("present")
        with self.db.transaction() as session:
            statuses: dict[str, int] = {
                status: int(count)
                for status, count in session.execute(
                    sa.select(Opp.status, sa.func.count()).where(*closed).group_by(Opp.status)
                )
            }
            reasons = session.execute(
                sa.select(Opp.loss_reason, sa.func.count())
                .where(*_closed_in_period(scope, (LOST,)))
                .group_by(Opp.loss_reason)
            ).all()
            outcomes: dict[str, dict[str, int]] = defaultdict(dict)
            for competitor, status, count in session.execute(
                sa.select(present.c.competitor, Opp.status, sa.func.count())
                .select_from(present)
                .join(Opp, Opp.opportunity_id == present.c.opportunity_id)
                .where(*closed)
                .group_by(present.c.competitor, Opp.status)
            ):
                outcomes[competitor][status] = int(count)
            lost_to = {
                competitor: int(count)
                for competitor, count in session.execute(
                    sa.select(Opp.lost_to_competitor, sa.func.count())
                    .where(*_closed_in_period(scope, (LOST,)), Opp.lost_to_competitor != "")
                    .group_by(Opp.lost_to_competitor)
                )
            }
        won, lost = statuses.get(WON, 0), statuses.get(LOST, 0)
        ranked_reasons = sorted(((r, int(n)) for r, n in reasons), key=lambda rn: (-rn[1], rn[0]))
        return pb.GetWinLossBreakdownResponse(
            **self._echo(scope),
            won=won,
            lost=lost,
            loss_reasons=[
                pb.LossReason(reason=reason, lost=count, share_bp=domain.ratio_bp(count, lost))
                for reason, count in ranked_reasons
            ],
            competitors=[
                pb.CompetitorOutcome(
                    competitor=figures.competitor,
                    deals=figures.deals,
                    won=figures.won,
                    lost=figures.lost,
                    win_rate_bp=figures.win_rate_bp,
                    lost_to=figures.lost_to,
                )
                for figures in domain.rank_competitors(outcomes, lost_to)
            ],
        )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add PipelineAnalyticsService (fiscal calendar from the settings); return its name."""
    calendar = FiscalCalendar(Settings.from_env().fiscal_year_start_month)
    analytics_pb2_grpc.add_PipelineAnalyticsServiceServicer_to_server(
        PipelineAnalyticsServicer(db, calendar), server
    )
    return [pb.DESCRIPTOR.services_by_name["PipelineAnalyticsService"].full_name]
