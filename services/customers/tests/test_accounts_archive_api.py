"""The customer archive over gRPC on SQLite and PostgreSQL: accounts, duplicates, scope, groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import customers_pb2 as pb
from salesops.customers.v1 import ownership_pb2 as opb

from services.customers.models.accounts import CustomerRecord
from services.customers.models.ownership import OwnershipChangeRecord
from services.kit.db import Database

from .archive_support import (
    DIRECTOR,
    EXECUTIVE,
    MGR1,
    MGR2,
    REP1,
    REP2,
    Stubs,
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


def update(stubs: Stubs, metadata: Any, customer: pb.Customer, *paths: str, **extra: Any) -> Any:
    request = pb.UpdateCustomerRequest(
        customer=customer, update_mask=FieldMask(paths=list(paths)), **extra
    )
    return stubs.customers.UpdateCustomer(request, metadata=metadata).customer


def test_open_read_and_list_an_account(stubs: Stubs, db: Database, org: None) -> None:
    made = create(
        stubs,
        REP1,
        name="  Acme   GmbH ",
        tax_id="DE 811-234",
        domain="https://www.ACME.de/impressum",
        industry="Manufacturing",
        company_size="300",
        country="de",
        address=pb.CustomerAddress(street="Hauptstr. 1", city="Berlin", postal_code="10115"),
        potential=common_pb2.Money(currency="EUR", amount_minor=1_000_000),
        tags=["Key Account", "dach"],
    )
    assert (made.name, made.domain, made.company_size, made.country) == (
        "Acme GmbH",
        "acme.de",
        "250+",
        "DE",
    )
    assert (made.owner_id, made.status, made.version) == ("rep-1", pb.CUSTOMER_STATUS_PROSPECT, 1)
    assert list(made.tags) == ["dach", "key account"]
    assert made.tier == pb.CUSTOMER_TIER_UNSPECIFIED  # no thresholds yet
    assert made.address.city == "Berlin" and made.audit.created_by == "rep-1"

    got = stubs.customers.GetCustomer(
        pb.GetCustomerRequest(customer_id=made.customer_id), metadata=REP1
    ).customer
    assert got == made
    created = events(db, "customers.customer.created")
    assert [e["payload"]["customer_id"] for e in created] == [made.customer_id]
    assert created[0]["payload"]["status"] == "prospect" and created[0]["actor"] == "rep-1"
    with db.transaction() as session:
        history = session.scalars(sa.select(OwnershipChangeRecord)).one()
        assert (history.from_owner_id, history.to_owner_id, history.reason) == (
            "",
            "rep-1",
            "opened",
        )

    create(stubs, REP1, name="Globex", tags=["dach"])
    other = create(stubs, REP1, name="Initech", parent_id=made.customer_id)
    by_tag = stubs.customers.ListCustomers(pb.ListCustomersRequest(tag="DACH"), metadata=REP1)
    assert sorted(c.name for c in by_tag.customers) == ["Acme GmbH", "Globex"]
    children = stubs.customers.ListCustomers(
        pb.ListCustomersRequest(parent_id=made.customer_id), metadata=REP1
    )
    assert [c.customer_id for c in children.customers] == [other.customer_id]
    prospects = stubs.customers.ListCustomers(
        pb.ListCustomersRequest(status=pb.CUSTOMER_STATUS_PROSPECT, page={"page_size": 2}),
        metadata=REP1,
    )
    assert len(prospects.customers) == 2 and prospects.page.next_page_token


def test_bad_input_names_every_field_and_writes_nothing(stubs: Stubs, db: Database) -> None:
    details = failure(
        lambda: stubs.customers.CreateCustomer(
            pb.CreateCustomerRequest(
                region="emea", name="", domain="nope", country="Germany", tags=["ok", "-x"]
            ),
            metadata=REP1,
        )
    )
    assert details["code"] == grpc.StatusCode.INVALID_ARGUMENT
    assert [v["field"] for v in details["field_violations"]] == ["name", "domain", "country"]
    assert count(db, CustomerRecord.__table__) == 0


def test_a_rep_opens_accounts_for_themselves_a_manager_for_their_reps(
    stubs: Stubs, org: None
) -> None:
    denied = failure(lambda: create(stubs, REP1, owner_id="rep-2"))
    assert denied["code"] == grpc.StatusCode.PERMISSION_DENIED
    assert create(stubs, MGR1, owner_id="rep-2").owner_id == "rep-2"
    unknown = failure(lambda: create(stubs, MGR1, name="Globex", owner_id="nobody"))
    assert unknown["field_violations"][0]["field"] == "owner_id"
    apac = failure(lambda: create(stubs, DIRECTOR, name="Globex", owner_id="rep-9"))
    assert "works in region APAC" in apac["field_violations"][0]["description"]
    outside = failure(lambda: create(stubs, MGR1, name="Globex", region="APAC"))
    assert outside["code"] == grpc.StatusCode.PERMISSION_DENIED


# --- duplicates ----------------------------------------------------------------------


def test_each_duplicate_key_is_refused_with_its_candidates(
    stubs: Stubs, db: Database, org: None
) -> None:
    acme = create(stubs, REP1, name="Acme GmbH", domain="acme.de", tax_id="DE811")
    for fields, why in (
        ({"name": "ACME, Inc."}, "same normalised name 'acme'"),
        ({"name": "Totally Different", "domain": "http://www.acme.de/"}, "same web domain"),
        ({"name": "Another Name", "tax_id": "de-811"}, "same tax id 'DE811'"),
    ):
        details = failure(lambda fields=fields: create(stubs, REP2, **fields))
        assert details["code"] == grpc.StatusCode.ALREADY_EXISTS
        assert details["resources"] == [
            {
                "resource_type": "customer",
                "resource_name": acme.customer_id,
                "owner": "rep-1",
                "description": details["resources"][0]["description"],
            }
        ]
        assert why in details["resources"][0]["description"]
        assert "confirm_not_duplicate" in details["message"]
    assert count(db, CustomerRecord.__table__) == 1

    confirmed = create(stubs, REP2, name="ACME, Inc.", confirm_not_duplicate=True)
    assert confirmed.owner_id == "rep-2"
    both = failure(lambda: create(stubs, REP2, name="acme", domain="acme.de"))
    # The stronger match (name and domain) comes first.
    assert [r["resource_name"] for r in both["resources"]] == [
        acme.customer_id,
        confirmed.customer_id,
    ]
    # Another region's account is no candidate, and no leak.
    assert create(stubs, DIRECTOR, name="Acme GmbH", region="APAC", owner_id="rep-9").name


def test_an_update_is_checked_on_the_keys_it_changes(stubs: Stubs, org: None) -> None:
    acme = create(stubs, REP1, name="Acme GmbH", domain="acme.de")
    twin = create(stubs, REP1, name="Acme GmbH", confirm_not_duplicate=True)
    # The twin's own name clash was confirmed once; other changes are not held up by it.
    twin = update(
        stubs, REP1, pb.Customer(customer_id=twin.customer_id, industry="Retail"), "industry"
    )
    assert twin.industry == "Retail"
    clash = pb.Customer(customer_id=twin.customer_id, domain="www.acme.de")
    details = failure(lambda: update(stubs, REP1, clash, "domain"))
    assert details["code"] == grpc.StatusCode.ALREADY_EXISTS
    assert details["resources"][0]["resource_name"] == acme.customer_id
    changed = update(stubs, REP1, clash, "domain", confirm_not_duplicate=True)
    assert changed.domain == "acme.de"


# --- updates -------------------------------------------------------------------------


def test_update_changes_the_masked_fields_and_checks_the_version(
    stubs: Stubs, db: Database, org: None
) -> None:
    made = create(stubs, REP1, industry="Retail", country="DE")
    changed = update(
        stubs,
        REP1,
        pb.Customer(
            customer_id=made.customer_id,
            name="Acme Holding GmbH",
            country="AT",
            status=pb.CUSTOMER_STATUS_DORMANT,
            version=made.version,
        ),
        "name",
        "status",
    )
    assert (changed.name, changed.status, changed.country, changed.industry) == (
        "Acme Holding GmbH",
        pb.CUSTOMER_STATUS_DORMANT,
        "DE",  # not in the mask: unchanged
        "Retail",
    )
    assert changed.version == made.version + 1 and changed.audit.updated_by == "rep-1"
    stale = failure(
        lambda: update(
            stubs,
            REP1,
            pb.Customer(customer_id=made.customer_id, name="Late", version=made.version),
            "name",
        )
    )
    assert stale["code"] == grpc.StatusCode.ABORTED
    assert "read it again" in stale["message"]
    updated = events(db, "customers.customer.updated")
    assert updated[-1]["payload"]["status"] == "dormant"
    assert updated[-1]["payload"]["version"] == str(changed.version)

    merged_status = failure(
        lambda: update(
            stubs,
            REP1,
            pb.Customer(customer_id=made.customer_id, status=pb.CUSTOMER_STATUS_MERGED),
            "status",
        )
    )
    assert merged_status["field_violations"][0]["field"] == "customer.status"
    owner = failure(
        lambda: update(stubs, REP1, pb.Customer(customer_id=made.customer_id), "owner_id")
    )
    assert owner["field_violations"][0]["field"] == "update_mask"


def test_who_may_change_an_account(stubs: Stubs, org: None) -> None:
    made = create(stubs, REP1)
    change = pb.Customer(customer_id=made.customer_id, industry="Retail")
    assert update(stubs, MGR1, change, "industry").industry == "Retail"
    assert update(stubs, DIRECTOR, change, "industry").industry == "Retail"
    other_team = failure(lambda: update(stubs, MGR2, change, "industry"))
    assert other_team["code"] == grpc.StatusCode.PERMISSION_DENIED
    assert failure(lambda: update(stubs, REP2, change, "industry"))["code"] == (
        grpc.StatusCode.NOT_FOUND
    )
    assert failure(lambda: update(stubs, EXECUTIVE, change, "industry"))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )


def test_groups_have_no_cycles(stubs: Stubs, org: None) -> None:
    top = create(stubs, REP1, name="Group Top")
    mid = create(stubs, REP1, name="Group Mid", parent_id=top.customer_id)
    leaf = create(stubs, REP1, name="Group Leaf", parent_id=mid.customer_id)
    cycle = failure(
        lambda: update(
            stubs,
            REP1,
            pb.Customer(customer_id=top.customer_id, parent_id=leaf.customer_id),
            "parent_id",
        )
    )
    assert cycle["code"] == grpc.StatusCode.FAILED_PRECONDITION
    assert "cycle" in cycle["precondition_violations"][0]["description"]
    itself = failure(
        lambda: update(
            stubs,
            REP1,
            pb.Customer(customer_id=top.customer_id, parent_id=top.customer_id),
            "parent_id",
        )
    )
    assert itself["code"] == grpc.StatusCode.FAILED_PRECONDITION
    apac = create(stubs, DIRECTOR, name="Far Away", region="APAC", owner_id="rep-9")
    hidden = failure(lambda: create(stubs, REP1, name="Branch", parent_id=apac.customer_id))
    assert hidden["field_violations"][0]["field"] == "parent_id"
    moved = update(stubs, REP1, pb.Customer(customer_id=leaf.customer_id), "parent_id")
    assert moved.parent_id == ""


# --- scope ---------------------------------------------------------------------------


def test_a_rep_sees_their_own_another_region_is_not_found_everywhere(
    stubs: Stubs, org: None
) -> None:
    mine = create(stubs, REP1, name="Mine")
    theirs = create(stubs, REP2, name="Theirs")
    apac = create(stubs, DIRECTOR, name="Far Away", region="APAC", owner_id="rep-9")

    listed = stubs.customers.ListCustomers(pb.ListCustomersRequest(), metadata=REP1)
    assert [c.name for c in listed.customers] == ["Mine"]
    team = stubs.customers.ListCustomers(pb.ListCustomersRequest(), metadata=MGR1)
    assert sorted(c.name for c in team.customers) == ["Mine", "Theirs"]
    everyone = stubs.customers.ListCustomers(pb.ListCustomersRequest(), metadata=EXECUTIVE)
    assert sorted(c.name for c in everyone.customers) == ["Far Away", "Mine", "Theirs"]
    outside = stubs.customers.ListCustomers(pb.ListCustomersRequest(region="APAC"), metadata=MGR1)
    assert list(outside.customers) == []

    for metadata, customer_id in ((REP1, theirs.customer_id), (MGR1, apac.customer_id)):
        for call in every_call_on(stubs, metadata, customer_id, mine.customer_id):
            details = failure(call)
            assert details["code"] == grpc.StatusCode.NOT_FOUND, details
            assert details["message"] == f"customer '{customer_id}' was not found"


def every_call_on(
    stubs: Stubs, metadata: Any, customer_id: str, other_id: str
) -> list[Callable[[], Any]]:
    """Every archive call that names `customer_id` (and `other_id` where two are needed)."""
    return [
        lambda: stubs.customers.GetCustomer(
            pb.GetCustomerRequest(customer_id=customer_id), metadata=metadata
        ),
        lambda: update(stubs, metadata, pb.Customer(customer_id=customer_id), "industry"),
        lambda: stubs.customers.MergeCustomers(
            pb.MergeCustomersRequest(survivor_id=other_id, merged_id=customer_id),
            metadata=metadata,
        ),
        lambda: stubs.customers.MergeCustomers(
            pb.MergeCustomersRequest(survivor_id=customer_id, merged_id=other_id),
            metadata=metadata,
        ),
        lambda: stubs.customers.UpdateCustomerTags(
            pb.UpdateCustomerTagsRequest(customer_id=customer_id, add=["x"]), metadata=metadata
        ),
        lambda: stubs.ownership.TransferCustomer(
            opb.TransferCustomerRequest(customer_id=customer_id, to_owner_id="rep-2"),
            metadata=metadata,
        ),
        lambda: stubs.ownership.ListOwnershipHistory(
            opb.ListOwnershipHistoryRequest(customer_id=customer_id), metadata=metadata
        ),
    ]


def test_tags_are_added_and_removed(stubs: Stubs, db: Database) -> None:
    made = create(stubs, REP1, tags=["a"])
    tagged = stubs.customers.UpdateCustomerTags(
        pb.UpdateCustomerTagsRequest(customer_id=made.customer_id, add=["B", "c"], remove=["a"]),
        metadata=REP1,
    ).customer
    assert list(tagged.tags) == ["b", "c"] and tagged.version == made.version + 1
    same = stubs.customers.UpdateCustomerTags(
        pb.UpdateCustomerTagsRequest(customer_id=made.customer_id, add=["b"]), metadata=REP1
    ).customer
    assert same.version == tagged.version  # nothing changed, nothing written
    assert len(events(db, "customers.customer.updated")) == 1
