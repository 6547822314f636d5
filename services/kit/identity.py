"""The caller's identity, carried from the gateway in gRPC metadata.

The gateway verifies the token and calls services with `x-salesops-subject`,
`x-salesops-roles` and `x-salesops-regions`. Services enforce scoping again
(defence in depth): a record outside the caller's reach is reported as not
found, so its existence does not leak.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.kit.errors import PermissionDenied, Unauthenticated

SUBJECT_KEY = "x-salesops-subject"
ROLES_KEY = "x-salesops-roles"
REGIONS_KEY = "x-salesops-regions"
REQUEST_ID_KEY = "x-request-id"
CORRELATION_ID_KEY = "x-correlation-id"

ROLES = frozenset({"rep", "manager", "director", "executive", "admin", "platform"})
# Roles that may change business records (in their own scope).
WRITER_ROLES = frozenset({"rep", "manager", "director", "admin"})
# Roles that read business records; "platform" sees health and metrics only.
READER_ROLES = WRITER_ROLES | {"executive"}
ALL_REGIONS = "*"


@dataclass(frozen=True)
class Caller:
    """Who is calling: subject, roles and regions, plus the ids that trace the call."""

    subject: str
    roles: frozenset[str]
    regions: frozenset[str]
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    correlation_id: str = ""

    @property
    def sees_all_regions(self) -> bool:
        return ALL_REGIONS in self.regions or "executive" in self.roles

    @property
    def own_records_only(self) -> bool:
        """A rep and nothing more sees only the records they own."""
        return not (self.roles & (READER_ROLES - {"rep"}))

    def has_region(self, region: str) -> bool:
        return self.sees_all_regions or region in self.regions

    def can_read(self, region: str, owner_id: str | None = None) -> bool:
        """Whether a record of `region` owned by `owner_id` exists for this caller."""
        if not self.roles & READER_ROLES or not self.has_region(region):
            return False
        return not (self.own_records_only and owner_id is not None and owner_id != self.subject)

    def require_reader(self) -> None:
        if not self.roles & READER_ROLES:
            raise PermissionDenied(
                f"role(s) {', '.join(sorted(self.roles)) or 'none'} may not read business records"
            )

    def require_writer(self, region: str) -> None:
        """Raise PermissionDenied unless the caller may change records of `region`."""
        if not self.roles & WRITER_ROLES:
            raise PermissionDenied(
                f"role(s) {', '.join(sorted(self.roles)) or 'none'} may not change business records"
            )
        writable = ALL_REGIONS in self.regions or region in self.regions
        if not writable:
            raise PermissionDenied(f"region '{region}' is not one of the caller's regions")

    def readable_regions(self, requested: str = "") -> frozenset[str] | None:
        """Regions a list may cover: None means every region.

        A requested region outside the caller's reach yields an empty set, so
        the list is empty rather than an error that confirms the region exists.
        """
        if requested:
            return frozenset({requested}) if self.has_region(requested) else frozenset()
        return None if self.sees_all_regions else self.regions

    def metadata(self) -> list[tuple[str, str]]:
        """gRPC metadata that carries this identity to another service."""
        items = [
            (SUBJECT_KEY, self.subject),
            (ROLES_KEY, ",".join(sorted(self.roles))),
            (REGIONS_KEY, ",".join(sorted(self.regions))),
            (REQUEST_ID_KEY, self.request_id),
        ]
        if self.correlation_id:
            items.append((CORRELATION_ID_KEY, self.correlation_id))
        return items


SYSTEM = Caller("system", frozenset({"admin"}), frozenset({ALL_REGIONS}), request_id="system")


def _split(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def caller_from_metadata(metadata: Iterable[tuple[str, str | bytes]]) -> Caller:
    """Build the Caller from invocation metadata; raise Unauthenticated if there is none."""
    values: Mapping[str, str] = {
        key.lower(): value.decode() if isinstance(value, bytes) else value
        for key, value in metadata
    }
    subject = values.get(SUBJECT_KEY, "").strip()
    if not subject:
        raise Unauthenticated(f"the call carries no {SUBJECT_KEY} metadata")
    roles = _split(values.get(ROLES_KEY, ""))
    unknown = roles - ROLES
    if unknown:
        raise Unauthenticated(f"unknown role(s): {', '.join(sorted(unknown))}")
    request_id = values.get(REQUEST_ID_KEY) or str(uuid.uuid4())
    return Caller(
        subject=subject,
        roles=roles,
        # Region codes are upper case everywhere (records store them so).
        regions=frozenset(region.upper() for region in _split(values.get(REGIONS_KEY, ""))),
        request_id=request_id,
        correlation_id=values.get(CORRELATION_ID_KEY) or request_id,
    )


_current: contextvars.ContextVar[Caller | None] = contextvars.ContextVar(
    "salesops_caller", default=None
)


def current_caller() -> Caller:
    """The caller of the call being served; the gRPC interceptor sets it."""
    caller = _current.get()
    if caller is None:
        raise Unauthenticated("no caller is bound to this call")
    return caller


def bind_caller(caller: Caller | None) -> contextvars.Token[Caller | None]:
    return _current.set(caller)


def unbind_caller(token: contextvars.Token[Caller | None]) -> None:
    _current.reset(token)
