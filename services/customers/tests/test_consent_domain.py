"""Consent rules without a database: what a statement needs, and the state a history adds up to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from services.customers.domain import consent as domain
from services.kit.errors import InvalidArgument

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    channel: str
    status: str
    effective_at: datetime
    recorded_at: datetime
    sequence: int


def test_giving_needs_a_channel_and_a_lawful_basis() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_given(channel="", lawful_basis=None, effective_at=None, source="", now=NOW)
    fields = {v.field: v.description for v in caught.value.violations}
    assert set(fields) == {"channel", "lawful_basis"}
    assert "legitimate_interest" in fields["lawful_basis"]


def test_a_statement_may_be_dated_back_but_not_ahead() -> None:
    given = domain.validate_given(
        channel="email",
        lawful_basis="consent",
        effective_at=NOW - timedelta(days=3),
        source="  paper   form ",
        now=NOW,
    )
    assert (given.status, given.effective_at, given.source) == (
        domain.ConsentStatus.GIVEN,
        NOW - timedelta(days=3),
        "paper form",
    )
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_withdrawn(
            channel="email",
            effective_at=NOW + timedelta(hours=1),
            source="",
            now=NOW,
            current_basis="consent",
        )
    assert caught.value.violations[0].field == "effective_time"
    within_skew = domain.validate_withdrawn(
        channel="sms",
        effective_at=NOW + timedelta(minutes=1),
        source="",
        now=NOW,
        current_basis="",
    )
    assert within_skew.status is domain.ConsentStatus.WITHDRAWN


def test_the_current_state_is_the_latest_statement_per_channel_by_effective_time() -> None:
    t = NOW
    history = [
        Row("email", "given", t - timedelta(days=10), t - timedelta(days=10), 1),
        Row("email", "withdrawn", t - timedelta(days=5), t - timedelta(days=5), 2),
        Row("phone", "given", t - timedelta(days=4), t - timedelta(days=4), 3),
        # Recorded last but dated before the withdrawal: history, not the current state.
        Row("email", "given", t - timedelta(days=7), t, 4),
        # Same instants as the one before it: the later recording wins.
        Row("phone", "withdrawn", t - timedelta(days=4), t - timedelta(days=4), 5),
    ]
    assert [r.sequence for r in domain.latest_first(history)] == [5, 3, 2, 4, 1]
    current = domain.current_state(history)
    assert [(r.channel, r.status) for r in current] == [
        ("email", "withdrawn"),
        ("phone", "withdrawn"),
    ]
