"""The exit codes of `salesctl`: stable, so scripts can branch on them."""

from __future__ import annotations

from salesops.client.errors import (
    ApiError,
    Conflict,
    ConnectionFailed,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RateLimited,
    RuleViolated,
    SalesopsError,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)

OK = 0
USAGE = 1
NOT_FOUND = 2
INVALID = 3
RULE_NOT_MET = 4
CONFLICT = 5
ACCESS_DENIED = 6
UNAVAILABLE = 7
ROWS_REJECTED = 8
FAILED = 9

MEANINGS = (
    (OK, "success"),
    (USAGE, "usage error: bad arguments, no profile or token, unreadable file"),
    (NOT_FOUND, "not found (404): no such record in your scope"),
    (INVALID, "invalid input (400): the message names each rejected field"),
    (RULE_NOT_MET, "a business rule is not met (422): the message lists the rules"),
    (CONFLICT, "conflict (409) or a stale version (412)"),
    (ACCESS_DENIED, "not authenticated (401) or not allowed (403)"),
    (UNAVAILABLE, "gateway unreachable, a service unavailable (503) or rate limited (429)"),
    (ROWS_REJECTED, "an import finished but rejected some rows (listed on stderr)"),
    (FAILED, "any other failure (500 and the like)"),
)


def exit_code_of(error: SalesopsError) -> int:
    """The exit code for an SDK exception."""
    if isinstance(error, ConnectionFailed):
        return UNAVAILABLE
    for kinds, code in (
        ((NotFound,), NOT_FOUND),
        ((ValidationFailed,), INVALID),
        ((RuleViolated,), RULE_NOT_MET),
        ((Conflict, PreconditionFailed), CONFLICT),
        ((Unauthorized, Forbidden), ACCESS_DENIED),
        ((Unavailable, RateLimited), UNAVAILABLE),
    ):
        if isinstance(error, kinds):
            return code
    if isinstance(error, ApiError) and 400 <= error.status < 500:
        return INVALID
    return FAILED


def help_text() -> str:
    """The exit-code table for `salesctl --help`."""
    return "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in MEANINGS)
