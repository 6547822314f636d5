"""QuoteService: quotes and their approval under discount authority, and contracts.

A quote's lines are priced by `domain.quotes` (round half up per line, total
= sum of lines). Submitting compares the quote's discount with the
submitter's authority (the largest among their roles, from the
`discount_authority` table): within it the quote is approved at once, beyond
it an approver whose authority covers it must approve or reject it. Every
decision is a row of `quote_decisions`. Contracts are signed from the
accepted quote when the opportunity is won (see the opportunities area).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import pipeline_sales_events_pb2 as events
from salesops.pipeline.v1 import quotes_pb2 as pb
from salesops.pipeline.v1 import quotes_pb2_grpc
from sqlalchemy.orm import Session

from services.kit.concurrency import check_expected_version, unchecked_locks
from services.kit.db import Database, utcnow
from services.kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import where_equal
from services.pipeline.api.opportunities import (
    load_opportunity,
    money,
    rep_view,
    rep_visible_clause,
    require_admin,
    require_deal_writer,
    team_of,
    today,
)
from services.pipeline.domain import contracts as contract_rules
from services.pipeline.domain import opportunities as deal_rules
from services.pipeline.domain import quotes as domain
from services.pipeline.domain.contracts import ContractStatus
from services.pipeline.domain.opportunities import OpportunityStatus, iso
from services.pipeline.domain.quotes import Decision, QuoteStatus
from services.pipeline.models.contracts import (
    ContractLineRecord,
    ContractRecord,
    ContractSplitRecord,
)
from services.pipeline.models.opportunities import OpportunityLineRecord, OpportunityRecord
from services.pipeline.models.quotes import (
    DiscountAuthorityRecord,
    QuoteDecisionRecord,
    QuoteLineRecord,
    QuoteRecord,
)

QUOTE_STATUS_TO_PROTO = {
    QuoteStatus.DRAFT: pb.QUOTE_STATUS_DRAFT,
    QuoteStatus.PENDING_APPROVAL: pb.QUOTE_STATUS_PENDING_APPROVAL,
    QuoteStatus.APPROVED: pb.QUOTE_STATUS_APPROVED,
    QuoteStatus.REJECTED: pb.QUOTE_STATUS_REJECTED,
    QuoteStatus.ACCEPTED: pb.QUOTE_STATUS_ACCEPTED,
    QuoteStatus.SUPERSEDED: pb.QUOTE_STATUS_SUPERSEDED,
}
QUOTE_STATUS_FROM_PROTO = {value: key for key, value in QUOTE_STATUS_TO_PROTO.items()}
DECISION_TO_PROTO = {
    Decision.SUBMITTED_FOR_APPROVAL: pb.QUOTE_DECISION_KIND_SUBMITTED_FOR_APPROVAL,
    Decision.AUTO_APPROVED: pb.QUOTE_DECISION_KIND_AUTO_APPROVED,
    Decision.APPROVED: pb.QUOTE_DECISION_KIND_APPROVED,
    Decision.REJECTED: pb.QUOTE_DECISION_KIND_REJECTED,
    Decision.ACCEPTED: pb.QUOTE_DECISION_KIND_ACCEPTED,
    Decision.SUPERSEDED: pb.QUOTE_DECISION_KIND_SUPERSEDED,
}
CONTRACT_STATUS_TO_PROTO = {
    ContractStatus.ACTIVE: pb.CONTRACT_STATUS_ACTIVE,
    ContractStatus.CANCELLED: pb.CONTRACT_STATUS_CANCELLED,
    ContractStatus.RENEWED: pb.CONTRACT_STATUS_RENEWED,
}
CONTRACT_STATUS_FROM_PROTO = {value: key for key, value in CONTRACT_STATUS_TO_PROTO.items()}


# --- quotes: reading ------------------------------------------------------------------


def quote_lines(session: Session, quote_id: str) -> list[QuoteLineRecord]:
    """A quote's lines in order."""
    return list(
        session.scalars(
            sa.select(QuoteLineRecord)
            .where(QuoteLineRecord.quote_id == quote_id)
            .order_by(QuoteLineRecord.position)
        )
    )


def priced_of(session: Session, quote: QuoteRecord) -> domain.PricedQuote:
    """The stored quote priced again, for its exact discount rate."""
    lines = [
        domain.QuoteLineInput(
            line.product_line,
            line.quantity,
            line.unit_price_minor,
            quote.currency,
            line.discount_bp,
        )
        for line in quote_lines(session, quote.quote_id)
    ]
    priced, list_total, total, numerator, denominator = domain.price(lines, quote.discount_bp)
    return domain.PricedQuote(
        priced, quote.currency, quote.discount_bp, list_total, total, numerator, denominator
    )


def quote_to_proto(session: Session, quote: QuoteRecord) -> pb.Quote:
    """The Quote proto with its lines and decisions."""
    opp = session.get(OpportunityRecord, quote.opportunity_id)
    decisions = session.scalars(
        sa.select(QuoteDecisionRecord)
        .where(QuoteDecisionRecord.quote_id == quote.quote_id)
        .order_by(QuoteDecisionRecord.id)
    )
    return pb.Quote(
        quote_id=quote.quote_id,
        series_id=quote.series_id,
        version=quote.version,
        opportunity_id=quote.opportunity_id,
        region=quote.region,
        owner_id=opp.owner_id if opp else "",
        status=QUOTE_STATUS_TO_PROTO[QuoteStatus(quote.status)],
        lines=[
            pb.QuoteLine(
                product_line=line.product_line,
                quantity=line.quantity,
                unit_price=money(quote.currency, line.unit_price_minor),
                discount_bp=line.discount_bp,
                list_amount=money(quote.currency, line.list_amount_minor),
                amount=money(quote.currency, line.amount_minor),
            )
            for line in quote_lines(session, quote.quote_id)
        ],
        discount_bp=quote.discount_bp,
        effective_discount_bp=quote.effective_discount_bp,
        list_total=money(quote.currency, quote.list_total_minor),
        total=money(quote.currency, quote.total_minor),
        valid_until=iso(quote.valid_until),
        expired=quote.valid_until < today(),
        notes=quote.notes,
        superseded_by=quote.superseded_by,
        decisions=[
            pb.QuoteDecision(
                kind=DECISION_TO_PROTO[Decision(d.decision)],
                decided_by=d.decided_by,
                role=d.role,
                authority_bp=d.authority_bp or 0,
                unlimited_authority=d.authority_bp is None and bool(d.role),
                discount_bp=d.discount_bp,
                comment=d.comment,
                decide_time=timestamp(d.decided_at),
            )
            for d in decisions
        ],
        audit=audit_info(quote.created_at, quote.created_by, quote.updated_at, quote.updated_by),
    )


def load_quote(
    session: Session, caller: Caller, quote_id: str, *, for_update: bool = False
) -> tuple[QuoteRecord, OpportunityRecord]:
    """The quote and its opportunity if the caller sees that opportunity; NotFound otherwise."""
    if not quote_id.strip():
        raise InvalidArgument.of("quote_id", "is required")
    quote = session.get(QuoteRecord, quote_id, with_for_update=for_update)
    if quote is None:
        raise NotFound("quote", quote_id)
    try:
        # If-Match names the quote's version, not its opportunity's: compared below.
        with unchecked_locks():
            opp = load_opportunity(session, caller, quote.opportunity_id, for_update=for_update)
    except NotFound:
        raise NotFound("quote", quote_id) from None
    if for_update:
        check_expected_version(quote.version, f"quotes/{quote_id}")
    return quote, opp


def authority_table(session: Session) -> dict[str, int | None]:
    """The discount authority of each configured role (None = unlimited)."""
    return {
        row.role: row.max_discount_bp for row in session.scalars(sa.select(DiscountAuthorityRecord))
    }


def _decide(
    session: Session,
    quote: QuoteRecord,
    decision: Decision,
    caller: Caller,
    now: datetime,
    *,
    authority: domain.Authority | None = None,
    comment: str = "",
) -> None:
    session.add(
        QuoteDecisionRecord(
            quote_id=quote.quote_id,
            decision=decision.value,
            decided_by=caller.subject,
            role=authority.role if authority else "",
            authority_bp=authority.max_discount_bp if authority else None,
            discount_bp=quote.effective_discount_bp,
            comment=comment,
            decided_at=now,
        )
    )


def _approved_event(
    session: Session,
    quote: QuoteRecord,
    opp: OpportunityRecord,
    caller: Caller,
    automatic: bool,
    authority: domain.Authority,
) -> None:
    """`pipeline.quote.approved`, with the authority that approved it (for supervision)."""
    record_event(
        session,
        "pipeline.quote.approved",
        events.QuoteApproved(
            quote_id=quote.quote_id,
            series_id=quote.series_id,
            version=quote.version,
            opportunity_id=opp.opportunity_id,
            region=quote.region,
            owner_id=opp.owner_id,
            total=money(quote.currency, quote.total_minor),
            effective_discount_bp=quote.effective_discount_bp,
            approved_by=caller.subject,
            automatic=automatic,
            approver_role=authority.role,
            approver_authority_bp=authority.max_discount_bp or 0,
            approver_unlimited=authority.max_discount_bp is None,
        ),
        region=quote.region,
        caller=caller,
    )


def _line_inputs(lines: Sequence[pb.QuoteLine]) -> list[domain.QuoteLineInput]:
    return [
        domain.QuoteLineInput(
            line.product_line,
            line.quantity,
            line.unit_price.amount_minor,
            line.unit_price.currency,
            line.discount_bp,
        )
        for line in lines
    ]


def _write_quote(
    session: Session,
    caller: Caller,
    opp: OpportunityRecord,
    priced: domain.PricedQuote,
    valid_until: date,
    notes: str,
    *,
    series_id: str = "",
    version: int = 1,
    now: datetime,
) -> QuoteRecord:
    quote_id = str(uuid.uuid4())
    quote = QuoteRecord(
        quote_id=quote_id,
        series_id=series_id or quote_id,
        version=version,
        opportunity_id=opp.opportunity_id,
        region=opp.region,
        currency=priced.currency,
        discount_bp=priced.discount_bp,
        effective_discount_bp=priced.effective_discount_bp,
        list_total_minor=priced.list_total_minor,
        total_minor=priced.total_minor,
        valid_until=valid_until,
        status=QuoteStatus.DRAFT.value,
        notes=notes,
        submitted_by="",
        superseded_by="",
        created_at=now,
        created_by=caller.subject,
        updated_at=now,
        updated_by=caller.subject,
    )
    session.add(quote)
    session.flush()
    session.add_all(
        QuoteLineRecord(
            quote_id=quote_id,
            position=index,
            product_line=line.product_line,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            discount_bp=line.discount_bp,
            list_amount_minor=line.list_amount_minor,
            amount_minor=line.amount_minor,
        )
        for index, line in enumerate(priced.lines, 1)
    )
    return quote


def _require_open_deal(opp: OpportunityRecord) -> None:
    deal_rules.require_open(opp.opportunity_id, OpportunityStatus(opp.status))


# --- contracts ------------------------------------------------------------------------------


def accepted_quote(
    session: Session, opp: OpportunityRecord, quote_id: str
) -> tuple[QuoteRecord | None, list[RuleViolation]]:
    """The accepted quote a win contracts (the named one, or the deal's), or the unmet rule."""
    subject = f"opportunities/{opp.opportunity_id}/quote"
    if quote_id:
        quote = session.get(QuoteRecord, quote_id)
        if quote is None or quote.opportunity_id != opp.opportunity_id:
            raise InvalidArgument.of("quote_id", "is not a quote of this opportunity")
        if quote.status != QuoteStatus.ACCEPTED.value:
            return None, [
                RuleViolation(
                    "POLICY",
                    subject,
                    f"quote '{quote_id}' is {quote.status}; winning needs the quote the "
                    "customer accepted",
                )
            ]
        return quote, []
    quote = session.scalars(
        sa.select(QuoteRecord).where(
            QuoteRecord.opportunity_id == opp.opportunity_id,
            QuoteRecord.status == QuoteStatus.ACCEPTED.value,
        )
    ).first()
    if quote is None:
        return None, [
            RuleViolation(
                "POLICY",
                subject,
                "winning needs a quote the customer accepted: submit a quote, have it "
                "approved and record the customer's acceptance",
            )
        ]
    return quote, []


def contract_splits(session: Session, contract_id: str) -> list[ContractSplitRecord]:
    """A contract's credit splits in order."""
    return list(
        session.scalars(
            sa.select(ContractSplitRecord)
            .where(ContractSplitRecord.contract_id == contract_id)
            .order_by(ContractSplitRecord.position)
        )
    )


def contract_lines(session: Session, contract_id: str) -> list[ContractLineRecord]:
    """A contract's product lines in order."""
    return list(
        session.scalars(
            sa.select(ContractLineRecord)
            .where(ContractLineRecord.contract_id == contract_id)
            .order_by(ContractLineRecord.position)
        )
    )


def _split_events(session: Session, contract: ContractRecord) -> list[events.SalesCreditSplit]:
    return [
        events.SalesCreditSplit(
            rep_id=split.rep_id,
            share_bp=split.share_bp,
            amount=money(contract.currency, split.amount_minor),
        )
        for split in contract_splits(session, contract.contract_id)
    ]


def _product_line_events(
    session: Session, contract: ContractRecord
) -> list[events.ContractProductLine]:
    return [
        events.ContractProductLine(
            product_line=line.product_line,
            quantity=line.quantity,
            amount=money(contract.currency, line.amount_minor),
        )
        for line in contract_lines(session, contract.contract_id)
    ]


def _signed_event(session: Session, contract: ContractRecord, caller: Caller) -> None:
    record_event(
        session,
        "pipeline.contract.signed",
        events.ContractSigned(
            contract_id=contract.contract_id,
            opportunity_id=contract.opportunity_id,
            customer_id=contract.customer_id,
            region=contract.region,
            owner_id=contract.owner_id,
            value=money(contract.currency, contract.value_minor),
            start_date=iso(contract.start_date),
            end_date=iso(contract.end_date),
            term_months=contract.term_months,
            signed_date=iso(contract.signed_date),
            product_lines=_product_line_events(session, contract),
            splits=_split_events(session, contract),
            quote_id=contract.quote_id,
            renews_contract_id=contract.renews_contract_id,
        ),
        region=contract.region,
        caller=caller,
    )


def _new_contract(
    session: Session,
    caller: Caller,
    *,
    source: ContractRecord | OpportunityRecord,
    quote_id: str,
    value_minor: int,
    currency: str,
    term: contract_rules.Term,
    lines: Sequence[tuple[str, int, int]],
    shares: Sequence[tuple[str, int]],
    now: datetime,
    renews: str = "",
) -> ContractRecord:
    contract = ContractRecord(
        contract_id=str(uuid.uuid4()),
        region=source.region,
        opportunity_id=source.opportunity_id,
        quote_id=quote_id,
        customer_id=source.customer_id,
        owner_id=source.owner_id,
        value_minor=value_minor,
        currency=currency,
        start_date=term.start,
        end_date=term.end,
        term_months=term.term_months,
        signed_date=term.signed,
        status=ContractStatus.ACTIVE.value,
        cancel_reason="",
        cancelled_at=None,
        renews_contract_id=renews,
        renewed_by_contract_id="",
        created_at=now,
        created_by=caller.subject,
        updated_at=now,
        updated_by=caller.subject,
        version=1,
    )
    session.add(contract)
    session.flush()
    session.add_all(
        ContractLineRecord(
            contract_id=contract.contract_id,
            position=index,
            product_line=product_line,
            quantity=quantity,
            amount_minor=amount,
        )
        for index, (product_line, quantity, amount) in enumerate(lines, 1)
    )
    session.add_all(
        ContractSplitRecord(
            contract_id=contract.contract_id,
            rep_id=split.rep_id,
            share_bp=split.share_bp,
            amount_minor=split.amount_minor,
            position=index,
        )
        for index, split in enumerate(contract_rules.allocate_splits(value_minor, shares), 1)
    )
    session.flush()
    _signed_event(session, contract, caller)
    return contract


def sign_contract(
    session: Session,
    caller: Caller,
    opp: OpportunityRecord,
    quote: QuoteRecord,
    term: contract_rules.Term,
    now: datetime,
) -> tuple[ContractRecord, list[events.SalesCreditSplit]]:
    """The contract of a won deal from its accepted quote, and the credit splits it carries.

    Writes `pipeline.contract.signed` in the caller's transaction.
    """
    shares = [
        (member.rep_id, member.share_bp)
        for member in team_of(session, opp.opportunity_id)
        if member.share_bp
    ] or [(opp.owner_id, deal_rules.FULL_SHARE_BP)]
    contract = _new_contract(
        session,
        caller,
        source=opp,
        quote_id=quote.quote_id,
        value_minor=quote.total_minor,
        currency=quote.currency,
        term=term,
        lines=[
            (line.product_line, line.quantity, line.amount_minor)
            for line in quote_lines(session, quote.quote_id)
        ],
        shares=shares,
        now=now,
    )
    return contract, _split_events(session, contract)


def contract_to_proto(session: Session, contract: ContractRecord) -> pb.Contract:
    """The Contract proto with its lines and splits."""
    return pb.Contract(
        contract_id=contract.contract_id,
        region=contract.region,
        opportunity_id=contract.opportunity_id,
        quote_id=contract.quote_id,
        customer_id=contract.customer_id,
        owner_id=contract.owner_id,
        value=money(contract.currency, contract.value_minor),
        start_date=iso(contract.start_date),
        end_date=iso(contract.end_date),
        term_months=contract.term_months,
        signed_date=iso(contract.signed_date),
        status=CONTRACT_STATUS_TO_PROTO[ContractStatus(contract.status)],
        lines=[
            pb.ContractLine(
                product_line=line.product_line,
                quantity=line.quantity,
                amount=money(contract.currency, line.amount_minor),
            )
            for line in contract_lines(session, contract.contract_id)
        ],
        splits=[
            pb.RepSplit(
                rep_id=split.rep_id,
                share_bp=split.share_bp,
                amount=money(contract.currency, split.amount_minor),
            )
            for split in contract_splits(session, contract.contract_id)
        ],
        cancel_reason=contract.cancel_reason,
        cancel_time=timestamp(contract.cancelled_at),
        renews_contract_id=contract.renews_contract_id,
        renewed_by_contract_id=contract.renewed_by_contract_id,
        audit=audit_info(
            contract.created_at, contract.created_by, contract.updated_at, contract.updated_by
        ),
    )


def _contract_visible(session: Session, caller: Caller, contract: ContractRecord) -> bool:
    if not caller.can_read(contract.region):
        return False
    if caller.own_records_only:
        reps = {s.rep_id for s in contract_splits(session, contract.contract_id)}
        return caller.subject == contract.owner_id or caller.subject in reps
    return True


def load_contract(
    session: Session, caller: Caller, contract_id: str, *, for_update: bool = False
) -> ContractRecord:
    """The contract if the caller sees it (region; a rep: owner or credited); NotFound otherwise."""
    if not contract_id.strip():
        raise InvalidArgument.of("contract_id", "is required")
    contract = session.get(ContractRecord, contract_id, with_for_update=for_update)
    if contract is None or not _contract_visible(session, caller, contract):
        raise NotFound("contract", contract_id)
    if for_update:
        check_expected_version(contract.version, f"contracts/{contract_id}")
    return contract


def _require_contract_writer(session: Session, caller: Caller, contract: ContractRecord) -> None:
    caller.require_writer(contract.region)
    owner = rep_view(session, contract.owner_id)
    if not deal_rules.may_manage_deal(
        caller.roles, caller.subject, contract.owner_id, owner.manager_id if owner else None
    ):
        raise PermissionDenied(
            f"only the owner {contract.owner_id}, their manager or a director may change "
            f"contract '{contract.contract_id}'"
        )


class QuoteServicer(quotes_pb2_grpc.QuoteServiceServicer):
    """Quotes, discount authority and contracts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- quotes --------------------------------------------------------------------------

    def CreateQuote(
        self, request: pb.CreateQuoteRequest, context: grpc.ServicerContext
    ) -> pb.CreateQuoteResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            opp = load_opportunity(session, caller, request.opportunity_id, for_update=True)
            require_deal_writer(session, caller, opp)
            _require_open_deal(opp)
            lines = _line_inputs(request.lines) or [
                domain.QuoteLineInput(
                    line.product_line, line.quantity, line.unit_price_minor, opp.currency
                )
                for line in session.scalars(
                    sa.select(OpportunityLineRecord)
                    .where(OpportunityLineRecord.opportunity_id == opp.opportunity_id)
                    .order_by(OpportunityLineRecord.position)
                )
            ]
            priced, valid_until, notes = domain.validate_quote(
                lines,
                request.discount_bp,
                request.valid_until,
                request.notes,
                currency=opp.currency,
                today=today(),
            )
            quote = _write_quote(session, caller, opp, priced, valid_until, notes, now=now)
            session.flush()
            return pb.CreateQuoteResponse(quote=quote_to_proto(session, quote))

    def GetQuote(
        self, request: pb.GetQuoteRequest, context: grpc.ServicerContext
    ) -> pb.GetQuoteResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            quote, _ = load_quote(session, caller, request.quote_id)
            return pb.GetQuoteResponse(quote=quote_to_proto(session, quote))

    def ListQuotes(
        self, request: pb.ListQuotesRequest, context: grpc.ServicerContext
    ) -> pb.ListQuotesResponse:
        caller = current_caller()
        caller.require_reader()
        status = QUOTE_STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not a quote status")
        region = request.region.strip().upper()
        regions = caller.readable_regions(region)
        query = sa.select(QuoteRecord)
        if regions is not None:
            query = query.where(QuoteRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(
                QuoteRecord.opportunity_id.in_(
                    sa.select(OpportunityRecord.opportunity_id).where(rep_visible_clause(caller))
                )
            )
        opportunity_id = request.opportunity_id.strip()
        query = where_equal(
            query,
            [
                (QuoteRecord.opportunity_id, opportunity_id),
                (QuoteRecord.status, status.value if status else ""),
            ],
        )
        with self.db.transaction() as session:
            quotes, next_token = keyset_page(
                session,
                query,
                created=QuoteRecord.created_at,
                key=QuoteRecord.quote_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "opportunity_id": opportunity_id,
                    "status": status.value if status else "",
                },
                cursor_of=lambda q: Cursor(q.created_at, q.quote_id),
            )
            return pb.ListQuotesResponse(
                quotes=[quote_to_proto(session, q) for q in quotes],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def SubmitQuote(
        self, request: pb.SubmitQuoteRequest, context: grpc.ServicerContext
    ) -> pb.SubmitQuoteResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            quote, opp = load_quote(session, caller, request.quote_id, for_update=True)
            require_deal_writer(session, caller, opp)
            _require_open_deal(opp)
            current = QuoteStatus(quote.status)
            domain.require_transition(quote.quote_id, current, QuoteStatus.PENDING_APPROVAL)
            if quote.valid_until < today():
                raise FailedPrecondition(
                    [
                        RuleViolation(
                            "POLICY",
                            f"quotes/{quote.quote_id}/valid_until",
                            f"the quote expired on {iso(quote.valid_until)}; revise it first",
                        )
                    ]
                )
            authority = domain.authority_of(caller.roles, authority_table(session))
            quote.submitted_by = caller.subject
            quote.updated_at, quote.updated_by = now, caller.subject
            if authority.role and authority.covers(priced_of(session, quote)):
                quote.status = QuoteStatus.APPROVED.value
                _decide(session, quote, Decision.AUTO_APPROVED, caller, now, authority=authority)
                _approved_event(session, quote, opp, caller, automatic=True, authority=authority)
            else:
                quote.status = QuoteStatus.PENDING_APPROVAL.value
                _decide(
                    session,
                    quote,
                    Decision.SUBMITTED_FOR_APPROVAL,
                    caller,
                    now,
                    authority=authority if authority.role else None,
                    comment=(
                        f"discount {quote.effective_discount_bp / 100:.2f}% exceeds the "
                        f"submitter's authority ({authority.describe()})"
                    ),
                )
            session.flush()
            return pb.SubmitQuoteResponse(quote=quote_to_proto(session, quote))

    def _approver(
        self, session: Session, caller: Caller, quote: QuoteRecord, opp: OpportunityRecord
    ) -> domain.Authority:
        """The caller's authority to decide; PermissionDenied when it does not cover the quote."""
        require_deal_writer(session, caller, opp)
        if quote.status != QuoteStatus.PENDING_APPROVAL.value:
            raise FailedPrecondition(
                [
                    RuleViolation(
                        "STATE",
                        f"quotes/{quote.quote_id}",
                        f"the quote is {quote.status}; only a quote pending approval "
                        "can be approved or rejected",
                    )
                ]
            )
        if caller.subject == quote.submitted_by:
            raise PermissionDenied("the submitter of a quote cannot decide on it")
        authority = domain.authority_of(caller.roles, authority_table(session))
        if not authority.role or not authority.covers(priced_of(session, quote)):
            held = authority.describe() if authority.role else "none"
            raise PermissionDenied(
                f"a discount of {quote.effective_discount_bp / 100:.2f}% needs more authority "
                f"than {caller.subject} holds ({held})"
            )
        return authority

    def ApproveQuote(
        self, request: pb.ApproveQuoteRequest, context: grpc.ServicerContext
    ) -> pb.ApproveQuoteResponse:
        caller = current_caller()
        comment = domain.validate_comment(request.comment, required=False)
        now = utcnow()
        with self.db.transaction() as session:
            quote, opp = load_quote(session, caller, request.quote_id, for_update=True)
            authority = self._approver(session, caller, quote, opp)
            quote.status = QuoteStatus.APPROVED.value
            quote.updated_at, quote.updated_by = now, caller.subject
            _decide(
                session, quote, Decision.APPROVED, caller, now, authority=authority, comment=comment
            )
            _approved_event(session, quote, opp, caller, automatic=False, authority=authority)
            session.flush()
            return pb.ApproveQuoteResponse(quote=quote_to_proto(session, quote))

    def RejectQuote(
        self, request: pb.RejectQuoteRequest, context: grpc.ServicerContext
    ) -> pb.RejectQuoteResponse:
        caller = current_caller()
        comment = domain.validate_comment(request.comment, required=True)
        now = utcnow()
        with self.db.transaction() as session:
            quote, opp = load_quote(session, caller, request.quote_id, for_update=True)
            authority = self._approver(session, caller, quote, opp)
            quote.status = QuoteStatus.REJECTED.value
            quote.updated_at, quote.updated_by = now, caller.subject
            _decide(
                session, quote, Decision.REJECTED, caller, now, authority=authority, comment=comment
            )
            session.flush()
            return pb.RejectQuoteResponse(quote=quote_to_proto(session, quote))

    def AcceptQuote(
        self, request: pb.AcceptQuoteRequest, context: grpc.ServicerContext
    ) -> pb.AcceptQuoteResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            quote, opp = load_quote(session, caller, request.quote_id, for_update=True)
            require_deal_writer(session, caller, opp)
            _require_open_deal(opp)
            domain.require_acceptable(
                quote.quote_id, QuoteStatus(quote.status), quote.valid_until, today()
            )
            other = session.scalar(
                sa.select(QuoteRecord.quote_id).where(
                    QuoteRecord.opportunity_id == opp.opportunity_id,
                    QuoteRecord.status == QuoteStatus.ACCEPTED.value,
                )
            )
            if other is not None:
                raise FailedPrecondition(
                    [
                        RuleViolation(
                            "STATE",
                            f"opportunities/{opp.opportunity_id}/quote",
                            f"quote '{other}' was accepted already; one accepted quote per deal",
                        )
                    ]
                )
            quote.status = QuoteStatus.ACCEPTED.value
            quote.updated_at, quote.updated_by = now, caller.subject
            _decide(session, quote, Decision.ACCEPTED, caller, now)
            session.flush()
            return pb.AcceptQuoteResponse(quote=quote_to_proto(session, quote))

    def ReviseQuote(
        self, request: pb.ReviseQuoteRequest, context: grpc.ServicerContext
    ) -> pb.ReviseQuoteResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            previous, opp = load_quote(session, caller, request.quote_id, for_update=True)
            require_deal_writer(session, caller, opp)
            _require_open_deal(opp)
            domain.require_transition(
                previous.quote_id, QuoteStatus(previous.status), QuoteStatus.SUPERSEDED
            )
            lines = _line_inputs(request.lines) or [
                domain.QuoteLineInput(
                    line.product_line,
                    line.quantity,
                    line.unit_price_minor,
                    previous.currency,
                    line.discount_bp,
                )
                for line in quote_lines(session, previous.quote_id)
            ]
            priced, valid_until, notes = domain.validate_quote(
                lines,
                request.discount_bp,
                request.valid_until or iso(max(previous.valid_until, today())),
                request.notes or previous.notes,
                currency=previous.currency,
                today=today(),
            )
            latest = session.scalar(
                sa.select(sa.func.max(QuoteRecord.version)).where(
                    QuoteRecord.series_id == previous.series_id
                )
            )
            quote = _write_quote(
                session,
                caller,
                opp,
                priced,
                valid_until,
                notes,
                series_id=previous.series_id,
                version=int(latest or previous.version) + 1,
                now=now,
            )
            previous.status = QuoteStatus.SUPERSEDED.value
            previous.superseded_by = quote.quote_id
            previous.updated_at, previous.updated_by = now, caller.subject
            _decide(
                session,
                previous,
                Decision.SUPERSEDED,
                caller,
                now,
                comment=f"replaced by version {quote.version}",
            )
            session.flush()
            return pb.ReviseQuoteResponse(quote=quote_to_proto(session, quote))

    # --- discount authority -----------------------------------------------------------------

    @staticmethod
    def _authority_to_proto(row: DiscountAuthorityRecord) -> pb.DiscountAuthority:
        return pb.DiscountAuthority(
            role=row.role,
            max_discount_bp=row.max_discount_bp or 0,
            unlimited=row.max_discount_bp is None,
            update_time=timestamp(row.updated_at),
            updated_by=row.updated_by,
        )

    def ListDiscountAuthorities(
        self, request: pb.ListDiscountAuthoritiesRequest, context: grpc.ServicerContext
    ) -> pb.ListDiscountAuthoritiesResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            rows = session.scalars(
                sa.select(DiscountAuthorityRecord).order_by(DiscountAuthorityRecord.role)
            )
            return pb.ListDiscountAuthoritiesResponse(
                authorities=[self._authority_to_proto(row) for row in rows]
            )

    def SetDiscountAuthority(
        self, request: pb.SetDiscountAuthorityRequest, context: grpc.ServicerContext
    ) -> pb.SetDiscountAuthorityResponse:
        caller = current_caller()
        role, limit = domain.validate_authority(
            request.role, request.max_discount_bp, request.unlimited
        )
        require_admin(caller, "")
        with self.db.transaction() as session:
            row = session.get(DiscountAuthorityRecord, role, with_for_update=True)
            # An authority keeps no version, so no If-Match can name one.
            check_expected_version(None, f"discount-authority/{role}")
            if row is None:
                row = DiscountAuthorityRecord(role=role)
                session.add(row)
            row.max_discount_bp = limit
            row.updated_at, row.updated_by = utcnow(), caller.subject
            session.flush()
            return pb.SetDiscountAuthorityResponse(authority=self._authority_to_proto(row))

    # --- contracts --------------------------------------------------------------------------

    def GetContract(
        self, request: pb.GetContractRequest, context: grpc.ServicerContext
    ) -> pb.GetContractResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            contract = load_contract(session, caller, request.contract_id)
            return pb.GetContractResponse(contract=contract_to_proto(session, contract))

    def ListContracts(
        self, request: pb.ListContractsRequest, context: grpc.ServicerContext
    ) -> pb.ListContractsResponse:
        caller = current_caller()
        caller.require_reader()
        status = CONTRACT_STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not a contract status")
        region = request.region.strip().upper()
        regions = caller.readable_regions(region)
        query = sa.select(ContractRecord)
        if regions is not None:
            query = query.where(ContractRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            credited = sa.select(ContractSplitRecord.contract_id).where(
                ContractSplitRecord.rep_id == caller.subject
            )
            query = query.where(
                sa.or_(
                    ContractRecord.owner_id == caller.subject,
                    ContractRecord.contract_id.in_(credited),
                )
            )
        filters = {
            "region": region,
            "customer_id": request.customer_id.strip(),
            "opportunity_id": request.opportunity_id.strip(),
            "status": status.value if status else "",
        }
        query = where_equal(
            query,
            [
                (ContractRecord.customer_id, filters["customer_id"]),
                (ContractRecord.opportunity_id, filters["opportunity_id"]),
                (ContractRecord.status, filters["status"]),
            ],
        )
        with self.db.transaction() as session:
            contracts, next_token = keyset_page(
                session,
                query,
                created=ContractRecord.created_at,
                key=ContractRecord.contract_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda c: Cursor(c.created_at, c.contract_id),
            )
            return pb.ListContractsResponse(
                contracts=[contract_to_proto(session, c) for c in contracts],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def CancelContract(
        self, request: pb.CancelContractRequest, context: grpc.ServicerContext
    ) -> pb.CancelContractResponse:
        caller = current_caller()
        reason = contract_rules.validate_cancel_reason(request.reason)
        now = utcnow()
        with self.db.transaction() as session:
            contract = load_contract(session, caller, request.contract_id, for_update=True)
            _require_contract_writer(session, caller, contract)
            contract_rules.require_active(
                contract.contract_id, ContractStatus(contract.status), "cancelled"
            )
            contract.status = ContractStatus.CANCELLED.value
            contract.cancel_reason = reason
            contract.cancelled_at = now
            contract.updated_at, contract.updated_by = now, caller.subject
            contract.version += 1
            record_event(
                session,
                "pipeline.contract.cancelled",
                events.ContractCancelled(
                    contract_id=contract.contract_id,
                    opportunity_id=contract.opportunity_id,
                    customer_id=contract.customer_id,
                    region=contract.region,
                    owner_id=contract.owner_id,
                    value=money(contract.currency, contract.value_minor),
                    start_date=iso(contract.start_date),
                    end_date=iso(contract.end_date),
                    term_months=contract.term_months,
                    signed_date=iso(contract.signed_date),
                    product_lines=_product_line_events(session, contract),
                    splits=_split_events(session, contract),
                    reason=reason,
                    cancelled_date=iso(now.date()),
                ),
                region=contract.region,
                caller=caller,
            )
            session.flush()
            return pb.CancelContractResponse(contract=contract_to_proto(session, contract))

    def RenewContract(
        self, request: pb.RenewContractRequest, context: grpc.ServicerContext
    ) -> pb.RenewContractResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            old = load_contract(session, caller, request.contract_id, for_update=True)
            _require_contract_writer(session, caller, old)
            contract_rules.require_active(old.contract_id, ContractStatus(old.status), "renewed")
            term = contract_rules.renewal_term(
                old.end_date,
                old.term_months,
                request.start_date,
                request.term_months,
                today=today(),
            )
            new = _new_contract(
                session,
                caller,
                source=old,
                quote_id=old.quote_id,
                value_minor=old.value_minor,
                currency=old.currency,
                term=term,
                lines=[
                    (line.product_line, line.quantity, line.amount_minor)
                    for line in contract_lines(session, old.contract_id)
                ],
                shares=[(s.rep_id, s.share_bp) for s in contract_splits(session, old.contract_id)],
                now=now,
                renews=old.contract_id,
            )
            old.status = ContractStatus.RENEWED.value
            old.renewed_by_contract_id = new.contract_id
            old.updated_at, old.updated_by = now, caller.subject
            old.version += 1
            session.flush()
            return pb.RenewContractResponse(contract=contract_to_proto(session, new))


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the QuoteService to `server`; return its full name."""
    quotes_pb2_grpc.add_QuoteServiceServicer_to_server(QuoteServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["QuoteService"].full_name]
