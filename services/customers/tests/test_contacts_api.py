"""Contacts over gRPC on SQLite and PostgreSQL: checks, normalising, updates, scoping, paging."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from salesops.customers.v1 import contacts_pb2 as pb

from services.customers.models.contacts import ContactRecord
from services.customers.tests.contacts_support import (
    APAC_MANAGER,
    EXECUTIVE,
    MANAGER,
    REP,
    REP2,
    Stubs,
    add_contact,
    count,
    customer_id,
    db,
    failure,
    field_violations,
    open_account,
    stubs,
    worker,
)
from services.kit.db import Database

__all__ = ["customer_id", "db", "stubs", "worker"]


def test_a_contact_is_added_normalised_and_read_back(stubs: Stubs, customer_id: str) -> None:
    added = add_contact(
        stubs,
        customer_id,
        name="  Jo   Doe ",
        email=" Jo.Doe@ACME.example",
        phone="+49 (30) 123-4567",
        buying_role=pb.BUYING_ROLE_ECONOMIC_BUYER,
        preferences=pb.CommunicationPreferences(
            preferred_channel=pb.CONTACT_CHANNEL_EMAIL, language="de-DE"
        ),
    )
    assert (added.name, added.email, added.phone, added.region) == (
        "Jo Doe",
        "jo.doe@acme.example",
        "+49301234567",
        "EMEA",
    )
    assert added.buying_role == pb.BUYING_ROLE_ECONOMIC_BUYER
    assert added.preferences.preferred_channel == pb.CONTACT_CHANNEL_EMAIL
    assert added.preferences.language == "de-DE" and not added.preferences.do_not_contact
    assert added.audit.created_by == "mgr-1" and not added.erased
    got = stubs.contacts.GetContact(
        pb.GetContactRequest(contact_id=added.contact_id), metadata=REP
    ).contact
    assert got == added


def test_a_bad_contact_names_every_field_and_writes_nothing(
    stubs: Stubs, customer_id: str, db: Database
) -> None:
    error = failure(
        lambda: stubs.contacts.AddContact(
            pb.AddContactRequest(
                customer_id=customer_id,
                name="",
                email="jo@",
                phone="12",
                buying_role=99,  # type: ignore[arg-type]
                preferences=pb.CommunicationPreferences(
                    preferred_channel=42,  # type: ignore[arg-type]
                    language="??",
                ),
            ),
            metadata=MANAGER,
        )
    )
    assert set(field_violations(error)) == {
        "name",
        "email",
        "phone",
        "buying_role",
        "preferences.preferred_channel",
        "preferences.language",
    }
    assert count(db, ContactRecord.__table__) == 0
    missing = failure(
        lambda: stubs.contacts.AddContact(pb.AddContactRequest(name="Jo"), metadata=MANAGER)
    )
    assert field_violations(missing) == {"customer_id": "is required"}


def test_a_second_contact_with_the_same_email_is_refused(stubs: Stubs, customer_id: str) -> None:
    first = add_contact(stubs, customer_id, email="jo@acme.example")
    error = failure(lambda: add_contact(stubs, customer_id, name="Jo D.", email="JO@acme.example"))
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    assert first.contact_id in (error.details() or "")
    other = add_contact(stubs, customer_id, name="Kim", email="kim@acme.example")
    taken = failure(
        lambda: stubs.contacts.UpdateContact(
            pb.UpdateContactRequest(
                contact=pb.CustomerContact(contact_id=other.contact_id, email="jo@acme.example"),
                update_mask=FieldMask(paths=["email"]),
            ),
            metadata=MANAGER,
        )
    )
    assert taken.code() == grpc.StatusCode.ALREADY_EXISTS


def test_an_update_changes_only_the_masked_fields(stubs: Stubs, customer_id: str) -> None:
    added = add_contact(stubs, customer_id, buying_role=pb.BUYING_ROLE_INFLUENCER)
    changed = stubs.contacts.UpdateContact(
        pb.UpdateContactRequest(
            contact=pb.CustomerContact(
                contact_id=added.contact_id,
                title="CEO",
                name="ignored",
                buying_role=pb.BUYING_ROLE_DECISION_MAKER,
                preferences=pb.CommunicationPreferences(language="fr", do_not_contact=True),
            ),
            update_mask=FieldMask(
                paths=["title", "buying_role", "preferences.language", "preferences.do_not_contact"]
            ),
        ),
        metadata=REP,
    ).contact
    assert (changed.name, changed.title, changed.email) == ("Jo Doe", "CEO", added.email)
    assert changed.buying_role == pb.BUYING_ROLE_DECISION_MAKER
    assert changed.preferences.language == "fr" and changed.preferences.do_not_contact
    assert changed.audit.updated_by == "rep-1"
    bad = failure(
        lambda: stubs.contacts.UpdateContact(
            pb.UpdateContactRequest(
                contact=pb.CustomerContact(contact_id=added.contact_id, email="nope"),
                update_mask=FieldMask(paths=["email", "customer_id"]),
            ),
            metadata=MANAGER,
        )
    )
    assert "update_mask" in field_violations(bad)
    invalid = failure(
        lambda: stubs.contacts.UpdateContact(
            pb.UpdateContactRequest(
                contact=pb.CustomerContact(contact_id=added.contact_id, email="nope"),
                update_mask=FieldMask(paths=["email"]),
            ),
            metadata=MANAGER,
        )
    )
    assert set(field_violations(invalid)) == {"contact.email"}


def test_a_contact_from_a_converted_lead_is_listed_with_the_new_ones(
    worker: Any, db: Database, stubs: Stubs
) -> None:
    customer_id = open_account(
        worker, db, contact_name="Lee Lead", contact_email="lee@acme.example"
    )
    add_contact(stubs, customer_id)
    listed = stubs.contacts.ListContacts(
        pb.ListContactsRequest(customer_id=customer_id), metadata=MANAGER
    ).contacts
    assert [c.name for c in listed] == ["Jo Doe", "Lee Lead"]
    lead_contact = listed[1]
    assert lead_contact.buying_role == pb.BUYING_ROLE_UNSPECIFIED
    assert lead_contact.audit.update_time == lead_contact.audit.create_time


def test_contacts_page_newest_first(stubs: Stubs, customer_id: str) -> None:
    for i in range(5):
        add_contact(stubs, customer_id, name=f"Person {i}", email=f"p{i}@acme.example")
    names: list[str] = []
    token = ""
    while True:
        page = stubs.contacts.ListContacts(
            pb.ListContactsRequest(
                customer_id=customer_id, page={"page_size": 2, "page_token": token}
            ),
            metadata=MANAGER,
        )
        names += [c.name for c in page.contacts]
        token = page.page.next_page_token
        if not token:
            break
    assert names == [f"Person {i}" for i in reversed(range(5))]


def test_contacts_exist_only_within_the_customers_scope(stubs: Stubs, customer_id: str) -> None:
    contact = add_contact(stubs, customer_id, who=REP)
    get = pb.GetContactRequest(contact_id=contact.contact_id)
    listing = pb.ListContactsRequest(customer_id=customer_id)
    for outsider in (APAC_MANAGER, REP2):
        for call in (
            lambda who=outsider: stubs.contacts.GetContact(get, metadata=who),
            lambda who=outsider: stubs.contacts.ListContacts(listing, metadata=who),
            lambda who=outsider: add_contact(stubs, customer_id, who=who, email="x@y.example"),
            lambda who=outsider: stubs.contacts.UpdateContact(
                pb.UpdateContactRequest(
                    contact=pb.CustomerContact(contact_id=contact.contact_id, title="x"),
                    update_mask=FieldMask(paths=["title"]),
                ),
                metadata=who,
            ),
        ):
            assert failure(call).code() == grpc.StatusCode.NOT_FOUND
    assert stubs.contacts.GetContact(get, metadata=EXECUTIVE).contact == contact
    read_only = failure(lambda: add_contact(stubs, customer_id, who=EXECUTIVE, email="e@x.example"))
    assert read_only.code() == grpc.StatusCode.PERMISSION_DENIED
    unknown = failure(
        lambda: stubs.contacts.GetContact(pb.GetContactRequest(contact_id="nope"), metadata=MANAGER)
    )
    assert unknown.code() == grpc.StatusCode.NOT_FOUND
