"""Timeline wording without a database: money in integers, each event kind in words, notes."""

from __future__ import annotations

import pytest

from services.customers.domain import timeline as domain
from services.kit.errors import InvalidArgument
from services.kit.money import money_text


@pytest.mark.parametrize(
    ("currency", "minor", "expected"),
    [
        ("EUR", 1_234_567, "12,345.67 EUR"),
        ("usd", 5, "0.05 USD"),
        ("JPY", -150_000, "-150,000 JPY"),
        ("KWD", 12_345, "12.345 KWD"),
        ("", 100, ""),
    ],
)
def test_money_is_written_from_minor_units(currency: str, minor: int, expected: str) -> None:
    assert money_text(currency, minor) == expected


def test_each_event_kind_reads_as_a_sentence() -> None:
    assert domain.activity_text(
        type="call", subject="Pricing", outcome="wants a pilot", status="completed", due_date=""
    ) == domain.EntryText("Pricing", "Call: Pricing (outcome: wants a pilot)")
    assert (
        domain.activity_text(
            type="task", subject="Send deck", outcome="", status="open", due_date="2027-02-03"
        ).summary
        == "Task planned: Send deck (due 2027-02-03)"
    )
    assert (
        domain.opportunity_created_text(
            name="Rollout", currency="EUR", amount_minor=1_200_000, expected_close_date=""
        ).summary
        == "Opportunity opened: Rollout (12,000.00 EUR)"
    )
    assert (
        domain.opportunity_stage_changed_text(
            title="Rollout",
            to_stage_name="Proposal",
            probability_bp=6000,
            currency="EUR",
            amount_minor=1_200_000,
        ).summary
        == "Opportunity Rollout moved to Proposal (60% probability, 12,000.00 EUR)"
    )
    assert (
        domain.opportunity_won_text(
            title="", currency="EUR", amount_minor=100, won_date="2027-03-01"
        ).summary
        == "Opportunity won (1.00 EUR, signed 2027-03-01)"
    )
    assert (
        domain.opportunity_lost_text(title="Rollout", reason="price", competitor="Initech").summary
        == "Opportunity Rollout lost (reason: price, to Initech)"
    )
    assert (
        domain.contract_signed_text(
            currency="EUR",
            amount_minor=100_00,
            start_date="2027-03-01",
            end_date="2028-02-29",
            term_months=12,
            renewal=True,
        ).summary
        == "Contract renewed (100.00 EUR, 12 months, 2027-03-01 to 2028-02-29)"
    )
    assert (
        domain.contract_cancelled_text(reason="insolvency", cancelled_date="2027-05-01").summary
        == "Contract cancelled (reason: insolvency, 2027-05-01)"
    )
    assert (
        domain.case_opened_text(type="incident", priority="high", subject="Invoices").summary
        == "Case opened: Invoices (high priority incident)"
    )
    assert (
        domain.case_resolved_text(title="Invoices", within_sla=False, satisfaction_score=4).summary
        == "Case Invoices resolved (after its SLA, satisfaction 4/5)"
    )


def test_a_note_needs_text_and_keeps_its_lines() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_note("   ")
    assert caught.value.violations[0].field == "text"
    with pytest.raises(InvalidArgument):
        domain.validate_note("x" * (domain.MAX_NOTE_LENGTH + 1))
    text = domain.validate_note("  Budget approved\nfollow up in May  ")
    assert domain.note_text(text) == domain.EntryText(
        "Budget approved", "Budget approved\nfollow up in May"
    )
