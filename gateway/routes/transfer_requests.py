"""`/v1/transfer-requests`: asking for an account to change owner (CustomerOwnershipService).

A rep asks to hand over an account they own, or to take over one of their
region (the candidates of a refused duplicate name its id and owner). The
current owner's manager, or a director, approves (`:approve`: the account
changes owner, `customers.owner.changed` is emitted) or rejects (`:reject`,
a comment is required). One pending request per account; a direct transfer
or a merge cancels it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.customers.v1 import ownership_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.customers import Customer
from gateway.upstreams import OpenUpstreams

TRANSFER_STATUS = EnumJson(
    ownership_pb2.OwnershipTransferStatus.DESCRIPTOR, "OWNERSHIP_TRANSFER_STATUS_"
)
TransferStatusName = TRANSFER_STATUS.literal()
TransferStatusFilter = TRANSFER_STATUS.filter_literal()

router = APIRouter(
    prefix="/v1/transfer-requests", tags=["transfer requests"], responses=PROBLEM_RESPONSES
)

TransferId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The request's id.")
]


class OwnershipTransfer(ProtoModel):
    """A request for an account to change owner, and its decision."""

    transfer_id: str
    customer_id: str
    region: str
    from_owner_id: str = Field(description="The owner when the request was made.")
    to_owner_id: str
    reason: str
    status: TransferStatusName  # type: ignore[valid-type]
    requested_by: str
    request_time: datetime | None
    decided_by: str
    decision_time: datetime | None
    decision_comment: str


class OwnershipTransferList(BaseModel):
    """One page of transfer requests, newest first."""

    transfers: list[OwnershipTransfer]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewTransferRequest(BaseModel):
    """Which account, to whom, and why."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str
    to_owner_id: str
    reason: str = Field(examples=["I have worked with Acme since 2019"])


class Decision(BaseModel):
    """A comment on the decision (required to reject)."""

    model_config = ConfigDict(extra="forbid")

    comment: str = ""


class Approved(BaseModel):
    """The approved request and the account under its new owner."""

    transfer: OwnershipTransfer
    customer: Customer


@router.post("", status_code=201, summary="Ask for an account to change owner")
async def request_transfer(
    body: NewTransferRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> OwnershipTransfer:
    """A pending request for the owner's manager to decide; `Location` points at it."""
    request = ownership_pb2.RequestOwnershipTransferRequest(**body.model_dump())
    answer = await upstreams.call("customers", "RequestOwnershipTransfer", request, caller)
    transfer = OwnershipTransfer.from_proto(answer.transfer)
    response.headers["Location"] = f"{router.prefix}/{transfer.transfer_id}"
    return transfer


@router.get("", summary="List transfer requests")
async def list_transfers(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    customer_id: Annotated[str, Query(description="Only requests about this account.")] = "",
    status: Annotated[
        TransferStatusFilter | None,  # type: ignore[valid-type]
        Query(description="Only requests in this status."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> OwnershipTransferList:
    """Requests in the caller's scope (a rep: those they asked for, give or receive)."""
    request = ownership_pb2.ListOwnershipTransfersRequest(
        region=region,
        customer_id=customer_id,
        status=ownership_pb2.OwnershipTransferStatus.ValueType(
            TRANSFER_STATUS.from_json(status) if status else 0
        ),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("customers", "ListOwnershipTransfers", request, caller)
    return OwnershipTransferList(
        transfers=[OwnershipTransfer.from_proto(t) for t in response.transfers],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{transfer_id}", summary="Read a transfer request")
async def get_transfer(
    transfer_id: TransferId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> OwnershipTransfer:
    """A request outside the caller's scope is 404."""
    request = ownership_pb2.GetOwnershipTransferRequest(transfer_id=transfer_id)
    response = await upstreams.call("customers", "GetOwnershipTransfer", request, caller)
    return OwnershipTransfer.from_proto(response.transfer)


@router.post("/{transfer_id}:approve", summary="Approve a transfer request")
async def approve_transfer(
    transfer_id: TransferId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[Decision | None, Body()] = None,
) -> Approved:
    """The owner's manager or a director: the account changes owner now."""
    request = ownership_pb2.ApproveOwnershipTransferRequest(
        transfer_id=transfer_id, comment=body.comment if body else ""
    )
    response = await upstreams.call("customers", "ApproveOwnershipTransfer", request, caller)
    return Approved(
        transfer=OwnershipTransfer.from_proto(response.transfer),
        customer=Customer.from_proto(response.customer),
    )


@router.post("/{transfer_id}:reject", summary="Reject a transfer request")
async def reject_transfer(
    transfer_id: TransferId, body: Decision, caller: WritingCaller, upstreams: OpenUpstreams
) -> OwnershipTransfer:
    """The owner's manager or a director; the comment says why."""
    request = ownership_pb2.RejectOwnershipTransferRequest(
        transfer_id=transfer_id, comment=body.comment
    )
    response = await upstreams.call("customers", "RejectOwnershipTransfer", request, caller)
    return OwnershipTransfer.from_proto(response.transfer)
