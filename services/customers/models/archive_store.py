"""What the archive's api and its event handlers both do to accounts, with their events.

Opening an account, re-tiering it, giving it a new owner and merging it into
another happen from gRPC calls and from events (a converted lead, a signed
contract); this module does each one way, in the caller's transaction, with
the outbox events it implies. Nothing here imports gRPC or nameko.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from salesops.events.v1 import customers_events_pb2 as events
from sqlalchemy.orm import Session

from services.customers.domain import accounts as domain
from services.customers.domain import segmentation
from services.customers.domain.ownership import RepView, TransferStatus
from services.customers.models.accounts import CustomerRecord
from services.customers.models.base import Base
from services.customers.models.ownership import OwnershipChangeRecord, TransferRequestRecord
from services.customers.models.reps import RepRecord
from services.customers.models.revenue import ContractRevenueRecord
from services.customers.models.segmentation import TierThresholdRecord
from services.kit.identity import Caller
from services.kit.outbox import record_event

# Table.info["on_merge"] of a table whose rows stay with the merged account.
ON_MERGE_KEEP = "keep"
# A chain of merges (or of parents) longer than this is a corrupt archive, not a real history.
_MAX_MERGE_HOPS = 32


def actor_of(caller: Caller | None) -> str:
    """Who to record as having made a change ("system" for event handlers)."""
    return caller.subject if caller is not None else "system"


def touch(customer: CustomerRecord, caller: Caller | None, now: datetime) -> None:
    """Record who changed the account and when, and bump its version."""
    customer.updated_at = now
    customer.updated_by = actor_of(caller)
    customer.version += 1


def rep_view(session: Session, rep_id: str) -> RepView | None:
    """What the reps copy knows of a rep, or None."""
    rep = session.get(RepRecord, rep_id) if rep_id else None
    if rep is None:
        return None
    return RepView(rep.rep_id, rep.region, rep.manager_id, rep.status)


def manager_of(session: Session, rep_id: str) -> str | None:
    """The manager of `rep_id` per planning, or None when the copy does not say."""
    rep = rep_view(session, rep_id)
    if rep is None or not rep.manager_id:
        return None
    return rep.manager_id


def surviving_customer(session: Session, customer_id: str) -> CustomerRecord | None:
    """The account with this id, or the survivor it was merged into (locked); None if unknown."""
    customer = session.get(CustomerRecord, customer_id, with_for_update=True)
    hops = 0
    while customer is not None and customer.merged_into and hops < _MAX_MERGE_HOPS:
        customer = session.get(CustomerRecord, customer.merged_into, with_for_update=True)
        hops += 1
    return customer


# --- events -------------------------------------------------------------------------------


def customer_updated(session: Session, customer: CustomerRecord, caller: Caller | None) -> None:
    """Emit `customers.customer.updated` with the account as it now is."""
    record_event(
        session,
        "customers.customer.updated",
        events.CustomerUpdated(
            customer_id=customer.customer_id,
            region=customer.region,
            name=customer.name,
            owner_id=customer.owner_id,
            status=customer.status,
            country=customer.country,
            industry=customer.industry,
            parent_id=customer.parent_id or "",
            tier=customer.tier,
            version=customer.version,
        ),
        region=customer.region,
        caller=caller,
    )


def customer_created(
    session: Session, customer: CustomerRecord, caller: Caller | None, now: datetime
) -> None:
    """Emit `customers.customer.created` and start the account's ownership history."""
    session.add(
        OwnershipChangeRecord(
            change_id=str(uuid.uuid4()),
            customer_id=customer.customer_id,
            region=customer.region,
            from_owner_id="",
            to_owner_id=customer.owner_id,
            reason="opened",
            transfer_id=None,
            changed_by=customer.created_by,
            changed_at=now,
        )
    )
    record_event(
        session,
        "customers.customer.created",
        events.CustomerCreated(
            customer_id=customer.customer_id,
            region=customer.region,
            name=customer.name,
            owner_id=customer.owner_id,
            source_lead_id=customer.source_lead_id or "",
            status=customer.status,
            country=customer.country,
            industry=customer.industry,
            parent_id=customer.parent_id or "",
            tier=customer.tier,
        ),
        region=customer.region,
        caller=caller,
    )


# --- segmentation -------------------------------------------------------------------------


def lifetime_values(session: Session, customer_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """Each account's lifetime value per currency (accounts without contracts are absent)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    return _lifetime_values(session, ContractRevenueRecord.customer_id.in_(ids))


def lifetime_values_of(
    session: Session, customer_ids: sa.Select[tuple[str]]
) -> dict[str, dict[str, int]]:
    """The lifetime values of the accounts a query selects (by their customer_id)."""
    return _lifetime_values(session, ContractRevenueRecord.customer_id.in_(customer_ids))


def _lifetime_values(session: Session, which: sa.ColumnElement[bool]) -> dict[str, dict[str, int]]:
    rows: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for customer_id, currency, value_minor in session.execute(
        sa.select(
            ContractRevenueRecord.customer_id,
            ContractRevenueRecord.currency,
            sa.func.sum(ContractRevenueRecord.value_minor),
        )
        .where(which, ContractRevenueRecord.status == segmentation.ContractStatus.ACTIVE.value)
        .group_by(ContractRevenueRecord.customer_id, ContractRevenueRecord.currency)
    ):
        rows[customer_id].append(
            (segmentation.ContractStatus.ACTIVE.value, currency, int(value_minor))
        )
    return {customer_id: segmentation.lifetime_value(found) for customer_id, found in rows.items()}


def has_active_contract(session: Session, customer_id: str) -> bool:
    """Whether the account has a signed contract that was not cancelled."""
    return (
        session.scalar(
            sa.select(ContractRevenueRecord.contract_id)
            .where(
                ContractRevenueRecord.customer_id == customer_id,
                ContractRevenueRecord.status == segmentation.ContractStatus.ACTIVE.value,
            )
            .limit(1)
        )
        is not None
    )


def thresholds_of(record: TierThresholdRecord) -> segmentation.TierThresholds:
    """The domain's thresholds from their row."""
    return segmentation.TierThresholds(
        currency=record.currency,
        a_revenue_minor=record.a_revenue_minor,
        b_revenue_minor=record.b_revenue_minor,
        a_potential_minor=record.a_potential_minor,
        b_potential_minor=record.b_potential_minor,
    )


def thresholds_for(session: Session, region: str) -> segmentation.TierThresholds | None:
    """The thresholds that apply to `region`: its own, else the global ones, else None."""
    record = session.get(TierThresholdRecord, region) or session.get(
        TierThresholdRecord, segmentation.GLOBAL_SCOPE
    )
    return thresholds_of(record) if record is not None else None


def retier(
    session: Session,
    customer: CustomerRecord,
    caller: Caller | None,
    *,
    thresholds: segmentation.TierThresholds | None = None,
    lifetime_value: dict[str, int] | None = None,
    emit: bool = True,
) -> bool:
    """Recompute the account's tier; on a change store it and emit `customers.tier.changed`.

    `thresholds` default to those of the account's region. Returns whether the
    tier changed. The caller bumps the version and emits
    `customers.customer.updated` (once per change of the account, whatever
    changed). A new account gets its first tier with `emit=False`: its
    `customers.customer.created` says it.
    """
    if thresholds is None:
        thresholds = thresholds_for(session, customer.region)
    if lifetime_value is None:
        lifetime_value = lifetime_values(session, [customer.customer_id]).get(
            customer.customer_id, {}
        )
    inputs = segmentation.TierInputs(0, 0)
    if thresholds is not None:
        inputs = segmentation.tier_inputs(
            thresholds, lifetime_value, customer.potential_currency, customer.potential_minor
        )
    tier = segmentation.compute_tier(thresholds, inputs)
    new_tier = tier.value if tier is not None else ""
    if new_tier == customer.tier:
        return False
    previous, customer.tier = customer.tier, new_tier
    if not emit:
        return True
    record_event(
        session,
        "customers.tier.changed",
        events.TierChanged(
            customer_id=customer.customer_id,
            region=customer.region,
            previous_tier=previous,
            tier=new_tier,
            currency=thresholds.currency if thresholds is not None else "",
            revenue_minor=inputs.revenue_minor,
            potential_minor=inputs.potential_minor,
        ),
        region=customer.region,
        caller=caller,
    )
    return True


def retier_scope(
    session: Session,
    scope: str,
    thresholds: segmentation.TierThresholds,
    caller: Caller | None,
    now: datetime,
) -> int:
    """Re-tier the accounts new thresholds apply to; return how many changed tier.

    A region's thresholds apply to its accounts; the global ones to the
    accounts of regions without their own. Runs in the caller's transaction:
    every account that changes tier changes with the thresholds, or none does.
    """
    query = sa.select(CustomerRecord).where(
        CustomerRecord.status != domain.CustomerStatus.MERGED.value
    )
    if scope == segmentation.GLOBAL_SCOPE:
        query = query.where(
            CustomerRecord.region.not_in(
                sa.select(TierThresholdRecord.region).where(
                    TierThresholdRecord.region != segmentation.GLOBAL_SCOPE
                )
            )
        )
    else:
        query = query.where(CustomerRecord.region == scope)
    customers = list(session.scalars(query.order_by(CustomerRecord.customer_id).with_for_update()))
    values = lifetime_values_of(session, query.with_only_columns(CustomerRecord.customer_id))
    changed = 0
    for customer in customers:
        value = values.get(customer.customer_id, {})
        if retier(session, customer, caller, thresholds=thresholds, lifetime_value=value):
            touch(customer, caller, now)
            customer_updated(session, customer, caller)
            changed += 1
    return changed


def refresh_from_revenue(
    session: Session, customer: CustomerRecord, caller: Caller | None, now: datetime
) -> bool:
    """After the account's revenue changed: a prospect with a contract turns active, re-tier.

    Emits `customers.customer.updated` when anything changed; returns whether it did.
    """
    changed = False
    if has_active_contract(session, customer.customer_id):
        activated = domain.status_after_first_contract(customer.status)
        if activated is not None:
            customer.status = activated.value
            changed = True
    changed = retier(session, customer, caller) or changed
    if changed:
        touch(customer, caller, now)
        customer_updated(session, customer, caller)
    return changed


# --- ownership ----------------------------------------------------------------------------


def cancel_pending_transfers(
    session: Session, customer_id: str, caller: Caller | None, now: datetime, why: str
) -> int:
    """Cancel the account's pending transfer requests (overtaken by a transfer or a merge)."""
    result = session.execute(
        sa.update(TransferRequestRecord)
        .where(
            TransferRequestRecord.customer_id == customer_id,
            TransferRequestRecord.status == TransferStatus.PENDING.value,
        )
        .values(
            status=TransferStatus.CANCELLED.value,
            decided_by=actor_of(caller),
            decided_at=now,
            decision_comment=why,
        )
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def change_owner(
    session: Session,
    customer: CustomerRecord,
    to_owner_id: str,
    *,
    reason: str,
    transfer_id: str | None,
    caller: Caller | None,
    now: datetime,
) -> None:
    """Give the account to `to_owner_id`: history row, `customers.owner.changed`, updated."""
    previous = customer.owner_id
    customer.owner_id = to_owner_id
    session.add(
        OwnershipChangeRecord(
            change_id=str(uuid.uuid4()),
            customer_id=customer.customer_id,
            region=customer.region,
            from_owner_id=previous,
            to_owner_id=to_owner_id,
            reason=reason,
            transfer_id=transfer_id,
            changed_by=actor_of(caller),
            changed_at=now,
        )
    )
    touch(customer, caller, now)
    record_event(
        session,
        "customers.owner.changed",
        events.OwnerChanged(
            customer_id=customer.customer_id,
            region=customer.region,
            previous_owner_id=previous,
            owner_id=to_owner_id,
            reason=reason,
            transfer_id=transfer_id or "",
        ),
        region=customer.region,
        caller=caller,
    )
    customer_updated(session, customer, caller)


# --- merging ------------------------------------------------------------------------------


def _unique_keys_with_customer(table: sa.Table) -> list[list[sa.Column[object]]]:
    """The unique keys (primary key, unique constraints, indexes) that hold customer_id."""
    keys: list[list[sa.Column[object]]] = [list(table.primary_key.columns)]
    keys += [
        list(constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    ]
    keys += [list(index.columns) for index in table.indexes if index.unique]
    keys += [[column] for column in table.columns if column.unique]
    return [key for key in keys if any(column.name == "customer_id" for column in key)]


def repoint_customer_references(
    session: Session, survivor_id: str, merged_id: str
) -> dict[str, int]:
    """Move every row that refers to `merged_id` to `survivor_id`; return the count per table.

    Generic on purpose: every table of the customers schema with a
    `customer_id` column (contacts, tags, revenue, the timeline, surveys, ...
    whichever area added it) is repointed, so a new area needs no change here.
    Where a unique key holds customer_id and the survivor already has a row
    with the same key (a tag both accounts carry, a per-account summary), the
    survivor's row wins and the merged account's is dropped. A table whose rows
    tell the merged account's own story (its ownership history) opts out with
    `info={"on_merge": "keep"}`.
    """
    moved: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if (
            table.name == CustomerRecord.__tablename__
            or "customer_id" not in table.c
            or table.info.get("on_merge") == ON_MERGE_KEEP
        ):
            continue
        for key in _unique_keys_with_customer(table):
            others = [column for column in key if column.name != "customer_id"]
            theirs = table.alias("survivor_rows")
            clash = sa.exists().where(
                theirs.c.customer_id == survivor_id,
                *[theirs.c[column.name] == column for column in others],
            )
            session.execute(
                sa.delete(table).where(table.c.customer_id == merged_id, clash),
                execution_options={"synchronize_session": False},
            )
        result = session.execute(
            sa.update(table)
            .where(table.c.customer_id == merged_id)
            .values(customer_id=survivor_id),
            execution_options={"synchronize_session": False},
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            moved[table.name] = count
    return moved


def ancestors_of(session: Session, customer: CustomerRecord) -> list[str]:
    """The account's parent, grandparent, ... up to the top of its group."""
    found: list[str] = []
    current = customer.parent_id
    while current and current not in found and len(found) < _MAX_MERGE_HOPS:
        found.append(current)
        current = session.scalar(
            sa.select(CustomerRecord.parent_id).where(CustomerRecord.customer_id == current)
        )
    return found


def merge_into(
    session: Session,
    survivor: CustomerRecord,
    merged: CustomerRecord,
    caller: Caller | None,
    now: datetime,
) -> dict[str, int]:
    """Merge `merged` into `survivor` (both locked, checked): records move, events are written.

    The survivor keeps its values and takes the merged account's where it has
    none; the group follows (children of the merged account become the
    survivor's; accounts merged into it earlier now point at the survivor).
    The merged account stays as a pointer: status merged, merged_into.
    """
    survivor_id, merged_id = survivor.customer_id, merged.customer_id
    cancel_pending_transfers(
        session, merged_id, caller, now, f"the account was merged into {survivor_id}"
    )
    for name in (
        "tax_id",
        "tax_id_key",
        "domain",
        "industry",
        "company_size",
        "street",
        "city",
        "postal_code",
        "state_province",
        "country",
    ):
        if not getattr(survivor, name) and getattr(merged, name):
            setattr(survivor, name, getattr(merged, name))
    if not survivor.potential_minor and merged.potential_minor:
        survivor.potential_minor = merged.potential_minor
        survivor.potential_currency = merged.potential_currency
    if merged_id in ancestors_of(session, survivor):
        # The survivor sat below the merged account: it takes that account's place,
        # so the children it receives cannot be its own ancestors.
        survivor.parent_id = merged.parent_id
    session.flush()
    session.execute(
        sa.update(CustomerRecord)
        .where(CustomerRecord.parent_id == merged_id, CustomerRecord.customer_id != survivor_id)
        .values(parent_id=survivor_id),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        sa.update(CustomerRecord)
        .where(CustomerRecord.merged_into == merged_id)
        .values(merged_into=survivor_id),
        execution_options={"synchronize_session": False},
    )
    moved = repoint_customer_references(session, survivor_id, merged_id)
    # The bulk statements went round the identity map: reload what they touched.
    session.expire_all()
    merged.status = domain.CustomerStatus.MERGED.value
    merged.merged_into = survivor_id
    merged.merged_at = now
    merged.parent_id = None
    touch(merged, caller, now)
    if has_active_contract(session, survivor_id):
        activated = domain.status_after_first_contract(survivor.status)
        if activated is not None:
            survivor.status = activated.value
    retier(session, survivor, caller)
    touch(survivor, caller, now)
    session.flush()
    record_event(
        session,
        "customers.customer.merged",
        events.CustomerMerged(survivor_id=survivor_id, merged_id=merged_id, region=survivor.region),
        region=survivor.region,
        caller=caller,
    )
    customer_updated(session, survivor, caller)
    return moved
