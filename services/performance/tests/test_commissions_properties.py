"""Properties of the commission engine over generated plans and credits (hypothesis).

- A statement's total is always the sum of its lines, whatever the plan.
- Under a plan without decelerators, more credited revenue never pays less.
- A recalculation's adjustment lines carry the first total exactly to the second.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.performance.domain.commissions import (
    CapKind,
    CommissionInput,
    CommissionResult,
    Credit,
    KpiBonus,
    PlanRules,
    Spiff,
    Tier,
    TierMode,
    adjustment_lines,
    calculate,
    line_key,
    validate_rules,
)

STARTS = date(2027, 4, 1)
LINES = ("widgets", "gadgets", "")


@st.composite
def plans(draw: st.DrawFn, decelerators: bool = True) -> PlanRules:
    """A valid plan: ascending tiers with non-falling rates, optional cap, SPIFF, bonus, draw."""
    base = draw(st.integers(0, 2000))
    bounds = sorted(draw(st.sets(st.integers(1, 30_000), max_size=4)))
    starts = [0, *bounds]
    tiers = []
    rate = draw(st.integers(0 if decelerators else base, base + 500))
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else 0
        if rate < base and not 0 < end <= 10_000:
            rate = base  # a decelerator must end by 100%
        tiers.append(Tier(start, end, rate))
        rate += draw(st.integers(0, 800))
    if not draw(st.booleans()):
        tiers = []
    cap = draw(st.sampled_from(list(CapKind)))
    draw_minor = draw(st.sampled_from([0, 0, 5_000, 50_000]))
    rules = PlanRules(
        base_rate_bp=base,
        tier_mode=draw(st.sampled_from(list(TierMode))),
        tiers=tuple(tiers),
        cap_kind=cap,
        cap_payout_minor=draw(st.integers(1, 200_000)) if cap == CapKind.PAYOUT else 0,
        cap_attainment_bp=draw(st.integers(1, 30_000)) if cap == CapKind.ATTAINMENT else 0,
        spiffs=(Spiff("widgets", draw(st.integers(1, 1000))),) if draw(st.booleans()) else (),
        kpi_bonuses=(KpiBonus("win_rate", 50, 10_000),) if draw(st.booleans()) else (),
        draw_minor=draw_minor,
        draw_recoverable=draw_minor > 0 and draw(st.booleans()),
    )
    assert validate_rules(rules) == [], rules
    return rules


credit_lists = st.lists(
    st.tuples(st.integers(1, 500_000), st.sampled_from(LINES), st.integers(0, 89)),
    max_size=12,
)


def credits_of(raw: list[tuple[int, str, int]], reversals: int = 0) -> list[Credit]:
    credits = [
        Credit(f"c{i:02d}", amount, date.fromordinal(STARTS.toordinal() + day), "direct", line)
        for i, (amount, line, day) in enumerate(raw)
    ]
    # Reverse the first few: half of them credits of this period (they net out), half of
    # an earlier period (clawbacks).
    for i, credit in enumerate(credits[:reversals]):
        credits.append(
            Credit(
                f"r{i:02d}",
                -credit.amount_minor,
                credit.credited_on,
                reverses_credit_id=credit.credit_id if i % 2 == 0 else f"earlier-{i}",
                reversed_credited_on=None if i % 2 == 0 else date(2027, 1, 15),
            )
        )
    return credits


def compute(
    rules: PlanRules, credits: list[Credit], quota: int | None, score: int, balance: int
) -> CommissionResult:
    return calculate(
        CommissionInput(
            rules=rules,
            currency="EUR",
            period_starts_on=STARTS,
            credits=credits,
            quota_minor=quota,
            kpi_scores={"win_rate": score},
            draw_balance_minor=balance,
        )
    )


@settings(max_examples=150, deadline=None)
@given(
    rules=plans(),
    raw=credit_lists,
    reversals=st.integers(0, 4),
    quota=st.one_of(st.none(), st.integers(1, 2_000_000)),
    score=st.integers(0, 100),
    balance=st.integers(0, 100_000),
)
def test_total_is_the_sum_of_the_lines(
    rules: PlanRules,
    raw: list[tuple[int, str, int]],
    reversals: int,
    quota: int | None,
    score: int,
    balance: int,
) -> None:
    result = compute(rules, credits_of(raw, reversals), quota, score, balance)
    assert result.total_minor == sum(line.amount_minor for line in result.lines)
    assert all(isinstance(line.amount_minor, int) for line in result.lines)
    assert result.draw_balance_minor >= 0


@settings(max_examples=150, deadline=None)
@given(
    rules=plans(decelerators=False),
    raw=credit_lists,
    extra=st.integers(1, 500_000),
    extra_line=st.sampled_from(LINES),
    reversals=st.integers(0, 2),
    quota=st.one_of(st.none(), st.integers(1, 2_000_000)),
    score=st.integers(0, 100),
    balance=st.integers(0, 100_000),
)
def test_more_credited_revenue_never_pays_less(
    rules: PlanRules,
    raw: list[tuple[int, str, int]],
    extra: int,
    extra_line: str,
    reversals: int,
    quota: int | None,
    score: int,
    balance: int,
) -> None:
    assert all(tier.rate_bp >= rules.base_rate_bp for tier in rules.tiers)
    credits = credits_of(raw, reversals)
    more = [*credits, Credit("zz-extra", extra, date(2027, 5, 1), "direct", extra_line)]
    before = compute(rules, credits, quota, score, balance)
    after = compute(rules, more, quota, score, balance)
    assert after.total_minor >= before.total_minor


@settings(max_examples=100, deadline=None)
@given(
    rules=plans(),
    before=credit_lists,
    after=credit_lists,
    quota=st.one_of(st.none(), st.integers(1, 2_000_000)),
    score=st.integers(0, 100),
)
def test_adjustments_carry_the_first_calculation_to_the_second(
    rules: PlanRules,
    before: list[tuple[int, str, int]],
    after: list[tuple[int, str, int]],
    quota: int | None,
    score: int,
) -> None:
    first = compute(rules, credits_of(before), quota, score, 0)
    second = compute(rules, credits_of(after), quota, score, 0)
    previous = [(line_key(line), line.amount_minor) for line in first.lines]
    adjustments = adjustment_lines(previous, second.lines, "EUR", "recalculated")
    # The statement keeps its first lines and appends the differences: it ends at the
    # second calculation's total, and unchanged rules add nothing.
    assert first.total_minor + sum(a.amount_minor for a in adjustments) == second.total_minor
    assert all(a.amount_minor != 0 for a in adjustments)
    assert adjustment_lines(previous, first.lines, "EUR", "same") == []
