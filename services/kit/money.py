"""Money as every salesops process handles it: integer minor units of an ISO 4217 currency.

One table of minor-unit exponents (JPY has none, KWD three, most currencies
two) and the one way an amount is written for people; integer arithmetic
only, never a float.
"""

from __future__ import annotations

# ISO 4217 currencies whose minor unit is not the cent (every other has 2 decimals).
_ZERO_DECIMALS = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"}
    | {"RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"}
)
_THREE_DECIMALS = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})


def minor_unit_exponent(currency: str) -> int:
    """Decimal places of a currency's minor unit (JPY 0, EUR 2, KWD 3)."""
    code = currency.upper()
    if code in _ZERO_DECIMALS:
        return 0
    if code in _THREE_DECIMALS:
        return 3
    return 2


def money_text(currency: str, amount_minor: int) -> str:
    """An amount in minor units as people read it; empty when there is no currency.

    >>> money_text("EUR", 1234567)
    '12,345.67 EUR'
    >>> money_text("JPY", -1500)
    '-1,500 JPY'
    >>> money_text("KWD", 5)
    '0.005 KWD'
    """
    if not currency:
        return ""
    decimals = minor_unit_exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    major, minor = divmod(abs(amount_minor), 10**decimals)
    fraction = f".{minor:0{decimals}d}" if decimals else ""
    return f"{sign}{major:,}{fraction} {currency.upper()}"
