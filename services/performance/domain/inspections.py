"""Compliance inspections as plain Python: the rules, their settings, findings and reports.

An inspection checks one region and fiscal period *as of* an instant: the
run's time, or the period's end when the period is over (a period that has
not begun cannot be inspected). Four rules, each with a fixed kind (conduct:
a person broke a rule, and training assigns the compliance course; process:
the sales process slipped) and a severity the region may change:

- `stale_opportunity` (process, low): an open opportunity whose last
  activity (or, with none, its opening) is more than N days before the
  as-of day, in whole UTC calendar days (default N = 14: 14 idle days pass,
  15 are stale). The opportunity states are current, so a past period is
  judged on what is open now.
- `lead_sla_breach` (process, medium): every lead SLA breach reported in
  the period up to the as-of instant.
- `discount_above_authority` (conduct, high): an approved discount above
  the authority of the role that approved it. The authority is the one the
  pipeline reported with the approval; when a fact carries none, the
  region's authority table (default rep 10%, manager 20%, director
  unlimited) is applied to the approver's role in planning's directory, and
  an approver of unknown role is not judged.
- `won_without_contract` (conduct, high): an opportunity won in the period
  that has no contract (neither on its state nor as a credit).

A finding becomes a violation once per rule, subject and period, whichever
run finds it first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.kit.errors import FailedPrecondition, Validator
from services.kit.fiscal import FiscalPeriod

BP = 10_000
MAX_STALE_DAYS = 365
MAX_DISMISSAL_REASON = 2000


class RuleCode(StrEnum):
    STALE_OPPORTUNITY = "stale_opportunity"
    LEAD_SLA_BREACH = "lead_sla_breach"
    DISCOUNT_ABOVE_AUTHORITY = "discount_above_authority"
    WON_WITHOUT_CONTRACT = "won_without_contract"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ViolationKind(StrEnum):
    CONDUCT = "conduct"
    PROCESS = "process"


class ViolationStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    PENALISED = "penalised"


class Trigger(StrEnum):
    ON_DEMAND = "on_demand"
    SCHEDULED = "scheduled"


RULE_KINDS: Mapping[RuleCode, ViolationKind] = {
    RuleCode.STALE_OPPORTUNITY: ViolationKind.PROCESS,
    RuleCode.LEAD_SLA_BREACH: ViolationKind.PROCESS,
    RuleCode.DISCOUNT_ABOVE_AUTHORITY: ViolationKind.CONDUCT,
    RuleCode.WON_WITHOUT_CONTRACT: ViolationKind.CONDUCT,
}
DEFAULT_SEVERITIES: Mapping[RuleCode, Severity] = {
    RuleCode.STALE_OPPORTUNITY: Severity.LOW,
    RuleCode.LEAD_SLA_BREACH: Severity.MEDIUM,
    RuleCode.DISCOUNT_ABOVE_AUTHORITY: Severity.HIGH,
    RuleCode.WON_WITHOUT_CONTRACT: Severity.HIGH,
}
DEFAULT_STALE_DAYS = 14
# The pipeline's own defaults (role -> largest discount in bp; None = unlimited).
DEFAULT_AUTHORITIES: Mapping[str, int | None] = {"rep": 1000, "manager": 2000, "director": None}


@dataclass(frozen=True)
class RuleSettings:
    """One rule of a region as runs apply it."""

    rule: RuleCode
    enabled: bool = True
    severity: Severity = Severity.LOW
    stale_days: int = DEFAULT_STALE_DAYS
    authorities: Mapping[str, int | None] = field(default_factory=lambda: DEFAULT_AUTHORITIES)
    configured: bool = False

    @property
    def kind(self) -> ViolationKind:
        return RULE_KINDS[self.rule]


def default_settings(rule: RuleCode) -> RuleSettings:
    """A rule as it applies where nobody configured it."""
    return RuleSettings(rule=rule, severity=DEFAULT_SEVERITIES[rule])


def check_settings(
    rule: RuleCode | None,
    *,
    enabled: bool,
    severity: Severity | None,
    stale_days: int,
    authorities: Sequence[tuple[str, int, bool]],
) -> RuleSettings:
    """Validate a region's setting of a rule (every bad field at once); 0/empty keep defaults."""
    v = Validator()
    if rule is None:
        v.add("rule", "must be one of " + ", ".join(code.value for code in RuleCode))
    if stale_days and rule is not RuleCode.STALE_OPPORTUNITY:
        v.add("stale_days", "applies to stale_opportunity only")
    if stale_days and not 1 <= stale_days <= MAX_STALE_DAYS:
        v.add("stale_days", f"must be between 1 and {MAX_STALE_DAYS}")
    if authorities and rule is not RuleCode.DISCOUNT_ABOVE_AUTHORITY:
        v.add("authorities", "apply to discount_above_authority only")
    table: dict[str, int | None] = {}
    for index, (role, bp, unlimited) in enumerate(authorities):
        name = role.strip().lower()
        if not name or len(name) > 32:
            v.add(f"authorities[{index}].role", "is required (at most 32 characters)")
        elif name in table:
            v.add(f"authorities[{index}].role", f"'{name}' is listed twice")
        if unlimited and bp:
            v.add(f"authorities[{index}].max_discount_bp", "must be 0 when unlimited")
        elif not unlimited and not 0 <= bp <= BP:
            v.add(f"authorities[{index}].max_discount_bp", f"must be between 0 and {BP}")
        table[name] = None if unlimited else bp
    v.raise_if_any()
    assert rule is not None
    base = default_settings(rule)
    return replace(
        base,
        enabled=enabled,
        severity=severity or base.severity,
        stale_days=stale_days or base.stale_days,
        authorities=table or base.authorities,
        configured=True,
    )


def as_of(period: FiscalPeriod, now: datetime) -> datetime:
    """The instant a period is inspected at: now, or its end when it is over."""
    if now < period.starts_at:
        raise FailedPrecondition.of(
            "PERIOD_NOT_BEGUN",
            period.code,
            f"{period.code} begins {period.starts_at.date().isoformat()}; inspect a period that "
            "has begun",
        )
    return min(now, period.ends_at)


@dataclass(frozen=True)
class Evidence:
    """A record a finding rests on, with its figures ("name=value")."""

    source: str
    record_id: str
    event_id: str = ""
    figures: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "record_id": self.record_id,
            "event_id": self.event_id,
            "figures": list(self.figures),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(
            str(data["source"]),
            str(data["record_id"]),
            str(data.get("event_id", "")),
            tuple(str(x) for x in data.get("figures", ())),
        )


@dataclass(frozen=True)
class Finding:
    """What a rule found about one subject."""

    rule: RuleCode
    rep_id: str
    team_id: str
    subject_id: str
    summary: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class OpportunityView:
    """An opportunity state as the rules read it."""

    opportunity_id: str
    owner_id: str
    team_id: str
    status: str
    opened_at: datetime | None
    last_activity_at: datetime | None
    closed_at: datetime | None
    contract_id: str
    currency: str = ""
    amount_minor: int = 0
    stage_id: str = ""


@dataclass(frozen=True)
class FactView:
    """A fact as the rules read it."""

    fact_id: str
    event_id: str
    rep_id: str
    team_id: str
    subject_id: str
    occurred_at: datetime
    value_bp: int = 0
    detail: str = ""
    approver_role: str = ""
    approver_authority_bp: int = 0
    approver_unlimited: bool = False


def stale_opportunity(opp: OpportunityView, at: datetime, days: int) -> Finding | None:
    """The finding for an open opportunity idle more than `days` whole days before `at`."""
    last = opp.last_activity_at or opp.opened_at
    if opp.status != "open" or last is None or last > at:
        return None
    idle = (at.date() - last.date()).days
    if idle <= days:
        return None
    since = "no activity since" if opp.last_activity_at else "opened without activity since"
    return Finding(
        rule=RuleCode.STALE_OPPORTUNITY,
        rep_id=opp.owner_id,
        team_id=opp.team_id,
        subject_id=opp.opportunity_id,
        summary=f"{since} {last.date().isoformat()} ({idle} days > {days})",
        evidence=(
            Evidence(
                "opportunity_state",
                opp.opportunity_id,
                figures=(
                    f"last_activity_at={_instant(opp.last_activity_at)}",
                    f"opened_at={_instant(opp.opened_at)}",
                    f"as_of={_instant(at)}",
                    f"idle_days={idle}",
                    f"threshold_days={days}",
                    f"stage_id={opp.stage_id}",
                    f"amount={opp.amount_minor} {opp.currency}".rstrip(),
                ),
            ),
        ),
    )


def lead_sla_breach(fact: FactView) -> Finding:
    """Every reported lead SLA breach is a finding about its lead."""
    owner = fact.rep_id or "the unassigned queue"
    return Finding(
        rule=RuleCode.LEAD_SLA_BREACH,
        rep_id=fact.rep_id,
        team_id=fact.team_id,
        subject_id=fact.subject_id,
        summary=(
            f"lead {fact.subject_id} breached its first-contact SLA on "
            f"{fact.occurred_at.date().isoformat()} ({owner})"
        ),
        evidence=(
            Evidence(
                "fact",
                fact.fact_id,
                fact.event_id,
                (f"breached_at={_instant(fact.occurred_at)}", f"detail={fact.detail}"),
            ),
        ),
    )


def authority_for(
    fact: FactView, directory_role: str | None, table: Mapping[str, int | None]
) -> tuple[str, int | None] | None:
    """The approving role and its authority (None = unlimited); None when it cannot be known.

    The authority reported with the approval wins; otherwise the region's
    table applies to the approver's role in the directory.
    """
    if fact.approver_role:
        return fact.approver_role, None if fact.approver_unlimited else fact.approver_authority_bp
    if directory_role is None or directory_role not in table:
        return None
    return directory_role, table[directory_role]


def discount_above_authority(
    fact: FactView, directory_role: str | None, table: Mapping[str, int | None]
) -> Finding | None:
    """The finding for an approved discount above the approver's authority."""
    authority = authority_for(fact, directory_role, table)
    if authority is None:
        return None
    role, limit = authority
    if limit is None or fact.value_bp <= limit:
        return None
    approver = fact.detail or "an unknown approver"
    source = "reported with the approval" if fact.approver_role else "the region's table"
    return Finding(
        rule=RuleCode.DISCOUNT_ABOVE_AUTHORITY,
        rep_id=fact.rep_id,
        team_id=fact.team_id,
        subject_id=fact.subject_id,
        summary=(
            f"discount of {percent(fact.value_bp)} approved by {approver} ({role}) is above "
            f"the role's authority of {percent(limit)}"
        ),
        evidence=(
            Evidence(
                "fact",
                fact.fact_id,
                fact.event_id,
                (
                    f"discount_bp={fact.value_bp}",
                    f"authority_bp={limit}",
                    f"approver_id={fact.detail}",
                    f"approver_role={role}",
                    f"authority_source={source}",
                    f"approved_at={_instant(fact.occurred_at)}",
                ),
            ),
        ),
    )


def won_without_contract(
    opportunity_id: str,
    state: OpportunityView | None,
    won_facts: Sequence[FactView],
    has_credit: bool,
) -> Finding | None:
    """The finding for a won opportunity with no contract on its state and no credit."""
    if has_credit or (state is not None and state.contract_id):
        return None
    if state is not None and state.status != "won" and not won_facts:
        return None
    evidence: list[Evidence] = []
    if state is not None:
        evidence.append(
            Evidence(
                "opportunity_state",
                opportunity_id,
                figures=(
                    f"status={state.status}",
                    f"closed_at={_instant(state.closed_at)}",
                    "contract_id=",
                    f"amount={state.amount_minor} {state.currency}".rstrip(),
                ),
            )
        )
    evidence += [
        Evidence("fact", f.fact_id, f.event_id, (f"won_at={_instant(f.occurred_at)}",))
        for f in won_facts
    ]
    won_at = state.closed_at if state is not None and state.closed_at else None
    if won_at is None and won_facts:
        won_at = won_facts[0].occurred_at
    rep_id = state.owner_id if state is not None and state.owner_id else _first_rep(won_facts)
    team_id = state.team_id if state is not None and state.team_id else _first_team(won_facts)
    day = won_at.date().isoformat() if won_at else "an unknown day"
    return Finding(
        rule=RuleCode.WON_WITHOUT_CONTRACT,
        rep_id=rep_id,
        team_id=team_id,
        subject_id=opportunity_id,
        summary=f"won on {day} without a contract",
        evidence=tuple(evidence),
    )


def check_dismissal(violation_id: str, status: ViolationStatus, reason: str) -> str:
    """A dismissal needs a reason and an open violation."""
    v = Validator()
    v.require("reason", reason.strip(), MAX_DISMISSAL_REASON)
    v.raise_if_any()
    require_open(violation_id, status)
    return reason.strip()


def require_open(violation_id: str, status: ViolationStatus) -> None:
    if status is not ViolationStatus.OPEN:
        raise FailedPrecondition.of(
            "STATE",
            f"violations/{violation_id}",
            f"the violation is {status.value}; only an open violation is dismissed or penalised",
        )


@dataclass(frozen=True)
class StatusCount:
    """Violations of one group by status."""

    key: str
    total: int = 0
    open: int = 0
    dismissed: int = 0
    penalised: int = 0


def count_by(items: Iterable[tuple[str, ViolationStatus]]) -> list[StatusCount]:
    """Counts per key (sorted by key) of (key, status) pairs."""
    counts: dict[str, Counter[ViolationStatus]] = {}
    for key, status in items:
        counts.setdefault(key, Counter())[status] += 1
    return [
        StatusCount(
            key=key,
            total=sum(c.values()),
            open=c[ViolationStatus.OPEN],
            dismissed=c[ViolationStatus.DISMISSED],
            penalised=c[ViolationStatus.PENALISED],
        )
        for key, c in sorted(counts.items())
    ]


def percent(bp: int) -> str:
    """Basis points as a percentage with two decimals, exactly: 2550 -> "25.50%"."""
    sign = "-" if bp < 0 else ""
    whole, rest = divmod(abs(bp), 100)
    return f"{sign}{whole}.{rest:02d}%"


def _instant(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _first_rep(facts: Sequence[FactView]) -> str:
    return facts[0].rep_id if facts else ""


def _first_team(facts: Sequence[FactView]) -> str:
    return facts[0].team_id if facts else ""
