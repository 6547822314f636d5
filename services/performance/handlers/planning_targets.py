"""Rep quotas from `planning.target.allocated`.

Each rep allocation of a target is upserted into `quotas` (key: target and
rep) with its plan, period, metric, product line and value: an amount and
currency for revenue, a quantity for every other metric. An allocation older
than the one that set the row (`source_occurred_at`) never overwrites it, so
a reallocation replayed late does not bring back an old quota. Allocations to
org units are not quotas of anyone and are ignored.
"""

from __future__ import annotations

import re
from typing import Any

from salesops.events.v1 import planning_plan_events_pb2 as plans
from sqlalchemy.orm import Session

from services.kit.events import MalformedEvent, read_payload
from services.kit.worker import subscribe
from services.performance.models.fact_writes import envelope_instant, region_of, required
from services.performance.models.facts import QuotaRecord

METRICS = frozenset({"revenue", "units", "new_customers", "market_share_bp", "activity_count"})
_PERIOD = re.compile(r"^FY\d{4}(-(Q[1-4]|M(0[1-9]|1[0-2])))?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _checked(event: plans.TargetAllocated) -> tuple[str, str, str]:
    """(target id, plan id, period code), or MalformedEvent naming every problem."""
    target_id = required(event.target_id, "TargetAllocated.target_id")
    problems = []
    if not event.plan_id.strip():
        problems.append("no plan_id")
    period = event.period_code.strip()
    if not _PERIOD.match(period):
        problems.append(f"period_code {event.period_code!r} is not a fiscal period code")
    if event.metric not in METRICS:
        problems.append(f"metric {event.metric!r} is not one of {', '.join(sorted(METRICS))}")
    if event.metric == "revenue" and not _CURRENCY.match(event.amount.currency):
        problems.append(f"amount.currency {event.amount.currency!r} is not ISO 4217")
    if problems:
        raise MalformedEvent(f"TargetAllocated has {'; '.join(problems)}")
    return target_id, event.plan_id.strip(), period


class PlanningTargetHandlers:
    """`planning.target.allocated` (rep allocations) applied to `quotas`."""

    @subscribe("planning", "target.allocated")
    def facts_on_target_allocated(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, plans.TargetAllocated)
        rep_id = event.rep_id.strip()
        if not rep_id:
            return  # a unit's share: not anyone's quota
        target_id, plan_id, period_code = _checked(event)
        region = region_of(event.region, envelope)
        at = envelope_instant(envelope)
        quota = session.get(QuotaRecord, (target_id, rep_id), with_for_update=True)
        if quota is None:
            quota = QuotaRecord(target_id=target_id, rep_id=rep_id)
            session.add(quota)
        elif at < quota.source_occurred_at:
            return  # an older allocation: the newer one stands
        revenue = event.metric == "revenue"
        quota.plan_id, quota.region, quota.period_code = plan_id, region, period_code
        quota.metric, quota.product_line = event.metric, event.product_line.strip()
        quota.currency = event.amount.currency if revenue else ""
        quota.amount_minor = event.amount.amount_minor if revenue else 0
        quota.quantity = 0 if revenue else event.quantity
        quota.event_id = str(envelope["event_id"])
        quota.source_occurred_at = at
