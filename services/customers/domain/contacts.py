"""Contacts: the people at a customer, checked and normalised, and what erasing one means.

Email addresses are stored case-folded and phone numbers as digits with a
leading "+" when given in international form (`services.kit.normalize`), so
two spellings of one address are one contact.

Erasure (a data-subject request) is irreversible and idempotent. The row
stays, so counts and references (timeline entries, consent statements, the
audit) keep pointing at something, but every personal field is emptied: the
name reads `ERASED_NAME`, title, email, phone, language, buying role and
preferred channel are cleared, and do-not-contact is set (nobody may contact
a person whose erasure they asked for, and nothing is left to contact them
with). Text elsewhere that mentions the person is redacted with
`redact_mentions`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import FailedPrecondition, RuleViolation, Validator
from services.kit.normalize import clean_text, normalized_email, normalized_phone

ERASED_NAME = "Erased contact"
REDACTED = "[erased]"
# Shorter mentions are not searched for: "Al" would redact half of any text.
MIN_MENTION_LENGTH = 3

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# BCP 47 in the shape people use: a language, then subtags (script, region, variant).
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# E.164 allows at most 15 digits; fewer than 5 is not a reachable number.
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 5, 15


class BuyingRole(StrEnum):
    """The part a contact plays in a buying decision."""

    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    USER = "user"
    CHAMPION = "champion"
    BLOCKER = "blocker"
    ECONOMIC_BUYER = "economic_buyer"
    OTHER = "other"


class ContactChannel(StrEnum):
    """A way of reaching a person (for preferences and consent)."""

    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    POST = "post"
    MESSAGING = "messaging"


# Channels that need an address the contact record holds.
_CHANNEL_NEEDS = {
    ContactChannel.EMAIL: "email",
    ContactChannel.PHONE: "phone",
    ContactChannel.SMS: "phone",
}

EDITABLE_FIELDS = frozenset(
    {
        "name",
        "title",
        "email",
        "phone",
        "buying_role",
        "preferences",
        "preferences.preferred_channel",
        "preferences.language",
        "preferences.do_not_contact",
    }
)


@dataclass(frozen=True)
class ContactDetails:
    """A contact's own fields, normalised and valid; "" means not known (or no preference)."""

    name: str
    title: str
    email: str
    phone: str
    buying_role: str
    preferred_channel: str
    language: str
    do_not_contact: bool


def check_contact(
    check: Validator,
    *,
    name: str,
    title: str,
    email: str,
    phone: str,
    buying_role: str | None,
    preferred_channel: str | None,
    language: str,
    do_not_contact: bool,
    prefix: str = "",
    only: Collection[str] | None = None,
) -> ContactDetails:
    """Normalise a contact's fields, adding a violation to `check` for each bad one.

    `buying_role` and `preferred_channel` are None when the caller sent a value
    that is not one of the enum's, "" when they sent none. Field names get
    `prefix` ("contact." for an update) so they match the request. `only`
    limits the checks to the fields an update changes (`EDITABLE_FIELDS`
    names), so a value stored long ago does not block an unrelated change;
    the rule that a preferred channel needs its address is checked whenever
    either side of it changes.
    """
    details = ContactDetails(
        name=clean_text(name),
        title=clean_text(title),
        email=normalized_email(email),
        phone=normalized_phone(phone),
        buying_role=buying_role or "",
        preferred_channel=preferred_channel or "",
        language=language.strip(),
        do_not_contact=do_not_contact,
    )

    def checked(field_name: str) -> bool:
        return only is None or field_name in only

    if checked("name"):
        check.require(f"{prefix}name", details.name)
    if checked("title"):
        check.optional(f"{prefix}title", details.title)
    if checked("email") and details.email:
        check.check(
            len(details.email) <= 254 and bool(_EMAIL.match(details.email)),
            f"{prefix}email",
            "must be an email address like name@example.com (at most 254 characters)",
        )
    if checked("phone") and phone.strip():
        digits = len(details.phone.lstrip("+"))
        check.check(
            MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS,
            f"{prefix}phone",
            f"must have {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits, "
            "for example +49 30 1234567",
        )
    if checked("buying_role"):
        check.check(
            buying_role is not None,
            f"{prefix}buying_role",
            f"must be one of {', '.join(r.value for r in BuyingRole)} (or left unspecified)",
        )
    channel_field = "preferences.preferred_channel"
    if checked(channel_field) and preferred_channel is None:
        check.add(
            prefix + channel_field,
            f"must be one of {', '.join(c.value for c in ContactChannel)} (or left unspecified)",
        )
    elif preferred_channel and (only is None or {channel_field, "email", "phone"} & set(only)):
        needed = _CHANNEL_NEEDS.get(ContactChannel(preferred_channel))
        if needed and not getattr(details, needed):
            check.add(
                prefix + channel_field, f"is {preferred_channel}, but the contact has no {needed}"
            )
    if checked("preferences.language") and details.language:
        check.check(
            len(details.language) <= 35 and bool(_LANGUAGE_TAG.match(details.language)),
            f"{prefix}preferences.language",
            'must be a BCP 47 language tag such as "de" or "en-GB"',
        )
    return details


def changed_fields(paths: Iterable[str]) -> set[str]:
    """The contact fields an update mask changes ("preferences" stands for all three)."""
    fields: set[str] = set()
    for path in paths:
        if path == "preferences":
            fields |= {f for f in EDITABLE_FIELDS if f.startswith("preferences.")}
        else:
            fields.add(path)
    return fields


def validate_update_mask(paths: Iterable[str]) -> list[str]:
    """The fields an update changes; each must be editable, and there must be one."""
    paths = list(dict.fromkeys(paths))
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
    return paths


def require_not_erased(contact_id: str, erased: bool, action: str) -> None:
    """FailedPrecondition when the contact was erased: an erased person is never re-created."""
    if erased:
        raise FailedPrecondition(
            [
                RuleViolation(
                    "STATE",
                    f"contact/{contact_id}",
                    f"the contact was erased on request; it cannot {action}",
                )
            ]
        )


def may_handle_personal_data_requests(roles: Collection[str]) -> bool:
    """Export and erasure are for a manager, director or admin (of the customer's region)."""
    return bool(set(roles) & {"manager", "director", "admin"})


def mention_terms(name: str, email: str, phone: str) -> list[str]:
    """What identifies a person in free text: their full name, email and phone."""
    terms = [clean_text(name), email.strip(), phone.strip()]
    return sorted(
        {term for term in terms if len(term) >= MIN_MENTION_LENGTH}, key=lambda t: (-len(t), t)
    )


def mentions(text: str, terms: Iterable[str]) -> bool:
    """Whether `text` mentions any of `terms` (case-insensitive)."""
    folded = text.casefold()
    return any(term.casefold() in folded for term in terms)


def redact_mentions(text: str, terms: Iterable[str]) -> str:
    """`text` with every mention of `terms` replaced by "[erased]" (case-insensitive).

    >>> redact_mentions("Call with Jo Doe (jo@acme.example)", ["Jo Doe", "jo@acme.example"])
    'Call with [erased] ([erased])'
    """
    for term in terms:
        text = re.sub(re.escape(term), REDACTED, text, flags=re.IGNORECASE)
    return text
