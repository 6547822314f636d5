"""Customer archive rules as plain Python: what a valid account is, when two accounts are one.

An account has a legal name, a registration or tax id, a web domain, its
industry, size and address, a region, a status, an optional parent (groups,
never a cycle) and one owner. Two accounts in a region are likely the same
company when their normalised names, web domains or tax ids match; the
caller then confirms or merges. Who may change an account: its owner, the
owner's manager, a director or an admin (the region checked apart).

Nothing here knows about gRPC, SQL or nameko.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from services.kit.errors import (
    ExistingRecord,
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    Validator,
)
from services.kit.normalize import (
    COMPANY_SIZE_BANDS,
    clean_text,
    company_size_band,
    normalized_domain,
    normalized_tax_id,
)

# The archive's name key is the kit's; re-exported for the archive's callers.
from services.kit.normalize import normalized_name as normalized_name

REGION_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{1,31}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,39}$")
MAX_TAGS = 30
# Roles that may change any account of their regions.
MANAGING_ROLES = frozenset({"director", "admin"})


class CustomerStatus(StrEnum):
    """Where the relationship with a customer stands."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    DORMANT = "dormant"
    CHURNED = "churned"
    # Merged into another account: the row only points at the survivor.
    MERGED = "merged"


# Statuses a person may set; MERGED only comes from a merge.
SETTABLE_STATUSES = frozenset(
    {CustomerStatus.PROSPECT, CustomerStatus.ACTIVE, CustomerStatus.DORMANT, CustomerStatus.CHURNED}
)
# Fields UpdateCustomer may change (update_mask paths).
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "tax_id",
        "domain",
        "industry",
        "company_size",
        "address",
        "country",
        "status",
        "parent_id",
        "potential",
    }
)
# The fields duplicate detection looks at.
MATCHING_FIELDS = frozenset({"name", "tax_id", "domain"})


@dataclass(frozen=True)
class AccountFromLead:
    """What the archive needs from a converted lead to open an account and its first contact."""

    lead_id: str
    region: str
    name: str
    country: str
    industry: str
    owner_id: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_title: str

    @property
    def normalized_name(self) -> str:
        return normalized_name(self.name)


def account_from_lead(
    *,
    lead_id: str,
    region: str,
    company_name: str,
    country: str,
    industry: str,
    owner_id: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    contact_title: str,
) -> AccountFromLead:
    """Check a converted lead's data; InvalidArgument names what the event lacks."""
    account = AccountFromLead(
        lead_id=lead_id.strip(),
        region=region.strip().upper(),
        name=" ".join(company_name.split()),
        country=country.strip().upper(),
        industry=industry.strip(),
        owner_id=owner_id.strip(),
        contact_name=" ".join(contact_name.split()),
        contact_email=contact_email.strip().lower(),
        contact_phone=contact_phone.strip(),
        contact_title=contact_title.strip(),
    )
    check = Validator()
    check.require("lead_id", account.lead_id, max_length=36)
    check.require("region", account.region, max_length=32)
    check.require("company_name", account.name)
    check.require("owner_id", account.owner_id, max_length=100)
    check.raise_if_any()
    return account


# --- account fields ------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """Where an account is; the country is a field of the account."""

    street: str = ""
    city: str = ""
    postal_code: str = ""
    state_province: str = ""


@dataclass(frozen=True)
class Money:
    """An amount in minor units of an ISO 4217 currency ("" and 0 for none)."""

    currency: str = ""
    amount_minor: int = 0


@dataclass(frozen=True)
class AccountInput:
    """An account's fields as a caller sends them (create, or the fields of an update)."""

    name: str = ""
    tax_id: str = ""
    domain: str = ""
    industry: str = ""
    company_size: str = ""
    address: Address = field(default_factory=Address)
    country: str = ""
    status: str = ""
    parent_id: str = ""
    potential: Money = field(default_factory=Money)


@dataclass(frozen=True)
class AccountFields:
    """An account's fields after validation and normalisation."""

    name: str
    tax_id: str
    domain: str
    industry: str
    company_size: str
    address: Address
    country: str
    status: CustomerStatus
    parent_id: str
    potential: Money

    @property
    def keys(self) -> MatchKeys:
        return MatchKeys.of(self.name, self.domain, self.tax_id)


def _clean_address(check: Validator, prefix: str, address: Address) -> Address:
    cleaned = Address(
        street=clean_text(address.street),
        city=clean_text(address.city),
        postal_code=clean_text(address.postal_code).upper(),
        state_province=clean_text(address.state_province),
    )
    check.optional(f"{prefix}address.street", cleaned.street)
    check.optional(f"{prefix}address.city", cleaned.city, max_length=100)
    check.optional(f"{prefix}address.postal_code", cleaned.postal_code, max_length=20)
    check.optional(f"{prefix}address.state_province", cleaned.state_province, max_length=100)
    return cleaned


def clean_account(
    given: AccountInput,
    *,
    fields: Iterable[str] = EDITABLE_FIELDS,
    prefix: str = "",
    default_status: CustomerStatus | None = CustomerStatus.PROSPECT,
) -> AccountFields:
    """Validate and normalise the `fields` of `given`; InvalidArgument lists every bad one.

    Fields not in `fields` come back cleaned but unchecked (the caller keeps
    the stored values for them). `prefix` is put before field names in
    violations ("customer." for an update).
    """
    wanted = set(fields)
    check = Validator()
    name = clean_text(given.name)
    if "name" in wanted:
        check.require(f"{prefix}name", name)
        check.check(
            not name or bool(normalized_name(name)),
            f"{prefix}name",
            "must contain letters or digits beyond a legal form",
        )
    tax_id = clean_text(given.tax_id)
    if "tax_id" in wanted:
        check.optional(f"{prefix}tax_id", tax_id, max_length=64)
        check.check(
            not tax_id or bool(normalized_tax_id(tax_id)),
            f"{prefix}tax_id",
            "must contain letters or digits",
        )
    domain = normalized_domain(given.domain) if given.domain.strip() else ""
    if "domain" in wanted:
        check.check(
            not given.domain.strip() or bool(domain),
            f"{prefix}domain",
            "must be a web domain or site address such as acme.com or https://www.acme.com",
        )
    industry = clean_text(given.industry)
    if "industry" in wanted:
        check.optional(f"{prefix}industry", industry, max_length=100)
    band = company_size_band(given.company_size)
    if "company_size" in wanted:
        check.check(
            band is not None,
            f"{prefix}company_size",
            f"must be a size band ({', '.join(COMPANY_SIZE_BANDS)}) or a head count such as 120",
        )
    address = _clean_address(check, prefix, given.address) if "address" in wanted else Address()
    country = given.country.strip().upper()
    if "country" in wanted:
        check.check(
            not country or bool(COUNTRY_PATTERN.match(country)),
            f"{prefix}country",
            "must be an ISO 3166-1 alpha-2 code such as DE",
        )
    status = default_status
    if "status" in wanted:
        raw = given.status.strip().lower()
        if raw:
            try:
                status = CustomerStatus(raw)
            except ValueError:
                status = None
            if status not in SETTABLE_STATUSES:
                check.add(
                    f"{prefix}status",
                    "must be one of " + ", ".join(sorted(s.value for s in SETTABLE_STATUSES)),
                )
        elif default_status is None:
            check.add(f"{prefix}status", "is required")
    parent_id = given.parent_id.strip()
    if "parent_id" in wanted:
        check.optional(f"{prefix}parent_id", parent_id, max_length=36)
    potential = Money(given.potential.currency.strip().upper(), given.potential.amount_minor)
    if "potential" in wanted and (potential.currency or potential.amount_minor):
        check.check(
            bool(CURRENCY_PATTERN.match(potential.currency)),
            f"{prefix}potential.currency",
            "must be an ISO 4217 code such as EUR",
        )
        check.check(
            potential.amount_minor >= 0,
            f"{prefix}potential.amount_minor",
            "must not be negative",
        )
    check.raise_if_any()
    return AccountFields(
        name=name,
        tax_id=tax_id,
        domain=domain,
        industry=industry,
        company_size=band or "",
        address=address,
        country=country,
        status=status or CustomerStatus.PROSPECT,
        parent_id=parent_id,
        potential=potential,
    )


def clean_region(region: str, field_name: str = "region") -> str:
    """A region code, upper case; InvalidArgument if it is not one."""
    cleaned = region.strip().upper()
    if not REGION_PATTERN.match(cleaned):
        raise InvalidArgument.of(field_name, "must be a region code such as EMEA or CN-EAST")
    return cleaned


def validate_update_mask(paths: Sequence[str]) -> list[str]:
    """The fields an update changes; each must be editable, and there must be one."""
    check = Validator()
    editable = ", ".join(sorted(EDITABLE_FIELDS))
    if not paths:
        check.add("update_mask", f"name at least one of {editable}")
    for path in paths:
        check.check(
            path in EDITABLE_FIELDS,
            "update_mask",
            f"'{path}' cannot be changed; editable: {editable}",
        )
    check.raise_if_any()
    return list(dict.fromkeys(paths))


def clean_tags(tags: Iterable[str], field_name: str) -> list[str]:
    """Tags lower-cased with white space folded, each checked; duplicates dropped."""
    check = Validator()
    cleaned: list[str] = []
    for index, tag in enumerate(tags):
        value = " ".join(tag.lower().split())
        if not TAG_PATTERN.match(value):
            check.add(
                f"{field_name}[{index}]",
                "must be 1 to 40 letters, digits, spaces, '-' or '_', starting with a letter "
                "or digit",
            )
        elif value not in cleaned:
            cleaned.append(value)
    check.raise_if_any()
    return cleaned


def apply_tag_changes(
    current: Iterable[str], add: Sequence[str], remove: Sequence[str]
) -> list[str]:
    """The tag set after adding and removing (both cleaned); at most MAX_TAGS; sorted."""
    added = clean_tags(add, "add")
    removed = set(clean_tags(remove, "remove"))
    result = (set(current) | set(added)) - removed
    if len(result) > MAX_TAGS:
        raise InvalidArgument.of("add", f"an account has at most {MAX_TAGS} tags")
    return sorted(result)


# --- duplicates ----------------------------------------------------------------------


@dataclass(frozen=True)
class MatchKeys:
    """The keys two accounts are compared by; an empty key never matches."""

    name: str
    domain: str
    tax_id: str

    @classmethod
    def of(cls, name: str, domain: str, tax_id: str) -> MatchKeys:
        """Keys from an account's stored values (the domain is stored normalised)."""
        return cls(normalized_name(name), domain, normalized_tax_id(tax_id))


@dataclass(frozen=True)
class ArchivedAccount:
    """An account already in the archive, as duplicate detection sees it."""

    customer_id: str
    name: str
    owner_id: str
    keys: MatchKeys


def duplicate_reasons(new: MatchKeys, existing: MatchKeys) -> list[str]:
    """Why `existing` is likely the same company as `new` (empty: it is not)."""
    reasons = []
    if new.tax_id and new.tax_id == existing.tax_id:
        reasons.append(f"same tax id '{new.tax_id}'")
    if new.domain and new.domain == existing.domain:
        reasons.append(f"same web domain '{new.domain}'")
    if new.name and new.name == existing.name:
        reasons.append(f"same normalised name '{new.name}'")
    return reasons


def duplicate_candidates(
    new: MatchKeys, archive: Iterable[ArchivedAccount]
) -> list[ExistingRecord]:
    """The accounts of `archive` that match `new`, each with why, strongest match first."""
    found = []
    for account in archive:
        reasons = duplicate_reasons(new, account.keys)
        if reasons:
            found.append(
                (
                    -len(reasons),
                    account.customer_id,
                    ExistingRecord(
                        key=account.customer_id,
                        owner=account.owner_id,
                        description=f"{account.name}: " + "; ".join(reasons),
                    ),
                )
            )
    return [candidate for *_order, candidate in sorted(found, key=lambda f: (f[0], f[1]))]


# --- groups --------------------------------------------------------------------------


def check_parent(customer_id: str, parent_id: str, parent_of: Callable[[str], str | None]) -> None:
    """Refuse a parent that would make a cycle: the account itself or one of its descendants.

    `parent_of(id)` answers the stored parent of an account ("" or None for none).
    """
    if not parent_id:
        return
    seen = {customer_id}
    current: str | None = parent_id
    while current:
        if current in seen:
            raise FailedPrecondition.of(
                "POLICY",
                f"customer/{customer_id}",
                f"parent '{parent_id}' would make a cycle: an account cannot be its own ancestor",
            )
        seen.add(current)
        current = parent_of(current)


# --- authority -----------------------------------------------------------------------


def may_manage_account(
    roles: frozenset[str], subject: str, owner_id: str, owner_manager_id: str | None
) -> bool:
    """Whether the caller may change an account (region checked apart).

    The owner may; a manager may for an account owned by someone in their
    team (the owner's manager, from planning's reps); a director or admin may
    anywhere in their regions.
    """
    if roles & MANAGING_ROLES or subject == owner_id:
        return True
    return "manager" in roles and bool(owner_manager_id) and owner_manager_id == subject


def require_manager_of_account(
    roles: frozenset[str],
    subject: str,
    customer_id: str,
    owner_id: str,
    owner_manager_id: str | None,
) -> None:
    """PermissionDenied unless `may_manage_account`; the message says who may."""
    if not may_manage_account(roles, subject, owner_id, owner_manager_id):
        raise PermissionDenied(
            f"only the owner {owner_id}, their manager or a director may change "
            f"customer '{customer_id}'"
        )


def require_not_merged(customer_id: str, status: str, merged_into: str | None) -> None:
    """A merged account only points at its survivor: nothing else may happen to it."""
    if status == CustomerStatus.MERGED:
        raise FailedPrecondition.of(
            "STATE",
            f"customer/{customer_id}",
            f"the account was merged into '{merged_into}'; change the survivor instead",
        )


def require_same_region(survivor_id: str, survivor_region: str, merged_region: str) -> None:
    """Two accounts are merged within one region: records never change region by a merge."""
    if survivor_region != merged_region:
        raise FailedPrecondition.of(
            "POLICY",
            f"customer/{survivor_id}",
            f"the accounts are in regions {survivor_region} and {merged_region}; "
            "only accounts of one region are merged",
        )


def status_after_first_contract(status: str) -> CustomerStatus | None:
    """A prospect becomes active with its first signed contract; None when nothing changes."""
    return CustomerStatus.ACTIVE if status == CustomerStatus.PROSPECT else None
