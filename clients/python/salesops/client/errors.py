"""Exceptions the SDK raises, carrying the gateway's problem details (RFC 9457).

Every error answer of the gateway is `application/problem+json` with a
stable `type`, a `title`, the `status`, a `detail`, the rejected fields
(`errors`), the unmet business rules (`violations`), the records concerned
(`resources`) and the `request_id` to quote when reporting it. `ApiError`
keeps all of them; its subclasses let a caller catch one kind of failure:

    SalesopsError
    ├── ConnectionFailed          the gateway could not be reached (after retries)
    └── ApiError                  the gateway answered with an error status
        ├── ValidationFailed      400: `errors` names each rejected field
        ├── Unauthorized          401: missing, invalid or expired token
        ├── Forbidden             403: the caller's roles do not allow it
        ├── NotFound              404: no such record in the caller's scope
        ├── Conflict              409: a duplicate or a concurrent change
        ├── PreconditionFailed    412: If-Match named a stale version
        ├── RuleViolated          422: `violations` lists each unmet business rule
        ├── RateLimited           429: `retry_after` says when to try again
        └── Unavailable           503: an upstream service is down or slow
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx


class SalesopsError(Exception):
    """Anything the SDK raises on purpose."""


class ConnectionFailed(SalesopsError):
    """The gateway could not be reached, or did not answer in time, after every retry."""


@dataclass(frozen=True)
class FieldError:
    """One rejected request field and what would be accepted."""

    field: str
    description: str


@dataclass(frozen=True)
class RuleViolation:
    """One business rule the request does not meet."""

    type: str
    subject: str
    description: str


@dataclass
class ApiError(SalesopsError):
    """The gateway answered with an error status; the fields are its problem details."""

    status: int
    type: str = ""
    title: str = ""
    detail: str = ""
    instance: str = ""
    request_id: str = ""
    errors: list[FieldError] = field(default_factory=list)
    violations: list[RuleViolation] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    retry_after: float | None = None
    body: Any = None

    def __post_init__(self) -> None:
        super().__init__(self.message())

    def message(self) -> str:
        """One line for people: status, title, detail, and each field or rule that failed."""
        text = f"{self.status} {self.title or 'error'}"
        if self.detail and self.detail != self.title:
            text += f": {self.detail}"
        # Services often repeat every reason in `detail`; name only what it left out.
        reasons = [(e.field, e.description) for e in self.errors]
        reasons += [(v.subject or v.type, v.description) for v in self.violations]
        shown = [f"{name}: {text}" for name, text in reasons if text not in self.detail]
        if shown:
            text += " (" + "; ".join(shown) + ")"
        if self.request_id:
            text += f" [request_id {self.request_id}]"
        return text

    def __str__(self) -> str:
        return self.message()


class ValidationFailed(ApiError):
    """400: the request was malformed; `errors` names each rejected field."""


class Unauthorized(ApiError):
    """401: the bearer token is missing, invalid or expired."""


class Forbidden(ApiError):
    """403: the caller's roles do not allow this operation."""


class NotFound(ApiError):
    """404: no such record in the caller's scope (or no such route)."""


class Conflict(ApiError):
    """409: the request conflicts with an existing record or a concurrent change."""


class PreconditionFailed(ApiError):
    """412: the record is no longer at the version If-Match named; re-read and retry."""


class RuleViolated(ApiError):
    """422: a business rule is not met; `violations` lists every unmet rule."""


class RateLimited(ApiError):
    """429: too many requests; `retry_after` is the seconds the gateway asked to wait."""


class Unavailable(ApiError):
    """503: an upstream service is unavailable; retry later."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: ValidationFailed,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    422: RuleViolated,
    429: RateLimited,
    503: Unavailable,
}


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds, or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_from_response(response: httpx.Response) -> ApiError:
    """The exception for an error response, with whatever problem details it carries."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    problem = body if isinstance(body, dict) else {}
    cls = _BY_STATUS.get(response.status_code, ApiError)
    return cls(
        status=response.status_code,
        type=str(problem.get("type", "")),
        title=str(problem.get("title", "") or response.reason_phrase),
        detail=str(problem.get("detail", "") or ("" if problem else response.text[:500])),
        instance=str(problem.get("instance", "")),
        request_id=str(problem.get("request_id", "") or response.headers.get("x-request-id", "")),
        errors=[
            FieldError(field=str(e.get("field", "")), description=str(e.get("description", "")))
            for e in problem.get("errors") or []
            if isinstance(e, dict)
        ],
        violations=[
            RuleViolation(
                type=str(v.get("type", "")),
                subject=str(v.get("subject", "")),
                description=str(v.get("description", "")),
            )
            for v in problem.get("violations") or []
            if isinstance(v, dict)
        ],
        resources=[r for r in problem.get("resources") or [] if isinstance(r, dict)],
        retry_after=retry_after_seconds(response.headers.get("retry-after")),
        body=body,
    )
