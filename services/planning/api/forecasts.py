"""ForecastService: reps' forecasts, managers' adjustments, and the roll-up up the org tree.

Rules are in `domain.forecasts`, the roll-up's queries in
`models.forecast_store`. A forecast's region is its rep's. Reads are scoped:
a rep sees their own forecasts only, a manager or director those of their
regions; anything else is NotFound and absent from lists and roll-ups.
Submitting emits `planning.forecast.submitted`, adjusting
`planning.forecast.adjusted`, each in the transaction of the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import planning_forecast_events_pb2 as events
from salesops.planning.v1 import forecasts_pb2 as pb
from salesops.planning.v1 import forecasts_pb2_grpc
from sqlalchemy.orm import Session

from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound, Validator
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible
from services.planning.domain import forecasts as domain
from services.planning.domain.forecasts import Figures, ForecastStatus, MoneyInput
from services.planning.models import forecast_store as store
from services.planning.models.forecasts import (
    ForecastAdjustmentRecord,
    ForecastRecord,
    ForecastVersionRecord,
)

STATUS_TO_PROTO = {
    ForecastStatus.SUBMITTED: pb.FORECAST_STATUS_SUBMITTED,
    ForecastStatus.ADJUSTED: pb.FORECAST_STATUS_ADJUSTED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}


def money(currency: str, amount_minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=amount_minor)


def money_input(request: object, name: str) -> MoneyInput:
    """The amount `name` of a request as the domain sees it (absent when not given)."""
    present = request.HasField(name)  # type: ignore[attr-defined]
    value: common_pb2.Money = getattr(request, name)
    return MoneyInput(present, value.currency.strip(), value.amount_minor)


def figures_to_proto(figures: Figures) -> pb.ForecastFigures:
    return pb.ForecastFigures(
        commit=money(figures.currency, figures.commit),
        best_case=money(figures.currency, figures.best_case),
        pipeline=money(figures.currency, figures.pipeline),
    )


def period_to_proto(period: FiscalPeriod) -> common_pb2.FiscalPeriod:
    return common_pb2.FiscalPeriod(
        code=period.code, starts_at=timestamp(period.starts_at), ends_at=timestamp(period.ends_at)
    )


def _stored_figures(
    record: ForecastVersionRecord | ForecastAdjustmentRecord,
) -> Figures:
    return Figures(
        record.currency, record.commit_minor, record.best_case_minor, record.pipeline_minor
    )


def forecasts_to_proto(
    session: Session, records: Sequence[ForecastRecord], calendar: FiscalCalendar
) -> list[pb.Forecast]:
    """The forecasts with their adjustments (read in one query for the lot)."""
    adjustments: dict[str, list[ForecastAdjustmentRecord]] = {r.forecast_id: [] for r in records}
    if records:
        for adjustment in session.scalars(
            sa.select(ForecastAdjustmentRecord)
            .where(ForecastAdjustmentRecord.forecast_id.in_(sorted(adjustments)))
            .order_by(ForecastAdjustmentRecord.adjusted_at.desc(), ForecastAdjustmentRecord.id)
        ):
            adjustments[adjustment.forecast_id].append(adjustment)
    return [_forecast(record, adjustments[record.forecast_id], calendar) for record in records]


def _forecast(
    record: ForecastRecord,
    adjustments: Sequence[ForecastAdjustmentRecord],
    calendar: FiscalCalendar,
) -> pb.Forecast:
    adjusted = store.adjusted_figures(record)
    return pb.Forecast(
        forecast_id=record.forecast_id,
        rep_id=record.rep_id,
        org_unit_id=record.unit_id,
        region=record.region,
        period=period_to_proto(calendar.period(record.period_code)),
        status=STATUS_TO_PROTO[ForecastStatus(record.status)],
        submitted=figures_to_proto(store.submitted_figures(record)),
        adjusted=figures_to_proto(adjusted) if adjusted is not None else None,
        notes=record.notes,
        forecast_version=record.forecast_version,
        adjustments=[
            pb.ForecastAdjustment(
                figures=figures_to_proto(_stored_figures(a)),
                reason=a.reason,
                adjusted_by=a.adjusted_by,
                adjust_time=timestamp(a.adjusted_at),
                forecast_version=a.forecast_version,
            )
            for a in adjustments
        ],
        audit=audit_info(
            record.created_at, record.created_by, record.updated_at, record.updated_by
        ),
        version=record.version,
    )


def load_forecast(
    session: Session, caller: Caller, forecast_id: str, *, lock: bool = False
) -> ForecastRecord:
    """The forecast if it exists for this caller: their regions, and for a rep their own."""
    return load_visible(
        session,
        ForecastRecord,
        forecast_id,
        kind="forecast",
        field_name="forecast_id",
        visible=lambda f: caller.can_read(f.region, f.rep_id),
        for_update=lock,
    )


def _figure_fields(prefix: str, figures: Figures) -> dict[str, common_pb2.Money]:
    return {
        f"{prefix}commit": money(figures.currency, figures.commit),
        f"{prefix}best_case": money(figures.currency, figures.best_case),
        f"{prefix}pipeline": money(figures.currency, figures.pipeline),
    }


def _line(
    *,
    unit_id: str = "",
    rep_id: str = "",
    name: str,
    data: store.RollUpData,
    units: Collection[str] = (),
    people: Sequence[store.Person],
    target: store.TargetShare | None,
) -> pb.RollUpLine:
    """One roll-up line: a rep's own records, or those of every unit in `units`."""

    def mine(row: store.Attributed) -> bool:
        return row.rep_id == rep_id if rep_id else row.unit_id in units

    figures = domain.roll_up(
        (row.fact for row in data.forecasts if mine(row)),
        (row.opportunity for row in data.opportunities if mine(row)),
        ((row.currency, row.amount_minor) for row in data.closed_won if mine(row)),
        first_currency=target.currency if target is not None else "",
    )
    return pb.RollUpLine(
        org_unit_id=unit_id,
        rep_id=rep_id,
        name=name,
        reps=len(people),
        reps_submitted=sum(1 for p in people if p.rep_id in data.submitted_reps),
        revenue_target=money(target.currency, target.amount_minor) if target else None,
        figures=[
            pb.RollUpFigures(
                currency=f.currency,
                submitted=figures_to_proto(
                    Figures(
                        f.currency, f.submitted_commit, f.submitted_best_case, f.submitted_pipeline
                    )
                ),
                forecast=figures_to_proto(Figures(f.currency, f.commit, f.best_case, f.pipeline)),
                weighted_pipeline=money(f.currency, f.weighted_pipeline),
                open_pipeline=pb.PipelineByCategory(
                    **{
                        category: money(f.currency, amount)
                        for category, amount in f.open_by_category.items()
                    }
                ),
                closed_won=money(f.currency, f.closed_won),
                open_opportunities=f.open_opportunities,
            )
            for f in figures
        ],
    )


class ForecastServicer(forecasts_pb2_grpc.ForecastServiceServicer):
    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)

    def _reply(self, session: Session, record: ForecastRecord) -> pb.Forecast:
        (forecast,) = forecasts_to_proto(session, [record], self.calendar)
        return forecast

    def SubmitForecast(
        self, request: pb.SubmitForecastRequest, context: grpc.ServicerContext
    ) -> pb.SubmitForecastResponse:
        caller = current_caller()
        caller.require_reader()
        now = utcnow()
        period, figures = domain.validate_submission(
            self.calendar,
            period_code=request.period_code.strip(),
            commit=money_input(request, "commit"),
            best_case=money_input(request, "best_case"),
            pipeline=money_input(request, "pipeline"),
            notes=request.notes,
            now=now,
        )
        rep_id = request.rep_id.strip() or caller.subject
        with self.db.transaction() as session:
            # Locking the person serialises two first submissions for the same rep.
            person = store.person(session, rep_id, lock=True)
            if (
                person is None
                or person.status == store.LEFT
                or not caller.can_read(person.region, person.rep_id)
            ):
                raise NotFound("rep", rep_id)
            caller.require_writer(person.region)
            tree = store.load_tree(session)
            domain.require_submitter(caller, rep_id, tree.managers_above(person.team_unit_id))
            record = session.scalars(
                sa.select(ForecastRecord)
                .where(ForecastRecord.rep_id == rep_id, ForecastRecord.period_code == period.code)
                .with_for_update()
            ).first()
            notes = request.notes.strip()
            if record is None:
                record = ForecastRecord(
                    forecast_id=str(uuid.uuid4()),
                    rep_id=rep_id,
                    period_code=period.code,
                    forecast_version=1,
                    created_at=now,
                    created_by=caller.subject,
                    version=1,
                )
                session.add(record)
            else:
                record.forecast_version += 1
                record.version += 1
            record.unit_id = person.team_unit_id
            record.region = person.region
            record.currency = figures.currency
            record.status = ForecastStatus.SUBMITTED.value
            record.commit_minor = figures.commit
            record.best_case_minor = figures.best_case
            record.pipeline_minor = figures.pipeline
            record.notes = notes
            # The new call replaces the one an adjustment was made to.
            record.adjusted_commit_minor = None
            record.adjusted_best_case_minor = None
            record.adjusted_pipeline_minor = None
            record.submitted_at = now
            record.updated_at = now
            record.updated_by = caller.subject
            session.add(
                ForecastVersionRecord(
                    id=str(uuid.uuid4()),
                    forecast_id=record.forecast_id,
                    forecast_version=record.forecast_version,
                    currency=figures.currency,
                    commit_minor=figures.commit,
                    best_case_minor=figures.best_case,
                    pipeline_minor=figures.pipeline,
                    notes=notes,
                    submitted_by=caller.subject,
                    submitted_at=now,
                )
            )
            session.flush()
            record_event(
                session,
                "planning.forecast.submitted",
                events.ForecastSubmitted(
                    forecast_id=record.forecast_id,
                    rep_id=rep_id,
                    org_unit_id=record.unit_id,
                    region=record.region,
                    period_code=period.code,
                    forecast_version=record.forecast_version,
                    submitted_by=caller.subject,
                    **_figure_fields("", figures),
                ),
                region=record.region,
                caller=caller,
            )
            return pb.SubmitForecastResponse(forecast=self._reply(session, record))

    def AdjustForecast(
        self, request: pb.AdjustForecastRequest, context: grpc.ServicerContext
    ) -> pb.AdjustForecastResponse:
        caller = current_caller()
        caller.require_reader()
        now = utcnow()
        with self.db.transaction() as session:
            record = load_forecast(session, caller, request.forecast_id, lock=True)
            caller.require_writer(record.region)
            figures, reason = domain.validate_adjustment(
                currency=record.currency,
                commit=money_input(request, "commit"),
                best_case=money_input(request, "best_case"),
                pipeline=money_input(request, "pipeline"),
                reason=request.reason,
                forecast_id=record.forecast_id,
            )
            person = store.person(session, record.rep_id)
            team = person.team_unit_id if person is not None else record.unit_id
            domain.require_adjuster(
                caller,
                rep_id=record.rep_id,
                region=record.region,
                managers=store.load_tree(session).managers_above(team),
                forecast_id=record.forecast_id,
            )
            domain.require_period_open(self.calendar.period(record.period_code), now)
            record.adjusted_commit_minor = figures.commit
            record.adjusted_best_case_minor = figures.best_case
            record.adjusted_pipeline_minor = figures.pipeline
            record.status = ForecastStatus.ADJUSTED.value
            record.updated_at = now
            record.updated_by = caller.subject
            record.version += 1
            session.add(
                ForecastAdjustmentRecord(
                    id=str(uuid.uuid4()),
                    forecast_id=record.forecast_id,
                    forecast_version=record.forecast_version,
                    currency=figures.currency,
                    commit_minor=figures.commit,
                    best_case_minor=figures.best_case,
                    pipeline_minor=figures.pipeline,
                    reason=reason,
                    adjusted_by=caller.subject,
                    adjusted_at=now,
                )
            )
            session.flush()
            record_event(
                session,
                "planning.forecast.adjusted",
                events.ForecastAdjusted(
                    forecast_id=record.forecast_id,
                    rep_id=record.rep_id,
                    org_unit_id=record.unit_id,
                    region=record.region,
                    period_code=record.period_code,
                    forecast_version=record.forecast_version,
                    reason=reason,
                    adjusted_by=caller.subject,
                    **_figure_fields("", figures),
                    **_figure_fields("submitted_", store.submitted_figures(record)),
                ),
                region=record.region,
                caller=caller,
            )
            return pb.AdjustForecastResponse(forecast=self._reply(session, record))

    def GetForecast(
        self, request: pb.GetForecastRequest, context: grpc.ServicerContext
    ) -> pb.GetForecastResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            record = load_forecast(session, caller, request.forecast_id)
            return pb.GetForecastResponse(forecast=self._reply(session, record))

    def ListForecasts(
        self, request: pb.ListForecastsRequest, context: grpc.ServicerContext
    ) -> pb.ListForecastsResponse:
        caller = current_caller()
        caller.require_reader()
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        check = Validator()
        if request.status and status is None:
            check.add("status", "is not a forecast status: submitted or adjusted")
        period_code = request.period_code.strip()
        if period_code:
            try:
                period_code = self.calendar.period(period_code, "period_code").code
            except InvalidArgument as exc:
                check.violations.extend(exc.violations)
        check.raise_if_any()
        region = request.region.strip().upper()
        rep_id = request.rep_id.strip()
        unit_id = request.org_unit_id.strip()
        regions = caller.readable_regions(region)
        query = sa.select(ForecastRecord)
        if regions is not None:
            query = query.where(ForecastRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(ForecastRecord.rep_id == caller.subject)
        if rep_id:
            query = query.where(ForecastRecord.rep_id == rep_id)
        if period_code:
            query = query.where(ForecastRecord.period_code == period_code)
        if status is not None:
            query = query.where(ForecastRecord.status == status.value)
        with self.db.transaction() as session:
            if unit_id:
                # Reps now in the unit's subtree, and forecasts submitted from it.
                units = store.load_tree(session).subtree(unit_id)
                reps = [p.rep_id for p in store.members(session, units)]
                query = query.where(
                    sa.or_(ForecastRecord.unit_id.in_(units), ForecastRecord.rep_id.in_(reps))
                )
            records, next_token = keyset_page(
                session,
                query,
                created=ForecastRecord.created_at,
                key=ForecastRecord.forecast_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "rep_id": rep_id,
                    "org_unit_id": unit_id,
                    "period_code": period_code,
                    "status": status.value if status else "",
                },
                cursor_of=lambda f: Cursor(f.created_at, f.forecast_id),
            )
            return pb.ListForecastsResponse(
                forecasts=forecasts_to_proto(session, records, self.calendar),
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def ListForecastVersions(
        self, request: pb.ListForecastVersionsRequest, context: grpc.ServicerContext
    ) -> pb.ListForecastVersionsResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            record = load_forecast(session, caller, request.forecast_id)
            versions, next_token = keyset_page(
                session,
                sa.select(ForecastVersionRecord).where(
                    ForecastVersionRecord.forecast_id == record.forecast_id
                ),
                created=ForecastVersionRecord.submitted_at,
                key=ForecastVersionRecord.id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"forecast_id": record.forecast_id},
                cursor_of=lambda v: Cursor(v.submitted_at, v.id),
            )
            return pb.ListForecastVersionsResponse(
                versions=[
                    pb.ForecastVersion(
                        forecast_version=v.forecast_version,
                        figures=figures_to_proto(_stored_figures(v)),
                        notes=v.notes,
                        submitted_by=v.submitted_by,
                        submit_time=timestamp(v.submitted_at),
                    )
                    for v in versions
                ],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def _period(self, check: Validator, period_code: str) -> FiscalPeriod | None:
        try:
            return self.calendar.period(period_code.strip(), "period_code")
        except InvalidArgument as exc:
            check.violations.extend(exc.violations)
            return None

    def _visible_unit(self, caller: Caller, tree: store.OrgTree, unit_id: str) -> store.Unit:
        """A unit whose roll-up the caller may read; a rep reads no unit's aggregate."""
        unit = tree.units.get(unit_id)
        if unit is None or caller.own_records_only or not caller.can_read(unit.region):
            raise NotFound("org unit", unit_id)
        return unit

    def _unit_line(
        self,
        session: Session,
        caller: Caller,
        tree: store.OrgTree,
        unit: store.Unit,
        period: FiscalPeriod,
    ) -> tuple[pb.RollUpLine, list[pb.RollUpLine]]:
        """The unit's total over its subtree, and one line per child unit and direct rep."""

        def readable(unit_ids: list[str]) -> list[str]:
            return [u for u in unit_ids if caller.has_region(tree.units[u].region)]

        regions = caller.readable_regions()
        everyone = [
            p
            for p in store.members(session, readable(tree.subtree(unit.unit_id)))
            if caller.has_region(p.region)
        ]
        direct = [p for p in everyone if p.team_unit_id == unit.unit_id]
        child_units = readable(tree.children.get(unit.unit_id, []))
        data = store.roll_up_data(
            session,
            period,
            unit_ids=readable(tree.subtree(unit.unit_id)),
            rep_ids=[p.rep_id for p in direct],
            regions=regions,
        )
        targets = store.revenue_targets(
            session,
            period.code,
            unit_ids=[unit.unit_id, *child_units],
            rep_ids=[p.rep_id for p in direct],
            regions=regions,
        )

        def unit_line(unit_id: str) -> pb.RollUpLine:
            units = set(readable(tree.subtree(unit_id)))
            return _line(
                unit_id=unit_id,
                name=tree.units[unit_id].name,
                data=data,
                units=units,
                people=[p for p in everyone if p.team_unit_id in units],
                target=targets.get((store.UNIT, unit_id)),
            )

        children = [unit_line(u) for u in child_units] + [
            _line(
                rep_id=p.rep_id,
                name=p.name,
                data=data,
                people=[p],
                target=targets.get((store.REP, p.rep_id)),
            )
            for p in direct
        ]
        return unit_line(unit.unit_id), children

    def GetForecastRollUp(
        self, request: pb.GetForecastRollUpRequest, context: grpc.ServicerContext
    ) -> pb.GetForecastRollUpResponse:
        caller = current_caller()
        caller.require_reader()
        check = Validator()
        check.require("org_unit_id", request.org_unit_id)
        period = self._period(check, request.period_code)
        check.raise_if_any()
        assert period is not None
        with self.db.transaction() as session:
            tree = store.load_tree(session)
            unit = self._visible_unit(caller, tree, request.org_unit_id.strip())
            total, children = self._unit_line(session, caller, tree, unit, period)
            return pb.GetForecastRollUpResponse(
                period=period_to_proto(period), total=total, children=children
            )

    def GetWeightedPipeline(
        self, request: pb.GetWeightedPipelineRequest, context: grpc.ServicerContext
    ) -> pb.GetWeightedPipelineResponse:
        caller = current_caller()
        caller.require_reader()
        unit_id, rep_id = request.org_unit_id.strip(), request.rep_id.strip()
        check = Validator()
        if bool(unit_id) == bool(rep_id):
            check.add("org_unit_id", "give exactly one of org_unit_id and rep_id")
        period = self._period(check, request.period_code)
        check.raise_if_any()
        assert period is not None
        with self.db.transaction() as session:
            if unit_id:
                tree = store.load_tree(session)
                unit = self._visible_unit(caller, tree, unit_id)
                line, _ = self._unit_line(session, caller, tree, unit, period)
            else:
                person = store.person(session, rep_id)
                if person is None or not caller.can_read(person.region, person.rep_id):
                    raise NotFound("rep", rep_id)
                regions = caller.readable_regions()
                data = store.roll_up_data(
                    session, period, unit_ids=(), rep_ids=[rep_id], regions=regions
                )
                targets = store.revenue_targets(
                    session, period.code, unit_ids=(), rep_ids=[rep_id], regions=regions
                )
                line = _line(
                    rep_id=rep_id,
                    name=person.name,
                    data=data,
                    people=[person] if person.status != store.LEFT else [],
                    target=targets.get((store.REP, rep_id)),
                )
            return pb.GetWeightedPipelineResponse(period=period_to_proto(period), line=line)


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the ForecastService to `server`; return its full name."""
    forecasts_pb2_grpc.add_ForecastServiceServicer_to_server(ForecastServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["ForecastService"].full_name]
