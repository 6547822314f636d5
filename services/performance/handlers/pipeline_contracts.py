"""Facts and sales credits from the pipeline's contract events.

`pipeline.contract.signed` writes, for each split rep and product line (the
rep's share, exact by largest remainder, see `domain.credits`; no lines: one
line of the contract value; no splits: the owner gets it all):

- a CONTRACT_SIGNED fact (amount and quantity = the rep's share, value_bp =
  the rep's split share, subject = the contract), on the signing day;
- a direct credit, and an overlay credit of the same amount for each manager
  up the rep's chain (`reps.manager_id`, to `SALESOPS_PERFORMANCE_OVERLAY_LEVELS`
  levels, default 2; 100% overlay) with `from_rep_id` = the rep.

Teams are the reps' (and managers') teams in the local directory when the
event is handled. A customer with no standing first contract becomes new with
this one: a NEW_CUSTOMER fact (quantity 1, subject = the customer, detail =
the contract) for the owner.

`pipeline.contract.cancelled` writes CONTRACT_CANCELLED facts, the negated
mirror of the signed ones, on the cancellation day; takes the new customer
back (NEW_CUSTOMER -1) when the contract was the customer's first (the next
contract signed makes them new again); and, when the cancellation is at most
`SALESOPS_PERFORMANCE_CLAWBACK_DAYS` (default 180) days after the signing day,
a reversal credit for every credit of the contract (direct and overlay,
`reverses_credit_id`), credited on the cancellation day. Later than that the
credits stand; the facts still record the cancellation.

Out of order and repeats: both handlers lock the contract's row in
`fact_contract_bookings` first. A cancellation before its signature is kept
there (nothing else is written: the splits are the signature's); the late
signature books its facts and credits and then the cancellation's, as if they
had come in order. A second signature or cancellation of the same contract (a
replay under another event id) changes nothing.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import pipeline_sales_events_pb2 as sales
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.errors import InvalidArgument
from services.kit.events import MalformedEvent, read_payload
from services.kit.rounding import BASIS_POINTS
from services.kit.worker import subscribe
from services.performance.domain import credits as domain
from services.performance.models.fact_bookings import (
    ContractBookingRecord,
    CustomerFirstContractRecord,
)
from services.performance.models.fact_store import manager_chain
from services.performance.models.fact_writes import (
    day_or_envelope,
    envelope_instant,
    new_fact,
    region_of,
    required,
    start_of,
    team_of,
)
from services.performance.models.facts import CreditKind, CreditRecord, FactKind, FactRecord

CANCELLED_EVENT = "pipeline.contract.cancelled"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _at_day(envelope: dict[str, Any], day: date) -> datetime:
    """The envelope's instant when it falls on `day`, else the day's first instant."""
    happened = envelope_instant(envelope)
    return happened if happened.date() == day else start_of(day)


def _lines(event: sales.ContractSigned) -> list[domain.ContractLine]:
    problems = []
    if not _CURRENCY.match(event.value.currency):
        problems.append(f"value.currency {event.value.currency!r} is not ISO 4217")
    lines = [
        domain.ContractLine(
            line.product_line.strip(),
            line.amount.currency or event.value.currency,
            line.amount.amount_minor,
            line.quantity,
        )
        for line in event.product_lines
    ]
    for index, line in enumerate(lines):
        if not _CURRENCY.match(line.currency):
            problems.append(f"product_lines[{index}].amount.currency is not ISO 4217")
    if problems:
        raise MalformedEvent(f"ContractSigned has {', '.join(problems)}")
    return lines or [domain.ContractLine("", event.value.currency, event.value.amount_minor, 0)]


def _direct_credits(event: sales.ContractSigned) -> list[domain.SplitCredit]:
    owner = event.owner_id.strip()
    splits = [(s.rep_id.strip(), s.share_bp) for s in event.splits if s.rep_id.strip()]
    if not splits:
        if not owner:
            raise MalformedEvent("ContractSigned has neither splits nor an owner_id")
        splits = [(owner, BASIS_POINTS)]
    try:
        return domain.credit_splits(_lines(event), splits)
    except InvalidArgument as bad:
        raise MalformedEvent(f"ContractSigned cannot be split: {bad.message}") from None


def _booking(session: Session, contract_id: str, region: str) -> ContractBookingRecord:
    """The contract's booking row, locked; created if new (a racing insert fails and is retried)."""
    booking = session.get(ContractBookingRecord, contract_id, with_for_update=True)
    if booking is None:
        booking = ContractBookingRecord(
            contract_id=contract_id,
            region=region,
            customer_id="",
            signed_event_id="",
            signed_on=None,
            new_customer=False,
            cancelled_event_id="",
            cancelled_on=None,
            cancelled_at=None,
            credits_reversed=False,
            updated_at=utcnow(),
        )
        session.add(booking)
        session.flush()
    return booking


def _claims_first_contract(session: Session, customer_id: str, contract_id: str) -> bool:
    """Make `contract_id` the customer's first when none stands; whether it did."""
    first = session.get(CustomerFirstContractRecord, customer_id, with_for_update=True)
    if first is None:
        session.add(
            CustomerFirstContractRecord(
                customer_id=customer_id, first_contract_id=contract_id, updated_at=utcnow()
            )
        )
        session.flush()
        return True
    if first.first_contract_id is None:
        first.first_contract_id = contract_id
        first.updated_at = utcnow()
        return True
    return False


class _Teams:
    """Teams and manager chains looked up once per handled event."""

    def __init__(self, session: Session, levels: int) -> None:
        self.session, self.levels = session, levels
        self._teams: dict[str, str] = {}
        self._chains: dict[str, list[str]] = {}

    def team(self, rep_id: str) -> str:
        if rep_id not in self._teams:
            self._teams[rep_id] = team_of(self.session, rep_id)
        return self._teams[rep_id]

    def chain(self, rep_id: str) -> list[str]:
        if rep_id not in self._chains:
            self._chains[rep_id] = manager_chain(self.session, rep_id, self.levels)
        return self._chains[rep_id]


def book_signed(
    session: Session, envelope: dict[str, Any], *, overlay_levels: int, clawback_days: int
) -> None:
    """Write the facts and credits of a signed contract (see the module docstring)."""
    event = read_payload(envelope, sales.ContractSigned)
    contract_id = required(event.contract_id, "ContractSigned.contract_id")
    region = region_of(event.region, envelope)
    direct = _direct_credits(event)
    signed_on = day_or_envelope(event.signed_date, "ContractSigned.signed_date", envelope)
    booking = _booking(session, contract_id, region)
    if booking.signed_event_id:
        return  # the same contract signed again under another event id
    event_id = str(envelope["event_id"])
    customer_id = event.customer_id.strip()
    booking.signed_event_id, booking.signed_on = event_id, signed_on
    booking.region, booking.customer_id = region, customer_id
    booking.updated_at = utcnow()
    at = _at_day(envelope, signed_on)
    teams = _Teams(session, overlay_levels)
    facts = [
        new_fact(
            envelope,
            kind=FactKind.CONTRACT_SIGNED,
            region=region,
            rep_id=credit.rep_id,
            team_id=teams.team(credit.rep_id),
            subject_id=contract_id,
            occurred=at,
            currency=credit.currency,
            amount_minor=credit.amount_minor,
            quantity=credit.quantity,
            value_bp=credit.share_bp,
            product_line=credit.product_line,
        )
        for credit in direct
    ]
    if customer_id and _claims_first_contract(session, customer_id, contract_id):
        booking.new_customer = True
        owner = event.owner_id.strip() or direct[0].rep_id
        facts.append(
            new_fact(
                envelope,
                kind=FactKind.NEW_CUSTOMER,
                region=region,
                rep_id=owner,
                team_id=teams.team(owner),
                subject_id=customer_id,
                occurred=at,
                quantity=1,
                detail=contract_id,
            )
        )
    session.add_all(facts)
    credit_rows = _credit_rows(event, envelope, contract_id, region, signed_on, direct, teams)
    session.add_all(credit_rows)
    session.flush()
    if booking.cancelled_event_id:
        # The cancellation came first: book it now, as if it had come in order.
        _book_cancellation(session, booking, clawback_days)


def _credit_rows(
    event: sales.ContractSigned,
    envelope: dict[str, Any],
    contract_id: str,
    region: str,
    signed_on: date,
    direct: list[domain.SplitCredit],
    teams: _Teams,
) -> list[CreditRecord]:
    now = utcnow()

    def row(rep_id: str, kind: str, credit: domain.SplitCredit, from_rep: str) -> CreditRecord:
        return CreditRecord(
            credit_id=str(uuid.uuid4()),
            event_id=str(envelope["event_id"]),
            contract_id=contract_id,
            opportunity_id=event.opportunity_id.strip(),
            customer_id=event.customer_id.strip(),
            region=region,
            rep_id=rep_id,
            team_id=teams.team(rep_id),
            kind=kind,
            from_rep_id=from_rep,
            product_line=credit.product_line,
            share_bp=credit.share_bp,
            currency=credit.currency,
            amount_minor=credit.amount_minor,
            quantity=credit.quantity,
            credited_on=signed_on,
            reverses_credit_id=None,
            recorded_at=now,
        )

    rows = [row(credit.rep_id, CreditKind.DIRECT, credit, "") for credit in direct]
    chains = {credit.rep_id: teams.chain(credit.rep_id) for credit in direct}
    rows += [
        row(overlay.manager_id, CreditKind.OVERLAY, overlay.credit, overlay.from_rep_id)
        for overlay in domain.overlay_credits(direct, chains)
    ]
    return rows


def _book_cancellation(
    session: Session, booking: ContractBookingRecord, clawback_days: int
) -> None:
    """The cancellation of a signed contract: mirrored facts, new customer back, clawback."""
    assert booking.cancelled_on is not None and booking.cancelled_at is not None
    assert booking.signed_on is not None
    source = {"event_id": booking.cancelled_event_id, "type": CANCELLED_EVENT}
    # Everything the signature wrote: its CONTRACT_SIGNED facts and any NEW_CUSTOMER.
    signed = session.scalars(
        sa.select(FactRecord)
        .where(
            FactRecord.event_id == booking.signed_event_id,
            FactRecord.kind.in_([FactKind.CONTRACT_SIGNED, FactKind.NEW_CUSTOMER]),
        )
        .order_by(FactRecord.recorded_at, FactRecord.fact_id)
    )
    mirror = [
        new_fact(
            source,
            kind=(
                FactKind.CONTRACT_CANCELLED
                if fact.kind == FactKind.CONTRACT_SIGNED
                else FactKind.NEW_CUSTOMER
            ),
            region=fact.region,
            rep_id=fact.rep_id,
            team_id=fact.team_id,
            subject_id=fact.subject_id,
            occurred=booking.cancelled_at,
            occurred_on=booking.cancelled_on,
            currency=fact.currency,
            amount_minor=-fact.amount_minor,
            quantity=-fact.quantity,
            value_bp=fact.value_bp,
            product_line=fact.product_line,
            detail=fact.detail,
        )
        for fact in signed
    ]
    session.add_all(mirror)
    if booking.new_customer:
        first = session.get(CustomerFirstContractRecord, booking.customer_id, with_for_update=True)
        if first is not None and first.first_contract_id == booking.contract_id:
            first.first_contract_id = None
            first.updated_at = utcnow()
    if domain.within_clawback(booking.signed_on, booking.cancelled_on, clawback_days):
        booking.credits_reversed = True
        session.add_all(_reversals(session, booking))
    session.flush()


def _reversals(session: Session, booking: ContractBookingRecord) -> list[CreditRecord]:
    assert booking.cancelled_on is not None
    now = utcnow()
    credits = session.scalars(
        sa.select(CreditRecord)
        .where(
            CreditRecord.contract_id == booking.contract_id,
            CreditRecord.reverses_credit_id.is_(None),
        )
        .order_by(CreditRecord.recorded_at, CreditRecord.credit_id)
    )
    return [
        CreditRecord(
            credit_id=str(uuid.uuid4()),
            event_id=booking.cancelled_event_id,
            contract_id=credit.contract_id,
            opportunity_id=credit.opportunity_id,
            customer_id=credit.customer_id,
            region=credit.region,
            rep_id=credit.rep_id,
            team_id=credit.team_id,
            kind=credit.kind,
            from_rep_id=credit.from_rep_id,
            product_line=credit.product_line,
            share_bp=credit.share_bp,
            currency=credit.currency,
            amount_minor=-credit.amount_minor,
            quantity=-credit.quantity,
            credited_on=booking.cancelled_on,
            reverses_credit_id=credit.credit_id,
            recorded_at=now,
        )
        for credit in credits
    ]


def book_cancelled(session: Session, envelope: dict[str, Any], *, clawback_days: int) -> None:
    """Record a cancellation and book it if the signature is in (see the module docstring)."""
    event = read_payload(envelope, sales.ContractCancelled)
    contract_id = required(event.contract_id, "ContractCancelled.contract_id")
    region = region_of(event.region, envelope)
    cancelled_on = day_or_envelope(
        event.cancelled_date, "ContractCancelled.cancelled_date", envelope
    )
    booking = _booking(session, contract_id, region)
    if booking.cancelled_event_id:
        return  # cancelled already
    booking.cancelled_event_id = str(envelope["event_id"])
    booking.cancelled_on = cancelled_on
    booking.cancelled_at = _at_day(envelope, cancelled_on)
    booking.updated_at = utcnow()
    if booking.signed_event_id:
        _book_cancellation(session, booking, clawback_days)


class PipelineContractHandlers:
    """Facts and credits from `pipeline.contract.signed` and `pipeline.contract.cancelled`."""

    @subscribe("pipeline", "contract.signed")
    def facts_on_contract_signed(self, session: Session, envelope: dict[str, Any]) -> None:
        book_signed(
            session,
            envelope,
            overlay_levels=domain.overlay_levels_from_env(),
            clawback_days=domain.clawback_days_from_env(),
        )

    @subscribe("pipeline", "contract.cancelled")
    def facts_on_contract_cancelled(self, session: Session, envelope: dict[str, Any]) -> None:
        book_cancelled(session, envelope, clawback_days=domain.clawback_days_from_env())
