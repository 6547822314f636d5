"""Handlers of the pipeline's contract events: the sales facts that attainment counts.

`pipeline.contract.signed` writes one `sales_facts` row per split rep and
product line: the rep's share (share_bp) of the line's amount and quantity,
exact by largest remainder, so a contract's rows sum exactly to its lines (no
lines: one line of the contract value, product line "", quantity 0; no
splits: the owner gets it all). Each row's unit is the rep's team on the
signing day (the assignment history, else the rep's current team; "" for an
unknown rep). A customer with no standing first contract becomes new with
this one: `new_customers` = 1 on the owner's first row.

`pipeline.contract.cancelled` writes the negated mirror of the signed rows,
booked on the cancellation day; a cancelled first contract takes its new
customer back (-1) and the customer has no first contract again (a later
signature makes it new; contracts signed in between are not promoted).

Out of order and repeats: both handlers lock the contract's
`contract_bookings` row first. A cancellation before its signature is
recorded there; the late signature books its rows and their reversal
together, so the contract nets to zero. A second signature or cancellation
of the same contract (a replay under another event id) changes nothing.

After booking, every rep and unit (with the units above it) the rows touch
is checked against its targets of the booking day's year, quarter and month,
and `planning.target.attained` is written when one reaches 100%.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import pipeline_sales_events_pb2 as sales
from sqlalchemy.orm import Session

from services.kit.config import Settings
from services.kit.db import utcnow
from services.kit.errors import InvalidArgument
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.fiscal import FiscalCalendar
from services.kit.rounding import BASIS_POINTS
from services.kit.worker import subscribe
from services.planning.domain import attainment as domain
from services.planning.models import attainment_store as store
from services.planning.models.attainment import ContractBookingRecord
from services.planning.models.facts import CustomerCopyRecord, SalesFactRecord
from services.planning.models.organisation import PersonRecord, RepAssignmentRecord

SIGNED, CANCELLED = "signed", "cancelled"


def _day(value: str, field_name: str, envelope: dict[str, Any]) -> date:
    if value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise MalformedEvent(f"{field_name} {value!r} is not an ISO 8601 date") from None
    happened = occurred_at(envelope) or utcnow()
    return happened.date()


def _checked(event: sales.ContractSigned | sales.ContractCancelled, what: str) -> None:
    problems = [f"no {name}" for name in ("contract_id",) if not getattr(event, name).strip()]
    if not domain.is_currency(event.value.currency):
        problems.append(f"value.currency {event.value.currency!r} is not ISO 4217")
    if problems:
        raise MalformedEvent(f"{what} has {', '.join(problems)}")


def team_on(session: Session, rep_id: str, day: date) -> str:
    """The rep's unit on `day`: the assignment history, else their current team, else ""."""
    unit = session.scalar(
        sa.select(RepAssignmentRecord.unit_id)
        .where(
            RepAssignmentRecord.rep_id == rep_id,
            RepAssignmentRecord.effective_from <= day,
            sa.or_(
                RepAssignmentRecord.effective_to.is_(None),
                RepAssignmentRecord.effective_to >= day,
            ),
        )
        .order_by(RepAssignmentRecord.effective_from.desc(), RepAssignmentRecord.id)
        .limit(1)
    )
    if unit:
        return unit
    person = session.get(PersonRecord, rep_id)
    return person.team_unit_id if person is not None else ""


def _booking(session: Session, contract_id: str) -> ContractBookingRecord:
    """The contract's booking row, locked; created if new (a racing insert fails and is retried)."""
    booking = session.get(ContractBookingRecord, contract_id, with_for_update=True)
    if booking is None:
        booking = ContractBookingRecord(
            contract_id=contract_id,
            signed_event_id="",
            cancelled_event_id="",
            cancelled_on=None,
            updated_at=utcnow(),
        )
        session.add(booking)
        session.flush()
    return booking


def _contract_lines(event: sales.ContractSigned) -> list[domain.ContractLine]:
    if not event.product_lines:
        return [domain.ContractLine("", event.value.currency, event.value.amount_minor, 0)]
    return [
        domain.ContractLine(
            line.product_line.strip(),
            line.amount.currency or event.value.currency,
            line.amount.amount_minor,
            line.quantity,
        )
        for line in event.product_lines
    ]


def _customer(session: Session, customer_id: str, region: str) -> CustomerCopyRecord:
    """The customer's copy, locked; created bare when the customer's own event is still to come."""
    customer = session.get(CustomerCopyRecord, customer_id, with_for_update=True)
    if customer is None:
        customer = CustomerCopyRecord(
            customer_id=customer_id,
            region=region,
            country="",
            industry="",
            owner_id="",
            first_contract_id=None,
            created_at=utcnow(),
        )
        session.add(customer)
        session.flush()
    return customer


def book_signed(
    session: Session, envelope: dict[str, Any], calendar: FiscalCalendar
) -> list[SalesFactRecord]:
    """Write the facts of a signed contract (see the module docstring); the rows written."""
    event = read_payload(envelope, sales.ContractSigned)
    _checked(event, "ContractSigned")
    contract_id = event.contract_id.strip()
    signed_on = _day(event.signed_date, "signed_date", envelope)
    owner = event.owner_id.strip()
    splits = [(s.rep_id.strip(), s.share_bp) for s in event.splits if s.rep_id.strip()]
    if not splits:
        if not owner:
            raise MalformedEvent("ContractSigned has neither splits nor an owner_id")
        splits = [(owner, BASIS_POINTS)]
    try:
        credits = domain.credit_splits(_contract_lines(event), splits)
    except InvalidArgument as bad:
        raise MalformedEvent(f"ContractSigned cannot be split: {bad.message}") from None
    booking = _booking(session, contract_id)
    if booking.signed_event_id:
        return []  # the same contract signed again under another event id
    booking.signed_event_id = str(envelope["event_id"])
    booking.updated_at = utcnow()
    region = (event.region or str(envelope.get("region") or "")).strip().upper()
    customer_id = event.customer_id.strip()
    new_customer = False
    if customer_id:
        customer = _customer(session, customer_id, region)
        if customer.first_contract_id is None:
            customer.first_contract_id = contract_id
            new_customer = True
    teams: dict[str, str] = {}
    now = utcnow()
    rows: list[SalesFactRecord] = []
    for credit in credits:
        if credit.rep_id not in teams:
            teams[credit.rep_id] = team_on(session, credit.rep_id, signed_on)
        rows.append(
            SalesFactRecord(
                fact_id=str(uuid.uuid4()),
                event_id=str(envelope["event_id"]),
                contract_id=contract_id,
                kind=SIGNED,
                region=region,
                rep_id=credit.rep_id,
                unit_id=teams[credit.rep_id],
                customer_id=customer_id,
                product_line=credit.product_line,
                currency=credit.currency,
                amount_minor=credit.amount_minor,
                quantity=credit.quantity,
                new_customers=0,
                booked_on=signed_on,
                recorded_at=now,
            )
        )
    if new_customer:
        owners_rows = [row for row in rows if row.rep_id == owner]
        (owners_rows or rows)[0].new_customers = 1
    session.add_all(rows)
    session.flush()
    if booking.cancelled_on is not None:
        # The cancellation came first: reverse at once, so the contract nets to zero.
        rows += _reverse(session, rows, booking.cancelled_event_id, booking.cancelled_on)
    return rows


def _reverse(
    session: Session, signed: list[SalesFactRecord], event_id: str, cancelled_on: date
) -> list[SalesFactRecord]:
    now = utcnow()
    mirror = [
        SalesFactRecord(
            fact_id=str(uuid.uuid4()),
            event_id=event_id,
            contract_id=row.contract_id,
            kind=CANCELLED,
            region=row.region,
            rep_id=row.rep_id,
            unit_id=row.unit_id,
            customer_id=row.customer_id,
            product_line=row.product_line,
            currency=row.currency,
            amount_minor=-row.amount_minor,
            quantity=-row.quantity,
            new_customers=-row.new_customers,
            booked_on=cancelled_on,
            recorded_at=now,
        )
        for row in signed
    ]
    session.add_all(mirror)
    customer_ids = {row.customer_id for row in signed if row.customer_id}
    for customer_id in customer_ids:
        customer = session.get(CustomerCopyRecord, customer_id, with_for_update=True)
        if customer is not None and customer.first_contract_id == signed[0].contract_id:
            customer.first_contract_id = None
    session.flush()
    return mirror


def book_cancelled(session: Session, envelope: dict[str, Any]) -> list[SalesFactRecord]:
    """Write the reversal of a cancelled contract (see the module docstring); the rows written."""
    event = read_payload(envelope, sales.ContractCancelled)
    _checked(event, "ContractCancelled")
    contract_id = event.contract_id.strip()
    cancelled_on = _day(event.cancelled_date, "cancelled_date", envelope)
    booking = _booking(session, contract_id)
    if booking.cancelled_event_id:
        return []  # cancelled already
    booking.cancelled_event_id = str(envelope["event_id"])
    booking.cancelled_on = cancelled_on
    booking.updated_at = utcnow()
    signed = list(
        session.scalars(
            sa.select(SalesFactRecord)
            .where(SalesFactRecord.contract_id == contract_id, SalesFactRecord.kind == SIGNED)
            .order_by(SalesFactRecord.recorded_at, SalesFactRecord.fact_id)
        )
    )
    if not signed:
        return []  # recorded: the late signature reverses itself
    return _reverse(session, signed, booking.cancelled_event_id, cancelled_on)


def check_after_booking(
    session: Session, calendar: FiscalCalendar, rows: list[SalesFactRecord]
) -> int:
    """Check the targets of every rep and unit (and the units above) the rows touch."""
    if not rows:
        return 0
    subjects = {("", row.rep_id) for row in rows}
    for unit_id in {row.unit_id for row in rows if row.unit_id}:
        subjects.update((unit, "") for unit in store.unit_ancestors(session, unit_id))
    return store.check_targets_attained(
        session, calendar, subjects, {row.booked_on for row in rows}
    )


def _calendar() -> FiscalCalendar:
    return FiscalCalendar(Settings.from_env().fiscal_year_start_month)


class PipelineContractHandlers:
    """Sales facts from `pipeline.contract.signed` and `pipeline.contract.cancelled`."""

    @subscribe("pipeline", "contract.signed")
    def attainment_contract_signed(self, session: Session, envelope: dict[str, Any]) -> None:
        calendar = _calendar()
        check_after_booking(session, calendar, book_signed(session, envelope, calendar))

    @subscribe("pipeline", "contract.cancelled")
    def attainment_contract_cancelled(self, session: Session, envelope: dict[str, Any]) -> None:
        check_after_booking(session, _calendar(), book_cancelled(session, envelope))
