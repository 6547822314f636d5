"""Contacts with buying roles and preferences, consent history, the privacy audit, the timeline.

Revision ID: 0003_contacts_timeline
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime
from services.kit.schema import BigId

revision = "0003_contacts_timeline"
down_revision = "0001"
branch_labels = None
depends_on = None

# Columns added to `contacts`; rows that exist get the server defaults.
_CONTACT_COLUMNS = [
    ("buying_role", sa.String(32), ""),
    ("preferred_channel", sa.String(16), ""),
    ("language", sa.String(35), ""),
    ("created_by", sa.String(100), "system"),
    ("updated_by", sa.String(100), "system"),
    ("erased_by", sa.String(100), ""),
]


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        for name, type_, default in _CONTACT_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=False, server_default=default))
        batch.add_column(
            sa.Column("do_not_contact", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_at", UTCDateTime))
        batch.add_column(sa.Column("erased_at", UTCDateTime))
    # A contact that exists was last changed when it was created.
    op.execute("UPDATE contacts SET updated_at = created_at")
    with op.batch_alter_table("contacts") as batch:
        batch.alter_column("updated_at", existing_type=UTCDateTime, nullable=False)

    op.create_table(
        "consent_records",
        sa.Column("sequence", BigId, primary_key=True, autoincrement=True),
        sa.Column("consent_id", sa.String(36), nullable=False),
        sa.Column(
            "contact_id",
            sa.String(36),
            sa.ForeignKey(
                "contacts.contact_id",
                ondelete="CASCADE",
                name="fk_consent_records_contact_id_contacts",
            ),
            nullable=False,
        ),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lawful_basis", sa.String(32), nullable=False),
        sa.Column("effective_at", UTCDateTime, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("consent_id", name="uq_consent_records_consent_id"),
    )
    op.create_index(
        "ix_consent_records_contact_channel",
        "consent_records",
        ["contact_id", "channel", "effective_at"],
    )

    op.create_table(
        "privacy_audit",
        sa.Column("sequence", BigId, primary_key=True, autoincrement=True),
        sa.Column("audit_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("contact_id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("actor_roles", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(100), nullable=False),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.UniqueConstraint("audit_id", name="uq_privacy_audit_audit_id"),
    )
    op.create_index("ix_privacy_audit_contact_id", "privacy_audit", ["contact_id"])

    op.create_table(
        "timeline_entries",
        sa.Column("entry_id", sa.String(36), primary_key=True),
        sa.Column("customer_id", sa.String(100)),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("ref_type", sa.String(32), nullable=False),
        sa.Column("ref_id", sa.String(100), nullable=False),
        sa.Column("opportunity_id", sa.String(100)),
        sa.Column("contact_id", sa.String(36)),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("source_event_id", sa.String(64)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("source_event_id", name="uq_timeline_entries_source_event_id"),
    )
    op.create_index(
        "ix_timeline_entries_customer",
        "timeline_entries",
        ["customer_id", "occurred_at", "entry_id"],
    )
    op.create_index("ix_timeline_entries_ref", "timeline_entries", ["ref_type", "ref_id"])
    op.create_index("ix_timeline_entries_opportunity", "timeline_entries", ["opportunity_id"])
    op.create_index("ix_timeline_entries_contact", "timeline_entries", ["contact_id"])


def downgrade() -> None:
    op.drop_table("timeline_entries")
    op.drop_table("privacy_audit")
    op.drop_table("consent_records")
    with op.batch_alter_table("contacts") as batch:
        for name in (
            "erased_at",
            "updated_at",
            "version",
            "do_not_contact",
            *(name for name, _type, _default in reversed(_CONTACT_COLUMNS)),
        ):
            batch.drop_column(name)
