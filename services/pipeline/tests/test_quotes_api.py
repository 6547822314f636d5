"""Quotes over gRPC: exact pricing, discount authority, approval, acceptance, versions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import grpc
import pytest
import sqlalchemy as sa
from salesops.pipeline.v1 import quotes_pb2 as qpb

from services.kit.db import Database
from services.kit.testing import caller
from services.pipeline.models.quotes import QuoteDecisionRecord, QuoteRecord
from services.pipeline.tests.test_opportunities_api import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER,
    OTHER_MANAGER,
    REP,
    REP2,
    Sales,
    create_deal,
    envelopes,
    eur,
    failure,
    field_violations,
    future,
    line,
    rule_violations,
    sales_stubs,
    seed_customer,
    seed_rep,
)

REP_MANAGER = caller("rep-1", "rep,manager", "EMEA")


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_customer(database)
    seed_rep(database, "rep-1")
    seed_rep(database, "rep-2")
    return database


@pytest.fixture
def sales(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Sales:
    return sales_stubs(serve_api("pipeline", db))


def quote_line(
    unit: int, quantity: int = 1, discount_bp: int = 0, product: str = "analytics"
) -> qpb.QuoteLine:
    return qpb.QuoteLine(
        product_line=product, quantity=quantity, unit_price=eur(unit), discount_bp=discount_bp
    )


def draft(
    sales: Sales, opportunity_id: str, *lines: qpb.QuoteLine, discount_bp: int = 0
) -> qpb.Quote:
    return sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(
            opportunity_id=opportunity_id, lines=list(lines), discount_bp=discount_bp
        ),
        metadata=REP,
    ).quote


def submit(sales: Sales, quote_id: str, who: list[tuple[str, str]] = REP) -> qpb.Quote:
    return sales.quotes.SubmitQuote(qpb.SubmitQuoteRequest(quote_id=quote_id), metadata=who).quote


def approve(
    sales: Sales, quote_id: str, who: list[tuple[str, str]], comment: str = ""
) -> qpb.Quote:
    return sales.quotes.ApproveQuote(
        qpb.ApproveQuoteRequest(quote_id=quote_id, comment=comment), metadata=who
    ).quote


def test_a_quote_copies_the_deals_lines_and_prices_exactly(sales: Sales) -> None:
    deal = create_deal(sales, line_items=[line("analytics", 3, 333), line("support", 1, 999)])
    quote = sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(opportunity_id=deal.opportunity_id, discount_bp=5000),
        metadata=REP,
    ).quote
    assert quote.status == qpb.QUOTE_STATUS_DRAFT
    assert (quote.version, quote.series_id) == (1, quote.quote_id)
    # 999 at 50% = 499.5 -> 500 on each line; the total is their sum.
    assert [line.amount.amount_minor for line in quote.lines] == [500, 500]
    assert quote.list_total == eur(1998) and quote.total == eur(1000)
    assert quote.effective_discount_bp == 5000
    assert quote.owner_id == "rep-1" and not quote.expired
    assert quote.valid_until >= future(29)


def test_the_quote_must_be_in_the_deals_currency(sales: Sales) -> None:
    deal = create_deal(sales)
    error = failure(
        lambda: draft(
            sales,
            deal.opportunity_id,
            qpb.QuoteLine(product_line="x", quantity=1, unit_price=eur(1, "USD")),
        )
    )
    assert "lines[0].unit_price.currency" in field_violations(error)


@pytest.mark.parametrize(
    ("discount_bp", "status"),
    [(1000, qpb.QUOTE_STATUS_APPROVED), (1001, qpb.QUOTE_STATUS_PENDING_APPROVAL)],
)
def test_a_rep_approves_up_to_exactly_10_percent(
    sales: Sales, db: Database, discount_bp: int, status: int
) -> None:
    deal = create_deal(sales)
    quote = submit(
        sales, draft(sales, deal.opportunity_id, quote_line(999, 1, discount_bp)).quote_id
    )
    assert quote.status == status
    (decision,) = quote.decisions
    assert (decision.decided_by, decision.role, decision.authority_bp) == ("rep-1", "rep", 1000)
    approved = envelopes(db, "pipeline.quote.approved")
    if status == qpb.QUOTE_STATUS_APPROVED:
        assert decision.kind == qpb.QUOTE_DECISION_KIND_AUTO_APPROVED
        assert approved[0]["payload"]["automatic"] is True
        assert approved[0]["payload"]["total"] == {"currency": "EUR", "amount_minor": "899"}
    else:
        assert decision.kind == qpb.QUOTE_DECISION_KIND_SUBMITTED_FOR_APPROVAL
        assert "exceeds the submitter's authority (10.00%)" in decision.comment
        assert approved == []


def test_a_manager_approves_20_percent_but_not_25(sales: Sales, db: Database) -> None:
    deal = create_deal(sales)
    twenty = submit(sales, draft(sales, deal.opportunity_id, quote_line(10_000, 1, 2000)).quote_id)
    assert twenty.status == qpb.QUOTE_STATUS_PENDING_APPROVAL
    done = approve(sales, twenty.quote_id, MANAGER, "ok for this account")
    assert done.status == qpb.QUOTE_STATUS_APPROVED
    decision = done.decisions[-1]
    assert (decision.kind, decision.decided_by, decision.role, decision.authority_bp) == (
        qpb.QUOTE_DECISION_KIND_APPROVED,
        "mgr-1",
        "manager",
        2000,
    )
    assert decision.comment == "ok for this account"
    (event,) = envelopes(db, "pipeline.quote.approved")
    assert event["payload"]["approved_by"] == "mgr-1" and "automatic" not in event["payload"]

    deal2 = create_deal(sales)
    quarter = submit(
        sales, draft(sales, deal2.opportunity_id, quote_line(10_000, 1, 2500)).quote_id
    )
    denied = failure(lambda: approve(sales, quarter.quote_id, MANAGER))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "25.00%" in (denied.details() or "") and "20.00%" in (denied.details() or "")
    # A director holds unlimited authority.
    approved = approve(sales, quarter.quote_id, DIRECTOR)
    assert approved.status == qpb.QUOTE_STATUS_APPROVED
    assert approved.decisions[-1].unlimited_authority
    with db.transaction() as session:
        kinds = list(
            session.scalars(
                sa.select(QuoteDecisionRecord.decision)
                .where(QuoteDecisionRecord.quote_id == quarter.quote_id)
                .order_by(QuoteDecisionRecord.id)
            )
        )
    assert kinds == ["submitted_for_approval", "approved"]


def test_approval_is_scoped_and_not_by_the_submitter(sales: Sales, db: Database) -> None:
    deal = create_deal(sales)
    quote = submit(sales, draft(sales, deal.opportunity_id, quote_line(10_000, 1, 9000)).quote_id)
    assert failure(lambda: approve(sales, quote.quote_id, OTHER_MANAGER)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: approve(sales, quote.quote_id, APAC_DIRECTOR)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    assert failure(lambda: approve(sales, quote.quote_id, REP2)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    # A manager who submits beyond their own authority cannot wave it through.
    deal2 = create_deal(sales, who=MANAGER, owner_id="rep-2")
    managed = sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(
            opportunity_id=deal2.opportunity_id, lines=[quote_line(100, 1, 2500)]
        ),
        metadata=MANAGER,
    ).quote
    submit(sales, managed.quote_id, MANAGER)
    own = failure(lambda: approve(sales, managed.quote_id, MANAGER))
    assert own.code() == grpc.StatusCode.PERMISSION_DENIED
    # The largest of a caller's roles applies: a rep who is also a manager approves 20% at once.
    rep_manager_deal = create_deal(sales, who=REP_MANAGER)
    quote3 = sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(
            opportunity_id=rep_manager_deal.opportunity_id, lines=[quote_line(100, 1, 2000)]
        ),
        metadata=REP_MANAGER,
    ).quote
    assert submit(sales, quote3.quote_id, REP_MANAGER).status == qpb.QUOTE_STATUS_APPROVED


def test_reject_needs_a_comment_and_is_recorded(sales: Sales) -> None:
    deal = create_deal(sales)
    quote = submit(sales, draft(sales, deal.opportunity_id, quote_line(100, 1, 1500)).quote_id)
    error = failure(
        lambda: sales.quotes.RejectQuote(
            qpb.RejectQuoteRequest(quote_id=quote.quote_id), metadata=MANAGER
        )
    )
    assert "comment" in field_violations(error)
    rejected = sales.quotes.RejectQuote(
        qpb.RejectQuoteRequest(quote_id=quote.quote_id, comment="margin too thin"),
        metadata=MANAGER,
    ).quote
    assert rejected.status == qpb.QUOTE_STATUS_REJECTED
    assert rejected.decisions[-1].comment == "margin too thin"
    again = failure(lambda: approve(sales, quote.quote_id, DIRECTOR))
    assert "only a quote pending approval" in rule_violations(again)[0].description
    accept = failure(
        lambda: sales.quotes.AcceptQuote(
            qpb.AcceptQuoteRequest(quote_id=quote.quote_id), metadata=REP
        )
    )
    assert rule_violations(accept)[0].type == "STATE"


def test_accept_only_an_approved_unexpired_quote_once_per_deal(sales: Sales, db: Database) -> None:
    deal = create_deal(sales)
    quote = submit(sales, draft(sales, deal.opportunity_id, quote_line(100)).quote_id)
    with db.transaction() as session:
        record = session.get(QuoteRecord, quote.quote_id)
        assert record is not None
        record.valid_until = date(2000, 1, 1)  # expired since
    expired = failure(
        lambda: sales.quotes.AcceptQuote(
            qpb.AcceptQuoteRequest(quote_id=quote.quote_id), metadata=REP
        )
    )
    (violation,) = rule_violations(expired)
    assert violation.subject == f"quotes/{quote.quote_id}/valid_until"
    got = sales.quotes.GetQuote(qpb.GetQuoteRequest(quote_id=quote.quote_id), metadata=REP).quote
    assert got.expired
    revised = sales.quotes.ReviseQuote(
        qpb.ReviseQuoteRequest(quote_id=quote.quote_id, valid_until=future(10)), metadata=REP
    ).quote
    submit(sales, revised.quote_id)
    accepted = sales.quotes.AcceptQuote(
        qpb.AcceptQuoteRequest(quote_id=revised.quote_id), metadata=REP
    ).quote
    assert accepted.status == qpb.QUOTE_STATUS_ACCEPTED
    assert accepted.decisions[-1].kind == qpb.QUOTE_DECISION_KIND_ACCEPTED
    other = submit(sales, draft(sales, deal.opportunity_id, quote_line(90)).quote_id)
    twice = failure(
        lambda: sales.quotes.AcceptQuote(
            qpb.AcceptQuoteRequest(quote_id=other.quote_id), metadata=REP
        )
    )
    assert "accepted already" in rule_violations(twice)[0].description
    no_revision = failure(
        lambda: sales.quotes.ReviseQuote(
            qpb.ReviseQuoteRequest(quote_id=accepted.quote_id), metadata=REP
        )
    )
    assert rule_violations(no_revision)[0].type == "STATE"


def test_revise_creates_the_next_version_and_supersedes_the_previous(sales: Sales) -> None:
    deal = create_deal(sales)
    first = submit(sales, draft(sales, deal.opportunity_id, quote_line(1000, 2, 3000)).quote_id)
    assert first.status == qpb.QUOTE_STATUS_PENDING_APPROVAL
    second = sales.quotes.ReviseQuote(
        qpb.ReviseQuoteRequest(quote_id=first.quote_id, discount_bp=500), metadata=REP
    ).quote
    assert (second.series_id, second.version, second.status) == (
        first.quote_id,
        2,
        qpb.QUOTE_STATUS_DRAFT,
    )
    # Lines are kept: 2 x 1000 at 30% and then 5% = 1330.
    assert second.total == eur(1330)
    old = sales.quotes.GetQuote(qpb.GetQuoteRequest(quote_id=first.quote_id), metadata=REP).quote
    assert old.status == qpb.QUOTE_STATUS_SUPERSEDED and old.superseded_by == second.quote_id
    assert old.decisions[-1].kind == qpb.QUOTE_DECISION_KIND_SUPERSEDED
    third = sales.quotes.ReviseQuote(
        qpb.ReviseQuoteRequest(quote_id=second.quote_id, lines=[quote_line(1000, 2, 1000)]),
        metadata=REP,
    ).quote
    assert third.version == 3 and submit(sales, third.quote_id).status == qpb.QUOTE_STATUS_APPROVED
    listed = sales.quotes.ListQuotes(
        qpb.ListQuotesRequest(opportunity_id=deal.opportunity_id), metadata=REP
    ).quotes
    assert [q.version for q in listed] == [3, 2, 1]
    superseded = sales.quotes.ListQuotes(
        qpb.ListQuotesRequest(status=qpb.QUOTE_STATUS_SUPERSEDED), metadata=DIRECTOR
    ).quotes
    assert {q.version for q in superseded} == {1, 2}
    assert sales.quotes.ListQuotes(qpb.ListQuotesRequest(), metadata=REP2).quotes == []


def test_discount_authority_is_configurable_by_an_admin(sales: Sales) -> None:
    table = sales.quotes.ListDiscountAuthorities(
        qpb.ListDiscountAuthoritiesRequest(), metadata=REP
    ).authorities
    assert [(a.role, a.max_discount_bp, a.unlimited) for a in table] == [
        ("director", 0, True),
        ("manager", 2000, False),
        ("rep", 1000, False),
    ]
    denied = failure(
        lambda: sales.quotes.SetDiscountAuthority(
            qpb.SetDiscountAuthorityRequest(role="rep", max_discount_bp=1500), metadata=DIRECTOR
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = failure(
        lambda: sales.quotes.SetDiscountAuthority(
            qpb.SetDiscountAuthorityRequest(role="intern", max_discount_bp=20000), metadata=ADMIN
        )
    )
    assert set(field_violations(bad)) == {"role", "max_discount_bp"}
    changed = sales.quotes.SetDiscountAuthority(
        qpb.SetDiscountAuthorityRequest(role="rep", max_discount_bp=1500), metadata=ADMIN
    ).authority
    assert (changed.max_discount_bp, changed.updated_by) == (1500, "admin-1")
    deal = create_deal(sales)
    quote = submit(sales, draft(sales, deal.opportunity_id, quote_line(100, 1, 1500)).quote_id)
    assert quote.status == qpb.QUOTE_STATUS_APPROVED
