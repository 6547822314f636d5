"""Handlers of the pipeline's contract events: the revenue copy behind lifetime value and tiers.

`pipeline.contract.signed` adds a contract to `contract_revenue` as active;
`pipeline.contract.cancelled` marks it cancelled. A cancellation is final:
when it arrives before the signature (events may come out of order), the
row is written cancelled and the late signature leaves it so. A second
event about the same contract (a replay under another event id) changes
nothing. A contract of an account that was merged away counts for the
survivor. After a change the account is re-tiered, and a prospect with an
active contract becomes active.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from salesops.events.v1 import pipeline_sales_events_pb2 as sales
from sqlalchemy.orm import Session

from services.customers.domain.segmentation import CURRENCY_PATTERN, ContractStatus
from services.customers.models import archive_store as store
from services.customers.models.revenue import ContractRevenueRecord
from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.worker import subscribe

ContractEvent = sales.ContractSigned | sales.ContractCancelled


def _signed_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise MalformedEvent(f"signed_date {value!r} is not an ISO 8601 date") from None


def _checked(event: ContractEvent, what: str) -> None:
    missing = [name for name in ("contract_id", "customer_id") if not getattr(event, name).strip()]
    if missing:
        raise MalformedEvent(f"{what} has no {', '.join(missing)}")
    if not CURRENCY_PATTERN.match(event.value.currency):
        raise MalformedEvent(f"{what}.value.currency {event.value.currency!r} is not ISO 4217")


def apply_contract(
    session: Session, envelope: dict[str, Any], event: ContractEvent, status: ContractStatus
) -> None:
    """Record a signature or cancellation in `contract_revenue`, then refresh the account."""
    happened = occurred_at(envelope) or utcnow()
    survivor = store.surviving_customer(session, event.customer_id.strip())
    customer_id = survivor.customer_id if survivor is not None else event.customer_id.strip()
    row = session.get(ContractRevenueRecord, event.contract_id.strip(), with_for_update=True)
    if row is None:
        session.add(
            ContractRevenueRecord(
                contract_id=event.contract_id.strip(),
                customer_id=customer_id,
                region=(event.region or str(envelope.get("region") or "")).strip().upper(),
                value_minor=event.value.amount_minor,
                currency=event.value.currency,
                signed_date=_signed_date(event.signed_date),
                status=status.value,
                source_occurred_at=happened,
            )
        )
    elif row.status == ContractStatus.ACTIVE and status == ContractStatus.CANCELLED:
        row.status = status.value
        row.source_occurred_at = happened
    else:
        return  # a repeat, or a signature after the (final) cancellation
    session.flush()
    if survivor is not None:
        store.refresh_from_revenue(session, survivor, None, utcnow())


class ContractRevenueHandlers:
    """The revenue the archive takes from the pipeline's contracts."""

    @subscribe("pipeline", "contract.signed")
    def revenue_contract_signed(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.ContractSigned)
        _checked(event, "ContractSigned")
        apply_contract(session, envelope, event, ContractStatus.ACTIVE)

    @subscribe("pipeline", "contract.cancelled")
    def revenue_contract_cancelled(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.ContractCancelled)
        _checked(event, "ContractCancelled")
        apply_contract(session, envelope, event, ContractStatus.CANCELLED)
