"""Lead rules as plain Python: what a valid lead is, when two leads are one, how a lead may move.

Also the first-contact SLA arithmetic. Scoring lives in `lead_scoring`,
routing in `lead_routing`. The api module translates protos to these calls
and back; the tests call them directly. Nothing here knows about gRPC, HTTP,
nameko or SQL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.kit.config import ConfigError
from services.kit.errors import FailedPrecondition, InvalidArgument, RuleViolation, Validator

# The text and size-band rules are the kit's (the customer archive uses them too);
# re-exported here for the pipeline's other areas.
from services.kit.normalize import COMPANY_SIZE_BANDS as COMPANY_SIZE_BANDS
from services.kit.normalize import clean_text as clean_text
from services.kit.normalize import company_size_band as company_size_band
from services.kit.normalize import normalized_email, normalized_name, normalized_phone

REGION_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{1,31}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]{5,32}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
LEAD_SOURCES = frozenset(
    {"web", "event", "referral", "partner", "outbound", "inbound_call", "other"}
)


class LeadStatus(StrEnum):
    """Where a lead stands in its life."""

    NEW = "new"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"


# The only moves a lead can make; anything else is refused with the rule named.
LEAD_TRANSITIONS: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.NEW: frozenset({LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED}),
    LeadStatus.QUALIFIED: frozenset({LeadStatus.DISQUALIFIED, LeadStatus.CONVERTED}),
    LeadStatus.DISQUALIFIED: frozenset(),
    LeadStatus.CONVERTED: frozenset(),
}
# Leads still being worked: the ones duplicates are checked against, that
# count against a rep's capacity, and whose first-contact SLA runs.
OPEN_STATUSES: frozenset[LeadStatus] = frozenset({LeadStatus.NEW, LeadStatus.QUALIFIED})


@dataclass(frozen=True)
class NewLead:
    """A lead as captured, after validation and normalisation."""

    region: str
    company_name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_title: str
    country: str
    industry: str
    source: str
    campaign: str
    company_size: str
    # Empty when the lead is to be routed.
    owner_id: str


def validate_new_lead(
    *,
    region: str,
    company_name: str,
    contact_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    contact_title: str = "",
    country: str = "",
    industry: str = "",
    source: str = "",
    campaign: str = "",
    company_size: str = "",
    owner_id: str = "",
) -> NewLead:
    """Normalise and check a lead; InvalidArgument lists every bad field at once.

    An empty `owner_id` means "route it"; the caller decides who may leave it empty.
    """
    band = company_size_band(company_size)
    lead = NewLead(
        region=region.strip().upper(),
        company_name=clean_text(company_name),
        contact_name=clean_text(contact_name),
        contact_email=contact_email.strip().lower(),
        contact_phone=clean_text(contact_phone),
        contact_title=clean_text(contact_title),
        country=country.strip().upper(),
        industry=clean_text(industry).lower(),
        source=(source.strip().lower() or "other"),
        campaign=clean_text(campaign),
        company_size=band or "",
        owner_id=owner_id.strip(),
    )
    check = Validator()
    check.check(
        bool(REGION_PATTERN.match(lead.region)),
        "region",
        "must be a region code such as EMEA or CN-EAST (2-32 letters, digits or '-')",
    )
    check.require("company_name", lead.company_name)
    check.require("contact_name", lead.contact_name)
    check.check(
        bool(lead.contact_email or lead.contact_phone),
        "contact_email",
        "an email or a phone number is required to contact the lead",
    )
    if lead.contact_email:
        check.check(
            len(lead.contact_email) <= 254 and bool(EMAIL_PATTERN.match(lead.contact_email)),
            "contact_email",
            "must be an email address like name@example.com",
        )
    if lead.contact_phone:
        check.check(
            bool(PHONE_PATTERN.match(lead.contact_phone)),
            "contact_phone",
            "must be a phone number: digits, spaces and + ( ) . - only, 5 to 32 characters",
        )
    check.optional("contact_title", lead.contact_title)
    if lead.country:
        check.check(
            bool(COUNTRY_PATTERN.match(lead.country)),
            "country",
            "must be an ISO 3166-1 alpha-2 code such as DE or CN",
        )
    check.optional("industry", lead.industry, max_length=100)
    check.check(
        lead.source in LEAD_SOURCES,
        "source",
        f"must be one of {', '.join(sorted(LEAD_SOURCES))}",
    )
    check.optional("campaign", lead.campaign, max_length=100)
    check.check(
        band is not None,
        "company_size",
        f"must be a size band ({', '.join(COMPANY_SIZE_BANDS)}) or a head count such as 120",
    )
    check.optional("owner_id", lead.owner_id, max_length=100)
    check.raise_if_any()
    return lead


# --- duplicates -------------------------------------------------------------------------

# The order in which keys are compared: an email names a person best, a
# company name least.
DUPLICATE_FIELDS = ("contact_email", "contact_phone", "company_name")


@dataclass(frozen=True)
class LeadKeys:
    """A lead's matching keys: normalised email, phone and company name ("" when absent)."""

    email: str
    phone: str
    name: str

    def by_field(self) -> dict[str, str]:
        """The keys by the lead field they come from, in DUPLICATE_FIELDS order."""
        return {"contact_email": self.email, "contact_phone": self.phone, "company_name": self.name}


def lead_keys(*, contact_email: str, contact_phone: str, company_name: str) -> LeadKeys:
    """The matching keys of a lead (see services.kit.normalize)."""
    return LeadKeys(
        email=normalized_email(contact_email),
        phone=normalized_phone(contact_phone),
        name=normalized_name(company_name),
    )


@dataclass(frozen=True)
class DuplicateMatch:
    """An open lead a new one duplicates, and the field whose key matched."""

    lead_id: str
    matched_on: str
    # The row of the same import that created it; 0 for a lead that existed before.
    row_number: int = 0

    def describe(self) -> str:
        where = f" (row {self.row_number} of this import)" if self.row_number else ""
        return (
            f"a lead with the same {self.matched_on.replace('_', ' ')} is open already: "
            f"lead '{self.lead_id}'{where}"
        )


class DuplicateIndex:
    """Open leads by their matching keys, to find the likely duplicate of a new lead.

    Filled from the database (open leads of the region) and, during an import,
    with each lead the import creates, so a file that repeats a lead is caught
    too. Keys are scoped by region: another region's lead is not a duplicate.
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, str], DuplicateMatch] = {}

    def add(self, region: str, keys: LeadKeys, lead_id: str, row_number: int = 0) -> None:
        """Remember an open lead; the first lead seen for a key stays its match."""
        for field_name, key in keys.by_field().items():
            if key:
                self._by_key.setdefault(
                    (region, field_name, key), DuplicateMatch(lead_id, field_name, row_number)
                )

    def match(self, region: str, keys: LeadKeys) -> DuplicateMatch | None:
        """The open lead `keys` duplicates, checking email, then phone, then company name."""
        for field_name, key in keys.by_field().items():
            if key:
                found = self._by_key.get((region, field_name, key))
                if found is not None:
                    return DuplicateMatch(found.lead_id, field_name, found.row_number)
        return None


def require_transition(lead_id: str, current: LeadStatus, target: LeadStatus) -> None:
    """Raise FailedPrecondition unless a lead in `current` may move to `target`."""
    if target in LEAD_TRANSITIONS[current]:
        return
    allowed = sorted(s.value for s, targets in LEAD_TRANSITIONS.items() if target in targets)
    raise FailedPrecondition(
        [
            RuleViolation(
                type="STATE",
                subject=f"leads/{lead_id}",
                description=(
                    f"a {current.value} lead cannot become {target.value}; "
                    f"only a lead that is {' or '.join(allowed) or 'never'} can"
                ),
            )
        ]
    )


def require_open(lead_id: str, current: LeadStatus, action: str) -> None:
    """Raise FailedPrecondition unless the lead is still being worked (new or qualified)."""
    if current in OPEN_STATUSES:
        return
    raise FailedPrecondition(
        [
            RuleViolation(
                type="STATE",
                subject=f"leads/{lead_id}",
                description=f"a {current.value} lead cannot be {action}; only a new or "
                "qualified lead can",
            )
        ]
    )


def require_owner_to_convert(lead_id: str, owner_id: str) -> None:
    """A lead becomes a customer with an owner: an unassigned lead is assigned first."""
    if owner_id:
        return
    raise FailedPrecondition(
        [
            RuleViolation(
                type="POLICY",
                subject=f"leads/{lead_id}",
                description="an unassigned lead cannot be converted; assign it to a rep first "
                "(the rep becomes the account's owner)",
            )
        ]
    )


def validate_assignment(owner_id: str, note: str) -> tuple[str, str]:
    """The new owner and the note of an assignment, cleaned; the owner is required."""
    owner = owner_id.strip()
    cleaned_note = clean_text(note)
    check = Validator()
    check.require("owner_id", owner, max_length=100)
    check.optional("note", cleaned_note, max_length=300)
    check.raise_if_any()
    return owner, cleaned_note


def assignment_reason(assigned_by: str, note: str = "") -> str:
    """The recorded reason of an owner chosen by a person rather than by routing."""
    return f"assigned by {assigned_by}" + (f": {note}" if note else "")


def own_capture_reason(rep: str) -> str:
    """The recorded reason of a lead a rep captured for themselves."""
    return f"captured by {rep} (a rep owns the leads they capture)"


# --- first-contact SLA -----------------------------------------------------------------

DEFAULT_SLA_HOURS = 24
MAX_SLA_HOURS = 720
SLA_HOURS_VARIABLE = "SALESOPS_LEAD_SLA_HOURS"


def validate_sla_hours(hours: int, field_name: str = "hours") -> int:
    """A first-contact SLA in whole hours, 1 to MAX_SLA_HOURS (30 days)."""
    if not 1 <= hours <= MAX_SLA_HOURS:
        raise InvalidArgument.of(field_name, f"must be between 1 and {MAX_SLA_HOURS} hours")
    return hours


def default_sla_hours(env: Mapping[str, str]) -> int:
    """The SLA of regions without a policy: SALESOPS_LEAD_SLA_HOURS, 24 when unset.

    A value that is present but not 1..720 stops the process naming the variable.
    """
    raw = env.get(SLA_HOURS_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_SLA_HOURS
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SLA_HOURS:
        raise ConfigError(SLA_HOURS_VARIABLE, f"is {raw!r}; expected whole hours 1-{MAX_SLA_HOURS}")
    return int(raw)


def sla_due_at(captured_at: datetime, hours: int) -> datetime:
    """When the first contact of a lead captured at `captured_at` is due.

    The due time is fixed at capture: a later policy change applies to leads
    captured after it, so nobody's deadline moves under their feet.
    """
    return captured_at + timedelta(hours=hours)


def is_sla_breached(
    *, status: LeadStatus, due_at: datetime | None, contacted_at: datetime | None, now: datetime
) -> bool:
    """Whether an open lead's first contact is overdue at `now` (a due time equal to now is not)."""
    return status in OPEN_STATUSES and due_at is not None and contacted_at is None and now > due_at


def validate_contact_time(
    contact_time: datetime | None, *, captured_at: datetime, now: datetime
) -> datetime:
    """When a lead was first contacted: now if not given; not in the future nor before capture."""
    if contact_time is None:
        return now
    check = Validator()
    check.check(contact_time <= now, "contact_time", "must not be in the future")
    check.check(
        contact_time >= captured_at,
        "contact_time",
        f"must not be before the lead was captured ({captured_at.isoformat()})",
    )
    check.raise_if_any()
    return contact_time


def validate_disqualify_reason(reason: str) -> str:
    """The reason for disqualifying, cleaned; it is required."""
    cleaned = clean_text(reason)
    check = Validator()
    check.require("reason", cleaned, max_length=500)
    check.raise_if_any()
    return cleaned
