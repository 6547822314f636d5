"""Contacts, consent and data-subject requests (ContactService).

`/v1/customers/{customer_id}/contacts` lists and adds a customer's contacts;
`/v1/contacts/{contact_id}` reads and changes one, `/consent` reads and
records consent per channel, and the custom methods `:export` and `:erase`
answer a person's data-subject requests. A contact outside the caller's scope
(its customer's region; for a rep, their own accounts) is 404. Export and
erasure are for a manager, director or admin of the customer's region (403
otherwise) and are audited with the request id.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Response
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field
from salesops.customers.v1 import contacts_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    page_request,
)
from gateway.upstreams import OpenUpstreams

BUYING_ROLE = EnumJson(pb.BuyingRole.DESCRIPTOR, "BUYING_ROLE_")
CHANNEL = EnumJson(pb.ContactChannel.DESCRIPTOR, "CONTACT_CHANNEL_")
LAWFUL_BASIS = EnumJson(pb.LawfulBasis.DESCRIPTOR, "LAWFUL_BASIS_")
CONSENT_STATUS = EnumJson(pb.ConsentStatus.DESCRIPTOR, "CONSENT_STATUS_")
BuyingRoleName = BUYING_ROLE.literal()
BuyingRoleInput = BUYING_ROLE.filter_literal()
ChannelName = CHANNEL.literal()
ChannelInput = CHANNEL.filter_literal()
LawfulBasisName = LAWFUL_BASIS.literal()
LawfulBasisInput = LAWFUL_BASIS.filter_literal()
ConsentStatusName = CONSENT_STATUS.literal()

router = APIRouter(tags=["contacts"], responses=PROBLEM_RESPONSES)

# Ids never contain ":", which separates a custom verb (`{contact_id}:erase`).
CustomerId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The customer's id.")
]
ContactId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The contact's id.")
]


class CommunicationPreferences(ProtoModel):
    """How a contact wishes to be reached."""

    preferred_channel: ChannelName  # type: ignore[valid-type]
    language: str = Field(description='BCP 47 tag such as "de" or "en-GB"; empty when unknown.')
    do_not_contact: bool = Field(description="The person asked not to be contacted at all.")


class CustomerContact(ProtoModel):
    """A person at a customer; after erasure every personal field is empty."""

    contact_id: str
    customer_id: str
    region: str = Field(description="The customer's region.")
    name: str
    title: str
    email: str = Field(description="Lower case.")
    phone: str = Field(description='Digits, with a leading "+" when international.')
    buying_role: BuyingRoleName  # type: ignore[valid-type]
    preferences: CommunicationPreferences | None
    erased: bool
    erase_time: datetime | None
    audit: Audit | None


class ContactList(BaseModel):
    """One page of a customer's contacts, newest first."""

    contacts: list[CustomerContact]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class ConsentStatement(ProtoModel):
    """Consent (or another lawful basis) given or withdrawn for a channel; never changed."""

    consent_id: str
    contact_id: str
    channel: ChannelName  # type: ignore[valid-type]
    status: ConsentStatusName  # type: ignore[valid-type]
    lawful_basis: LawfulBasisName  # type: ignore[valid-type]
    effective_time: datetime | None = Field(description="When the person gave or withdrew it.")
    source: str = Field(description="Where the statement came from; emptied by erasure.")
    record_time: datetime | None
    recorded_by: str


class ContactConsent(ProtoModel):
    """The latest statement per channel, and every statement, latest first."""

    contact_id: str
    current: list[ConsentStatement]
    history: list[ConsentStatement]


class ContactErasure(BaseModel):
    """The erased contact, whether it had been erased before, and the audit record."""

    contact: CustomerContact
    already_erased: bool = Field(description="True when nothing changed: it was erased before.")
    audit_id: str


class PreferencesInput(BaseModel):
    """Communication preferences; in an update, fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    preferred_channel: ChannelInput | None = None  # type: ignore[valid-type]
    language: str | None = Field(None, examples=["de"])
    do_not_contact: bool | None = None

    def to_proto(self) -> pb.CommunicationPreferences:
        return pb.CommunicationPreferences(
            preferred_channel=pb.ContactChannel.ValueType(
                CHANNEL.from_json(self.preferred_channel) if self.preferred_channel else 0
            ),
            language=self.language or "",
            do_not_contact=bool(self.do_not_contact),
        )


class AddContactRequest(BaseModel):
    """A new contact of the customer. The customers service checks the values."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(examples=["Jo Doe"])
    title: str = Field("", examples=["CFO"])
    email: str = Field("", examples=["jo.doe@acme.example"])
    phone: str = Field("", examples=["+49 30 1234567"])
    buying_role: BuyingRoleInput | None = None  # type: ignore[valid-type]
    preferences: PreferencesInput | None = None


class UpdateContactRequest(BaseModel):
    """The fields to change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    buying_role: BuyingRoleInput | None = None  # type: ignore[valid-type]
    preferences: PreferencesInput | None = None


class ConsentInput(BaseModel):
    """A consent statement: given (with its lawful basis) or withdrawn, for one channel."""

    model_config = ConfigDict(extra="forbid")

    channel: ChannelInput  # type: ignore[valid-type]
    status: Literal["given", "withdrawn"] = "given"
    lawful_basis: LawfulBasisInput | None = Field(  # type: ignore[valid-type]
        None, description="Required when the status is given."
    )
    effective_time: datetime | None = Field(
        None, description="When the person gave or withdrew it; now if omitted."
    )
    source: str = Field("", examples=["newsletter sign-up form"])


class NoFields(BaseModel):
    """An action that takes no input: send no body or `{}`."""

    model_config = ConfigDict(extra="forbid")


EmptyBody = Annotated[NoFields | None, Body()]


def _buying_role(name: str | None) -> pb.BuyingRole.ValueType:
    return pb.BuyingRole.ValueType(BUYING_ROLE.from_json(name) if name else 0)


@router.get("/v1/customers/{customer_id}/contacts", summary="List a customer's contacts")
async def list_contacts(
    customer_id: CustomerId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    include_erased: Annotated[bool, Query(description="Also list erased contacts.")] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ContactList:
    """The customer's contacts, newest first; a customer outside the caller's scope is 404."""
    request = pb.ListContactsRequest(
        customer_id=customer_id,
        include_erased=include_erased,
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("customers", "ListContacts", request, caller)
    return ContactList(
        contacts=[CustomerContact.from_proto(c) for c in response.contacts],
        next_page_token=response.page.next_page_token,
    )


@router.post("/v1/customers/{customer_id}/contacts", status_code=201, summary="Add a contact")
async def add_contact(
    customer_id: CustomerId,
    body: AddContactRequest,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> CustomerContact:
    """Add a person to the customer; 409 if a contact of the customer has the email."""
    request = pb.AddContactRequest(
        customer_id=customer_id,
        name=body.name,
        title=body.title,
        email=body.email,
        phone=body.phone,
        buying_role=_buying_role(body.buying_role),
        preferences=body.preferences.to_proto() if body.preferences else None,
    )
    reply = await upstreams.call("customers", "AddContact", request, caller)
    contact = CustomerContact.from_proto(reply.contact)
    response.headers["Location"] = f"/v1/contacts/{contact.contact_id}"
    return contact


@router.get("/v1/contacts/{contact_id}", summary="Read a contact")
async def get_contact(
    contact_id: ContactId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> CustomerContact:
    """A contact outside the caller's scope is 404, exactly as if it did not exist."""
    request = pb.GetContactRequest(contact_id=contact_id)
    reply = await upstreams.call("customers", "GetContact", request, caller)
    return CustomerContact.from_proto(reply.contact)


@router.patch("/v1/contacts/{contact_id}", summary="Change a contact")
async def update_contact(
    contact_id: ContactId,
    body: UpdateContactRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> CustomerContact:
    """Change the fields present in the body; an erased contact cannot be changed (422)."""
    paths = sorted(body.model_fields_set - {"preferences"})
    if body.preferences is not None:
        paths += [f"preferences.{name}" for name in sorted(body.preferences.model_fields_set)]
    message = pb.CustomerContact(
        contact_id=contact_id,
        name=body.name or "",
        title=body.title or "",
        email=body.email or "",
        phone=body.phone or "",
        buying_role=_buying_role(body.buying_role),
        preferences=body.preferences.to_proto() if body.preferences else None,
    )
    request = pb.UpdateContactRequest(contact=message, update_mask=FieldMask(paths=paths))
    reply = await upstreams.call("customers", "UpdateContact", request, caller)
    return CustomerContact.from_proto(reply.contact)


@router.get("/v1/contacts/{contact_id}/consent", summary="Read a contact's consent")
async def get_consent(
    contact_id: ContactId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> ContactConsent:
    """Where consent stands per channel, and the full history of statements."""
    request = pb.GetConsentRequest(contact_id=contact_id)
    reply = await upstreams.call("customers", "GetConsent", request, caller)
    return ContactConsent.from_proto(reply.consent)


@router.post("/v1/contacts/{contact_id}/consent", summary="Record a consent statement")
async def record_consent(
    contact_id: ContactId, body: ConsentInput, caller: WritingCaller, upstreams: OpenUpstreams
) -> ContactConsent:
    """Append a statement (given with its lawful basis, or withdrawn) to the history."""
    when = None
    if body.effective_time is not None:
        when = Timestamp()
        when.FromDatetime(body.effective_time)
    channel = pb.ContactChannel.ValueType(CHANNEL.from_json(body.channel))
    if body.status == "withdrawn":
        withdraw = pb.WithdrawConsentRequest(
            contact_id=contact_id, channel=channel, effective_time=when, source=body.source
        )
        reply: Any = await upstreams.call("customers", "WithdrawConsent", withdraw, caller)
    else:
        give = pb.RecordConsentRequest(
            contact_id=contact_id,
            channel=channel,
            lawful_basis=pb.LawfulBasis.ValueType(
                LAWFUL_BASIS.from_json(body.lawful_basis) if body.lawful_basis else 0
            ),
            effective_time=when,
            source=body.source,
        )
        reply = await upstreams.call("customers", "RecordConsent", give, caller)
    return ContactConsent.from_proto(reply.consent)


@router.post(
    "/v1/contacts/{contact_id}:export",
    summary="Export everything held about a contact",
    response_model=dict[str, Any],
)
async def export_contact(
    contact_id: ContactId,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: EmptyBody = None,
) -> dict[str, Any]:
    """One JSON document: the contact, consent history, timeline entries about them, and the
    audit of exports and erasures. Managers, directors and admins of the region; audited."""
    request = pb.ExportContactRequest(contact_id=contact_id)
    reply = await upstreams.call("customers", "ExportContact", request, caller)
    response.headers["Content-Disposition"] = f'attachment; filename="contact-{contact_id}.json"'
    document: dict[str, Any] = json.loads(reply.document_json)
    return document


@router.post("/v1/contacts/{contact_id}:erase", summary="Erase a contact's personal data")
async def erase_contact(
    contact_id: ContactId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> ContactErasure:
    """Irreversibly remove the person's data (the account's history and counts stay);
    a repeat changes nothing. Managers, directors and admins of the region; audited."""
    request = pb.EraseContactRequest(contact_id=contact_id)
    reply = await upstreams.call("customers", "EraseContact", request, caller)
    return ContactErasure(
        contact=CustomerContact.from_proto(reply.contact),
        already_erased=reply.already_erased,
        audit_id=reply.audit_id,
    )
