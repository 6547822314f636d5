"""Lifetime value from the pipeline's contracts, and tiers from configurable thresholds.

Contract events go through the worker (inbox, real database) on SQLite and
PostgreSQL: duplicates, a cancellation before its signature, merged accounts.
Thresholds are set over gRPC and every account they apply to is re-tiered.
"""

from __future__ import annotations

from typing import Any

import grpc
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import customers_pb2 as pb

from services.customers.models.revenue import ContractRevenueRecord
from services.kit.db import Database
from services.kit.schema import dead_letters

from .archive_support import (
    ADMIN,
    EMEA_ADMIN,
    MGR1,
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

EUR_THRESHOLDS = {
    "currency": "EUR",
    "a_revenue_minor": 100_000,
    "b_revenue_minor": 10_000,
    "a_potential_minor": 500_000,
    "b_potential_minor": 50_000,
}


def get(stubs: Stubs, customer_id: str) -> Any:
    return stubs.customers.GetCustomer(
        pb.GetCustomerRequest(customer_id=customer_id), metadata=REP1
    ).customer


def ltv(customer: Any) -> dict[str, int]:
    return {m.currency: m.amount_minor for m in customer.lifetime_value}


def set_thresholds(stubs: Stubs, metadata: Any = ADMIN, region: str = "", **amounts: Any) -> Any:
    values = {**EUR_THRESHOLDS, **amounts}
    return stubs.customers.SetTierThresholds(
        pb.SetTierThresholdsRequest(thresholds=pb.TierThresholds(region=region, **values)),
        metadata=metadata,
    )


def signed(worker: Any, contract_id: str, customer_id: str, amount: int, **more: Any) -> str:
    outcome: str = worker.revenue_contract_signed(
        contract_event("signed", contract_id, customer_id, amount, **more)
    )
    return outcome


def cancelled(worker: Any, contract_id: str, customer_id: str, amount: int, **more: Any) -> str:
    outcome: str = worker.revenue_contract_cancelled(
        contract_event("cancelled", contract_id, customer_id, amount, **more)
    )
    return outcome


def test_lifetime_value_sums_active_contracts_and_a_first_one_activates(
    stubs: Stubs, worker: Any, db: Database
) -> None:
    acme = create(stubs, REP1)
    assert signed(worker, "k-1", acme.customer_id, 10_000) == "applied"
    first = get(stubs, acme.customer_id)
    assert first.status == pb.CUSTOMER_STATUS_ACTIVE
    assert [e["payload"]["status"] for e in events(db, "customers.customer.updated")] == ["active"]
    signed(worker, "k-2", acme.customer_id, 5_000)
    signed(worker, "k-3", acme.customer_id, 700, currency="USD")
    assert ltv(get(stubs, acme.customer_id)) == {"EUR": 15_000, "USD": 700}
    # Nothing else changed for the account: no further updates.
    assert len(events(db, "customers.customer.updated")) == 1

    cancelled(worker, "k-2", acme.customer_id, 5_000)
    after = get(stubs, acme.customer_id)
    assert ltv(after) == {"EUR": 10_000, "USD": 700}
    assert after.status == pb.CUSTOMER_STATUS_ACTIVE  # churn is a person's call, not a rule
    with db.transaction() as session:
        row = session.get(ContractRevenueRecord, "k-1")
        assert row is not None
        assert (row.customer_id, row.region, row.value_minor, row.currency, row.status) == (
            acme.customer_id,
            "EMEA",
            10_000,
            "EUR",
            "active",
        )
        assert str(row.signed_date) == "2027-02-27"


def test_duplicates_and_a_cancellation_before_its_signature(
    stubs: Stubs, worker: Any, db: Database
) -> None:
    acme = create(stubs, REP1)
    event = contract_event("signed", "k-1", acme.customer_id, 10_000)
    assert worker.revenue_contract_signed(event) == "applied"
    assert worker.revenue_contract_signed(event) == "duplicate"
    assert signed(worker, "k-1", acme.customer_id, 10_000) == "applied"  # another event id
    assert ltv(get(stubs, acme.customer_id)) == {"EUR": 10_000}

    other = create(stubs, REP1, name="Globex")
    assert cancelled(worker, "k-2", other.customer_id, 8_000) == "applied"
    assert signed(worker, "k-2", other.customer_id, 8_000, occurred_at="2027-02-01T00:00:00Z")
    late = get(stubs, other.customer_id)
    assert ltv(late) == {}
    assert late.status == pb.CUSTOMER_STATUS_PROSPECT  # never had an active contract
    with db.transaction() as session:
        row = session.get(ContractRevenueRecord, "k-2")
        assert row is not None and (row.status, row.value_minor) == ("cancelled", 8_000)
    assert cancelled(worker, "k-2", other.customer_id, 8_000) == "applied"  # a repeat: no-op
    assert count(db, ContractRevenueRecord.__table__) == 2


def test_contracts_of_unknown_accounts_are_kept_and_malformed_ones_parked(
    worker: Any, db: Database
) -> None:
    assert signed(worker, "k-1", "not-in-the-archive", 1_000) == "applied"
    assert count(db, ContractRevenueRecord.__table__) == 1
    assert signed(worker, "k-2", "", 1_000) == "dead_lettered"
    assert signed(worker, "k-3", "cus-1", 1_000, currency="euro") == "dead_lettered"
    with db.transaction() as session:
        errors = list(session.scalars(sa.select(dead_letters.c.error).order_by(dead_letters.c.id)))
    assert "has no customer_id" in errors[0] and "ISO 4217" in errors[1]


def test_tiers_follow_revenue_at_each_boundary(stubs: Stubs, worker: Any, db: Database) -> None:
    acme = create(stubs, REP1)
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_UNSPECIFIED
    assert set_thresholds(stubs).retiered_customers == 1
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_C

    signed(worker, "k-1", acme.customer_id, 9_999)
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_C
    signed(worker, "k-2", acme.customer_id, 1)  # 10_000: exactly B
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_B
    signed(worker, "k-3", acme.customer_id, 89_999)  # 99_999
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_B
    signed(worker, "k-4", acme.customer_id, 1)  # 100_000: exactly A
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_A
    signed(worker, "k-5", acme.customer_id, 10**9, currency="USD")  # another currency
    cancelled(worker, "k-4", acme.customer_id, 1)
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_B

    changes = [e["payload"] for e in events(db, "customers.tier.changed")]
    assert [(c.get("previous_tier", ""), c["tier"]) for c in changes] == [
        ("", "C"),
        ("C", "B"),
        ("B", "A"),
        ("A", "B"),
    ]
    assert changes[2]["revenue_minor"] == "100000" and changes[2]["currency"] == "EUR"
    updated_tiers = [e["payload"].get("tier") for e in events(db, "customers.customer.updated")]
    assert updated_tiers[-1] == "B"


def test_tiers_follow_potential_and_regional_thresholds(stubs: Stubs, org: None) -> None:
    acme = create(stubs, REP1, potential=common_pb2.Money(currency="EUR", amount_minor=49_999))
    set_thresholds(stubs)
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_C
    raised = stubs.customers.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=pb.Customer(
                customer_id=acme.customer_id,
                potential=common_pb2.Money(currency="EUR", amount_minor=500_000),
            ),
            update_mask=FieldMask(paths=["potential"]),
        ),
        metadata=REP1,
    ).customer
    assert raised.tier == pb.CUSTOMER_TIER_A

    # EMEA's own thresholds (in another currency) take over from the global ones.
    emea = set_thresholds(stubs, EMEA_ADMIN, region="emea", currency="USD")
    assert (emea.thresholds.region, emea.retiered_customers) == ("EMEA", 1)
    assert get(stubs, acme.customer_id).tier == pb.CUSTOMER_TIER_C
    # Changing the global ones no longer touches EMEA.
    assert set_thresholds(stubs, a_potential_minor=1, b_potential_minor=1).retiered_customers == 0
    listed = stubs.customers.ListTierThresholds(pb.ListTierThresholdsRequest(), metadata=MGR1)
    assert sorted(t.region for t in listed.thresholds) == ["", "EMEA"]


def test_only_admins_set_thresholds_and_they_are_checked(stubs: Stubs) -> None:
    assert failure(lambda: set_thresholds(stubs, MGR1, region="EMEA"))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    global_by_regional = failure(lambda: set_thresholds(stubs, EMEA_ADMIN))
    assert global_by_regional["code"] == grpc.StatusCode.PERMISSION_DENIED
    assert "all regions" in global_by_regional["message"]
    assert failure(lambda: set_thresholds(stubs, EMEA_ADMIN, region="APAC"))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    bad = failure(lambda: set_thresholds(stubs, b_revenue_minor=200_000, currency=""))
    assert [v["field"] for v in bad["field_violations"]] == [
        "thresholds.currency",
        "thresholds.b_revenue_minor",
    ]
