"""Keyset pagination with opaque page tokens.

A token encodes the sort key of the last item served and a fingerprint of
the filters it was issued for, so a token cannot be replayed against a
different query, and a page never skips or repeats rows when new ones arrive.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.kit.errors import InvalidArgument

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Cursor:
    """Position after the last item served: its creation time and id (newest first)."""

    created_at: datetime
    key: str


def page_size(requested: int, field_name: str = "page.page_size") -> int:
    """The effective page size; 0 means the default, beyond 1..MAX is an error."""
    if requested == 0:
        return DEFAULT_PAGE_SIZE
    if not 1 <= requested <= MAX_PAGE_SIZE:
        raise InvalidArgument.of(field_name, f"must be between 1 and {MAX_PAGE_SIZE}")
    return requested


def _fingerprint(filters: dict[str, str]) -> str:
    canonical = json.dumps(filters, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def encode_token(cursor: Cursor, filters: dict[str, str]) -> str:
    """An opaque token for the page after `cursor` under `filters`."""
    raw = json.dumps(
        {"t": cursor.created_at.isoformat(), "k": cursor.key, "f": _fingerprint(filters)},
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(
    token: str, filters: dict[str, str], field_name: str = "page.page_token"
) -> Cursor | None:
    """The cursor in `token` (None for an empty token); InvalidArgument if it is not ours."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        cursor = Cursor(datetime.fromisoformat(data["t"]), str(data["k"]))
        fingerprint = data["f"]
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument.of(field_name, "is not a page token issued by this list") from None
    if fingerprint != _fingerprint(filters):
        raise InvalidArgument.of(field_name, "was issued for different filters; start again")
    return cursor


def keyset_page(
    session: Session,
    query: sa.Select[tuple[T]],
    *,
    created: InstrumentedAttribute[datetime],
    key: InstrumentedAttribute[str],
    requested_size: int,
    token: str,
    filters: dict[str, str],
    cursor_of: Callable[[T], Cursor],
) -> tuple[Sequence[T], str]:
    """One page of `query`, newest first, and the token of the next page ("" at the end).

    Rows are ordered by (`created`, `key`) descending, and the page after a
    cursor starts strictly below it, so rows inserted meanwhile never shift a
    page and nothing is served twice.
    """
    size = page_size(requested_size)
    cursor = decode_token(token, filters)
    if cursor is not None:
        query = query.where(
            sa.or_(
                created < cursor.created_at,
                sa.and_(created == cursor.created_at, key < cursor.key),
            )
        )
    rows: list[Any] = list(
        session.scalars(query.order_by(created.desc(), key.desc()).limit(size + 1))
    )
    if len(rows) <= size:
        return rows, ""
    rows = rows[:size]
    return rows, encode_token(cursor_of(rows[-1]), filters)
