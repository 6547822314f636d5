"""ScorecardService: live and published scorecards, publication at close, leaderboards.

How KPIs are measured is in `models.scorecard_store`, how they are scored in
`domain.kpis` and `domain.scorecards`. Scope: a rep sees their own
scorecards, a manager those of the reps below them, directors and executives
their regions' (`scorecard_store.can_see_rep`). Publishing (at or after the
period's close) is for directors of the region, or a manager for the reps
below them in one team; each published scorecard emits
`performance.scorecard.published` and its gaps `performance.gap.detected`.
Leaderboards: a team's is visible to its members and to everyone who sees
the region (managers and above); a region's to managers and above.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import scorecards_pb2 as pb
from salesops.performance.v1 import scorecards_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Validator,
)
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.records import load_visible, where_equal
from services.performance.domain import scorecards as domain
from services.performance.models import scorecard_store as store
from services.performance.models.fact_store import reps_managed_by
from services.performance.models.facts import RepRecord
from services.performance.models.scorecards import GapMarkRecord, ScorecardRecord

PUBLISHERS = frozenset({"director"})


def card_to_proto(card: store.Card) -> pb.Scorecard:
    record = card.scorecard
    return pb.Scorecard(
        scorecard_id=record.scorecard_id if record else "",
        rep_id=card.rep.rep_id,
        region=record.region if record else card.rep.region,
        team_id=record.team_id if record else card.rep.team_id,
        role=card.role,
        period_code=card.period_code,
        kpi_set_id=card.kpi_set_id,
        lines=[
            pb.ScorecardLine(
                kpi_code=line.code,
                name=line.name,
                source=line.source,
                direction=line.direction,
                unit=line.unit,
                currency=line.currency,
                value=line.value,
                target=line.target,
                floor=line.floor,
                stretch=line.stretch,
                score=line.score,
                weight_bp=line.weight_bp,
                weighted_points=line.weighted_points,
                scored=line.scored,
                skill_area=line.skill_area,
                note=line.note,
            )
            for line in card.scored.lines
        ],
        total_points=card.scored.total_points,
        total_score=card.scored.total_score,
        published=record is not None,
        published_time=timestamp(record.published_at) if record else None,
        published_by=record.published_by if record else "",
        computed_time=timestamp(card.computed_at),
    )


def period_of(calendar: FiscalCalendar, v: Validator, code: str) -> str:
    try:
        return calendar.period(code, "period_code").code
    except InvalidArgument as error:
        v.violations.extend(error.violations)
        return ""


def load_rep(session: Session, caller: Caller, rep_id: str) -> RepRecord:
    """The rep, if their scorecards exist for the caller (NotFound otherwise)."""
    caller.require_reader()
    return load_visible(
        session,
        RepRecord,
        rep_id,
        kind="rep",
        field_name="rep_id",
        visible=lambda rep: store.can_see_rep(session, caller, rep),
    )


def require_card(card: store.Card | None, rep: RepRecord, period: FiscalPeriod) -> store.Card:
    if card is None:
        raise FailedPrecondition.of(
            "NO_KPI_SET",
            f"kpis/{store.role_of(rep)}/{rep.region}",
            f"no KPI set for {store.role_of(rep)}s of {rep.region} is in effect in {period.code}; "
            "an admin or director defines one",
        )
    return card


class ScorecardServicer(scorecards_pb2_grpc.ScorecardServiceServicer):
    """Scorecards and leaderboards."""

    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or store.default_calendar()

    def GetScorecard(
        self, request: pb.GetScorecardRequest, context: grpc.ServicerContext
    ) -> pb.GetScorecardResponse:
        caller = current_caller()
        v = Validator()
        v.require("rep_id", request.rep_id.strip(), 100)
        code = period_of(self.calendar, v, request.period_code)
        v.raise_if_any()
        period = self.calendar.period(code)
        with self.db.transaction() as session:
            rep = load_rep(session, caller, request.rep_id)
            card = store.current_card(session, rep, period, utcnow(), preview=request.preview)
            return pb.GetScorecardResponse(scorecard=card_to_proto(require_card(card, rep, period)))

    def ListScorecards(
        self, request: pb.ListScorecardsRequest, context: grpc.ServicerContext
    ) -> pb.ListScorecardsResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        code = period_of(self.calendar, v, request.period_code) if request.period_code else ""
        v.raise_if_any()
        region = request.region.strip().upper()
        team_id = request.team_id.strip()
        rep_id = request.rep_id.strip()
        query = where_equal(
            sa.select(ScorecardRecord),
            [
                (ScorecardRecord.period_code, code),
                (ScorecardRecord.team_id, team_id),
                (ScorecardRecord.rep_id, rep_id),
            ],
        )
        regions = caller.readable_regions(region)
        if regions is not None:
            query = query.where(ScorecardRecord.region.in_(sorted(regions)))
        with self.db.transaction() as session:
            visible = store.visible_rep_ids(session, caller)
            if visible is not None:
                query = query.where(ScorecardRecord.rep_id.in_(sorted(visible)))
            records, next_token = keyset_page(
                session,
                query,
                created=ScorecardRecord.published_at,
                key=ScorecardRecord.scorecard_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"period": code, "region": region, "team_id": team_id, "rep_id": rep_id},
                cursor_of=lambda r: Cursor(r.published_at, r.scorecard_id),
            )
            cards = []
            for record in records:
                rep = session.get(RepRecord, record.rep_id) or _missing_rep(record)
                cards.append(card_to_proto(store.published_card(session, rep, record)))
            return pb.ListScorecardsResponse(
                scorecards=cards, page=common_pb2.PageResponse(next_page_token=next_token)
            )

    def PublishScorecards(
        self, request: pb.PublishScorecardsRequest, context: grpc.ServicerContext
    ) -> pb.PublishScorecardsResponse:
        caller = current_caller()
        v = Validator()
        code = period_of(self.calendar, v, request.period_code)
        region = request.region.strip().upper()
        team_id = request.team_id.strip()
        if bool(region) == bool(team_id):
            v.add("region", "give exactly one of region and team_id")
            v.add("team_id", "give exactly one of region and team_id")
        v.raise_if_any()
        period = self.calendar.period(code)
        now = utcnow()
        with self.db.transaction() as session:
            reps = self._publishable_reps(session, caller, region, team_id)
            domain.require_period_closed(period, now)
            published: list[pb.Scorecard] = []
            already: list[str] = []
            try:
                for rep in reps:
                    if store.published_record(session, rep.rep_id, period.code) is not None:
                        already.append(rep.rep_id)
                        continue
                    card = require_card(store.live_card(session, rep, period, now), rep, period)
                    record = store.publish_card(session, card, caller, now)
                    published.append(card_to_proto(store.published_card(session, rep, record)))
            except IntegrityError:
                # Another publication of the same reps won the race: nothing of this one stays.
                raise Aborted(
                    "scorecards of this scope were published meanwhile; publish again to "
                    "publish the rest"
                ) from None
            return pb.PublishScorecardsResponse(scorecards=published, already_published=already)

    def _publishable_reps(
        self, session: Session, caller: Caller, region: str, team_id: str
    ) -> list[RepRecord]:
        """The reps of the scope the caller may publish (every one, or PermissionDenied)."""
        caller.require_reader()
        query = store.scored_reps_query()
        if region:
            caller.require_writer(region)
            query = query.where(RepRecord.region == region)
        else:
            query = query.where(RepRecord.team_id == team_id)
        reps = [
            rep
            for rep in session.scalars(query.order_by(RepRecord.rep_id))
            if caller.has_region(rep.region)
        ]
        if team_id and not reps:
            raise NotFound("team", team_id)
        for rep_region in sorted({rep.region for rep in reps}):
            caller.require_writer(rep_region)
        if caller.roles & PUBLISHERS:
            return reps
        if "manager" in caller.roles and team_id:
            managed = reps_managed_by(session, caller.subject)
            mine = [rep for rep in reps if rep.rep_id in managed]
            if mine:
                return mine
        raise PermissionDenied(
            "scorecards are published by a director of the region, or by a manager for the "
            "reps below them in one team"
        )

    def GetLeaderboard(
        self, request: pb.GetLeaderboardRequest, context: grpc.ServicerContext
    ) -> pb.GetLeaderboardResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        code = period_of(self.calendar, v, request.period_code)
        region = request.region.strip().upper()
        team_id = request.team_id.strip()
        if bool(region) == bool(team_id):
            v.add("team_id", "give exactly one of team_id and region")
            v.add("region", "give exactly one of team_id and region")
        kpi_code = request.kpi_code.strip().lower() or domain.TOTAL
        v.optional("kpi_code", kpi_code, 40)
        v.raise_if_any()
        period = self.calendar.period(code)
        now = utcnow()
        with self.db.transaction() as session:
            reps = self._leaderboard_reps(session, caller, region, team_id)
            figures: list[tuple[str, int]] = []
            details: dict[str, tuple[str, int, bool]] = {}
            for rep in reps:
                card = store.current_card(session, rep, period, now)
                if card is None:
                    continue
                points = domain.ranking_figure(card.scored, kpi_code)
                if points is None:
                    continue
                value = card.scored.total_score
                for line in card.scored.lines:
                    if line.code == kpi_code:
                        value = line.value
                figures.append((rep.rep_id, points))
                details[rep.rep_id] = (rep.team_id, value, card.scorecard is not None)
            if reps and not figures and kpi_code != domain.TOTAL:
                raise InvalidArgument.of(
                    "kpi_code", f"'{kpi_code}' is not a KPI of these reps' scorecards"
                )
            entries = [
                pb.LeaderboardEntry(
                    rank=ranked.rank,
                    rep_id=ranked.rep_id,
                    team_id=details[ranked.rep_id][0],
                    points=ranked.points,
                    value=details[ranked.rep_id][1],
                    published=details[ranked.rep_id][2],
                )
                for ranked in domain.rank(figures)
            ]
            scope = domain.LeaderboardScope.TEAM if team_id else domain.LeaderboardScope.REGION
            return pb.GetLeaderboardResponse(
                period_code=period.code,
                kpi_code=kpi_code,
                scope=scope.value,
                scope_id=team_id or region,
                entries=entries,
            )

    def DetectGaps(
        self, request: pb.DetectGapsRequest, context: grpc.ServicerContext
    ) -> pb.DetectGapsResponse:
        caller = current_caller()
        v = Validator()
        code = period_of(self.calendar, v, request.period_code)
        region = request.region.strip().upper()
        v.require("region", region, 32)
        v.raise_if_any()
        period = self.calendar.period(code)
        caller.require_writer(region)
        if not caller.roles & {"director", "admin"}:
            raise PermissionDenied(f"gap detection on demand is for a director of {region}")
        now = utcnow()
        domain.require_period_running(period, now)
        gaps: list[pb.DetectedGap] = []
        with self.db.transaction() as session:
            reps = session.scalars(
                store.scored_reps_query()
                .where(RepRecord.region == region)
                .order_by(RepRecord.rep_id)
            )
            try:
                for rep in reps:
                    gaps += [
                        pb.DetectedGap(
                            rep_id=rep.rep_id,
                            kpi_code=gap.code,
                            value=gap.value,
                            threshold=gap.threshold,
                            skill_area=gap.skill_area,
                        )
                        for gap in store.scan_live_gaps(session, rep, period, now, caller)
                    ]
            except IntegrityError:
                raise Aborted(
                    "the worker's scan reported some of these gaps meanwhile; detect again"
                ) from None
            return pb.DetectGapsResponse(gaps=gaps)

    def _leaderboard_reps(
        self, session: Session, caller: Caller, region: str, team_id: str
    ) -> list[RepRecord]:
        """The reps ranked: a team's (its members see it) or a region's (managers and above)."""
        query = store.scored_reps_query()
        if region:
            if caller.own_records_only:
                raise PermissionDenied(
                    "region leaderboards are for managers and above; a rep sees their team's"
                )
            query = query.where(RepRecord.region == region)
        else:
            query = query.where(RepRecord.team_id == team_id)
        reps = [
            rep
            for rep in session.scalars(query.order_by(RepRecord.rep_id))
            if caller.has_region(rep.region)
        ]
        if team_id:
            member = any(rep.rep_id == caller.subject for rep in reps)
            if not reps or (caller.own_records_only and not member):
                raise NotFound("team", team_id)
        return reps


def _missing_rep(record: ScorecardRecord) -> RepRecord:
    """A stand-in for a published scorecard's rep missing from the directory."""
    return RepRecord(
        rep_id=record.rep_id, region=record.region, team_id=record.team_id, role=record.role
    )


def kpi_gap_counts(db: Database) -> list[tuple[tuple[str, str], float]]:
    """KPI gaps detected so far, by region and skill area (the query gauge's samples)."""
    with db.transaction() as session:
        rows = session.execute(
            sa.select(GapMarkRecord.region, GapMarkRecord.skill_area, sa.func.count())
            .group_by(GapMarkRecord.region, GapMarkRecord.skill_area)
            .order_by(GapMarkRecord.region, GapMarkRecord.skill_area)
        ).all()
    return [((region, skill), float(count)) for region, skill, count in rows]


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the ScorecardService to `server` and the KPI gaps gauge; return its full name."""
    scorecards_pb2_grpc.add_ScorecardServiceServicer_to_server(ScorecardServicer(db), server)
    metrics.register_query_gauge(
        "salesops_kpi_gaps",
        "KPI gaps detected (performance.gap.detected), by region and the skill area they point to.",
        ["region", "skill_area"],
        lambda: kpi_gap_counts(db),
    )
    return [pb.DESCRIPTOR.services_by_name["ScorecardService"].full_name]
