"""Ownership over gRPC on SQLite and PostgreSQL: requests, decisions, direct transfers, history.

The org (archive_support.ORG) reaches the service as planning's events:
mgr-1 manages rep-1 and rep-2, mgr-2 manages rep-3, mgr-9 manages rep-9 in APAC.
"""

from __future__ import annotations

from typing import Any

import grpc
from salesops.customers.v1 import customers_pb2 as pb
from salesops.customers.v1 import ownership_pb2 as opb

from services.kit.db import Database

from .archive_support import (
    APAC_MGR,
    DIRECTOR,
    EXECUTIVE,
    MGR1,
    MGR2,
    REP1,
    REP2,
    REP3,
    Stubs,
    create,
    db,
    events,
    failure,
    left,
    org,
    stubs,
    worker,
)

__all__ = ["db", "org", "stubs", "worker"]


def ask(stubs: Stubs, metadata: Any, customer_id: str, to_owner_id: str, reason: str = "") -> Any:
    return stubs.ownership.RequestOwnershipTransfer(
        opb.RequestOwnershipTransferRequest(
            customer_id=customer_id, to_owner_id=to_owner_id, reason=reason or "covers the account"
        ),
        metadata=metadata,
    ).transfer


def approve(stubs: Stubs, metadata: Any, transfer_id: str, comment: str = "") -> Any:
    return stubs.ownership.ApproveOwnershipTransfer(
        opb.ApproveOwnershipTransferRequest(transfer_id=transfer_id, comment=comment),
        metadata=metadata,
    )


def reject(stubs: Stubs, metadata: Any, transfer_id: str, comment: str = "no") -> Any:
    return stubs.ownership.RejectOwnershipTransfer(
        opb.RejectOwnershipTransferRequest(transfer_id=transfer_id, comment=comment),
        metadata=metadata,
    ).transfer


def transfer(stubs: Stubs, metadata: Any, customer_id: str, to_owner_id: str) -> Any:
    return stubs.ownership.TransferCustomer(
        opb.TransferCustomerRequest(
            customer_id=customer_id, to_owner_id=to_owner_id, reason="territory change"
        ),
        metadata=metadata,
    ).customer


def history(stubs: Stubs, customer_id: str, metadata: Any = DIRECTOR) -> list[tuple[str, str]]:
    changes = stubs.ownership.ListOwnershipHistory(
        opb.ListOwnershipHistoryRequest(customer_id=customer_id), metadata=metadata
    ).changes
    return [(c.from_owner_id, c.to_owner_id) for c in changes]


def test_a_rep_asks_and_the_owners_manager_approves(stubs: Stubs, db: Database, org: None) -> None:
    acme = create(stubs, REP1)
    asked = ask(stubs, REP1, acme.customer_id, "rep-2", "rep-2 covers Bavaria")
    assert (asked.status, asked.from_owner_id, asked.to_owner_id, asked.requested_by) == (
        opb.OWNERSHIP_TRANSFER_STATUS_PENDING,
        "rep-1",
        "rep-2",
        "rep-1",
    )
    # One pending request per account.
    again = failure(lambda: ask(stubs, REP1, acme.customer_id, "rep-2"))
    assert again["code"] == grpc.StatusCode.FAILED_PRECONDITION
    # A rep decides nothing; another team's manager neither.
    assert failure(lambda: approve(stubs, REP1, asked.transfer_id))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    other = failure(lambda: approve(stubs, MGR2, asked.transfer_id))
    assert other["code"] == grpc.StatusCode.PERMISSION_DENIED
    assert "manager of the owner rep-1" in other["message"]
    assert failure(lambda: approve(stubs, APAC_MGR, asked.transfer_id))["code"] == (
        grpc.StatusCode.NOT_FOUND
    )

    answer = approve(stubs, MGR1, asked.transfer_id, "fine")
    assert answer.transfer.status == opb.OWNERSHIP_TRANSFER_STATUS_APPROVED
    assert (answer.transfer.decided_by, answer.transfer.decision_comment) == ("mgr-1", "fine")
    assert answer.customer.owner_id == "rep-2" and answer.customer.version == acme.version + 1
    twice = failure(lambda: approve(stubs, MGR1, asked.transfer_id))
    assert twice["code"] == grpc.StatusCode.FAILED_PRECONDITION

    assert history(stubs, acme.customer_id) == [("rep-1", "rep-2"), ("", "rep-1")]
    changed = events(db, "customers.owner.changed")
    assert [e["payload"] for e in changed] == [
        {
            "customer_id": acme.customer_id,
            "region": "EMEA",
            "previous_owner_id": "rep-1",
            "owner_id": "rep-2",
            "reason": "rep-2 covers Bavaria",
            "transfer_id": asked.transfer_id,
        }
    ]
    assert events(db, "customers.customer.updated")[-1]["payload"]["owner_id"] == "rep-2"
    # The account is rep-2's now, and no longer rep-1's.
    assert failure(
        lambda: stubs.customers.GetCustomer(
            pb.GetCustomerRequest(customer_id=acme.customer_id), metadata=REP1
        )
    )["code"] == (grpc.StatusCode.NOT_FOUND)


def test_a_rep_asks_to_take_over_an_account_they_found_as_a_duplicate(
    stubs: Stubs, org: None
) -> None:
    acme = create(stubs, REP1, domain="acme.de")
    refused = failure(lambda: create(stubs, REP2, name="Acme Munich", domain="acme.de"))
    candidate = refused["resources"][0]
    assert (candidate["resource_name"], candidate["owner"]) == (acme.customer_id, "rep-1")
    claim = ask(stubs, REP2, candidate["resource_name"], "rep-2", "my customer since 2019")
    assert claim.from_owner_id == "rep-1" and claim.requested_by == "rep-2"
    # The claimant sees their request, not the account.
    assert stubs.ownership.GetOwnershipTransfer(
        opb.GetOwnershipTransferRequest(transfer_id=claim.transfer_id), metadata=REP2
    ).transfer == (claim)
    # A third rep sees neither, and may not ask on someone's behalf.
    assert failure(
        lambda: stubs.ownership.GetOwnershipTransfer(
            opb.GetOwnershipTransferRequest(transfer_id=claim.transfer_id), metadata=REP3
        )
    )["code"] == (grpc.StatusCode.NOT_FOUND)
    assert failure(lambda: ask(stubs, REP3, acme.customer_id, "rep-2"))["code"] == (
        grpc.StatusCode.NOT_FOUND
    )
    rejected = reject(stubs, MGR1, claim.transfer_id, "rep-1 keeps it")
    assert (rejected.status, rejected.decision_comment) == (
        opb.OWNERSHIP_TRANSFER_STATUS_REJECTED,
        "rep-1 keeps it",
    )
    assert history(stubs, acme.customer_id) == [("", "rep-1")]
    no_comment = failure(lambda: reject(stubs, MGR1, claim.transfer_id, ""))
    assert no_comment["field_violations"][0]["field"] == "comment"


def test_direct_transfers_by_managers_and_directors(stubs: Stubs, db: Database, org: None) -> None:
    acme = create(stubs, REP1)
    assert transfer(stubs, MGR1, acme.customer_id, "rep-2").owner_id == "rep-2"
    # Across teams within the region: the giving team's manager may.
    assert transfer(stubs, MGR1, acme.customer_id, "rep-3").owner_id == "rep-3"
    assert failure(lambda: transfer(stubs, MGR1, acme.customer_id, "rep-1"))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert transfer(stubs, MGR2, acme.customer_id, "rep-1").owner_id == "rep-1"
    assert failure(lambda: transfer(stubs, REP1, acme.customer_id, "rep-2"))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: transfer(stubs, EXECUTIVE, acme.customer_id, "rep-2"))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    apac = failure(lambda: transfer(stubs, DIRECTOR, acme.customer_id, "rep-9"))
    assert "works in region APAC" in apac["field_violations"][0]["description"]
    same = failure(lambda: transfer(stubs, DIRECTOR, acme.customer_id, "rep-1"))
    assert same["field_violations"][0]["description"] == "already owns the account"
    assert transfer(stubs, DIRECTOR, acme.customer_id, "rep-2").owner_id == "rep-2"
    assert history(stubs, acme.customer_id) == [
        ("rep-1", "rep-2"),
        ("rep-3", "rep-1"),
        ("rep-2", "rep-3"),
        ("rep-1", "rep-2"),
        ("", "rep-1"),
    ]
    assert len(events(db, "customers.owner.changed")) == 4


def test_a_direct_transfer_cancels_a_pending_request_and_a_stale_request_cannot_pass(
    stubs: Stubs, worker: Any, org: None
) -> None:
    acme = create(stubs, REP1)
    pending = ask(stubs, REP1, acme.customer_id, "rep-2")
    transfer(stubs, MGR1, acme.customer_id, "rep-3")
    cancelled = stubs.ownership.GetOwnershipTransfer(
        opb.GetOwnershipTransferRequest(transfer_id=pending.transfer_id), metadata=MGR1
    ).transfer
    assert cancelled.status == opb.OWNERSHIP_TRANSFER_STATUS_CANCELLED

    globex = create(stubs, REP1, name="Globex")
    to_leaver = ask(stubs, REP1, globex.customer_id, "rep-2")
    assert worker.on_rep_left(left("rep-2")) == "applied"
    gone = failure(lambda: approve(stubs, MGR1, to_leaver.transfer_id))
    assert gone["code"] == grpc.StatusCode.FAILED_PRECONDITION
    assert "has left" in gone["precondition_violations"][0]["description"]
    assert failure(lambda: ask(stubs, REP1, acme.customer_id, "rep-2"))["code"] == (
        grpc.StatusCode.NOT_FOUND  # acme is rep-3's now
    )


def test_transfer_requests_are_listed_in_scope(stubs: Stubs, org: None) -> None:
    acme = create(stubs, REP1)
    globex = create(stubs, REP3, name="Globex")
    mine = ask(stubs, REP1, acme.customer_id, "rep-2")
    theirs = ask(stubs, REP3, globex.customer_id, "rep-1")  # rep-1 receives: a party

    def listed(metadata: Any, **filters: Any) -> list[str]:
        response = stubs.ownership.ListOwnershipTransfers(
            opb.ListOwnershipTransfersRequest(**filters), metadata=metadata
        )
        return sorted(t.transfer_id for t in response.transfers)

    assert listed(REP1) == sorted([mine.transfer_id, theirs.transfer_id])
    assert listed(REP2) == [mine.transfer_id]
    assert listed(MGR2) == sorted([mine.transfer_id, theirs.transfer_id])
    assert listed(MGR1, customer_id=globex.customer_id) == [theirs.transfer_id]
    assert listed(APAC_MGR) == []
    approve(stubs, MGR2, theirs.transfer_id)
    assert listed(MGR1, status=opb.OWNERSHIP_TRANSFER_STATUS_PENDING) == [mine.transfer_id]
