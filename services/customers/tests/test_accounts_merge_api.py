"""Merging two accounts on SQLite and PostgreSQL: every reference moves, the merged one points.

Also checks the contract with the other services: the pipeline's own handler
of `customers.customer.merged`, fed the envelopes this service wrote,
repoints its copy of the merged account to the survivor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask
from nameko.testing.services import worker_factory
from salesops.customers.v1 import customers_pb2 as pb
from salesops.customers.v1 import ownership_pb2 as opb

from services.customers.models import Base
from services.customers.models.accounts import CustomerRecord
from services.customers.models.contacts import ContactRecord
from services.customers.models.ownership import OwnershipChangeRecord
from services.customers.models.revenue import ContractRevenueRecord
from services.customers.tests.test_accounts_from_leads import converted
from services.kit.db import Database
from services.pipeline.models.copies import CustomerCopyRecord
from services.pipeline.worker import Worker as PipelineWorker

from .archive_support import (
    DIRECTOR,
    MGR1,
    MGR2,
    REP1,
    Stubs,
    contract_event,
    count,
    create,
    db,
    events,
    failure,
    org,
    stubs,
    worker,
)

__all__ = ["db", "org", "stubs", "worker"]


def open_from_lead(worker: Any, db: Database, name: str) -> str:
    """An account with a contact, opened the way conversions open them."""
    event = converted(company_name=name, owner_id="rep-1", contact_name=f"{name} Buyer")
    assert worker.on_lead_converted(event) == "applied"
    with db.transaction() as session:
        return str(
            session.scalar(
                sa.select(CustomerRecord.customer_id).where(
                    CustomerRecord.source_lead_id == event["payload"]["lead_id"]
                )
            )
        )


def merge(stubs: Stubs, metadata: Any, survivor_id: str, merged_id: str) -> Any:
    return stubs.customers.MergeCustomers(
        pb.MergeCustomersRequest(survivor_id=survivor_id, merged_id=merged_id), metadata=metadata
    )


def get(stubs: Stubs, customer_id: str, metadata: Any = REP1) -> Any:
    return stubs.customers.GetCustomer(
        pb.GetCustomerRequest(customer_id=customer_id), metadata=metadata
    ).customer


def test_every_reference_moves_to_the_survivor(
    stubs: Stubs, worker: Any, db: Database, org: None
) -> None:
    survivor = create(stubs, REP1, name="Acme GmbH", tags=["a", "b"])
    merged_id = open_from_lead(worker, db, "Acme Deutschland")
    stubs.customers.UpdateCustomerTags(
        pb.UpdateCustomerTagsRequest(customer_id=merged_id, add=["b", "c"]), metadata=REP1
    )
    stubs.customers.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=pb.Customer(customer_id=merged_id, domain="acme.de", tax_id="DE811"),
            update_mask=FieldMask(paths=["domain", "tax_id"]),
        ),
        metadata=REP1,
    )
    child = create(stubs, REP1, name="Acme Services", parent_id=merged_id)
    worker.revenue_contract_signed(contract_event("signed", "k-1", merged_id, 50_000))
    pending = stubs.ownership.RequestOwnershipTransfer(
        opb.RequestOwnershipTransferRequest(
            customer_id=merged_id, to_owner_id="rep-2", reason="rep-2 covers Acme"
        ),
        metadata=REP1,
    ).transfer

    answer = merge(stubs, MGR1, survivor.customer_id, merged_id)

    assert {m.kind: m.count for m in answer.moved} == {
        "contacts": 1,
        "contract_revenue": 1,
        "customer_tags": 1,  # "c"; the survivor's own "b" wins
    }
    kept = answer.survivor
    assert list(kept.tags) == ["a", "b", "c"]
    assert [c.name for c in kept.contacts] == ["Acme Deutschland Buyer"]
    assert [(m.currency, m.amount_minor) for m in kept.lifetime_value] == [("EUR", 50_000)]
    assert kept.status == pb.CUSTOMER_STATUS_ACTIVE  # a contract came with the merge
    assert (kept.domain, kept.tax_id) == ("acme.de", "DE811")  # taken where it had none
    assert kept.name == "Acme GmbH"  # its own values stay
    assert answer.merged.status == pb.CUSTOMER_STATUS_MERGED
    assert answer.merged.merged_into == survivor.customer_id

    # Nothing in the schema refers to the merged account any more, but its own story.
    with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == "customers" or "customer_id" not in table.c:
                continue
            left = session.scalar(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.customer_id == merged_id)
            )
            expected = 1 if table.name in ("ownership_history", "transfer_requests") else 0
            assert left == expected, table.name
        assert session.get(CustomerRecord, child.customer_id).parent_id == survivor.customer_id
        contact = session.scalars(sa.select(ContactRecord)).one()
        assert contact.customer_id == survivor.customer_id
    cancelled = stubs.ownership.GetOwnershipTransfer(
        opb.GetOwnershipTransferRequest(transfer_id=pending.transfer_id), metadata=REP1
    ).transfer
    assert cancelled.status == opb.OWNERSHIP_TRANSFER_STATUS_CANCELLED
    assert survivor.customer_id in cancelled.decision_comment

    merged_events = events(db, "customers.customer.merged")
    assert [e["payload"] for e in merged_events] == [
        {"survivor_id": survivor.customer_id, "merged_id": merged_id, "region": "EMEA"}
    ]
    assert merged_events[0]["actor"] == "mgr-1"
    assert events(db, "customers.customer.updated")[-1]["payload"]["customer_id"] == (
        survivor.customer_id
    )


def test_a_merged_account_reads_as_a_pointer_and_changes_no_more(
    stubs: Stubs, worker: Any, db: Database, org: None
) -> None:
    survivor = create(stubs, REP1, name="Acme GmbH")
    merged = create(stubs, REP1, name="Acme AG", confirm_not_duplicate=True)
    merge(stubs, REP1, survivor.customer_id, merged.customer_id)  # the owner of both may

    pointer = get(stubs, merged.customer_id)
    assert (pointer.status, pointer.merged_into) == (
        pb.CUSTOMER_STATUS_MERGED,
        survivor.customer_id,
    )
    listed = stubs.customers.ListCustomers(pb.ListCustomersRequest(), metadata=REP1).customers
    assert [c.customer_id for c in listed] == [survivor.customer_id]
    only_merged = stubs.customers.ListCustomers(
        pb.ListCustomersRequest(status=pb.CUSTOMER_STATUS_MERGED), metadata=REP1
    ).customers
    assert [c.customer_id for c in only_merged] == [merged.customer_id]
    # A merged account is no duplicate candidate any more: only the survivor is.
    again = failure(lambda: create(stubs, REP1, name="Acme AG"))
    assert [r["resource_name"] for r in again["resources"]] == [survivor.customer_id]

    for call in (
        lambda: merge(stubs, REP1, survivor.customer_id, merged.customer_id),
        lambda: stubs.customers.UpdateCustomerTags(
            pb.UpdateCustomerTagsRequest(customer_id=merged.customer_id, add=["x"]),
            metadata=REP1,
        ),
        lambda: stubs.ownership.TransferCustomer(
            opb.TransferCustomerRequest(customer_id=merged.customer_id, to_owner_id="rep-2"),
            metadata=MGR1,
        ),
    ):
        details = failure(call)
        assert details["code"] == grpc.StatusCode.FAILED_PRECONDITION
        assert survivor.customer_id in details["precondition_violations"][0]["description"]

    # A contract the pipeline signs later for the merged account counts for the survivor.
    worker.revenue_contract_signed(contract_event("signed", "k-9", merged.customer_id, 1_000))
    with db.transaction() as session:
        assert session.get(ContractRevenueRecord, "k-9").customer_id == survivor.customer_id
    assert get(stubs, survivor.customer_id).status == pb.CUSTOMER_STATUS_ACTIVE


def test_merges_are_refused_across_regions_between_teams_and_onto_itself(
    stubs: Stubs, org: None
) -> None:
    emea = create(stubs, REP1, name="Acme GmbH")
    apac = create(stubs, DIRECTOR, name="Acme Asia", region="APAC", owner_id="rep-9")
    other_team = create(stubs, MGR2, name="Acme Nord", owner_id="rep-3")
    across = failure(lambda: merge(stubs, DIRECTOR, emea.customer_id, apac.customer_id))
    assert across["code"] == grpc.StatusCode.FAILED_PRECONDITION
    assert "regions EMEA and APAC" in across["precondition_violations"][0]["description"]
    assert failure(lambda: merge(stubs, MGR1, emea.customer_id, other_team.customer_id))[
        "code"
    ] == (grpc.StatusCode.PERMISSION_DENIED)
    itself = failure(lambda: merge(stubs, MGR1, emea.customer_id, emea.customer_id))
    assert itself["field_violations"][0]["field"] == "merged_id"
    missing = failure(lambda: merge(stubs, MGR1, emea.customer_id, ""))
    assert missing["field_violations"][0]["field"] == "merged_id"


def test_a_merge_in_the_group_keeps_the_tree_acyclic(stubs: Stubs, org: None) -> None:
    top = create(stubs, REP1, name="Group Top")
    parent = create(stubs, REP1, name="Group Parent", parent_id=top.customer_id)
    middle = create(stubs, REP1, name="Group Middle", parent_id=parent.customer_id)
    child = create(stubs, REP1, name="Group Child", parent_id=middle.customer_id)
    sibling = create(stubs, REP1, name="Group Sibling", parent_id=parent.customer_id)
    # The survivor sits two levels below the merged account: it takes its place.
    merge(stubs, REP1, child.customer_id, parent.customer_id)
    assert get(stubs, child.customer_id).parent_id == top.customer_id
    assert get(stubs, middle.customer_id).parent_id == child.customer_id
    assert get(stubs, sibling.customer_id).parent_id == child.customer_id


@pytest.fixture
def pipeline_db(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", f"sqlite:///{tmp_path / 'pipeline.db'}")


def test_the_pipeline_repoints_its_copy_from_the_events_written(
    stubs: Stubs, db: Database, pipeline_db: Database, org: None
) -> None:
    survivor = create(stubs, REP1, name="Acme GmbH")
    merged = create(stubs, REP1, name="Acme AG", confirm_not_duplicate=True)
    merge(stubs, MGR1, survivor.customer_id, merged.customer_id)

    pipeline = worker_factory(PipelineWorker, db=pipeline_db)
    handler_of = {
        "customers.customer.created": pipeline.on_customer_created,
        "customers.customer.updated": pipeline.on_customer_updated,
        "customers.customer.merged": pipeline.on_customer_merged,
    }
    for envelope in events(db):
        handler = handler_of.get(envelope["type"])
        if handler is not None:
            assert handler(envelope) == "applied", envelope
    with pipeline_db.transaction() as session:
        copy = session.get(CustomerCopyRecord, merged.customer_id)
        assert copy is not None and copy.merged_into == survivor.customer_id
        kept = session.get(CustomerCopyRecord, survivor.customer_id)
        assert kept is not None and (kept.owner_id, kept.merged_into) == ("rep-1", "")


def test_ownership_history_stays_with_the_merged_account(
    stubs: Stubs, db: Database, org: None
) -> None:
    survivor = create(stubs, REP1, name="Acme GmbH")
    merged = create(stubs, REP1, name="Acme AG", confirm_not_duplicate=True)
    merge(stubs, MGR1, survivor.customer_id, merged.customer_id)
    assert (
        count(
            db,
            OwnershipChangeRecord.__table__,
            OwnershipChangeRecord.customer_id == merged.customer_id,
        )
        == 1
    )
