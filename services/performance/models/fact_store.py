"""Reads of the fact store that every performance area shares (pure SQLAlchemy, no gRPC).

KPIs and scorecards, commissions, rewards and inspections all read the facts,
credits, quotas and reps that the worker keeps (`models/facts.py`); these are
the reads they have in common, so each area asks the same question the same way:

- `manager_chain`: the managers above a rep, nearest first (overlay credits,
  calibration, who may evaluate whom); `reps_managed_by`: the other way, every
  rep below a manager (a manager's scope).
- `credits_for`: a rep's credits in a span of days (direct, overlay and
  reversals; the commission engine sums them).
- `facts_for`: a rep's facts of some kinds in a span of days (the KPIs).
- `quota_for`: a rep's quota for a period, metric and product line.

Spans of days are half-open, `starts_on <= day < ends_on`, so consecutive
periods never count a day twice. Rows come in a stable order (day, then the
time recorded, then id) so a statement or a scorecard lists them the same way
each time.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit import rep_directory
from services.performance.models.facts import CreditRecord, FactRecord, QuotaRecord, RepRecord

# The chain walks are the kit's, over this service's reps copy.
manager_chain = partial(rep_directory.manager_chain, RepRecord)
reps_managed_by = partial(rep_directory.reps_managed_by, RepRecord)


def credits_for(
    session: Session, rep_id: str, starts_on: date, ends_on: date
) -> list[CreditRecord]:
    """The rep's credits (direct, overlay and reversals) credited in [starts_on, ends_on)."""
    return list(
        session.scalars(
            sa.select(CreditRecord)
            .where(
                CreditRecord.rep_id == rep_id,
                CreditRecord.credited_on >= starts_on,
                CreditRecord.credited_on < ends_on,
            )
            .order_by(CreditRecord.credited_on, CreditRecord.recorded_at, CreditRecord.credit_id)
        )
    )


def facts_for(
    session: Session, rep_id: str, kinds: Collection[str], starts_on: date, ends_on: date
) -> list[FactRecord]:
    """The rep's facts of `kinds` (FactKind values) that occurred in [starts_on, ends_on)."""
    if not kinds:
        return []
    return list(
        session.scalars(
            sa.select(FactRecord)
            .where(
                FactRecord.rep_id == rep_id,
                FactRecord.kind.in_([str(kind) for kind in kinds]),
                FactRecord.occurred_on >= starts_on,
                FactRecord.occurred_on < ends_on,
            )
            .order_by(FactRecord.occurred_on, FactRecord.occurred_at, FactRecord.fact_id)
        )
    )


def quota_for(
    session: Session,
    rep_id: str,
    period_code: str,
    metric: str = "revenue",
    product_line: str = "",
) -> QuotaRecord | None:
    """The rep's quota for the period, metric and product line ("" = every line), or None.

    Should two targets give the rep a quota for the same period, metric and
    product line (a plan replaced by a revised one), the most recently
    allocated one counts.
    """
    return session.scalar(
        sa.select(QuotaRecord)
        .where(
            QuotaRecord.rep_id == rep_id,
            QuotaRecord.period_code == period_code,
            QuotaRecord.metric == metric,
            QuotaRecord.product_line == product_line,
        )
        .order_by(QuotaRecord.source_occurred_at.desc(), QuotaRecord.target_id)
        .limit(1)
    )
