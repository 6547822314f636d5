"""Conversions between kit values and the common protos."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp
from salesops.common.v1 import common_pb2


def timestamp(value: datetime | None) -> Timestamp | None:
    """A protobuf Timestamp for an aware datetime (None stays None)."""
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def audit_info(
    created_at: datetime, created_by: str, updated_at: datetime, updated_by: str
) -> common_pb2.AuditInfo:
    return common_pb2.AuditInfo(
        create_time=timestamp(created_at),
        created_by=created_by,
        update_time=timestamp(updated_at),
        updated_by=updated_by,
    )
