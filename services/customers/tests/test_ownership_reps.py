"""The customers service's copy of planning's reps (the kit's rep directory) and what it decides.

Events arrive through the worker out of order; the copy answers who manages
an account's owner, so a reassignment in planning moves the right to decide.
"""

from __future__ import annotations

from typing import Any

import grpc
from salesops.customers.v1 import ownership_pb2 as opb
from salesops.events.v1 import planning_events_pb2 as planning

from services.customers.models.reps import RepRecord
from services.kit.db import Database
from services.kit.events import build_envelope

from .archive_support import MGR1, MGR2, REP1, Stubs, create, db, failure, hired, org, stubs, worker

__all__ = ["db", "org", "stubs", "worker"]


def assigned(rep_id: str, team_id: str, manager_id: str, occurred_at: str) -> dict[str, Any]:
    envelope = build_envelope(
        "planning.rep.assigned",
        planning.RepAssigned(rep_id=rep_id, region="EMEA", team_id=team_id, manager_id=manager_id),
        region="EMEA",
        caller=None,
    )
    envelope["occurred_at"] = occurred_at
    return envelope


def test_the_copy_takes_events_once_and_in_their_order(worker: Any, db: Database) -> None:
    event = hired("rep-1", occurred_at="2027-01-01T00:00:00Z")
    late_move = assigned("rep-1", "team-2", "mgr-2", "2027-02-01T00:00:00Z")
    assert worker.on_rep_assigned(late_move) == "applied"  # before the hire
    assert worker.on_rep_hired(event) == "applied"
    assert worker.on_rep_hired(event) == "duplicate"
    with db.transaction() as session:
        rep = session.get(RepRecord, "rep-1")
        assert rep is not None
        assert (rep.name, rep.team_id, rep.manager_id, rep.status) == (
            "rep-1",  # the late hire says who the rep is
            "team-2",  # but not where they work now
            "mgr-2",
            "active",
        )
    bad = assigned("", "team-1", "mgr-1", "2027-03-01T00:00:00Z")
    assert worker.on_rep_assigned(bad) == "dead_lettered"


def test_a_reassignment_in_planning_moves_the_right_to_decide(
    stubs: Stubs, worker: Any, org: None
) -> None:
    acme = create(stubs, REP1)
    asked = stubs.ownership.RequestOwnershipTransfer(
        opb.RequestOwnershipTransferRequest(
            customer_id=acme.customer_id, to_owner_id="rep-2", reason="handover"
        ),
        metadata=REP1,
    ).transfer
    worker.on_rep_assigned(assigned("rep-1", "team-2", "mgr-2", "2027-02-01T00:00:00Z"))
    denied = failure(
        lambda: stubs.ownership.ApproveOwnershipTransfer(
            opb.ApproveOwnershipTransferRequest(transfer_id=asked.transfer_id), metadata=MGR1
        )
    )
    assert denied["code"] == grpc.StatusCode.PERMISSION_DENIED
    approved = stubs.ownership.ApproveOwnershipTransfer(
        opb.ApproveOwnershipTransferRequest(transfer_id=asked.transfer_id), metadata=MGR2
    )
    assert approved.customer.owner_id == "rep-2"
