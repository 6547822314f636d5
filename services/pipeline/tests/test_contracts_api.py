"""Winning signs the contract from the accepted quote; cancel and renew carry the splits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import grpc
import pytest
from salesops.pipeline.v1 import opportunities_pb2 as pb
from salesops.pipeline.v1 import quotes_pb2 as qpb

from services.kit.db import Database
from services.pipeline.tests.test_opportunities_api import (
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER,
    REP,
    REP2,
    Sales,
    accepted_quote,
    clear_gates,
    create_deal,
    envelopes,
    eur,
    failure,
    field_violations,
    line,
    rule_violations,
    sales_stubs,
    seed_customer,
    seed_rep,
)


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_customer(database)
    for rep in ("rep-1", "rep-2", "rep-3"):
        seed_rep(database, rep)
    return database


@pytest.fixture
def sales(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Sales:
    stubs = sales_stubs(serve_api("pipeline", db))
    clear_gates(stubs)
    return stubs


TEAM = [
    pb.TeamMember(rep_id="rep-1", share_bp=5000),
    pb.TeamMember(rep_id="rep-2", role="sales_engineer", share_bp=3333),
    pb.TeamMember(rep_id="rep-3", role="partner_manager", share_bp=1667),
]


def win(sales: Sales, opportunity_id: str, **fields: object) -> pb.WinOpportunityResponse:
    return sales.deals.WinOpportunity(
        pb.WinOpportunityRequest(opportunity_id=opportunity_id, **fields),  # type: ignore[arg-type]
        metadata=REP,
    )


def test_winning_requires_an_accepted_quote(sales: Sales, db: Database) -> None:
    deal = create_deal(sales)
    error = failure(lambda: win(sales, deal.opportunity_id))
    (violation,) = rule_violations(error)
    assert violation.subject == f"opportunities/{deal.opportunity_id}/quote"
    quote = sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(opportunity_id=deal.opportunity_id), metadata=REP
    ).quote
    sales.quotes.SubmitQuote(qpb.SubmitQuoteRequest(quote_id=quote.quote_id), metadata=REP)
    approved_only = failure(lambda: win(sales, deal.opportunity_id, quote_id=quote.quote_id))
    assert "accepted" in rule_violations(approved_only)[0].description
    assert envelopes(db, "pipeline.contract.signed") == []
    other = create_deal(sales)
    foreign = failure(lambda: win(sales, other.opportunity_id, quote_id=quote.quote_id))
    assert "quote_id" in field_violations(foreign)


def test_win_signs_the_contract_with_exact_splits_and_emits_both_events(
    sales: Sales, db: Database
) -> None:
    deal = create_deal(
        sales,
        line_items=[line("analytics", 3, 33_333), line("support", 1, 10_000)],
        team_members=TEAM,
        competitors=["Globex"],
    )
    quote = accepted_quote(sales, deal.opportunity_id, discount_bp=500)
    # 99999 x 95% = 94999.05 -> 94999 ; 10000 x 95% = 9500
    assert quote.total == eur(104_499)
    response = win(
        sales,
        deal.opportunity_id,
        contract_start_date="2027-01-31",
        term_months=1,
        signed_date="2025-01-15",
    )
    won, contract = response.opportunity, response.contract
    assert won.status == pb.OPPORTUNITY_STATUS_WON and won.amount == eur(104_499)
    assert won.stage_id == "new_business.closed_won" and won.HasField("close_time")
    assert (contract.start_date, contract.end_date, contract.term_months) == (
        "2027-01-31",
        "2027-02-27",
        1,
    )
    assert contract.signed_date == "2025-01-15" and contract.status == qpb.CONTRACT_STATUS_ACTIVE
    assert contract.value == eur(104_499) and contract.quote_id == quote.quote_id
    assert [(c.product_line, c.quantity, c.amount.amount_minor) for c in contract.lines] == [
        ("analytics", 3, 94_999),
        ("support", 1, 9_500),
    ]
    # 104499 x 50% = 52249.5, x 33.33% = 34829.5167, x 16.67% = 17419.9833:
    # floors 52249 + 34829 + 17419 = 104497; the 2 left go to the largest remainders.
    assert [(s.rep_id, s.share_bp, s.amount.amount_minor) for s in contract.splits] == [
        ("rep-1", 5000, 52_249),
        ("rep-2", 3333, 34_830),
        ("rep-3", 1667, 17_420),
    ]
    assert sum(s.amount.amount_minor for s in contract.splits) == contract.value.amount_minor

    (signed,) = envelopes(db, "pipeline.contract.signed")
    payload = signed["payload"]
    assert signed["region"] == "EMEA" and signed["actor"] == "rep-1"
    assert payload["contract_id"] == contract.contract_id
    assert payload["opportunity_id"] == deal.opportunity_id
    assert payload["customer_id"] == "cus-1" and payload["region"] == "EMEA"
    assert payload["owner_id"] == "rep-1"
    assert payload["value"] == {"currency": "EUR", "amount_minor": "104499"}
    assert (payload["start_date"], payload["end_date"], payload["signed_date"]) == (
        "2027-01-31",
        "2027-02-27",
        "2025-01-15",
    )
    assert payload["product_lines"] == [
        {
            "product_line": "analytics",
            "quantity": "3",
            "amount": {"currency": "EUR", "amount_minor": "94999"},
        },
        {
            "product_line": "support",
            "quantity": "1",
            "amount": {"currency": "EUR", "amount_minor": "9500"},
        },
    ]
    assert payload["splits"] == [
        {
            "rep_id": "rep-1",
            "share_bp": 5000,
            "amount": {"currency": "EUR", "amount_minor": "52249"},
        },
        {
            "rep_id": "rep-2",
            "share_bp": 3333,
            "amount": {"currency": "EUR", "amount_minor": "34830"},
        },
        {
            "rep_id": "rep-3",
            "share_bp": 1667,
            "amount": {"currency": "EUR", "amount_minor": "17420"},
        },
    ]
    (won_event,) = envelopes(db, "pipeline.opportunity.won")
    assert won_event["payload"]["contract_id"] == contract.contract_id
    assert won_event["payload"]["splits"] == payload["splits"]
    assert won_event["payload"]["competitors"] == ["Globex"]
    again = failure(lambda: win(sales, deal.opportunity_id))
    assert "only an open opportunity" in rule_violations(again)[0].description


def test_contracts_are_scoped_like_their_deals(sales: Sales) -> None:
    deal = create_deal(
        sales, team_members=[*TEAM[:1], pb.TeamMember(rep_id="rep-2", share_bp=5000)]
    )
    accepted_quote(sales, deal.opportunity_id)
    contract = win(sales, deal.opportunity_id).contract
    get = qpb.GetContractRequest(contract_id=contract.contract_id)
    assert sales.quotes.GetContract(get, metadata=REP2).contract.contract_id == contract.contract_id
    assert failure(lambda: sales.quotes.GetContract(get, metadata=APAC_DIRECTOR)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    listed = sales.quotes.ListContracts(
        qpb.ListContractsRequest(customer_id="cus-1", status=qpb.CONTRACT_STATUS_ACTIVE),
        metadata=DIRECTOR,
    ).contracts
    assert [c.contract_id for c in listed] == [contract.contract_id]
    assert (
        sales.quotes.ListContracts(qpb.ListContractsRequest(), metadata=APAC_DIRECTOR).contracts
        == []
    )


def test_cancel_needs_a_reason_and_emits_the_splits(sales: Sales, db: Database) -> None:
    deal = create_deal(sales, team_members=TEAM)
    accepted_quote(sales, deal.opportunity_id)
    contract = win(sales, deal.opportunity_id).contract
    no_reason = failure(
        lambda: sales.quotes.CancelContract(
            qpb.CancelContractRequest(contract_id=contract.contract_id), metadata=REP
        )
    )
    assert "reason" in field_violations(no_reason)
    not_theirs = failure(
        lambda: sales.quotes.CancelContract(
            qpb.CancelContractRequest(contract_id=contract.contract_id, reason="x"), metadata=REP2
        )
    )
    assert not_theirs.code() == grpc.StatusCode.PERMISSION_DENIED
    cancelled = sales.quotes.CancelContract(
        qpb.CancelContractRequest(contract_id=contract.contract_id, reason="customer insolvent"),
        metadata=MANAGER,
    ).contract
    assert cancelled.status == qpb.CONTRACT_STATUS_CANCELLED
    assert cancelled.cancel_reason == "customer insolvent" and cancelled.HasField("cancel_time")
    (event,) = envelopes(db, "pipeline.contract.cancelled")
    payload = event["payload"]
    assert payload["reason"] == "customer insolvent"
    assert payload["cancelled_date"] == datetime.now(UTC).date().isoformat()
    assert [s["rep_id"] for s in payload["splits"]] == ["rep-1", "rep-2", "rep-3"]
    assert sum(int(s["amount"]["amount_minor"]) for s in payload["splits"]) == int(
        payload["value"]["amount_minor"]
    )
    assert payload["product_lines"][0]["product_line"] == "analytics"
    twice = failure(
        lambda: sales.quotes.CancelContract(
            qpb.CancelContractRequest(contract_id=contract.contract_id, reason="again"),
            metadata=REP,
        )
    )
    assert "only an active contract" in rule_violations(twice)[0].description


def test_renew_signs_a_follow_on_contract(sales: Sales, db: Database) -> None:
    deal = create_deal(sales, team_members=TEAM)
    accepted_quote(sales, deal.opportunity_id)
    old = win(sales, deal.opportunity_id, contract_start_date="2027-01-01").contract
    assert old.end_date == "2027-12-31"
    new = sales.quotes.RenewContract(
        qpb.RenewContractRequest(contract_id=old.contract_id), metadata=REP
    ).contract
    assert (new.start_date, new.end_date, new.term_months) == ("2028-01-01", "2028-12-31", 12)
    assert new.renews_contract_id == old.contract_id and new.value == old.value
    assert [(s.rep_id, s.amount) for s in new.splits] == [(s.rep_id, s.amount) for s in old.splits]
    renewed = sales.quotes.GetContract(
        qpb.GetContractRequest(contract_id=old.contract_id), metadata=REP
    ).contract
    assert renewed.status == qpb.CONTRACT_STATUS_RENEWED
    assert renewed.renewed_by_contract_id == new.contract_id
    signed = envelopes(db, "pipeline.contract.signed")
    assert [e["payload"].get("renews_contract_id", "") for e in signed] == ["", old.contract_id]
    assert date.fromisoformat(new.signed_date) == datetime.now(UTC).date()
