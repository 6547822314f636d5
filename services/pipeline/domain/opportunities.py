"""Opportunity rules as plain Python: pipelines and stages, deals, money, splits, authority.

The api module loads records, calls these, and writes the results; the tests
call them directly. Nothing here knows about gRPC, HTTP, nameko or SQL.

Money is integer minor units in one ISO 4217 currency per opportunity; a
line's amount is quantity x unit price (exact), the opportunity's amount is
the sum of its lines. Credit splits are basis points that sum to exactly
10000.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    RuleViolation,
    Validator,
)
from services.pipeline.domain.leads import clean_text

CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
FULL_SHARE_BP = 10_000
# Guards the integer arithmetic far below int64 overflow (10^18).
MAX_QUANTITY = 10**9
MAX_UNIT_PRICE_MINOR = 10**12
PIPELINE_KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
DEFAULT_PIPELINE_ID = "new_business"


class OpportunityStatus(StrEnum):
    """Where a deal stands."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class StageKind(StrEnum):
    """Whether a stage is part of the open funnel or one of its two ends."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ForecastCategory(StrEnum):
    """How deals in a stage count in the forecast."""

    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


def parse_date(check: Validator, field_name: str, value: str) -> date | None:
    """An ISO 8601 date (YYYY-MM-DD), None when empty; a bad one is added to `check`."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        check.add(field_name, "must be an ISO 8601 date such as 2027-03-31")
        return None


def iso(value: date | None) -> str:
    """A date as ISO 8601, or "" for none."""
    return value.isoformat() if value else ""


# --- stages ----------------------------------------------------------------------


@dataclass(frozen=True)
class StageSpec:
    """A stage as a pipeline defines it; `stage_id` is "" for a stage not created yet."""

    stage_id: str
    name: str
    position: int
    probability_bp: int
    forecast_category: ForecastCategory
    kind: StageKind


@dataclass(frozen=True)
class StageInput:
    """A stage as an admin describes it (empty values take the defaults)."""

    name: str
    probability_bp: int = 0
    forecast_category: str = ""
    kind: str = ""
    stage_id: str = ""


def validate_stages(
    stages: Sequence[StageInput], check: Validator | None = None
) -> list[StageSpec]:
    """Check a pipeline's stage list: open stages first, then exactly one won and one lost.

    Positions follow the list order. The won stage is 100% and closed, the
    lost stage 0% and omitted; other categories default to pipeline. With a
    `check` given, problems are added to it instead of raised.
    """
    raise_now = check is None
    check = check or Validator()
    if not stages:
        check.add("stages", "at least one open stage, a won stage and a lost stage are required")
        if raise_now:
            check.raise_if_any()
        return []
    specs: list[StageSpec] = []
    names: set[str] = set()
    for index, stage in enumerate(stages):
        where = f"stages[{index}]"
        name = clean_text(stage.name)
        check.require(f"{where}.name", name, max_length=100)
        if name.lower() in names:
            check.add(f"{where}.name", f"'{name}' appears twice; stage names are unique")
        names.add(name.lower())
        try:
            kind = StageKind(stage.kind or StageKind.OPEN.value)
        except ValueError:
            check.add(f"{where}.kind", "must be open, won or lost")
            kind = StageKind.OPEN
        default_category = {
            StageKind.WON: ForecastCategory.CLOSED,
            StageKind.LOST: ForecastCategory.OMITTED,
        }.get(kind, ForecastCategory.PIPELINE)
        try:
            category = ForecastCategory(stage.forecast_category or default_category.value)
        except ValueError:
            check.add(
                f"{where}.forecast_category",
                f"must be one of {', '.join(c.value for c in ForecastCategory)}",
            )
            category = default_category
        probability = stage.probability_bp
        if kind is StageKind.WON:
            probability = probability or FULL_SHARE_BP
            check.check(
                probability == FULL_SHARE_BP, f"{where}.probability_bp", "must be 10000 for won"
            )
            check.check(
                category is ForecastCategory.CLOSED,
                f"{where}.forecast_category",
                "must be closed for the won stage",
            )
        elif kind is StageKind.LOST:
            check.check(probability == 0, f"{where}.probability_bp", "must be 0 for lost")
            check.check(
                category is ForecastCategory.OMITTED,
                f"{where}.forecast_category",
                "must be omitted for the lost stage",
            )
        else:
            check.check(
                0 <= probability < FULL_SHARE_BP,
                f"{where}.probability_bp",
                "must be 0 to 9999 basis points for an open stage",
            )
        specs.append(
            StageSpec(stage.stage_id.strip(), name, index + 1, probability, category, kind)
        )
    kinds = [spec.kind for spec in specs]
    open_count = kinds.count(StageKind.OPEN)
    check.check(open_count >= 1, "stages", "at least one open stage is required")
    check.check(kinds.count(StageKind.WON) == 1, "stages", "exactly one won stage is required")
    check.check(kinds.count(StageKind.LOST) == 1, "stages", "exactly one lost stage is required")
    if any(kind is StageKind.OPEN for kind in kinds[open_count:]):
        check.add("stages", "open stages come first, then the won and the lost stage")
    if raise_now:
        check.raise_if_any()
    return specs


def validate_pipeline(
    name: str, kind: str, region: str, stages: Sequence[StageInput] | None = None
) -> tuple[str, str, str, list[StageSpec]]:
    """A pipeline's name, kind, region ("" for all) and stages, checked all at once."""
    check = Validator()
    specs = validate_stages(stages, check) if stages is not None else []
    name = clean_text(name)
    kind = kind.strip().lower()
    region = region.strip().upper()
    check.require("name", name)
    check.check(
        bool(PIPELINE_KIND_PATTERN.match(kind)),
        "kind",
        "must be a lower-case word such as new_business or renewal",
    )
    check.raise_if_any()
    return name, kind, region, specs


@dataclass(frozen=True)
class StageMove:
    """Where an advance goes and every stage it leaves (each must pass its gate)."""

    target: StageSpec
    exited: list[StageSpec]


def _state(subject: str, description: str) -> FailedPrecondition:
    return FailedPrecondition([RuleViolation("STATE", subject, description)])


def plan_advance(
    opportunity_id: str, stages: Sequence[StageSpec], current_id: str, target_id: str = ""
) -> StageMove:
    """The move from the current stage to the next open one, or to `target_id` (later, open)."""
    ordered = sorted(stages, key=lambda s: s.position)
    current = next(s for s in ordered if s.stage_id == current_id)
    subject = f"opportunities/{opportunity_id}"
    later_open = [s for s in ordered if s.kind is StageKind.OPEN and s.position > current.position]
    if target_id:
        target = next((s for s in ordered if s.stage_id == target_id), None)
        if target is None:
            raise InvalidArgument.of(
                "target_stage_id", "is not a stage of the opportunity's pipeline"
            )
        if target.kind is not StageKind.OPEN:
            verb = "win" if target.kind is StageKind.WON else "lose"
            raise _state(subject, f"'{target.name}' closes the deal: {verb} it instead")
        if target.position <= current.position:
            raise _state(
                subject,
                f"'{target.name}' is not after '{current.name}'; deals only move forward",
            )
    elif later_open:
        target = later_open[0]
    else:
        raise _state(subject, f"'{current.name}' is the last open stage: win or lose the deal")
    exited = [current, *[s for s in later_open if s.position < target.position]]
    return StageMove(target, exited)


def stages_left_to_win(stages: Sequence[StageSpec], current_id: str) -> StageMove:
    """Winning leaves the current stage and every later open stage (none may skip its gate)."""
    ordered = sorted(stages, key=lambda s: s.position)
    current = next(s for s in ordered if s.stage_id == current_id)
    won = next(s for s in ordered if s.kind is StageKind.WON)
    later = [s for s in ordered if s.kind is StageKind.OPEN and s.position > current.position]
    return StageMove(won, [current, *later])


def require_open(opportunity_id: str, status: OpportunityStatus) -> None:
    """Raise FailedPrecondition unless the deal is still open."""
    if status is not OpportunityStatus.OPEN:
        raise _state(
            f"opportunities/{opportunity_id}",
            f"the opportunity is {status.value}; only an open opportunity can change",
        )


# --- lines, team, competitors ---------------------------------------------------


@dataclass(frozen=True)
class LineItem:
    """A product line of a deal; amount = quantity x unit price, exactly."""

    product_line: str
    quantity: int
    unit_price_minor: int
    amount_minor: int


@dataclass(frozen=True)
class LineInput:
    """A line as the caller sends it."""

    product_line: str
    quantity: int
    unit_price_minor: int
    currency: str


def validate_currency(check: Validator, field_name: str, currency: str) -> str:
    """An ISO 4217 code in upper case; a bad one is added to `check`."""
    currency = currency.strip().upper()
    check.check(
        bool(CURRENCY_PATTERN.match(currency)),
        field_name,
        "must be an ISO 4217 code such as EUR or CNY",
    )
    return currency


def validate_line_items(
    check: Validator, lines: Sequence[LineInput], currency: str, field_name: str = "line_items"
) -> tuple[list[LineItem], str]:
    """Lines and the one currency of the deal; the currency must be the same on every line."""
    items: list[LineItem] = []
    currencies: set[str] = set()
    for index, line in enumerate(lines):
        where = f"{field_name}[{index}]"
        product_line = clean_text(line.product_line)
        check.require(f"{where}.product_line", product_line, max_length=100)
        check.check(
            1 <= line.quantity <= MAX_QUANTITY,
            f"{where}.quantity",
            f"must be a whole number from 1 to {MAX_QUANTITY}",
        )
        check.check(
            0 <= line.unit_price_minor <= MAX_UNIT_PRICE_MINOR,
            f"{where}.unit_price.amount_minor",
            f"must be 0 to {MAX_UNIT_PRICE_MINOR} minor units",
        )
        line_currency = validate_currency(check, f"{where}.unit_price.currency", line.currency)
        currencies.add(line_currency)
        items.append(
            LineItem(
                product_line,
                line.quantity,
                line.unit_price_minor,
                line.quantity * line.unit_price_minor,
            )
        )
    given = currency.strip().upper()
    if len(currencies) > 1:
        check.add(field_name, "every line must be in the same currency (one per opportunity)")
    if currencies:
        line_currency = sorted(currencies)[0]
        if given and given != line_currency:
            check.add("currency", f"must match the line items' currency {line_currency}")
        return items, line_currency
    if not given:
        check.add("currency", "is required when there are no line items")
        return items, ""
    return items, validate_currency(check, "currency", given)


@dataclass(frozen=True)
class TeamMember:
    """A person on the deal team and their credit share in basis points."""

    rep_id: str
    role: str
    share_bp: int


def validate_team(
    check: Validator, members: Sequence[TeamMember], owner_id: str, field_name: str = "team_members"
) -> list[TeamMember]:
    """The deal team; shares sum to exactly 10000 bp. No members means the owner with 100%."""
    if not members:
        return [TeamMember(owner_id, "owner", FULL_SHARE_BP)]
    team: list[TeamMember] = []
    seen: set[str] = set()
    for index, member in enumerate(members):
        where = f"{field_name}[{index}]"
        rep_id = member.rep_id.strip()
        check.require(f"{where}.rep_id", rep_id, max_length=100)
        if rep_id in seen:
            check.add(f"{where}.rep_id", f"'{rep_id}' appears twice")
        seen.add(rep_id)
        check.check(
            0 <= member.share_bp <= FULL_SHARE_BP,
            f"{where}.share_bp",
            "must be 0 to 10000 basis points",
        )
        role = clean_text(member.role) or ("owner" if rep_id == owner_id else "member")
        check.optional(f"{where}.role", role, max_length=50)
        team.append(TeamMember(rep_id, role, member.share_bp))
    total = sum(member.share_bp for member in team)
    if total != FULL_SHARE_BP:
        check.add(
            field_name,
            f"credit splits must sum to exactly 10000 basis points (100%); they sum to {total}",
        )
    return team


def validate_competitors(check: Validator, competitors: Iterable[str]) -> list[str]:
    """Competitor names, cleaned and without duplicates (first spelling kept)."""
    result: list[str] = []
    seen: set[str] = set()
    for index, competitor in enumerate(competitors):
        name = clean_text(competitor)
        check.require(f"competitors[{index}]", name)
        if name and name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result


@dataclass(frozen=True)
class OpportunityDraft:
    """A new deal after validation and normalisation."""

    customer_id: str
    name: str
    owner_id: str
    lines: list[LineItem]
    currency: str
    amount_minor: int
    expected_close_date: date | None
    next_step: str
    competitors: list[str]
    team: list[TeamMember]


def validate_new_opportunity(
    *,
    customer_id: str,
    name: str,
    owner_id: str,
    lines: Sequence[LineInput],
    currency: str,
    expected_close_date: str,
    next_step: str,
    competitors: Sequence[str],
    team: Sequence[TeamMember],
) -> OpportunityDraft:
    """Check a new deal; InvalidArgument lists every bad field at once."""
    check = Validator()
    customer_id = customer_id.strip()
    owner_id = owner_id.strip()
    name = clean_text(name)
    check.require("customer_id", customer_id, max_length=100)
    check.require("name", name)
    check.require("owner_id", owner_id, max_length=100)
    items, currency = validate_line_items(check, lines, currency)
    close = parse_date(check, "expected_close_date", expected_close_date)
    step = clean_text(next_step)
    check.optional("next_step", step, max_length=500)
    names = validate_competitors(check, competitors)
    members = validate_team(check, team, owner_id)
    check.raise_if_any()
    return OpportunityDraft(
        customer_id=customer_id,
        name=name,
        owner_id=owner_id,
        lines=items,
        currency=currency,
        amount_minor=sum(item.amount_minor for item in items),
        expected_close_date=close,
        next_step=step,
        competitors=names,
        team=members,
    )


EDITABLE_FIELDS = frozenset(
    {"name", "expected_close_date", "next_step", "line_items", "competitors", "team_members"}
)


def validate_update_mask(paths: Sequence[str]) -> list[str]:
    """The fields an update changes; each must be editable, and there must be one."""
    check = Validator()
    if not paths:
        check.add("update_mask", f"name at least one of {', '.join(sorted(EDITABLE_FIELDS))}")
    for path in paths:
        check.check(
            path in EDITABLE_FIELDS,
            "update_mask",
            f"'{path}' cannot be changed; editable: {', '.join(sorted(EDITABLE_FIELDS))}",
        )
    check.raise_if_any()
    return list(dict.fromkeys(paths))


def validate_loss(reason: str, competitor: str) -> tuple[str, str]:
    """Why the deal was lost (required) and who won it (optional)."""
    check = Validator()
    reason = clean_text(reason)
    competitor = clean_text(competitor)
    check.require("reason", reason, max_length=500)
    check.optional("competitor", competitor)
    check.raise_if_any()
    return reason, competitor


# --- authority -------------------------------------------------------------------

MANAGING_ROLES = frozenset({"director", "admin"})


def may_manage_deal(
    roles: frozenset[str], subject: str, owner_id: str, owner_manager_id: str | None
) -> bool:
    """Whether the caller may change a deal (region already checked).

    The owner may; a manager may for a deal owned by someone in their team
    (the owner's manager, from planning's assignments, is the caller); a
    director or admin may anywhere in their regions.
    """
    if roles & MANAGING_ROLES or subject == owner_id:
        return True
    return "manager" in roles and bool(owner_manager_id) and owner_manager_id == subject


@dataclass(frozen=True)
class RepView:
    """What the pipeline knows of a rep from planning: region, team, manager, status."""

    rep_id: str
    region: str
    team_id: str
    manager_id: str
    status: str


def check_reassignment(
    *,
    roles: frozenset[str],
    subject: str,
    region: str,
    current_owner_id: str,
    current_owner: RepView | None,
    new_owner_id: str,
    new_owner: RepView | None,
) -> None:
    """Who may give a deal to whom.

    A director (or admin) reassigns to any active rep of the deal's region; a
    manager only between people of their own team (the current and the new
    owner's manager is the caller, or the caller owns the deal); a rep never.
    """
    check = Validator()
    check.require("new_owner_id", new_owner_id, max_length=100)
    check.raise_if_any()
    if not roles & (MANAGING_ROLES | {"manager"}):
        raise PermissionDenied("only a manager (within their team) or a director reassigns deals")
    if new_owner_id == current_owner_id:
        raise InvalidArgument.of("new_owner_id", "already owns the opportunity")
    if new_owner is None:
        raise InvalidArgument.of(
            "new_owner_id", "is not a rep known to the pipeline (planning announces reps)"
        )
    if new_owner.status == "left":
        raise InvalidArgument.of("new_owner_id", "has left the organisation")
    if new_owner.region != region:
        raise InvalidArgument.of(
            "new_owner_id", f"works in region {new_owner.region}, the deal is in {region}"
        )
    if roles & MANAGING_ROLES:
        return
    if new_owner.manager_id != subject:
        raise PermissionDenied(
            f"'{new_owner_id}' is not in a team managed by {subject}; "
            "a manager reassigns within their team"
        )
    owns_or_manages = current_owner_id == subject or (
        current_owner is not None and current_owner.manager_id == subject
    )
    if not owns_or_manages:
        raise PermissionDenied(
            f"the current owner '{current_owner_id}' is not in a team managed by {subject}"
        )


def reassign_team(team: Sequence[TeamMember], old_owner: str, new_owner: str) -> list[TeamMember]:
    """The team after a reassignment: the outgoing owner's credit moves to the new owner."""
    moved = next((m for m in team if m.rep_id == old_owner), None)
    if moved is None:
        return list(team)
    result: list[TeamMember] = []
    for member in team:
        if member.rep_id == old_owner:
            existing = next((m for m in team if m.rep_id == new_owner), None)
            if existing is None:
                result.append(TeamMember(new_owner, "owner", member.share_bp))
        elif member.rep_id == new_owner:
            result.append(TeamMember(new_owner, "owner", member.share_bp + moved.share_bp))
        else:
            result.append(member)
    return result
