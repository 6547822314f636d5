"""KPI definitions and the normalised score: pure rules, no SQL, gRPC or nameko.

A **KPI set** is every KPI of one role (rep or manager) in one region ("" =
every region without a set of its own), effective from a fiscal period until
a later set of the same role and region takes over. A set is written whole,
because its rule is about the whole: **the weights of a set's KPIs sum to
10,000 basis points** (rule `KPI_WEIGHTS_SUM`). Sets are never edited: a
change is a new set (the next version); published scorecards keep their own
snapshot of what was scored.

Each KPI measures one **source** in its own unit:

| source | value | unit |
|---|---|---|
| revenue_attainment | net credited revenue of the period (quota currency) | minor units |
| new_customers | first contracts of new customers (cancelled ones take one back) | count |
| win_rate | won / (won + lost) opportunities closed in the period | basis points |
| activity_volume | activities done in the period | count |
| average_csat | mean CSAT score (1-5) of the period's answers | hundredths (4.25 = 425) |
| training_compliance | required training items met at the period's end / items | basis points |
| pipeline_coverage | open pipeline closing in the period / remaining quota | basis points |

The **target** is a fixed value in the source's unit or the rep's quota for
the period (revenue, new_customers and activity_count quotas; revenue
attainment always uses the revenue quota). The **thresholds** are in basis
points of the target: the floor (`floor_bp`) scores 0 points, the target
scores `target_score` (e.g. 80), the stretch (`stretch_bp`) scores 100; in
between the score is linear, outside it is clipped to 0 and 100. For
"lower is better" KPIs the floor lies above the target and the stretch below.
See `normalised_score` for the exact integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from services.kit.errors import FailedPrecondition, RuleViolation, Validator
from services.kit.rounding import BASIS_POINTS, divide_half_up

MAX_SCORE = 100
MAX_KPIS = 20
MAX_REQUIRED_TRAINING = 50
CERTIFICATION_PREFIX = "cert:"
ANY_CERTIFICATION = "cert:*"


class KpiRole(StrEnum):
    REP = "rep"
    MANAGER = "manager"


class KpiSource(StrEnum):
    REVENUE_ATTAINMENT = "revenue_attainment"
    NEW_CUSTOMERS = "new_customers"
    WIN_RATE = "win_rate"
    ACTIVITY_VOLUME = "activity_volume"
    AVERAGE_CSAT = "average_csat"
    TRAINING_COMPLIANCE = "training_compliance"
    PIPELINE_COVERAGE = "pipeline_coverage"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class TargetKind(StrEnum):
    FIXED = "fixed"
    QUOTA = "quota"


# The quota metric (planning's target metric) a quota-based target reads.
QUOTA_METRIC: dict[KpiSource, str] = {
    KpiSource.REVENUE_ATTAINMENT: "revenue",
    KpiSource.NEW_CUSTOMERS: "new_customers",
    KpiSource.ACTIVITY_VOLUME: "activity_count",
}
# Sources whose value accumulates through the period (a live preview's target is pro-rated
# for gap detection); the others are ratios or averages, comparable at any time.
CUMULATIVE_SOURCES = frozenset(
    {KpiSource.REVENUE_ATTAINMENT, KpiSource.NEW_CUSTOMERS, KpiSource.ACTIVITY_VOLUME}
)
# Sources that can only have a quota target, and those that can only have a fixed one.
QUOTA_ONLY = frozenset({KpiSource.REVENUE_ATTAINMENT})
FIXED_ONLY = frozenset(
    {
        KpiSource.WIN_RATE,
        KpiSource.AVERAGE_CSAT,
        KpiSource.TRAINING_COMPLIANCE,
        KpiSource.PIPELINE_COVERAGE,
    }
)
# Where a low value points, when the definition does not say (training acts on these).
SKILL_AREAS = frozenset(
    {
        "negotiation",
        "prospecting",
        "product_knowledge",
        "customer_care",
        "compliance",
        "pipeline_management",
        "account_management",
        "closing",
    }
)
DEFAULT_SKILL_AREA: dict[KpiSource, str] = {
    KpiSource.REVENUE_ATTAINMENT: "closing",
    KpiSource.NEW_CUSTOMERS: "prospecting",
    KpiSource.WIN_RATE: "negotiation",
    KpiSource.ACTIVITY_VOLUME: "prospecting",
    KpiSource.AVERAGE_CSAT: "customer_care",
    KpiSource.TRAINING_COMPLIANCE: "compliance",
    KpiSource.PIPELINE_COVERAGE: "pipeline_management",
}


@dataclass(frozen=True)
class Thresholds:
    """Where the score is 0, `target_score` and 100, in basis points of the target."""

    floor_bp: int
    target_score: int
    stretch_bp: int


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI of a set, as validated."""

    code: str
    name: str
    source: KpiSource
    direction: Direction
    target_kind: TargetKind
    # The target in the source's unit when fixed; 0 when it is the quota.
    target_value: int
    thresholds: Thresholds
    weight_bp: int
    skill_area: str
    # training_compliance only: course codes and `cert:<product line>` (or `cert:*`).
    required_training: tuple[str, ...] = ()


def normalised_score(value: int, target: int, thresholds: Thresholds, direction: Direction) -> int:
    """The score 0-100 of `value` against `target` under `thresholds`.

    With the floor F = target x floor_bp, the target T = target x 10,000 and
    the stretch S = target x stretch_bp (all scaled by 10,000 so nothing is
    rounded before the end) and V = value x 10,000, for higher is better:

    - V <= F: 0; V >= S: 100;
    - F < V < T: target_score x (V - F) / (T - F);
    - T <= V < S: target_score + (100 - target_score) x (V - T) / (S - T);

    each rounded half up once. Lower is better mirrors it (F > T > S, and a
    smaller V scores more). A non-positive target scores 100 when the value
    meets it (V at or beyond T in the good direction) and 0 otherwise.
    """
    v = value * BASIS_POINTS
    f = target * thresholds.floor_bp
    t = target * BASIS_POINTS
    s = target * thresholds.stretch_bp
    if direction == Direction.LOWER_IS_BETTER:
        # Mirror: a smaller value is better, so negate every point and reuse one rule.
        v, f, t, s = -v, -f, -t, -s
    if not f < t < s:
        return MAX_SCORE if v >= t else 0
    if v <= f:
        return 0
    if v >= s:
        return MAX_SCORE
    if v < t:
        return divide_half_up(thresholds.target_score * (v - f), t - f)
    return thresholds.target_score + divide_half_up(
        (MAX_SCORE - thresholds.target_score) * (v - t), s - t
    )


def threshold_value(target: int, threshold_bp: int) -> int:
    """A threshold in the source's unit (target x bp / 10,000, half up), for display."""
    return divide_half_up(target * threshold_bp, BASIS_POINTS)


def weighted_points(score: int, weight_bp: int) -> int:
    """A KPI's share of the total in ten-thousandths of a point (1,000,000 = 100 points)."""
    return score * weight_bp


def total_score(total_points: int) -> int:
    """The weighted total as a whole score 0-100 (half up), for display and rankings' labels."""
    return divide_half_up(total_points, BASIS_POINTS)


@dataclass(frozen=True)
class KpiInput:
    """A KPI as the caller sent it (strings for the enums, before validation)."""

    code: str
    name: str
    source: str
    direction: str
    target_kind: str
    target_value: int
    floor_bp: int
    target_score: int
    stretch_bp: int
    weight_bp: int
    skill_area: str
    required_training: Sequence[str] = ()


E = TypeVar("E", bound=StrEnum)


def _enum_value(v: Validator, enum: type[E], value: str, field_name: str) -> E | None:
    try:
        return enum(value.strip().lower())
    except ValueError:
        names = ", ".join(member.value for member in enum)
        v.add(field_name, f"'{value}' is not one of {names}")
        return None


def _check_kpi(v: Validator, item: KpiInput, prefix: str) -> KpiDefinition | None:
    code = item.code.strip().lower()
    v.require(f"{prefix}.code", code, 40)
    if code and not code.replace("_", "").isalnum():
        v.add(f"{prefix}.code", "use letters, digits and underscores only")
    if code == "total":
        v.add(f"{prefix}.code", "'total' names the weighted total in leaderboards; pick another")
    v.require(f"{prefix}.name", item.name.strip(), 200)
    source = _enum_value(v, KpiSource, item.source, f"{prefix}.source")
    direction = _enum_value(v, Direction, item.direction or "higher", f"{prefix}.direction")
    kind = _enum_value(v, TargetKind, item.target_kind or "fixed", f"{prefix}.target_kind")
    if source is not None and kind is not None:
        if source in QUOTA_ONLY and kind != TargetKind.QUOTA:
            v.add(f"{prefix}.target_kind", f"{source.value} is always measured against the quota")
        if source in FIXED_ONLY and kind != TargetKind.FIXED:
            v.add(f"{prefix}.target_kind", f"{source.value} needs a fixed target (no quota exists)")
    if kind == TargetKind.FIXED:
        v.check(item.target_value > 0, f"{prefix}.target_value", "must be positive")
    elif kind == TargetKind.QUOTA:
        v.check(item.target_value == 0, f"{prefix}.target_value", "is not given for a quota target")
    v.check(
        0 < item.target_score < MAX_SCORE,
        f"{prefix}.target_score",
        "must be between 1 and 99 (the points a value exactly at target scores)",
    )
    if direction == Direction.LOWER_IS_BETTER:
        v.check(
            item.floor_bp > BASIS_POINTS,
            f"{prefix}.floor_bp",
            "must be above 10000 (the target) when lower is better",
        )
        v.check(
            0 <= item.stretch_bp < BASIS_POINTS,
            f"{prefix}.stretch_bp",
            "must be 0 to 9999 (below the target) when lower is better",
        )
    elif direction == Direction.HIGHER_IS_BETTER:
        v.check(
            0 <= item.floor_bp < BASIS_POINTS,
            f"{prefix}.floor_bp",
            "must be 0 to 9999 (below the target) when higher is better",
        )
        v.check(
            BASIS_POINTS < item.stretch_bp <= 100 * BASIS_POINTS,
            f"{prefix}.stretch_bp",
            "must be above 10000 (the target) and at most 1000000 when higher is better",
        )
    v.check(
        0 < item.weight_bp <= BASIS_POINTS, f"{prefix}.weight_bp", "must be 1 to 10000 basis points"
    )
    skill = item.skill_area.strip().lower() or (DEFAULT_SKILL_AREA[source] if source else "")
    if skill not in SKILL_AREAS and (skill or source is not None):
        v.add(f"{prefix}.skill_area", f"'{skill}' is not one of {', '.join(sorted(SKILL_AREAS))}")
    required = tuple(dict.fromkeys(r.strip() for r in item.required_training if r.strip()))
    if source == KpiSource.TRAINING_COMPLIANCE:
        v.check(
            0 < len(required) <= MAX_REQUIRED_TRAINING,
            f"{prefix}.required_training",
            f"list 1 to {MAX_REQUIRED_TRAINING} course codes or cert:<product line> (cert:* = "
            "any valid certification)",
        )
        for index, entry in enumerate(required):
            if len(entry) > 100 or entry == CERTIFICATION_PREFIX:
                v.add(f"{prefix}.required_training[{index}]", "is not a course code or cert:<line>")
    elif required:
        v.add(f"{prefix}.required_training", "is only given for training_compliance")
    if source is None or direction is None or kind is None:
        return None
    return KpiDefinition(
        code=code,
        name=item.name.strip(),
        source=source,
        direction=direction,
        target_kind=kind,
        target_value=item.target_value,
        thresholds=Thresholds(item.floor_bp, item.target_score, item.stretch_bp),
        weight_bp=item.weight_bp,
        skill_area=skill,
        required_training=required,
    )


def check_kpi_set(items: Sequence[KpiInput], v: Validator | None = None) -> list[KpiDefinition]:
    """Validate a whole set: every bad field at once (into `v` when given, else raised),
    then the set's own rule (`require_weights_sum`) once the fields are good."""
    own = v is None
    v = v if v is not None else Validator()
    if not items:
        v.add("kpis", "a KPI set has at least one KPI")
    if len(items) > MAX_KPIS:
        v.add("kpis", f"a KPI set has at most {MAX_KPIS} KPIs")
    checked = [_check_kpi(v, item, f"kpis[{index}]") for index, item in enumerate(items)]
    seen: set[str] = set()
    for index, item in enumerate(items):
        code = item.code.strip().lower()
        if code and code in seen:
            v.add(f"kpis[{index}].code", f"'{code}' appears twice in the set")
        seen.add(code)
    if own:
        v.raise_if_any()
    kpis = [kpi for kpi in checked if kpi is not None]
    if not v.violations:
        require_weights_sum(kpis)
    return kpis


def require_weights_sum(kpis: Sequence[KpiDefinition]) -> None:
    """Rule KPI_WEIGHTS_SUM: a role's KPI weights sum to exactly 10,000 basis points."""
    total = sum(kpi.weight_bp for kpi in kpis)
    if total != BASIS_POINTS:
        raise FailedPrecondition(
            [
                RuleViolation(
                    "KPI_WEIGHTS_SUM",
                    "kpis",
                    f"the weights of a role's KPIs must sum to 10000 basis points; these sum to "
                    f"{total}",
                )
            ]
        )
