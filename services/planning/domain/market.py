"""Market research and competitive intelligence as plain rules.

- A market segment belongs to a territory and a fiscal period, is unique per
  territory, name and period (names compared case-insensitively), and has a
  positive size and a potential (what is reachable for us) of at most that
  size, both in one currency. A segment named after a product line says so
  in `product_line`, an industry segment in `industry`: only that line's
  revenue, or that industry's customers, then count as ours.
- Market share is our revenue over the segment's size in basis points,
  rounded half up (kit.rounding).
- Competitors are unique by normalised name (kit.normalize.normalized_name);
  their products, strengths and weaknesses are lists of short texts.
- Intelligence entries name a competitor, a kind, a title and an observed date
  that is not in the future.
- Managers, directors and admins write segments and competitors; every writer
  (reps too: they hear most of it) records intelligence.

Nothing here knows about gRPC, SQL or nameko.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.kit.errors import InvalidArgument, PermissionDenied, Validator
from services.kit.fiscal import FiscalCalendar
from services.kit.normalize import clean_text, normalized_domain, normalized_name
from services.kit.rounding import BASIS_POINTS, divide_half_up

_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_NOTES = 10_000
MAX_DETAILS = 10_000
MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 200
# Roles that maintain market research (segments, competitors).
MARKET_EDITORS = frozenset({"manager", "director", "admin"})


class IntelKind(StrEnum):
    PRICE_CHANGE = "price_change"
    NEW_PRODUCT = "new_product"
    DEAL_LOST = "deal_lost"
    DEAL_WON = "deal_won"
    PROMOTION = "promotion"
    PARTNERSHIP = "partnership"
    PERSONNEL = "personnel"
    OTHER = "other"


def require_market_editor(roles: frozenset[str], what: str) -> None:
    """Only managers, directors and admins change market research."""
    if not roles & MARKET_EDITORS:
        raise PermissionDenied(f"only a manager, director or admin changes {what}")


def name_key(name: str) -> str:
    """A segment name folded for the uniqueness check."""
    return clean_text(name).casefold()


@dataclass(frozen=True)
class SegmentFields:
    name: str
    currency: str
    size_minor: int
    potential_minor: int
    product_line: str
    industry: str
    source: str
    notes: str


def check_segment(
    *,
    name: str,
    size_currency: str,
    size_minor: int,
    has_size: bool,
    potential_currency: str,
    potential_minor: int,
    has_potential: bool,
    product_line: str,
    industry: str,
    source: str,
    notes: str,
    prefix: str = "segment.",
    extra: Iterable[tuple[str, str]] = (),
) -> SegmentFields:
    """A segment's state, every bad field at once (`extra` adds violations found earlier)."""
    fields = SegmentFields(
        name=clean_text(name),
        currency=size_currency.strip().upper(),
        size_minor=size_minor,
        potential_minor=potential_minor,
        product_line=clean_text(product_line),
        industry=clean_text(industry).lower(),
        source=clean_text(source),
        notes=notes.strip(),
    )
    v = Validator()
    for field_name, description in extra:
        v.add(field_name, description)
    v.require(f"{prefix}name", fields.name)
    if not has_size:
        v.add(f"{prefix}size", "is required: the total market spend of the segment")
    else:
        v.check(
            bool(_CURRENCY.match(fields.currency)),
            f"{prefix}size.currency",
            "must be an ISO 4217 code such as EUR",
        )
        v.check(size_minor > 0, f"{prefix}size.amount_minor", "must be positive")
    if not has_potential:
        v.add(f"{prefix}potential", "is required: what of the size is reachable for us")
    else:
        if has_size:
            v.check(
                potential_currency.strip().upper() == fields.currency,
                f"{prefix}potential.currency",
                f"must be the size's currency {fields.currency}",
            )
        if potential_minor < 0:
            v.add(f"{prefix}potential.amount_minor", "must not be negative")
        elif has_size and potential_minor > size_minor:
            v.add(f"{prefix}potential.amount_minor", "must not exceed the segment's size")
    v.optional(f"{prefix}product_line", fields.product_line, 100)
    v.optional(f"{prefix}industry", fields.industry, 100)
    v.optional(f"{prefix}source", fields.source, 500)
    v.optional(f"{prefix}notes", fields.notes, MAX_NOTES)
    v.raise_if_any()
    return fields


def parse_period(v: Validator, calendar: FiscalCalendar, code: str, field_name: str) -> str:
    """The canonical period code, or "" with a violation added."""
    try:
        return calendar.period(code, field_name).code
    except InvalidArgument as error:
        v.violations.extend(error.violations)
        return ""


def share_bp(revenue_minor: int, base_minor: int) -> int:
    """`revenue_minor` / `base_minor` in basis points, half up; 0 when the base is not positive.

    >>> share_bp(1_000, 8_000), share_bp(1, 3), share_bp(0, 0)
    (1250, 3333, 0)
    """
    if base_minor <= 0:
        return 0
    return divide_half_up(revenue_minor * BASIS_POINTS, base_minor)


@dataclass(frozen=True)
class CompetitorFields:
    name: str
    name_key: str
    website: str
    products: list[str]
    strengths: list[str]
    weaknesses: list[str]
    notes: str


def _short_texts(v: Validator, field_name: str, values: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for index, value in enumerate(values):
        text = clean_text(value)
        if not text:
            continue
        if len(text) > MAX_ITEM_LENGTH:
            v.add(f"{field_name}[{index}]", f"must be at most {MAX_ITEM_LENGTH} characters")
        elif text.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(text)
    if len(cleaned) > MAX_LIST_ITEMS:
        v.add(field_name, f"at most {MAX_LIST_ITEMS} entries")
    return cleaned


def check_competitor(
    *,
    name: str,
    website: str,
    products: Iterable[str],
    strengths: Iterable[str],
    weaknesses: Iterable[str],
    notes: str,
    prefix: str = "competitor.",
) -> CompetitorFields:
    """A competitor's profile, every bad field at once; lists cleaned and de-duplicated."""
    v = Validator()
    cleaned_name = clean_text(name)
    v.require(f"{prefix}name", cleaned_name)
    key = normalized_name(cleaned_name)
    if cleaned_name and not key:
        v.add(f"{prefix}name", "must contain letters or digits besides a legal form")
    domain = normalized_domain(website) if website.strip() else ""
    if website.strip() and not domain:
        v.add(f"{prefix}website", "must be a web address such as acme.com")
    fields = CompetitorFields(
        name=cleaned_name,
        name_key=key,
        website=domain,
        products=_short_texts(v, f"{prefix}products", products),
        strengths=_short_texts(v, f"{prefix}strengths", strengths),
        weaknesses=_short_texts(v, f"{prefix}weaknesses", weaknesses),
        notes=notes.strip(),
    )
    v.optional(f"{prefix}notes", fields.notes, MAX_NOTES)
    v.raise_if_any()
    return fields


@dataclass(frozen=True)
class IntelFields:
    competitor_id: str
    territory_id: str
    region: str
    kind: IntelKind
    title: str
    details: str
    source: str
    observed_on: date


def parse_date(v: Validator, field_name: str, value: str, *, required: bool) -> date | None:
    """An ISO 8601 date, or None (with a violation when required or malformed)."""
    value = value.strip()
    if not value:
        if required:
            v.add(field_name, "is required (ISO 8601 date, for example 2027-01-04)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        v.add(field_name, "must be an ISO 8601 date, for example 2027-01-04")
        return None


def check_intel(
    *,
    competitor_id: str,
    territory_id: str,
    region: str,
    kind: IntelKind | None,
    title: str,
    details: str,
    source: str,
    observed_on: str,
    today: date,
) -> IntelFields:
    """An intelligence entry, every bad field at once; the observed date is not after `today`."""
    v = Validator()
    v.require("competitor_id", competitor_id.strip(), 36)
    region = region.strip().upper()
    if not territory_id.strip():
        v.require("region", region, 32)
    if kind is None:
        v.add("kind", f"is required: one of {', '.join(k.value for k in IntelKind)}")
    cleaned_title = clean_text(title)
    v.require("title", cleaned_title)
    v.optional("details", details.strip(), MAX_DETAILS)
    v.optional("source", clean_text(source), 500)
    observed = parse_date(v, "observed_on", observed_on, required=True)
    if observed is not None and observed > today:
        v.add("observed_on", f"must not be in the future (today is {today.isoformat()})")
    v.raise_if_any()
    assert kind is not None and observed is not None
    return IntelFields(
        competitor_id=competitor_id.strip(),
        territory_id=territory_id.strip(),
        region=region,
        kind=kind,
        title=cleaned_title,
        details=details.strip(),
        source=clean_text(source),
        observed_on=observed,
    )


def search_text(title: str, details: str) -> str:
    """What a text query searches: title and details, white space folded, case-folded."""
    return clean_text(f"{title} {details}").casefold()


def like_pattern(query: str) -> str:
    """A LIKE pattern finding `query` anywhere (case-folded; %, _ and \\ escaped with \\)."""
    folded = clean_text(query).casefold()
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
