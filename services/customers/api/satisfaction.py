"""SatisfactionService: survey responses, NPS and CSAT figures, account health and loyalty.

Rules live in `services.customers.domain.satisfaction` and `.health`;
recording and assessing (with their events) in
`services.customers.models.satisfaction_store`, shared with the worker. The
figures are SQL aggregates over the responses the caller may see; the
divisions and their rounding are the domain's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import satisfaction_pb2 as pb
from salesops.customers.v1 import satisfaction_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.customers.domain import health as health_rules
from services.customers.domain import satisfaction as domain
from services.customers.domain.health import (
    HealthAssessment,
    HealthBand,
    LoyaltyAssessment,
    LoyaltyTier,
)
from services.customers.domain.satisfaction import (
    NewSurveyResponse,
    NpsCategory,
    NpsScope,
    SatisfactionCounts,
    SurveyChannel,
    SurveyKind,
    SurveySource,
)
from services.customers.models import satisfaction_store as store
from services.customers.models.accounts import CustomerRecord
from services.customers.models.contacts import ContactRecord
from services.customers.models.health import CustomerHealthRecord
from services.customers.models.satisfaction import SurveyResponseRecord
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import (
    AlreadyExists,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Validator,
)
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import WRITER_ROLES, Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp

KIND_TO_PROTO = {SurveyKind.CSAT: pb.SURVEY_KIND_CSAT, SurveyKind.NPS: pb.SURVEY_KIND_NPS}
KIND_FROM_PROTO = {value: key for key, value in KIND_TO_PROTO.items()}
CHANNEL_TO_PROTO = {
    SurveyChannel.EMAIL: pb.SURVEY_CHANNEL_EMAIL,
    SurveyChannel.PHONE: pb.SURVEY_CHANNEL_PHONE,
    SurveyChannel.WEB: pb.SURVEY_CHANNEL_WEB,
    SurveyChannel.IN_APP: pb.SURVEY_CHANNEL_IN_APP,
    SurveyChannel.IN_PERSON: pb.SURVEY_CHANNEL_IN_PERSON,
    SurveyChannel.CASE: pb.SURVEY_CHANNEL_CASE,
}
CHANNEL_FROM_PROTO = {value: key for key, value in CHANNEL_TO_PROTO.items()}
SOURCE_TO_PROTO = {
    SurveySource.API: pb.SURVEY_SOURCE_API,
    SurveySource.IMPORT: pb.SURVEY_SOURCE_IMPORT,
    SurveySource.CASE: pb.SURVEY_SOURCE_CASE,
}
CATEGORY_TO_PROTO = {
    NpsCategory.PROMOTER: pb.NPS_CATEGORY_PROMOTER,
    NpsCategory.PASSIVE: pb.NPS_CATEGORY_PASSIVE,
    NpsCategory.DETRACTOR: pb.NPS_CATEGORY_DETRACTOR,
}
BAND_TO_PROTO = {
    HealthBand.HEALTHY: pb.HEALTH_BAND_HEALTHY,
    HealthBand.WATCH: pb.HEALTH_BAND_WATCH,
    HealthBand.AT_RISK: pb.HEALTH_BAND_AT_RISK,
}
BAND_FROM_PROTO = {value: key for key, value in BAND_TO_PROTO.items()}
TIER_TO_PROTO = {
    LoyaltyTier.NONE: pb.LOYALTY_TIER_NONE,
    LoyaltyTier.BRONZE: pb.LOYALTY_TIER_BRONZE,
    LoyaltyTier.SILVER: pb.LOYALTY_TIER_SILVER,
    LoyaltyTier.GOLD: pb.LOYALTY_TIER_GOLD,
}

MAX_IMPORT_ROWS = 10_000
Responses = SurveyResponseRecord


def response_to_proto(record: SurveyResponseRecord) -> pb.SurveyResponse:
    """The proto of a recorded response."""
    kind = SurveyKind(record.kind)
    category = domain.nps_category(record.score) if kind is SurveyKind.NPS else None
    return pb.SurveyResponse(
        response_id=record.response_id,
        customer_id=record.customer_id,
        region=record.region,
        contact_id=record.contact_id,
        kind=KIND_TO_PROTO[kind],
        score=record.score,
        nps_category=CATEGORY_TO_PROTO[category] if category else pb.NPS_CATEGORY_UNSPECIFIED,
        channel=CHANNEL_TO_PROTO[SurveyChannel(record.channel)],
        comment=record.comment,
        responded_at=timestamp(record.responded_at),
        source=SOURCE_TO_PROTO[SurveySource(record.source)],
        case_id=record.case_id,
        external_id=record.external_id or "",
        create_time=timestamp(record.created_at),
        created_by=record.created_by,
    )


def _checked(message: Any, now: datetime, field_prefix: str = "") -> NewSurveyResponse:
    """A RecordSurveyResponseRequest or SurveyImportRow checked by the domain rules."""
    check = Validator()
    if message.kind and message.kind not in KIND_FROM_PROTO:
        check.add("kind", f"{message.kind} is not a known kind: csat or nps")
    if message.channel and message.channel not in CHANNEL_FROM_PROTO:
        check.add("channel", f"{message.channel} is not a known channel")
    try:
        new = domain.validate_survey_response(
            customer_id=message.customer_id,
            contact_id=message.contact_id,
            kind=KIND_FROM_PROTO.get(message.kind),
            score=message.score if message.HasField("score") else None,
            channel=CHANNEL_FROM_PROTO.get(message.channel),
            comment=message.comment,
            responded_at=(
                message.responded_at.ToDatetime(tzinfo=UTC)
                if message.HasField("responded_at")
                else None
            ),
            external_id=message.external_id,
            now=now,
        )
    except InvalidArgument as invalid:
        # An unknown enum number was named above; the domain's "is required" would repeat it.
        named = {v.field for v in check.violations}
        check.violations.extend(v for v in invalid.violations if v.field not in named)
    check.raise_if_any()
    return new


def visible_customer(session: Session, caller: Caller, customer_id: str) -> CustomerRecord:
    """The account if it exists for `caller` (reps: their own); NotFound otherwise."""
    if not customer_id.strip():
        raise InvalidArgument.of("customer_id", "is required")
    customer = session.get(CustomerRecord, customer_id.strip())
    if customer is None or not caller.can_read(customer.region, customer.owner_id):
        raise NotFound("customer", customer_id)
    return customer


def _writable_customer(
    session: Session,
    caller: Caller,
    new: NewSurveyResponse,
    customers: dict[str, CustomerRecord] | None = None,
) -> CustomerRecord:
    """The account a response is recorded against, checked for the caller and the contact."""
    if customers is None:
        customer = visible_customer(session, caller, new.customer_id)
    else:
        found = customers.get(new.customer_id)
        if found is None or not caller.can_read(found.region, found.owner_id):
            raise NotFound("customer", new.customer_id)
        customer = found
    caller.require_writer(customer.region)
    if customer.merged_into:
        raise InvalidArgument.of(
            "customer_id",
            f"was merged into customer {customer.merged_into}; record the response for that one",
        )
    if new.contact_id:
        contact = session.get(ContactRecord, new.contact_id)
        if contact is None or contact.customer_id != customer.customer_id:
            raise InvalidArgument.of(
                "contact_id", f"is not a contact of customer {customer.customer_id}"
            )
    return customer


def _fill_invalid(slot: pb.SurveyImportResult, violations: Sequence[FieldViolation]) -> None:
    for violation in violations:
        slot.invalid.violations.add(field=violation.field, description=violation.description)


def _figures_to_proto(figures: domain.SatisfactionFigures) -> pb.SatisfactionFigures:
    counts = figures.counts
    message = pb.SatisfactionFigures(
        key=figures.key,
        nps_responses=figures.nps_responses,
        promoters=counts.promoters,
        passives=counts.passives,
        detractors=counts.detractors,
        csat_responses=counts.csat_responses,
        csat_score_sum=counts.csat_score_sum,
        csat_satisfied=counts.csat_satisfied,
    )
    if figures.nps_bp is not None:
        message.nps_bp = figures.nps_bp
    if figures.csat_average_hundredths is not None:
        message.csat_average_hundredths = figures.csat_average_hundredths
    if figures.csat_satisfied_bp is not None:
        message.csat_satisfied_bp = figures.csat_satisfied_bp
    return message


def _factor_messages(factors: Sequence[dict[str, Any]]) -> list[pb.HealthFactor]:
    return [
        pb.HealthFactor(
            factor=str(f["factor"]),
            points=int(f["points"]),
            max_points=int(f["max_points"]),
            reason=str(f["reason"]),
        )
        for f in factors
    ]


def live_health_to_proto(
    customer: CustomerRecord,
    assessment: HealthAssessment,
    loyalty: LoyaltyAssessment,
    stored: CustomerHealthRecord | None,
    now: datetime,
) -> pb.CustomerHealth:
    """A health assessment made now; `band_since` and the tier's `since` from the stored one."""
    same_band = stored is not None and stored.band == assessment.band.value
    same_tier = stored is not None and stored.loyalty_tier == loyalty.tier.value
    return pb.CustomerHealth(
        customer_id=customer.customer_id,
        region=customer.region,
        owner_id=customer.owner_id,
        score=assessment.score,
        band=BAND_TO_PROTO[assessment.band],
        factors=[
            pb.HealthFactor(
                factor=f.factor.value, points=f.points, max_points=f.max_points, reason=f.reason
            )
            for f in assessment.factors
        ],
        assessed_at=timestamp(now),
        band_since=timestamp(stored.band_since) if stored and same_band else None,
        loyalty=pb.Loyalty(
            tier=TIER_TO_PROTO[loyalty.tier],
            relationship_years=loyalty.relationship_years,
            reason=loyalty.reason,
            since=timestamp(stored.loyalty_since) if stored and same_tier else None,
        ),
    )


def stored_health_to_proto(record: CustomerHealthRecord, owner_id: str) -> pb.CustomerHealth:
    """The proto of an account's last stored assessment."""
    return pb.CustomerHealth(
        customer_id=record.account_id,
        region=record.region,
        owner_id=owner_id,
        score=record.score,
        band=BAND_TO_PROTO[HealthBand(record.band)],
        factors=_factor_messages(store.factors_from_json(record.factors)),
        assessed_at=timestamp(record.assessed_at),
        band_since=timestamp(record.band_since),
        loyalty=pb.Loyalty(
            tier=TIER_TO_PROTO[LoyaltyTier(record.loyalty_tier)],
            relationship_years=record.relationship_years,
            reason=record.loyalty_reason,
            since=timestamp(record.loyalty_since),
        ),
    )


class SatisfactionServicer(satisfaction_pb2_grpc.SatisfactionServiceServicer):
    """Survey responses, NPS and CSAT figures, and account health, in the caller's scope."""

    def __init__(
        self, db: Database, calendar: FiscalCalendar, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.calendar = calendar
        self.clock = clock

    # --- recording ----------------------------------------------------------------------

    def RecordSurveyResponse(
        self, request: pb.RecordSurveyResponseRequest, context: grpc.ServicerContext
    ) -> pb.RecordSurveyResponseResponse:
        caller = current_caller()
        now = self.clock()
        new = _checked(request, now)
        try:
            with self.db.transaction() as session:
                customer = _writable_customer(session, caller, new)
                if new.external_id:
                    known = store.known_external_ids(session, [new.external_id])
                    if known:
                        raise AlreadyExists(
                            "survey response",
                            new.external_id,
                            f"a survey response with external_id '{new.external_id}' was "
                            f"recorded already: {known[new.external_id]}",
                        )
                (record,) = store.write_survey_responses(
                    session,
                    [store.ResponseToWrite(new, customer.region, customer.owner_id)],
                    source=SurveySource.API,
                    now=now,
                    caller=caller,
                )
                store.refresh_health(session, [customer], now, caller=caller)
                return pb.RecordSurveyResponseResponse(response=response_to_proto(record))
        except IntegrityError:
            # A concurrent call recorded the same external_id first; its commit won.
            raise AlreadyExists("survey response", new.external_id) from None

    def ImportSurveyResponses(
        self, request: pb.ImportSurveyResponsesRequest, context: grpc.ServicerContext
    ) -> pb.ImportSurveyResponsesResponse:
        caller = current_caller()
        # A caller who may write nothing is refused as a whole, before any row.
        if not caller.roles & WRITER_ROLES:
            raise PermissionDenied(
                f"role(s) {', '.join(sorted(caller.roles)) or 'none'} may not record survey "
                "responses"
            )
        now = self.clock()
        response = pb.ImportSurveyResponsesResponse()
        checked: list[tuple[pb.SurveyImportResult, NewSurveyResponse]] = []
        for position, row in enumerate(request.rows, start=1):
            slot = response.results.add(row_number=row.row_number or position)
            if position > MAX_IMPORT_ROWS:
                limit = f"an import takes at most {MAX_IMPORT_ROWS} rows; send the rest in another"
                _fill_invalid(slot, [FieldViolation("row", limit)])
                continue
            try:
                checked.append((slot, _checked(row, now)))
            except InvalidArgument as invalid:
                _fill_invalid(slot, invalid.violations)
        try:
            with self.db.transaction() as session:
                self._import(session, caller, checked, now)
        except IntegrityError:
            raise AlreadyExists(
                "survey response",
                "external_id",
                "another call recorded one of these external_ids meanwhile; nothing was "
                "written, send the rows again",
            ) from None
        response.recorded_count = sum(r.HasField("recorded") for r in response.results)
        response.duplicate_count = sum(r.HasField("duplicate") for r in response.results)
        response.invalid_count = sum(r.HasField("invalid") for r in response.results)
        return response

    def _import(
        self,
        session: Session,
        caller: Caller,
        checked: list[tuple[pb.SurveyImportResult, NewSurveyResponse]],
        now: datetime,
    ) -> None:
        """Check each row against the archive, then write every good one in this transaction."""
        customers = store.load_customers(session, (new.customer_id for _, new in checked))
        known = store.known_external_ids(session, (new.external_id for _, new in checked))
        seen_in_import: dict[str, int] = {}
        to_write: list[tuple[pb.SurveyImportResult, store.ResponseToWrite]] = []
        for slot, new in checked:
            try:
                customer = _writable_customer(session, caller, new, customers)
            except NotFound as missing:
                _fill_invalid(slot, [FieldViolation("customer_id", missing.message)])
                continue
            except PermissionDenied as denied:
                _fill_invalid(slot, [FieldViolation("customer_id", denied.message)])
                continue
            except InvalidArgument as invalid:
                _fill_invalid(slot, invalid.violations)
                continue
            if new.external_id in known:
                slot.duplicate.response_id = known[new.external_id]
                continue
            if new.external_id in seen_in_import:
                slot.duplicate.duplicate_of_row_number = seen_in_import[new.external_id]
                continue
            if new.external_id:
                seen_in_import[new.external_id] = slot.row_number
            to_write.append((slot, store.ResponseToWrite(new, customer.region, customer.owner_id)))
        records = store.write_survey_responses(
            session,
            [item for _, item in to_write],
            source=SurveySource.IMPORT,
            now=now,
            caller=caller,
        )
        for (slot, _item), record in zip(to_write, records, strict=True):
            slot.recorded.response_id = record.response_id
        written = {item.response.customer_id for _, item in to_write}
        store.refresh_health(session, [customers[c] for c in sorted(written)], now, caller=caller)

    # --- reading ------------------------------------------------------------------------

    def ListSurveyResponses(
        self, request: pb.ListSurveyResponsesRequest, context: grpc.ServicerContext
    ) -> pb.ListSurveyResponsesResponse:
        caller = current_caller()
        caller.require_reader()
        if request.kind and request.kind not in KIND_FROM_PROTO:
            raise InvalidArgument.of("kind", f"{request.kind} is not a known kind: csat or nps")
        regions = caller.readable_regions(request.region.strip().upper())
        query = sa.select(Responses)
        if regions is not None:
            query = query.where(Responses.region.in_(sorted(regions)))
        if request.kind:
            query = query.where(Responses.kind == KIND_FROM_PROTO[request.kind].value)
        if caller.own_records_only:
            query = query.where(
                Responses.customer_id.in_(
                    sa.select(CustomerRecord.customer_id).where(
                        CustomerRecord.owner_id == caller.subject
                    )
                )
            )
        with self.db.transaction() as session:
            if request.customer_id:
                visible_customer(session, caller, request.customer_id)
                query = query.where(Responses.customer_id == request.customer_id.strip())
            records, next_token = keyset_page(
                session,
                query,
                created=Responses.created_at,
                key=Responses.response_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "customer_id": request.customer_id,
                    "region": request.region,
                    "kind": str(request.kind),
                },
                cursor_of=lambda record: Cursor(record.created_at, record.response_id),
            )
            return pb.ListSurveyResponsesResponse(
                responses=[response_to_proto(r) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def GetNps(self, request: pb.GetNpsRequest, context: grpc.ServicerContext) -> pb.GetNpsResponse:
        caller = current_caller()
        scope = domain.nps_scope(
            caller,
            self.calendar,
            period=request.filter.period,
            region=request.filter.region,
            segment=request.filter.segment,
        )
        if request.group_by not in pb.NpsDimension.values():
            raise InvalidArgument.of("group_by", f"{request.group_by} is not a known dimension")
        clauses = self._nps_clauses(scope)
        key, keys = self._nps_key(request.group_by, scope)
        with self.db.transaction() as session:
            rows = session.execute(
                sa.select(
                    key.label("key"),
                    store.sum_where(
                        sa.and_(Responses.kind == "nps", Responses.score >= domain.PROMOTER_FROM)
                    ),
                    store.sum_where(
                        sa.and_(
                            Responses.kind == "nps",
                            Responses.score >= domain.PASSIVE_FROM,
                            Responses.score < domain.PROMOTER_FROM,
                        )
                    ),
                    store.sum_where(
                        sa.and_(Responses.kind == "nps", Responses.score < domain.PASSIVE_FROM)
                    ),
                    store.sum_where(Responses.kind == "csat"),
                    store.sum_where(Responses.kind == "csat", Responses.score),
                    store.sum_where(
                        sa.and_(Responses.kind == "csat", Responses.score >= domain.SATISFIED_FROM)
                    ),
                )
                .select_from(Responses)
                .outerjoin(CustomerRecord, CustomerRecord.customer_id == Responses.customer_id)
                .where(*clauses)
                .group_by(key)
            ).all()
        counts = {
            str(group or ""): SatisfactionCounts(*(int(value) for value in values))
            for group, *values in rows
        }
        total = sum(counts.values(), SatisfactionCounts())
        groups: list[pb.SatisfactionFigures] = []
        if request.group_by:
            ordered = keys if keys is not None else sorted(counts)
            groups = [
                _figures_to_proto(
                    domain.satisfaction_figures(k, counts.get(k, SatisfactionCounts()))
                )
                for k in ordered
            ]
        return pb.GetNpsResponse(
            period=common_pb2.FiscalPeriod(
                code=scope.period.code,
                starts_at=timestamp(scope.period.starts_at),
                ends_at=timestamp(scope.period.ends_at),
            ),
            filter=pb.NpsFilter(
                period=scope.period.code, region=scope.region, segment=scope.segment
            ),
            total=_figures_to_proto(domain.satisfaction_figures("", total)),
            groups=groups,
            own_accounts_only=scope.owner_id is not None,
        )

    @staticmethod
    def _nps_clauses(scope: NpsScope) -> list[Any]:
        """WHERE clauses on responses (outer-joined to their accounts) for the scope."""
        clauses: list[Any] = [
            Responses.responded_at >= scope.period.starts_at,
            Responses.responded_at < scope.period.ends_at,
        ]
        if scope.regions is not None:
            clauses.append(
                Responses.region.in_(sorted(scope.regions)) if scope.regions else sa.false()
            )
        if scope.owner_id is not None:
            clauses.append(CustomerRecord.owner_id == scope.owner_id)
        if scope.segment:
            clauses.append(CustomerRecord.tier == scope.segment)
        return clauses

    def _nps_key(self, group_by: int, scope: NpsScope) -> tuple[Any, list[str] | None]:
        """The grouping expression, and the groups to list even when empty (sub-periods)."""
        if group_by == pb.NPS_DIMENSION_REGION:
            return Responses.region, None
        if group_by == pb.NPS_DIMENSION_SEGMENT:
            # A response whose account is not known here has no segment either.
            return sa.func.coalesce(CustomerRecord.tier, ""), None
        if group_by == pb.NPS_DIMENSION_PERIOD:
            periods = domain.sub_periods(self.calendar, scope.period)
            key = sa.case(
                *[
                    (
                        sa.and_(
                            Responses.responded_at >= p.starts_at,
                            Responses.responded_at < p.ends_at,
                        ),
                        sa.literal(p.code),
                    )
                    for p in periods
                ],
                else_=sa.literal(""),
            )
            return key, [p.code for p in periods]
        return sa.literal(""), None

    def GetCustomerHealth(
        self, request: pb.GetCustomerHealthRequest, context: grpc.ServicerContext
    ) -> pb.GetCustomerHealthResponse:
        caller = current_caller()
        caller.require_reader()
        now = self.clock()
        with self.db.transaction() as session:
            customer = visible_customer(session, caller, request.customer_id)
            inputs = store.health_inputs(session, [customer.customer_id], now)[customer.customer_id]
            stored = session.get(CustomerHealthRecord, customer.customer_id)
            assessment = health_rules.assess_health(inputs, now)
            loyalty = health_rules.assess_loyalty(inputs, assessment.band, now.date())
            return pb.GetCustomerHealthResponse(
                health=live_health_to_proto(customer, assessment, loyalty, stored, now)
            )

    def ListCustomerHealth(
        self, request: pb.ListCustomerHealthRequest, context: grpc.ServicerContext
    ) -> pb.ListCustomerHealthResponse:
        caller = current_caller()
        caller.require_reader()
        if request.band and request.band not in BAND_FROM_PROTO:
            raise InvalidArgument.of("band", f"{request.band} is not a known band")
        health = CustomerHealthRecord
        regions = caller.readable_regions(request.region.strip().upper())
        query = (
            sa.select(health)
            .join(CustomerRecord, CustomerRecord.customer_id == health.account_id)
            .where(health.band != "")
        )
        if regions is not None:
            query = query.where(CustomerRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(CustomerRecord.owner_id == caller.subject)
        if request.band:
            query = query.where(health.band == BAND_FROM_PROTO[request.band].value)
        with self.db.transaction() as session:
            records, next_token = keyset_page(
                session,
                query,
                created=health.band_since,
                key=health.account_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": request.region, "band": str(request.band)},
                cursor_of=lambda record: Cursor(record.band_since, record.account_id),
            )
            owners = store.load_customers(session, (r.account_id for r in records))
            return pb.ListCustomerHealthResponse(
                health=[stored_health_to_proto(r, owners[r.account_id].owner_id) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add SatisfactionService (fiscal calendar from the settings); return its name."""
    calendar = FiscalCalendar(Settings.from_env().fiscal_year_start_month)
    satisfaction_pb2_grpc.add_SatisfactionServiceServicer_to_server(
        SatisfactionServicer(db, calendar), server
    )
    return [pb.DESCRIPTOR.services_by_name["SatisfactionService"].full_name]
