"""`/v1/customers`: read the customer archive (CustomersService)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from salesops.customers.v1 import customers_pb2

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams

CUSTOMER_STATUS = EnumJson(customers_pb2.CustomerStatus.DESCRIPTOR, "CUSTOMER_STATUS_")
CustomerStatusName = CUSTOMER_STATUS.literal()

router = APIRouter(prefix="/v1/customers", tags=["customers"], responses=PROBLEM_RESPONSES)


class Contact(ProtoModel):
    """A person at a customer."""

    contact_id: str
    name: str
    email: str
    phone: str
    title: str
    create_time: datetime | None


class Customer(ProtoModel):
    """A customer account in the archive, with its contacts."""

    customer_id: str
    region: str
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 country code.")
    industry: str
    status: CustomerStatusName  # type: ignore[valid-type]
    owner_id: str = Field(description="Subject of the rep who owns the relationship.")
    source_lead_id: str = Field(description="The lead the account was opened from, if any.")
    contacts: list[Contact]
    audit: Audit | None


class CustomerList(BaseModel):
    """One page of customer accounts, newest first."""

    customers: list[Customer]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


@router.get("/{customer_id}", summary="Read a customer account")
async def get_customer(
    customer_id: Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$")],
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
) -> Customer:
    """The account with its contacts; outside the caller's scope it is 404."""
    request = customers_pb2.GetCustomerRequest(customer_id=customer_id)
    response = await upstreams.call("customers", "GetCustomer", request, caller)
    return Customer.from_proto(response.customer)


@router.get("", summary="List customer accounts")
async def list_customers(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    owner_id: Annotated[str, Query(description="Only accounts owned by this rep.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CustomerList:
    """Accounts in the caller's scope, newest first."""
    request = customers_pb2.ListCustomersRequest(
        region=region, owner_id=owner_id, page=page_request(page_size, page_token)
    )
    response = await upstreams.call("customers", "ListCustomers", request, caller)
    return CustomerList(
        customers=[Customer.from_proto(customer) for customer in response.customers],
        next_page_token=response.page.next_page_token,
    )
