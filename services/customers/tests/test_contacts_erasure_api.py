"""Data-subject requests over gRPC on SQLite and PostgreSQL: export, erasure, their audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask
from salesops.customers.v1 import contacts_pb2 as pb
from salesops.customers.v1 import timeline_pb2 as tpb

from services.customers.domain.timeline import ERASED_NOTE
from services.customers.models.audit import PrivacyAuditRecord
from services.customers.models.consent import ConsentRecord
from services.customers.models.contacts import ContactRecord
from services.customers.models.timeline import TimelineEntryRecord
from services.customers.tests.contacts_support import (
    ADMIN,
    APAC_MANAGER,
    EXECUTIVE,
    MANAGER,
    REP,
    Metadata,
    Stubs,
    add_contact,
    count,
    db,
    failure,
    open_account,
    pipeline_event,
    rule_violations,
    stubs,
    worker,
)
from services.kit.db import Database
from services.kit.schema import outbox

PERSONAL = ("Jo Doe", "jo.doe@acme.example", "+49301234567", "Chief Financial Officer")

__all__ = ["db", "stubs", "worker"]


def with_request_id(who: Metadata, request_id: str) -> Metadata:
    return [(k, v) for k, v in who if k != "x-request-id"] + [("x-request-id", request_id)]


@dataclass
class Account:
    customer_id: str
    jo: Any
    kim: Any


@pytest.fixture
def account(worker: Any, db: Database, stubs: Stubs) -> Account:
    """Jo, with consent, notes and an activity that name them; Kim, a colleague."""
    customer_id = open_account(worker, db, owner_id="rep-1")
    jo = add_contact(
        stubs,
        customer_id,
        name="Jo Doe",
        email="jo.doe@acme.example",
        phone="+49 30 1234567",
        title="Chief Financial Officer",
        buying_role=pb.BUYING_ROLE_ECONOMIC_BUYER,
        preferences=pb.CommunicationPreferences(language="de"),
    )
    kim = add_contact(stubs, customer_id, name="Kim Roe", email="kim@acme.example", phone="")
    consent = stubs.contacts
    consent.RecordConsent(
        pb.RecordConsentRequest(
            contact_id=jo.contact_id,
            channel=pb.CONTACT_CHANNEL_EMAIL,
            lawful_basis=pb.LAWFUL_BASIS_CONSENT,
            source="web form filled in by Jo Doe",
        ),
        metadata=REP,
    )
    consent.WithdrawConsent(
        pb.WithdrawConsentRequest(
            contact_id=jo.contact_id, channel=pb.CONTACT_CHANNEL_EMAIL, source="phone call"
        ),
        metadata=REP,
    )
    notes = [
        ("Jo Doe wants a pilot in May", jo.contact_id),
        ("Sent the deck to JO.DOE@acme.example and the team", ""),
        ("Kim runs procurement", kim.contact_id),
        ("Budget approved", ""),
    ]
    for text, contact_id in notes:
        stubs.timeline.AddNote(
            tpb.AddNoteRequest(customer_id=customer_id, text=text, contact_id=contact_id),
            metadata=REP,
        )
    worker.timeline_activity_logged(
        pipeline_event(
            "pipeline.activity.logged",
            {
                "activity_id": "act-1",
                "type": "call",
                "customer_id": customer_id,
                "subject": "Call with Jo Doe",
                "outcome": "call back on +49301234567",
            },
        )
    )
    return Account(customer_id, jo, kim)


def export(stubs: Stubs, contact_id: str, who: Metadata = MANAGER) -> tuple[dict[str, Any], str]:
    reply = stubs.contacts.ExportContact(
        pb.ExportContactRequest(contact_id=contact_id), metadata=who
    )
    return json.loads(reply.document_json), reply.audit_id


def erase(stubs: Stubs, contact_id: str, who: Metadata = MANAGER) -> Any:
    return stubs.contacts.EraseContact(pb.EraseContactRequest(contact_id=contact_id), metadata=who)


def all_text(db: Database) -> str:
    """Every row this service holds about contacts, consent, the timeline and its events."""
    with db.transaction() as session:
        rows = [
            *session.execute(sa.select(ContactRecord.__table__)),
            *session.execute(sa.select(ConsentRecord.__table__)),
            *session.execute(sa.select(TimelineEntryRecord.__table__)),
            *session.execute(sa.select(PrivacyAuditRecord.__table__)),
            *session.execute(sa.select(outbox)),
        ]
    return "\n".join(str(tuple(row)) for row in rows).casefold()


def test_an_export_holds_everything_about_the_contact_and_is_audited(
    stubs: Stubs, account: Account, db: Database
) -> None:
    who = with_request_id(MANAGER, "req-export-1")
    document, audit_id = export(stubs, account.jo.contact_id, who)
    assert document["format"] == "salesops.contact-export/v1"
    assert document["exported_by"] == "mgr-1" and document["request_id"] == "req-export-1"
    contact = document["contact"]
    assert (contact["name"], contact["email"], contact["phone"], contact["title"]) == (
        "Jo Doe",
        "jo.doe@acme.example",
        "+49301234567",
        "Chief Financial Officer",
    )
    assert contact["buying_role"] == "economic_buyer"
    assert contact["preferences"] == {
        "preferred_channel": "",
        "language": "de",
        "do_not_contact": False,
    }
    assert document["customer"]["customer_id"] == account.customer_id
    assert [s["status"] for s in document["consent"]["history"]] == ["withdrawn", "given"]
    assert [s["status"] for s in document["consent"]["current"]] == ["withdrawn"]
    assert document["consent"]["history"][1]["source"] == "web form filled in by Jo Doe"
    timeline = {entry["summary"]: entry["about_contact"] for entry in document["timeline"]}
    assert timeline == {
        "Jo Doe wants a pilot in May": True,
        "Sent the deck to JO.DOE@acme.example and the team": False,
        "Call: Call with Jo Doe (outcome: call back on +49301234567)": False,
    }
    [audit] = document["audit"]
    assert (audit["audit_id"], audit["action"], audit["actor"], audit["request_id"]) == (
        audit_id,
        "export",
        "mgr-1",
        "req-export-1",
    )
    assert audit["detail"] == {"consent_records": 2, "timeline_entries": 3}
    assert audit["actor_roles"] == ["manager"]
    assert count(db, PrivacyAuditRecord.__table__) == 1


def test_export_and_erasure_are_for_managers_directors_and_admins_of_the_region(
    stubs: Stubs, account: Account, db: Database
) -> None:
    contact_id = account.jo.contact_id
    for who in (REP, EXECUTIVE):  # the owner rep sees the contact, but may not do this
        for call in (export, erase):
            error = failure(lambda call=call, who=who: call(stubs, contact_id, who))
            assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    for call in (export, erase):
        error = failure(lambda call=call: call(stubs, contact_id, APAC_MANAGER))
        assert error.code() == grpc.StatusCode.NOT_FOUND
    assert count(db, PrivacyAuditRecord.__table__) == 0
    assert export(stubs, contact_id, ADMIN)[0]["contact"]["name"] == "Jo Doe"


def test_erasure_removes_the_person_everywhere_and_keeps_the_aggregates(
    stubs: Stubs, account: Account, db: Database
) -> None:
    jo_id = account.jo.contact_id
    entries_before = count(db, TimelineEntryRecord.__table__)
    reply = erase(stubs, jo_id, with_request_id(MANAGER, "req-erase-1"))
    assert not reply.already_erased and reply.audit_id
    erased = reply.contact
    assert erased.erased and erased.erase_time.seconds > 0
    assert (erased.name, erased.title, erased.email, erased.phone) == ("Erased contact", "", "", "")
    assert erased.buying_role == pb.BUYING_ROLE_UNSPECIFIED
    assert erased.preferences.do_not_contact and erased.preferences.language == ""
    assert erased.customer_id == account.customer_id

    # Nothing this service holds names Jo any more.
    text = all_text(db)
    for value in PERSONAL:
        assert value.casefold() not in text, value
    assert "kim roe" in text  # a colleague is untouched

    # The aggregates stay: the contact row, the consent history, every timeline entry.
    assert count(db, ContactRecord.__table__) == 2
    assert count(db, ConsentRecord.__table__, ConsentRecord.contact_id == jo_id) == 2
    assert count(db, TimelineEntryRecord.__table__) == entries_before
    consent = stubs.contacts.GetConsent(
        pb.GetConsentRequest(contact_id=jo_id), metadata=MANAGER
    ).consent
    assert [r.status for r in consent.history] == [
        pb.CONSENT_STATUS_WITHDRAWN,
        pb.CONSENT_STATUS_GIVEN,
    ]
    assert {r.source for r in consent.history} == {""}
    summaries = [
        e.summary
        for e in stubs.timeline.ListTimeline(
            tpb.ListTimelineRequest(customer_id=account.customer_id), metadata=MANAGER
        ).entries
    ]
    assert sorted(summaries) == sorted(
        [
            "Call: Call with [erased] (outcome: call back on [erased])",
            "Budget approved",
            "Kim runs procurement",
            "Sent the deck to [erased] and the team",
            ERASED_NOTE,
        ]
    )

    # Erased contacts leave the default list, and keep their place when asked for.
    listed = stubs.contacts.ListContacts(
        pb.ListContactsRequest(customer_id=account.customer_id), metadata=MANAGER
    ).contacts
    assert [c.name for c in listed] == ["Kim Roe"]
    everyone = stubs.contacts.ListContacts(
        pb.ListContactsRequest(customer_id=account.customer_id, include_erased=True),
        metadata=MANAGER,
    ).contacts
    assert len(everyone) == 2

    # Other services hear of it, without personal data.
    with db.transaction() as session:
        [envelope] = [
            json.loads(row)
            for row in session.scalars(
                sa.select(outbox.c.envelope).where(outbox.c.type == "customers.contact.erased")
            )
        ]
    assert envelope["payload"]["contact_id"] == jo_id
    assert envelope["payload"]["customer_id"] == account.customer_id
    assert envelope["payload"]["request_id"] == "req-erase-1"

    # The export now shows the shell, the redacted history and both requests.
    document, _audit_id = export(stubs, jo_id)
    assert document["contact"]["erased"] and document["contact"]["name"] == "Erased contact"
    assert [e["summary"] for e in document["timeline"]] == [ERASED_NOTE]
    assert [a["action"] for a in document["audit"]] == ["erase", "export"]
    assert document["audit"][0]["request_id"] == "req-erase-1"
    assert document["audit"][0]["detail"] == {
        "contact": "erased",
        "consent_records_kept": 2,
        "consent_sources_emptied": 2,
        "timeline_notes_emptied": 1,
        "timeline_entries_redacted": 2,
    }
    serialized = json.dumps(document).casefold()
    for value in PERSONAL:
        assert value.casefold() not in serialized


def test_erasure_is_irreversible_and_idempotent(
    stubs: Stubs, account: Account, db: Database
) -> None:
    jo_id = account.jo.contact_id
    first = erase(stubs, jo_id)
    again = erase(stubs, jo_id, ADMIN)
    assert again.already_erased and again.audit_id != first.audit_id
    assert again.contact == first.contact
    assert count(db, outbox, outbox.c.type == "customers.contact.erased") == 1
    with db.transaction() as session:
        audits = list(
            session.scalars(sa.select(PrivacyAuditRecord).order_by(PrivacyAuditRecord.sequence))
        )
    assert [(a.action, a.actor, json.loads(a.detail).get("already_erased")) for a in audits] == [
        ("erase", "mgr-1", None),
        ("erase", "adm-1", True),
    ]
    changes: list[Callable[[], Any]] = [
        lambda: stubs.contacts.UpdateContact(
            pb.UpdateContactRequest(
                contact=pb.CustomerContact(contact_id=jo_id, name="Jo Doe"),
                update_mask=FieldMask(paths=["name"]),
            ),
            metadata=MANAGER,
        ),
        lambda: stubs.contacts.RecordConsent(
            pb.RecordConsentRequest(
                contact_id=jo_id,
                channel=pb.CONTACT_CHANNEL_EMAIL,
                lawful_basis=pb.LAWFUL_BASIS_CONSENT,
            ),
            metadata=MANAGER,
        ),
        lambda: stubs.timeline.AddNote(
            tpb.AddNoteRequest(customer_id=account.customer_id, text="x", contact_id=jo_id),
            metadata=MANAGER,
        ),
    ]
    for change in changes:
        assert "erased on request" in rule_violations(failure(change))[0]
    got = stubs.contacts.GetContact(pb.GetContactRequest(contact_id=jo_id), metadata=MANAGER)
    assert got.contact == first.contact


def test_the_audit_cannot_be_rewritten(stubs: Stubs, account: Account, db: Database) -> None:
    export(stubs, account.jo.contact_id)
    with pytest.raises(PermissionError), db.transaction() as session:
        record = session.scalars(sa.select(PrivacyAuditRecord)).one()
        record.actor = "someone-else"
        session.flush()
    with pytest.raises(PermissionError), db.transaction() as session:
        session.delete(session.scalars(sa.select(PrivacyAuditRecord)).one())
        session.flush()
    assert count(db, PrivacyAuditRecord.__table__, PrivacyAuditRecord.actor == "mgr-1") == 1
