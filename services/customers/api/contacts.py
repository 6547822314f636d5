"""ContactService: contacts, their consent per channel, and data-subject requests.

A contact exists for a caller exactly when its customer does (the caller's
regions; a rep: the accounts they own), as in the accounts area; otherwise
every call is NotFound. Changes need a writer of the customer's region.

Export and erasure need a manager, director or admin who holds the
customer's region (PermissionDenied otherwise, once the contact is visible).
Both write a row to the append-only `privacy_audit` (actor, roles, the
caller's x-request-id, what was covered) in the transaction of the request.
What erasure removes and keeps is described in `domain.contacts`; here:

- the contact row keeps its id, customer and creation time; every personal
  field is emptied and it is marked erased;
- consent statements are kept (the proof of what was allowed when, GDPR
  art. 7(1)) but their free-text `source` is emptied;
- timeline entries stay (the account's history and counts): a note about the
  contact loses its text, and any other entry of the account that mentions the
  contact's name, email or phone has those mentions replaced by "[erased]";
- `customers.contact.erased` tells other services (it carries no personal data).

Erasing again changes nothing and emits nothing; the request is audited.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import grpc
import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import contacts_pb2 as pb
from salesops.customers.v1 import contacts_pb2_grpc
from salesops.events.v1 import customers_contact_events_pb2 as events
from sqlalchemy.orm import Session

from services.customers.domain import consent as consent_rules
from services.customers.domain import contacts as domain
from services.customers.domain.consent import ConsentStatus, LawfulBasis
from services.customers.domain.contacts import BuyingRole, ContactChannel
from services.customers.domain.timeline import ERASED_NOTE
from services.customers.models.accounts import CustomerRecord
from services.customers.models.audit import PrivacyAuditRecord
from services.customers.models.consent import ConsentRecord
from services.customers.models.contacts import ContactRecord
from services.customers.models.timeline import TimelineEntryRecord
from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import (
    AlreadyExists,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Validator,
)
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp

# Keyed by domain value (a StrEnum member equals its string): a row's column looks up directly.
BUYING_ROLE_TO_PROTO: dict[str, pb.BuyingRole.ValueType] = {
    BuyingRole.DECISION_MAKER: pb.BUYING_ROLE_DECISION_MAKER,
    BuyingRole.INFLUENCER: pb.BUYING_ROLE_INFLUENCER,
    BuyingRole.USER: pb.BUYING_ROLE_USER,
    BuyingRole.CHAMPION: pb.BUYING_ROLE_CHAMPION,
    BuyingRole.BLOCKER: pb.BUYING_ROLE_BLOCKER,
    BuyingRole.ECONOMIC_BUYER: pb.BUYING_ROLE_ECONOMIC_BUYER,
    BuyingRole.OTHER: pb.BUYING_ROLE_OTHER,
}
BUYING_ROLE_FROM_PROTO = {value: key for key, value in BUYING_ROLE_TO_PROTO.items()}
CHANNEL_TO_PROTO: dict[str, pb.ContactChannel.ValueType] = {
    ContactChannel.EMAIL: pb.CONTACT_CHANNEL_EMAIL,
    ContactChannel.PHONE: pb.CONTACT_CHANNEL_PHONE,
    ContactChannel.SMS: pb.CONTACT_CHANNEL_SMS,
    ContactChannel.POST: pb.CONTACT_CHANNEL_POST,
    ContactChannel.MESSAGING: pb.CONTACT_CHANNEL_MESSAGING,
}
CHANNEL_FROM_PROTO = {value: key for key, value in CHANNEL_TO_PROTO.items()}
BASIS_TO_PROTO: dict[str, pb.LawfulBasis.ValueType] = {
    LawfulBasis.CONSENT: pb.LAWFUL_BASIS_CONSENT,
    LawfulBasis.CONTRACT: pb.LAWFUL_BASIS_CONTRACT,
    LawfulBasis.LEGITIMATE_INTEREST: pb.LAWFUL_BASIS_LEGITIMATE_INTEREST,
    LawfulBasis.LEGAL_OBLIGATION: pb.LAWFUL_BASIS_LEGAL_OBLIGATION,
}
BASIS_FROM_PROTO = {value: key for key, value in BASIS_TO_PROTO.items()}
STATUS_TO_PROTO: dict[str, pb.ConsentStatus.ValueType] = {
    ConsentStatus.GIVEN: pb.CONSENT_STATUS_GIVEN,
    ConsentStatus.WITHDRAWN: pb.CONSENT_STATUS_WITHDRAWN,
}
EXPORT_FORMAT = "salesops.contact-export/v1"


def _enum_value(number: int, table: Mapping[Any, str]) -> str | None:
    """The domain value of a proto enum number: "" for unspecified, None for an unknown one."""
    if number == 0:
        return ""
    value = table.get(number)
    return None if value is None else str(value)


def _rfc3339(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _when(stamp: Timestamp, present: bool) -> datetime | None:
    return stamp.ToDatetime(tzinfo=UTC) if present else None


# --- scope -------------------------------------------------------------------------------


def visible_customer(
    session: Session, caller: Caller, customer_id: str, field_name: str = "customer_id"
) -> CustomerRecord:
    """The customer if the caller sees it (as in the accounts area); NotFound otherwise."""
    caller.require_reader()
    customer_id = customer_id.strip()
    if not customer_id:
        raise InvalidArgument.of(field_name, "is required")
    customer = session.get(CustomerRecord, customer_id)
    if customer is None or not caller.can_read(customer.region, customer.owner_id):
        raise NotFound("customer", customer_id)
    return customer


def load_contact(
    session: Session,
    caller: Caller,
    contact_id: str,
    *,
    for_update: bool = False,
    field_name: str = "contact_id",
) -> tuple[ContactRecord, CustomerRecord]:
    """The contact and its customer if the caller sees the customer; NotFound otherwise."""
    caller.require_reader()
    contact_id = contact_id.strip()
    if not contact_id:
        raise InvalidArgument.of(field_name, "is required")
    contact = session.get(ContactRecord, contact_id, with_for_update=for_update)
    customer = session.get(CustomerRecord, contact.customer_id) if contact else None
    if contact is None or customer is None:
        raise NotFound("contact", contact_id)
    if not caller.can_read(customer.region, customer.owner_id):
        raise NotFound("contact", contact_id)
    if for_update:
        check_expected_version(contact.version, f"contacts/{contact_id}")
    return contact, customer


def require_privacy_officer(caller: Caller, customer: CustomerRecord, action: str) -> None:
    """Export and erasure: a manager, director or admin holding the customer's region."""
    if not domain.may_handle_personal_data_requests(caller.roles):
        raise PermissionDenied(
            f"only a manager, director or admin of region {customer.region} may {action} "
            "a contact's personal data"
        )
    caller.require_writer(customer.region)


# --- protos ------------------------------------------------------------------------------


def contact_to_proto(contact: ContactRecord, customer: CustomerRecord) -> pb.CustomerContact:
    """The CustomerContact proto of a row."""
    return pb.CustomerContact(
        contact_id=contact.contact_id,
        customer_id=contact.customer_id,
        region=customer.region,
        name=contact.name,
        title=contact.title,
        email=contact.email,
        phone=contact.phone,
        buying_role=BUYING_ROLE_TO_PROTO.get(contact.buying_role, pb.BUYING_ROLE_UNSPECIFIED),
        preferences=pb.CommunicationPreferences(
            preferred_channel=CHANNEL_TO_PROTO.get(
                contact.preferred_channel, pb.CONTACT_CHANNEL_UNSPECIFIED
            ),
            language=contact.language,
            do_not_contact=contact.do_not_contact,
        ),
        erased=contact.erased,
        erase_time=timestamp(contact.erased_at),
        audit=audit_info(
            contact.created_at, contact.created_by, contact.updated_at, contact.updated_by
        ),
    )


def consent_to_proto(record: ConsentRecord) -> pb.ConsentRecord:
    """The ConsentRecord proto of a row."""
    return pb.ConsentRecord(
        consent_id=record.consent_id,
        contact_id=record.contact_id,
        channel=CHANNEL_TO_PROTO[record.channel],
        status=STATUS_TO_PROTO[record.status],
        lawful_basis=BASIS_TO_PROTO.get(record.lawful_basis, pb.LAWFUL_BASIS_UNSPECIFIED),
        effective_time=timestamp(record.effective_at),
        source=record.source,
        record_time=timestamp(record.recorded_at),
        recorded_by=record.recorded_by,
    )


def _statements(session: Session, contact_id: str) -> list[ConsentRecord]:
    rows = session.scalars(sa.select(ConsentRecord).where(ConsentRecord.contact_id == contact_id))
    return consent_rules.latest_first(rows)


def _consent_of(session: Session, contact_id: str) -> pb.ContactConsent:
    history = _statements(session, contact_id)
    return pb.ContactConsent(
        contact_id=contact_id,
        current=[consent_to_proto(r) for r in consent_rules.current_state(history)],
        history=[consent_to_proto(r) for r in history],
    )


# --- contacts ----------------------------------------------------------------------------


def _same_email(
    session: Session, customer_id: str, email: str, other_than: str = ""
) -> ContactRecord | None:
    if not email:
        return None
    query = sa.select(ContactRecord).where(
        ContactRecord.customer_id == customer_id,
        ContactRecord.email == email,
        ContactRecord.erased_at.is_(None),
        ContactRecord.contact_id != other_than,
    )
    return session.scalars(query.limit(1)).first()


def _refuse_duplicate(existing: ContactRecord | None, field_name: str) -> None:
    if existing is not None:
        raise AlreadyExists(
            "contact",
            existing.contact_id,
            f"{field_name}: contact '{existing.contact_id}' of this customer has this email "
            "already; update that contact instead",
        )


def _timeline_mentions(
    session: Session, contact: ContactRecord, terms: Sequence[str]
) -> list[TimelineEntryRecord]:
    """The customer's timeline entries about the contact: notes on them, or text naming them.

    The text is searched here rather than in SQL: SQL's lower() folds only
    ASCII on SQLite, and a name like "Özil" must be found on either backend.
    Erasure and export are rare; the account's timeline is read once.
    """
    query = (
        sa.select(TimelineEntryRecord)
        .where(TimelineEntryRecord.customer_id == contact.customer_id)
        .order_by(TimelineEntryRecord.occurred_at.desc(), TimelineEntryRecord.entry_id.desc())
        .execution_options(yield_per=500)
    )
    return [
        entry
        for entry in session.scalars(query)
        if entry.contact_id == contact.contact_id
        or domain.mentions(f"{entry.title}\n{entry.summary}", terms)
    ]


def _audit(
    session: Session,
    caller: Caller,
    action: str,
    contact: ContactRecord,
    customer: CustomerRecord,
    detail: dict[str, Any],
    now: datetime,
) -> PrivacyAuditRecord:
    record = PrivacyAuditRecord(
        audit_id=str(uuid.uuid4()),
        action=action,
        contact_id=contact.contact_id,
        customer_id=customer.customer_id,
        region=customer.region,
        actor=caller.subject,
        actor_roles=",".join(sorted(caller.roles)),
        request_id=caller.request_id[:100],
        occurred_at=now,
        detail=json.dumps(detail, sort_keys=True),
    )
    session.add(record)
    session.flush()
    return record


def _audit_json(record: PrivacyAuditRecord) -> dict[str, Any]:
    return {
        "audit_id": record.audit_id,
        "action": record.action,
        "actor": record.actor,
        "actor_roles": record.actor_roles.split(",") if record.actor_roles else [],
        "request_id": record.request_id,
        "occur_time": _rfc3339(record.occurred_at),
        "detail": json.loads(record.detail),
    }


def _consent_json(record: ConsentRecord) -> dict[str, Any]:
    return {
        "consent_id": record.consent_id,
        "channel": record.channel,
        "status": record.status,
        "lawful_basis": record.lawful_basis,
        "effective_time": _rfc3339(record.effective_at),
        "source": record.source,
        "record_time": _rfc3339(record.recorded_at),
        "recorded_by": record.recorded_by,
    }


def _entry_json(entry: TimelineEntryRecord, contact_id: str) -> dict[str, Any]:
    return {
        "entry_id": entry.entry_id,
        "occur_time": _rfc3339(entry.occurred_at),
        "kind": entry.kind,
        "action": entry.action,
        "title": entry.title,
        "summary": entry.summary,
        "ref_type": entry.ref_type,
        "ref_id": entry.ref_id,
        "actor": entry.actor,
        # A note about the contact, rather than an entry that mentions them.
        "about_contact": entry.contact_id == contact_id,
    }


def _contact_json(contact: ContactRecord) -> dict[str, Any]:
    return {
        "contact_id": contact.contact_id,
        "customer_id": contact.customer_id,
        "name": contact.name,
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
        "buying_role": contact.buying_role,
        "preferences": {
            "preferred_channel": contact.preferred_channel,
            "language": contact.language,
            "do_not_contact": contact.do_not_contact,
        },
        "erased": contact.erased,
        "erase_time": _rfc3339(contact.erased_at),
        "create_time": _rfc3339(contact.created_at),
        "created_by": contact.created_by,
        "update_time": _rfc3339(contact.updated_at),
        "updated_by": contact.updated_by,
    }


class ContactServicer(contacts_pb2_grpc.ContactServiceServicer):
    """Contacts, consent, export and erasure, always within the caller's scope."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def AddContact(
        self, request: pb.AddContactRequest, context: grpc.ServicerContext
    ) -> pb.AddContactResponse:
        caller = current_caller()
        check = Validator()
        details = domain.check_contact(
            check,
            name=request.name,
            title=request.title,
            email=request.email,
            phone=request.phone,
            buying_role=_enum_value(request.buying_role, BUYING_ROLE_FROM_PROTO),
            preferred_channel=_enum_value(
                request.preferences.preferred_channel, CHANNEL_FROM_PROTO
            ),
            language=request.preferences.language,
            do_not_contact=request.preferences.do_not_contact,
        )
        now = utcnow()
        with self.db.transaction() as session:
            customer = visible_customer(session, caller, request.customer_id)
            caller.require_writer(customer.region)
            check.raise_if_any()
            _refuse_duplicate(_same_email(session, customer.customer_id, details.email), "email")
            contact = ContactRecord(
                contact_id=str(uuid.uuid4()),
                customer_id=customer.customer_id,
                name=details.name,
                title=details.title,
                email=details.email,
                phone=details.phone,
                buying_role=details.buying_role,
                preferred_channel=details.preferred_channel,
                language=details.language,
                do_not_contact=details.do_not_contact,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
                erased_at=None,
                erased_by="",
            )
            session.add(contact)
            session.flush()
            return pb.AddContactResponse(contact=contact_to_proto(contact, customer))

    def UpdateContact(
        self, request: pb.UpdateContactRequest, context: grpc.ServicerContext
    ) -> pb.UpdateContactResponse:
        caller = current_caller()
        paths = domain.validate_update_mask(request.update_mask.paths)
        changed = domain.changed_fields(paths)
        given = request.contact
        with self.db.transaction() as session:
            contact, customer = load_contact(
                session,
                caller,
                given.contact_id,
                for_update=True,
                field_name="contact.contact_id",
            )
            caller.require_writer(customer.region)
            domain.require_not_erased(contact.contact_id, contact.erased, "be changed")

            def pick(field_name: str, new: Any, old: Any) -> Any:
                return new if field_name in changed else old

            check = Validator()
            details = domain.check_contact(
                check,
                name=pick("name", given.name, contact.name),
                title=pick("title", given.title, contact.title),
                email=pick("email", given.email, contact.email),
                phone=pick("phone", given.phone, contact.phone),
                buying_role=pick(
                    "buying_role",
                    _enum_value(given.buying_role, BUYING_ROLE_FROM_PROTO),
                    contact.buying_role,
                ),
                preferred_channel=pick(
                    "preferences.preferred_channel",
                    _enum_value(given.preferences.preferred_channel, CHANNEL_FROM_PROTO),
                    contact.preferred_channel,
                ),
                language=pick("preferences.language", given.preferences.language, contact.language),
                do_not_contact=pick(
                    "preferences.do_not_contact",
                    given.preferences.do_not_contact,
                    contact.do_not_contact,
                ),
                prefix="contact.",
                only=changed,
            )
            check.raise_if_any()
            if "email" in changed:
                _refuse_duplicate(
                    _same_email(session, customer.customer_id, details.email, contact.contact_id),
                    "contact.email",
                )
            for field_name, column in (
                ("name", "name"),
                ("title", "title"),
                ("email", "email"),
                ("phone", "phone"),
                ("buying_role", "buying_role"),
                ("preferences.preferred_channel", "preferred_channel"),
                ("preferences.language", "language"),
                ("preferences.do_not_contact", "do_not_contact"),
            ):
                if field_name in changed:
                    setattr(contact, column, getattr(details, column))
            contact.updated_at, contact.updated_by = utcnow(), caller.subject
            contact.version += 1
            session.flush()
            return pb.UpdateContactResponse(contact=contact_to_proto(contact, customer))

    def GetContact(
        self, request: pb.GetContactRequest, context: grpc.ServicerContext
    ) -> pb.GetContactResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            contact, customer = load_contact(session, caller, request.contact_id)
            return pb.GetContactResponse(contact=contact_to_proto(contact, customer))

    def ListContacts(
        self, request: pb.ListContactsRequest, context: grpc.ServicerContext
    ) -> pb.ListContactsResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            customer = visible_customer(session, caller, request.customer_id)
            query = sa.select(ContactRecord).where(
                ContactRecord.customer_id == customer.customer_id
            )
            if not request.include_erased:
                query = query.where(ContactRecord.erased_at.is_(None))
            contacts, next_token = keyset_page(
                session,
                query,
                created=ContactRecord.created_at,
                key=ContactRecord.contact_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "customer_id": customer.customer_id,
                    "include_erased": str(request.include_erased),
                },
                cursor_of=lambda c: Cursor(c.created_at, c.contact_id),
            )
            return pb.ListContactsResponse(
                contacts=[contact_to_proto(c, customer) for c in contacts],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    # --- consent -----------------------------------------------------------------------

    def _record_statement(
        self,
        caller: Caller,
        contact_id: str,
        build: Any,
    ) -> pb.ContactConsent:
        now = utcnow()
        with self.db.transaction() as session:
            contact, customer = load_contact(session, caller, contact_id, for_update=True)
            caller.require_writer(customer.region)
            domain.require_not_erased(contact.contact_id, contact.erased, "record consent")
            statement: consent_rules.ConsentStatement = build(session, contact, now)
            session.add(
                ConsentRecord(
                    consent_id=str(uuid.uuid4()),
                    contact_id=contact.contact_id,
                    channel=statement.channel.value,
                    status=statement.status.value,
                    lawful_basis=statement.lawful_basis,
                    effective_at=statement.effective_at,
                    source=statement.source,
                    recorded_at=now,
                    recorded_by=caller.subject,
                )
            )
            session.flush()
            return _consent_of(session, contact.contact_id)

    def RecordConsent(
        self, request: pb.RecordConsentRequest, context: grpc.ServicerContext
    ) -> pb.RecordConsentResponse:
        caller = current_caller()

        def build(
            session: Session, contact: ContactRecord, now: datetime
        ) -> consent_rules.ConsentStatement:
            return consent_rules.validate_given(
                channel=_enum_value(request.channel, CHANNEL_FROM_PROTO),
                lawful_basis=_enum_value(request.lawful_basis, BASIS_FROM_PROTO),
                effective_at=_when(request.effective_time, request.HasField("effective_time")),
                source=request.source,
                now=now,
            )

        return pb.RecordConsentResponse(
            consent=self._record_statement(caller, request.contact_id, build)
        )

    def WithdrawConsent(
        self, request: pb.WithdrawConsentRequest, context: grpc.ServicerContext
    ) -> pb.WithdrawConsentResponse:
        caller = current_caller()

        def build(
            session: Session, contact: ContactRecord, now: datetime
        ) -> consent_rules.ConsentStatement:
            channel = _enum_value(request.channel, CHANNEL_FROM_PROTO)
            current = {
                r.channel: r
                for r in consent_rules.current_state(_statements(session, contact.contact_id))
            }
            given = current.get(channel or "")
            basis = (
                given.lawful_basis
                if given is not None and given.status == ConsentStatus.GIVEN.value
                else ""
            )
            return consent_rules.validate_withdrawn(
                channel=channel,
                effective_at=_when(request.effective_time, request.HasField("effective_time")),
                source=request.source,
                now=now,
                current_basis=basis,
            )

        return pb.WithdrawConsentResponse(
            consent=self._record_statement(caller, request.contact_id, build)
        )

    def GetConsent(
        self, request: pb.GetConsentRequest, context: grpc.ServicerContext
    ) -> pb.GetConsentResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            contact, _customer = load_contact(session, caller, request.contact_id)
            return pb.GetConsentResponse(consent=_consent_of(session, contact.contact_id))

    # --- data-subject requests ---------------------------------------------------------

    def ExportContact(
        self, request: pb.ExportContactRequest, context: grpc.ServicerContext
    ) -> pb.ExportContactResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            contact, customer = load_contact(session, caller, request.contact_id)
            require_privacy_officer(caller, customer, "export")
            statements = _statements(session, contact.contact_id)
            terms = (
                []
                if contact.erased
                else domain.mention_terms(contact.name, contact.email, contact.phone)
            )
            entries = _timeline_mentions(session, contact, terms)
            audit = _audit(
                session,
                caller,
                "export",
                contact,
                customer,
                {"consent_records": len(statements), "timeline_entries": len(entries)},
                now,
            )
            audits = session.scalars(
                sa.select(PrivacyAuditRecord)
                .where(PrivacyAuditRecord.contact_id == contact.contact_id)
                .order_by(PrivacyAuditRecord.sequence)
            )
            document = {
                "format": EXPORT_FORMAT,
                "export_time": _rfc3339(now),
                "exported_by": caller.subject,
                "request_id": caller.request_id,
                "contact": _contact_json(contact),
                "customer": {
                    "customer_id": customer.customer_id,
                    "name": customer.name,
                    "region": customer.region,
                },
                "consent": {
                    "current": [_consent_json(r) for r in consent_rules.current_state(statements)],
                    "history": [_consent_json(r) for r in statements],
                },
                "timeline": [_entry_json(entry, contact.contact_id) for entry in entries],
                "audit": [_audit_json(record) for record in audits],
            }
            return pb.ExportContactResponse(
                document_json=json.dumps(document, ensure_ascii=False), audit_id=audit.audit_id
            )

    def EraseContact(
        self, request: pb.EraseContactRequest, context: grpc.ServicerContext
    ) -> pb.EraseContactResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            contact, customer = load_contact(session, caller, request.contact_id, for_update=True)
            require_privacy_officer(caller, customer, "erase")
            if contact.erased:
                audit = _audit(
                    session, caller, "erase", contact, customer, {"already_erased": True}, now
                )
                return pb.EraseContactResponse(
                    contact=contact_to_proto(contact, customer),
                    already_erased=True,
                    audit_id=audit.audit_id,
                )
            detail = erase_contact(session, contact, caller.subject, now)
            audit = _audit(session, caller, "erase", contact, customer, detail, now)
            record_event(
                session,
                "customers.contact.erased",
                events.ContactErased(
                    contact_id=contact.contact_id,
                    customer_id=customer.customer_id,
                    region=customer.region,
                    erase_time=timestamp(now),
                    request_id=caller.request_id,
                ),
                region=customer.region,
                caller=caller,
            )
            return pb.EraseContactResponse(
                contact=contact_to_proto(contact, customer),
                already_erased=False,
                audit_id=audit.audit_id,
            )


def erase_contact(
    session: Session, contact: ContactRecord, actor: str, now: datetime
) -> dict[str, Any]:
    """Remove the contact's personal data everywhere this service holds it; return the counts.

    Runs in the caller's transaction; see the module docstring for what stays.
    """
    terms = domain.mention_terms(contact.name, contact.email, contact.phone)
    notes = redacted = 0
    for entry in _timeline_mentions(session, contact, terms):
        if entry.contact_id == contact.contact_id and entry.kind == "note":
            entry.title, entry.summary = "", ERASED_NOTE
            notes += 1
        else:
            entry.title = domain.redact_mentions(entry.title, terms)
            entry.summary = domain.redact_mentions(entry.summary, terms)
            redacted += 1
    consent = session.execute(
        sa.update(ConsentRecord)
        .where(ConsentRecord.contact_id == contact.contact_id, ConsentRecord.source != "")
        .values(source="")
    )
    statements = session.scalar(
        sa.select(sa.func.count())
        .select_from(ConsentRecord)
        .where(ConsentRecord.contact_id == contact.contact_id)
    )
    contact.name = domain.ERASED_NAME
    contact.title = contact.email = contact.phone = contact.language = ""
    contact.buying_role = contact.preferred_channel = ""
    contact.do_not_contact = True
    contact.erased_at, contact.erased_by = now, actor
    contact.updated_at, contact.updated_by = now, actor
    contact.version += 1
    session.flush()
    return {
        "contact": "erased",
        "consent_records_kept": int(statements or 0),
        "consent_sources_emptied": int(getattr(consent, "rowcount", 0) or 0),
        "timeline_notes_emptied": notes,
        "timeline_entries_redacted": redacted,
    }


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the ContactService to `server`; return its full name."""
    contacts_pb2_grpc.add_ContactServiceServicer_to_server(ContactServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["ContactService"].full_name]
