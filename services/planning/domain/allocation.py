"""Top-down quota allocation and bottom-up roll-up: pure integer arithmetic.

Amounts are integers (minor units of money, or counts). A parent's amount is
split over its children in proportion to weights (equal split is every weight
1; last period's actuals and market potential are weights the caller supplies)
with LARGEST-REMAINDER rounding: every child gets the floor of its exact
share, and the units left over go one each to the children with the largest
remainders, ties broken by child id (ascending). Children therefore always sum
exactly to the (possibly over-allocated) parent amount.

Over-allocation is given in basis points (11000 = 110%): the children share
round-half-up(parent x bp / 10000) instead of the parent amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import InvalidArgument, Validator
from services.kit.rounding import BASIS_POINTS, divide_half_up

# Over-allocation is bounded so a typo (1100000 for 110%) is caught.
MIN_OVER_ALLOCATION_BP = BASIS_POINTS
MAX_OVER_ALLOCATION_BP = 5 * BASIS_POINTS


class Method(StrEnum):
    """How a parent's amount is weighted over its children."""

    EQUAL = "equal"
    WEIGHTS = "weights"
    LAST_PERIOD_ACTUALS = "last_period_actuals"
    MARKET_POTENTIAL = "market_potential"


def over_allocated(amount: int, over_allocation_bp: int = BASIS_POINTS) -> int:
    """The amount the children share: round-half-up(amount x bp / 10000)."""
    return divide_half_up(amount * over_allocation_bp, BASIS_POINTS)


def validate_over_allocation(
    over_allocation_bp: int, field_name: str = "over_allocation_bp"
) -> None:
    if not MIN_OVER_ALLOCATION_BP <= over_allocation_bp <= MAX_OVER_ALLOCATION_BP:
        raise InvalidArgument.of(
            field_name,
            f"must be between {MIN_OVER_ALLOCATION_BP} (100%) and "
            f"{MAX_OVER_ALLOCATION_BP} (500%) basis points, got {over_allocation_bp}",
        )


def validate_weights(weights: Mapping[str, int], field_name: str = "weights") -> None:
    """Weights are positive integers, at least one, per child id; every bad one is named."""
    v = Validator()
    if not weights:
        v.add(field_name, "at least one child weight is required")
    for child, weight in weights.items():
        if not child:
            v.add(field_name, "a weight has no child id")
        if isinstance(weight, bool) or not isinstance(weight, int):
            v.add(f"{field_name}[{child}]", "must be an integer")
        elif weight <= 0:
            v.add(f"{field_name}[{child}]", f"must be a positive integer, got {weight}")
    v.raise_if_any()


def split(
    amount: int,
    weights: Mapping[str, int],
    over_allocation_bp: int = BASIS_POINTS,
    field_name: str = "weights",
) -> dict[str, int]:
    """Split `amount` over the children in `weights`; the result sums exactly to the target.

    >>> split(100, {"a": 1, "b": 1, "c": 1})
    {'a': 34, 'b': 33, 'c': 33}
    """
    validate_weights(weights, field_name)
    validate_over_allocation(over_allocation_bp)
    if amount < 0:
        raise InvalidArgument.of("amount", f"must not be negative, got {amount}")
    return _split(over_allocated(amount, over_allocation_bp), weights)


def _split(target: int, weights: Mapping[str, int]) -> dict[str, int]:
    total = sum(weights.values())
    shares: dict[str, int] = {}
    remainders: list[tuple[int, str]] = []
    given = 0
    for child, weight in weights.items():
        share, remainder = divmod(target * weight, total)
        shares[child] = share
        given += share
        remainders.append((-remainder, child))
    left = target - given  # < len(weights)
    if left:
        remainders.sort()  # largest remainder first, then child id ascending
        for _, child in remainders[:left]:
            shares[child] += 1
    return shares


def equal_split(
    amount: int, children: Sequence[str], over_allocation_bp: int = BASIS_POINTS
) -> dict[str, int]:
    """Equal shares; the leftover units go to the lowest child ids."""
    if not children:
        raise InvalidArgument.of("children", "at least one child is required")
    return split(amount, dict.fromkeys(children, 1), over_allocation_bp, field_name="children")


def allocate_tree(
    root: str,
    amount: int,
    children: Mapping[str, Sequence[str]],
    weights: Mapping[str, int] | None = None,
    over_allocation_bp: int = BASIS_POINTS,
) -> dict[str, int]:
    """Allocate `amount` at `root` down the tree `children` (parent -> child ids), in O(n).

    Each parent's amount is split over its children by `weights` (a weight per
    node id; nodes without one weigh 1, which is the equal split). The
    over-allocation applies once, at the root's children; below that every
    level sums exactly to its parent. Returns the amount of every node reached,
    the root included. A cycle or a node reached twice is refused.
    """
    validate_over_allocation(over_allocation_bp)
    if amount < 0:
        raise InvalidArgument.of("amount", f"must not be negative, got {amount}")
    if weights:
        bad = {node: w for node, w in weights.items() if isinstance(w, bool) or w <= 0}
        if bad:
            validate_weights(bad)
    w = weights or {}
    result: dict[str, int] = {root: amount}
    stack = [root]
    while stack:
        parent = stack.pop()
        kids = children.get(parent)
        if not kids:
            continue
        target = result[parent]
        if parent == root:
            target = over_allocated(target, over_allocation_bp)
        shares = _split(target, {kid: w.get(kid, 1) for kid in kids})
        for kid, share in shares.items():
            if kid in result:
                raise InvalidArgument.of(
                    "children",
                    f"'{kid}' is reached twice: the org tree has a cycle or a shared child",
                )
            result[kid] = share
            stack.append(kid)
    return result


@dataclass(frozen=True)
class RollUpLine:
    """One parent: its own amount against the sum of its children's amounts."""

    node: str
    amount: int
    children_sum: int
    expected_children_sum: int

    @property
    def difference(self) -> int:
        return self.children_sum - self.expected_children_sum

    @property
    def adds_up(self) -> bool:
        return self.difference == 0


def roll_up(
    amounts: Mapping[str, int],
    children: Mapping[str, Sequence[str]],
    over_allocation_bp: Mapping[str, int] | None = None,
) -> list[RollUpLine]:
    """Per parent with allocated children: its amount vs its children's sum, in O(n).

    `over_allocation_bp` gives, per parent, the over-allocation its children
    were given (default 100%), so a 110% split is not flagged. Lines come in
    parent id order; `adds_up` is False where manual edits broke the sum.
    """
    over = over_allocation_bp or {}
    lines = []
    for parent in sorted(children):
        if parent not in amounts:
            continue
        kids = [kid for kid in children[parent] if kid in amounts]
        if not kids:
            continue
        amount = amounts[parent]
        lines.append(
            RollUpLine(
                node=parent,
                amount=amount,
                children_sum=sum(amounts[kid] for kid in kids),
                expected_children_sum=over_allocated(amount, over.get(parent, BASIS_POINTS)),
            )
        )
    return lines


def limit_depth(
    root: str, children: Mapping[str, Sequence[str]], depth: int
) -> dict[str, list[str]]:
    """The sub-tree of `root` down to `depth` levels (0 = every level), in O(n)."""
    if depth < 0:
        raise InvalidArgument.of("depth", f"must be 0 (every level) or more, got {depth}")
    limited: dict[str, list[str]] = {}
    level = [root]
    seen = {root}
    current = 0
    while level and (depth == 0 or current < depth):
        nxt: list[str] = []
        for parent in level:
            kids = list(children.get(parent, ()))
            if not kids:
                continue
            for kid in kids:
                if kid in seen:
                    raise InvalidArgument.of(
                        "children", f"'{kid}' is reached twice: the org tree has a cycle"
                    )
                seen.add(kid)
            limited[parent] = kids
            nxt += kids
        level = nxt
        current += 1
    return limited


def check_sibling_weights(
    children: Mapping[str, Sequence[str]],
    weights: Mapping[str, int],
    label: Mapping[str, str] | None = None,
    field_name: str = "weights",
) -> None:
    """Weighted allocation: each group of siblings has a weight for every member or for none.

    Every weight must name a node of the tree and be a positive integer;
    `label` maps node keys to the ids the caller used. Every bad one is named.
    """
    name = label or {}
    v = Validator()
    nodes = {kid for kids in children.values() for kid in kids}
    for node, weight in weights.items():
        shown = name.get(node, node)
        if node not in nodes:
            v.add(f"{field_name}[{shown}]", "is not a unit or rep being allocated to")
        elif isinstance(weight, bool) or not isinstance(weight, int) or weight <= 0:
            v.add(f"{field_name}[{shown}]", f"must be a positive integer, got {weight}")
    for kids in children.values():
        weighted = [kid for kid in kids if kid in weights]
        if weighted and len(weighted) != len(kids):
            for kid in kids:
                if kid not in weights:
                    v.add(
                        f"{field_name}[{name.get(kid, kid)}]",
                        "is missing: siblings have weights, so every sibling needs one",
                    )
    v.raise_if_any()


def target_roll_up(
    root: str,
    amount: int,
    shares: Sequence[tuple[str, str, int]],
    over_allocation_bp: int = BASIS_POINTS,
) -> list[RollUpLine]:
    """The roll-up of one target's allocation: `shares` is (node, parent, amount) per share.

    `root` is the plan's unit with the target's own amount; the
    over-allocation applies to the root's children only, as `allocate_tree`
    gave it. Node keys must not clash between units and reps (prefix them).
    """
    amounts: dict[str, int] = {root: amount}
    children: dict[str, list[str]] = {}
    for node, parent, value in shares:
        amounts[node] = value
        children.setdefault(parent, []).append(node)
    return roll_up(amounts, children, {root: over_allocation_bp})


MAX_ADJUSTMENT_REASON_LENGTH = 2_000


@dataclass(frozen=True)
class AdjustmentInput:
    """A hand-made change to one unit's or rep's share of a target."""

    unit_id: str
    rep_id: str
    reason: str
    has_amount: bool
    amount_currency: str
    amount_minor: int
    quantity: int


def validate_adjustment(adjustment: AdjustmentInput, *, money: bool, currency: str) -> int:
    """The new share (minor units for a money target, else a count); every bad field named.

    Exactly one of unit_id and rep_id; a reason; an amount in the target's
    currency for revenue, a quantity otherwise, never negative (zero is a
    valid share).
    """
    v = Validator()
    if not adjustment.unit_id and not adjustment.rep_id:
        v.add("unit_id", "one of unit_id and rep_id is required: whose share changes")
    if adjustment.unit_id and adjustment.rep_id:
        v.add("rep_id", "give unit_id or rep_id, not both")
    v.require("reason", adjustment.reason, MAX_ADJUSTMENT_REASON_LENGTH)
    value = adjustment.quantity
    if money:
        if not adjustment.has_amount:
            v.add("amount", "is required for a revenue target")
        else:
            v.check(
                adjustment.amount_currency == currency,
                "amount.currency",
                f"must be the target's currency {currency}",
            )
            v.check(adjustment.amount_minor >= 0, "amount.amount_minor", "must not be negative")
        v.check(adjustment.quantity == 0, "quantity", "is not used for a revenue target")
        value = adjustment.amount_minor
    else:
        v.check(not adjustment.has_amount, "amount", "is only for revenue targets; give quantity")
        v.check(adjustment.quantity >= 0, "quantity", "must not be negative")
    v.raise_if_any()
    return value
