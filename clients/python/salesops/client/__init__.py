"""The salesops Python SDK: `Client` and the exceptions it raises.

See docs/clients.md for a tour; `salesctl` (the command-line client) is
built on it.
"""

from salesops.client.client import Client
from salesops.client.errors import (
    ApiError,
    Conflict,
    ConnectionFailed,
    FieldError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RateLimited,
    RuleViolated,
    RuleViolation,
    SalesopsError,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)

__all__ = [
    "ApiError",
    "Client",
    "Conflict",
    "ConnectionFailed",
    "FieldError",
    "Forbidden",
    "NotFound",
    "PreconditionFailed",
    "RateLimited",
    "RuleViolated",
    "RuleViolation",
    "SalesopsError",
    "Unauthorized",
    "Unavailable",
    "ValidationFailed",
]
