"""Domain errors, raised by domain rules and servicers, mapped to gRPC in one place.

A domain module raises these; the gRPC server's interceptor turns them into a
status code with rich `google.rpc` details (BadRequest field violations,
PreconditionFailure violations) and the gateway turns those into
`application/problem+json`. Every error names the field or the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    """One input field that failed validation, and why."""

    field: str
    description: str


@dataclass(frozen=True)
class RuleViolation:
    """One business rule (a stage gate, a policy) that a request does not meet.

    `type` groups rules ("STATE", "GATE", "POLICY"), `subject` names what the
    rule is about (a lead id, a stage), `description` says what would pass.
    """

    type: str
    subject: str
    description: str


class DomainError(Exception):
    """Base of every error a service reports to its caller on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The record does not exist for this caller (also used outside their scope)."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} '{key}' was not found")
        self.kind = kind
        self.key = key


class InvalidArgument(DomainError):
    """Input is malformed; every bad field is listed."""

    def __init__(self, violations: list[FieldViolation], message: str | None = None) -> None:
        if not violations:
            raise ValueError("InvalidArgument needs at least one field violation")
        summary = "; ".join(f"{v.field}: {v.description}" for v in violations)
        super().__init__(message or f"invalid argument: {summary}")
        self.violations = violations

    @classmethod
    def of(cls, field_name: str, description: str) -> InvalidArgument:
        return cls([FieldViolation(field_name, description)])


class FailedPrecondition(DomainError):
    """The record is not in a state that allows the request; every unmet rule is listed."""

    def __init__(self, violations: list[RuleViolation], message: str | None = None) -> None:
        if not violations:
            raise ValueError("FailedPrecondition needs at least one rule violation")
        summary = "; ".join(v.description for v in violations)
        super().__init__(message or f"failed precondition: {summary}")
        self.violations = violations

    @classmethod
    def of(cls, rule_type: str, subject: str, description: str) -> FailedPrecondition:
        """One unmet rule: its type ("STATE", "POLICY"), what it is about, what would pass."""
        return cls([RuleViolation(rule_type, subject, description)])


@dataclass(frozen=True)
class ExistingRecord:
    """A record a new or changed one conflicts with: its id, its owner, and why it matches."""

    key: str
    description: str
    owner: str = ""


class AlreadyExists(DomainError):
    """A record with the same identity exists already.

    `candidates` lists the existing records when the conflict is a likely
    duplicate rather than one exact key (each with why it matches); without
    them the existing record is (`kind`, `key`).
    """

    def __init__(
        self,
        kind: str,
        key: str,
        message: str | None = None,
        candidates: list[ExistingRecord] | None = None,
    ) -> None:
        super().__init__(message or f"{kind} '{key}' already exists")
        self.kind = kind
        self.key = key
        self.candidates = list(candidates or [])


class Aborted(DomainError):
    """A concurrent change won the race (a stale version): re-read the record and retry."""


class PermissionDenied(DomainError):
    """The caller is known but may not do this (role or region)."""


class Unauthenticated(DomainError):
    """The call carries no usable identity."""


@dataclass
class Validator:
    """Collects field violations so a request reports all its bad fields at once.

    >>> v = Validator()
    >>> v.require("company_name", "")
    >>> v.violations[0].field
    'company_name'
    """

    violations: list[FieldViolation] = field(default_factory=list)

    def add(self, field_name: str, description: str) -> None:
        self.violations.append(FieldViolation(field_name, description))

    def require(self, field_name: str, value: str, max_length: int = 200) -> None:
        """A required text field: present, not blank, at most `max_length` characters."""
        if not value or not value.strip():
            self.add(field_name, "is required")
        elif len(value) > max_length:
            self.add(field_name, f"must be at most {max_length} characters")

    def optional(self, field_name: str, value: str, max_length: int = 200) -> None:
        if value and len(value) > max_length:
            self.add(field_name, f"must be at most {max_length} characters")

    def check(self, condition: bool, field_name: str, description: str) -> None:
        if not condition:
            self.add(field_name, description)

    def raise_if_any(self) -> None:
        if self.violations:
            raise InvalidArgument(list(self.violations))
