"""Optimistic concurrency: a change applies only to the version of the record the client saw.

The gateway turns an HTTP `If-Match: "<version>"` into the gRPC metadata
`x-salesops-if-match: <version>`. The server interceptor binds that
expectation to the call (like the caller's identity), and the code that locks
a record for a change calls `check_expected_version` right after the lock, so
the comparison and the write happen under the same row lock: no other change
can slip in between.

Only the first record a call locks is compared: that is the record the
request addresses (`PATCH /v1/customers/{id}` locks the customer before
anything it touches on the way). A mismatch is FailedPrecondition with one
violation of type VERSION_MISMATCH, which the gateway answers with 412.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from services.kit.errors import FailedPrecondition, InvalidArgument

IF_MATCH_KEY = "x-salesops-if-match"
VERSION_MISMATCH = "VERSION_MISMATCH"


@dataclass
class ExpectedVersion:
    """The version a call's client last saw of the record it changes.

    `checked` turns true once the first locked record was compared, so the
    other records the same call locks (a quote under its deal, the customer
    of a contact) are not compared with a version that was never theirs.
    """

    version: int
    checked: bool = False


def expected_version_from_metadata(
    metadata: Iterable[tuple[str, str | bytes]],
) -> ExpectedVersion | None:
    """The expectation the call carries, or None; a malformed value is InvalidArgument."""
    for key, value in metadata:
        if key.lower() != IF_MATCH_KEY:
            continue
        text = (value.decode() if isinstance(value, bytes) else value).strip()
        if not text.isascii() or not text.isdigit():
            raise InvalidArgument.of(
                IF_MATCH_KEY, f"must be a record version (digits), not {text!r}"
            )
        return ExpectedVersion(int(text))
    return None


_expected: contextvars.ContextVar[ExpectedVersion | None] = contextvars.ContextVar(
    "salesops_expected_version", default=None
)


def bind_expected_version(
    expected: ExpectedVersion | None,
) -> contextvars.Token[ExpectedVersion | None]:
    """Bind the call's expectation (None: the client asked for no check)."""
    return _expected.set(expected)


def unbind_expected_version(token: contextvars.Token[ExpectedVersion | None]) -> None:
    """Restore the binding `bind_expected_version` replaced."""
    _expected.reset(token)


def check_expected_version(current: int | None, subject: str) -> None:
    """Refuse the change unless the locked record is at the version the client expects.

    Call it right after locking the record the request changes; `current` is
    its version, or None when an upsert finds no record yet (no version
    matches a record that does not exist). `subject` names the record ("customers/7d9f"). The
    first call in a served call compares; later ones (other records the call
    locks) do nothing.
    """
    expected = _expected.get()
    if expected is None or expected.checked:
        return
    expected.checked = True
    if current == expected.version:
        return
    found = (
        "there is no version of the record to match"
        if current is None
        else f"the record is at version {current}"
    )
    raise FailedPrecondition.of(
        VERSION_MISMATCH,
        subject,
        f"{found}; If-Match said {expected.version} (read it again and retry)",
    )


@contextmanager
def unchecked_locks() -> Iterator[None]:
    """Lock records inside this block without comparing them with the call's If-Match.

    For a loader that locks a record's parent before it can tell whether the
    caller sees the record (a quote's opportunity): the comparison belongs to
    the record the request addresses, made after the block.
    """
    token = _expected.set(None)
    try:
        yield
    finally:
        _expected.reset(token)
