"""Certification rules: the expiry decision, grant and revocation checks.

Pure Python. How long a certification is valid is computed in one place for
every grant, `models.enrollment_store.certification_valid_until` (the day
before the same day `months` later, clamped to month end).

The expiry check runs as of a date: a valid certification whose last day is
before it is expired; one whose last day is at most `expiring_days` ahead
(0 on the last day itself) is expiring, announced once per validity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.kit.errors import FailedPrecondition, Validator

DEFAULT_EXPIRING_DAYS = 30
MAX_VALID_MONTHS = 120


class ExpiryAction(StrEnum):
    NONE = "none"
    EXPIRING = "expiring"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ExpiryDecision:
    action: ExpiryAction
    days_left: int


def expiry_decision(
    *,
    status: str,
    valid_from: date,
    valid_until: date,
    notified_on: date | None,
    as_of: date,
    expiring_days: int,
) -> ExpiryDecision:
    """What the expiry check does to one certification as of `as_of`."""
    days_left = (valid_until - as_of).days
    if status != "valid":
        return ExpiryDecision(ExpiryAction.NONE, days_left)
    if days_left < 0:
        return ExpiryDecision(ExpiryAction.EXPIRED, days_left)
    already = notified_on is not None and notified_on >= valid_from
    if days_left <= expiring_days and not already:
        return ExpiryDecision(ExpiryAction.EXPIRING, days_left)
    return ExpiryDecision(ExpiryAction.NONE, days_left)


def require_revocable(certification_id: str, status: str) -> None:
    """Only a valid or expired certification is revoked (revocation is final)."""
    if status == "revoked":
        raise FailedPrecondition.of(
            "certification_revocable",
            f"certifications/{certification_id}",
            "the certification is revoked already",
        )


def validate_grant(
    v: Validator, rep_id: str, product_line: str, months: int, evidence: str
) -> None:
    """The fields of an admin's grant of a certification obtained outside salesops."""
    v.require("rep_id", rep_id, 100)
    v.require("product_line", product_line, 100)
    v.check(1 <= months <= MAX_VALID_MONTHS, "valid_months", f"must be 1 to {MAX_VALID_MONTHS}")
    v.require("evidence", evidence, 2000)


def parse_date(v: Validator, field_name: str, value: str, default: date) -> date:
    """An optional ISO 8601 date field (`default` when empty)."""
    if not value.strip():
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        v.add(field_name, "must be an ISO 8601 date (YYYY-MM-DD)")
        return default
