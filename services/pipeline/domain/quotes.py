"""Quote rules as plain Python: exact pricing, the quote's life, and discount authority.

Rounding rule: a line's amount is
    quantity x unit price x (10000 - line discount) x (10000 - quote discount) / 10^8
rounded half up to a whole minor unit, once per line; the quote's total is the
sum of its line amounts (so the lines always add up to the total exactly).

Discount authority compares the discount as requested, not as rounded: the
quote's discount rate is 1 - sum of net / sum of list computed exactly in integers,
and a role's authority of N basis points covers it when rate <= N / 10000.
A rep with 10% authority can therefore grant exactly 10% on any price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.kit.errors import FailedPrecondition, RuleViolation, Validator
from services.kit.rounding import divide_half_up
from services.pipeline.domain.leads import clean_text
from services.pipeline.domain.opportunities import (
    MAX_QUANTITY,
    MAX_UNIT_PRICE_MINOR,
    parse_date,
    validate_currency,
)

BP = 10_000
DEFAULT_VALIDITY_DAYS = 30
AUTHORITY_ROLES = ("rep", "manager", "director", "admin")


class QuoteStatus(StrEnum):
    """Where a quote stands."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"


class Decision(StrEnum):
    """What was decided about a quote (the rows of its approval trail)."""

    SUBMITTED_FOR_APPROVAL = "submitted_for_approval"
    AUTO_APPROVED = "auto_approved"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"


# The moves a quote can make; anything else is refused naming the rule.
QUOTE_TRANSITIONS: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    QuoteStatus.DRAFT: frozenset(
        {QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED, QuoteStatus.SUPERSEDED}
    ),
    QuoteStatus.PENDING_APPROVAL: frozenset(
        {QuoteStatus.APPROVED, QuoteStatus.REJECTED, QuoteStatus.SUPERSEDED}
    ),
    QuoteStatus.APPROVED: frozenset({QuoteStatus.ACCEPTED, QuoteStatus.SUPERSEDED}),
    QuoteStatus.REJECTED: frozenset({QuoteStatus.SUPERSEDED}),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.SUPERSEDED: frozenset(),
}


def require_transition(quote_id: str, current: QuoteStatus, target: QuoteStatus) -> None:
    """Raise FailedPrecondition unless a quote in `current` may become `target`."""
    if target in QUOTE_TRANSITIONS[current]:
        return
    allowed = sorted(s.value for s, targets in QUOTE_TRANSITIONS.items() if target in targets)
    raise FailedPrecondition(
        [
            RuleViolation(
                "STATE",
                f"quotes/{quote_id}",
                f"a {current.value} quote cannot become {target.value}; "
                f"only a quote that is {' or '.join(allowed) or 'never'} can",
            )
        ]
    )


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (the kit's one rounding rule)."""
    return divide_half_up(numerator, denominator)


@dataclass(frozen=True)
class QuoteLineInput:
    """A quote line as the caller sends it."""

    product_line: str
    quantity: int
    unit_price_minor: int
    currency: str
    discount_bp: int = 0


@dataclass(frozen=True)
class PricedLine:
    """A quote line with its exact amounts."""

    product_line: str
    quantity: int
    unit_price_minor: int
    discount_bp: int
    list_amount_minor: int
    amount_minor: int


@dataclass(frozen=True)
class PricedQuote:
    """A quote's lines and totals, and its discount rate as an exact fraction."""

    lines: list[PricedLine]
    currency: str
    discount_bp: int
    list_total_minor: int
    total_minor: int
    # The requested discount rate is discount_numerator / discount_denominator.
    discount_numerator: int
    discount_denominator: int

    @property
    def effective_discount_bp(self) -> int:
        """The discount rate in basis points, rounded half up (for display)."""
        if not self.discount_denominator:
            return 0
        return round_half_up(self.discount_numerator * BP, self.discount_denominator)

    def within(self, authority_bp: int | None) -> bool:
        """Whether an authority of `authority_bp` (None = unlimited) covers the discount."""
        if authority_bp is None:
            return True
        return self.discount_numerator * BP <= authority_bp * self.discount_denominator


def price(
    lines: Sequence[PricedLine | QuoteLineInput], discount_bp: int
) -> tuple[list[PricedLine], int, int, int, int]:
    """Price lines under a quote discount: (lines, list total, total, rate numerator, denominator).

    The rate is the discount as requested, before rounding:
    sum of list x (1 - (1 - line)(1 - quote)) / sum of list, kept as a fraction.
    """
    priced: list[PricedLine] = []
    numerator = 0
    for line in lines:
        list_amount = line.quantity * line.unit_price_minor
        keep = (BP - line.discount_bp) * (BP - discount_bp)
        amount = round_half_up(list_amount * keep, BP * BP)
        numerator += list_amount * (BP * BP - keep)
        priced.append(
            PricedLine(
                line.product_line,
                line.quantity,
                line.unit_price_minor,
                line.discount_bp,
                list_amount,
                amount,
            )
        )
    list_total = sum(line.list_amount_minor for line in priced)
    total = sum(line.amount_minor for line in priced)
    return priced, list_total, total, numerator, list_total * BP * BP


def validate_quote(
    lines: Sequence[QuoteLineInput],
    discount_bp: int,
    valid_until: str,
    notes: str,
    *,
    currency: str,
    today: date,
) -> tuple[PricedQuote, date, str]:
    """Check and price a quote in the opportunity's `currency`; every bad field at once."""
    check = Validator()
    if not lines:
        check.add("lines", "a quote needs at least one line")
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        check.require(f"{where}.product_line", clean_text(line.product_line), max_length=100)
        check.check(
            1 <= line.quantity <= MAX_QUANTITY,
            f"{where}.quantity",
            f"must be a whole number from 1 to {MAX_QUANTITY}",
        )
        check.check(
            0 <= line.unit_price_minor <= MAX_UNIT_PRICE_MINOR,
            f"{where}.unit_price.amount_minor",
            f"must be 0 to {MAX_UNIT_PRICE_MINOR} minor units",
        )
        line_currency = validate_currency(check, f"{where}.unit_price.currency", line.currency)
        if line.currency.strip() and line_currency != currency:
            check.add(
                f"{where}.unit_price.currency",
                f"must be the opportunity's currency {currency}",
            )
        check.check(
            0 <= line.discount_bp <= BP, f"{where}.discount_bp", "must be 0 to 10000 basis points"
        )
    check.check(0 <= discount_bp <= BP, "discount_bp", "must be 0 to 10000 basis points")
    until = parse_date(check, "valid_until", valid_until) or (
        today + timedelta(days=DEFAULT_VALIDITY_DAYS)
    )
    check.check(until >= today, "valid_until", "must be today or later")
    notes = notes.strip()
    check.optional("notes", notes, max_length=2000)
    check.raise_if_any()
    cleaned = [
        QuoteLineInput(
            clean_text(line.product_line),
            line.quantity,
            line.unit_price_minor,
            currency,
            line.discount_bp,
        )
        for line in lines
    ]
    priced, list_total, total, numerator, denominator = price(cleaned, discount_bp)
    quote = PricedQuote(priced, currency, discount_bp, list_total, total, numerator, denominator)
    return quote, until, notes


@dataclass(frozen=True)
class Authority:
    """The discount authority a caller holds: the role it comes from and its limit."""

    role: str
    max_discount_bp: int | None  # None = unlimited

    def covers(self, quote: PricedQuote) -> bool:
        """Whether this authority covers the quote's discount."""
        return quote.within(self.max_discount_bp)

    def describe(self) -> str:
        """Human words for the limit, such as "10.00%" or "unlimited"."""
        if self.max_discount_bp is None:
            return "unlimited"
        return f"{self.max_discount_bp / 100:.2f}%"


NO_AUTHORITY = Authority("", 0)


def authority_of(roles: frozenset[str], table: Mapping[str, int | None]) -> Authority:
    """The largest authority among the caller's roles (a role absent from the table has none)."""
    best = NO_AUTHORITY
    for role in sorted(roles):
        if role not in table:
            continue
        limit = table[role]
        if limit is None:
            return Authority(role, None)
        if not best.role or limit > (best.max_discount_bp or 0):
            best = Authority(role, limit)
    return best


def validate_authority(role: str, max_discount_bp: int, unlimited: bool) -> tuple[str, int | None]:
    """A role's authority as an admin sets it."""
    check = Validator()
    role = role.strip().lower()
    check.check(role in AUTHORITY_ROLES, "role", f"must be one of {', '.join(AUTHORITY_ROLES)}")
    if not unlimited:
        check.check(
            0 <= max_discount_bp <= BP, "max_discount_bp", "must be 0 to 10000 basis points"
        )
    check.raise_if_any()
    return role, None if unlimited else max_discount_bp


def validate_comment(comment: str, *, required: bool) -> str:
    """An approver's comment; a rejection must say why."""
    check = Validator()
    comment = comment.strip()
    if required:
        check.require("comment", comment, max_length=2000)
    else:
        check.optional("comment", comment, max_length=2000)
    check.raise_if_any()
    return comment


def require_acceptable(quote_id: str, status: QuoteStatus, valid_until: date, today: date) -> None:
    """Only an approved quote that has not expired can be accepted; every unmet rule listed."""
    violations: list[RuleViolation] = []
    if status is not QuoteStatus.APPROVED:
        violations.append(
            RuleViolation(
                "STATE",
                f"quotes/{quote_id}",
                f"the quote is {status.value}; only an approved quote can be accepted",
            )
        )
    if valid_until < today:
        violations.append(
            RuleViolation(
                "POLICY",
                f"quotes/{quote_id}/valid_until",
                f"the quote expired on {valid_until.isoformat()}; revise it for a new validity",
            )
        )
    if violations:
        raise FailedPrecondition(violations)
