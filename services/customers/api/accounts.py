"""The customers gRPC API: the customer archive, read side."""

from __future__ import annotations

from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import customers_pb2 as pb
from salesops.customers.v1 import customers_pb2_grpc

from services.customers.domain.accounts import CustomerStatus
from services.customers.models.accounts import CustomerRecord
from services.kit.db import Database
from services.kit.errors import InvalidArgument, NotFound
from services.kit.identity import current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp

STATUS_TO_PROTO = {
    CustomerStatus.PROSPECT: pb.CUSTOMER_STATUS_PROSPECT,
    CustomerStatus.ACTIVE: pb.CUSTOMER_STATUS_ACTIVE,
    CustomerStatus.DORMANT: pb.CUSTOMER_STATUS_DORMANT,
    CustomerStatus.CHURNED: pb.CUSTOMER_STATUS_CHURNED,
}


def customer_to_proto(customer: CustomerRecord) -> pb.Customer:
    return pb.Customer(
        customer_id=customer.customer_id,
        region=customer.region,
        name=customer.name,
        country=customer.country,
        industry=customer.industry,
        status=STATUS_TO_PROTO[CustomerStatus(customer.status)],
        owner_id=customer.owner_id,
        source_lead_id=customer.source_lead_id or "",
        contacts=[
            pb.Contact(
                contact_id=c.contact_id,
                name=c.name,
                email=c.email,
                phone=c.phone,
                title=c.title,
                create_time=timestamp(c.created_at),
            )
            for c in customer.contacts
        ],
        audit=audit_info(
            customer.created_at, customer.created_by, customer.updated_at, customer.updated_by
        ),
    )


class CustomersServicer(customers_pb2_grpc.CustomersServiceServicer):
    """Customer accounts: read one, list many, always within the caller's scope."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def GetCustomer(
        self, request: pb.GetCustomerRequest, context: grpc.ServicerContext
    ) -> pb.GetCustomerResponse:
        caller = current_caller()
        caller.require_reader()
        if not request.customer_id.strip():
            raise InvalidArgument.of("customer_id", "is required")
        with self.db.transaction() as session:
            customer = session.get(CustomerRecord, request.customer_id)
            if customer is None or not caller.can_read(customer.region, customer.owner_id):
                raise NotFound("customer", request.customer_id)
            return pb.GetCustomerResponse(customer=customer_to_proto(customer))

    def ListCustomers(
        self, request: pb.ListCustomersRequest, context: grpc.ServicerContext
    ) -> pb.ListCustomersResponse:
        caller = current_caller()
        caller.require_reader()
        regions = caller.readable_regions(request.region.strip().upper())
        query = sa.select(CustomerRecord)
        if regions is not None:
            query = query.where(CustomerRecord.region.in_(sorted(regions)))
        if request.owner_id:
            query = query.where(CustomerRecord.owner_id == request.owner_id)
        if caller.own_records_only:
            query = query.where(CustomerRecord.owner_id == caller.subject)
        with self.db.transaction() as session:
            customers, next_token = keyset_page(
                session,
                query,
                created=CustomerRecord.created_at,
                key=CustomerRecord.customer_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": request.region, "owner_id": request.owner_id},
                cursor_of=lambda customer: Cursor(customer.created_at, customer.customer_id),
            )
            return pb.ListCustomersResponse(
                customers=[customer_to_proto(c) for c in customers],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the customers servicers to `server`; return their full service names."""
    customers_pb2_grpc.add_CustomersServiceServicer_to_server(CustomersServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["CustomersService"].full_name]
