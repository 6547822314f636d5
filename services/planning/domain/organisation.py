"""Organisation rules as plain Python: the org unit tree, people, territories, coverage.

- Org units form a tree under one company root; re-parenting never makes a
  cycle, and a unit's region is its parent's unless the parent is the company.
- Only an admin or a director changes the organisation.
- People are hired into a team (whose region they take), assigned from a date
  (the open assignment closes the day before), and leave once.
- A territory's every change bumps its version; coverage divides market
  potential by headcount, rounding down.

Nothing here knows about gRPC, SQL or nameko.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from services.kit.errors import FailedPrecondition, PermissionDenied, RuleViolation, Validator
from services.kit.normalize import clean_text

UNIT_KINDS = ("company", "region", "area", "team")
ROLES = ("rep", "manager", "director")
ASSIGNABLE_STATUSES = ("active", "on_leave")
ORGANISERS = frozenset({"admin", "director"})
_REGION = re.compile(r"^[A-Z][A-Z0-9_-]{0,31}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def require_organiser(roles: frozenset[str]) -> None:
    """Only an admin or a director changes the organisation."""
    if not roles & ORGANISERS:
        raise PermissionDenied("only an admin or a director changes the organisation")


def clean_region(value: str) -> str:
    return value.strip().upper()


def parse_date(check: Validator, field_name: str, value: str, *, required: bool = True) -> date:
    """An ISO 8601 date; a violation (and today's date as a placeholder) when it is not."""
    value = value.strip()
    if not value:
        if required:
            check.add(field_name, "is required (ISO 8601 date, for example 2027-01-04)")
        return date.min
    try:
        return date.fromisoformat(value)
    except ValueError:
        check.add(field_name, "must be an ISO 8601 date, for example 2027-01-04")
        return date.min


@dataclass(frozen=True)
class NewOrgUnit:
    code: str
    name: str
    parent_id: str
    region: str
    manager_id: str
    kind: str


def check_new_unit(
    code: str, name: str, parent_id: str, region: str, manager_id: str, kind: str
) -> NewOrgUnit:
    """Validate the fields of a new unit (every bad field at once)."""
    unit = NewOrgUnit(
        code=code.strip(),
        name=clean_text(name),
        parent_id=parent_id.strip(),
        region=clean_region(region),
        manager_id=manager_id.strip(),
        kind=kind.strip().lower(),
    )
    check = Validator()
    check.require("code", unit.code, max_length=64)
    if unit.code:
        check.check(bool(_CODE.match(unit.code)), "code", "letters, digits, '_', '.', '-' only")
    check.require("name", unit.name)
    check.require("region", unit.region, max_length=32)
    if unit.region:
        check.check(bool(_REGION.match(unit.region)), "region", "must be an upper-case code")
    check.check(unit.kind in UNIT_KINDS, "kind", f"must be one of {', '.join(UNIT_KINDS)}")
    if unit.kind == "company":
        check.check(not unit.parent_id, "parent_id", "the company root has no parent")
    else:
        check.check(bool(unit.parent_id), "parent_id", "is required below the company root")
    check.optional("manager_id", unit.manager_id, max_length=100)
    check.raise_if_any()
    return unit


def check_placement(
    unit_ref: str,
    region: str,
    parent_id: str,
    parent_region: str,
    parent_kind: str,
    ancestors_of_parent: Iterable[str],
) -> None:
    """Placing `unit_ref` under `parent_id`: no cycle, and the parent's region (below regions).

    `ancestors_of_parent` is the parent and every unit above it. Every unmet
    rule is reported at once.
    """
    rules: list[tuple[str, str, str]] = []
    if unit_ref and unit_ref in set(ancestors_of_parent):
        rules.append(
            (
                "ORG_TREE_NO_CYCLE",
                f"org-unit/{unit_ref}",
                f"unit {parent_id} is {unit_ref} itself or below it; a unit cannot be "
                "placed under itself or its own descendants",
            )
        )
    if parent_kind != "company" and parent_region != region:
        rules.append(
            (
                "ORG_TREE_SAME_REGION",
                f"org-unit/{unit_ref or 'new'}",
                f"the unit's region {region} differs from its parent's {parent_region}; "
                "below a region a unit keeps its parent's region",
            )
        )
    if rules:
        raise FailedPrecondition([RuleViolation(*rule) for rule in rules])


def ancestry(start: str, parent_of: Callable[[str], str | None], limit: int = 1000) -> list[str]:
    """`start` and the units above it, nearest first (stops at a loop or the root)."""
    chain: list[str] = []
    current: str | None = start
    while current and current not in chain and len(chain) < limit:
        chain.append(current)
        current = parent_of(current)
    return chain


@dataclass(frozen=True)
class NewPerson:
    rep_id: str
    name: str
    email: str
    role: str
    team_unit_id: str
    manager_id: str
    capacity: int
    hire_date: date


def check_hire(
    rep_id: str,
    name: str,
    email: str,
    role: str,
    team_unit_id: str,
    manager_id: str,
    capacity: int,
    hire_date: str,
) -> NewPerson:
    check = Validator()
    person = NewPerson(
        rep_id=rep_id.strip(),
        name=clean_text(name),
        email=email.strip().lower(),
        role=(role.strip().lower() or "rep"),
        team_unit_id=team_unit_id.strip(),
        manager_id=manager_id.strip(),
        capacity=capacity,
        hire_date=parse_date(check, "hire_date", hire_date),
    )
    check.require("rep_id", person.rep_id, max_length=100)
    check.require("name", person.name)
    check.require("email", person.email, max_length=320)
    if person.email:
        check.check("@" in person.email, "email", "must be an email address")
    check.check(person.role in ROLES, "role", f"must be one of {', '.join(ROLES)}")
    check.require("team_unit_id", person.team_unit_id, max_length=36)
    check.optional("manager_id", person.manager_id, max_length=100)
    check.check(0 <= capacity <= 100_000, "capacity", "must be between 0 and 100000")
    check.raise_if_any()
    return person


def require_not_left(rep_id: str, status: str) -> None:
    if status == "left":
        raise FailedPrecondition.of(
            "STATE", f"rep/{rep_id}", "the rep has left; a rep who left cannot change"
        )


def require_after(rep_id: str, what: str, when: date, since: date) -> None:
    """An assignment or leaving date cannot precede the open assignment's start."""
    if when < since:
        raise FailedPrecondition.of(
            "DATES",
            f"rep/{rep_id}",
            f"the {what} {when.isoformat()} precedes the current assignment's start "
            f"{since.isoformat()}",
        )


def split_list(value: str) -> list[str]:
    return [item for item in value.split(",") if item]


def join_list(values: Iterable[str]) -> str:
    return ",".join(values)


@dataclass(frozen=True)
class TerritoryFields:
    name: str
    countries: list[str]
    industries: list[str]
    company_sizes: list[str]
    rep_ids: list[str]
    currency: str
    market_potential_minor: int


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def check_territory(
    name: str,
    countries: Iterable[str],
    industries: Iterable[str],
    company_sizes: Iterable[str],
    rep_ids: Iterable[str],
    currency: str,
    amount_minor: int,
) -> TerritoryFields:
    """Validate a territory's state (every bad field at once)."""
    fields = TerritoryFields(
        name=clean_text(name),
        countries=_unique(c.strip().upper() for c in countries),
        industries=_unique(i.strip().lower() for i in industries),
        company_sizes=_unique(s.strip() for s in company_sizes),
        rep_ids=_unique(r.strip() for r in rep_ids),
        currency=currency.strip().upper(),
        market_potential_minor=amount_minor,
    )
    check = Validator()
    check.require("name", fields.name)
    for country in fields.countries:
        if not re.match(r"^[A-Z]{2}$", country):
            check.add("countries", f"'{country}' is not an ISO 3166-1 alpha-2 code")
    for value in fields.industries + fields.company_sizes:
        if "," in value:
            check.add("rules", f"'{value}' may not contain a comma")
    check.check(
        bool(_CURRENCY.match(fields.currency)),
        "market_potential.currency",
        "must be an ISO 4217 code such as EUR",
    )
    check.check(amount_minor >= 0, "market_potential.amount_minor", "must not be negative")
    check.raise_if_any()
    return fields


@dataclass(frozen=True)
class Coverage:
    headcount: int
    total_capacity: int
    market_potential_minor: int
    potential_per_head_minor: int


def coverage(capacities: list[int], market_potential_minor: int) -> Coverage:
    """Headcount, capacity and potential per head (rounded down; zero without reps)."""
    headcount = len(capacities)
    per_head = market_potential_minor // headcount if headcount else 0
    return Coverage(headcount, sum(capacities), market_potential_minor, per_head)
