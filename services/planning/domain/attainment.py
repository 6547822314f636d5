"""Attainment: actual against target, linear pace through the period, status, FX rounding.

Pure integer arithmetic (no SQL, gRPC or nameko). A target is met by the
actual booked in its period; the *expected* amount at an instant is the
target scaled linearly by how much of the period has elapsed, so a quarter
target of 90 expects 45 half-way through. Status, in order:

- `attained`: actual >= target;
- `behind`: actual is below `behind_pace_bp` of expected (default 8000 = 80%);
- `ahead`: actual > expected;
- `on_pace`: otherwise (between the behind share and expected, inclusive).

Currency conversion multiplies an amount in minor units by an exact decimal
rate (units of the target currency per unit of the source currency), adjusts
for the two currencies' minor-unit exponents, and rounds half up once, via
`kit.rounding.divide_half_up`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from services.kit.config import ConfigError
from services.kit.errors import InvalidArgument, Validator
from services.kit.fiscal import FiscalPeriod
from services.kit.money import minor_unit_exponent
from services.kit.rounding import BASIS_POINTS, divide_half_up
from services.planning.domain.allocation import split

BEHIND_PACE_ENV = "SALESOPS_PLANNING_BEHIND_PACE_BP"
DEFAULT_BEHIND_PACE_BP = 8_000

_CURRENCY = re.compile(r"^[A-Z]{3}$")
# A rate: a positive decimal with at most 12 digits after the point.
MAX_RATE_DECIMALS = 12
MAX_RATE_DIGITS = 24


class Status(StrEnum):
    AHEAD = "ahead"
    ON_PACE = "on_pace"
    BEHIND = "behind"
    ATTAINED = "attained"


@dataclass(frozen=True)
class AttainmentLine:
    """One target's attainment for one subject (a unit or a rep) at an instant.

    `target`, `actual` and `expected` are minor units of `currency` for
    revenue, counts otherwise (`currency` is then empty). `gap_to_target` is
    target - actual; `gap_to_pace` is actual - expected (negative = behind).
    """

    metric: str
    product_line: str
    currency: str
    target: int
    actual: int
    expected: int
    percent_bp: int
    status: str
    pace_bp: int = 0
    target_id: str = ""
    plan_id: str = ""
    region: str = ""

    @property
    def gap_to_target(self) -> int:
        return self.target - self.actual

    @property
    def gap_to_pace(self) -> int:
        return self.actual - self.expected


def behind_pace_bp_from_env(env: dict[str, str] | None = None) -> int:
    """`SALESOPS_PLANNING_BEHIND_PACE_BP` (1-10000, default 8000); a bad value stops the process."""
    raw = (os.environ if env is None else env).get(BEHIND_PACE_ENV, "").strip()
    if not raw:
        return DEFAULT_BEHIND_PACE_BP
    if not raw.isdigit() or not 1 <= int(raw) <= BASIS_POINTS:
        raise ConfigError(
            BEHIND_PACE_ENV, f"must be basis points 1-10000 (8000 = 80%), got {raw!r}"
        )
    return int(raw)


def elapsed_fraction(period: FiscalPeriod, as_of: datetime) -> tuple[int, int]:
    """(elapsed, duration) in whole seconds, the elapsed part clamped to the period."""
    duration = int((period.ends_at - period.starts_at).total_seconds())
    elapsed = int((as_of - period.starts_at).total_seconds())
    return max(0, min(elapsed, duration)), duration


def expected_to_date(target: int, period: FiscalPeriod, as_of: datetime) -> int:
    """The linear pace: target x elapsed / duration, rounded half up.

    >>> from services.kit.fiscal import FiscalCalendar
    >>> from datetime import UTC
    >>> q = FiscalCalendar(1).period("FY2027-Q1")
    >>> expected_to_date(90, q, datetime(2027, 2, 15, tzinfo=UTC))
    45
    """
    elapsed, duration = elapsed_fraction(period, as_of)
    return divide_half_up(target * elapsed, duration)


def ratio_bp(part: int, whole: int) -> int:
    """part / whole in basis points, rounded DOWN; 0 when whole is not positive.

    Rounded down so that 10000 (100%) is shown only when the target is really
    met: 99.995% is 9999, never a rounded-up 100% that is not `attained`.
    """
    if whole <= 0:
        return 0
    return (part * BASIS_POINTS) // whole


def status_of(
    target: int, actual: int, expected: int, behind_pace_bp: int = DEFAULT_BEHIND_PACE_BP
) -> Status:
    """Attained, behind (below the share of expected), ahead (above expected) or on pace."""
    if target > 0 and actual >= target:
        return Status.ATTAINED
    if actual * BASIS_POINTS < expected * behind_pace_bp:
        return Status.BEHIND
    if actual > expected:
        return Status.AHEAD
    return Status.ON_PACE


def is_behind_pace(line: AttainmentLine, behind_pace_bp: int = DEFAULT_BEHIND_PACE_BP) -> bool:
    """Whether a checkpoint should report the line: expected > 0 and actual below its share."""
    return (
        line.expected > 0
        and line.actual < line.target
        and line.actual * BASIS_POINTS < line.expected * behind_pace_bp
    )


def attainment_line(
    *,
    metric: str,
    product_line: str,
    currency: str,
    target: int,
    actual: int,
    period: FiscalPeriod,
    as_of: datetime,
    behind_pace_bp: int = DEFAULT_BEHIND_PACE_BP,
    target_id: str = "",
    plan_id: str = "",
    region: str = "",
) -> AttainmentLine:
    """Compute every figure of a line from the target, the actual and the instant."""
    expected = expected_to_date(target, period, as_of)
    return AttainmentLine(
        metric=metric,
        product_line=product_line,
        currency=currency,
        target=target,
        actual=actual,
        expected=expected,
        percent_bp=ratio_bp(actual, target),
        status=status_of(target, actual, expected, behind_pace_bp).value,
        pace_bp=ratio_bp(actual, expected),
        target_id=target_id,
        plan_id=plan_id,
        region=region,
    )


def is_currency(code: str) -> bool:
    """Whether `code` looks like an ISO 4217 code (three upper-case letters)."""
    return bool(_CURRENCY.match(code))


def parse_rate(text: str, field_name: str = "rate") -> Decimal:
    """An exact positive decimal rate ("1.0834"); InvalidArgument names the field otherwise."""
    try:
        rate = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidArgument.of(
            field_name, f"'{text}' is not a decimal number such as 1.0834"
        ) from None
    if not rate.is_finite() or rate <= 0:
        raise InvalidArgument.of(field_name, f"must be a positive decimal number, got '{text}'")
    exponent = rate.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > MAX_RATE_DECIMALS or len(rate.as_tuple().digits) > MAX_RATE_DIGITS:
        raise InvalidArgument.of(
            field_name,
            f"must have at most {MAX_RATE_DECIMALS} decimal places and "
            f"{MAX_RATE_DIGITS} digits, got '{text}'",
        )
    return rate


def canonical_rate(rate: Decimal) -> str:
    """The stored text of a rate: plain notation, no trailing zeros ("1.08", "2")."""
    text = format(rate.normalize(), "f")
    return text


def validate_fx_rate(
    period_code: str, from_currency: str, to_currency: str, rate: str
) -> tuple[str, str, Decimal]:
    """Both currencies ISO 4217 and different, the rate a positive decimal; every field named."""
    v = Validator()
    source, target = from_currency.strip().upper(), to_currency.strip().upper()
    v.check(bool(_CURRENCY.match(source)), "from_currency", "must be an ISO 4217 code such as USD")
    v.check(bool(_CURRENCY.match(target)), "to_currency", "must be an ISO 4217 code such as EUR")
    if source and source == target:
        v.add("to_currency", "must differ from from_currency (a currency converts to itself at 1)")
    parsed: Decimal | None = None
    try:
        parsed = parse_rate(rate)
    except InvalidArgument as exc:
        v.violations.extend(exc.violations)
    v.raise_if_any()
    assert parsed is not None
    return source, target, parsed


def convert(amount_minor: int, rate: Decimal, from_currency: str, to_currency: str) -> int:
    """amount x rate in `to_currency`'s minor units, rounded half up (towards +infinity).

    >>> convert(1_000, Decimal("1.0834"), "USD", "EUR")  # 10.00 USD -> 10.834 EUR
    1083
    >>> convert(1_000, Decimal("1.0835"), "USD", "EUR")  # 10.835 EUR rounds up
    1084
    >>> convert(100_000, Decimal("0.0061"), "JPY", "EUR")  # 100000 JPY -> 610.00 EUR
    61000
    """
    if from_currency == to_currency:
        return amount_minor
    numerator, denominator = rate.as_integer_ratio()
    shift = minor_unit_exponent(to_currency) - minor_unit_exponent(from_currency)
    if shift >= 0:
        numerator *= 10**shift
    else:
        denominator *= 10**-shift
    return divide_half_up(amount_minor * numerator, denominator)


def enclosing_periods(period_code: str) -> list[str]:
    """The period and the ones that enclose it, narrowest first: M03 -> M03, Q1, year.

    >>> enclosing_periods("FY2027-M05")
    ['FY2027-M05', 'FY2027-Q2', 'FY2027']
    """
    year, _, part = period_code.partition("-")
    if part.startswith("M"):
        quarter = (int(part[1:]) - 1) // 3 + 1
        return [period_code, f"{year}-Q{quarter}", year]
    if part.startswith("Q"):
        return [period_code, year]
    return [period_code]


@dataclass(frozen=True)
class ContractLine:
    """A product line of a signed contract (no lines: one line of the contract value)."""

    product_line: str
    currency: str
    amount_minor: int
    quantity: int


@dataclass(frozen=True)
class Credit:
    """One rep's share of one product line: a row of `sales_facts`."""

    rep_id: str
    product_line: str
    currency: str
    amount_minor: int
    quantity: int


def _exact_shares(total: int, weights: dict[str, int]) -> dict[str, int]:
    # Largest remainder on the magnitude, so a negative line splits as exactly as a positive one.
    shares = split(abs(total), weights)
    return {rep: -share if total < 0 else share for rep, share in shares.items()}


def credit_splits(lines: list[ContractLine], splits: list[tuple[str, int]]) -> list[Credit]:
    """Each rep's share (by basis points) of each line, exact by largest remainder.

    The shares of a line sum exactly to its amount and its quantity; a rep
    named twice has their shares added; a zero or negative share gets nothing.
    Rows come line by line, reps in the order first named.

    >>> rows = credit_splits([ContractLine("a", "EUR", 100, 3)], [("r1", 5000), ("r2", 5000)])
    >>> [(r.rep_id, r.amount_minor, r.quantity) for r in rows]
    [('r1', 50, 2), ('r2', 50, 1)]
    """
    weights: dict[str, int] = {}
    for rep_id, share_bp in splits:
        if share_bp > 0:
            weights[rep_id] = weights.get(rep_id, 0) + share_bp
    if not weights:
        raise InvalidArgument.of("splits", "no split has a positive share")
    credits = []
    for line in lines:
        amounts = _exact_shares(line.amount_minor, weights)
        quantities = _exact_shares(line.quantity, weights)
        credits += [
            Credit(rep, line.product_line, line.currency, amounts[rep], quantities[rep])
            for rep in weights
        ]
    return credits
