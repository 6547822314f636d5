"""Stage gates: a stage's exit criteria as data, and their evaluation against a deal.

A gate is a list of criteria, stored as JSON and versioned (a change is a new
version; the highest is current). Each criterion has a `name` (unique in the
gate) and a `kind`:

- `required_field`: `field` is filled in (next_step, expected_close_date,
  competitors, line_items, team_members, amount);
- `required_activity`: at least `min_count` completed activities of
  `activity_type` are logged on the deal, with an outcome when `with_outcome`;
- `approved_quote`: a current quote of the deal is approved or accepted
  (only accepted when `accepted_only`);
- `owner_certification`: the owner holds a valid certification for every
  product line of the deal.

Evaluation returns every unmet rule as a RuleViolation of type "GATE" whose
subject is `stages/<stage_id>/<criterion name>` and whose description says
what would pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from services.kit.errors import FailedPrecondition, RuleViolation, Validator

REQUIRED_FIELDS = (
    "next_step",
    "expected_close_date",
    "competitors",
    "line_items",
    "team_members",
    "amount",
)
ACTIVITY_TYPES = ("call", "meeting", "visit", "email", "task")
KINDS = ("required_field", "required_activity", "approved_quote", "owner_certification")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MAX_CRITERIA = 50


@dataclass(frozen=True)
class Criterion:
    """One exit criterion; only the attributes of its kind matter."""

    name: str
    kind: str
    field: str = ""
    activity_type: str = ""
    min_count: int = 0
    with_outcome: bool = False
    accepted_only: bool = False

    def as_json(self) -> dict[str, object]:
        """The stored form: the name, the kind and the attributes of that kind."""
        data = {"name": self.name, "kind": self.kind}
        wanted = {
            "required_field": ("field",),
            "required_activity": ("activity_type", "min_count", "with_outcome"),
            "approved_quote": ("accepted_only",),
            "owner_certification": (),
        }[self.kind]
        values = asdict(self)
        return data | {key: values[key] for key in wanted}


def default_name(criterion: Criterion) -> str:
    """The name a criterion gets when the admin gives none: its kind and subject."""
    if criterion.kind == "required_field":
        return f"field.{criterion.field}"
    if criterion.kind == "required_activity":
        return f"activity.{criterion.activity_type}"
    if criterion.kind == "approved_quote":
        return "quote.accepted" if criterion.accepted_only else "quote.approved"
    return "certification"


def validate_criteria(criteria: Sequence[Criterion]) -> list[Criterion]:
    """Check and normalise a gate's criteria; InvalidArgument names `criteria[i].<field>`."""
    check = Validator()
    if len(criteria) > MAX_CRITERIA:
        check.add("criteria", f"at most {MAX_CRITERIA} criteria per stage")
    result: list[Criterion] = []
    names: set[str] = set()
    for index, given in enumerate(criteria):
        where = f"criteria[{index}]"
        if given.kind not in KINDS:
            check.add(
                where,
                "set exactly one rule: required_field, required_activity, approved_quote "
                "or owner_certification",
            )
            continue
        criterion = given
        if given.kind == "required_field":
            check.check(
                given.field in REQUIRED_FIELDS,
                f"{where}.required_field.field",
                f"must be one of {', '.join(REQUIRED_FIELDS)}",
            )
        elif given.kind == "required_activity":
            check.check(
                given.activity_type in ACTIVITY_TYPES,
                f"{where}.required_activity.activity_type",
                f"must be one of {', '.join(ACTIVITY_TYPES)}",
            )
            check.check(
                0 <= given.min_count <= 100,
                f"{where}.required_activity.min_count",
                "must be 1 to 100 (0 means 1)",
            )
            criterion = Criterion(
                given.name,
                given.kind,
                activity_type=given.activity_type,
                min_count=max(1, given.min_count),
                with_outcome=given.with_outcome,
            )
        name = given.name.strip() or default_name(criterion)
        if not NAME_PATTERN.match(name):
            check.add(f"{where}.name", "must be 1-64 letters, digits, '.', '_' or '-'")
        elif name in names:
            check.add(f"{where}.name", f"'{name}' appears twice; names are unique in a gate")
        names.add(name)
        result.append(
            Criterion(
                name=name,
                kind=criterion.kind,
                field=criterion.field if criterion.kind == "required_field" else "",
                activity_type=criterion.activity_type,
                min_count=criterion.min_count,
                with_outcome=criterion.with_outcome,
                accepted_only=criterion.accepted_only,
            )
        )
    check.raise_if_any()
    return result


def criteria_to_json(criteria: Sequence[Criterion]) -> str:
    """The stored JSON of a gate's criteria."""
    return json.dumps([c.as_json() for c in criteria], sort_keys=True)


def criteria_from_json(text: str) -> list[Criterion]:
    """The criteria of a stored gate."""
    return [
        Criterion(
            name=str(item["name"]),
            kind=str(item["kind"]),
            field=str(item.get("field", "")),
            activity_type=str(item.get("activity_type", "")),
            min_count=int(item.get("min_count", 0)),
            with_outcome=bool(item.get("with_outcome", False)),
            accepted_only=bool(item.get("accepted_only", False)),
        )
        for item in json.loads(text or "[]")
    ]


@dataclass(frozen=True)
class ActivityFact:
    """An activity logged on the deal, as a gate sees it."""

    type: str
    outcome: str
    completed: bool


@dataclass(frozen=True)
class DealFacts:
    """What the gates of a deal look at, gathered by the caller from the database."""

    owner_id: str
    filled_fields: frozenset[str]
    activities: Sequence[ActivityFact] = ()
    # Statuses of the deal's current (not superseded) quotes.
    quote_statuses: frozenset[str] = frozenset()
    product_lines: frozenset[str] = frozenset()
    # Product lines the owner holds a valid certification for today.
    certified_product_lines: frozenset[str] = frozenset()


def evaluate(
    stage_id: str, stage_name: str, criteria: Sequence[Criterion], facts: DealFacts
) -> list[RuleViolation]:
    """Every criterion of the gate that the deal does not meet, as GATE violations."""
    violations: list[RuleViolation] = []

    def unmet(criterion: Criterion, description: str) -> None:
        violations.append(RuleViolation("GATE", f"stages/{stage_id}/{criterion.name}", description))

    for criterion in criteria:
        if criterion.kind == "required_field":
            if criterion.field not in facts.filled_fields:
                unmet(criterion, f"fill in {criterion.field} before leaving {stage_name}")
        elif criterion.kind == "required_activity":
            count = sum(
                1
                for activity in facts.activities
                if activity.type == criterion.activity_type
                and activity.completed
                and (activity.outcome.strip() or not criterion.with_outcome)
            )
            if count < criterion.min_count:
                what = f"{criterion.min_count} {criterion.activity_type}(s)"
                outcome = " with an outcome" if criterion.with_outcome else ""
                unmet(
                    criterion,
                    f"log {what}{outcome} on the opportunity before leaving {stage_name} "
                    f"(found {count})",
                )
        elif criterion.kind == "approved_quote":
            wanted = {"accepted"} if criterion.accepted_only else {"approved", "accepted"}
            if not facts.quote_statuses & wanted:
                state = "accepted by the customer" if criterion.accepted_only else "approved"
                unmet(criterion, f"a quote must be {state} before leaving {stage_name}")
        elif criterion.kind == "owner_certification":
            for product_line in sorted(facts.product_lines - facts.certified_product_lines):
                unmet(
                    criterion,
                    f"the owner {facts.owner_id} needs a valid certification for "
                    f"'{product_line}' before the deal leaves {stage_name}",
                )
    return violations


def require_gates(
    gates: Sequence[tuple[str, str, Sequence[Criterion]]],
    facts: DealFacts,
    also: Sequence[RuleViolation] = (),
) -> None:
    """Raise FailedPrecondition listing every unmet rule of every (stage_id, name, criteria)."""
    violations = list(also)
    for stage_id, stage_name, criteria in gates:
        violations += evaluate(stage_id, stage_name, criteria, facts)
    if violations:
        raise FailedPrecondition(violations)
