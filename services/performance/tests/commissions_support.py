"""What the commission tests share: the organisation, credits and quotas written directly.

    EMEA: mgr-a (manager) -> rep-1, rep-2; mgr-b (manager) -> rep-3
    APAC: rep-9

Credits and quotas are inserted as the fact handlers would leave them, so the
statement tests depend only on the tables' documented meaning.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from salesops.performance.v1 import commissions_pb2 as pb

from services.kit.db import Database
from services.performance.models.facts import CreditRecord, QuotaRecord
from services.performance.tests.facts_support import add_reps

T0 = datetime(2027, 1, 1, tzinfo=UTC)
REPS = (
    ("mgr-a", "EMEA", "team-a", "", "manager"),
    ("mgr-b", "EMEA", "team-b", "", "manager"),
    ("rep-1", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-2", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-3", "EMEA", "team-b", "mgr-b", "rep"),
    ("rep-9", "APAC", "apac-team", "", "rep"),
)


def seed_reps(db: Database) -> None:
    add_reps(db, REPS)


def add_credit(
    db: Database,
    rep_id: str,
    amount: int,
    on: date,
    *,
    credit_id: str = "",
    kind: str = "direct",
    product_line: str = "",
    reverses: str | None = None,
    region: str = "EMEA",
    currency: str = "EUR",
    from_rep_id: str = "",
) -> str:
    credit_id = credit_id or str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            CreditRecord(
                credit_id=credit_id,
                event_id=str(uuid.uuid4()),
                contract_id=str(uuid.uuid4()),
                opportunity_id="",
                customer_id="",
                region=region,
                rep_id=rep_id,
                team_id="",
                kind=kind,
                from_rep_id=from_rep_id,
                product_line=product_line,
                share_bp=10_000,
                currency=currency,
                amount_minor=amount,
                quantity=0,
                credited_on=on,
                reverses_credit_id=reverses,
                recorded_at=T0,
            )
        )
    return credit_id


def add_quota(db: Database, rep_id: str, period_code: str, amount: int) -> None:
    with db.transaction() as session:
        session.add(
            QuotaRecord(
                target_id=str(uuid.uuid4()),
                rep_id=rep_id,
                plan_id="plan-1",
                region="EMEA",
                period_code=period_code,
                metric="revenue",
                product_line="",
                currency="EUR",
                amount_minor=amount,
                quantity=0,
                event_id=str(uuid.uuid4()),
                source_occurred_at=T0,
            )
        )


def tiered_rules() -> pb.CommissionRules:
    """Base 5%; marginal: 0-50% at 2%, 50-100% at 5%, 100% and above at 8%."""
    return pb.CommissionRules(
        base_rate_bp=500,
        tier_mode=pb.COMMISSION_TIER_MODE_MARGINAL,
        tiers=[
            pb.CommissionTier(from_bp=0, to_bp=5000, rate_bp=200, name="decelerator"),
            pb.CommissionTier(from_bp=5000, to_bp=10000, rate_bp=500, name="target"),
            pb.CommissionTier(from_bp=10000, to_bp=0, rate_bp=800, name="accelerator"),
        ],
    )
