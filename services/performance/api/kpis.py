"""KpiService: KPI sets per role and region, versioned by the period they take effect.

Rules are in `domain.kpis`; the sets in `models.kpis`. Admins define sets for
every region (region "") or any region; directors for their own regions.
Every reader reads them (they say how everyone is scored).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import kpis_pb2 as pb
from salesops.performance.v1 import kpis_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit.db import Database, utcnow
from services.kit.errors import Aborted, InvalidArgument, NotFound, PermissionDenied, Validator
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.records import load_visible
from services.performance.domain import kpis as domain
from services.performance.domain.kpis import Direction, KpiRole, KpiSource, TargetKind
from services.performance.models.kpis import (
    KpiRecord,
    KpiSetRecord,
    effective_set,
    kpi_rows,
    kpis_of,
)
from services.performance.models.scorecard_store import default_calendar

SOURCE_TO_PROTO = {
    KpiSource.REVENUE_ATTAINMENT: pb.KPI_SOURCE_REVENUE_ATTAINMENT,
    KpiSource.NEW_CUSTOMERS: pb.KPI_SOURCE_NEW_CUSTOMERS,
    KpiSource.WIN_RATE: pb.KPI_SOURCE_WIN_RATE,
    KpiSource.ACTIVITY_VOLUME: pb.KPI_SOURCE_ACTIVITY_VOLUME,
    KpiSource.AVERAGE_CSAT: pb.KPI_SOURCE_AVERAGE_CSAT,
    KpiSource.TRAINING_COMPLIANCE: pb.KPI_SOURCE_TRAINING_COMPLIANCE,
    KpiSource.PIPELINE_COVERAGE: pb.KPI_SOURCE_PIPELINE_COVERAGE,
}
SOURCE_FROM_PROTO = {value: key for key, value in SOURCE_TO_PROTO.items()}
DIRECTION_TO_PROTO = {
    Direction.HIGHER_IS_BETTER: pb.KPI_DIRECTION_HIGHER_IS_BETTER,
    Direction.LOWER_IS_BETTER: pb.KPI_DIRECTION_LOWER_IS_BETTER,
}
DIRECTION_FROM_PROTO = {value: key for key, value in DIRECTION_TO_PROTO.items()}
TARGET_KIND_TO_PROTO = {
    TargetKind.FIXED: pb.KPI_TARGET_KIND_FIXED,
    TargetKind.QUOTA: pb.KPI_TARGET_KIND_QUOTA,
}
TARGET_KIND_FROM_PROTO = {value: key for key, value in TARGET_KIND_TO_PROTO.items()}


def kpi_to_proto(row: KpiRecord) -> pb.Kpi:
    kpi = row.definition()
    return pb.Kpi(
        code=kpi.code,
        name=kpi.name,
        source=SOURCE_TO_PROTO[kpi.source],
        direction=DIRECTION_TO_PROTO[kpi.direction],
        target_kind=TARGET_KIND_TO_PROTO[kpi.target_kind],
        target_value=kpi.target_value,
        floor_bp=kpi.thresholds.floor_bp,
        target_score=kpi.thresholds.target_score,
        stretch_bp=kpi.thresholds.stretch_bp,
        weight_bp=kpi.weight_bp,
        skill_area=kpi.skill_area,
        required_training=list(kpi.required_training),
    )


def kpi_set_to_proto(session: Session, kpi_set: KpiSetRecord) -> pb.KpiSet:
    return pb.KpiSet(
        kpi_set_id=kpi_set.kpi_set_id,
        role=kpi_set.role,
        region=kpi_set.region,
        effective_from=kpi_set.effective_from_code,
        set_version=kpi_set.set_version,
        description=kpi_set.description,
        kpis=[kpi_to_proto(row) for row in kpis_of(session, kpi_set.kpi_set_id)],
        create_time=timestamp(kpi_set.created_at),
        created_by=kpi_set.created_by,
    )


def _kpi_input(kpi: pb.Kpi) -> domain.KpiInput:
    """The proto KPI as domain input; an unknown enum number reads as an invalid name."""
    return domain.KpiInput(
        code=kpi.code,
        name=kpi.name,
        source=SOURCE_FROM_PROTO[kpi.source].value if kpi.source in SOURCE_FROM_PROTO else "",
        direction=(
            DIRECTION_FROM_PROTO[kpi.direction].value
            if kpi.direction in DIRECTION_FROM_PROTO
            else ("higher" if kpi.direction == 0 else "?")
        ),
        target_kind=(
            TARGET_KIND_FROM_PROTO[kpi.target_kind].value
            if kpi.target_kind in TARGET_KIND_FROM_PROTO
            else ("fixed" if kpi.target_kind == 0 else "?")
        ),
        target_value=kpi.target_value,
        floor_bp=kpi.floor_bp,
        target_score=kpi.target_score,
        stretch_bp=kpi.stretch_bp,
        weight_bp=kpi.weight_bp,
        skill_area=kpi.skill_area,
        required_training=list(kpi.required_training),
    )


def check_role(v: Validator, role: str, field_name: str = "role") -> str:
    cleaned = role.strip().lower()
    if cleaned not in {r.value for r in KpiRole}:
        v.add(field_name, "must be rep or manager")
    return cleaned


def require_kpi_writer(caller: Caller, region: str) -> None:
    """Admins define any set; directors those of their own regions (not the all-regions one)."""
    if "admin" in caller.roles:
        caller.require_writer(region or "*")
        return
    if "director" in caller.roles and region:
        caller.require_writer(region)
        return
    raise PermissionDenied(
        "KPI sets are defined by an admin, or by a director for their own region"
        + ("" if region else " (the all-regions set is an admin's)")
    )


class KpiServicer(kpis_pb2_grpc.KpiServiceServicer):
    """KPI sets: define, read, list, and the one in effect."""

    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or default_calendar()

    def DefineKpiSet(
        self, request: pb.DefineKpiSetRequest, context: grpc.ServicerContext
    ) -> pb.DefineKpiSetResponse:
        caller = current_caller()
        v = Validator()
        role = check_role(v, request.role)
        region = request.region.strip().upper()
        v.optional("region", region, 32)
        v.optional("description", request.description.strip(), 2_000)
        period_code = ""
        try:
            period_code = self.calendar.period(request.effective_from, "effective_from").code
        except InvalidArgument as error:
            v.violations.extend(error.violations)
        require_kpi_writer(caller, region)
        if v.violations:  # the set's own rule (weights) is checked once every field is good
            domain.check_kpi_set([_kpi_input(k) for k in request.kpis], v)
            v.raise_if_any()
        kpis = domain.check_kpi_set([_kpi_input(k) for k in request.kpis])
        period = self.calendar.period(period_code)
        now = utcnow()
        with self.db.transaction() as session:
            latest = session.scalar(
                sa.select(sa.func.max(KpiSetRecord.set_version)).where(
                    KpiSetRecord.role == role,
                    KpiSetRecord.region == region,
                    KpiSetRecord.effective_from == period.starts_at.date(),
                )
            )
            kpi_set = KpiSetRecord(
                kpi_set_id=str(uuid.uuid4()),
                role=role,
                region=region,
                effective_from_code=period.code,
                effective_from=period.starts_at.date(),
                set_version=(latest or 0) + 1,
                description=request.description.strip(),
                created_at=now,
                created_by=caller.subject,
            )
            session.add(kpi_set)
            session.add_all(kpi_rows(kpi_set.kpi_set_id, kpis))
            try:
                session.flush()
            except IntegrityError:
                raise Aborted(
                    "another KPI set for this role, region and period was defined meanwhile; "
                    "read them again and retry"
                ) from None
            return pb.DefineKpiSetResponse(kpi_set=kpi_set_to_proto(session, kpi_set))

    def GetKpiSet(
        self, request: pb.GetKpiSetRequest, context: grpc.ServicerContext
    ) -> pb.GetKpiSetResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            kpi_set = load_visible(
                session,
                KpiSetRecord,
                request.kpi_set_id,
                kind="KPI set",
                field_name="kpi_set_id",
                visible=lambda s: not s.region or caller.has_region(s.region),
            )
            return pb.GetKpiSetResponse(kpi_set=kpi_set_to_proto(session, kpi_set))

    def ListKpiSets(
        self, request: pb.ListKpiSetsRequest, context: grpc.ServicerContext
    ) -> pb.ListKpiSetsResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        role = check_role(v, request.role) if request.role.strip() else ""
        v.raise_if_any()
        region = request.region.strip().upper()
        query = sa.select(KpiSetRecord)
        if role:
            query = query.where(KpiSetRecord.role == role)
        if region:
            query = query.where(KpiSetRecord.region == region)
            if not caller.has_region(region):
                # Another region's sets do not exist for the caller: an empty list, no error.
                query = query.where(sa.false())
        elif not caller.sees_all_regions:
            query = query.where(KpiSetRecord.region.in_(["", *sorted(caller.regions)]))
        with self.db.transaction() as session:
            sets, next_token = keyset_page(
                session,
                query,
                created=KpiSetRecord.created_at,
                key=KpiSetRecord.kpi_set_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"role": role, "region": region},
                cursor_of=lambda s: Cursor(s.created_at, s.kpi_set_id),
            )
            return pb.ListKpiSetsResponse(
                kpi_sets=[kpi_set_to_proto(session, s) for s in sets],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def GetEffectiveKpis(
        self, request: pb.GetEffectiveKpisRequest, context: grpc.ServicerContext
    ) -> pb.GetEffectiveKpisResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        role = check_role(v, request.role)
        region = request.region.strip().upper()
        code = ""
        try:
            code = self.calendar.period(request.period_code, "period_code").code
        except InvalidArgument as error:
            v.violations.extend(error.violations)
        v.raise_if_any()
        period = self.calendar.period(code)
        with self.db.transaction() as session:
            found = None
            if not region or caller.has_region(region):
                found = effective_set(session, role, region, period.starts_at.date())
            if found is None:
                raise NotFound("KPI set", f"{role}/{region or '*'}/{period.code}")
            return pb.GetEffectiveKpisResponse(kpi_set=kpi_set_to_proto(session, found))


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the KpiService to `server`; return its full name."""
    kpis_pb2_grpc.add_KpiServiceServicer_to_server(KpiServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["KpiService"].full_name]
