"""Leads: campaign, size, score, routing decision, first-contact SLA, matching keys;
the regions' SLA policies and the territories' routing strategies.

Revision ID: 0003_lead_routing
Revises: 0002_reps
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime
from services.kit.normalize import normalized_email, normalized_name, normalized_phone

revision = "0003_lead_routing"
down_revision = "0002_reps"
branch_labels = None
depends_on = None

# (name, type, server default): text columns get "" so existing rows stay valid.
_TEXT_COLUMNS = [
    ("campaign", sa.String(100)),
    ("company_size", sa.String(16)),
    ("assignment_reason", sa.String(500)),
    ("territory_id", sa.String(100)),
    ("contacted_by", sa.String(100)),
    ("email_key", sa.String(254)),
    ("phone_key", sa.String(40)),
    ("name_key", sa.String(200)),
]
_TIME_COLUMNS = ["assigned_at", "contacted_at", "sla_due_at", "sla_breached_at"]
_INDEXES = {
    "ix_leads_region_email_key": ["region", "email_key"],
    "ix_leads_region_phone_key": ["region", "phone_key"],
    "ix_leads_region_name_key": ["region", "name_key"],
    "ix_leads_owner_status": ["owner_id", "status"],
    "ix_leads_sla_due": ["sla_due_at"],
}


def upgrade() -> None:
    for name, type_ in _TEXT_COLUMNS:
        op.add_column("leads", sa.Column(name, type_, nullable=False, server_default=""))
    op.add_column("leads", sa.Column("score", sa.Integer, nullable=False, server_default="0"))
    op.add_column("leads", sa.Column("score_reasons", sa.Text, nullable=False, server_default="[]"))
    for name in _TIME_COLUMNS:
        op.add_column("leads", sa.Column(name, UTCDateTime))
    _backfill_matching_keys()
    for index_name, columns in _INDEXES.items():
        op.create_index(index_name, "leads", columns)
    # Leads captured before this revision keep no SLA due time: starting their
    # clocks now would report every old lead as breached at the first scan.
    op.create_table(
        "lead_sla_policies",
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("hours", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "territory_lead_routing",
        sa.Column("territory_id", sa.String(100), primary_key=True),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("last_rep_id", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )


def _backfill_matching_keys() -> None:
    leads = sa.table(
        "leads",
        sa.column("lead_id", sa.String),
        sa.column("contact_email", sa.String),
        sa.column("contact_phone", sa.String),
        sa.column("company_name", sa.String),
        sa.column("email_key", sa.String),
        sa.column("phone_key", sa.String),
        sa.column("name_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            leads.c.lead_id, leads.c.contact_email, leads.c.contact_phone, leads.c.company_name
        )
    ).all()
    if not rows:
        return
    connection.execute(
        leads.update()
        .where(leads.c.lead_id == sa.bindparam("b_lead_id"))
        .values(
            email_key=sa.bindparam("b_email_key"),
            phone_key=sa.bindparam("b_phone_key"),
            name_key=sa.bindparam("b_name_key"),
        ),
        [
            {
                "b_lead_id": row.lead_id,
                "b_email_key": normalized_email(row.contact_email),
                "b_phone_key": normalized_phone(row.contact_phone),
                "b_name_key": normalized_name(row.company_name),
            }
            for row in rows
        ],
    )


def downgrade() -> None:
    op.drop_table("territory_lead_routing")
    op.drop_table("lead_sla_policies")
    for index_name in _INDEXES:
        op.drop_index(index_name, "leads")
    # SQLite cannot drop columns in place everywhere: batch mode copies the table.
    with op.batch_alter_table("leads") as batch:
        for name in [*(n for n, _ in _TEXT_COLUMNS), "score", "score_reasons", *_TIME_COLUMNS]:
            batch.drop_column(name)
