"""The one rounding rule: half up, towards +infinity, exact on integers."""

import pytest

from services.kit.rounding import divide_half_up


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 2, 3),
        (7, 3, 2),
        (8, 3, 3),
        (-5, 2, -2),
        (-7, 3, -2),
        (0, 7, 0),
        (10**18 + 1, 2, 5 * 10**17 + 1),
    ],
)
def test_divide_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert divide_half_up(numerator, denominator) == expected


def test_a_denominator_must_be_positive() -> None:
    with pytest.raises(ValueError):
        divide_half_up(1, 0)
