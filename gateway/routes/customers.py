"""`/v1/customers`: the customer archive (CustomersService, CustomerOwnershipService).

Accounts are opened (`POST`), read, listed and changed (`PATCH`, the fields
present in the body; send `version` to detect a concurrent change: 409
`aborted`). A likely duplicate (same normalised name, web domain or tax id
in the region) is 409 `already-exists` whose `resources` list each candidate
with its owner and why it matches; repeat with `confirm_not_duplicate` to
go ahead. Custom verbs: `:merge` (the path's account survives, the other one
is merged into it and afterwards reads with status "merged" and
`merged_into`), `:transfer` (a manager for their team, a director in their
regions; reps ask at `/v1/transfer-requests`). `/tags` adds and removes tags;
`/ownership-history` lists the owners over time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from google.protobuf.field_mask_pb2 import FieldMask
from pydantic import BaseModel, ConfigDict, Field
from salesops.customers.v1 import customers_pb2, ownership_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money, MoneyInput
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

CUSTOMER_STATUS = EnumJson(customers_pb2.CustomerStatus.DESCRIPTOR, "CUSTOMER_STATUS_")
CUSTOMER_TIER = EnumJson(customers_pb2.CustomerTier.DESCRIPTOR, "CUSTOMER_TIER_")
CustomerStatusName = CUSTOMER_STATUS.literal()
CustomerStatusFilter = CUSTOMER_STATUS.filter_literal()
CustomerTierName = CUSTOMER_TIER.literal()
CustomerTierFilter = CUSTOMER_TIER.filter_literal()
# What a person may set; "merged" only comes from a merge.
SETTABLE_STATUSES = tuple(name for name in CUSTOMER_STATUS.filter_names if name != "merged")
SettableStatus = Literal[SETTABLE_STATUSES]  # type: ignore[valid-type]

router = APIRouter(prefix="/v1/customers", tags=["customers"], responses=PROBLEM_RESPONSES)

# Ids never contain ":", which separates a custom verb (`{customer_id}:merge`).
CustomerId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The account's id.")
]


class Contact(ProtoModel):
    """A person at a customer."""

    contact_id: str
    name: str
    email: str
    phone: str
    title: str
    create_time: datetime | None


class CustomerAddress(ProtoModel):
    """Where an account is (the country is the account's `country`)."""

    street: str
    city: str
    postal_code: str
    state_province: str


class Customer(ProtoModel):
    """A customer account in the archive, with its contacts."""

    customer_id: str
    region: str
    name: str = Field(description="The legal name.")
    country: str = Field(description="ISO 3166-1 alpha-2 country code.")
    industry: str
    status: CustomerStatusName  # type: ignore[valid-type]
    owner_id: str = Field(description="Subject of the rep who owns the relationship.")
    source_lead_id: str = Field(description="The lead the account was opened from, if any.")
    contacts: list[Contact]
    audit: Audit | None
    tax_id: str = Field(default="", description="Registration or tax id, as given.")
    domain: str = Field(default="", description='Web domain, normalised ("acme.com").')
    company_size: str = Field(default="", description='"1-49", "50-249", "250+" or empty.')
    address: CustomerAddress | None = None
    parent_id: str = Field(default="", description="The group's parent account, if any.")
    tier: CustomerTierName = Field(  # type: ignore[valid-type]
        default="unspecified", description="From revenue and potential; see /v1/tier-thresholds."
    )
    tags: list[str] = []
    potential: Money | None = Field(default=None, description="Estimated revenue potential.")
    lifetime_value: list[Money] = Field(
        default=[], description="Active signed contracts, one amount per currency."
    )
    merged_into: str = Field(default="", description="The survivor, once merged.")
    version: int = Field(default=0, description="Send back in PATCH to detect a concurrent change.")


class CustomerList(BaseModel):
    """One page of customer accounts, newest first."""

    customers: list[Customer]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class AddressInput(BaseModel):
    """Where an account is."""

    model_config = ConfigDict(extra="forbid")

    street: str = ""
    city: str = ""
    postal_code: str = ""
    state_province: str = ""

    def to_proto(self) -> customers_pb2.CustomerAddress:
        return customers_pb2.CustomerAddress(**self.model_dump())


class CreateCustomerRequest(BaseModel):
    """A new account; the service checks the values and looks for duplicates."""

    model_config = ConfigDict(extra="forbid")

    region: str = Field(examples=["EMEA"])
    name: str = Field(examples=["Acme GmbH"], description="The legal name.")
    tax_id: str = ""
    domain: str = Field(default="", description="Any spelling of the web domain or site URL.")
    industry: str = ""
    company_size: str = Field(default="", description="A size band or a head count.")
    address: AddressInput | None = None
    country: str = ""
    parent_id: str = ""
    owner_id: str = Field(default="", description="Defaults to the caller.")
    potential: MoneyInput | None = None
    tags: list[str] = []
    status: SettableStatus | None = Field(default=None, description="Defaults to prospect.")
    confirm_not_duplicate: bool = Field(
        default=False, description="Open the account although likely duplicates exist."
    )


class UpdateCustomerRequest(BaseModel):
    """The fields to change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    tax_id: str | None = None
    domain: str | None = None
    industry: str | None = None
    company_size: str | None = None
    address: AddressInput | None = None
    country: str | None = None
    status: SettableStatus | None = None
    parent_id: str | None = Field(default=None, description="Empty to leave the group.")
    potential: MoneyInput | None = None
    version: int = Field(default=0, description="The version read; 0 skips the check.")
    confirm_not_duplicate: bool = False


class MergeRequest(BaseModel):
    """The account to merge into the one in the path."""

    model_config = ConfigDict(extra="forbid")

    merged_id: str


class MovedRecords(ProtoModel):
    """How many records of one kind moved to the survivor."""

    kind: str
    count: int


class Merged(BaseModel):
    """The survivor, the merged account as it reads from now on, and what moved."""

    survivor: Customer
    merged: Customer
    moved: list[MovedRecords]


class TransferRequest(BaseModel):
    """The rep who owns the account from now on, and why."""

    model_config = ConfigDict(extra="forbid")

    to_owner_id: str
    reason: str = ""


class TagsRequest(BaseModel):
    """Tags to add and to remove (stored lower case)."""

    model_config = ConfigDict(extra="forbid")

    add: list[str] = []
    remove: list[str] = []


class OwnershipChange(ProtoModel):
    """One change of an account's owner."""

    change_id: str
    customer_id: str
    region: str
    from_owner_id: str = Field(description="Empty for the first owner.")
    to_owner_id: str
    reason: str
    transfer_id: str = Field(description="The approved request, if any.")
    changed_by: str
    change_time: datetime | None


class OwnershipHistory(BaseModel):
    """An account's owners, newest first."""

    changes: list[OwnershipChange]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


def _status_number(name: str | None) -> Any:
    """The proto status of a JSON name (0, unspecified, when absent)."""
    return CUSTOMER_STATUS.from_json(name) if name else 0


async def _customer(upstreams: Upstreams, caller: Caller, method: str, request: Any) -> Customer:
    response = await upstreams.call("customers", method, request, caller)
    return Customer.from_proto(response.customer)


@router.post("", status_code=201, summary="Open a customer account")
async def create_customer(
    body: CreateCustomerRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Customer:
    """Open an account; 409 with `resources` lists likely duplicates. `Location` points at it."""
    values = body.model_dump(exclude={"address", "potential", "status"})
    request = customers_pb2.CreateCustomerRequest(
        **values,
        address=body.address.to_proto() if body.address else None,
        potential=body.potential.to_proto() if body.potential else None,
        status=_status_number(body.status),
    )
    customer = await _customer(upstreams, caller, "CreateCustomer", request)
    response.headers["Location"] = f"{router.prefix}/{customer.customer_id}"
    return customer


@router.get("/{customer_id}", summary="Read a customer account")
async def get_customer(
    customer_id: CustomerId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Customer:
    """The account with its contacts; outside the caller's scope it is 404. A merged account
    reads with status "merged" and `merged_into` naming the survivor."""
    request = customers_pb2.GetCustomerRequest(customer_id=customer_id)
    return await _customer(upstreams, caller, "GetCustomer", request)


@router.get("", summary="List customer accounts")
async def list_customers(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    owner_id: Annotated[str, Query(description="Only accounts owned by this rep.")] = "",
    status: Annotated[
        CustomerStatusFilter | None,  # type: ignore[valid-type]
        Query(description='Only accounts in this status ("merged" lists merged ones).'),
    ] = None,
    tier: Annotated[
        CustomerTierFilter | None,  # type: ignore[valid-type]
        Query(description="Only accounts of this tier."),
    ] = None,
    tag: Annotated[str, Query(description="Only accounts with this tag.")] = "",
    parent_id: Annotated[str, Query(description="Only the accounts of this parent.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CustomerList:
    """Accounts in the caller's scope (a rep: their own), newest first."""
    request = customers_pb2.ListCustomersRequest(
        region=region,
        owner_id=owner_id,
        status=customers_pb2.CustomerStatus.ValueType(
            CUSTOMER_STATUS.from_json(status) if status else 0
        ),
        tier=customers_pb2.CustomerTier.ValueType(CUSTOMER_TIER.from_json(tier) if tier else 0),
        tag=tag,
        parent_id=parent_id,
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("customers", "ListCustomers", request, caller)
    return CustomerList(
        customers=[Customer.from_proto(customer) for customer in response.customers],
        next_page_token=response.page.next_page_token,
    )


@router.patch("/{customer_id}", summary="Change a customer account")
async def update_customer(
    customer_id: CustomerId,
    body: UpdateCustomerRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Customer:
    """Change the fields present in the body (the owner, their manager or a director).
    The owner changes by transfer, tags at `/tags`, the tier by itself."""
    present = sorted(body.model_fields_set - {"version", "confirm_not_duplicate"})
    message = customers_pb2.Customer(
        customer_id=customer_id,
        name=body.name or "",
        tax_id=body.tax_id or "",
        domain=body.domain or "",
        industry=body.industry or "",
        company_size=body.company_size or "",
        address=body.address.to_proto() if body.address else None,
        country=body.country or "",
        status=_status_number(body.status),
        parent_id=body.parent_id or "",
        potential=body.potential.to_proto() if body.potential else None,
        version=body.version,
    )
    request = customers_pb2.UpdateCustomerRequest(
        customer=message,
        update_mask=FieldMask(paths=present),
        confirm_not_duplicate=body.confirm_not_duplicate,
    )
    return await _customer(upstreams, caller, "UpdateCustomer", request)


@router.post("/{customer_id}:merge", summary="Merge another account into this one")
async def merge_customers(
    customer_id: CustomerId, body: MergeRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Merged:
    """Every record of `merged_id` (contacts, timeline, revenue, ...) moves to this account;
    the merged one stays as a pointer. Both must be in one region and yours to change."""
    request = customers_pb2.MergeCustomersRequest(survivor_id=customer_id, merged_id=body.merged_id)
    response = await upstreams.call("customers", "MergeCustomers", request, caller)
    return Merged(
        survivor=Customer.from_proto(response.survivor),
        merged=Customer.from_proto(response.merged),
        moved=[MovedRecords.from_proto(m) for m in response.moved],
    )


@router.post("/{customer_id}:transfer", summary="Transfer a customer account")
async def transfer_customer(
    customer_id: CustomerId, body: TransferRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Customer:
    """Give the account to another rep of its region at once: a manager for their team's
    accounts, a director for any in their regions. Pending requests for it are cancelled."""
    request = ownership_pb2.TransferCustomerRequest(customer_id=customer_id, **body.model_dump())
    return await _customer(upstreams, caller, "TransferCustomer", request)


@router.post("/{customer_id}/tags", summary="Add and remove a customer's tags")
async def update_customer_tags(
    customer_id: CustomerId, body: TagsRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Customer:
    """Add the tags in `add`, remove those in `remove`; the account with its tags after."""
    request = customers_pb2.UpdateCustomerTagsRequest(customer_id=customer_id, **body.model_dump())
    return await _customer(upstreams, caller, "UpdateCustomerTags", request)


@router.get("/{customer_id}/ownership-history", summary="A customer's owners over time")
async def ownership_history(
    customer_id: CustomerId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> OwnershipHistory:
    """Every change of owner, newest first; the first entry is the owner at opening."""
    request = ownership_pb2.ListOwnershipHistoryRequest(
        customer_id=customer_id, page=page_request(page_size, page_token)
    )
    response = await upstreams.call("customers", "ListOwnershipHistory", request, caller)
    return OwnershipHistory(
        changes=[OwnershipChange.from_proto(change) for change in response.changes],
        next_page_token=response.page.next_page_token,
    )
