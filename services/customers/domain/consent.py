"""Consent per channel: an append-only history of statements, and the state it adds up to.

Each statement says that a person gave (with a lawful basis) or withdrew
permission to be contacted on one channel, and when. Statements are never
changed or deleted, so the history proves what was allowed at any moment; the
current state of a channel is its latest statement by effective time (the
time the person gave or withdrew it, which may precede the time it was
recorded here), ties broken by the order of recording.

A withdrawal is always recorded, even when nothing was given (a person who
says "never call me" has said it); it carries the basis it withdrew, if any.
Do-not-contact on the contact is a separate, stronger wish that overrides
any consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from services.customers.domain.contacts import ContactChannel
from services.kit.errors import Validator
from services.kit.normalize import clean_text

# Clocks differ a little between the caller and us; beyond this, "effective" is in the future.
CLOCK_SKEW = timedelta(minutes=5)
MAX_SOURCE_LENGTH = 500


class LawfulBasis(StrEnum):
    """Why contacting a person on a channel is lawful (GDPR art. 6(1))."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGITIMATE_INTEREST = "legitimate_interest"
    LEGAL_OBLIGATION = "legal_obligation"


class ConsentStatus(StrEnum):
    """Whether a statement grants or withdraws."""

    GIVEN = "given"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ConsentStatement:
    """A statement to record, checked: the channel, status, basis, when and from where."""

    channel: ContactChannel
    status: ConsentStatus
    lawful_basis: str
    effective_at: datetime
    source: str


def _check_channel(check: Validator, channel: str | None) -> None:
    check.check(
        bool(channel),
        "channel",
        f"is required: one of {', '.join(c.value for c in ContactChannel)}",
    )


def _check_when(check: Validator, effective_at: datetime, now: datetime) -> None:
    check.check(
        effective_at <= now + CLOCK_SKEW,
        "effective_time",
        "must not lie in the future (leave it out for now)",
    )


def validate_given(
    *,
    channel: str | None,
    lawful_basis: str | None,
    effective_at: datetime | None,
    source: str,
    now: datetime,
) -> ConsentStatement:
    """A consent (or other basis) given for a channel; every bad field is named.

    `channel` and `lawful_basis` are None or "" when missing or unknown.
    """
    check = Validator()
    _check_channel(check, channel)
    check.check(
        bool(lawful_basis),
        "lawful_basis",
        f"is required: one of {', '.join(b.value for b in LawfulBasis)}",
    )
    when = effective_at or now
    _check_when(check, when, now)
    cleaned = clean_text(source)
    check.optional("source", cleaned, max_length=MAX_SOURCE_LENGTH)
    check.raise_if_any()
    return ConsentStatement(
        ContactChannel(channel or ""), ConsentStatus.GIVEN, lawful_basis or "", when, cleaned
    )


def validate_withdrawn(
    *,
    channel: str | None,
    effective_at: datetime | None,
    source: str,
    now: datetime,
    current_basis: str,
) -> ConsentStatement:
    """A withdrawal for a channel; it carries the basis currently given ("" if none)."""
    check = Validator()
    _check_channel(check, channel)
    when = effective_at or now
    _check_when(check, when, now)
    cleaned = clean_text(source)
    check.optional("source", cleaned, max_length=MAX_SOURCE_LENGTH)
    check.raise_if_any()
    return ConsentStatement(
        ContactChannel(channel or ""), ConsentStatus.WITHDRAWN, current_basis, when, cleaned
    )


class Statement(Protocol):
    """What `current_state` needs of a recorded statement."""

    @property
    def channel(self) -> str: ...

    @property
    def effective_at(self) -> datetime: ...

    @property
    def recorded_at(self) -> datetime: ...

    @property
    def sequence(self) -> int: ...


S = TypeVar("S", bound=Statement)


def latest_first(statements: Iterable[S]) -> list[S]:
    """Statements ordered latest first: by effective time, then by order of recording."""
    return sorted(
        statements, key=lambda s: (s.effective_at, s.recorded_at, s.sequence), reverse=True
    )


def current_state(statements: Iterable[S]) -> list[S]:
    """The latest statement of each channel that has one, in channel order."""
    current: dict[str, S] = {}
    for statement in latest_first(statements):
        current.setdefault(statement.channel, statement)
    order = [c.value for c in ContactChannel]
    return [current[c] for c in sorted(current, key=lambda c: order.index(c) if c in order else 99)]
