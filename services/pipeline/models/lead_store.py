"""Capturing leads in sets: duplicate lookups, routing state, batch writes with their events.

The api calls this for one lead (CreateLead) and for thousands (ImportLeads):
one code path, so a lead is checked, scored, routed and recorded the same way
however it arrives. Work is done per batch, in one transaction per batch:
duplicates are looked up with one statement per key column on the indexed
matching keys, the routing state is read once, and leads and outbox events
are written in bulk (COPY on PostgreSQL, executemany elsewhere). Nothing here
imports gRPC, so the worker (and the activities area, which marks leads
contacted) can use it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from psycopg import sql
from salesops.events.v1 import pipeline_events_pb2 as events
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from services.kit.db import Database
from services.kit.errors import FieldViolation
from services.kit.events import build_envelope
from services.kit.identity import Caller
from services.kit.outbox import OUTBOX_WRITTEN
from services.kit.schema import outbox
from services.pipeline.domain import leads as domain
from services.pipeline.domain.lead_routing import (
    RepLoad,
    RepStatus,
    RoutableLead,
    RoutingBook,
    RoutingDecision,
    RoutingStrategy,
    Territory,
    split_rule,
)
from services.pipeline.domain.lead_scoring import LeadScore, score_lead
from services.pipeline.domain.leads import DuplicateIndex, DuplicateMatch, LeadKeys, NewLead
from services.pipeline.models.leads import (
    LeadRecord,
    LeadSlaPolicyRecord,
    TerritoryLeadRoutingRecord,
)
from services.pipeline.models.reps import RepRecord, TerritoryRecord, TerritoryRepRecord

OPEN = sorted(status.value for status in domain.OPEN_STATUSES)
# Keys per IN list: well under every backend's bound-parameter limit.
_IN_CHUNK = 500
# A batch this big may grow the table faster than autovacuum analyses it.
_BULK_ROWS = 100
_leads = cast(sa.Table, LeadRecord.__table__)


def _chunks(values: Sequence[str], size: int = _IN_CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def lock_regions(session: Session, regions: Iterable[str]) -> None:
    """Serialise lead capture per region for the rest of the transaction (PostgreSQL).

    The duplicate check and the capacity count read, then write; two imports
    into one region at once could each miss the other's rows. A transaction
    advisory lock per region closes that gap (taken in a fixed order, so two
    transactions never wait on each other crosswise). SQLite needs none: its
    write transactions already run one at a time (BEGIN IMMEDIATE).

    The batch's lookups are also planned for their actual arguments: psycopg
    prepares a statement after a few runs, and PostgreSQL may then reuse a
    generic plan made while the table was small (a scan), which an import
    that grows the table would pay for at every batch.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    for region in sorted(set(regions)):
        digest = hashlib.sha256(f"salesops.pipeline.leads:{region}".encode()).digest()
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": int.from_bytes(digest[:8], "big", signed=True)},
        )


# PostgreSQL: one index probe per key. A plain `<key> = ANY(:keys)` tends to
# be planned as a scan of the region filtered by the keys; the LATERAL
# subquery, fenced by OFFSET 0, is one lookup on the (region, <key>) index per
# key (given statistics that know the table's size: see LeadIntake).
_PG_KEY_LOOKUP = {
    column: sa.text(
        "SELECT l.lead_id, l.email_key, l.phone_key, l.name_key, l.status "
        "FROM unnest(:keys) AS k(key) CROSS JOIN LATERAL ("
        "  SELECT lead_id, email_key, phone_key, name_key, status, created_at FROM leads"
        f"  WHERE region = :region AND {column} = k.key OFFSET 0"
        ") AS l ORDER BY l.created_at, l.lead_id"
    ).bindparams(sa.bindparam("keys", type_=ARRAY(sa.String)))
    for column in ("email_key", "phone_key", "name_key")
}


def open_duplicates(session: Session, wanted: dict[str, list[LeadKeys]]) -> DuplicateIndex:
    """An index of the open leads that share a key with `wanted` (keys by region).

    One statement per key column and region: on PostgreSQL with the batch's
    keys bound as one array (see _PG_KEY_LOOKUP), elsewhere as IN lists in
    chunks. Oldest leads are indexed first, so the original is named rather
    than a later duplicate someone allowed.
    """
    index = DuplicateIndex()
    postgres = session.get_bind().dialect.name == "postgresql"
    for region, keys in wanted.items():
        by_column = {
            "email_key": sorted({k.email for k in keys if k.email}),
            "phone_key": sorted({k.phone for k in keys if k.phone}),
            "name_key": sorted({k.name for k in keys if k.name}),
        }
        for column, values in by_column.items():
            if not values:
                continue
            if postgres:
                statements: list[Any] = [
                    _PG_KEY_LOOKUP[column].bindparams(keys=values, region=region)
                ]
            else:
                statements = [
                    sa.select(
                        _leads.c.lead_id,
                        _leads.c.email_key,
                        _leads.c.phone_key,
                        _leads.c.name_key,
                        _leads.c.status,
                    )
                    .where(_leads.c.region == region, _leads.c[column].in_(chunk))
                    .order_by(_leads.c.created_at, _leads.c.lead_id)
                    for chunk in _chunks(values)
                ]
            for statement in statements:
                for row in session.execute(statement):
                    if row.status in OPEN:
                        index.add(
                            region,
                            LeadKeys(row.email_key, row.phone_key, row.name_key),
                            row.lead_id,
                        )
    return index


def open_lead_counts(session: Session, rep_ids: Iterable[str]) -> dict[str, int]:
    """How many open leads each rep owns (reps without any are absent)."""
    counts: dict[str, int] = {}
    for chunk in _chunks(sorted(set(rep_ids))):
        rows = session.execute(
            sa.select(_leads.c.owner_id, sa.func.count())
            .where(_leads.c.owner_id.in_(chunk), _leads.c.status.in_(OPEN))
            .group_by(_leads.c.owner_id)
        )
        counts.update({owner: int(count) for owner, count in rows})
    return counts


def routing_book(session: Session, regions: Iterable[str]) -> RoutingBook:
    """The territories of `regions` with their reps' loads and round-robin turns."""
    records = list(
        session.scalars(
            sa.select(TerritoryRecord).where(
                TerritoryRecord.region.in_(sorted(set(regions))),
                TerritoryRecord.removed.is_(False),
            )
        )
    )
    ids = [record.territory_id for record in records]
    members: dict[str, list[str]] = {territory_id: [] for territory_id in ids}
    routing: dict[str, TerritoryLeadRoutingRecord] = {}
    for chunk in _chunks(ids):
        for link in session.scalars(
            sa.select(TerritoryRepRecord).where(TerritoryRepRecord.territory_id.in_(chunk))
        ):
            members[link.territory_id].append(link.rep_id)
        routing.update(
            {
                row.territory_id: row
                for row in session.scalars(
                    sa.select(TerritoryLeadRoutingRecord).where(
                        TerritoryLeadRoutingRecord.territory_id.in_(chunk)
                    )
                )
            }
        )
    rep_ids = sorted({rep_id for reps in members.values() for rep_id in reps})
    counts = open_lead_counts(session, rep_ids)
    loads: dict[str, RepLoad] = {}
    for chunk in _chunks(rep_ids):
        for rep in session.scalars(sa.select(RepRecord).where(RepRecord.rep_id.in_(chunk))):
            loads[rep.rep_id] = RepLoad(
                rep.rep_id, rep.status, rep.capacity, counts.get(rep.rep_id, 0)
            )
    territories = [
        Territory(
            territory_id=record.territory_id,
            name=record.name,
            region=record.region,
            countries=split_rule(record.countries),
            industries=split_rule(record.industries),
            company_sizes=split_rule(record.company_sizes),
            rep_ids=tuple(members[record.territory_id]),
            strategy=RoutingStrategy(routing[record.territory_id].strategy)
            if record.territory_id in routing
            else RoutingStrategy.MOST_SPARE_CAPACITY,
        )
        for record in records
    ]
    turns = {territory_id: row.last_rep_id for territory_id, row in routing.items()}
    return RoutingBook(territories, loads, turns)


def save_turns(session: Session, book: RoutingBook, now: datetime) -> None:
    """Store the round-robin turns `book` moved (their territories have a routing row)."""
    for territory_id in sorted(book.moved_turns):
        session.execute(
            sa.update(TerritoryLeadRoutingRecord)
            .where(TerritoryLeadRoutingRecord.territory_id == territory_id)
            .values(last_rep_id=book.turns[territory_id], updated_at=now)
        )


def departed_reps(session: Session, rep_ids: Iterable[str]) -> set[str]:
    """Those of `rep_ids` that planning reported as having left."""
    gone: set[str] = set()
    for chunk in _chunks(sorted(set(rep_ids))):
        gone.update(
            session.scalars(
                sa.select(RepRecord.rep_id).where(
                    RepRecord.rep_id.in_(chunk), RepRecord.status == RepStatus.LEFT.value
                )
            )
        )
    return gone


def sla_hours(session: Session, regions: Iterable[str], default_hours: int) -> dict[str, int]:
    """Each region's first-contact SLA in hours (the default where it has no policy)."""
    wanted = sorted(set(regions))
    hours = dict.fromkeys(wanted, default_hours)
    for chunk in _chunks(wanted):
        rows = session.execute(
            sa.select(LeadSlaPolicyRecord.region, LeadSlaPolicyRecord.hours).where(
                LeadSlaPolicyRecord.region.in_(chunk)
            )
        )
        hours.update({region: policy_hours for region, policy_hours in rows})
    return hours


def bulk_insert(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (complete: every column but server-generated ones) in `session`'s transaction.

    On PostgreSQL with COPY, several times faster than executemany for the
    thousands of rows of an import batch; values must already be what the
    column stores (aware UTC datetimes, plain strings). Elsewhere executemany.
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = session.connection().connection.driver_connection
    assert driver is not None, "a connection in a transaction has its driver connection"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


# Field types whose protobuf-JSON is the Python value itself (no int64-as-string,
# enum names, bytes or nested messages): payloads made only of these are
# converted with ListFields, several times faster than json_format.
_PLAIN_FIELD_TYPES = frozenset(
    {FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BOOL, FieldDescriptor.TYPE_INT32}
)


_plain_payloads: dict[str, bool] = {}


def _payload_json(payload: Message) -> dict[str, Any]:
    """The payload as `build_envelope` renders it (proto field names, defaults left out)."""
    descriptor = payload.DESCRIPTOR
    plain = _plain_payloads.get(descriptor.full_name)
    if plain is None:
        plain = _plain_payloads[descriptor.full_name] = all(
            f.type in _PLAIN_FIELD_TYPES and not f.is_repeated for f in descriptor.fields
        )
    if plain:
        return {field.name: value for field, value in payload.ListFields()}
    return json_format.MessageToDict(payload, preserving_proto_field_name=True)


def outbox_rows(
    session: Session,
    items: Iterable[tuple[str, Message, str]],
    caller: Caller | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """Write (event type, payload, region) items to the outbox, as `record_event` would.

    One COPY (or executemany) for the lot instead of a statement per event,
    since an import writes two events per lead. The envelope of each event
    type and region is built once by the kit's `build_envelope` and its JSON
    reused with a fresh event id and the payload: the events of one batch
    share their transaction and so their occurrence time.
    """
    # (event type, region) -> (type, the envelope's JSON between event id and payload)
    templates: dict[tuple[str, str], tuple[str, str]] = {}
    rows = []
    for event_type, payload, region in items:
        template = templates.get((event_type, region))
        if template is None:
            envelope = build_envelope(event_type, type(payload)(), region=region, caller=caller)
            middle = {k: v for k, v in envelope.items() if k not in ("event_id", "payload")}
            template = templates[(event_type, region)] = (
                envelope["type"],
                json.dumps(middle, separators=(",", ":"))[1:-1],
            )
        event_id = str(uuid.uuid4())
        payload_json = json.dumps(_payload_json(payload), separators=(",", ":"))
        rows.append(
            {
                "event_id": event_id,
                "type": template[0],
                "region": region,
                "envelope": f'{{"event_id":"{event_id}",{template[1]},"payload":{payload_json}}}',
                "occurred_at": now,
            }
        )
    if rows:
        bulk_insert(session, outbox, rows)
        session.info[OUTBOX_WRITTEN] = True
    return rows


# --- intake -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeRow:
    """One lead to capture: validated, with its row number and duplicate permission."""

    row_number: int
    lead: NewLead
    allow_duplicate: bool = False


@dataclass
class IntakeResult:
    """What became of one row: a created lead, a duplicate, or field violations."""

    row_number: int
    # The created lead's columns (a `leads` row); see `LeadRecord(**record)` for an object.
    record: dict[str, Any] | None = None
    duplicate: DuplicateMatch | None = None
    violations: list[FieldViolation] = field(default_factory=list)


class LeadIntake:
    """Captures leads for one caller, batch by batch, one transaction per batch.

    Per batch: take the regions' capture lock, look up open duplicates of the
    whole batch at once, read the routing state, then decide each row
    (duplicate, or scored and routed lead) and write the created leads and
    their events in bulk. Rows of one import that repeat each other
    are caught because each created lead joins the batch's index, and later
    batches find earlier ones in the database.
    """

    def __init__(self, db: Database, caller: Caller, default_sla_hours: int) -> None:
        self.db = db
        self.caller = caller
        self.default_sla_hours = default_sla_hours
        self._row_of_lead: dict[str, int] = {}
        self._created_since_analyze = 0

    def capture(self, rows: Sequence[IntakeRow], now: datetime) -> list[IntakeResult]:
        """Capture `rows` in one transaction; return one result per row, in order."""
        if not rows:
            return []
        if len(rows) >= _BULK_ROWS:
            self._keep_statistics_current()
        with self.db.transaction() as session:
            results = self._capture(session, rows, now)
        self._created_since_analyze += sum(result.record is not None for result in results)
        return results

    def _keep_statistics_current(self) -> None:
        """ANALYZE `leads` (PostgreSQL) when this intake has outgrown the planner's statistics.

        An import into a small table grows it faster than autovacuum analyses
        it; with statistics that still say "tiny", every index looks alike and
        the duplicate lookups may scan a region per key. Analysing whenever
        the intake has doubled the table (by at least 1000 rows) keeps the
        plans right at a few cheap ANALYZEs per large import; an import into a
        big table never triggers it, autovacuum does that work.
        """
        if self.db.dialect != "postgresql":
            return
        with self.db.engine.connect() as connection:
            known = connection.execute(
                sa.text("SELECT reltuples FROM pg_class WHERE oid = 'leads'::regclass")
            ).scalar_one()
            if known >= 0 and self._created_since_analyze < max(1000.0, known):
                return
            connection.execute(sa.text("ANALYZE leads"))
            connection.commit()
        self._created_since_analyze = 0

    def _capture(
        self, session: Session, rows: Sequence[IntakeRow], now: datetime
    ) -> list[IntakeResult]:
        regions = sorted({row.lead.region for row in rows})
        lock_regions(session, regions)
        keys = [
            domain.lead_keys(
                contact_email=row.lead.contact_email,
                contact_phone=row.lead.contact_phone,
                company_name=row.lead.company_name,
            )
            for row in rows
        ]
        wanted: dict[str, list[LeadKeys]] = {}
        for row, row_keys in zip(rows, keys, strict=True):
            if not row.allow_duplicate:
                wanted.setdefault(row.lead.region, []).append(row_keys)
        index = open_duplicates(session, wanted)
        book = routing_book(session, regions)
        hours = sla_hours(session, regions, self.default_sla_hours)
        gone = departed_reps(session, [row.lead.owner_id for row in rows if row.lead.owner_id])

        results: list[IntakeResult] = []
        created: list[dict[str, Any]] = []
        for row, row_keys in zip(rows, keys, strict=True):
            result = IntakeResult(row.row_number)
            results.append(result)
            lead = row.lead
            if lead.owner_id in gone:
                result.violations.append(
                    FieldViolation(
                        "owner_id", f"rep '{lead.owner_id}' has left; choose an active rep"
                    )
                )
                continue
            if not row.allow_duplicate:
                match = index.match(lead.region, row_keys)
                if match is not None:
                    result.duplicate = DuplicateMatch(
                        match.lead_id, match.matched_on, self._row_of_lead.get(match.lead_id, 0)
                    )
                    continue
            record = self._new_record(lead, row_keys, score_lead(lead), book, hours, now)
            index.add(lead.region, row_keys, record["lead_id"], row.row_number)
            self._row_of_lead[record["lead_id"]] = row.row_number
            result.record = record
            created.append(record)
        if created:
            bulk_insert(session, _leads, created)
            outbox_rows(session, self._events(created), self.caller, now)
        save_turns(session, book, now)
        return results

    def _new_record(
        self,
        lead: NewLead,
        keys: LeadKeys,
        score: LeadScore,
        book: RoutingBook,
        hours: dict[str, int],
        now: datetime,
    ) -> dict[str, Any]:
        """The `leads` row of a new lead: a plain dict, as an import makes thousands of them."""
        decision = self._owner_of(lead, book)
        return {
            "lead_id": str(uuid.uuid4()),
            "region": lead.region,
            "company_name": lead.company_name,
            "contact_name": lead.contact_name,
            "contact_email": lead.contact_email,
            "contact_phone": lead.contact_phone,
            "contact_title": lead.contact_title,
            "country": lead.country,
            "industry": lead.industry,
            "source": lead.source,
            "status": domain.LeadStatus.NEW.value,
            "owner_id": decision.owner_id,
            "disqualify_reason": "",
            "qualified_at": None,
            "converted_at": None,
            "created_at": now,
            "created_by": self.caller.subject,
            "updated_at": now,
            "updated_by": self.caller.subject,
            "version": 1,
            "campaign": lead.campaign,
            "company_size": lead.company_size,
            "score": score.score,
            "score_reasons": json.dumps(
                [{"rule": r.rule, "points": r.points} for r in score.reasons],
                separators=(",", ":"),
            ),
            "assignment_reason": decision.reason,
            "territory_id": decision.territory_id,
            "assigned_at": now if decision.assigned else None,
            "contacted_at": None,
            "contacted_by": "",
            "sla_due_at": domain.sla_due_at(now, hours[lead.region]),
            "sla_breached_at": None,
            "email_key": keys.email,
            "phone_key": keys.phone,
            "name_key": keys.name,
        }

    def _owner_of(self, lead: NewLead, book: RoutingBook) -> RoutingDecision:
        caller = self.caller
        if lead.owner_id:
            book.count_assignment(lead.owner_id)
            return RoutingDecision(lead.owner_id, "", domain.assignment_reason(caller.subject))
        if caller.own_records_only:
            book.count_assignment(caller.subject)
            return RoutingDecision(caller.subject, "", domain.own_capture_reason(caller.subject))
        return book.route(RoutableLead(lead.region, lead.country, lead.industry, lead.company_size))

    def _events(self, created: list[dict[str, Any]]) -> Iterable[tuple[str, Message, str]]:
        for record in created:
            yield (
                "pipeline.lead.created",
                events.LeadCreated(
                    lead_id=record["lead_id"],
                    region=record["region"],
                    company_name=record["company_name"],
                    source=record["source"],
                    owner_id=record["owner_id"],
                    campaign=record["campaign"],
                    score=record["score"],
                ),
                record["region"],
            )
            if record["owner_id"]:
                yield (
                    "pipeline.lead.assigned",
                    events.LeadAssigned(
                        lead_id=record["lead_id"],
                        region=record["region"],
                        owner_id=record["owner_id"],
                        territory_id=record["territory_id"],
                        reason=record["assignment_reason"],
                        assigned_by=self.caller.subject,
                    ),
                    record["region"],
                )


def mark_lead_contacted(lead: LeadRecord, by: str, at: datetime, now: datetime) -> bool:
    """Record the first contact with `lead` (this stops its SLA clock); False if it had one.

    The first contact stays the first: a later call changes nothing. The
    activities area calls this when it logs a call, meeting or email.
    """
    if lead.contacted_at is not None:
        return False
    lead.contacted_at = at
    lead.contacted_by = by
    lead.updated_at = now
    lead.updated_by = by
    lead.version += 1
    return True
