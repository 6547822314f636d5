"""Rewards and penalties as plain Python: kinds, what each carries, who proposes and decides.

A reward (award, bonus, points) or a penalty (warning, penalty) is proposed
for one rep with a reason and evidence, by a manager above the rep or a
director of the rep's region, and decided by a director of that region who
did not propose it: approved (a reward is *granted*, a penalty *imposed*) or
rejected with a reason. Decided records are final.

What each kind carries:

| kind | money | points |
|---|---|---|
| award | optional (a prize) | no |
| bonus | required | no |
| points | no | required |
| warning | no | no |
| penalty | exactly one of money or points | |

Amounts are positive; a penalty's money is what the rep loses, stored as a
positive amount (the commission statement decides how it is deducted).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import FailedPrecondition, PermissionDenied, Validator
from services.kit.identity import Caller

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_REASON = 2000
MAX_EVIDENCE_ITEMS = 50
MAX_EVIDENCE_LENGTH = 500
# Points and money both stay well inside a signed 64-bit integer.
MAX_AMOUNT = 10**15


class IncentiveCategory(StrEnum):
    REWARD = "reward"
    PENALTY = "penalty"


class IncentiveKind(StrEnum):
    AWARD = "award"
    BONUS = "bonus"
    POINTS = "points"
    WARNING = "warning"
    PENALTY = "penalty"

    @property
    def category(self) -> IncentiveCategory:
        if self in (IncentiveKind.WARNING, IncentiveKind.PENALTY):
            return IncentiveCategory.PENALTY
        return IncentiveCategory.REWARD


class IncentiveStatus(StrEnum):
    PROPOSED = "proposed"
    GRANTED = "granted"  # an approved reward
    IMPOSED = "imposed"  # an approved penalty
    REJECTED = "rejected"


def approved_status(kind: IncentiveKind) -> IncentiveStatus:
    """What approval makes of a proposal of `kind`."""
    if kind.category is IncentiveCategory.REWARD:
        return IncentiveStatus.GRANTED
    return IncentiveStatus.IMPOSED


@dataclass(frozen=True)
class Proposal:
    """A checked proposal: the figures a kind carries, the rest empty."""

    kind: IncentiveKind
    reason: str
    currency: str
    amount_minor: int
    points: int
    evidence: tuple[str, ...]
    violation_ids: tuple[str, ...]


def check_proposal(
    v: Validator,
    *,
    kind: IncentiveKind | None,
    reason: str,
    currency: str,
    amount_minor: int,
    has_amount: bool,
    points: int,
    evidence: Sequence[str],
    violation_ids: Sequence[str],
) -> Proposal | None:
    """Validate a proposal, adding every bad field to `v`; the Proposal when `kind` is known.

    `has_amount` says whether the request carried money at all (an amount of
    0 with no currency is "no money").
    """
    reason = reason.strip()
    v.require("reason", reason, MAX_REASON)
    items = tuple(item.strip() for item in evidence)
    if len(items) > MAX_EVIDENCE_ITEMS:
        v.add("evidence", f"at most {MAX_EVIDENCE_ITEMS} items")
    for index, item in enumerate(items):
        if not item or len(item) > MAX_EVIDENCE_LENGTH:
            v.add(f"evidence[{index}]", f"must be 1 to {MAX_EVIDENCE_LENGTH} characters")
    violations = tuple(dict.fromkeys(item.strip() for item in violation_ids))
    if any(not item for item in violations):
        v.add("violation_ids", "must not contain empty ids")
    if kind is None:
        v.add("kind", "must be award, bonus, points, warning or penalty")
        return None
    if violations and kind.category is not IncentiveCategory.PENALTY:
        v.add("violation_ids", "only a warning or a penalty answers violations")
    money = has_amount and (bool(currency) or amount_minor != 0)
    if money:
        if not CURRENCY.match(currency):
            v.add("amount.currency", "must be an ISO 4217 code, three upper-case letters")
        if not 0 < amount_minor <= MAX_AMOUNT:
            v.add("amount.amount_minor", f"must be between 1 and {MAX_AMOUNT}")
    if points and not 0 < points <= MAX_AMOUNT:
        v.add("points", f"must be between 1 and {MAX_AMOUNT}")
    if kind is IncentiveKind.BONUS and not money:
        v.add("amount", "a bonus is an amount of money")
    if kind is IncentiveKind.POINTS and not points:
        v.add("points", "a points reward gives a positive number of points")
    if kind in (IncentiveKind.AWARD, IncentiveKind.BONUS, IncentiveKind.WARNING) and points:
        v.add("points", f"a {kind.value} carries no points")
    if kind in (IncentiveKind.POINTS, IncentiveKind.WARNING) and money:
        v.add("amount", f"a {kind.value} carries no money")
    if kind is IncentiveKind.PENALTY and money == bool(points):
        v.add("amount", "a penalty is either an amount of money or points, exactly one")
    return Proposal(
        kind=kind,
        reason=reason,
        currency=currency if money else "",
        amount_minor=amount_minor if money else 0,
        points=points,
        evidence=items,
        violation_ids=violations,
    )


def require_proposer(
    roles: Collection[str], subject: str, rep_id: str, managers_above: Sequence[str]
) -> None:
    """A director (of the region, checked by the caller), or a manager above the rep."""
    if "director" in roles:
        return
    if "manager" in roles and subject in managers_above:
        return
    raise PermissionDenied(
        f"only a manager above {rep_id} or a director of the region proposes their rewards "
        "and penalties"
    )


def require_decider(roles: Collection[str], subject: str, proposed_by: str) -> None:
    """A director of the region (checked by the caller) who is not the proposer."""
    if "director" not in roles:
        raise PermissionDenied("only a director of the region approves or rejects")
    if subject == proposed_by:
        raise FailedPrecondition.of(
            "FOUR_EYES",
            "proposed_by",
            f"{subject} proposed it; another director of the region decides",
        )


def require_proposed(incentive_id: str, status: IncentiveStatus) -> None:
    if status is not IncentiveStatus.PROPOSED:
        raise FailedPrecondition.of(
            "STATE",
            f"incentives/{incentive_id}",
            f"it is {status.value} already; only a proposal is approved or rejected",
        )


def check_rejection_reason(reason: str) -> str:
    v = Validator()
    v.require("reason", reason.strip(), MAX_REASON)
    v.raise_if_any()
    return reason.strip()


# Roles that see every rep of their regions; a manager with none of them sees their team.
REGION_WIDE_ROLES = frozenset({"director", "executive", "admin"})


@dataclass(frozen=True)
class RepScope:
    """Which reps' records a caller sees, within their regions.

    A rep sees their own; a manager (without a region-wide role) the reps
    below them in the manager chain, and their own; directors, executives
    and admins every rep of their regions (`reps` is None).
    """

    caller: Caller
    reps: frozenset[str] | None

    def sees(self, region: str, rep_id: str) -> bool:
        if not self.caller.can_read(region):
            return False
        return self.reps is None or rep_id in self.reps


def needs_team(caller: Caller) -> bool:
    """Whether the caller's scope is a team (a manager with no region-wide role)."""
    return "manager" in caller.roles and not caller.roles & REGION_WIDE_ROLES


def rep_scope(caller: Caller, team: Collection[str] = ()) -> RepScope:
    """The caller's scope; `team` is the reps below them when `needs_team(caller)`."""
    caller.require_reader()
    if caller.roles & REGION_WIDE_ROLES:
        return RepScope(caller, None)
    if "manager" in caller.roles:
        return RepScope(caller, frozenset({*team, caller.subject}))
    return RepScope(caller, frozenset({caller.subject}))
