"""Money written for people, per the currency's minor unit, with integer arithmetic only."""

from __future__ import annotations

import pytest

from services.kit.money import minor_unit_exponent, money_text


@pytest.mark.parametrize(
    ("currency", "exponent"), [("EUR", 2), ("usd", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3)]
)
def test_minor_unit_exponents(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("currency", "amount_minor", "text"),
    [
        ("EUR", 1_234_567, "12,345.67 EUR"),
        ("EUR", -5, "-0.05 EUR"),
        ("JPY", -1_500, "-1,500 JPY"),
        ("KWD", 5, "0.005 KWD"),
        ("eur", 10**20 + 1, "1,000,000,000,000,000,000.01 EUR"),  # no float rounding
        ("", 100, ""),
    ],
)
def test_money_text(currency: str, amount_minor: int, text: str) -> None:
    assert money_text(currency, amount_minor) == text
