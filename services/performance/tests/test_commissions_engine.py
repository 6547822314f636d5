"""The commission engine over hand-computed cases (each computation in a comment).

Amounts are minor units (cents). Unless a test says otherwise the quota is
1,000.00 (100000) and the tiered plan is:

    base 5%; decelerator 0-50% at 2%; 50-100% at 5%; accelerator 100-150% at 8%;
    accelerator 150% and above at 12%.
"""

from __future__ import annotations

from datetime import date

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument
from services.performance.domain.commissions import (
    CapKind,
    CommissionInput,
    CommissionResult,
    Credit,
    KpiBonus,
    LineKind,
    PlanInput,
    PlanRules,
    Spiff,
    Tier,
    TierMode,
    adjustment_lines,
    calculate,
    line_key,
    require_no_overlap,
    validate_plan,
    validate_rules,
)

Q2 = date(2027, 4, 1)
TIERS = (
    Tier(0, 5000, 200, "decelerator"),
    Tier(5000, 10000, 500, "target"),
    Tier(10000, 15000, 800, "accelerator"),
    Tier(15000, 0, 1200, "super accelerator"),
)
MARGINAL = PlanRules(base_rate_bp=500, tier_mode=TierMode.MARGINAL, tiers=TIERS)
FLAT = PlanRules(base_rate_bp=500, tier_mode=TierMode.FLAT, tiers=TIERS)


def run(
    rules: PlanRules,
    *amounts: int,
    quota: int | None = 100_000,
    credits: list[Credit] | None = None,
    kpis: dict[str, int] | None = None,
    balance: int = 0,
) -> CommissionResult:
    given = credits or [
        Credit(f"c{i}", amount, date(2027, 4, 1 + i)) for i, amount in enumerate(amounts)
    ]
    result = calculate(
        CommissionInput(
            rules=rules,
            currency="EUR",
            period_starts_on=Q2,
            credits=given,
            quota_minor=quota,
            kpi_scores=kpis or {},
            draw_balance_minor=balance,
        )
    )
    assert result.total_minor == sum(line.amount_minor for line in result.lines)
    return result


def kinds(result: CommissionResult) -> list[tuple[str, int]]:
    return [(line.kind.value, line.amount_minor) for line in result.lines]


def test_base_rate_only() -> None:
    # 100000 x 5% = 5000, one base line naming both credits.
    result = run(PlanRules(base_rate_bp=500), 60_000, 40_000)
    assert kinds(result) == [("base", 5000)]
    assert result.lines[0].explanation.credit_ids == ("c0", "c1")
    assert result.lines[0].explanation.rate_bp == 500
    assert "Base rate 5% on 1,000.00 EUR" in result.lines[0].description


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        # 49999 x 2% = 999.98 -> 1000 (half up), all in the decelerator.
        (49_999, [("decelerator", 1000)]),
        # exactly 50%: 50000 x 2% = 1000; the next tier has nothing yet.
        (50_000, [("decelerator", 1000)]),
        # 50001: 1000 + 1 x 5% = 0.05 -> 0.
        (50_001, [("decelerator", 1000), ("tier", 0)]),
        # exactly 100%: 1000 + 50000 x 5% = 2500; no accelerator yet.
        (100_000, [("decelerator", 1000), ("tier", 2500)]),
        # 100010: + 10 x 8% = 0.8 -> 1.
        (100_010, [("decelerator", 1000), ("tier", 2500), ("accelerator", 1)]),
        # exactly 150%: + 50000 x 8% = 4000.
        (150_000, [("decelerator", 1000), ("tier", 2500), ("accelerator", 4000)]),
        # 160000: + 10000 x 12% = 1200.
        (
            160_000,
            [("decelerator", 1000), ("tier", 2500), ("accelerator", 4000), ("accelerator", 1200)],
        ),
    ],
)
def test_marginal_tier_boundaries(revenue: int, expected: list[tuple[str, int]]) -> None:
    assert kinds(run(MARGINAL, revenue)) == expected


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        # 40% reached the decelerator: 40000 x 2% = 800.
        (40_000, [("decelerator", 800)]),
        # exactly 50% is the 50-100% tier: 50000 x 5% = 2500.
        (50_000, [("tier", 2500)]),
        # 149999 is 149.999%: all of it at 8% = 11999.92 -> 12000.
        (149_999, [("accelerator", 12_000)]),
        # exactly 150%: all at 12% = 18000.
        (150_000, [("accelerator", 18_000)]),
        # 160000 x 12% = 19200.
        (160_000, [("accelerator", 19_200)]),
    ],
)
def test_flat_tiers_pay_all_revenue_at_the_tier_reached(
    revenue: int, expected: list[tuple[str, int]]
) -> None:
    assert kinds(run(FLAT, revenue)) == expected


def test_marginal_versus_flat_on_the_same_revenue() -> None:
    # 160000 marginal: 1000 + 2500 + 4000 + 1200 = 8700; flat: 160000 x 12% = 19200.
    assert run(MARGINAL, 160_000).total_minor == 8700
    assert run(FLAT, 160_000).total_minor == 19_200


def test_marginal_slice_names_the_credits_in_it() -> None:
    # Credits laid end to end: c0 0-60000, c1 60000-130000. 0-50000 is c0 only,
    # 50000-100000 spans both, 100000-130000 is c1 only.
    result = run(MARGINAL, 60_000, 70_000)
    assert [line.explanation.credit_ids for line in result.lines] == [
        ("c0",),
        ("c0", "c1"),
        ("c1",),
    ]
    accelerator = result.lines[2]
    assert accelerator.kind == LineKind.ACCELERATOR
    assert (accelerator.explanation.tier_from_bp, accelerator.explanation.tier_to_bp) == (
        10000,
        15000,
    )
    assert accelerator.explanation.rate_bp == 800
    assert accelerator.explanation.attainment_bp == 13000
    # 30000 x 8% = 2400
    assert accelerator.amount_minor == 2400


def test_gaps_between_tiers_and_no_quota_pay_the_base_rate() -> None:
    rules = PlanRules(
        base_rate_bp=500,
        tier_mode=TierMode.MARGINAL,
        tiers=(Tier(0, 5000, 200), Tier(10000, 0, 800)),
    )
    # 0-50000 at 2% = 1000; gap 50000-100000 at base 5% = 2500; 100000-120000 at 8% = 1600.
    assert kinds(run(rules, 120_000)) == [
        ("decelerator", 1000),
        ("base", 2500),
        ("accelerator", 1600),
    ]
    # Without a quota no tier applies: 120000 x 5% = 6000.
    no_quota = run(rules, 120_000, quota=None)
    assert kinds(no_quota) == [("base", 6000)]
    assert "no quota" in no_quota.lines[0].description


def test_payout_cap() -> None:
    # 100000 x 10% = 10000 earned; capped at 8000: a cap line of -2000.
    rules = PlanRules(base_rate_bp=1000, cap_kind=CapKind.PAYOUT, cap_payout_minor=8000)
    assert kinds(run(rules, 100_000)) == [("base", 10_000), ("cap", -2000)]
    # Below the cap nothing is cut.
    assert kinds(run(rules, 50_000)) == [("base", 5000)]


def test_attainment_cap() -> None:
    # Quota 100000, cap at 120%: revenue 150000 pays 100000 x 5% + 50000 x 10% = 10000
    # uncapped; capped at 120000: 5000 + 20000 x 10% = 7000, so the cap line is -3000.
    rules = PlanRules(
        base_rate_bp=500,
        tier_mode=TierMode.MARGINAL,
        tiers=(Tier(0, 10000, 500), Tier(10000, 0, 1000)),
        cap_kind=CapKind.ATTAINMENT,
        cap_attainment_bp=12000,
    )
    result = run(rules, 150_000)
    assert kinds(result) == [("tier", 5000), ("accelerator", 5000), ("cap", -3000)]
    assert result.total_minor == 7000
    assert result.lines[-1].explanation.basis_minor == 30_000


def test_spiff_on_a_product_line() -> None:
    # Base 100000 x 5% = 5000; SPIFF 2% on the 30000 of widgets = 600.
    credits = [
        Credit("w", 30_000, date(2027, 4, 2), product_line="widgets"),
        Credit("g", 70_000, date(2027, 4, 3), product_line="gadgets"),
    ]
    rules = PlanRules(base_rate_bp=500, spiffs=(Spiff("widgets", 200, "Widget push"),))
    result = run(rules, credits=credits)
    assert kinds(result) == [("base", 5000), ("spiff", 600)]
    assert result.lines[1].explanation.credit_ids == ("w",)


def test_kpi_bonus_at_its_threshold() -> None:
    rules = PlanRules(base_rate_bp=500, kpi_bonuses=(KpiBonus("win_rate", 70, 50_000),))
    # score 70 reaches 70: + 50000.
    reached = run(rules, 100_000, kpis={"win_rate": 70})
    assert kinds(reached) == [("base", 5000), ("kpi_bonus", 50_000)]
    assert reached.lines[1].explanation.kpi_score == 70
    # 69 does not; nor does a missing score.
    assert kinds(run(rules, 100_000, kpis={"win_rate": 69})) == [("base", 5000)]
    assert kinds(run(rules, 100_000)) == [("base", 5000)]


def test_non_recoverable_draw() -> None:
    rules = PlanRules(base_rate_bp=500, draw_minor=10_000)
    # Earnings 80000 x 5% = 4000 < 10000: a draw of 6000; nothing owed later.
    short = run(rules, 80_000)
    assert kinds(short) == [("base", 4000), ("draw", 6000)]
    assert short.draw_balance_minor == 0
    # A later period earning 300000 x 5% = 15000 keeps it all.
    assert kinds(run(rules, 300_000, balance=6000)) == [("base", 15_000)]


def test_recoverable_draw_is_recovered_from_earnings_above_the_draw() -> None:
    rules = PlanRules(base_rate_bp=500, draw_minor=10_000, draw_recoverable=True)
    # Period 1: 4000 earned, 6000 drawn; balance 6000.
    first = run(rules, 80_000)
    assert kinds(first) == [("base", 4000), ("draw", 6000)]
    assert first.draw_balance_minor == 6000
    # Period 2: 13000 earned; 3000 above the draw is recovered; balance 3000.
    second = run(rules, 260_000, balance=6000)
    assert kinds(second) == [("base", 13_000), ("draw_recovery", -3000)]
    assert (second.total_minor, second.draw_balance_minor) == (10_000, 3000)
    # Period 3: 20000 earned; the last 3000 recovered; balance 0.
    third = run(rules, 400_000, balance=3000)
    assert kinds(third) == [("base", 20_000), ("draw_recovery", -3000)]
    assert (third.total_minor, third.draw_balance_minor) == (17_000, 0)
    # A short period adds to the balance: 2000 earned, 8000 drawn, 3000 + 8000 = 11000.
    short = run(rules, 40_000, balance=3000)
    assert (short.total_minor, short.draw_balance_minor) == (10_000, 11_000)


def test_clawback_of_an_earlier_period_credit() -> None:
    # Credit "old" (40000) was credited in Q1 and paid then; its reversal in Q2 claws
    # back 40000 x 5% = 2000. Q2's own revenue 100000 x 5% = 5000. Total 3000.
    credits = [
        Credit("new", 100_000, date(2027, 4, 5)),
        Credit(
            "rev",
            -40_000,
            date(2027, 4, 20),
            reverses_credit_id="old",
            reversed_credited_on=date(2027, 2, 10),
        ),
    ]
    result = run(PlanRules(base_rate_bp=500), credits=credits)
    assert kinds(result) == [("base", 5000), ("clawback", -2000)]
    assert result.lines[1].explanation.credit_ids == ("rev", "old")
    assert result.revenue_minor == 100_000


def test_reversal_within_the_period_nets_out() -> None:
    # "a" and its reversal are both in Q2: only "b" counts, 50000 x 5% = 2500.
    credits = [
        Credit("a", 40_000, date(2027, 4, 5)),
        Credit("b", 50_000, date(2027, 4, 6)),
        Credit("ra", -40_000, date(2027, 5, 1), reverses_credit_id="a"),
    ]
    result = run(PlanRules(base_rate_bp=500), credits=credits)
    assert kinds(result) == [("base", 2500)]
    assert result.lines[0].explanation.credit_ids == ("b",)


def test_clawback_uses_the_rate_at_full_attainment() -> None:
    # Tiered plan: the rate at 100% attainment is the accelerator's 8%, so a reversal
    # of 10000 from an earlier period claws back 800.
    credits = [
        Credit("r", -10_000, date(2027, 4, 2), reverses_credit_id="x", reversed_credited_on=None)
    ]
    assert kinds(run(MARGINAL, credits=credits)) == [("clawback", -800)]


def test_split_credits_pay_each_rep_their_share() -> None:
    # A 100001 contract split 60/40 gives 60001 and 40000 (largest remainder, by the
    # credit handlers); at 5%: 3000.05 -> 3000 and 2000.
    rules = PlanRules(base_rate_bp=500)
    first = run(rules, credits=[Credit("s1", 60_001, date(2027, 4, 2))])
    second = run(rules, credits=[Credit("s2", 40_000, date(2027, 4, 2))])
    assert (first.total_minor, second.total_minor) == (3000, 2000)


def test_overlay_credits_pay_the_manager() -> None:
    # The manager's overlay credits from two reps' deals: 60000 + 40000 at 1% = 1000.
    credits = [
        Credit("o1", 60_000, date(2027, 4, 2), kind="overlay"),
        Credit("o2", 40_000, date(2027, 4, 3), kind="overlay"),
    ]
    result = run(PlanRules(base_rate_bp=100), credits=credits)
    assert kinds(result) == [("base", 1000)]
    assert result.lines[0].explanation.credit_ids == ("o1", "o2")


def test_adjustments_compare_rule_by_rule() -> None:
    before = run(MARGINAL, 130_000)  # 1000 + 2500 + 2400 = 5900
    after = run(MARGINAL, 90_000)  # 1000 + 40000 x 5% = 2000 -> 3000
    previous = [(line_key(line), line.amount_minor) for line in before.lines]
    adjustments = adjustment_lines(previous, after.lines, "EUR", "late clawback")
    # The 50-100% tier drops 500; the accelerator's 2400 goes; the decelerator is unchanged.
    assert [(a.kind.value, a.amount_minor) for a in adjustments] == [
        ("adjustment", -500),
        ("adjustment", -2400),
    ]
    assert adjustments[1].explanation.previous_amount_minor == 2400
    assert before.total_minor + sum(a.amount_minor for a in adjustments) == after.total_minor
    assert adjustment_lines(previous, before.lines, "EUR", "same") == []


def test_rules_validation_names_every_bad_field() -> None:
    rules = PlanRules(
        base_rate_bp=-1,
        tier_mode=TierMode.MARGINAL,
        tiers=(Tier(0, 6000, 100), Tier(5000, 4000, -5), Tier(9000, 0, 100)),
        cap_kind=CapKind.PAYOUT,
        cap_payout_minor=0,
        spiffs=(Spiff("", 0),),
        kpi_bonuses=(KpiBonus("Win Rate", 101, 0),),
        draw_minor=0,
        draw_recoverable=True,
    )
    fields = {name for name, _ in validate_rules(rules)}
    assert fields == {
        "rules.base_rate_bp",
        "rules.tiers[1].from_bp",
        "rules.tiers[1].to_bp",
        "rules.tiers[1].rate_bp",
        "rules.cap_payout_minor",
        "rules.spiffs[0].product_line",
        "rules.spiffs[0].rate_bp",
        "rules.kpi_bonuses[0].kpi_code",
        "rules.kpi_bonuses[0].min_score",
        "rules.kpi_bonuses[0].amount_minor",
        "rules.draw_recoverable",
    }


def test_rates_must_not_fall_and_decelerators_stay_below_target() -> None:
    falling = PlanRules(base_rate_bp=500, tiers=(Tier(0, 10000, 800), Tier(10000, 0, 600)))
    assert [name for name, _ in validate_rules(falling)] == ["rules.tiers[1].rate_bp"]
    late_decelerator = PlanRules(base_rate_bp=500, tiers=(Tier(0, 12000, 300), Tier(12000, 0, 900)))
    assert [name for name, _ in validate_rules(late_decelerator)] == ["rules.tiers[0].to_bp"]
    bounded_above_base = PlanRules(base_rate_bp=500, tiers=(Tier(10000, 15000, 800),))
    assert [name for name, _ in validate_rules(bounded_above_base)] == ["rules.base_rate_bp"]
    assert validate_rules(MARGINAL) == []


def test_plan_validation_and_overlap() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_plan(PlanInput("", "boss", "", "eur", "2027-13-01", "", PlanRules()))
    assert {v.field for v in caught.value.violations} == {
        "name",
        "role",
        "region",
        "currency",
        "effective_from",
    }
    with pytest.raises(InvalidArgument) as ended:
        validate_plan(PlanInput("P", "rep", "EMEA", "EUR", "2027-02-01", "2027-01-01", PlanRules()))
    assert [v.field for v in ended.value.violations] == ["effective_to"]
    require_no_overlap(
        "new", [("old", date(2026, 1, 1), date(2026, 12, 31))], date(2027, 1, 1), None
    )
    with pytest.raises(FailedPrecondition) as clash:
        require_no_overlap("new", [("old", date(2026, 1, 1), None)], date(2027, 1, 1), None)
    assert clash.value.violations[0].type == "EFFECTIVE_DATES"
