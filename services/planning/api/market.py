"""MarketService: market segments and market share, competitors, intelligence entries.

Rules are in `domain.market`; our revenue per territory comes from
`models.market.market_revenue` (sales facts of the territory's customers) and
is converted with attainment's FX rates (`attainment_store.fx_converter`).
Segments and intelligence entries belong to a region (a segment's is its
territory's): outside the caller's regions they are NotFound and absent from
lists. Intelligence is shared knowledge of the region, so a rep reads every
entry of their regions, not only their own; market share is a territory's
figure, read by everyone of its region. Competitors belong to no region:
everyone authenticated reads them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.planning.v1 import market_pb2 as pb
from salesops.planning.v1 import market_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    Validator,
)
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible, where_equal
from services.planning.domain import market as domain
from services.planning.domain.market import IntelKind
from services.planning.models.attainment_store import fx_converter
from services.planning.models.market import (
    CompetitorRecord,
    IntelEntryRecord,
    MarketSegmentRecord,
    convert_total,
    market_revenue,
    new_intel_entry,
    observed_midnight,
)
from services.planning.models.organisation import TerritoryRecord

KIND_TO_PROTO = {
    IntelKind.PRICE_CHANGE: pb.INTEL_KIND_PRICE_CHANGE,
    IntelKind.NEW_PRODUCT: pb.INTEL_KIND_NEW_PRODUCT,
    IntelKind.DEAL_LOST: pb.INTEL_KIND_DEAL_LOST,
    IntelKind.DEAL_WON: pb.INTEL_KIND_DEAL_WON,
    IntelKind.PROMOTION: pb.INTEL_KIND_PROMOTION,
    IntelKind.PARTNERSHIP: pb.INTEL_KIND_PARTNERSHIP,
    IntelKind.PERSONNEL: pb.INTEL_KIND_PERSONNEL,
    IntelKind.OTHER: pb.INTEL_KIND_OTHER,
}
KIND_FROM_PROTO = {value: key for key, value in KIND_TO_PROTO.items()}


def _money(currency: str, amount_minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=amount_minor)


def segment_to_proto(segment: MarketSegmentRecord) -> pb.MarketSegment:
    return pb.MarketSegment(
        segment_id=segment.segment_id,
        territory_id=segment.territory_id,
        region=segment.region,
        name=segment.name,
        period_code=segment.period_code,
        size=_money(segment.currency, segment.size_minor),
        potential=_money(segment.currency, segment.potential_minor),
        product_line=segment.product_line,
        industry=segment.industry,
        source=segment.source,
        notes=segment.notes,
        audit=audit_info(
            segment.created_at, segment.created_by, segment.updated_at, segment.updated_by
        ),
        version=segment.version,
    )


def competitor_to_proto(competitor: CompetitorRecord) -> pb.Competitor:
    return pb.Competitor(
        competitor_id=competitor.competitor_id,
        name=competitor.name,
        website=competitor.website,
        products=json.loads(competitor.products),
        strengths=json.loads(competitor.strengths),
        weaknesses=json.loads(competitor.weaknesses),
        notes=competitor.notes,
        archived=competitor.archived,
        audit=audit_info(
            competitor.created_at,
            competitor.created_by,
            competitor.updated_at,
            competitor.updated_by,
        ),
        version=competitor.version,
    )


def intel_to_proto(entry: IntelEntryRecord, competitor_name: str) -> pb.IntelEntry:
    return pb.IntelEntry(
        intel_id=entry.intel_id,
        competitor_id=entry.competitor_id,
        competitor_name=competitor_name,
        territory_id=entry.territory_id,
        region=entry.region,
        kind=KIND_TO_PROTO[IntelKind(entry.kind)],
        title=entry.title,
        details=entry.details,
        source=entry.source,
        observed_on=entry.observed_at.date().isoformat(),
        recorded_by=entry.recorded_by,
        create_time=timestamp(entry.created_at),
    )


def _territory(
    session: Session, caller: Caller, territory_id: str, *, include_removed: bool = False
) -> TerritoryRecord:
    """The territory if the caller sees its region (a removed one only when asked for)."""
    return load_visible(
        session,
        TerritoryRecord,
        territory_id,
        kind="territory",
        field_name="territory_id",
        visible=lambda t: caller.has_region(t.region) and (include_removed or not t.removed),
    )


def _segment(
    session: Session, caller: Caller, segment_id: str, *, for_update: bool = False
) -> MarketSegmentRecord:
    caller.require_reader()
    return load_visible(
        session,
        MarketSegmentRecord,
        segment_id,
        kind="market segment",
        field_name="segment_id",
        visible=lambda s: caller.has_region(s.region),
        for_update=for_update,
    )


def _competitor(
    session: Session, caller: Caller, competitor_id: str, *, for_update: bool = False
) -> CompetitorRecord:
    caller.require_reader()
    return load_visible(
        session,
        CompetitorRecord,
        competitor_id,
        kind="competitor",
        field_name="competitor_id",
        visible=lambda _: True,
        for_update=for_update,
    )


def _require_version(v: Validator, version: int) -> None:
    v.check(version > 0, "version", "is required: the version of the record as read")


def _check_version(kind: str, key: str, current: int, given: int) -> None:
    if current != given:
        raise Aborted(
            f"{kind} '{key}' is at version {current}, not {given}: it changed since it was "
            "read; read it again and retry"
        )


def _segment_fields(
    request: pb.MarketSegmentFields, extra: list[tuple[str, str]]
) -> domain.SegmentFields:
    return domain.check_segment(
        name=request.name,
        size_currency=request.size.currency,
        size_minor=request.size.amount_minor,
        has_size=request.HasField("size"),
        potential_currency=request.potential.currency,
        potential_minor=request.potential.amount_minor,
        has_potential=request.HasField("potential"),
        product_line=request.product_line,
        industry=request.industry,
        source=request.source,
        notes=request.notes,
        extra=extra,
    )


def _unique_segment(
    session: Session, territory_id: str, key: str, period_code: str, segment_id: str = ""
) -> None:
    existing = session.scalar(
        sa.select(MarketSegmentRecord.segment_id).where(
            MarketSegmentRecord.territory_id == territory_id,
            MarketSegmentRecord.name_key == key,
            MarketSegmentRecord.period_code == period_code,
            MarketSegmentRecord.segment_id != segment_id,
        )
    )
    if existing:
        raise AlreadyExists(
            "market segment",
            existing,
            f"territory '{territory_id}' already has a segment named like this in {period_code}",
        )


def _unique_competitor(session: Session, key: str, competitor_id: str = "") -> None:
    existing = session.scalars(
        sa.select(CompetitorRecord).where(
            CompetitorRecord.name_key == key, CompetitorRecord.competitor_id != competitor_id
        )
    ).first()
    if existing is not None:
        state = " (archived)" if existing.archived else ""
        raise AlreadyExists(
            "competitor",
            existing.competitor_id,
            f"competitor '{existing.name}'{state} has the same name once normalised",
        )


def _flush_unique(session: Session, kind: str, key: str) -> None:
    """Flush; a unique index that a concurrent insert won is AlreadyExists, not a 500."""
    try:
        session.flush()
    except IntegrityError:
        raise AlreadyExists(kind, key, f"a {kind} with the same identity exists") from None


class SegmentMixin:
    db: Database
    calendar: FiscalCalendar

    def CreateMarketSegment(
        self, request: pb.CreateMarketSegmentRequest, context: grpc.ServicerContext
    ) -> pb.CreateMarketSegmentResponse:
        caller = current_caller()
        v = Validator()
        v.require("territory_id", request.territory_id.strip(), 36)
        period_code = domain.parse_period(v, self.calendar, request.period_code, "period_code")
        extra = [(f.field, f.description) for f in v.violations]
        fields = _segment_fields(request.segment, extra)
        domain.require_market_editor(caller.roles, "market segments")
        with self.db.transaction() as session:
            territory = _territory(session, caller, request.territory_id)
            caller.require_writer(territory.region)
            key = domain.name_key(fields.name)
            _unique_segment(session, territory.territory_id, key, period_code)
            now = utcnow()
            segment = MarketSegmentRecord(
                segment_id=str(uuid.uuid4()),
                territory_id=territory.territory_id,
                region=territory.region,
                name=fields.name,
                name_key=key,
                period_code=period_code,
                currency=fields.currency,
                size_minor=fields.size_minor,
                potential_minor=fields.potential_minor,
                product_line=fields.product_line,
                industry=fields.industry,
                source=fields.source,
                notes=fields.notes,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(segment)
            _flush_unique(session, "market segment", fields.name)
            return pb.CreateMarketSegmentResponse(segment=segment_to_proto(segment))

    def UpdateMarketSegment(
        self, request: pb.UpdateMarketSegmentRequest, context: grpc.ServicerContext
    ) -> pb.UpdateMarketSegmentResponse:
        caller = current_caller()
        v = Validator()
        _require_version(v, request.version)
        extra = [(f.field, f.description) for f in v.violations]
        fields = _segment_fields(request.segment, extra)
        with self.db.transaction() as session:
            segment = _segment(session, caller, request.segment_id, for_update=True)
            domain.require_market_editor(caller.roles, "market segments")
            caller.require_writer(segment.region)
            _check_version("market segment", segment.segment_id, segment.version, request.version)
            key = domain.name_key(fields.name)
            _unique_segment(
                session, segment.territory_id, key, segment.period_code, segment.segment_id
            )
            segment.name = fields.name
            segment.name_key = key
            segment.currency = fields.currency
            segment.size_minor = fields.size_minor
            segment.potential_minor = fields.potential_minor
            segment.product_line = fields.product_line
            segment.industry = fields.industry
            segment.source = fields.source
            segment.notes = fields.notes
            segment.updated_at = utcnow()
            segment.updated_by = caller.subject
            segment.version += 1
            _flush_unique(session, "market segment", fields.name)
            return pb.UpdateMarketSegmentResponse(segment=segment_to_proto(segment))

    def GetMarketSegment(
        self, request: pb.GetMarketSegmentRequest, context: grpc.ServicerContext
    ) -> pb.GetMarketSegmentResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            segment = _segment(session, caller, request.segment_id)
            return pb.GetMarketSegmentResponse(segment=segment_to_proto(segment))

    def ListMarketSegments(
        self, request: pb.ListMarketSegmentsRequest, context: grpc.ServicerContext
    ) -> pb.ListMarketSegmentsResponse:
        caller = current_caller()
        caller.require_reader()
        region = request.region.strip().upper()
        territory_id = request.territory_id.strip()
        period_code = request.period_code.strip()
        if period_code:
            period_code = self.calendar.period(period_code, "period_code").code
        regions = caller.readable_regions(region)
        query = where_equal(
            sa.select(MarketSegmentRecord),
            [
                (MarketSegmentRecord.territory_id, territory_id),
                (MarketSegmentRecord.period_code, period_code),
            ],
        )
        if regions is not None:
            query = query.where(MarketSegmentRecord.region.in_(sorted(regions)))
        with self.db.transaction() as session:
            segments, next_token = keyset_page(
                session,
                query,
                created=MarketSegmentRecord.created_at,
                key=MarketSegmentRecord.segment_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": region, "territory_id": territory_id, "period": period_code},
                cursor_of=lambda s: Cursor(s.created_at, s.segment_id),
            )
            return pb.ListMarketSegmentsResponse(
                segments=[segment_to_proto(s) for s in segments],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def GetMarketShare(
        self, request: pb.GetMarketShareRequest, context: grpc.ServicerContext
    ) -> pb.GetMarketShareResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        v.require("territory_id", request.territory_id.strip(), 36)
        code = domain.parse_period(v, self.calendar, request.period_code, "period_code")
        v.raise_if_any()
        period = self.calendar.period(code)
        with self.db.transaction() as session:
            territory = _territory(session, caller, request.territory_id, include_removed=True)
            segments = list(
                session.scalars(
                    sa.select(MarketSegmentRecord)
                    .where(
                        MarketSegmentRecord.territory_id == territory.territory_id,
                        MarketSegmentRecord.period_code == period.code,
                    )
                    .order_by(MarketSegmentRecord.name_key, MarketSegmentRecord.segment_id)
                )
            )
            convert = fx_converter(session, period.code, self.calendar)

            def revenue(product_line: str = "", industry: str = "") -> dict[str, int]:
                return dict(
                    market_revenue(
                        session,
                        region=territory.region,
                        countries=territory.countries,
                        industries=territory.industries,
                        period=period,
                        product_line=product_line,
                        industry=industry,
                    )
                )

            shares: list[pb.SegmentShare] = []
            sizes: dict[str, int] = {}
            for segment in segments:
                ours = convert_total(
                    revenue(segment.product_line, segment.industry), segment.currency, convert
                )
                sizes[segment.currency] = sizes.get(segment.currency, 0) + segment.size_minor
                shares.append(
                    pb.SegmentShare(
                        segment_id=segment.segment_id,
                        name=segment.name,
                        product_line=segment.product_line,
                        industry=segment.industry,
                        size=_money(segment.currency, segment.size_minor),
                        potential=_money(segment.currency, segment.potential_minor),
                        our_revenue=_money(segment.currency, ours),
                        share_bp=domain.share_bp(ours, segment.size_minor),
                        potential_captured_bp=domain.share_bp(ours, segment.potential_minor),
                    )
                )
            currency = territory.currency
            total_size = convert_total(sizes, currency, convert)
            total_revenue = convert_total(revenue(), currency, convert)
            return pb.GetMarketShareResponse(
                territory_id=territory.territory_id,
                region=territory.region,
                period_code=period.code,
                segments=shares,
                total_size=_money(currency, total_size),
                total_revenue=_money(currency, total_revenue),
                total_share_bp=domain.share_bp(total_revenue, total_size),
            )


class CompetitorMixin:
    db: Database

    def CreateCompetitor(
        self, request: pb.CreateCompetitorRequest, context: grpc.ServicerContext
    ) -> pb.CreateCompetitorResponse:
        caller = current_caller()
        fields = _competitor_fields(request.competitor)
        caller.require_reader()
        domain.require_market_editor(caller.roles, "competitors")
        with self.db.transaction() as session:
            _unique_competitor(session, fields.name_key)
            now = utcnow()
            competitor = CompetitorRecord(
                competitor_id=str(uuid.uuid4()),
                created_at=now,
                created_by=caller.subject,
                archived=False,
                version=1,
            )
            _apply_competitor(competitor, fields, caller, now)
            session.add(competitor)
            _flush_unique(session, "competitor", fields.name)
            return pb.CreateCompetitorResponse(competitor=competitor_to_proto(competitor))

    def UpdateCompetitor(
        self, request: pb.UpdateCompetitorRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCompetitorResponse:
        caller = current_caller()
        v = Validator()
        _require_version(v, request.version)
        try:
            fields = _competitor_fields(request.competitor)
        except InvalidArgument as error:
            raise InvalidArgument(v.violations + error.violations) from None
        v.raise_if_any()
        with self.db.transaction() as session:
            competitor = _competitor(session, caller, request.competitor_id, for_update=True)
            domain.require_market_editor(caller.roles, "competitors")
            if competitor.archived:
                raise FailedPrecondition.of(
                    "ARCHIVED",
                    f"competitors/{competitor.competitor_id}",
                    "an archived competitor is kept for history and cannot change",
                )
            _check_version(
                "competitor", competitor.competitor_id, competitor.version, request.version
            )
            _unique_competitor(session, fields.name_key, competitor.competitor_id)
            _apply_competitor(competitor, fields, caller, utcnow())
            competitor.version += 1
            _flush_unique(session, "competitor", fields.name)
            return pb.UpdateCompetitorResponse(competitor=competitor_to_proto(competitor))

    def GetCompetitor(
        self, request: pb.GetCompetitorRequest, context: grpc.ServicerContext
    ) -> pb.GetCompetitorResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            competitor = _competitor(session, caller, request.competitor_id)
            return pb.GetCompetitorResponse(competitor=competitor_to_proto(competitor))

    def ListCompetitors(
        self, request: pb.ListCompetitorsRequest, context: grpc.ServicerContext
    ) -> pb.ListCompetitorsResponse:
        caller = current_caller()
        caller.require_reader()
        query = sa.select(CompetitorRecord)
        if not request.include_archived:
            query = query.where(CompetitorRecord.archived.is_(False))
        with self.db.transaction() as session:
            competitors, next_token = keyset_page(
                session,
                query,
                created=CompetitorRecord.created_at,
                key=CompetitorRecord.competitor_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"include_archived": str(request.include_archived)},
                cursor_of=lambda c: Cursor(c.created_at, c.competitor_id),
            )
            return pb.ListCompetitorsResponse(
                competitors=[competitor_to_proto(c) for c in competitors],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def ArchiveCompetitor(
        self, request: pb.ArchiveCompetitorRequest, context: grpc.ServicerContext
    ) -> pb.ArchiveCompetitorResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            competitor = _competitor(session, caller, request.competitor_id, for_update=True)
            domain.require_market_editor(caller.roles, "competitors")
            if not competitor.archived:  # archiving twice changes nothing
                competitor.archived = True
                competitor.updated_at = utcnow()
                competitor.updated_by = caller.subject
                competitor.version += 1
                session.flush()
            return pb.ArchiveCompetitorResponse(competitor=competitor_to_proto(competitor))


def _competitor_fields(request: pb.CompetitorFields) -> domain.CompetitorFields:
    return domain.check_competitor(
        name=request.name,
        website=request.website,
        products=request.products,
        strengths=request.strengths,
        weaknesses=request.weaknesses,
        notes=request.notes,
    )


def _apply_competitor(
    competitor: CompetitorRecord, fields: domain.CompetitorFields, caller: Caller, now: datetime
) -> None:
    competitor.name = fields.name
    competitor.name_key = fields.name_key
    competitor.website = fields.website
    competitor.products = json.dumps(fields.products)
    competitor.strengths = json.dumps(fields.strengths)
    competitor.weaknesses = json.dumps(fields.weaknesses)
    competitor.notes = fields.notes
    competitor.updated_at = now
    competitor.updated_by = caller.subject


class IntelMixin:
    db: Database

    def RecordIntel(
        self, request: pb.RecordIntelRequest, context: grpc.ServicerContext
    ) -> pb.RecordIntelResponse:
        caller = current_caller()
        now = utcnow()
        fields = domain.check_intel(
            competitor_id=request.competitor_id,
            territory_id=request.territory_id,
            region=request.region,
            kind=KIND_FROM_PROTO.get(request.kind),
            title=request.title,
            details=request.details,
            source=request.source,
            observed_on=request.observed_on,
            today=now.date(),
        )
        caller.require_reader()
        with self.db.transaction() as session:
            competitor = _competitor(session, caller, fields.competitor_id)
            region = fields.region
            if fields.territory_id:
                territory = _territory(session, caller, fields.territory_id)
                if region and region != territory.region:
                    raise InvalidArgument.of(
                        "region", f"the territory is in {territory.region}; leave region empty"
                    )
                region = territory.region
            caller.require_writer(region)
            if competitor.archived:
                raise FailedPrecondition.of(
                    "ARCHIVED",
                    f"competitors/{competitor.competitor_id}",
                    "the competitor is archived; intelligence is recorded on active ones",
                )
            entry = new_intel_entry(
                competitor_id=competitor.competitor_id,
                territory_id=fields.territory_id,
                region=region,
                kind=fields.kind.value,
                title=fields.title,
                details=fields.details,
                source=fields.source,
                observed_on=fields.observed_on,
                recorded_by=caller.subject,
                now=now,
            )
            session.add(entry)
            session.flush()
            return pb.RecordIntelResponse(entry=intel_to_proto(entry, competitor.name))

    def GetIntel(
        self, request: pb.GetIntelRequest, context: grpc.ServicerContext
    ) -> pb.GetIntelResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            entry = load_visible(
                session,
                IntelEntryRecord,
                request.intel_id,
                kind="intel entry",
                field_name="intel_id",
                visible=lambda e: caller.has_region(e.region),
            )
            name = session.scalar(
                sa.select(CompetitorRecord.name).where(
                    CompetitorRecord.competitor_id == entry.competitor_id
                )
            )
            return pb.GetIntelResponse(entry=intel_to_proto(entry, name or ""))

    def ListIntel(
        self, request: pb.ListIntelRequest, context: grpc.ServicerContext
    ) -> pb.ListIntelResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        observed_from = domain.parse_date(v, "observed_from", request.observed_from, required=False)
        observed_to = domain.parse_date(v, "observed_to", request.observed_to, required=False)
        if observed_from and observed_to and observed_from > observed_to:
            v.add("observed_to", "must not be before observed_from")
        kind = KIND_FROM_PROTO.get(request.kind) if request.kind else None
        if request.kind and kind is None:
            v.add("kind", "is not a kind of intelligence")
        v.optional("q", request.q, 200)
        v.raise_if_any()
        region = request.region.strip().upper()
        regions = caller.readable_regions(region)
        competitor_id = request.competitor_id.strip()
        territory_id = request.territory_id.strip()
        query = where_equal(
            sa.select(IntelEntryRecord),
            [
                (IntelEntryRecord.competitor_id, competitor_id),
                (IntelEntryRecord.territory_id, territory_id),
                (IntelEntryRecord.kind, kind.value if kind else ""),
            ],
        )
        if regions is not None:
            query = query.where(IntelEntryRecord.region.in_(sorted(regions)))
        if observed_from:
            query = query.where(IntelEntryRecord.observed_at >= observed_midnight(observed_from))
        if observed_to:
            query = query.where(IntelEntryRecord.observed_at <= observed_midnight(observed_to))
        text = request.q.strip()
        if text:
            query = query.where(
                IntelEntryRecord.search_text.like(domain.like_pattern(text), escape="\\")
            )
        with self.db.transaction() as session:
            entries, next_token = keyset_page(
                session,
                query,
                created=IntelEntryRecord.observed_at,
                key=IntelEntryRecord.intel_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "competitor_id": competitor_id,
                    "territory_id": territory_id,
                    "kind": kind.value if kind else "",
                    "region": region,
                    "from": request.observed_from.strip(),
                    "to": request.observed_to.strip(),
                    "q": text,
                },
                cursor_of=lambda e: Cursor(e.observed_at, e.intel_id),
            )
            ids = sorted({e.competitor_id for e in entries})
            names = {
                competitor_id: name
                for competitor_id, name in session.execute(
                    sa.select(CompetitorRecord.competitor_id, CompetitorRecord.name).where(
                        CompetitorRecord.competitor_id.in_(ids)
                    )
                )
            }
            return pb.ListIntelResponse(
                entries=[intel_to_proto(e, names.get(e.competitor_id, "")) for e in entries],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


class MarketServicer(
    SegmentMixin, CompetitorMixin, IntelMixin, market_pb2_grpc.MarketServiceServicer
):
    """Market segments and share, competitors and intelligence."""

    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the MarketService to `server`; return its full name."""
    market_pb2_grpc.add_MarketServiceServicer_to_server(MarketServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["MarketService"].full_name]
