"""KPI rules: normalisation at every threshold boundary, both directions, weights, validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.kit.errors import FailedPrecondition, InvalidArgument
from services.performance.domain.kpis import (
    Direction,
    Thresholds,
    check_kpi_set,
    normalised_score,
    total_score,
    weighted_points,
)
from services.performance.tests.scorecards_support import kpi

# Target 100: floor at 50 (0 points), target 100 (80 points), stretch 150 (100 points).
HIGHER = Thresholds(floor_bp=5_000, target_score=80, stretch_bp=15_000)
# Lower is better, target 100: floor at 200 (0 points), stretch at 50 (100 points).
LOWER = Thresholds(floor_bp=20_000, target_score=80, stretch_bp=5_000)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (0, 0),  # clipped below the floor
        (49, 0),
        (50, 0),  # the floor scores 0
        (51, 2),  # 80 x 1/50 = 1.6 -> 2 (half up)
        (75, 40),  # half-way to the target
        (99, 78),  # 80 x 49/50 = 78.4 -> 78
        (100, 80),  # the target scores target_score
        (101, 80),  # 80 + 20 x 1/50 = 80.4 -> 80
        (125, 90),
        (149, 100),  # 80 + 20 x 49/50 = 99.6 -> 100
        (150, 100),  # the stretch scores 100
        (1_000, 100),  # clipped above the stretch
    ],
)
def test_higher_is_better_scores_linearly_between_the_thresholds(value: int, score: int) -> None:
    assert normalised_score(value, 100, HIGHER, Direction.HIGHER_IS_BETTER) == score


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (300, 0),
        (200, 0),  # the floor (above the target) scores 0
        (150, 40),  # half-way from the floor to the target
        (100, 80),
        (75, 90),
        (50, 100),  # the stretch (below the target) scores 100
        (0, 100),
    ],
)
def test_lower_is_better_mirrors_the_scale(value: int, score: int) -> None:
    assert normalised_score(value, 100, LOWER, Direction.LOWER_IS_BETTER) == score


def test_scores_are_exact_without_rounding_the_thresholds_first() -> None:
    # Target 3: the floor is 1.5 and the stretch 4.5; 2 is a third of the way to the target.
    assert normalised_score(2, 3, HIGHER, Direction.HIGHER_IS_BETTER) == 27  # 80 x 0.5/1.5
    assert normalised_score(4, 3, HIGHER, Direction.HIGHER_IS_BETTER) == 93  # 80 + 20 x 1/1.5


def test_weighted_points_add_up_to_the_total_exactly() -> None:
    lines = [weighted_points(77, 3_333), weighted_points(51, 3_333), weighted_points(100, 3_334)]
    assert lines == [256_641, 169_983, 333_400]
    assert sum(lines) == 760_024
    assert total_score(sum(lines)) == 76  # 76.0024 points


def test_a_sets_weights_must_sum_to_10000() -> None:
    with pytest.raises(FailedPrecondition) as caught:
        check_kpi_set(
            [
                kpi("a", "win_rate", 6_000, target_value=3_000),
                kpi("b", "new_customers", 3_000, target_value=5),
            ]
        )
    assert [v.type for v in caught.value.violations] == ["KPI_WEIGHTS_SUM"]
    assert "9000" in caught.value.violations[0].description
    kpis = check_kpi_set(
        [
            kpi("a", "win_rate", 6_000, target_value=3_000),
            kpi("b", "new_customers", 4_000, target_value=5),
        ]
    )
    assert [k.skill_area for k in kpis] == ["negotiation", "prospecting"]  # the defaults


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_kpi_set(
            [
                kpi("revenue", "revenue_attainment", 5_000, target_kind="fixed", target_value=1),
                kpi("win_rate", "win_rate", 2_000, target_kind="quota"),
                kpi("low", "activity_volume", 2_000, direction="lower", target_value=5),
                kpi("win_rate", "nonsense", 0, target_value=5, target_score=100),
                kpi("training", "training_compliance", 1_000, target_value=8_000),
            ]
        )
    assert sorted(v.field for v in caught.value.violations) == [
        "kpis[0].target_kind",
        "kpis[1].target_kind",
        "kpis[2].floor_bp",
        "kpis[2].stretch_bp",
        "kpis[3].code",
        "kpis[3].source",
        "kpis[3].target_score",
        "kpis[3].weight_bp",
        "kpis[4].required_training",
    ]


@given(
    st.integers(min_value=-10_000, max_value=10_000_000),
    st.integers(min_value=-10_000, max_value=10_000_000),
    st.integers(min_value=1, max_value=1_000_000),
    st.integers(min_value=0, max_value=9_999),
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=10_001, max_value=1_000_000),
)
def test_a_score_is_within_0_and_100_and_never_falls_as_the_value_rises(
    a: int, b: int, target: int, floor_bp: int, target_score: int, stretch_bp: int
) -> None:
    thresholds = Thresholds(floor_bp, target_score, stretch_bp)
    low, high = sorted((a, b))
    low_score = normalised_score(low, target, thresholds, Direction.HIGHER_IS_BETTER)
    high_score = normalised_score(high, target, thresholds, Direction.HIGHER_IS_BETTER)
    assert 0 <= low_score <= high_score <= 100
    # Lower is better, mirrored: a higher value never scores more.
    mirrored = Thresholds(20_000 - floor_bp, target_score, 20_000 - stretch_bp)
    if mirrored.stretch_bp >= 0:
        low_lower = normalised_score(low, target, mirrored, Direction.LOWER_IS_BETTER)
        high_lower = normalised_score(high, target, mirrored, Direction.LOWER_IS_BETTER)
        assert 0 <= high_lower <= low_lower <= 100
