"""Quote money and authority rules without a database: exact, and exact at the boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument
from services.pipeline.domain import quotes as domain
from services.pipeline.domain.quotes import Authority, QuoteLineInput, QuoteStatus

TODAY = date(2027, 3, 1)


def priced(*lines: QuoteLineInput, discount_bp: int = 0) -> domain.PricedQuote:
    quote, _, _ = domain.validate_quote(lines, discount_bp, "", "", currency="EUR", today=TODAY)
    return quote


def eur(quantity: int, unit: int, discount_bp: int = 0) -> QuoteLineInput:
    return QuoteLineInput("analytics", quantity, unit, "EUR", discount_bp)


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3), (0, 7, 0), (14, 7, 2), (1, 3, 0)],
)
def test_round_half_up(numerator: int, denominator: int, rounded: int) -> None:
    assert domain.round_half_up(numerator, denominator) == rounded


@pytest.mark.parametrize(
    ("line", "discount_bp", "amount"),
    [
        # 999 x 90% = 899.1 -> 899
        (eur(1, 999, 1000), 0, 899),
        # 5 at 1% off = 4.95 -> 5
        (eur(1, 5, 100), 0, 5),
        # 3 x 333 = 999 at 50% = 499.5 -> 500 (half up)
        (eur(3, 333, 5000), 0, 500),
        # line 10% then quote 10%: 1000 x 0.9 x 0.9 = 810 exactly
        (eur(1, 1000, 1000), 1000, 810),
        # 1 x 1 at 50% = 0.5 -> 1; at 50.01% = 0.4999 -> 0
        (eur(1, 1, 5000), 0, 1),
        (eur(1, 1, 5001), 0, 0),
    ],
)
def test_line_amounts_round_half_up_once_per_line(
    line: QuoteLineInput, discount_bp: int, amount: int
) -> None:
    quote = priced(line, discount_bp=discount_bp)
    assert quote.lines[0].amount_minor == amount
    assert quote.total_minor == amount


def test_the_total_is_the_sum_of_the_rounded_lines() -> None:
    # Each line is 0.5 -> 1 on its own; rounding the sum (1.5 -> 2) would differ.
    quote = priced(eur(1, 1, 5000), eur(1, 1, 5000), eur(1, 1, 5000))
    assert [line.amount_minor for line in quote.lines] == [1, 1, 1]
    assert (quote.list_total_minor, quote.total_minor) == (3, 3)


def test_large_amounts_stay_exact() -> None:
    quote = priced(eur(10**9, 10**12 - 1, 1), discount_bp=1)
    list_total = 10**9 * (10**12 - 1)
    assert quote.list_total_minor == list_total
    expected = domain.round_half_up(list_total * 9999 * 9999, 10**8)
    assert quote.total_minor == expected


@pytest.mark.parametrize(
    ("line_bp", "quote_bp", "authority_bp", "covered"),
    [
        (1000, 0, 1000, True),  # exactly 10% by a rep
        (1001, 0, 1000, False),  # 10.01%
        (0, 1000, 1000, True),
        (500, 527, 1000, False),  # 1 - 0.95 x 0.9473 = 10.0065%
        (500, 526, 1000, True),  # 1 - 0.95 x 0.9474 = 9.997%
        (2000, 0, 2000, True),
        (2500, 0, 2000, False),
        (10000, 0, None, True),  # unlimited
    ],
)
def test_authority_compares_the_requested_discount_exactly(
    line_bp: int, quote_bp: int, authority_bp: int | None, covered: bool
) -> None:
    # A price where rounding would move the effective rate over the line (999 at 10% = 899).
    quote = priced(eur(1, 999, line_bp), discount_bp=quote_bp)
    assert Authority("rep", authority_bp).covers(quote) is covered


def test_the_effective_discount_is_weighted_by_list_amount() -> None:
    quote = priced(eur(1, 3000, 2000), eur(1, 1000, 0))
    assert quote.effective_discount_bp == 1500  # 600 off 4000
    assert Authority("rep", 1500).covers(quote)
    assert not Authority("rep", 1499).covers(quote)


def test_the_largest_authority_among_the_callers_roles_applies() -> None:
    table = {"rep": 1000, "manager": 2000, "director": None}
    assert domain.authority_of(frozenset({"rep"}), table) == Authority("rep", 1000)
    assert domain.authority_of(frozenset({"rep", "manager"}), table) == Authority("manager", 2000)
    assert domain.authority_of(frozenset({"manager", "director"}), table) == Authority(
        "director", None
    )
    assert domain.authority_of(frozenset({"executive"}), table).role == ""


def test_bad_quotes_name_every_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_quote(
            [QuoteLineInput("", 0, -1, "USD", 10001)],
            -5,
            "2027-02-28",
            "",
            currency="EUR",
            today=TODAY,
        )
    assert {v.field for v in caught.value.violations} == {
        "lines[0].product_line",
        "lines[0].quantity",
        "lines[0].unit_price.amount_minor",
        "lines[0].unit_price.currency",
        "lines[0].discount_bp",
        "discount_bp",
        "valid_until",
    }


def test_the_quote_state_machine_and_acceptance() -> None:
    domain.require_transition("q", QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL)
    with pytest.raises(FailedPrecondition):
        domain.require_transition("q", QuoteStatus.ACCEPTED, QuoteStatus.SUPERSEDED)
    with pytest.raises(FailedPrecondition) as caught:
        domain.require_acceptable("q", QuoteStatus.PENDING_APPROVAL, date(2027, 2, 1), TODAY)
    assert [v.type for v in caught.value.violations] == ["STATE", "POLICY"]
    domain.require_acceptable("q", QuoteStatus.APPROVED, TODAY, TODAY)
