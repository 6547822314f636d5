"""Reading a record by id for a caller, and narrowing list queries: the same everywhere.

Every servicer loads records the same way: the id is required, the record
must exist *for this caller* (another region's, or for a rep someone else's,
is NotFound — never PermissionDenied, so nothing leaks), and a change locks
the row first, then checks the version the client expects (If-Match).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.concurrency import check_expected_version
from services.kit.errors import InvalidArgument, NotFound

R = TypeVar("R")


def load_visible(
    session: Session,
    model: type[R],
    key: str,
    *,
    kind: str,
    field_name: str,
    visible: Callable[[R], bool],
    for_update: bool = False,
) -> R:
    """The `model` row with primary key `key` if `visible(row)`; NotFound otherwise.

    An empty key is InvalidArgument naming `field_name`; `for_update` locks
    the row (SELECT ... FOR UPDATE on PostgreSQL) before a change, then
    compares its `version` with the one the call expects (If-Match), under
    that lock: a mismatch is FailedPrecondition VERSION_MISMATCH.
    """
    key = key.strip()
    if not key:
        raise InvalidArgument.of(field_name, "is required")
    record = session.get(model, key, with_for_update=for_update)
    if record is None or not visible(record):
        raise NotFound(kind, key)
    if for_update:
        check_expected_version(record_version(record), f"{kind}/{key}")
    return record


def record_version(record: object) -> int | None:
    """The optimistic-concurrency `version` of a row, or None for a model that keeps none."""
    version = getattr(record, "version", None)
    return version if isinstance(version, int) else None


def where_equal(query: sa.Select[Any], pairs: Iterable[tuple[Any, str]]) -> sa.Select[Any]:
    """`query` narrowed to rows whose column equals each given non-empty value (list filters)."""
    for column, value in pairs:
        if value:
            query = query.where(column == value)
    return query
