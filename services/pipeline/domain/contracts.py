"""Contract rules as plain Python: terms, credit splits that add up, cancellation, renewal.

Credit split rule: each rep's amount is value x share / 10000 rounded down,
and the minor units left over go one each to the reps with the largest
remainders (ties to the earlier team member), so the amounts always sum to
the contract value exactly.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.kit.errors import FailedPrecondition, RuleViolation, Validator
from services.pipeline.domain.leads import clean_text
from services.pipeline.domain.opportunities import FULL_SHARE_BP, parse_date

DEFAULT_TERM_MONTHS = 12
MAX_TERM_MONTHS = 120


class ContractStatus(StrEnum):
    """Where a contract stands."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    RENEWED = "renewed"


@dataclass(frozen=True)
class Split:
    """A rep's share of a contract: basis points and the exact amount in minor units."""

    rep_id: str
    share_bp: int
    amount_minor: int


def allocate_splits(value_minor: int, shares: Sequence[tuple[str, int]]) -> list[Split]:
    """Share `value_minor` by basis points (summing to 10000) so the amounts sum to it exactly."""
    if sum(share for _, share in shares) != FULL_SHARE_BP:
        raise ValueError("shares must sum to 10000 basis points")
    base = [value_minor * share // FULL_SHARE_BP for _, share in shares]
    remainders = [value_minor * share % FULL_SHARE_BP for _, share in shares]
    left = value_minor - sum(base)
    # Largest remainder first; the earlier member wins a tie.
    for index in sorted(range(len(shares)), key=lambda i: (-remainders[i], i))[:left]:
        base[index] += 1
    return [
        Split(rep_id, share, amount) for (rep_id, share), amount in zip(shares, base, strict=True)
    ]


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def term_end(start: date, term_months: int) -> date:
    """The last day of a term of `term_months` starting on `start`."""
    return add_months(start, term_months) - timedelta(days=1)


@dataclass(frozen=True)
class Term:
    """A contract's dates: start, last day, months and signature."""

    start: date
    end: date
    term_months: int
    signed: date


def validate_term(
    start_date: str,
    term_months: int,
    signed_date: str,
    *,
    today: date,
    start_field: str = "contract_start_date",
) -> Term:
    """The term of a new contract; dates default to today, the term to 12 months."""
    check = Validator()
    start = parse_date(check, start_field, start_date) or today
    signed = parse_date(check, "signed_date", signed_date) or today
    months = term_months or DEFAULT_TERM_MONTHS
    check.check(
        1 <= months <= MAX_TERM_MONTHS,
        "term_months",
        f"must be 1 to {MAX_TERM_MONTHS} months (0 means {DEFAULT_TERM_MONTHS})",
    )
    check.check(signed <= today, "signed_date", "cannot be in the future")
    check.raise_if_any()
    return Term(start, term_end(start, months), months, signed)


def validate_cancel_reason(reason: str) -> str:
    """Why a contract is cancelled; required."""
    check = Validator()
    reason = clean_text(reason)
    check.require("reason", reason, max_length=500)
    check.raise_if_any()
    return reason


def require_active(contract_id: str, status: ContractStatus, action: str) -> None:
    """Raise FailedPrecondition unless the contract is active."""
    if status is not ContractStatus.ACTIVE:
        raise FailedPrecondition(
            [
                RuleViolation(
                    "STATE",
                    f"contracts/{contract_id}",
                    f"the contract is {status.value}; only an active contract can be {action}",
                )
            ]
        )


def renewal_term(
    current_end: date, current_term: int, start_date: str, term_months: int, *, today: date
) -> Term:
    """The term of a renewal: by default it starts the day after the current one ends."""
    check = Validator()
    start = parse_date(check, "start_date", start_date) or current_end + timedelta(days=1)
    months = term_months or current_term
    check.check(
        1 <= months <= MAX_TERM_MONTHS, "term_months", f"must be 1 to {MAX_TERM_MONTHS} months"
    )
    check.raise_if_any()
    return Term(start, term_end(start, months), months, today)
