"""Pipeline rules as plain Python: what a valid lead is and how a lead may move.

The api module translates protos to these calls and back; the tests call
them directly. Nothing here knows about gRPC, HTTP, nameko or SQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import FailedPrecondition, RuleViolation, Validator

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


def clean_text(value: str) -> str:
    """Unicode NFC, outer spaces stripped and inner runs of white space folded."""
    return " ".join(unicodedata.normalize("NFC", value).split())


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
    owner_id: str,
) -> NewLead:
    """Normalise and check a lead; InvalidArgument lists every bad field at once."""
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
    check.require("owner_id", lead.owner_id, max_length=100)
    check.raise_if_any()
    return lead


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


def validate_disqualify_reason(reason: str) -> str:
    """The reason for disqualifying, cleaned; it is required."""
    cleaned = clean_text(reason)
    check = Validator()
    check.require("reason", cleaned, max_length=500)
    check.raise_if_any()
    return cleaned
