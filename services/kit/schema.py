"""Tables every service database holds beside its own: outbox, inbox, dead letters.

They live in their own MetaData so the kit's code can use them in any service
database; each service's first migration creates them with
`create_messaging_tables()`. Columns come from functions so the runtime
tables and the migration build the very same definitions.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime, new_metadata

kit_metadata = new_metadata()

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _outbox_columns() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("envelope", sa.Text, nullable=False),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("claim_token", sa.String(36)),
        sa.Column("claimed_until", UTCDateTime),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", UTCDateTime),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    ]


def _processed_events_columns() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("handler", sa.String(200), primary_key=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("processed_at", UTCDateTime, nullable=False),
    ]


def _dead_letters_columns() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("handler", sa.String(200), nullable=False),
        sa.Column("queue", sa.String(255), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("parked_at", UTCDateTime, nullable=False),
        sa.Column("replayed_at", UTCDateTime),
    ]


_TABLES: list[tuple[str, Callable[[], list[sa.schema.SchemaItem]], dict[str, list[str]]]] = [
    ("outbox", _outbox_columns, {"ix_outbox_pending": ["sent_at", "id"]}),
    ("processed_events", _processed_events_columns, {}),
    ("dead_letters", _dead_letters_columns, {"ix_dead_letters_open": ["replayed_at", "id"]}),
]


def _table(name: str) -> sa.Table:
    for table_name, columns, indexes in _TABLES:
        if table_name == name:
            table = sa.Table(name, kit_metadata, *columns())
            for index_name, index_columns in indexes.items():
                sa.Index(index_name, *[table.c[c] for c in index_columns])
            return table
    raise KeyError(name)


outbox = _table("outbox")
processed_events = _table("processed_events")
dead_letters = _table("dead_letters")


def create_messaging_tables() -> None:
    """Create the outbox, processed_events and dead_letters tables (schema version 1).

    Called from each service's first Alembic migration; later changes to these
    tables come as new kit functions that each service's migrations call.
    """
    for name, columns, indexes in _TABLES:
        op.create_table(name, *columns())
        for index_name, index_columns in indexes.items():
            op.create_index(index_name, name, index_columns)


def drop_messaging_tables() -> None:
    """Drop what `create_messaging_tables()` created."""
    for name, _columns, _indexes in reversed(_TABLES):
        op.drop_table(name)
