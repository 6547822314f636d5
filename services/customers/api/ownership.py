"""CustomerOwnershipService: who owns each account, transfer requests, ownership history.

A rep asks for a transfer (of an account they own, or of one in their region
to themselves: the candidates of a refused duplicate name its id); the
current owner's manager or a director approves or rejects it. A manager
transfers their team's accounts directly, a director any in their regions.
Every change is kept in `ownership_history` and emits `customers.owner.changed`
(and `customers.customer.updated`, which the pipeline's copy follows).

A transfer request exists for a caller who sees its region and, for a rep,
who asked for it or is its giving or receiving owner.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import ownership_pb2 as pb
from salesops.customers.v1 import ownership_pb2_grpc
from sqlalchemy.orm import Session

from services.customers.api.accounts import customers_to_proto, load_customer
from services.customers.domain import accounts as accounts_domain
from services.customers.domain import ownership as domain
from services.customers.domain.ownership import TransferStatus
from services.customers.models import archive_store as store
from services.customers.models.accounts import CustomerRecord
from services.customers.models.ownership import OwnershipChangeRecord, TransferRequestRecord
from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp

STATUS_TO_PROTO = {
    TransferStatus.PENDING: pb.OWNERSHIP_TRANSFER_STATUS_PENDING,
    TransferStatus.APPROVED: pb.OWNERSHIP_TRANSFER_STATUS_APPROVED,
    TransferStatus.REJECTED: pb.OWNERSHIP_TRANSFER_STATUS_REJECTED,
    TransferStatus.CANCELLED: pb.OWNERSHIP_TRANSFER_STATUS_CANCELLED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}


def transfer_to_proto(transfer: TransferRequestRecord) -> pb.OwnershipTransfer:
    """The OwnershipTransfer proto of a request."""
    return pb.OwnershipTransfer(
        transfer_id=transfer.transfer_id,
        customer_id=transfer.customer_id,
        region=transfer.region,
        from_owner_id=transfer.from_owner_id,
        to_owner_id=transfer.to_owner_id,
        reason=transfer.reason,
        status=STATUS_TO_PROTO[TransferStatus(transfer.status)],
        requested_by=transfer.requested_by,
        request_time=timestamp(transfer.requested_at),
        decided_by=transfer.decided_by,
        decision_time=timestamp(transfer.decided_at),
        decision_comment=transfer.decision_comment,
    )


def change_to_proto(change: OwnershipChangeRecord) -> pb.OwnershipChange:
    """The OwnershipChange proto of a history row."""
    return pb.OwnershipChange(
        change_id=change.change_id,
        customer_id=change.customer_id,
        region=change.region,
        from_owner_id=change.from_owner_id,
        to_owner_id=change.to_owner_id,
        reason=change.reason,
        transfer_id=change.transfer_id or "",
        changed_by=change.changed_by,
        change_time=timestamp(change.changed_at),
    )


def _party_clause(caller: Caller) -> sa.ColumnElement[bool]:
    """SQL: the request is one a rep sees (asked for it, gives or receives the account)."""
    return sa.or_(
        TransferRequestRecord.requested_by == caller.subject,
        TransferRequestRecord.from_owner_id == caller.subject,
        TransferRequestRecord.to_owner_id == caller.subject,
    )


def load_transfer(
    session: Session, caller: Caller, transfer_id: str, *, for_update: bool = False
) -> TransferRequestRecord:
    """The request if it exists for this caller; NotFound otherwise (outside scope too)."""
    caller.require_reader()
    transfer_id = transfer_id.strip()
    if not transfer_id:
        raise InvalidArgument.of("transfer_id", "is required")
    transfer = session.get(TransferRequestRecord, transfer_id, with_for_update=for_update)
    if transfer is None or not caller.can_read(transfer.region):
        raise NotFound("transfer request", transfer_id)
    parties = {transfer.requested_by, transfer.from_owner_id, transfer.to_owner_id}
    if caller.own_records_only and caller.subject not in parties:
        raise NotFound("transfer request", transfer_id)
    if for_update:
        # A transfer request keeps no version, so no If-Match can name one.
        check_expected_version(None, f"transfer-requests/{transfer_id}")
    return transfer


class OwnershipServicer(ownership_pb2_grpc.CustomerOwnershipServiceServicer):
    """Account ownership: transfers, requests and their decisions, history."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def TransferCustomer(
        self, request: pb.TransferCustomerRequest, context: grpc.ServicerContext
    ) -> pb.TransferCustomerResponse:
        caller = current_caller()
        to_owner_id = request.to_owner_id.strip()
        reason = domain.clean_reason(request.reason, required=False) or "direct transfer"
        now = utcnow()
        with self.db.transaction() as session:
            customer = load_customer(session, caller, request.customer_id, for_update=True)
            accounts_domain.require_not_merged(
                customer.customer_id, customer.status, customer.merged_into
            )
            caller.require_writer(customer.region)
            domain.check_direct_transfer(
                roles=caller.roles,
                subject=caller.subject,
                current_owner_id=customer.owner_id,
                current_owner_manager_id=store.manager_of(session, customer.owner_id),
            )
            domain.check_new_owner(
                region=customer.region,
                current_owner_id=customer.owner_id,
                to_owner_id=to_owner_id,
                to_owner=store.rep_view(session, to_owner_id),
            )
            store.cancel_pending_transfers(
                session,
                customer.customer_id,
                caller,
                now,
                f"overtaken by a direct transfer to {to_owner_id}",
            )
            store.change_owner(
                session,
                customer,
                to_owner_id,
                reason=reason,
                transfer_id=None,
                caller=caller,
                now=now,
            )
            session.flush()
            return pb.TransferCustomerResponse(customer=customers_to_proto(session, [customer])[0])

    def RequestOwnershipTransfer(
        self, request: pb.RequestOwnershipTransferRequest, context: grpc.ServicerContext
    ) -> pb.RequestOwnershipTransferResponse:
        caller = current_caller()
        to_owner_id = request.to_owner_id.strip()
        reason = domain.clean_reason(request.reason)
        now = utcnow()
        with self.db.transaction() as session:
            # Asking to take an account over is possible without seeing it: its
            # id came from a duplicate refusal. Everything else needs the account.
            customer = load_customer(
                session,
                caller,
                request.customer_id,
                for_update=True,
                owner_scoped=to_owner_id != caller.subject,
            )
            accounts_domain.require_not_merged(
                customer.customer_id, customer.status, customer.merged_into
            )
            caller.require_writer(customer.region)
            domain.check_new_owner(
                region=customer.region,
                current_owner_id=customer.owner_id,
                to_owner_id=to_owner_id,
                to_owner=store.rep_view(session, to_owner_id),
            )
            domain.check_may_request(
                roles=caller.roles,
                subject=caller.subject,
                current_owner_id=customer.owner_id,
                to_owner_id=to_owner_id,
            )
            domain.require_no_pending(
                customer.customer_id,
                session.scalar(
                    sa.select(TransferRequestRecord.transfer_id).where(
                        TransferRequestRecord.customer_id == customer.customer_id,
                        TransferRequestRecord.status == TransferStatus.PENDING.value,
                    )
                ),
            )
            transfer = TransferRequestRecord(
                transfer_id=str(uuid.uuid4()),
                customer_id=customer.customer_id,
                region=customer.region,
                from_owner_id=customer.owner_id,
                to_owner_id=to_owner_id,
                reason=reason,
                status=TransferStatus.PENDING.value,
                requested_by=caller.subject,
                requested_at=now,
                decided_by="",
                decided_at=None,
                decision_comment="",
            )
            session.add(transfer)
            session.flush()
            return pb.RequestOwnershipTransferResponse(transfer=transfer_to_proto(transfer))

    def GetOwnershipTransfer(
        self, request: pb.GetOwnershipTransferRequest, context: grpc.ServicerContext
    ) -> pb.GetOwnershipTransferResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            transfer = load_transfer(session, caller, request.transfer_id)
            return pb.GetOwnershipTransferResponse(transfer=transfer_to_proto(transfer))

    def ListOwnershipTransfers(
        self, request: pb.ListOwnershipTransfersRequest, context: grpc.ServicerContext
    ) -> pb.ListOwnershipTransfersResponse:
        caller = current_caller()
        caller.require_reader()
        regions = caller.readable_regions(request.region.strip().upper())
        query = sa.select(TransferRequestRecord)
        if regions is not None:
            query = query.where(TransferRequestRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(_party_clause(caller))
        if request.customer_id:
            query = query.where(TransferRequestRecord.customer_id == request.customer_id)
        status = STATUS_FROM_PROTO.get(request.status)
        if status is not None:
            query = query.where(TransferRequestRecord.status == status.value)
        filters = {
            "region": request.region,
            "customer_id": request.customer_id,
            "status": str(request.status),
        }
        with self.db.transaction() as session:
            transfers, next_token = keyset_page(
                session,
                query,
                created=TransferRequestRecord.requested_at,
                key=TransferRequestRecord.transfer_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda t: Cursor(t.requested_at, t.transfer_id),
            )
            return pb.ListOwnershipTransfersResponse(
                transfers=[transfer_to_proto(t) for t in transfers],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def _decide(
        self, session: Session, caller: Caller, transfer_id: str
    ) -> tuple[TransferRequestRecord, CustomerRecord]:
        """The pending request and its account, once the caller may decide it."""
        transfer = load_transfer(session, caller, transfer_id, for_update=True)
        customer = load_customer(
            session, caller, transfer.customer_id, for_update=True, owner_scoped=False
        )
        caller.require_writer(customer.region)
        domain.require_decider(
            caller.roles,
            caller.subject,
            customer.owner_id,
            store.manager_of(session, customer.owner_id),
        )
        domain.require_pending(transfer.transfer_id, transfer.status)
        return transfer, customer

    def ApproveOwnershipTransfer(
        self, request: pb.ApproveOwnershipTransferRequest, context: grpc.ServicerContext
    ) -> pb.ApproveOwnershipTransferResponse:
        caller = current_caller()
        comment = domain.clean_reason(request.comment, "comment", required=False)
        now = utcnow()
        with self.db.transaction() as session:
            transfer, customer = self._decide(session, caller, request.transfer_id)
            accounts_domain.require_not_merged(
                customer.customer_id, customer.status, customer.merged_into
            )
            domain.require_owner_unchanged(
                transfer.transfer_id, transfer.from_owner_id, customer.owner_id
            )
            domain.require_new_owner_still_fits(
                transfer.transfer_id,
                transfer.to_owner_id,
                domain.new_owner_problem(
                    customer.region, store.rep_view(session, transfer.to_owner_id)
                ),
            )
            transfer.status = TransferStatus.APPROVED.value
            transfer.decided_by = caller.subject
            transfer.decided_at = now
            transfer.decision_comment = comment
            store.change_owner(
                session,
                customer,
                transfer.to_owner_id,
                reason=transfer.reason,
                transfer_id=transfer.transfer_id,
                caller=caller,
                now=now,
            )
            session.flush()
            return pb.ApproveOwnershipTransferResponse(
                transfer=transfer_to_proto(transfer),
                customer=customers_to_proto(session, [customer])[0],
            )

    def RejectOwnershipTransfer(
        self, request: pb.RejectOwnershipTransferRequest, context: grpc.ServicerContext
    ) -> pb.RejectOwnershipTransferResponse:
        caller = current_caller()
        comment = domain.clean_reason(request.comment, "comment")
        now = utcnow()
        with self.db.transaction() as session:
            transfer, _customer = self._decide(session, caller, request.transfer_id)
            transfer.status = TransferStatus.REJECTED.value
            transfer.decided_by = caller.subject
            transfer.decided_at = now
            transfer.decision_comment = comment
            session.flush()
            return pb.RejectOwnershipTransferResponse(transfer=transfer_to_proto(transfer))

    def ListOwnershipHistory(
        self, request: pb.ListOwnershipHistoryRequest, context: grpc.ServicerContext
    ) -> pb.ListOwnershipHistoryResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            customer = load_customer(session, caller, request.customer_id)
            changes, next_token = keyset_page(
                session,
                sa.select(OwnershipChangeRecord).where(
                    OwnershipChangeRecord.customer_id == customer.customer_id
                ),
                created=OwnershipChangeRecord.changed_at,
                key=OwnershipChangeRecord.change_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"customer_id": customer.customer_id},
                cursor_of=lambda c: Cursor(c.changed_at, c.change_id),
            )
            return pb.ListOwnershipHistoryResponse(
                changes=[change_to_proto(c) for c in changes],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the ownership servicer to `server`; return its full service name."""
    ownership_pb2_grpc.add_CustomerOwnershipServiceServicer_to_server(OwnershipServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["CustomerOwnershipService"].full_name]
