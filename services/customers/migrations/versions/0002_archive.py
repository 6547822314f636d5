"""The customer archive: account fields, tags, tier thresholds, revenue, ownership, reps.

Revision ID: 0002_archive
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime
from services.kit.rep_directory import create_reps_table, drop_reps_table

revision = "0002_archive"
down_revision = "0001"
branch_labels = None
depends_on = None

# Text columns added to `customers`; accounts that exist get "".
_TEXT_COLUMNS = [
    ("tax_id", 64),
    ("tax_id_key", 64),
    ("domain", 253),
    ("company_size", 16),
    ("street", 200),
    ("city", 100),
    ("postal_code", 20),
    ("state_province", 100),
    ("tier", 1),
    ("potential_currency", 3),
]
_INDEXES = [
    ("ix_customers_domain", ["domain"]),
    ("ix_customers_tax_id_key", ["tax_id_key"]),
    ("ix_customers_parent", ["parent_id"]),
    ("ix_customers_merged_into", ["merged_into"]),
]


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch copy of the table): on SQLite a batch would
    # drop and re-create `customers`, and with foreign keys on that would
    # cascade into every table that refers to it.
    for name, length in _TEXT_COLUMNS:
        op.add_column(
            "customers", sa.Column(name, sa.String(length), nullable=False, server_default="")
        )
    op.add_column(
        "customers",
        sa.Column("potential_minor", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.add_column("customers", sa.Column("parent_id", sa.String(36)))
    op.add_column("customers", sa.Column("merged_into", sa.String(36)))
    op.add_column("customers", sa.Column("merged_at", UTCDateTime))
    for index_name, columns in _INDEXES:
        op.create_index(index_name, "customers", columns)

    op.create_table(
        "customer_tags",
        sa.Column(
            "customer_id",
            sa.String(36),
            sa.ForeignKey(
                "customers.customer_id",
                ondelete="CASCADE",
                name="fk_customer_tags_customer_id_customers",
            ),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(40), primary_key=True),
    )
    op.create_index("ix_customer_tags_tag", "customer_tags", ["tag", "customer_id"])

    op.create_table(
        "tier_thresholds",
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("a_revenue_minor", sa.BigInteger, nullable=False),
        sa.Column("b_revenue_minor", sa.BigInteger, nullable=False),
        sa.Column("a_potential_minor", sa.BigInteger, nullable=False),
        sa.Column("b_potential_minor", sa.BigInteger, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )

    op.create_table(
        "contract_revenue",
        sa.Column("contract_id", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("value_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("signed_date", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_contract_revenue_customer", "contract_revenue", ["customer_id", "status"])

    op.create_table(
        "transfer_requests",
        sa.Column("transfer_id", sa.String(36), primary_key=True),
        sa.Column(
            "customer_id",
            sa.String(36),
            sa.ForeignKey(
                "customers.customer_id",
                ondelete="CASCADE",
                name="fk_transfer_requests_customer_id_customers",
            ),
            nullable=False,
        ),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("from_owner_id", sa.String(100), nullable=False),
        sa.Column("to_owner_id", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_at", UTCDateTime, nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("decided_at", UTCDateTime),
        sa.Column("decision_comment", sa.String(500), nullable=False),
    )
    op.create_index("ix_transfer_requests_customer", "transfer_requests", ["customer_id", "status"])
    op.create_index(
        "ix_transfer_requests_region",
        "transfer_requests",
        ["region", "requested_at", "transfer_id"],
    )

    op.create_table(
        "ownership_history",
        sa.Column("change_id", sa.String(36), primary_key=True),
        sa.Column(
            "customer_id",
            sa.String(36),
            sa.ForeignKey(
                "customers.customer_id",
                ondelete="CASCADE",
                name="fk_ownership_history_customer_id_customers",
            ),
            nullable=False,
        ),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("from_owner_id", sa.String(100), nullable=False),
        sa.Column("to_owner_id", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("transfer_id", sa.String(36)),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_ownership_history_customer",
        "ownership_history",
        ["customer_id", "changed_at", "change_id"],
    )
    # Accounts that exist had their owner from the start.
    op.execute(
        """
        INSERT INTO ownership_history
            (change_id, customer_id, region, from_owner_id, to_owner_id, reason,
             changed_by, changed_at)
        SELECT customer_id, customer_id, region, '', owner_id, 'opened', created_by, created_at
        FROM customers
        """
    )

    create_reps_table()


def downgrade() -> None:
    drop_reps_table()
    op.drop_table("ownership_history")
    op.drop_table("transfer_requests")
    op.drop_table("contract_revenue")
    op.drop_table("tier_thresholds")
    op.drop_table("customer_tags")
    for index_name, _columns in reversed(_INDEXES):
        op.drop_index(index_name, "customers")
    for name in ("merged_at", "merged_into", "parent_id", "potential_minor"):
        op.drop_column("customers", name)
    for name, _length in reversed(_TEXT_COLUMNS):
        op.drop_column("customers", name)
