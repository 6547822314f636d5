"""Sales credit rules: splitting a contract, overlay up the manager chain, clawback, summaries.

- Direct credits: each split rep's share (basis points) of each product line
  of a signed contract, exact by largest remainder (as planning splits its
  sales facts), so the credits of a line sum exactly to its amount and
  quantity. No lines: one line of the contract value. No splits: the owner
  gets it all.
- Overlay credits: every manager up the credited rep's chain, to
  `SALESOPS_PERFORMANCE_OVERLAY_LEVELS` levels (default 2), gets an overlay
  credit of the same amount as the direct credit (100% overlay, the common
  practice: a manager is credited with everything their people sell, on top
  of, not out of, the reps' credits, so overlay never reduces a rep's credit).
- Clawback: a cancellation reverses every credit of the contract (direct and
  overlay) when it comes at most `SALESOPS_PERFORMANCE_CLAWBACK_DAYS` days
  (default 180) after the signing day; later, the credits stand.
- Summaries: direct, overlay, reversed and net per currency, where net is
  exactly direct + overlay + reversed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services.kit.config import ConfigError
from services.kit.errors import InvalidArgument

OVERLAY_LEVELS_ENV = "SALESOPS_PERFORMANCE_OVERLAY_LEVELS"
DEFAULT_OVERLAY_LEVELS = 2
MAX_OVERLAY_LEVELS = 10
CLAWBACK_DAYS_ENV = "SALESOPS_PERFORMANCE_CLAWBACK_DAYS"
DEFAULT_CLAWBACK_DAYS = 180
MAX_CLAWBACK_DAYS = 3660

DIRECT, OVERLAY = "direct", "overlay"


@dataclass(frozen=True)
class ContractLine:
    """A product line of a signed contract."""

    product_line: str
    currency: str
    amount_minor: int
    quantity: int


@dataclass(frozen=True)
class SplitCredit:
    """One rep's direct share of one product line."""

    rep_id: str
    share_bp: int
    product_line: str
    currency: str
    amount_minor: int
    quantity: int


@dataclass(frozen=True)
class OverlayCredit:
    """A manager's overlay credit for one direct credit of a rep below them."""

    manager_id: str
    from_rep_id: str
    level: int  # 1 = the rep's own manager
    credit: SplitCredit


def _int_from_env(
    name: str, default: int, lowest: int, highest: int, env: Mapping[str, str] | None
) -> int:
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not lowest <= int(raw) <= highest:
        raise ConfigError(name, f"must be a whole number {lowest}-{highest}, got {raw!r}")
    return int(raw)


def overlay_levels_from_env(env: Mapping[str, str] | None = None) -> int:
    """`SALESOPS_PERFORMANCE_OVERLAY_LEVELS` (0-10, default 2; 0 = no overlay credits)."""
    return _int_from_env(OVERLAY_LEVELS_ENV, DEFAULT_OVERLAY_LEVELS, 0, MAX_OVERLAY_LEVELS, env)


def clawback_days_from_env(env: Mapping[str, str] | None = None) -> int:
    """`SALESOPS_PERFORMANCE_CLAWBACK_DAYS` (0-3660, default 180)."""
    return _int_from_env(CLAWBACK_DAYS_ENV, DEFAULT_CLAWBACK_DAYS, 0, MAX_CLAWBACK_DAYS, env)


def _largest_remainder(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """`total` split in proportion to `weights`, summing exactly to it.

    Leftover units go to the largest remainders, ties to the lowest rep id; a
    negative total splits its magnitude the same way.
    """
    magnitude = abs(total)
    whole = sum(weights.values())
    shares: dict[str, int] = {}
    remainders: list[tuple[int, str]] = []
    for rep_id, weight in weights.items():
        share, remainder = divmod(magnitude * weight, whole)
        shares[rep_id] = share
        remainders.append((-remainder, rep_id))
    left = magnitude - sum(shares.values())
    for _, rep_id in sorted(remainders)[:left]:
        shares[rep_id] += 1
    return {rep: -share if total < 0 else share for rep, share in shares.items()}


def credit_splits(
    lines: Sequence[ContractLine], splits: Sequence[tuple[str, int]]
) -> list[SplitCredit]:
    """Each rep's share (by basis points) of each line, exact by largest remainder.

    A rep named twice has their shares added; a zero or negative share gets
    nothing. Rows come line by line, reps in the order first named.

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
    credits: list[SplitCredit] = []
    for line in lines:
        amounts = _largest_remainder(line.amount_minor, weights)
        quantities = _largest_remainder(line.quantity, weights)
        credits += [
            SplitCredit(
                rep_id,
                weights[rep_id],
                line.product_line,
                line.currency,
                amounts[rep_id],
                quantities[rep_id],
            )
            for rep_id in weights
        ]
    return credits


def overlay_credits(
    direct: Iterable[SplitCredit], chains: Mapping[str, Sequence[str]]
) -> list[OverlayCredit]:
    """An overlay credit of the same amount for every manager in each credited rep's chain.

    `chains` maps a rep to their managers, nearest first (already cut to the
    configured depth). A manager above two credited reps gets one overlay
    credit for each of them.
    """
    return [
        OverlayCredit(manager_id, credit.rep_id, level, credit)
        for credit in direct
        for level, manager_id in enumerate(chains.get(credit.rep_id, ()), start=1)
    ]


def within_clawback(signed_on: date, cancelled_on: date, clawback_days: int) -> bool:
    """Whether a cancellation on `cancelled_on` claws back credits signed on `signed_on`.

    The window is the signing day plus `clawback_days` days, inclusive; a
    cancellation dated before the signature (a correction) is within it.

    >>> within_clawback(date(2027, 1, 1), date(2027, 6, 30), 180)
    True
    >>> within_clawback(date(2027, 1, 1), date(2027, 7, 1), 180)
    False
    """
    return (cancelled_on - signed_on).days <= clawback_days


@dataclass
class CreditTotals:
    """One currency's credits: direct, overlay, reversed (negative) and net."""

    currency: str
    direct_minor: int = 0
    overlay_minor: int = 0
    reversed_minor: int = 0

    @property
    def net_minor(self) -> int:
        return self.direct_minor + self.overlay_minor + self.reversed_minor


@dataclass(frozen=True)
class CreditAmount:
    """What a summary needs of one credit row."""

    kind: str
    currency: str
    amount_minor: int
    is_reversal: bool


def summarize(credits: Iterable[CreditAmount]) -> list[CreditTotals]:
    """Totals per currency (sorted by currency); every credit counts in exactly one column.

    >>> rows = [CreditAmount("direct", "EUR", 100, False),
    ...         CreditAmount("overlay", "EUR", 100, False),
    ...         CreditAmount("direct", "EUR", -100, True)]
    >>> [(t.direct_minor, t.overlay_minor, t.reversed_minor, t.net_minor) for t in summarize(rows)]
    [(100, 100, -100, 100)]
    """
    totals: dict[str, CreditTotals] = {}
    for credit in credits:
        total = totals.setdefault(credit.currency, CreditTotals(credit.currency))
        if credit.is_reversal:
            total.reversed_minor += credit.amount_minor
        elif credit.kind == OVERLAY:
            total.overlay_minor += credit.amount_minor
        else:
            total.direct_minor += credit.amount_minor
    return [totals[currency] for currency in sorted(totals)]
