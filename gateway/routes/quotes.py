"""`/v1/quotes` and `/v1/discount-authority`: quotes under discount authority (QuoteService).

Money is exact: a line's amount is quantity x unit price x (1 - line
discount) x (1 - quote discount), rounded half up to a minor unit once per
line, and the total is the sum of the lines. `:submit` approves a quote at
once when its discount is within the submitter's authority, else it waits
for `:approve` or `:reject` (with a comment) by someone whose authority
covers it; every decision is in the quote's `decisions`. `:accept` records
the customer's acceptance of an approved, unexpired quote; `:revise` makes
the next version and supersedes this one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import quotes_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import IsoDate, Money, MoneyInput
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.leads import EmptyBody
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

QUOTE_STATUS = EnumJson(pb.QuoteStatus.DESCRIPTOR, "QUOTE_STATUS_")
DECISION_KIND = EnumJson(pb.QuoteDecisionKind.DESCRIPTOR, "QUOTE_DECISION_KIND_")
QuoteStatusName = QUOTE_STATUS.literal()
QuoteStatusFilter = QUOTE_STATUS.filter_literal()
DecisionKindName = DECISION_KIND.literal()

QUOTES = "/v1/quotes"
quotes_router = APIRouter(prefix=QUOTES, tags=["quotes"])
authority_router = APIRouter(prefix="/v1/discount-authority", tags=["quotes"])

QuoteId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The quote's id.")
]
Role = Annotated[
    str, Path(min_length=1, max_length=32, description="rep, manager, director, admin")
]
BasisPoints = Annotated[int, Field(ge=0, le=10000, description="10000 = 100%.")]


class QuoteLine(ProtoModel):
    """A priced line of a quote."""

    product_line: str
    quantity: int
    unit_price: Money | None
    discount_bp: int
    list_amount: Money | None = Field(description="quantity x unit price.")
    amount: Money | None = Field(description="After the discounts, rounded half up.")


class QuoteDecision(ProtoModel):
    """A decision in the quote's approval trail."""

    kind: DecisionKindName  # type: ignore[valid-type]
    decided_by: str
    role: str
    authority_bp: int
    unlimited_authority: bool
    discount_bp: int
    comment: str
    decide_time: datetime | None


class Quote(ProtoModel):
    """One version of a quote."""

    quote_id: str
    series_id: str = Field(description="Shared by every version of the quote.")
    version: int
    opportunity_id: str
    region: str
    owner_id: str
    status: QuoteStatusName  # type: ignore[valid-type]
    lines: list[QuoteLine]
    discount_bp: int = Field(description="The quote-wide discount.")
    effective_discount_bp: int = Field(description="The overall discount, rounded half up.")
    list_total: Money | None
    total: Money | None
    valid_until: str
    expired: bool
    notes: str
    superseded_by: str
    decisions: list[QuoteDecision]
    audit: Audit | None


class QuoteList(BaseModel):
    """One page of quotes, newest first."""

    quotes: list[Quote]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class QuoteLineInput(BaseModel):
    """A line: quantity, unit price and an optional line discount."""

    model_config = ConfigDict(extra="forbid")

    product_line: str = Field(examples=["analytics"])
    quantity: int = Field(examples=[10])
    unit_price: MoneyInput
    discount_bp: BasisPoints = 0

    def to_proto(self) -> pb.QuoteLine:
        return pb.QuoteLine(
            product_line=self.product_line,
            quantity=self.quantity,
            unit_price=self.unit_price.to_proto(),
            discount_bp=self.discount_bp,
        )


class CreateQuoteRequest(BaseModel):
    """A draft quote; without lines, the opportunity's lines are quoted."""

    model_config = ConfigDict(extra="forbid")

    opportunity_id: str
    lines: list[QuoteLineInput] = []
    discount_bp: BasisPoints = 0
    valid_until: IsoDate = Field(default="", description="Defaults to 30 days from today.")
    notes: str = ""


class ReviseQuoteRequest(BaseModel):
    """The next version; lines and validity left out are kept."""

    model_config = ConfigDict(extra="forbid")

    lines: list[QuoteLineInput] = []
    discount_bp: BasisPoints = 0
    valid_until: IsoDate = ""
    notes: str = ""


class DecisionRequest(BaseModel):
    """The approver's comment (required to reject)."""

    model_config = ConfigDict(extra="forbid")

    comment: str = ""


class DiscountAuthority(ProtoModel):
    """The largest discount a role grants without approval."""

    role: str
    max_discount_bp: int
    unlimited: bool
    update_time: datetime | None
    updated_by: str


class DiscountAuthorities(BaseModel):
    """Every configured role's authority."""

    authorities: list[DiscountAuthority]


class SetDiscountAuthorityRequest(BaseModel):
    """A role's new authority: basis points, or unlimited."""

    model_config = ConfigDict(extra="forbid")

    max_discount_bp: BasisPoints = 0
    unlimited: bool = False


async def _quote_action(upstreams: Upstreams, caller: Caller, method: str, request: Any) -> Quote:
    response = await upstreams.call("pipeline", method, request, caller)
    return Quote.from_proto(response.quote)


@quotes_router.post("", status_code=201, summary="Draft a quote")
async def create_quote(
    body: CreateQuoteRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Quote:
    """Draft a quote for an open opportunity; `Location` points at it."""
    request = pb.CreateQuoteRequest(
        opportunity_id=body.opportunity_id,
        lines=[line.to_proto() for line in body.lines],
        discount_bp=body.discount_bp,
        valid_until=body.valid_until,
        notes=body.notes,
    )
    quote = await _quote_action(upstreams, caller, "CreateQuote", request)
    response.headers["Location"] = f"{QUOTES}/{quote.quote_id}"
    return quote


@quotes_router.get("", summary="List quotes")
async def list_quotes(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    opportunity_id: Annotated[str, Query(description="Only this deal's quotes.")] = "",
    status: Annotated[
        QuoteStatusFilter | None,  # type: ignore[valid-type]
        Query(description="Only quotes in this status, for example pending_approval."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> QuoteList:
    """Quotes of the deals in the caller's scope, newest first."""
    request = pb.ListQuotesRequest(
        region=region,
        opportunity_id=opportunity_id,
        status=pb.QuoteStatus.ValueType(QUOTE_STATUS.from_json(status) if status else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("pipeline", "ListQuotes", request, caller)
    return QuoteList(
        quotes=[Quote.from_proto(q) for q in response.quotes],
        next_page_token=response.page.next_page_token,
    )


@quotes_router.get("/{quote_id}", summary="Read a quote")
async def get_quote(quote_id: QuoteId, caller: ReadingCaller, upstreams: OpenUpstreams) -> Quote:
    """A quote with its lines and decisions; outside the caller's scope it is 404."""
    return await _quote_action(upstreams, caller, "GetQuote", pb.GetQuoteRequest(quote_id=quote_id))


@quotes_router.post("/{quote_id}:submit", summary="Submit a quote")
async def submit_quote(
    quote_id: QuoteId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Quote:
    """Approved at once within the submitter's authority, else pending approval."""
    request = pb.SubmitQuoteRequest(quote_id=quote_id)
    return await _quote_action(upstreams, caller, "SubmitQuote", request)


@quotes_router.post("/{quote_id}:approve", summary="Approve a quote")
async def approve_quote(
    quote_id: QuoteId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[DecisionRequest | None, Body()] = None,
) -> Quote:
    """Approve a pending quote; 403 when the caller's authority does not cover its discount."""
    request = pb.ApproveQuoteRequest(quote_id=quote_id, comment=body.comment if body else "")
    return await _quote_action(upstreams, caller, "ApproveQuote", request)


@quotes_router.post("/{quote_id}:reject", summary="Reject a quote")
async def reject_quote(
    quote_id: QuoteId, body: DecisionRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Quote:
    """Reject a pending quote; the comment is required."""
    request = pb.RejectQuoteRequest(quote_id=quote_id, comment=body.comment)
    return await _quote_action(upstreams, caller, "RejectQuote", request)


@quotes_router.post("/{quote_id}:accept", summary="Record the customer's acceptance")
async def accept_quote(
    quote_id: QuoteId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Quote:
    """Only an approved quote that has not expired; one accepted quote per deal."""
    request = pb.AcceptQuoteRequest(quote_id=quote_id)
    return await _quote_action(upstreams, caller, "AcceptQuote", request)


@quotes_router.post("/{quote_id}:revise", status_code=201, summary="Revise a quote")
async def revise_quote(
    quote_id: QuoteId,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[ReviseQuoteRequest | None, Body()] = None,
) -> Quote:
    """Draft the next version (returned); this one becomes superseded."""
    body = body or ReviseQuoteRequest()
    request = pb.ReviseQuoteRequest(
        quote_id=quote_id,
        lines=[line.to_proto() for line in body.lines],
        discount_bp=body.discount_bp,
        valid_until=body.valid_until,
        notes=body.notes,
    )
    quote = await _quote_action(upstreams, caller, "ReviseQuote", request)
    response.headers["Location"] = f"{QUOTES}/{quote.quote_id}"
    return quote


@authority_router.get("", summary="Discount authority by role")
async def list_discount_authorities(
    caller: ReadingCaller, upstreams: OpenUpstreams
) -> DiscountAuthorities:
    """The discount each role may grant without approval."""
    request = pb.ListDiscountAuthoritiesRequest()
    response = await upstreams.call("pipeline", "ListDiscountAuthorities", request, caller)
    return DiscountAuthorities(
        authorities=[DiscountAuthority.from_proto(a) for a in response.authorities]
    )


@authority_router.put("/{role}", summary="Set a role's discount authority")
async def set_discount_authority(
    role: Role, body: SetDiscountAuthorityRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> DiscountAuthority:
    """Admins of every region only; applies to quotes submitted or decided from now on."""
    request = pb.SetDiscountAuthorityRequest(
        role=role, max_discount_bp=body.max_discount_bp, unlimited=body.unlimited
    )
    response = await upstreams.call("pipeline", "SetDiscountAuthority", request, caller)
    return DiscountAuthority.from_proto(response.authority)


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(quotes_router)
router.include_router(authority_router)
