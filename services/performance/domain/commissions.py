"""Commission plans and the commission engine: pure, integer-exact, every line explained.

A plan's rules (`PlanRules`) say how a rep's credited revenue in a period
becomes pay:

- **base rate** (`base_rate_bp`, basis points of credited revenue): what
  revenue earns where no tier applies (every revenue when the plan has no
  tiers or the rep has no quota).
- **tiers** by attainment (credited revenue / quota), each a band
  `[from_bp, to_bp)` of attainment (`to_bp` 0 = no upper bound) with its own
  rate. Bands ascend and do not overlap; a gap between bands is paid at the
  base rate. A tier paying less than the base rate is a *decelerator* and
  must lie below 100 % (below the floor it ends at); a tier starting at or
  above 100 % paying more than the base rate is an *accelerator*; any other
  is a plain *tier*. Rates never fall as attainment rises (gaps count at the
  base rate), so more revenue never pays less.
  - **marginal**: each slice of revenue is paid at the rate of the band it
    falls in (slice bounds are quota x bound, rounded half up);
  - **flat**: all credited revenue is paid at the rate of the band the
    attainment reached.
- **cap**: on payout (the earnings lines together never exceed
  `cap_payout_minor`) or on attainment (revenue above quota x
  `cap_attainment_bp` earns nothing); the cut is its own negative `cap` line.
- **SPIFFs**: an extra rate on the credited revenue of one product line.
- **KPI bonuses**: a fixed amount when a KPI's normalised score (0-100)
  reaches a threshold.
- **clawback**: a credit reversed in this period whose original was credited
  in an earlier period (and so was paid then) is taken back at the plan's
  standard rate (its rate at 100 % attainment), one line per reversal. A
  reversal of a credit of the same period simply nets out of the period's
  revenue.
- **draw**: a guaranteed minimum per period (`draw_minor`). When the
  period's net earnings fall short, a `draw` line tops them up to it; a
  *recoverable* draw adds the top-up to the rep's outstanding balance, which
  later periods repay (`draw_recovery`, negative) out of their earnings above
  the draw. A non-recoverable draw is never repaid.

Rounding is defined once: every line that applies a rate is rounded half up
(`kit.rounding.divide_half_up`) on its own; cap, draw and recovery lines are
differences of already rounded sums, and the total is the sum of the lines,
so totals always equal the sum of their lines by construction.

Statements are recalculated, never rewritten: `adjustment_lines` compares a
new calculation with the previous one rule by rule and yields the
differences as `adjustment` lines.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from operator import itemgetter
from typing import NamedTuple

from services.kit.errors import FailedPrecondition, RuleViolation, Validator
from services.kit.rounding import BASIS_POINTS, divide_half_up

MAX_RATE_BP = 1_000_000  # 10,000 %: beyond any real commission rate, catches typos
MAX_MINOR = 10**15
MAX_NAME_LENGTH = 200
KPI_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class LineKind(StrEnum):
    BASE = "base"
    TIER = "tier"
    ACCELERATOR = "accelerator"
    DECELERATOR = "decelerator"
    SPIFF = "spiff"
    KPI_BONUS = "kpi_bonus"
    CAP = "cap"
    DRAW = "draw"
    DRAW_RECOVERY = "draw_recovery"
    CLAWBACK = "clawback"
    ADJUSTMENT = "adjustment"


class TierMode(StrEnum):
    MARGINAL = "marginal"
    FLAT = "flat"


class CapKind(StrEnum):
    NONE = "none"
    PAYOUT = "payout"
    ATTAINMENT = "attainment"


class PlanRole(StrEnum):
    REP = "rep"
    MANAGER = "manager"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Tier:
    """A band of attainment `[from_bp, to_bp)` (to_bp 0 = no upper bound) and its rate."""

    from_bp: int
    to_bp: int
    rate_bp: int
    name: str = ""


@dataclass(frozen=True)
class Spiff:
    """An extra `rate_bp` on the credited revenue of `product_line`."""

    product_line: str
    rate_bp: int
    name: str = ""


@dataclass(frozen=True)
class KpiBonus:
    """`amount_minor` when KPI `kpi_code` scores at least `min_score` (0-100)."""

    kpi_code: str
    min_score: int
    amount_minor: int
    name: str = ""


@dataclass(frozen=True)
class PlanRules:
    """What a commission plan pays; see the module docstring."""

    base_rate_bp: int = 0
    tier_mode: TierMode = TierMode.MARGINAL
    tiers: tuple[Tier, ...] = ()
    cap_kind: CapKind = CapKind.NONE
    cap_payout_minor: int = 0
    cap_attainment_bp: int = 0
    spiffs: tuple[Spiff, ...] = ()
    kpi_bonuses: tuple[KpiBonus, ...] = ()
    draw_minor: int = 0
    draw_recoverable: bool = False


class Credit(NamedTuple):
    """One credit of the rep in the period, as the engine needs it.

    `reverses_credit_id` is set on a reversal; `reversed_credited_on` is the
    day the reversed credit was credited (None when unknown), which decides
    between netting (same period) and a clawback (earlier period). A named
    tuple rather than a dataclass: a run builds a million of them.
    """

    credit_id: str
    amount_minor: int
    credited_on: date
    kind: str = "direct"
    product_line: str = ""
    reverses_credit_id: str | None = None
    reversed_credited_on: date | None = None


@dataclass(frozen=True)
class Explanation:
    """Why a line has its amount: the credits, tier bounds, rate and rule behind it."""

    rule: str
    credit_ids: tuple[str, ...] = ()
    basis_minor: int = 0  # the revenue (or sum) the rate applied to
    rate_bp: int = 0
    tier_from_bp: int = 0
    tier_to_bp: int = 0
    attainment_bp: int = 0
    kpi_code: str = ""
    kpi_score: int = 0
    previous_amount_minor: int = 0  # adjustments: what the rule paid before


@dataclass(frozen=True)
class Line:
    kind: LineKind
    amount_minor: int
    explanation: Explanation
    description: str


@dataclass(frozen=True)
class CommissionInput:
    """Everything the engine needs for one rep and period."""

    rules: PlanRules
    currency: str
    period_starts_on: date
    credits: Sequence[Credit]
    quota_minor: int | None = None
    kpi_scores: Mapping[str, int] = field(default_factory=dict)
    draw_balance_minor: int = 0  # recoverable draw still outstanding from earlier periods


@dataclass(frozen=True)
class CommissionResult:
    lines: tuple[Line, ...]
    revenue_minor: int  # credited revenue counted for attainment
    attainment_bp: int | None  # None without a quota
    draw_balance_minor: int  # outstanding after this period

    @property
    def total_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)


def money(amount_minor: int, currency: str) -> str:
    """A readable amount for sentences: 1234567 EUR -> "12,345.67 EUR" (2 minor digits)."""
    sign = "-" if amount_minor < 0 else ""
    whole, cents = divmod(abs(amount_minor), 100)
    return f"{sign}{whole:,}.{cents:02d} {currency}"


def percent(bp: int) -> str:
    """Basis points as a percentage: 12500 -> "125%", 250 -> "2.5%"."""
    whole, rest = divmod(bp, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


def tier_kind(tier: Tier, base_rate_bp: int) -> LineKind:
    """Decelerator below the base rate, accelerator from 100 % above it, else a plain tier."""
    if tier.rate_bp < base_rate_bp:
        return LineKind.DECELERATOR
    if tier.rate_bp > base_rate_bp and tier.from_bp >= BASIS_POINTS:
        return LineKind.ACCELERATOR
    return LineKind.TIER


def tier_label(tier: Tier) -> str:
    upper = percent(tier.to_bp) if tier.to_bp else "and above"
    bounds = (
        f"{percent(tier.from_bp)}-{upper}" if tier.to_bp else f"{percent(tier.from_bp)} {upper}"
    )
    return f"{tier.name or 'tier'} {bounds}".strip()


# --- validation --------------------------------------------------------------


def _bands(rules: PlanRules) -> list[tuple[str, int, int, int]]:
    """(field, from_bp, to_bp, rate_bp) from 0 upward: tiers, with the base rate in the gaps."""
    bands: list[tuple[str, int, int, int]] = []
    cursor = 0
    for i, tier in enumerate(rules.tiers):
        if tier.from_bp > cursor:
            bands.append(("base_rate_bp", cursor, tier.from_bp, rules.base_rate_bp))
        bands.append((f"tiers[{i}].rate_bp", tier.from_bp, tier.to_bp, tier.rate_bp))
        if tier.to_bp == 0:
            return bands
        cursor = tier.to_bp
    bands.append(("base_rate_bp", cursor, 0, rules.base_rate_bp))
    return bands


def _rate_steps(rules: PlanRules) -> list[tuple[str, int, int]]:
    """(field, rate, the rate just below it) for each band above the first."""
    bands = _bands(rules)
    return [(name, rate, bands[i - 1][3]) for i, (name, _, _, rate) in enumerate(bands) if i > 0]


def standard_rate_bp(rules: PlanRules) -> int:
    """The rate at 100 % attainment: what a clawed-back credit is taken back at."""
    for _, lo, hi, rate in _bands(rules):
        if lo <= BASIS_POINTS and (hi == 0 or hi > BASIS_POINTS):
            return rate
    return rules.base_rate_bp


def validate_rules(rules: PlanRules, prefix: str = "rules") -> list[tuple[str, str]]:
    """Every bad field of `rules` as (field path, what would be accepted)."""
    bad: list[tuple[str, str]] = []

    def check(ok: bool, name: str, description: str) -> None:
        if not ok:
            bad.append((f"{prefix}.{name}", description))

    check(0 <= rules.base_rate_bp <= MAX_RATE_BP, "base_rate_bp", "must be 0 to 1000000 bp")
    previous_to = 0
    for i, tier in enumerate(rules.tiers):
        where = f"tiers[{i}]"
        check(tier.from_bp >= 0, f"{where}.from_bp", "must be 0 or more")
        check(
            tier.to_bp == 0 or tier.to_bp > tier.from_bp,
            f"{where}.to_bp",
            "must be above from_bp (or 0 for no upper bound)",
        )
        check(
            tier.to_bp != 0 or i == len(rules.tiers) - 1,
            f"{where}.to_bp",
            "only the last tier may be open-ended (0)",
        )
        check(0 <= tier.rate_bp <= MAX_RATE_BP, f"{where}.rate_bp", "must be 0 to 1000000 bp")
        check(len(tier.name) <= MAX_NAME_LENGTH, f"{where}.name", "must be at most 200 characters")
        check(
            i == 0 or tier.from_bp >= previous_to,
            f"{where}.from_bp",
            f"tiers must ascend without overlapping: starts below the previous tier's end "
            f"({previous_to} bp)",
        )
        if tier.rate_bp < rules.base_rate_bp:
            check(
                0 < tier.to_bp <= BASIS_POINTS,
                f"{where}.to_bp",
                "a tier paying below the base rate is a decelerator and must end at or below "
                "100% attainment (10000 bp)",
            )
        previous_to = tier.to_bp
    if not bad:
        # Rates must not fall as attainment rises (gaps and the rest above the last tier
        # pay the base rate), so more credited revenue never pays less.
        for name, rate, floor in _rate_steps(rules):
            check(
                rate >= floor,
                name,
                f"rates must not fall as attainment rises: at least {floor} bp here "
                "(the rate just below; gaps between tiers and above the last pay the base rate)",
            )
    if rules.cap_kind == CapKind.PAYOUT:
        check(0 < rules.cap_payout_minor <= MAX_MINOR, "cap_payout_minor", "must be positive")
    elif rules.cap_kind == CapKind.ATTAINMENT:
        check(0 < rules.cap_attainment_bp <= MAX_RATE_BP, "cap_attainment_bp", "must be positive")
    if rules.cap_kind != CapKind.PAYOUT:
        check(rules.cap_payout_minor == 0, "cap_payout_minor", "is only for a payout cap")
    if rules.cap_kind != CapKind.ATTAINMENT:
        check(rules.cap_attainment_bp == 0, "cap_attainment_bp", "is only for an attainment cap")
    lines_seen: set[str] = set()
    for i, spiff in enumerate(rules.spiffs):
        where = f"spiffs[{i}]"
        line = spiff.product_line.strip()
        check(bool(line), f"{where}.product_line", "is required")
        check(len(line) <= 100, f"{where}.product_line", "must be at most 100 characters")
        check(line not in lines_seen, f"{where}.product_line", "has a SPIFF already")
        lines_seen.add(line)
        check(0 < spiff.rate_bp <= MAX_RATE_BP, f"{where}.rate_bp", "must be 1 to 1000000 bp")
        check(len(spiff.name) <= MAX_NAME_LENGTH, f"{where}.name", "must be at most 200 characters")
    codes_seen: set[str] = set()
    for i, bonus in enumerate(rules.kpi_bonuses):
        where = f"kpi_bonuses[{i}]"
        check(
            bool(KPI_CODE.match(bonus.kpi_code)),
            f"{where}.kpi_code",
            "must be a KPI code: lower case letters, digits and _ (e.g. win_rate)",
        )
        check(bonus.kpi_code not in codes_seen, f"{where}.kpi_code", "has a bonus already")
        codes_seen.add(bonus.kpi_code)
        check(0 <= bonus.min_score <= 100, f"{where}.min_score", "must be 0 to 100")
        check(0 < bonus.amount_minor <= MAX_MINOR, f"{where}.amount_minor", "must be positive")
        check(len(bonus.name) <= MAX_NAME_LENGTH, f"{where}.name", "must be at most 200 characters")
    check(0 <= rules.draw_minor <= MAX_MINOR, "draw_minor", "must be 0 (no draw) or positive")
    check(
        rules.draw_minor > 0 or not rules.draw_recoverable,
        "draw_recoverable",
        "needs a draw (draw_minor > 0)",
    )
    return bad


@dataclass(frozen=True)
class PlanInput:
    name: str
    role: str
    region: str
    currency: str
    effective_from: str
    effective_to: str
    rules: PlanRules


def _parse_day(v: Validator, name: str, value: str, required: bool) -> date | None:
    if not value.strip():
        if required:
            v.add(name, "is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        v.add(name, f"'{value}' is not a date (YYYY-MM-DD)")
        return None


def validate_plan(plan: PlanInput) -> tuple[date, date | None]:
    """Every bad field of a plan at once; returns its effective dates (to inclusive, or None)."""
    v = Validator()
    v.require("name", plan.name, MAX_NAME_LENGTH)
    v.check(plan.role in {r.value for r in PlanRole}, "role", "is required: rep or manager")
    v.require("region", plan.region, 32)
    if not (len(plan.currency) == 3 and plan.currency.isalpha() and plan.currency.isupper()):
        v.add("currency", f"'{plan.currency}' is not an ISO 4217 code such as EUR")
    starts = _parse_day(v, "effective_from", plan.effective_from, True)
    ends = _parse_day(v, "effective_to", plan.effective_to, False)
    if starts is not None and ends is not None and ends < starts:
        v.add("effective_to", "must be on or after effective_from")
    for name, description in validate_rules(plan.rules):
        v.add(name, description)
    v.raise_if_any()
    assert starts is not None
    return starts, ends


def overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    """Whether two inclusive effective ranges (None = open-ended) share a day."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def require_no_overlap(
    plan_id: str, others: Sequence[tuple[str, date, date | None]], starts: date, ends: date | None
) -> None:
    """No two approved versions of one role and region may be in effect on the same day."""
    clashes = [
        RuleViolation(
            "EFFECTIVE_DATES",
            f"commission_plans/{other_id}",
            f"approved plan '{other_id}' is in effect from {o_from} to {o_to or 'open end'}, "
            f"overlapping {starts} to {ends or 'open end'}; pick dates outside it",
        )
        for other_id, o_from, o_to in others
        if other_id != plan_id and overlaps(starts, ends, o_from, o_to)
    ]
    if clashes:
        raise FailedPrecondition(clashes)


# --- the engine ----------------------------------------------------------------


def _rate_amount(basis_minor: int, rate_bp: int) -> int:
    return divide_half_up(basis_minor * rate_bp, BASIS_POINTS)


def _bound(quota_minor: int, bp: int) -> int:
    return divide_half_up(quota_minor * bp, BASIS_POINTS)


@dataclass(frozen=True)
class _Axis:
    """Revenue credits laid end to end, so a slice of revenue names the credits in it."""

    ends: tuple[int, ...]  # where each credit's span ends (ascending)
    starts: tuple[int, ...]
    ids: tuple[str, ...]

    def credits_between(self, lo: int, hi: int) -> tuple[str, ...]:
        first = bisect_right(self.ends, lo)  # the first span ending after lo
        last = bisect_left(self.starts, hi, lo=first)  # spans starting before hi
        return self.ids[first:last]


_DAY_THEN_ID = itemgetter(2, 0)  # Credit.credited_on, Credit.credit_id


def _split_credits(
    credits: Sequence[Credit], period_starts_on: date
) -> tuple[list[Credit], list[Credit]]:
    """(revenue credits of the period, reversals to claw back) with same-period pairs netted."""
    if not any(c.reverses_credit_id for c in credits):
        return sorted(credits, key=_DAY_THEN_ID), []
    ids = {c.credit_id for c in credits}
    reversed_here = {
        c.reverses_credit_id
        for c in credits
        if c.reverses_credit_id and c.reverses_credit_id in ids
    }
    revenue: list[Credit] = []
    clawbacks: list[Credit] = []
    for credit in credits:
        if credit.reverses_credit_id:
            if credit.reverses_credit_id in ids:
                continue  # nets with its original, both in this period
            earlier = (
                credit.reversed_credited_on is None
                or credit.reversed_credited_on < period_starts_on
            )
            (clawbacks if earlier else revenue).append(credit)
        elif credit.credit_id not in reversed_here:
            revenue.append(credit)
    return sorted(revenue, key=_DAY_THEN_ID), sorted(clawbacks, key=_DAY_THEN_ID)


def _axis(credits: Sequence[Credit]) -> _Axis:
    starts: list[int] = []
    ends: list[int] = []
    ids: list[str] = []
    position = 0
    for credit in credits:
        if credit.amount_minor > 0:
            starts.append(position)
            position += credit.amount_minor
            ends.append(position)
            ids.append(credit.credit_id)
    return _Axis(tuple(ends), tuple(starts), tuple(ids))


def _earning_lines(
    rules: PlanRules, currency: str, revenue: int, quota: int | None, axis: _Axis
) -> list[Line]:
    """Base, tier, accelerator and decelerator lines for `revenue` of credited revenue."""
    lines: list[Line] = []
    base = rules.base_rate_bp

    def base_line(lo: int, hi: int, note: str) -> Line:
        basis = hi - lo
        amount = _rate_amount(basis, base)
        return Line(
            LineKind.BASE,
            amount,
            Explanation("base rate", axis.credits_between(lo, hi), basis, base),
            f"Base rate {percent(base)} on {money(basis, currency)} of credited revenue"
            f"{note}: {money(amount, currency)}.",
        )

    if not rules.tiers or not quota or quota <= 0 or revenue <= 0:
        note = " (no quota for the period, so no tiers apply)" if rules.tiers and not quota else ""
        if revenue != 0 or not rules.tiers:
            lines.append(base_line(0, revenue, note))
        return lines
    attainment = revenue * BASIS_POINTS // quota
    if rules.tier_mode == TierMode.FLAT:
        reached = next(
            (
                t
                for t in rules.tiers
                if revenue * BASIS_POINTS >= quota * t.from_bp
                and (t.to_bp == 0 or revenue * BASIS_POINTS < quota * t.to_bp)
            ),
            None,
        )
        if reached is None:
            lines.append(
                base_line(0, revenue, f" (attainment {percent(attainment)} is in no tier)")
            )
            return lines
        amount = _rate_amount(revenue, reached.rate_bp)
        kind = tier_kind(reached, base)
        lines.append(
            Line(
                kind,
                amount,
                Explanation(
                    f"flat {tier_label(reached)}",
                    axis.credits_between(0, revenue),
                    revenue,
                    reached.rate_bp,
                    reached.from_bp,
                    reached.to_bp,
                    attainment,
                ),
                f"Attainment {percent(attainment)} reached {tier_label(reached)} (flat): "
                f"{percent(reached.rate_bp)} on all {money(revenue, currency)}: "
                f"{money(amount, currency)}.",
            )
        )
        return lines
    # Marginal: each slice of revenue at its band's rate; gaps (and above the last band) at base.
    cursor = 0
    for tier in rules.tiers:
        lo = _bound(quota, tier.from_bp)
        hi = revenue if tier.to_bp == 0 else min(revenue, _bound(quota, tier.to_bp))
        if lo > cursor and cursor < revenue:
            lines.append(base_line(cursor, min(lo, revenue), " (between tiers)"))
        if hi > lo:
            basis = hi - lo
            amount = _rate_amount(basis, tier.rate_bp)
            lines.append(
                Line(
                    tier_kind(tier, base),
                    amount,
                    Explanation(
                        f"marginal {tier_label(tier)}",
                        axis.credits_between(lo, hi),
                        basis,
                        tier.rate_bp,
                        tier.from_bp,
                        tier.to_bp,
                        attainment,
                    ),
                    f"{tier_label(tier)} (marginal): {percent(tier.rate_bp)} on the "
                    f"{money(basis, currency)} of revenue from {money(lo, currency)} to "
                    f"{money(hi, currency)}: {money(amount, currency)}.",
                )
            )
        cursor = max(cursor, hi if tier.to_bp else revenue)
        if cursor >= revenue:
            break
    if cursor < revenue:
        lines.append(base_line(cursor, revenue, " (above the last tier)"))
    return lines


def calculate(data: CommissionInput) -> CommissionResult:
    """The statement lines of one rep and period under one plan; see the module docstring."""
    rules, currency = data.rules, data.currency
    revenue_credits, clawbacks = _split_credits(data.credits, data.period_starts_on)
    revenue = sum(c.amount_minor for c in revenue_credits)
    quota = data.quota_minor if data.quota_minor and data.quota_minor > 0 else None
    axis = _axis(revenue_credits)
    attainment = revenue * BASIS_POINTS // quota if quota else None

    lines = _earning_lines(rules, currency, revenue, quota, axis)
    if rules.cap_kind == CapKind.ATTAINMENT and quota:
        capped_revenue = min(revenue, _bound(quota, rules.cap_attainment_bp))
        if capped_revenue < revenue:
            capped = sum(
                line.amount_minor
                for line in _earning_lines(rules, currency, capped_revenue, quota, axis)
            )
            cut = capped - sum(line.amount_minor for line in lines)
            lines.append(
                Line(
                    LineKind.CAP,
                    cut,
                    Explanation(
                        "attainment cap",
                        axis.credits_between(capped_revenue, revenue),
                        revenue - capped_revenue,
                        attainment_bp=rules.cap_attainment_bp,
                    ),
                    f"Attainment is capped at {percent(rules.cap_attainment_bp)}: the "
                    f"{money(revenue - capped_revenue, currency)} of revenue above "
                    f"{money(capped_revenue, currency)} earns nothing: {money(cut, currency)}.",
                )
            )
    for spiff in rules.spiffs:
        mine = [c for c in revenue_credits if c.product_line == spiff.product_line]
        basis = sum(c.amount_minor for c in mine)
        if basis <= 0:
            continue
        amount = _rate_amount(basis, spiff.rate_bp)
        lines.append(
            Line(
                LineKind.SPIFF,
                amount,
                Explanation(
                    f"SPIFF {spiff.name or spiff.product_line}",
                    tuple(c.credit_id for c in mine),
                    basis,
                    spiff.rate_bp,
                ),
                f"SPIFF {spiff.name or spiff.product_line}: {percent(spiff.rate_bp)} on "
                f"{money(basis, currency)} of {spiff.product_line}: {money(amount, currency)}.",
            )
        )
    for bonus in rules.kpi_bonuses:
        score = data.kpi_scores.get(bonus.kpi_code)
        if score is None or score < bonus.min_score:
            continue
        lines.append(
            Line(
                LineKind.KPI_BONUS,
                bonus.amount_minor,
                Explanation(
                    f"KPI bonus {bonus.name or bonus.kpi_code}",
                    kpi_code=bonus.kpi_code,
                    kpi_score=score,
                ),
                f"KPI bonus {bonus.name or bonus.kpi_code}: score {score} reached "
                f"{bonus.min_score}: {money(bonus.amount_minor, currency)}.",
            )
        )
    if rules.cap_kind == CapKind.PAYOUT:
        earned = sum(line.amount_minor for line in lines)
        if earned > rules.cap_payout_minor:
            cut = rules.cap_payout_minor - earned
            lines.append(
                Line(
                    LineKind.CAP,
                    cut,
                    Explanation("payout cap", basis_minor=earned),
                    f"Payout is capped at {money(rules.cap_payout_minor, currency)}: "
                    f"{money(cut, currency)} of {money(earned, currency)} earned is not paid.",
                )
            )
    standard = standard_rate_bp(rules)
    for credit in clawbacks:
        amount = _rate_amount(credit.amount_minor, standard)
        lines.append(
            Line(
                LineKind.CLAWBACK,
                amount,
                Explanation(
                    "clawback",
                    (credit.credit_id, credit.reverses_credit_id or ""),
                    credit.amount_minor,
                    standard,
                ),
                f"Clawback: credit {credit.reverses_credit_id} of an earlier period was reversed "
                f"on {credit.credited_on} ({money(credit.amount_minor, currency)}); "
                f"{percent(standard)} (the plan's rate at 100% attainment) taken back: "
                f"{money(amount, currency)}.",
            )
        )
    net = sum(line.amount_minor for line in lines)
    balance = data.draw_balance_minor if rules.draw_recoverable else 0
    guaranteed = rules.draw_minor
    if guaranteed > 0 and net < guaranteed:
        top_up = guaranteed - net
        lines.append(
            Line(
                LineKind.DRAW,
                top_up,
                Explanation(
                    "recoverable draw" if rules.draw_recoverable else "draw", basis_minor=net
                ),
                f"Draw: earnings of {money(net, currency)} are below the guaranteed "
                f"{money(guaranteed, currency)}; {money(top_up, currency)} is paid"
                + (
                    " and will be recovered from later earnings."
                    if rules.draw_recoverable
                    else " and is not recovered."
                ),
            )
        )
        if rules.draw_recoverable:
            balance += top_up
    elif balance > 0:
        recovered = min(balance, net - guaranteed)
        if recovered > 0:
            lines.append(
                Line(
                    LineKind.DRAW_RECOVERY,
                    -recovered,
                    Explanation("draw recovery", basis_minor=balance),
                    f"Draw recovery: {money(recovered, currency)} of the "
                    f"{money(balance, currency)} drawn earlier is repaid from earnings above "
                    f"{money(guaranteed, currency)}.",
                )
            )
            balance -= recovered
    return CommissionResult(tuple(lines), revenue, attainment, balance)


def line_key(line: Line) -> str:
    """The rule a line stands for, so two calculations can be compared rule by rule."""
    if line.kind == LineKind.CLAWBACK:
        return f"clawback:{line.explanation.credit_ids[0]}"
    return f"{line.kind.value}:{line.explanation.rule}"


def adjustment_lines(
    previous: Sequence[tuple[str, int]], current: Sequence[Line], currency: str, why: str
) -> list[Line]:
    """Lines that move a statement from `previous` (rule key, amount) to `current`, rule by rule.

    A rule whose amount changed, appeared or disappeared yields one
    `adjustment` line of the difference; unchanged rules yield nothing.
    """
    before: dict[str, int] = {}
    for key, amount in previous:
        before[key] = before.get(key, 0) + amount
    after: dict[str, tuple[int, Line]] = {}
    for line in current:
        key = line_key(line)
        amount, first = after.get(key, (0, line))
        after[key] = (amount + line.amount_minor, first)
    out: list[Line] = []
    for key in [*after, *(k for k in before if k not in after)]:
        new_amount = after[key][0] if key in after else 0
        old_amount = before.get(key, 0)
        if new_amount == old_amount:
            continue
        source = after[key][1].explanation if key in after else Explanation(key)
        difference = new_amount - old_amount
        out.append(
            Line(
                LineKind.ADJUSTMENT,
                difference,
                Explanation(
                    key,
                    source.credit_ids,
                    source.basis_minor,
                    source.rate_bp,
                    source.tier_from_bp,
                    source.tier_to_bp,
                    source.attainment_bp,
                    source.kpi_code,
                    source.kpi_score,
                    previous_amount_minor=old_amount,
                ),
                f"Adjustment ({why}): {key} was {money(old_amount, currency)}, now "
                f"{money(new_amount, currency)}: {money(difference, currency)}.",
            )
        )
    return out
