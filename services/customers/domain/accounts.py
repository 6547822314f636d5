"""Customer archive rules as plain Python: opening an account from a converted lead."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import Validator
from services.kit.normalize import normalized_name


class CustomerStatus(StrEnum):
    """Where the relationship with a customer stands."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    DORMANT = "dormant"
    CHURNED = "churned"


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
