"""AttainmentService and FxRateService: live attainment, pace checkpoints and FX rates.

`GetAttainment` answers for one org unit or one rep and a fiscal period at an
instant (now by default): every measured target the subject has there (see
`models.attainment_store`), and for a unit the same for each child unit and
each rep of its team, one level down. Scope: a unit or rep outside the
caller's regions is NotFound; a rep sees only their own attainment (a unit's
is NotFound to them). A missing FX rate is FailedPrecondition naming the
currency pair and period.

`RunPaceCheckpoint` (admin) runs the worker's hourly checkpoint at a given
instant. `SetFxRate` (admin) sets or replaces one rate; anyone signed in
lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.planning.v1 import attainment_pb2 as pb
from salesops.planning.v1 import attainment_pb2_grpc

from services.kit.concurrency import check_expected_version
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound, PermissionDenied, Validator
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.planning.domain import attainment as domain
from services.planning.domain.attainment import AttainmentLine, Status
from services.planning.models import attainment_store as store
from services.planning.models.attainment import FxRateRecord
from services.planning.models.organisation import OrgUnitRecord, PersonRecord

STATUS_TO_PROTO = {
    Status.AHEAD: pb.ATTAINMENT_STATUS_AHEAD,
    Status.ON_PACE: pb.ATTAINMENT_STATUS_ON_PACE,
    Status.BEHIND: pb.ATTAINMENT_STATUS_BEHIND,
    Status.ATTAINED: pb.ATTAINMENT_STATUS_ATTAINED,
}


def line_to_proto(line: AttainmentLine) -> pb.AttainmentLine:
    """A line in the proto: Money figures for revenue, quantities for counts."""
    figures = {
        "target": line.target,
        "actual": line.actual,
        "expected": line.expected,
        "gap_to_target": line.gap_to_target,
        "gap_to_pace": line.gap_to_pace,
    }
    if line.currency:
        values: dict[str, object] = {
            name: common_pb2.Money(currency=line.currency, amount_minor=value)
            for name, value in figures.items()
        }
    else:
        values = {f"{name}_quantity": value for name, value in figures.items()}
    return pb.AttainmentLine(
        target_id=line.target_id,
        plan_id=line.plan_id,
        metric=line.metric,
        product_line=line.product_line,
        percent_bp=line.percent_bp,
        pace_bp=line.pace_bp,
        status=STATUS_TO_PROTO[Status(line.status)],
        **values,  # type: ignore[arg-type]
    )


def _instant(request_has: bool, stamp: object) -> datetime:
    if not request_has:
        return utcnow()
    return stamp.ToDatetime(tzinfo=UTC)  # type: ignore[attr-defined,no-any-return]


def require_admin(caller: Caller, what: str) -> None:
    if "admin" not in caller.roles:
        raise PermissionDenied(f"only an admin may {what}")


def _period_proto(period: FiscalPeriod) -> common_pb2.FiscalPeriod:
    return common_pb2.FiscalPeriod(
        code=period.code, starts_at=timestamp(period.starts_at), ends_at=timestamp(period.ends_at)
    )


class AttainmentServicer(attainment_pb2_grpc.AttainmentServiceServicer):
    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)

    def _request(self, request: pb.GetAttainmentRequest) -> tuple[str, str, FiscalPeriod]:
        unit_id, rep_id = request.org_unit_id.strip(), request.rep_id.strip()
        v = Validator()
        if not unit_id and not rep_id:
            v.add("org_unit_id", "one of org_unit_id and rep_id is required")
        if unit_id and rep_id:
            v.add("rep_id", "give org_unit_id or rep_id, not both")
        period: FiscalPeriod | None = None
        try:
            period = self.calendar.period(request.period_code.strip(), "period_code")
        except InvalidArgument as exc:
            v.violations.extend(exc.violations)
        v.raise_if_any()
        assert period is not None
        return unit_id, rep_id, period

    def GetAttainment(
        self, request: pb.GetAttainmentRequest, context: grpc.ServicerContext
    ) -> pb.GetAttainmentResponse:
        caller = current_caller()
        caller.require_reader()
        unit_id, rep_id, period = self._request(request)
        as_of = _instant(request.HasField("as_of"), request.as_of)
        with self.db.transaction() as session:
            children: list[pb.SubjectAttainment] = []
            if rep_id:
                person = session.get(PersonRecord, rep_id)
                if person is None or not caller.can_read(person.region, person.rep_id):
                    raise NotFound("rep", rep_id)
                lines = store.attainment_for(
                    session, self.calendar, rep_id=rep_id, period_code=period.code, as_of=as_of
                )
            else:
                unit = session.get(OrgUnitRecord, unit_id)
                if unit is None or caller.own_records_only or not caller.can_read(unit.region):
                    raise NotFound("org unit", unit_id)
                lines = store.attainment_for(
                    session, self.calendar, unit_id=unit_id, period_code=period.code, as_of=as_of
                )
                child_units, child_reps = store.child_subjects(session, unit_id)
                regions = {
                    child: region
                    for child, region in session.execute(
                        sa.select(OrgUnitRecord.unit_id, OrgUnitRecord.region).where(
                            OrgUnitRecord.unit_id.in_(child_units)
                        )
                    )
                }
                for child in child_units:
                    if not caller.can_read(regions[child]):
                        continue
                    own = store.attainment_for(
                        session, self.calendar, unit_id=child, period_code=period.code, as_of=as_of
                    )
                    children.append(
                        pb.SubjectAttainment(unit_id=child, lines=[line_to_proto(x) for x in own])
                    )
                for rep in child_reps:
                    own = store.attainment_for(
                        session, self.calendar, rep_id=rep, period_code=period.code, as_of=as_of
                    )
                    children.append(
                        pb.SubjectAttainment(rep_id=rep, lines=[line_to_proto(x) for x in own])
                    )
            return pb.GetAttainmentResponse(
                org_unit_id=unit_id,
                rep_id=rep_id,
                period=_period_proto(period),
                as_of=timestamp(as_of),
                lines=[line_to_proto(line) for line in lines],
                children=children,
            )

    def RunPaceCheckpoint(
        self, request: pb.RunPaceCheckpointRequest, context: grpc.ServicerContext
    ) -> pb.RunPaceCheckpointResponse:
        caller = current_caller()
        require_admin(caller, "run a pace checkpoint")
        as_of = _instant(request.HasField("as_of"), request.as_of)
        with self.db.transaction() as session:
            reported = store.run_pace_checkpoint(
                session, self.calendar, as_of, domain.behind_pace_bp_from_env()
            )
            return pb.RunPaceCheckpointResponse(
                reports=[
                    pb.BehindPaceReport(
                        unit_id=r.unit_id,
                        rep_id=r.rep_id,
                        period_code=r.period_code,
                        line=line_to_proto(r.line),
                    )
                    for r in reported
                ]
            )


def rate_to_proto(rate: FxRateRecord) -> pb.FxRate:
    return pb.FxRate(
        period_code=rate.period_code,
        from_currency=rate.from_currency,
        to_currency=rate.to_currency,
        rate=rate.rate,
        update_time=timestamp(rate.updated_at),
        updated_by=rate.updated_by,
    )


class FxRateServicer(attainment_pb2_grpc.FxRateServiceServicer):
    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)

    def SetFxRate(
        self, request: pb.SetFxRateRequest, context: grpc.ServicerContext
    ) -> pb.SetFxRateResponse:
        caller = current_caller()
        require_admin(caller, "set FX rates")
        v = Validator()
        period: FiscalPeriod | None = None
        try:
            period = self.calendar.period(request.period_code.strip(), "period_code")
        except InvalidArgument as exc:
            v.violations.extend(exc.violations)
        try:
            source, target, rate = domain.validate_fx_rate(
                request.period_code, request.from_currency, request.to_currency, request.rate
            )
        except InvalidArgument as exc:
            v.violations.extend(exc.violations)
        v.raise_if_any()
        assert period is not None
        key = f"{period.code}/{source}/{target}"
        now = utcnow()
        with self.db.transaction() as session:
            record = session.get(FxRateRecord, key, with_for_update=True)
            # A rate keeps no version, so no If-Match can name one.
            check_expected_version(None, f"fx-rates/{key}")
            if record is None:
                record = FxRateRecord(
                    rate_key=key,
                    period_code=period.code,
                    from_currency=source,
                    to_currency=target,
                    created_at=now,
                )
                session.add(record)
            record.rate = domain.canonical_rate(rate)
            record.updated_at = now
            record.updated_by = caller.subject
            session.flush()
            return pb.SetFxRateResponse(fx_rate=rate_to_proto(record))

    def ListFxRates(
        self, request: pb.ListFxRatesRequest, context: grpc.ServicerContext
    ) -> pb.ListFxRatesResponse:
        # Business readers only: the platform role sees health and metrics, nothing else.
        current_caller().require_reader()
        period_code = request.period_code.strip()
        if period_code:
            period_code = self.calendar.period(period_code, "period_code").code
        currency = request.currency.strip().upper()
        if currency and not domain.is_currency(currency):
            raise InvalidArgument.of("currency", "must be an ISO 4217 code such as EUR")
        query = sa.select(FxRateRecord)
        if period_code:
            query = query.where(FxRateRecord.period_code == period_code)
        if currency:
            query = query.where(
                sa.or_(FxRateRecord.from_currency == currency, FxRateRecord.to_currency == currency)
            )
        with self.db.transaction() as session:
            rates, next_token = keyset_page(
                session,
                query,
                created=FxRateRecord.created_at,
                key=FxRateRecord.rate_key,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"period_code": period_code, "currency": currency},
                cursor_of=lambda r: Cursor(r.created_at, r.rate_key),
            )
            return pb.ListFxRatesResponse(
                fx_rates=[rate_to_proto(r) for r in rates],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the AttainmentService and the FxRateService to `server`; return their full names."""
    domain.behind_pace_bp_from_env()  # a bad SALESOPS_PLANNING_BEHIND_PACE_BP stops the start
    attainment_pb2_grpc.add_AttainmentServiceServicer_to_server(AttainmentServicer(db), server)
    attainment_pb2_grpc.add_FxRateServiceServicer_to_server(FxRateServicer(db), server)
    return [
        pb.DESCRIPTOR.services_by_name["AttainmentService"].full_name,
        pb.DESCRIPTOR.services_by_name["FxRateService"].full_name,
    ]
