"""Alembic migrations per service, and the check that a database is at head.

Each service keeps its migrations in `services/<name>/migrations/`; its
`env.py` calls `run_env(metadata)`. `salesops migrate <service>|all` upgrades
databases; the api and the worker refuse to start against a database that is
not at head and say how to migrate it.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData

from services.kit.db import Database, make_engine

SERVICES_DIR = Path(__file__).resolve().parents[1]


class SchemaNotCurrent(SystemExit):
    """The database is behind (or ahead of) the code; the message says how to fix it."""


def alembic_config(service: str, url: str) -> Config:
    """An Alembic Config for `service` pointing at `url` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["salesops_service"] = service
    return config


def migrate(service: str, url: str, revision: str = "heads") -> None:
    """Upgrade `service`'s database at `url` to `revision` (every branch head by default).

    A service's migrations may branch (areas of one service developed side by
    side each add their own revision after a common one); "heads" applies all.
    """
    command.upgrade(alembic_config(service, url), revision)


def downgrade(service: str, url: str, revision: str) -> None:
    """Downgrade `service`'s database at `url` to `revision` ("base" empties it)."""
    command.downgrade(alembic_config(service, url), revision)


def head_revisions(service: str, url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(service, url)).get_heads())


def current_revisions(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def require_head(db: Database) -> None:
    """Raise SchemaNotCurrent unless `db` is at its service's head revision."""
    heads = head_revisions(db.service, db.url)
    current = current_revisions(db)
    if current != heads:
        state = ", ".join(sorted(current)) or "empty (never migrated)"
        raise SchemaNotCurrent(
            f"the {db.service} database is at revision {state}, but this code needs "
            f"{', '.join(sorted(heads))}. Migrate it first: `salesops migrate {db.service}` "
            f"(or `make migrate` for every service)."
        )


def run_env(target_metadata: MetaData | list[MetaData]) -> None:
    """The body of every service's migrations/env.py (online and offline modes)."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or ""
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
