"""Consent over gRPC on SQLite and PostgreSQL: an append-only history and its current state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from salesops.customers.v1 import contacts_pb2 as pb

from services.customers.models.consent import ConsentRecord
from services.customers.tests.contacts_support import (
    APAC_MANAGER,
    EXECUTIVE,
    MANAGER,
    REP,
    REP2,
    Stubs,
    add_contact,
    count,
    db,
    failure,
    field_violations,
    open_account,
    stubs,
    worker,
)
from services.kit.db import Database

__all__ = ["db", "stubs", "worker"]


@pytest.fixture
def contact(worker: Any, db: Database, stubs: Stubs) -> Any:
    customer_id = open_account(worker, db, owner_id="rep-1")
    return add_contact(stubs, customer_id)


def stamp(value: datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(value)
    return result


def give(
    stubs: Stubs,
    contact: Any,
    channel: Any = pb.CONTACT_CHANNEL_EMAIL,
    basis: Any = pb.LAWFUL_BASIS_CONSENT,
    who: list[tuple[str, str]] = REP,
    **fields: Any,
) -> Any:
    request = pb.RecordConsentRequest(
        contact_id=contact.contact_id, channel=channel, lawful_basis=basis, **fields
    )
    return stubs.contacts.RecordConsent(request, metadata=who).consent


def withdraw(stubs: Stubs, contact: Any, channel: Any = pb.CONTACT_CHANNEL_EMAIL) -> Any:
    request = pb.WithdrawConsentRequest(contact_id=contact.contact_id, channel=channel)
    return stubs.contacts.WithdrawConsent(request, metadata=REP).consent


def state(consent: Any) -> list[tuple[int, int, int]]:
    return [(r.channel, r.status, r.lawful_basis) for r in consent.current]


def test_give_withdraw_and_give_again_keeps_every_statement(stubs: Stubs, contact: Any) -> None:
    first = give(stubs, contact, source="newsletter form")
    assert state(first) == [
        (pb.CONTACT_CHANNEL_EMAIL, pb.CONSENT_STATUS_GIVEN, pb.LAWFUL_BASIS_CONSENT)
    ]
    assert first.history[0].source == "newsletter form"
    assert first.history[0].recorded_by == "rep-1"
    withdrawn = withdraw(stubs, contact)
    # The withdrawal names the basis it withdrew.
    assert state(withdrawn) == [
        (pb.CONTACT_CHANNEL_EMAIL, pb.CONSENT_STATUS_WITHDRAWN, pb.LAWFUL_BASIS_CONSENT)
    ]
    again = give(stubs, contact, basis=pb.LAWFUL_BASIS_LEGITIMATE_INTEREST)
    give(stubs, contact, channel=pb.CONTACT_CHANNEL_PHONE, basis=pb.LAWFUL_BASIS_CONTRACT)
    read = stubs.contacts.GetConsent(
        pb.GetConsentRequest(contact_id=contact.contact_id), metadata=EXECUTIVE
    ).consent
    assert state(read) == [
        (pb.CONTACT_CHANNEL_EMAIL, pb.CONSENT_STATUS_GIVEN, pb.LAWFUL_BASIS_LEGITIMATE_INTEREST),
        (pb.CONTACT_CHANNEL_PHONE, pb.CONSENT_STATUS_GIVEN, pb.LAWFUL_BASIS_CONTRACT),
    ]
    assert [(r.channel, r.status) for r in read.history] == [
        (pb.CONTACT_CHANNEL_PHONE, pb.CONSENT_STATUS_GIVEN),
        (pb.CONTACT_CHANNEL_EMAIL, pb.CONSENT_STATUS_GIVEN),
        (pb.CONTACT_CHANNEL_EMAIL, pb.CONSENT_STATUS_WITHDRAWN),
        (pb.CONTACT_CHANNEL_EMAIL, pb.CONSENT_STATUS_GIVEN),
    ]
    assert read.history[1].consent_id == again.history[0].consent_id


def test_a_late_recorded_statement_takes_its_place_in_time(stubs: Stubs, contact: Any) -> None:
    now = datetime.now(UTC)
    withdraw(stubs, contact)
    dated_back = give(stubs, contact, effective_time=stamp(now - timedelta(days=30)))
    # Given a month ago, withdrawn today: still withdrawn.
    assert state(dated_back)[0][1] == pb.CONSENT_STATUS_WITHDRAWN
    assert dated_back.history[-1].effective_time.ToDatetime(tzinfo=UTC) < now - timedelta(days=29)


def test_a_lawful_basis_is_required_and_nothing_is_written_without_it(
    stubs: Stubs, contact: Any, db: Database
) -> None:
    error = failure(lambda: give(stubs, contact, channel=0, basis=0))
    assert set(field_violations(error)) == {"channel", "lawful_basis"}
    future = failure(
        lambda: give(stubs, contact, effective_time=stamp(datetime.now(UTC) + timedelta(days=1)))
    )
    assert set(field_violations(future)) == {"effective_time"}
    assert count(db, ConsentRecord.__table__) == 0


def test_consent_exists_only_within_the_customers_scope(stubs: Stubs, contact: Any) -> None:
    give(stubs, contact)
    for outsider in (APAC_MANAGER, REP2):
        assert failure(lambda who=outsider: give(stubs, contact, who=who)).code() == (
            grpc.StatusCode.NOT_FOUND
        )
        read = failure(
            lambda who=outsider: stubs.contacts.GetConsent(
                pb.GetConsentRequest(contact_id=contact.contact_id), metadata=who
            )
        )
        assert read.code() == grpc.StatusCode.NOT_FOUND
    denied = failure(lambda: give(stubs, contact, who=EXECUTIVE))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    assert give(stubs, contact, who=MANAGER).history
