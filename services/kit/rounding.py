"""Exact integer division with explicit rounding: how salesops turns ratios into integers.

Money, rates and averages never pass through a float; where a division does
not come out even, the rule is round half up (halves towards +infinity), in
one place.
"""

from __future__ import annotations

BASIS_POINTS = 10_000


def divide_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves towards +infinity.

    >>> divide_half_up(5, 2), divide_half_up(7, 3), divide_half_up(-5, 2), divide_half_up(-7, 3)
    (3, 2, -2, -2)
    """
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return (2 * numerator + denominator) // (2 * denominator)
