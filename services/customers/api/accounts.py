"""CustomersService: the customer archive (accounts, duplicates, merges, tags, tiers).

Protos in, domain rules, database and outbox out. The scope helpers here
(`load_customer`, `require_account_writer`) are shared with the ownership area.

Scope: a rep sees the accounts they own, a manager or director those of
their regions, an executive all (read only); an account outside the
caller's scope is NotFound on every call. A merged account still reads (status
MERGED, `merged_into` names the survivor) but nothing else happens to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.customers.v1 import customers_pb2 as pb
from salesops.customers.v1 import customers_pb2_grpc
from sqlalchemy.orm import Session

from services.customers.domain import accounts as domain
from services.customers.domain import segmentation
from services.customers.domain.accounts import CustomerStatus
from services.customers.domain.ownership import check_new_owner
from services.customers.models import archive_store as store
from services.customers.models.accounts import CustomerRecord
from services.customers.models.segmentation import CustomerTagRecord, TierThresholdRecord
from services.kit import metrics
from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    AlreadyExists,
    ExistingRecord,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.kit.identity import ALL_REGIONS, Caller, current_caller
from services.kit.normalize import normalized_tax_id
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp

STATUS_TO_PROTO = {
    CustomerStatus.PROSPECT: pb.CUSTOMER_STATUS_PROSPECT,
    CustomerStatus.ACTIVE: pb.CUSTOMER_STATUS_ACTIVE,
    CustomerStatus.DORMANT: pb.CUSTOMER_STATUS_DORMANT,
    CustomerStatus.CHURNED: pb.CUSTOMER_STATUS_CHURNED,
    CustomerStatus.MERGED: pb.CUSTOMER_STATUS_MERGED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
TIER_TO_PROTO = {
    "": pb.CUSTOMER_TIER_UNSPECIFIED,
    segmentation.Tier.A.value: pb.CUSTOMER_TIER_A,
    segmentation.Tier.B.value: pb.CUSTOMER_TIER_B,
    segmentation.Tier.C.value: pb.CUSTOMER_TIER_C,
}
TIER_FROM_PROTO = {value: key for key, value in TIER_TO_PROTO.items()}
# Roles that open accounts for someone else and see past their own.
OPENING_FOR_OTHERS = frozenset({"manager", "director", "admin"})


def customer_to_proto(
    customer: CustomerRecord, lifetime_value: dict[str, int] | None = None
) -> pb.Customer:
    """The Customer proto of an account (its lifetime value per currency, if given)."""
    return pb.Customer(
        customer_id=customer.customer_id,
        region=customer.region,
        name=customer.name,
        country=customer.country,
        industry=customer.industry,
        status=STATUS_TO_PROTO[CustomerStatus(customer.status)],
        owner_id=customer.owner_id,
        source_lead_id=customer.source_lead_id or "",
        contacts=[
            pb.Contact(
                contact_id=c.contact_id,
                name=c.name,
                email=c.email,
                phone=c.phone,
                title=c.title,
                create_time=timestamp(c.created_at),
            )
            for c in customer.contacts
        ],
        audit=audit_info(
            customer.created_at, customer.created_by, customer.updated_at, customer.updated_by
        ),
        tax_id=customer.tax_id,
        domain=customer.domain,
        company_size=customer.company_size,
        address=pb.CustomerAddress(
            street=customer.street,
            city=customer.city,
            postal_code=customer.postal_code,
            state_province=customer.state_province,
        ),
        parent_id=customer.parent_id or "",
        tier=TIER_TO_PROTO.get(customer.tier, pb.CUSTOMER_TIER_UNSPECIFIED),
        tags=customer.tags,
        potential=(
            common_pb2.Money(
                currency=customer.potential_currency, amount_minor=customer.potential_minor
            )
            if customer.potential_currency
            else None
        ),
        lifetime_value=[
            common_pb2.Money(currency=currency, amount_minor=amount)
            for currency, amount in (lifetime_value or {}).items()
        ],
        merged_into=customer.merged_into or "",
        version=customer.version,
    )


def customers_to_proto(session: Session, customers: Sequence[CustomerRecord]) -> list[pb.Customer]:
    """Customer protos with their lifetime values, read in one query."""
    values = store.lifetime_values(session, (c.customer_id for c in customers))
    return [customer_to_proto(c, values.get(c.customer_id)) for c in customers]


# --- scope -----------------------------------------------------------------------------


def load_customer(
    session: Session,
    caller: Caller,
    customer_id: str,
    *,
    for_update: bool = False,
    field_name: str = "customer_id",
    owner_scoped: bool = True,
) -> CustomerRecord:
    """The account if it exists for this caller; NotFound otherwise (outside scope too).

    `owner_scoped=False` checks the region only: a rep may ask to take over an
    account of their region they do not own.
    """
    caller.require_reader()
    customer_id = customer_id.strip()
    if not customer_id:
        raise InvalidArgument.of(field_name, "is required")
    customer = session.get(CustomerRecord, customer_id, with_for_update=for_update)
    if customer is None or not caller.can_read(
        customer.region, customer.owner_id if owner_scoped else None
    ):
        raise NotFound("customer", customer_id)
    if for_update:
        check_expected_version(customer.version, f"customers/{customer_id}")
    return customer


def require_account_writer(session: Session, caller: Caller, customer: CustomerRecord) -> None:
    """The caller may change this account: the owner, their manager, a director (in region)."""
    domain.require_not_merged(customer.customer_id, customer.status, customer.merged_into)
    caller.require_writer(customer.region)
    domain.require_manager_of_account(
        caller.roles,
        caller.subject,
        customer.customer_id,
        customer.owner_id,
        store.manager_of(session, customer.owner_id),
    )


def require_admin(caller: Caller, region: str) -> None:
    """Tier thresholds are set by admins: of the region, or of every region for global ones."""
    if "admin" not in caller.roles:
        raise PermissionDenied("only an admin sets tier thresholds")
    if region != segmentation.GLOBAL_SCOPE:
        caller.require_writer(region)
    elif ALL_REGIONS not in caller.regions:
        raise PermissionDenied("global tier thresholds need an admin of all regions")


# --- duplicates and groups -----------------------------------------------------------------


def find_duplicates(
    session: Session, region: str, keys: domain.MatchKeys, exclude_id: str = ""
) -> list[ExistingRecord]:
    """Accounts of `region` (not merged) that are likely the company `keys` describe."""
    matches = [
        column == value
        for column, value in (
            (CustomerRecord.normalized_name, keys.name),
            (CustomerRecord.domain, keys.domain),
            (CustomerRecord.tax_id_key, keys.tax_id),
        )
        if value
    ]
    if not matches:
        return []
    rows = session.scalars(
        sa.select(CustomerRecord).where(
            CustomerRecord.region == region,
            CustomerRecord.status != CustomerStatus.MERGED.value,
            CustomerRecord.customer_id != exclude_id,
            sa.or_(*matches),
        )
    )
    return domain.duplicate_candidates(
        keys,
        (
            domain.ArchivedAccount(
                row.customer_id,
                row.name,
                row.owner_id,
                domain.MatchKeys(row.normalized_name, row.domain, row.tax_id_key),
            )
            for row in rows
        ),
    )


def refuse_duplicates(candidates: list[ExistingRecord], name: str) -> None:
    """ALREADY_EXISTS listing the candidates, unless there are none."""
    if candidates:
        raise AlreadyExists(
            "customer",
            name,
            message=(
                f"'{name}' is likely an account the archive holds already "
                f"({len(candidates)} candidate{'s' if len(candidates) > 1 else ''}); merge or "
                "ask for a transfer, or repeat with confirm_not_duplicate"
            ),
            candidates=candidates,
        )


def check_parent_for(
    session: Session, caller: Caller, customer_id: str, parent_id: str, field_name: str
) -> None:
    """A parent account exists in the caller's regions, is not merged, and makes no cycle."""
    if not parent_id:
        return
    parent = session.get(CustomerRecord, parent_id)
    if parent is None or not caller.has_region(parent.region):
        raise InvalidArgument.of(field_name, f"no account '{parent_id}' in your regions")
    if parent.status == CustomerStatus.MERGED:
        raise InvalidArgument.of(
            field_name, f"account '{parent_id}' was merged into '{parent.merged_into}'"
        )

    def parent_of(account_id: str) -> str | None:
        return session.scalar(
            sa.select(CustomerRecord.parent_id).where(CustomerRecord.customer_id == account_id)
        )

    domain.check_parent(customer_id, parent_id, parent_of)


def _account_input(message: pb.Customer | pb.CreateCustomerRequest) -> domain.AccountInput:
    status = STATUS_FROM_PROTO.get(message.status)
    return domain.AccountInput(
        name=message.name,
        tax_id=message.tax_id,
        domain=message.domain,
        industry=message.industry,
        company_size=message.company_size,
        address=domain.Address(
            message.address.street,
            message.address.city,
            message.address.postal_code,
            message.address.state_province,
        ),
        country=message.country,
        status=status.value if status is not None else "",
        parent_id=message.parent_id,
        potential=domain.Money(message.potential.currency, message.potential.amount_minor),
    )


def _apply_fields(
    customer: CustomerRecord, fields: domain.AccountFields, paths: Sequence[str]
) -> None:
    if "name" in paths:
        customer.name = fields.name
        customer.normalized_name = domain.normalized_name(fields.name)
    if "tax_id" in paths:
        customer.tax_id = fields.tax_id
        customer.tax_id_key = normalized_tax_id(fields.tax_id)
    if "domain" in paths:
        customer.domain = fields.domain
    if "industry" in paths:
        customer.industry = fields.industry
    if "company_size" in paths:
        customer.company_size = fields.company_size
    if "address" in paths:
        customer.street = fields.address.street
        customer.city = fields.address.city
        customer.postal_code = fields.address.postal_code
        customer.state_province = fields.address.state_province
    if "country" in paths:
        customer.country = fields.country
    if "status" in paths:
        customer.status = fields.status.value
    if "parent_id" in paths:
        customer.parent_id = fields.parent_id or None
    if "potential" in paths:
        customer.potential_currency = fields.potential.currency
        customer.potential_minor = fields.potential.amount_minor


def thresholds_to_proto(record: TierThresholdRecord) -> pb.TierThresholds:
    """The TierThresholds proto of a row (the global scope reads as an empty region)."""
    return pb.TierThresholds(
        region="" if record.region == segmentation.GLOBAL_SCOPE else record.region,
        currency=record.currency,
        a_revenue_minor=record.a_revenue_minor,
        b_revenue_minor=record.b_revenue_minor,
        a_potential_minor=record.a_potential_minor,
        b_potential_minor=record.b_potential_minor,
        audit=audit_info(
            record.created_at, record.created_by, record.updated_at, record.updated_by
        ),
    )


class CustomersServicer(customers_pb2_grpc.CustomersServiceServicer):
    """Customer accounts: open, read, list, change, merge, tag and tier them, within scope."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def GetCustomer(
        self, request: pb.GetCustomerRequest, context: grpc.ServicerContext
    ) -> pb.GetCustomerResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            customer = load_customer(session, caller, request.customer_id)
            return pb.GetCustomerResponse(customer=customers_to_proto(session, [customer])[0])

    def ListCustomers(
        self, request: pb.ListCustomersRequest, context: grpc.ServicerContext
    ) -> pb.ListCustomersResponse:
        caller = current_caller()
        caller.require_reader()
        regions = caller.readable_regions(request.region.strip().upper())
        query = sa.select(CustomerRecord)
        if regions is not None:
            query = query.where(CustomerRecord.region.in_(sorted(regions)))
        if request.owner_id:
            query = query.where(CustomerRecord.owner_id == request.owner_id)
        if caller.own_records_only:
            query = query.where(CustomerRecord.owner_id == caller.subject)
        status = STATUS_FROM_PROTO.get(request.status)
        if status is not None:
            query = query.where(CustomerRecord.status == status.value)
        else:
            query = query.where(CustomerRecord.status != CustomerStatus.MERGED.value)
        tier = TIER_FROM_PROTO.get(request.tier, "")
        if tier:
            query = query.where(CustomerRecord.tier == tier)
        tag = " ".join(request.tag.lower().split())
        if tag:
            query = query.where(
                CustomerRecord.customer_id.in_(
                    sa.select(CustomerTagRecord.customer_id).where(CustomerTagRecord.tag == tag)
                )
            )
        if request.parent_id:
            query = query.where(CustomerRecord.parent_id == request.parent_id)
        filters = {
            "region": request.region,
            "owner_id": request.owner_id,
            "status": str(request.status),
            "tier": str(request.tier),
            "tag": tag,
            "parent_id": request.parent_id,
        }
        with self.db.transaction() as session:
            customers, next_token = keyset_page(
                session,
                query,
                created=CustomerRecord.created_at,
                key=CustomerRecord.customer_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda customer: Cursor(customer.created_at, customer.customer_id),
            )
            return pb.ListCustomersResponse(
                customers=customers_to_proto(session, customers),
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def CreateCustomer(
        self, request: pb.CreateCustomerRequest, context: grpc.ServicerContext
    ) -> pb.CreateCustomerResponse:
        caller = current_caller()
        region = domain.clean_region(request.region)
        fields = domain.clean_account(_account_input(request))
        tags = domain.apply_tag_changes([], request.tags, [])
        owner_id = request.owner_id.strip() or caller.subject
        caller.require_writer(region)
        now = utcnow()
        with self.db.transaction() as session:
            if owner_id != caller.subject:
                if not caller.roles & OPENING_FOR_OTHERS:
                    raise PermissionDenied("a rep opens accounts they own themselves")
                check_new_owner(
                    region=region,
                    current_owner_id="",
                    to_owner_id=owner_id,
                    to_owner=store.rep_view(session, owner_id),
                    field_name="owner_id",
                )
            check_parent_for(session, caller, "", fields.parent_id, "parent_id")
            if not request.confirm_not_duplicate:
                refuse_duplicates(find_duplicates(session, region, fields.keys), fields.name)
            customer = CustomerRecord(
                customer_id=str(uuid.uuid4()),
                region=region,
                owner_id=owner_id,
                source_lead_id=None,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
                name=fields.name,
                normalized_name=domain.normalized_name(fields.name),
                tier="",
                merged_into=None,
            )
            _apply_fields(customer, fields, sorted(domain.EDITABLE_FIELDS))
            customer.tag_rows = [CustomerTagRecord(tag=tag) for tag in tags]
            session.add(customer)
            store.retier(session, customer, caller, lifetime_value={}, emit=False)
            session.flush()
            store.customer_created(session, customer, caller, now)
            metrics.CUSTOMERS_CREATED.labels(region).inc()
            return pb.CreateCustomerResponse(customer=customer_to_proto(customer, {}))

    def UpdateCustomer(
        self, request: pb.UpdateCustomerRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCustomerResponse:
        caller = current_caller()
        paths = domain.validate_update_mask(list(request.update_mask.paths))
        given = request.customer
        fields = domain.clean_account(
            _account_input(given), fields=paths, prefix="customer.", default_status=None
        )
        now = utcnow()
        with self.db.transaction() as session:
            customer = load_customer(
                session,
                caller,
                given.customer_id,
                for_update=True,
                field_name="customer.customer_id",
            )
            require_account_writer(session, caller, customer)
            if given.version and given.version != customer.version:
                raise Aborted(
                    f"customer '{customer.customer_id}' is at version {customer.version}, not "
                    f"{given.version}: it changed since it was read; read it again and retry"
                )
            before = domain.MatchKeys(
                customer.normalized_name, customer.domain, customer.tax_id_key
            )
            if "parent_id" in paths:
                check_parent_for(
                    session, caller, customer.customer_id, fields.parent_id, "customer.parent_id"
                )
            _apply_fields(customer, fields, paths)
            after = domain.MatchKeys(customer.normalized_name, customer.domain, customer.tax_id_key)
            if after != before and not request.confirm_not_duplicate:
                changed = domain.MatchKeys(
                    after.name if after.name != before.name else "",
                    after.domain if after.domain != before.domain else "",
                    after.tax_id if after.tax_id != before.tax_id else "",
                )
                refuse_duplicates(
                    find_duplicates(session, customer.region, changed, customer.customer_id),
                    customer.name,
                )
            if "potential" in paths:
                store.retier(session, customer, caller)
            store.touch(customer, caller, now)
            session.flush()
            store.customer_updated(session, customer, caller)
            return pb.UpdateCustomerResponse(customer=customers_to_proto(session, [customer])[0])

    def MergeCustomers(
        self, request: pb.MergeCustomersRequest, context: grpc.ServicerContext
    ) -> pb.MergeCustomersResponse:
        caller = current_caller()
        survivor_id, merged_id = request.survivor_id.strip(), request.merged_id.strip()
        if survivor_id and survivor_id == merged_id:
            raise InvalidArgument.of("merged_id", "must be another account than survivor_id")
        now = utcnow()
        with self.db.transaction() as session:
            # Lock in id order, so two merges of the same pair cannot deadlock.
            ordered = sorted(
                [("survivor_id", survivor_id), ("merged_id", merged_id)], key=lambda f: f[1]
            )
            loaded = {
                name: load_customer(session, caller, key, for_update=True, field_name=name)
                for name, key in ordered
            }
            survivor, merged = loaded["survivor_id"], loaded["merged_id"]
            require_account_writer(session, caller, survivor)
            require_account_writer(session, caller, merged)
            domain.require_same_region(survivor.customer_id, survivor.region, merged.region)
            moved = store.merge_into(session, survivor, merged, caller, now)
            protos = customers_to_proto(session, [survivor, merged])
            return pb.MergeCustomersResponse(
                survivor=protos[0],
                merged=protos[1],
                moved=[
                    pb.MovedRecords(kind=kind, count=count) for kind, count in sorted(moved.items())
                ],
            )

    def UpdateCustomerTags(
        self, request: pb.UpdateCustomerTagsRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCustomerTagsResponse:
        caller = current_caller()
        if not request.add and not request.remove:
            raise InvalidArgument.of("add", "name at least one tag to add or remove")
        now = utcnow()
        with self.db.transaction() as session:
            customer = load_customer(session, caller, request.customer_id, for_update=True)
            require_account_writer(session, caller, customer)
            tags = domain.apply_tag_changes(customer.tags, request.add, request.remove)
            if tags != customer.tags:
                kept = {row.tag: row for row in customer.tag_rows}
                customer.tag_rows = [kept.get(tag) or CustomerTagRecord(tag=tag) for tag in tags]
                store.touch(customer, caller, now)
                session.flush()
                store.customer_updated(session, customer, caller)
            return pb.UpdateCustomerTagsResponse(
                customer=customers_to_proto(session, [customer])[0]
            )

    def ListTierThresholds(
        self, request: pb.ListTierThresholdsRequest, context: grpc.ServicerContext
    ) -> pb.ListTierThresholdsResponse:
        caller = current_caller()
        caller.require_reader()
        regions = caller.readable_regions(request.region.strip().upper())
        query = sa.select(TierThresholdRecord)
        if regions is not None:
            query = query.where(
                TierThresholdRecord.region.in_([*sorted(regions), segmentation.GLOBAL_SCOPE])
            )
        with self.db.transaction() as session:
            rows, next_token = keyset_page(
                session,
                query,
                created=TierThresholdRecord.created_at,
                key=TierThresholdRecord.region,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": request.region},
                cursor_of=lambda row: Cursor(row.created_at, row.region),
            )
            return pb.ListTierThresholdsResponse(
                thresholds=[thresholds_to_proto(row) for row in rows],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def SetTierThresholds(
        self, request: pb.SetTierThresholdsRequest, context: grpc.ServicerContext
    ) -> pb.SetTierThresholdsResponse:
        caller = current_caller()
        given = request.thresholds
        region = (
            domain.clean_region(given.region, "thresholds.region")
            if given.region.strip()
            else segmentation.GLOBAL_SCOPE
        )
        thresholds = segmentation.validate_thresholds(
            currency=given.currency,
            a_revenue_minor=given.a_revenue_minor,
            b_revenue_minor=given.b_revenue_minor,
            a_potential_minor=given.a_potential_minor,
            b_potential_minor=given.b_potential_minor,
        )
        require_admin(caller, region)
        now = utcnow()
        with self.db.transaction() as session:
            row = session.get(TierThresholdRecord, region, with_for_update=True)
            # Thresholds keep no version, so no If-Match can name one.
            check_expected_version(None, f"tier-thresholds/{region}")
            if row is None:
                row = TierThresholdRecord(region=region, created_at=now, created_by=caller.subject)
                session.add(row)
            row.currency = thresholds.currency
            row.a_revenue_minor = thresholds.a_revenue_minor
            row.b_revenue_minor = thresholds.b_revenue_minor
            row.a_potential_minor = thresholds.a_potential_minor
            row.b_potential_minor = thresholds.b_potential_minor
            row.updated_at = now
            row.updated_by = caller.subject
            session.flush()
            retiered = store.retier_scope(session, region, thresholds, caller, now)
            return pb.SetTierThresholdsResponse(
                thresholds=thresholds_to_proto(row), retiered_customers=retiered
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the customers servicers to `server`; return their full service names."""
    customers_pb2_grpc.add_CustomersServiceServicer_to_server(CustomersServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["CustomersService"].full_name]
