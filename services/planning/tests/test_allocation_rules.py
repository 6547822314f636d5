"""Quota allocation: exact largest-remainder splits, over-allocation, trees and roll-up."""

from __future__ import annotations

import pytest

from services.kit.errors import InvalidArgument
from services.planning.domain.allocation import (
    allocate_tree,
    equal_split,
    over_allocated,
    roll_up,
    split,
)


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        (100, {"a": 1, "b": 1, "c": 1}, {"a": 34, "b": 33, "c": 33}),
        (1, {"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 0, "c": 0}),
        (2, {"c": 1, "b": 1, "a": 1}, {"a": 1, "b": 1, "c": 0}),
        (0, {"a": 1, "b": 1}, {"a": 0, "b": 0}),
        (10, {"a": 1, "b": 2, "c": 3}, {"a": 2, "b": 3, "c": 5}),  # 1.67/3.33/5.0
        (
            100,
            {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1},
            {"a": 17, "b": 17, "c": 17, "d": 17, "e": 16, "f": 16},
        ),
        (1000, {"x": 7}, {"x": 1000}),
        # actuals as weights: 1_000_000 minor units over last period's 300/200/100
        (
            1_000_000,
            {"r1": 300, "r2": 200, "r3": 100},
            {"r1": 500_000, "r2": 333_333, "r3": 166_667},
        ),
    ],
)
def test_split_is_exact_with_largest_remainder(
    amount: int, weights: dict[str, int], expected: dict[str, int]
) -> None:
    shares = split(amount, weights)
    assert shares == expected
    assert sum(shares.values()) == amount


def test_equal_split_leftover_goes_to_lowest_ids() -> None:
    assert equal_split(100, ["team-c", "team-a", "team-b"]) == {
        "team-a": 34,
        "team-b": 33,
        "team-c": 33,
    }


@pytest.mark.parametrize(
    ("amount", "bp", "target"),
    [(100, 11000, 110), (1005, 11000, 1106), (15, 10500, 16), (100, 10000, 100)],
)
def test_over_allocation_rounds_half_up(amount: int, bp: int, target: int) -> None:
    # 1005 x 1.1 = 1105.5 -> 1106; 15 x 1.05 = 15.75 -> 16
    assert over_allocated(amount, bp) == target
    shares = split(amount, {"a": 1, "b": 1, "c": 1}, over_allocation_bp=bp)
    assert sum(shares.values()) == target


def test_over_allocation_of_110_percent() -> None:
    assert split(100, {"a": 1, "b": 1, "c": 1}, over_allocation_bp=11000) == {
        "a": 37,
        "b": 37,
        "c": 36,
    }


@pytest.mark.parametrize("bp", [9999, 0, 50001])
def test_over_allocation_out_of_range_is_refused(bp: int) -> None:
    with pytest.raises(InvalidArgument) as err:
        split(100, {"a": 1}, over_allocation_bp=bp)
    assert err.value.violations[0].field == "over_allocation_bp"


@pytest.mark.parametrize(
    ("weights", "fields"),
    [
        ({"a": 0, "b": 0}, ["weights[a]", "weights[b]"]),
        ({"a": 1, "b": -2}, ["weights[b]"]),
        ({}, ["weights"]),
        ({"a": 1.5}, ["weights[a]"]),
    ],
)
def test_bad_weights_are_refused_naming_each_field(
    weights: dict[str, int], fields: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as err:
        split(100, weights)
    assert [v.field for v in err.value.violations] == fields


def test_negative_amount_is_refused() -> None:
    with pytest.raises(InvalidArgument) as err:
        split(-1, {"a": 1})
    assert err.value.violations[0].field == "amount"


def _tree(fanout: list[int]) -> tuple[dict[str, list[str]], list[str]]:
    children: dict[str, list[str]] = {}
    level = ["root"]
    nodes = ["root"]
    for n in fanout:
        nxt = []
        for parent in level:
            kids = [f"{parent}.{i}" for i in range(n)]
            children[parent] = kids
            nxt += kids
        nodes += nxt
        level = nxt
    return children, nodes


@pytest.mark.parametrize("amount", [0, 1, 7, 99_999, 1_000_000_007])
@pytest.mark.parametrize("fanout", [[3], [3, 7], [10, 3, 7, 2], [1, 1, 1]])
def test_deep_tree_sums_exactly_at_every_level(amount: int, fanout: list[int]) -> None:
    children, nodes = _tree(fanout)
    amounts = allocate_tree("root", amount, children)
    assert set(amounts) == set(nodes)
    for parent, kids in children.items():
        assert sum(amounts[k] for k in kids) == amounts[parent]
        assert max(amounts[k] for k in kids) - min(amounts[k] for k in kids) <= 1
    assert all(line.adds_up for line in roll_up(amounts, children))


def test_tree_over_allocation_applies_at_the_root_only() -> None:
    children = {"co": ["eu", "us"], "eu": ["t1", "t2", "t3"], "us": ["t4"]}
    amounts = allocate_tree(
        "co", 1000, children, weights={"eu": 3, "us": 1}, over_allocation_bp=11000
    )
    assert amounts == {"co": 1000, "eu": 825, "us": 275, "t1": 275, "t2": 275, "t3": 275, "t4": 275}
    lines = {line.node: line for line in roll_up(amounts, children, {"co": 11000})}
    assert all(line.adds_up for line in lines.values())
    assert lines["co"].children_sum == 1100


def test_tree_with_a_cycle_is_refused() -> None:
    with pytest.raises(InvalidArgument) as err:
        allocate_tree("a", 10, {"a": ["b"], "b": ["a"]})
    assert err.value.violations[0].field == "children"


def test_tree_with_bad_weight_is_refused() -> None:
    with pytest.raises(InvalidArgument) as err:
        allocate_tree("a", 10, {"a": ["b", "c"]}, weights={"b": 0})
    assert err.value.violations[0].field == "weights[b]"


def test_roll_up_flags_manual_edits() -> None:
    children = {"eu": ["t1", "t2"], "t1": ["r1", "r2"]}
    amounts = {"eu": 100, "t1": 60, "t2": 40, "r1": 30, "r2": 35}  # r2 edited by hand
    lines = {line.node: line for line in roll_up(amounts, children)}
    assert lines["eu"].adds_up
    assert not lines["t1"].adds_up
    assert lines["t1"].difference == 5
    assert lines["t1"].children_sum == 65
