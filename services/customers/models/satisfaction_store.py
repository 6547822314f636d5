"""Recording survey responses and keeping each account's health, with their events.

The api (RecordSurveyResponse, ImportSurveyResponses), the worker's case
handlers and its health timer all go through here, so a response is recorded
and an account assessed the same way however it arrives. Nothing here
imports gRPC or nameko.

Health is computed from this service's own tables and two that other areas
of the service keep: `contract_revenue` (the archive, from contract events)
and `timeline_entries` (the interaction timeline). They are read through
lightweight `sa.table` constructs rather than those areas' models, so the
two sides only share table and column names.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from salesops.events.v1 import customers_satisfaction_events_pb2 as events
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.customers.domain import health as rules_of_health
from services.customers.domain.health import (
    DEFAULT_RULES,
    HealthAssessment,
    HealthBand,
    HealthInputs,
    HealthRules,
    LoyaltyAssessment,
    LoyaltyTier,
    RevenueWindows,
)
from services.customers.domain.satisfaction import (
    PASSIVE_FROM,
    PROMOTER_FROM,
    NewSurveyResponse,
    SurveyKind,
    SurveySource,
)
from services.customers.models.accounts import CustomerRecord
from services.customers.models.health import CustomerHealthRecord
from services.customers.models.satisfaction import CaseCopyRecord, SurveyResponseRecord
from services.kit.db import Database, UTCDateTime
from services.kit.identity import Caller
from services.kit.outbox import record_event
from services.kit.protos import timestamp

T = TypeVar("T")

# Keys per IN list: well under every backend's bound-parameter limit.
IN_CHUNK = 500
# Accounts per transaction of the health timer: keeps the worker's transactions short.
REFRESH_BATCH = 200

# Kept by the customer archive from `pipeline.contract.*` events.
contract_revenue = sa.table(
    "contract_revenue",
    sa.column("contract_id", sa.String),
    sa.column("customer_id", sa.String),
    sa.column("region", sa.String),
    sa.column("value_minor", sa.BigInteger),
    sa.column("currency", sa.String),
    sa.column("signed_date", sa.Date),
    sa.column("status", sa.String),
)
# Kept by the interaction timeline.
timeline_entries = sa.table(
    "timeline_entries",
    sa.column("entry_id", sa.String),
    sa.column("customer_id", sa.String),
    sa.column("region", sa.String),
    sa.column("occurred_at", UTCDateTime),
    sa.column("kind", sa.String),
)
ACTIVE_CONTRACT = "active"


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- survey responses -------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseToWrite:
    """A checked response and what it is recorded against."""

    response: NewSurveyResponse
    region: str
    # The account's owner; "" when the account is not known (yet).
    owner_id: str


def write_survey_responses(
    session: Session,
    items: Sequence[ResponseToWrite],
    *,
    source: SurveySource,
    now: datetime,
    caller: Caller | None,
    case_id: str = "",
    source_event_id: str | None = None,
) -> list[SurveyResponseRecord]:
    """Add the responses and one `customers.satisfaction.recorded` each, in `session`."""
    actor = caller.subject if caller else "system"
    records = [
        SurveyResponseRecord(
            response_id=str(uuid.uuid4()),
            customer_id=item.response.customer_id,
            region=item.region,
            contact_id=item.response.contact_id,
            kind=item.response.kind.value,
            score=item.response.score,
            channel=item.response.channel.value,
            comment=item.response.comment,
            responded_at=item.response.responded_at,
            source=source.value,
            case_id=case_id,
            external_id=item.response.external_id or None,
            source_event_id=source_event_id,
            created_at=now,
            created_by=actor,
        )
        for item in items
    ]
    session.add_all(records)
    session.flush()
    for item, record in zip(items, records, strict=True):
        category = item.response.nps_category
        record_event(
            session,
            "customers.satisfaction.recorded",
            events.SatisfactionRecorded(
                response_id=record.response_id,
                customer_id=record.customer_id,
                region=record.region,
                owner_id=item.owner_id,
                kind=record.kind,
                score=record.score,
                responded_at=timestamp(record.responded_at),
                source=record.source,
                channel=record.channel,
                contact_id=record.contact_id,
                case_id=record.case_id,
                nps_category=category.value if category else "",
            ),
            region=record.region,
            caller=caller,
        )
    return records


def known_external_ids(session: Session, external_ids: Iterable[str]) -> dict[str, str]:
    """external_id -> response_id of the responses recorded with one of `external_ids`."""
    wanted = sorted({e for e in external_ids if e})
    found: dict[str, str] = {}
    for chunk in chunks(wanted):
        for external_id, response_id in session.execute(
            sa.select(SurveyResponseRecord.external_id, SurveyResponseRecord.response_id).where(
                SurveyResponseRecord.external_id.in_(chunk)
            )
        ):
            found[str(external_id)] = response_id
    return found


def load_customers(session: Session, customer_ids: Iterable[str]) -> dict[str, CustomerRecord]:
    """The accounts among `customer_ids` that exist, by id."""
    wanted = sorted(set(customer_ids))
    found: dict[str, CustomerRecord] = {}
    for chunk in chunks(wanted):
        for customer in session.scalars(
            sa.select(CustomerRecord).where(CustomerRecord.customer_id.in_(chunk))
        ):
            found[customer.customer_id] = customer
    return found


def surviving_account_id(session: Session, customer_id: str) -> str:
    """The account `customer_id` now lives on: itself, or the survivor it was merged into.

    A merge moves every record of the merged account to the survivor; an event
    that still names the merged account (it was on its way) follows it there.
    """
    seen = {customer_id}
    current = customer_id
    while True:
        merged_into = session.scalar(
            sa.select(CustomerRecord.merged_into).where(CustomerRecord.customer_id == current)
        )
        if not merged_into or merged_into in seen:
            return current
        seen.add(merged_into)
        current = merged_into


# --- health inputs ----------------------------------------------------------------------


def sum_where(condition: Any, value: Any = 1) -> Any:
    """SUM(value) over the rows meeting `condition`, 0 when none (COUNT with value 1)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def health_inputs(
    session: Session,
    customer_ids: Sequence[str],
    now: datetime,
    rules: HealthRules = DEFAULT_RULES,
) -> dict[str, HealthInputs]:
    """Each account's HealthInputs at `now`, read with a few grouped queries per chunk."""
    fields: dict[str, dict[str, Any]] = {cid: {} for cid in customer_ids}
    for chunk in chunks(list(customer_ids)):
        for name, values in _health_fields(session, list(chunk), now, rules).items():
            fields[name].update(values)
    return {cid: HealthInputs(**values) for cid, values in fields.items()}


def _health_fields(
    session: Session, ids: list[str], now: datetime, rules: HealthRules
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {cid: {} for cid in ids}
    responses = SurveyResponseRecord
    for cid, count, total in session.execute(
        sa.select(responses.customer_id, sa.func.count(), sa.func.sum(responses.score))
        .where(
            responses.customer_id.in_(ids),
            responses.kind == SurveyKind.CSAT.value,
            responses.responded_at >= now - timedelta(days=rules.satisfaction_window_days),
        )
        .group_by(responses.customer_id)
    ):
        out[cid].update(csat_responses=int(count), csat_score_sum=int(total or 0))
    for cid, promoters, passives, detractors in session.execute(
        sa.select(
            responses.customer_id,
            sum_where(responses.score >= PROMOTER_FROM),
            sum_where(sa.and_(responses.score >= PASSIVE_FROM, responses.score < PROMOTER_FROM)),
            sum_where(responses.score < PASSIVE_FROM),
        )
        .where(
            responses.customer_id.in_(ids),
            responses.kind == SurveyKind.NPS.value,
            responses.responded_at >= now - timedelta(days=rules.nps_window_days),
        )
        .group_by(responses.customer_id)
    ):
        out[cid].update(
            promoters=int(promoters), passives=int(passives), detractors=int(detractors)
        )
    cases = CaseCopyRecord
    overdue = sa.or_(cases.sla_breached_at.is_not(None), cases.due_at < now)
    for cid, open_count, overdue_count in session.execute(
        sa.select(cases.customer_id, sa.func.count(), sum_where(overdue))
        .where(cases.customer_id.in_(ids), cases.resolved_at.is_(None))
        .group_by(cases.customer_id)
    ):
        out[cid].update(open_cases=int(open_count), overdue_cases=int(overdue_count))
    timeline = timeline_entries.c
    for cid, last in session.execute(
        sa.select(timeline.customer_id, sa.func.max(timeline.occurred_at))
        .where(timeline.customer_id.in_(ids), timeline.occurred_at <= now)
        .group_by(timeline.customer_id)
    ):
        out[cid]["last_interaction_at"] = last
    today = now.date()
    previous_start, last_start = rules_of_health.revenue_window_starts(today)
    revenue = contract_revenue.c
    windows: dict[str, dict[str, RevenueWindows]] = {}
    for cid, currency, last_12, previous_12 in session.execute(
        sa.select(
            revenue.customer_id,
            revenue.currency,
            sum_where(revenue.signed_date >= last_start, revenue.value_minor),
            sum_where(revenue.signed_date < last_start, revenue.value_minor),
        )
        .where(
            revenue.customer_id.in_(ids),
            revenue.status == ACTIVE_CONTRACT,
            revenue.signed_date >= previous_start,
            revenue.signed_date <= today,
        )
        .group_by(revenue.customer_id, revenue.currency)
    ):
        windows.setdefault(cid, {})[str(currency)] = RevenueWindows(int(last_12), int(previous_12))
    for cid, by_currency in windows.items():
        out[cid]["revenue"] = by_currency
    for cid, first_signed, active in session.execute(
        sa.select(
            revenue.customer_id,
            sa.func.min(revenue.signed_date),
            sum_where(revenue.status == ACTIVE_CONTRACT),
        )
        .where(revenue.customer_id.in_(ids))
        .group_by(revenue.customer_id)
    ):
        out[cid].update(first_contract_signed=first_signed, has_active_contract=int(active) > 0)
    return out


# --- assessing and storing health -------------------------------------------------------


@dataclass(frozen=True)
class HealthChange:
    """What one refresh of an account found and emitted."""

    customer_id: str
    assessment: HealthAssessment
    loyalty: LoyaltyAssessment
    previous_band: HealthBand | None
    became_at_risk: bool
    previous_tier: LoyaltyTier
    tier_changed: bool


def factors_to_json(assessment: HealthAssessment) -> str:
    """The factors as stored with the assessment."""
    return json.dumps(
        [
            {
                "factor": f.factor.value,
                "points": f.points,
                "max_points": f.max_points,
                "reason": f.reason,
            }
            for f in assessment.factors
        ],
        separators=(",", ":"),
    )


def factors_from_json(text: str) -> list[dict[str, Any]]:
    """The stored factors as dicts with factor, points, max_points and reason."""
    loaded = json.loads(text or "[]")
    return [dict(item) for item in loaded] if isinstance(loaded, list) else []


def _insert_missing(session: Session, customers: Sequence[CustomerRecord], now: datetime) -> None:
    """Give every account a health row to lock; a row another transaction added is kept."""
    table = cast(sa.Table, CustomerHealthRecord.__table__)
    rows = [
        {
            "account_id": c.customer_id,
            "region": c.region,
            "score": 0,
            "band": "",
            "factors": "[]",
            "assessed_at": now,
            "band_since": now,
            "at_risk_count": 0,
            "loyalty_tier": LoyaltyTier.NONE.value,
            "relationship_years": 0,
            "loyalty_reason": "",
            "loyalty_since": None,
        }
        for c in customers
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - salesops runs on SQLite and PostgreSQL only
        raise RuntimeError(f"unsupported database {dialect}")
    session.execute(statement, rows)


def refresh_health(
    session: Session,
    customers: Sequence[CustomerRecord],
    now: datetime,
    *,
    caller: Caller | None = None,
    rules: HealthRules = DEFAULT_RULES,
    skip_locked: bool = False,
) -> list[HealthChange]:
    """Assess `customers` at `now`, store it, and emit what changed, in `session`.

    Each account's health row is locked for the transaction, so two
    refreshes of one account cannot both see it become at risk. An account
    that moves into the at-risk band gets one `customers.customer.at_risk`;
    a changed loyalty tier one `customers.loyalty.changed`. With
    `skip_locked` an account another transaction is refreshing is left to it.
    """
    by_id = {c.customer_id: c for c in customers}
    if not by_id:
        return []
    existing = set(
        session.scalars(
            sa.select(CustomerHealthRecord.account_id).where(
                CustomerHealthRecord.account_id.in_(sorted(by_id))
            )
        )
    )
    _insert_missing(session, [c for cid, c in sorted(by_id.items()) if cid not in existing], now)
    rows = {
        row.account_id: row
        for row in session.scalars(
            sa.select(CustomerHealthRecord)
            .where(CustomerHealthRecord.account_id.in_(sorted(by_id)))
            .order_by(CustomerHealthRecord.account_id)
            .with_for_update(skip_locked=skip_locked)
        )
    }
    inputs = health_inputs(session, sorted(rows), now, rules)
    changes = []
    for account_id, row in sorted(rows.items()):
        customer = by_id[account_id]
        changes.append(_store(session, customer, row, inputs[account_id], now, caller, rules))
    return changes


def _store(
    session: Session,
    customer: CustomerRecord,
    row: CustomerHealthRecord,
    inputs: HealthInputs,
    now: datetime,
    caller: Caller | None,
    rules: HealthRules,
) -> HealthChange:
    assessment = rules_of_health.assess_health(inputs, now, rules)
    loyalty = rules_of_health.assess_loyalty(inputs, assessment.band, now.date())
    previous_band = HealthBand(row.band) if row.band else None
    previous_tier = LoyaltyTier(row.loyalty_tier)
    became_at_risk = rules_of_health.becomes_at_risk(previous_band, assessment.band)
    if assessment.band is not previous_band:
        row.band_since = now
    row.region = customer.region
    row.score = assessment.score
    row.band = assessment.band.value
    row.factors = factors_to_json(assessment)
    row.assessed_at = now
    row.relationship_years = loyalty.relationship_years
    row.loyalty_reason = loyalty.reason[:500]
    factors = [
        events.CustomerHealthFactor(
            factor=f.factor.value, points=f.points, max_points=f.max_points, reason=f.reason
        )
        for f in assessment.factors
    ]
    if became_at_risk:
        row.at_risk_count += 1
        record_event(
            session,
            "customers.customer.at_risk",
            events.CustomerAtRisk(
                customer_id=customer.customer_id,
                region=customer.region,
                owner_id=customer.owner_id,
                score=assessment.score,
                previous_band=previous_band.value if previous_band else "",
                factors=factors,
                assessed_at=timestamp(now),
            ),
            region=customer.region,
            caller=caller,
        )
    tier_changed = loyalty.tier is not previous_tier
    if tier_changed:
        row.loyalty_tier = loyalty.tier.value
        row.loyalty_since = now
        record_event(
            session,
            "customers.loyalty.changed",
            events.LoyaltyTierChanged(
                customer_id=customer.customer_id,
                region=customer.region,
                owner_id=customer.owner_id,
                previous_tier=previous_tier.value,
                tier=loyalty.tier.value,
                relationship_years=loyalty.relationship_years,
                band=assessment.band.value,
                changed_at=timestamp(now),
            ),
            region=customer.region,
            caller=caller,
        )
    return HealthChange(
        customer.customer_id,
        assessment,
        loyalty,
        previous_band,
        became_at_risk,
        previous_tier,
        tier_changed,
    )


def refresh_customers_health(
    session: Session,
    customer_ids: Iterable[str],
    now: datetime,
    *,
    caller: Caller | None = None,
) -> list[HealthChange]:
    """Refresh the accounts among `customer_ids` that exist and were not merged away."""
    customers = load_customers(session, customer_ids)
    current = [c for _, c in sorted(customers.items()) if c.merged_into is None]
    return refresh_health(session, current, now, caller=caller)


@dataclass(frozen=True)
class HealthRefresh:
    """What a full refresh did."""

    assessed: int
    became_at_risk: int
    tier_changes: int
    dropped: int


def refresh_all_health(
    db: Database, now: datetime, batch_size: int = REFRESH_BATCH
) -> HealthRefresh:
    """Assess every account at `now`, a batch per transaction; drop rows of vanished accounts.

    Accounts another transaction is refreshing at that moment are skipped
    (it stores them); the next run catches anything else.
    """
    assessed = at_risk = tier_changes = 0
    after = ""
    while True:
        with db.transaction() as session:
            batch = list(
                session.scalars(
                    sa.select(CustomerRecord)
                    .where(CustomerRecord.customer_id > after, CustomerRecord.merged_into.is_(None))
                    .order_by(CustomerRecord.customer_id)
                    .limit(batch_size)
                )
            )
            if not batch:
                break
            changes = refresh_health(session, batch, now, skip_locked=True)
        after = batch[-1].customer_id
        assessed += len(changes)
        at_risk += sum(change.became_at_risk for change in changes)
        tier_changes += sum(change.tier_changed for change in changes)
        if len(batch) < batch_size:
            break
    with db.transaction() as session:
        # A merged or removed account's assessment is no one's any more.
        result = session.execute(
            sa.delete(CustomerHealthRecord).where(
                CustomerHealthRecord.account_id.not_in(
                    sa.select(CustomerRecord.customer_id).where(
                        CustomerRecord.merged_into.is_(None)
                    )
                )
            )
        )
        dropped = int(getattr(result, "rowcount", 0) or 0)
    return HealthRefresh(assessed, at_risk, tier_changes, dropped)
