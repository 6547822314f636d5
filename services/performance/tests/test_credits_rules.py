"""The credit rules as plain Python: exact splits, overlay, the clawback window, summaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.kit.config import ConfigError
from services.kit.errors import InvalidArgument
from services.performance.domain.credits import (
    ContractLine,
    CreditAmount,
    SplitCredit,
    clawback_days_from_env,
    credit_splits,
    overlay_credits,
    overlay_levels_from_env,
    summarize,
    within_clawback,
)


def test_largest_remainder_gives_the_leftover_units_to_the_largest_remainders() -> None:
    rows = credit_splits(
        [ContractLine("a", "EUR", 100_001, 7)], [("r1", 3_333), ("r2", 3_333), ("r3", 3_334)]
    )
    assert [(r.rep_id, r.amount_minor, r.quantity, r.share_bp) for r in rows] == [
        ("r1", 33_330, 2, 3_333),
        ("r2", 33_330, 2, 3_333),
        ("r3", 33_341, 3, 3_334),
    ]


def test_equal_remainders_go_to_the_lowest_rep_id_and_repeated_reps_add_up() -> None:
    rows = credit_splits(
        [ContractLine("", "EUR", 2, 0)], [("r2", 2_500), ("r1", 5_000), ("r2", 2_500)]
    )
    # r2 is named twice: 5,000 bp like r1; 2 units split 1 and 1.
    assert [(r.rep_id, r.amount_minor, r.share_bp) for r in rows] == [
        ("r2", 1, 5_000),
        ("r1", 1, 5_000),
    ]
    odd = credit_splits([ContractLine("", "EUR", 1, 0)], [("r2", 5_000), ("r1", 5_000)])
    assert [(r.rep_id, r.amount_minor) for r in odd] == [("r2", 0), ("r1", 1)]


def test_a_negative_line_splits_as_exactly_as_a_positive_one() -> None:
    rows = credit_splits([ContractLine("a", "EUR", -10, -1)], [("r1", 5_000), ("r2", 5_000)])
    assert [(r.amount_minor, r.quantity) for r in rows] == [(-5, -1), (-5, 0)]


def test_a_split_with_no_positive_share_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        credit_splits([ContractLine("a", "EUR", 10, 0)], [("r1", 0), ("r2", -5)])


@given(
    lines=st.lists(
        st.tuples(st.integers(-(10**12), 10**12), st.integers(-(10**6), 10**6)),
        min_size=1,
        max_size=4,
    ),
    shares=st.lists(st.integers(1, 10_000), min_size=1, max_size=6),
)
def test_the_credits_of_every_line_sum_exactly_to_the_line(
    lines: list[tuple[int, int]], shares: list[int]
) -> None:
    contract = [ContractLine(f"p{i}", "EUR", amount, qty) for i, (amount, qty) in enumerate(lines)]
    splits = [(f"r{i}", share) for i, share in enumerate(shares)]
    rows = credit_splits(contract, splits)
    for line in contract:
        mine = [r for r in rows if r.product_line == line.product_line]
        assert sum(r.amount_minor for r in mine) == line.amount_minor
        assert sum(r.quantity for r in mine) == line.quantity
        total = sum(shares)
        for row in mine:  # each share is within one unit of the exact proportion
            exact = line.amount_minor * row.share_bp / total
            assert abs(row.amount_minor - exact) < 1


def test_overlay_gives_each_manager_above_the_same_amount() -> None:
    direct = [
        SplitCredit("r1", 6_000, "a", "EUR", 600, 1),
        SplitCredit("r2", 4_000, "a", "EUR", 400, 0),
    ]
    overlay = overlay_credits(direct, {"r1": ["m1", "d1"], "r2": ["m1"]})
    assert [(o.manager_id, o.from_rep_id, o.level, o.credit.amount_minor) for o in overlay] == [
        ("m1", "r1", 1, 600),
        ("d1", "r1", 2, 600),
        ("m1", "r2", 1, 400),
    ]
    assert overlay_credits(direct, {}) == []


def test_the_clawback_window_includes_its_last_day() -> None:
    signed = date(2027, 1, 1)
    assert within_clawback(signed, signed, 180)
    assert within_clawback(signed, signed + timedelta(days=180), 180)
    assert not within_clawback(signed, signed + timedelta(days=181), 180)
    assert within_clawback(signed, signed - timedelta(days=3), 0)  # dated before: a correction
    assert not within_clawback(signed, signed + timedelta(days=1), 0)


def test_settings_from_the_environment() -> None:
    assert overlay_levels_from_env({}) == 2
    assert overlay_levels_from_env({"SALESOPS_PERFORMANCE_OVERLAY_LEVELS": " 0 "}) == 0
    assert clawback_days_from_env({}) == 180
    assert clawback_days_from_env({"SALESOPS_PERFORMANCE_CLAWBACK_DAYS": "90"}) == 90
    for bad in ("-1", "11", "two"):
        with pytest.raises(ConfigError, match="SALESOPS_PERFORMANCE_OVERLAY_LEVELS"):
            overlay_levels_from_env({"SALESOPS_PERFORMANCE_OVERLAY_LEVELS": bad})
    with pytest.raises(ConfigError, match="SALESOPS_PERFORMANCE_CLAWBACK_DAYS"):
        clawback_days_from_env({"SALESOPS_PERFORMANCE_CLAWBACK_DAYS": "1.5"})


def test_a_summary_puts_every_credit_in_one_column_per_currency() -> None:
    totals = summarize(
        [
            CreditAmount("direct", "USD", 50, False),
            CreditAmount("direct", "EUR", 600, False),
            CreditAmount("overlay", "EUR", 600, False),
            CreditAmount("overlay", "EUR", -600, True),
            CreditAmount("direct", "EUR", -600, True),
        ]
    )
    assert [
        (t.currency, t.direct_minor, t.overlay_minor, t.reversed_minor, t.net_minor) for t in totals
    ] == [("EUR", 600, 600, -1_200, 0), ("USD", 50, 0, 0, 50)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["direct", "overlay"]),
            st.sampled_from(["EUR", "USD"]),
            st.integers(-(10**12), 10**12),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_a_summarys_net_is_exactly_the_sum_of_its_credits(
    rows: list[tuple[str, str, int, bool]],
) -> None:
    totals = {t.currency: t for t in summarize(CreditAmount(*row) for row in rows)}
    for currency in {"EUR", "USD"}:
        amounts = [amount for _, cur, amount, _ in rows if cur == currency]
        if not amounts:
            assert currency not in totals
            continue
        total = totals[currency]
        assert total.net_minor == sum(amounts)
        assert total.direct_minor + total.overlay_minor + total.reversed_minor == sum(amounts)
