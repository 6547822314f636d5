"""Segmentation rules as plain Python: tiers from revenue and potential, and lifetime value.

**Tiers.** An account is tier A when its revenue OR its potential reaches the
A amount of the thresholds that apply to its region, else B when either
reaches the B amount, else C. The boundary belongs to the higher tier
(revenue exactly at the A amount is A). Revenue is the lifetime value: the
sum of the account's active signed contracts. Thresholds are per region,
with global ones for regions without their own; with none at all an account
has no tier (""). Amounts are in the thresholds' currency; revenue and
potential in another currency do not count (the platform converts no money).

**Lifetime value** sums the active contracts per currency; a cancelled
contract does not count.

Nothing here knows about gRPC, SQL or nameko.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import Validator

CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
# The scope of thresholds that apply to every region without its own.
GLOBAL_SCOPE = "*"


class Tier(StrEnum):
    """An account's segment: A (most valuable) to C."""

    A = "A"
    B = "B"
    C = "C"


class ContractStatus(StrEnum):
    """A contract's standing as the revenue copy sees it; a cancellation is final."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TierThresholds:
    """The amounts (minor units of `currency`) an account must reach for tiers A and B."""

    currency: str
    a_revenue_minor: int
    b_revenue_minor: int
    a_potential_minor: int
    b_potential_minor: int


def validate_thresholds(
    *,
    currency: str,
    a_revenue_minor: int,
    b_revenue_minor: int,
    a_potential_minor: int,
    b_potential_minor: int,
    prefix: str = "thresholds.",
) -> TierThresholds:
    """Check thresholds: a currency, positive amounts, and B's never above A's."""
    thresholds = TierThresholds(
        currency=currency.strip().upper(),
        a_revenue_minor=a_revenue_minor,
        b_revenue_minor=b_revenue_minor,
        a_potential_minor=a_potential_minor,
        b_potential_minor=b_potential_minor,
    )
    check = Validator()
    check.check(
        bool(CURRENCY_PATTERN.match(thresholds.currency)),
        f"{prefix}currency",
        "must be an ISO 4217 code such as EUR",
    )
    for name in ("a_revenue_minor", "b_revenue_minor", "a_potential_minor", "b_potential_minor"):
        check.check(getattr(thresholds, name) > 0, f"{prefix}{name}", "must be positive")
    check.check(
        thresholds.b_revenue_minor <= thresholds.a_revenue_minor,
        f"{prefix}b_revenue_minor",
        "must not be above a_revenue_minor",
    )
    check.check(
        thresholds.b_potential_minor <= thresholds.a_potential_minor,
        f"{prefix}b_potential_minor",
        "must not be above a_potential_minor",
    )
    check.raise_if_any()
    return thresholds


@dataclass(frozen=True)
class TierInputs:
    """What a tier is computed from, in the thresholds' currency."""

    revenue_minor: int
    potential_minor: int


def tier_inputs(
    thresholds: TierThresholds,
    lifetime_value: dict[str, int],
    potential_currency: str,
    potential_minor: int,
) -> TierInputs:
    """The revenue and potential that count against `thresholds` (same currency only)."""
    return TierInputs(
        revenue_minor=lifetime_value.get(thresholds.currency, 0),
        potential_minor=potential_minor if potential_currency == thresholds.currency else 0,
    )


def compute_tier(thresholds: TierThresholds | None, inputs: TierInputs) -> Tier | None:
    """The tier for `inputs` under `thresholds`; None when no thresholds apply."""
    if thresholds is None:
        return None
    if (
        inputs.revenue_minor >= thresholds.a_revenue_minor
        or inputs.potential_minor >= thresholds.a_potential_minor
    ):
        return Tier.A
    if (
        inputs.revenue_minor >= thresholds.b_revenue_minor
        or inputs.potential_minor >= thresholds.b_potential_minor
    ):
        return Tier.B
    return Tier.C


def lifetime_value(contracts: Iterable[tuple[str, str, int]]) -> dict[str, int]:
    """Sum of the active contracts per currency, from (status, currency, value_minor)."""
    totals: dict[str, int] = defaultdict(int)
    for status, currency, value_minor in contracts:
        if status == ContractStatus.ACTIVE:
            totals[currency] += value_minor
    return dict(sorted(totals.items()))
