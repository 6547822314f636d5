"""Ownership rules as plain Python: who may ask for, decide and make an account transfer.

One owner per account. Ownership changes hands three ways:

- **requested** by a rep and decided by the current owner's manager (or a
  director): a rep asks to hand over an account they own, or to take over an
  account of their region they were told exists (the candidates of a
  duplicate); one pending request per account;
- **directly** by a manager, for accounts owned by their team, or by a
  director (or admin) for any account of their regions;
- never to someone planning does not know, who left, or who works in another
  region.

A manager of another team may neither decide nor transfer. The region and
visibility are checked apart. Nothing here knows about gRPC, SQL or nameko.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.customers.domain.accounts import MANAGING_ROLES
from services.kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    Validator,
)
from services.kit.normalize import clean_text


class TransferStatus(StrEnum):
    """Where a transfer request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    # Overtaken by a direct transfer or a merge.
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RepView:
    """What the customers service knows of a rep from planning."""

    rep_id: str
    region: str
    manager_id: str
    status: str


def clean_reason(reason: str, field_name: str = "reason", *, required: bool = True) -> str:
    """A reason or comment: cleaned, at most 500 characters, required unless told."""
    cleaned = clean_text(reason)
    check = Validator()
    if required:
        check.require(field_name, cleaned, max_length=500)
    else:
        check.optional(field_name, cleaned, max_length=500)
    check.raise_if_any()
    return cleaned


def check_new_owner(
    *,
    region: str,
    current_owner_id: str,
    to_owner_id: str,
    to_owner: RepView | None,
    field_name: str = "to_owner_id",
) -> None:
    """The new owner: someone else, known to planning, still here, in the account's region."""
    if not to_owner_id:
        raise InvalidArgument.of(field_name, "is required")
    if to_owner_id == current_owner_id:
        raise InvalidArgument.of(field_name, "already owns the account")
    problem = new_owner_problem(region, to_owner)
    if problem:
        raise InvalidArgument.of(field_name, problem)


def new_owner_problem(region: str, to_owner: RepView | None) -> str:
    """Why a rep cannot own an account of `region` now ("" when they can)."""
    if to_owner is None:
        return "is not a rep known to the customers service (planning announces reps)"
    if to_owner.status == "left":
        return "has left the organisation"
    if to_owner.region != region:
        return f"works in region {to_owner.region}, the account is in {region}"
    return ""


def require_new_owner_still_fits(transfer_id: str, to_owner_id: str, problem: str) -> None:
    """At approval the requested owner must still be able to own the account."""
    if problem:
        raise FailedPrecondition.of(
            "POLICY",
            f"transfer/{transfer_id}",
            f"the requested owner {to_owner_id} {problem}; reject the request",
        )


def check_may_request(
    *, roles: frozenset[str], subject: str, current_owner_id: str, to_owner_id: str
) -> None:
    """A rep asks to hand over their own account, or to take one over themselves.

    Managers and directors may ask too (though they may transfer directly).
    """
    if roles & (MANAGING_ROLES | {"manager"}):
        return
    if subject not in (current_owner_id, to_owner_id):
        raise PermissionDenied(
            "a rep asks to hand over an account they own, or to take one over themselves"
        )


def may_decide(roles: frozenset[str], subject: str, owner_manager_id: str | None) -> bool:
    """The current owner's manager, or a director (or admin), decides a transfer request."""
    if roles & MANAGING_ROLES:
        return True
    return "manager" in roles and bool(owner_manager_id) and owner_manager_id == subject


def require_decider(
    roles: frozenset[str], subject: str, current_owner_id: str, owner_manager_id: str | None
) -> None:
    """PermissionDenied unless the caller may approve or reject a request for this account."""
    if not may_decide(roles, subject, owner_manager_id):
        raise PermissionDenied(
            f"only the manager of the owner {current_owner_id} or a director decides "
            "this transfer request"
        )


def check_direct_transfer(
    *,
    roles: frozenset[str],
    subject: str,
    current_owner_id: str,
    current_owner_manager_id: str | None,
) -> None:
    """A director (or admin) transfers any account; a manager their team's; a rep never."""
    if roles & MANAGING_ROLES:
        return
    if "manager" not in roles:
        raise PermissionDenied(
            "a rep cannot transfer an account directly; ask for a transfer "
            "(POST /v1/transfer-requests) and the owner's manager decides"
        )
    if current_owner_id != subject and current_owner_manager_id != subject:
        raise PermissionDenied(
            f"the owner {current_owner_id} is not in a team managed by {subject}; "
            "a manager transfers their team's accounts"
        )


def require_pending(transfer_id: str, status: str) -> None:
    """Only a pending request can be decided."""
    if status != TransferStatus.PENDING:
        raise FailedPrecondition.of(
            "STATE",
            f"transfer/{transfer_id}",
            f"the request is {status}; only a pending request can be decided",
        )


def require_owner_unchanged(transfer_id: str, requested_from: str, current_owner_id: str) -> None:
    """A request is about the owner it was made against; if the owner changed, it is stale."""
    if requested_from != current_owner_id:
        raise FailedPrecondition.of(
            "STATE",
            f"transfer/{transfer_id}",
            f"the account changed owner from {requested_from} to {current_owner_id} "
            "since the request; reject it and ask again",
        )


def require_no_pending(customer_id: str, pending_transfer_id: str | None) -> None:
    """One pending request per account: the next waits for the decision."""
    if pending_transfer_id:
        raise FailedPrecondition.of(
            "POLICY",
            f"customer/{customer_id}",
            f"transfer request '{pending_transfer_id}' for this account is pending; "
            "it must be decided first",
        )
