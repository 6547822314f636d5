"""Schema ownership: migrations run on both backends and an unmigrated database is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.kit.config import SERVICES
from services.kit.db import Database
from services.kit.migrations import SchemaNotCurrent, downgrade, migrate, require_head


@pytest.mark.parametrize("service", list(SERVICES))
def test_migrate_up_down_up_and_the_head_check(service: str, database_url: str) -> None:
    db = Database(database_url, service)
    try:
        with pytest.raises(SchemaNotCurrent, match=f"salesops migrate {service}"):
            require_head(db)
        migrate(service, database_url)
        require_head(db)
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"outbox", "processed_events", "dead_letters"} <= tables
        downgrade(service, database_url, "base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        with pytest.raises(SchemaNotCurrent):
            require_head(db)
        migrate(service, database_url)
        require_head(db)
    finally:
        db.dispose()
