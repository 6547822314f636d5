"""`/v1/contracts`: contracts signed from accepted quotes (QuoteService).

A contract is signed when its opportunity is won (`POST
/v1/opportunities/{id}:win`). It carries the deal's product lines and the
reps' credit splits, whose amounts add up to its value exactly. `:cancel`
needs a reason; `:renew` signs the follow-on contract. Money is always
`{"currency": "EUR", "amount_minor": 12345}` (integer minor units).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.common.v1 import common_pb2
from salesops.pipeline.v1 import quotes_pb2

from gateway.auth import ReadingCaller, WritingCaller
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

CONTRACT_STATUS = EnumJson(quotes_pb2.ContractStatus.DESCRIPTOR, "CONTRACT_STATUS_")
ContractStatusName = CONTRACT_STATUS.literal()
ContractStatusFilter = CONTRACT_STATUS.filter_literal()

router = APIRouter(prefix="/v1/contracts", tags=["contracts"], responses=PROBLEM_RESPONSES)

# Ids never contain ":", which separates a custom verb (`{contract_id}:cancel`).
ContractId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The contract's id.")
]
IsoDate = Annotated[str, Field(pattern=r"^(\d{4}-\d{2}-\d{2})?$", examples=["2027-03-31"])]


class Money(ProtoModel):
    """An amount in integer minor units of an ISO 4217 currency (cents, fen); never a float."""

    currency: str = Field(examples=["EUR"])
    amount_minor: int = Field(examples=[1250000])


class MoneyInput(BaseModel):
    """An amount in integer minor units of an ISO 4217 currency."""

    model_config = ConfigDict(extra="forbid")

    currency: str = Field(examples=["EUR"])
    amount_minor: int = Field(examples=[1250000])

    def to_proto(self) -> common_pb2.Money:
        return common_pb2.Money(currency=self.currency, amount_minor=self.amount_minor)


class ContractLine(ProtoModel):
    """A product line of a contract, after discounts."""

    product_line: str
    quantity: int
    amount: Money | None


class RepSplit(ProtoModel):
    """A rep's share of the contract's credit."""

    rep_id: str
    share_bp: int = Field(description="Basis points; a contract's shares sum to 10000.")
    amount: Money | None = Field(description="The amounts of a contract sum to its value.")


class Contract(ProtoModel):
    """An agreement signed from an accepted quote."""

    contract_id: str
    region: str
    opportunity_id: str
    quote_id: str
    customer_id: str
    owner_id: str
    value: Money | None
    start_date: str = Field(description="ISO 8601 date.")
    end_date: str = Field(description="ISO 8601 date: the last day of the term.")
    term_months: int
    signed_date: str
    status: ContractStatusName  # type: ignore[valid-type]
    lines: list[ContractLine]
    splits: list[RepSplit]
    cancel_reason: str
    cancel_time: datetime | None
    renews_contract_id: str
    renewed_by_contract_id: str
    audit: Audit | None


class ContractList(BaseModel):
    """One page of contracts, newest first."""

    contracts: list[Contract]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class CancelContractRequest(BaseModel):
    """Why the contract ends early."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(examples=["customer went out of business"])


class RenewContractRequest(BaseModel):
    """The follow-on term; by default it starts the day after the current one ends."""

    model_config = ConfigDict(extra="forbid")

    start_date: IsoDate = ""
    term_months: int = Field(default=0, ge=0, le=120, description="0 keeps the current term.")


@router.get("", summary="List contracts")
async def list_contracts(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    customer_id: Annotated[str, Query(description="Only this customer's contracts.")] = "",
    opportunity_id: Annotated[str, Query(description="Only this deal's contracts.")] = "",
    status: Annotated[
        ContractStatusFilter | None,  # type: ignore[valid-type]
        Query(description="Only contracts in this status."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ContractList:
    """Contracts in the caller's scope (a rep: those they own or are credited on)."""
    request = quotes_pb2.ListContractsRequest(
        region=region,
        customer_id=customer_id,
        opportunity_id=opportunity_id,
        status=quotes_pb2.ContractStatus.ValueType(
            CONTRACT_STATUS.from_json(status) if status else 0
        ),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("pipeline", "ListContracts", request, caller)
    return ContractList(
        contracts=[Contract.from_proto(c) for c in response.contracts],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{contract_id}", summary="Read a contract")
async def get_contract(
    contract_id: ContractId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Contract:
    """A contract outside the caller's scope is 404."""
    request = quotes_pb2.GetContractRequest(contract_id=contract_id)
    response = await upstreams.call("pipeline", "GetContract", request, caller)
    return Contract.from_proto(response.contract)


@router.post("/{contract_id}:cancel", summary="Cancel a contract")
async def cancel_contract(
    contract_id: ContractId,
    body: CancelContractRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Contract:
    """Cancel an active contract; emits `pipeline.contract.cancelled` with the credit splits."""
    request = quotes_pb2.CancelContractRequest(contract_id=contract_id, reason=body.reason)
    response = await upstreams.call("pipeline", "CancelContract", request, caller)
    return Contract.from_proto(response.contract)


@router.post("/{contract_id}:renew", summary="Renew a contract", status_code=201)
async def renew_contract(
    contract_id: ContractId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: RenewContractRequest | None = None,
) -> Contract:
    """Sign the follow-on contract (returned); the current one becomes renewed."""
    body = body or RenewContractRequest()
    request = quotes_pb2.RenewContractRequest(
        contract_id=contract_id, start_date=body.start_date, term_months=body.term_months
    )
    response = await upstreams.call("pipeline", "RenewContract", request, caller)
    return Contract.from_proto(response.contract)
