"""The sales process: pipelines, stages and their gates, opportunities, quotes,
discount authority, contracts, activities, and the local copies of customers
and certifications. Seeds the default pipelines, their exit criteria and the
default discount authority.

Revision ID: 0004_sales_process
Revises: 0002_reps
Create Date: 2026-11-27
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime
from services.kit.schema import BigId

revision = "0004_sales_process"
down_revision = "0002_reps"
branch_labels = None
depends_on = None

# (pipeline_id, name, kind, [(stage suffix, name, probability_bp, forecast category, kind)])
DEFAULT_PIPELINES = [
    (
        "new_business",
        "New business",
        "new_business",
        [
            ("prospecting", "Prospecting", 1000, "pipeline", "open"),
            ("discovery", "Discovery", 2000, "pipeline", "open"),
            ("solution", "Solution", 4000, "best_case", "open"),
            ("negotiation", "Negotiation", 6000, "commit", "open"),
            ("closed_won", "Closed Won", 10000, "closed", "won"),
            ("closed_lost", "Closed Lost", 0, "omitted", "lost"),
        ],
    ),
    (
        "renewal",
        "Renewal",
        "renewal",
        [
            ("review", "Review", 3000, "pipeline", "open"),
            ("proposal", "Proposal", 6000, "best_case", "open"),
            ("negotiation", "Negotiation", 8000, "commit", "open"),
            ("closed_won", "Renewed", 10000, "closed", "won"),
            ("closed_lost", "Churned", 0, "omitted", "lost"),
        ],
    ),
]

# Exit criteria per stage, in the format of services/pipeline/domain/gates.py.
DEFAULT_GATES = {
    "new_business.prospecting": [
        {
            "name": "field.expected_close_date",
            "kind": "required_field",
            "field": "expected_close_date",
        },
    ],
    "new_business.discovery": [
        {
            "name": "activity.meeting",
            "kind": "required_activity",
            "activity_type": "meeting",
            "min_count": 1,
            "with_outcome": True,
        },
    ],
    "new_business.solution": [
        {"name": "field.next_step", "kind": "required_field", "field": "next_step"},
        {"name": "field.line_items", "kind": "required_field", "field": "line_items"},
    ],
    "new_business.negotiation": [
        {"name": "quote.approved", "kind": "approved_quote", "accepted_only": False},
    ],
    "renewal.negotiation": [
        {"name": "quote.approved", "kind": "approved_quote", "accepted_only": False},
    ],
}

# Largest discount per role without approval, in basis points (None = unlimited).
DEFAULT_AUTHORITY = {"rep": 1000, "manager": 2000, "director": None}


def _audit() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def _cascade(column: str, target: str, table: str) -> sa.ForeignKey:
    target_table = target.split(".")[0]
    return sa.ForeignKey(target, ondelete="CASCADE", name=f"fk_{table}_{column}_{target_table}")


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("pipeline_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_pipelines_kind_region", "pipelines", ["kind", "region"])
    op.create_table(
        "pipeline_stages",
        sa.Column("stage_id", sa.String(100), primary_key=True),
        sa.Column(
            "pipeline_id",
            sa.String(100),
            _cascade("pipeline_id", "pipelines.pipeline_id", "pipeline_stages"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("probability_bp", sa.Integer, nullable=False),
        sa.Column("forecast_category", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
    )
    op.create_index("ix_pipeline_stages_pipeline", "pipeline_stages", ["pipeline_id", "position"])
    op.create_table(
        "stage_gates",
        sa.Column(
            "stage_id",
            sa.String(100),
            _cascade("stage_id", "pipeline_stages.stage_id", "stage_gates"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "opportunities",
        sa.Column("opportunity_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column(
            "pipeline_id",
            sa.String(100),
            sa.ForeignKey("pipelines.pipeline_id", name="fk_opportunities_pipeline_id_pipelines"),
            nullable=False,
        ),
        sa.Column(
            "stage_id",
            sa.String(100),
            sa.ForeignKey(
                "pipeline_stages.stage_id", name="fk_opportunities_stage_id_pipeline_stages"
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("expected_close_date", sa.Date),
        sa.Column("next_step", sa.String(500), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("loss_reason", sa.String(500), nullable=False),
        sa.Column("lost_to_competitor", sa.String(200), nullable=False),
        *_audit(),
    )
    op.create_index(
        "ix_opportunities_region_created",
        "opportunities",
        ["region", "created_at", "opportunity_id"],
    )
    op.create_index("ix_opportunities_owner", "opportunities", ["owner_id", "created_at"])
    op.create_index("ix_opportunities_customer", "opportunities", ["customer_id"])
    op.create_index("ix_opportunities_stage_status", "opportunities", ["stage_id", "status"])
    op.create_table(
        "opportunity_lines",
        sa.Column(
            "opportunity_id",
            sa.String(36),
            _cascade("opportunity_id", "opportunities.opportunity_id", "opportunity_lines"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "opportunity_team_members",
        sa.Column(
            "opportunity_id",
            sa.String(36),
            _cascade("opportunity_id", "opportunities.opportunity_id", "opportunity_team_members"),
            primary_key=True,
        ),
        sa.Column("rep_id", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(50), nullable=False),
        sa.Column("share_bp", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_opportunity_team_members_rep", "opportunity_team_members", ["rep_id"])
    op.create_table(
        "opportunity_competitors",
        sa.Column(
            "opportunity_id",
            sa.String(36),
            _cascade("opportunity_id", "opportunities.opportunity_id", "opportunity_competitors"),
            primary_key=True,
        ),
        sa.Column("competitor", sa.String(200), primary_key=True),
    )
    op.create_table(
        "opportunity_stage_history",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "opportunity_id",
            sa.String(36),
            _cascade("opportunity_id", "opportunities.opportunity_id", "opportunity_stage_history"),
            nullable=False,
        ),
        sa.Column("stage_id", sa.String(100), nullable=False),
        sa.Column("entered_at", UTCDateTime, nullable=False),
        sa.Column("exited_at", UTCDateTime),
    )
    op.create_index(
        "ix_opportunity_stage_history_opportunity",
        "opportunity_stage_history",
        ["opportunity_id", "entered_at"],
    )
    op.create_index(
        "ix_opportunity_stage_history_stage",
        "opportunity_stage_history",
        ["stage_id", "entered_at"],
    )

    op.create_table(
        "quotes",
        sa.Column("quote_id", sa.String(36), primary_key=True),
        sa.Column("series_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column(
            "opportunity_id",
            sa.String(36),
            sa.ForeignKey(
                "opportunities.opportunity_id", name="fk_quotes_opportunity_id_opportunities"
            ),
            nullable=False,
        ),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("discount_bp", sa.Integer, nullable=False),
        sa.Column("effective_discount_bp", sa.Integer, nullable=False),
        sa.Column("list_total_minor", sa.BigInteger, nullable=False),
        sa.Column("total_minor", sa.BigInteger, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("notes", sa.String(2000), nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("superseded_by", sa.String(36), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("series_id", "version", name="uq_quotes_series_version"),
    )
    op.create_index("ix_quotes_opportunity", "quotes", ["opportunity_id", "status"])
    op.create_index("ix_quotes_region_created", "quotes", ["region", "created_at", "quote_id"])
    op.create_table(
        "quote_lines",
        sa.Column(
            "quote_id",
            sa.String(36),
            _cascade("quote_id", "quotes.quote_id", "quote_lines"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
        sa.Column("discount_bp", sa.Integer, nullable=False),
        sa.Column("list_amount_minor", sa.BigInteger, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "quote_decisions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "quote_id",
            sa.String(36),
            _cascade("quote_id", "quotes.quote_id", "quote_decisions"),
            nullable=False,
        ),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("authority_bp", sa.Integer),
        sa.Column("discount_bp", sa.Integer, nullable=False),
        sa.Column("comment", sa.String(2000), nullable=False),
        sa.Column("decided_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_quote_decisions_quote", "quote_decisions", ["quote_id", "id"])
    authority = op.create_table(
        "discount_authority",
        sa.Column("role", sa.String(32), primary_key=True),
        sa.Column("max_discount_bp", sa.Integer),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )

    op.create_table(
        "contracts",
        sa.Column("contract_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("opportunity_id", sa.String(36), nullable=False),
        sa.Column("quote_id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("value_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("term_months", sa.Integer, nullable=False),
        sa.Column("signed_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("cancel_reason", sa.String(500), nullable=False),
        sa.Column("cancelled_at", UTCDateTime),
        sa.Column("renews_contract_id", sa.String(36), nullable=False),
        sa.Column("renewed_by_contract_id", sa.String(36), nullable=False),
        *_audit(),
    )
    op.create_index(
        "ix_contracts_region_created", "contracts", ["region", "created_at", "contract_id"]
    )
    op.create_index("ix_contracts_customer", "contracts", ["customer_id"])
    op.create_index("ix_contracts_opportunity", "contracts", ["opportunity_id"])
    op.create_index("ix_contracts_owner", "contracts", ["owner_id"])
    op.create_table(
        "contract_lines",
        sa.Column(
            "contract_id",
            sa.String(36),
            _cascade("contract_id", "contracts.contract_id", "contract_lines"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "contract_splits",
        sa.Column(
            "contract_id",
            sa.String(36),
            _cascade("contract_id", "contracts.contract_id", "contract_splits"),
            primary_key=True,
        ),
        sa.Column("rep_id", sa.String(100), primary_key=True),
        sa.Column("share_bp", sa.Integer, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_contract_splits_rep", "contract_splits", ["rep_id"])

    op.create_table(
        "activities",
        sa.Column("activity_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(2000), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("lead_id", sa.String(36)),
        sa.Column("opportunity_id", sa.String(36)),
        sa.Column("customer_id", sa.String(100)),
        sa.Column("due_date", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("completed_at", UTCDateTime),
        *_audit(),
        sa.CheckConstraint(
            "(CASE WHEN lead_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN opportunity_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN customer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_activities_one_target"),
        ),
    )
    op.create_index(
        "ix_activities_region_created", "activities", ["region", "created_at", "activity_id"]
    )
    op.create_index("ix_activities_lead", "activities", ["lead_id", "created_at"])
    op.create_index("ix_activities_opportunity", "activities", ["opportunity_id", "type", "status"])
    op.create_index("ix_activities_customer", "activities", ["customer_id", "created_at"])
    op.create_index("ix_activities_owner", "activities", ["owner_id", "created_at"])

    op.create_table(
        "customer_copies",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("merged_into", sa.String(100), nullable=False),
        sa.Column("known", sa.Boolean, nullable=False),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_customer_copies_merged_into", "customer_copies", ["merged_into"])
    op.create_table(
        "certification_copies",
        sa.Column("certification_id", sa.String(100), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_until", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_certification_copies_rep", "certification_copies", ["rep_id", "product_line"]
    )

    _seed(authority)


def _seed(authority: sa.Table) -> None:
    now = datetime.now(UTC)
    pipelines = sa.table(
        "pipelines",
        sa.column("pipeline_id", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("region", sa.String),
        sa.column("created_at", UTCDateTime),
    )
    stages = sa.table(
        "pipeline_stages",
        sa.column("stage_id", sa.String),
        sa.column("pipeline_id", sa.String),
        sa.column("name", sa.String),
        sa.column("position", sa.Integer),
        sa.column("probability_bp", sa.Integer),
        sa.column("forecast_category", sa.String),
        sa.column("kind", sa.String),
    )
    gates = sa.table(
        "stage_gates",
        sa.column("stage_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("criteria", sa.Text),
        sa.column("comment", sa.String),
        sa.column("created_at", UTCDateTime),
        sa.column("created_by", sa.String),
    )
    op.bulk_insert(
        pipelines,
        [
            {"pipeline_id": pid, "name": name, "kind": kind, "region": "", "created_at": now}
            for pid, name, kind, _ in DEFAULT_PIPELINES
        ],
    )
    op.bulk_insert(
        stages,
        [
            {
                "stage_id": f"{pid}.{suffix}",
                "pipeline_id": pid,
                "name": name,
                "position": position,
                "probability_bp": probability,
                "forecast_category": category,
                "kind": kind,
            }
            for pid, _, _, steps in DEFAULT_PIPELINES
            for position, (suffix, name, probability, category, kind) in enumerate(steps, 1)
        ],
    )
    op.bulk_insert(
        gates,
        [
            {
                "stage_id": stage_id,
                "version": 1,
                "criteria": json.dumps(criteria, sort_keys=True),
                "comment": "default exit criteria",
                "created_at": now,
                "created_by": "system",
            }
            for stage_id, criteria in DEFAULT_GATES.items()
        ],
    )
    op.bulk_insert(
        authority,
        [
            {"role": role, "max_discount_bp": bp, "updated_at": now, "updated_by": "system"}
            for role, bp in DEFAULT_AUTHORITY.items()
        ],
    )


def downgrade() -> None:
    for table in (
        "certification_copies",
        "customer_copies",
        "activities",
        "contract_splits",
        "contract_lines",
        "contracts",
        "discount_authority",
        "quote_decisions",
        "quote_lines",
        "quotes",
        "opportunity_stage_history",
        "opportunity_competitors",
        "opportunity_team_members",
        "opportunity_lines",
        "opportunities",
        "stage_gates",
        "pipeline_stages",
        "pipelines",
    ):
        op.drop_table(table)
