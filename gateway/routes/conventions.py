"""Conventions every route follows: how proto values look in JSON, and paging.

Field names are the proto field names; enums are their value names, lower
case, without the enum's prefix (`LEAD_STATUS_QUALIFIED` is "qualified");
timestamps are RFC 3339 in UTC, and null when the proto leaves them unset.
Lists take `region`, `page_size` (1-500) and `page_token` and answer with
their items and a `next_page_token`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Query
from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.message import Message
from pydantic import BaseModel
from salesops.common.v1 import common_pb2


class EnumJson:
    """The JSON names of one proto enum, derived from its descriptor so they never drift."""

    def __init__(self, descriptor: EnumDescriptor, prefix: str) -> None:
        self._by_number = {
            value.number: value.name.removeprefix(prefix).lower() for value in descriptor.values
        }
        self._by_name = {name: number for number, name in self._by_number.items()}
        self.names = tuple(self._by_number.values())
        # Filters may not ask for the zero value: "unspecified" means "no filter".
        self.filter_names = tuple(name for number, name in self._by_number.items() if number)

    def to_json(self, number: int) -> str:
        """The JSON name of an enum number."""
        # A number newer than our generated code still has to render somehow.
        return self._by_number.get(number, "unspecified")

    def from_json(self, name: str) -> int:
        """The enum number of a JSON name (one of `names`)."""
        return self._by_name[name]

    def literal(self) -> Any:
        """A Literal type of every name, for response models (and so for OpenAPI)."""
        return Literal[self.names]

    def filter_literal(self) -> Any:
        """A Literal type of the names a filter accepts."""
        return Literal[self.filter_names]


def timestamp(message: Message, field_name: str) -> datetime | None:
    """The UTC datetime in `message.field_name`, or None when the field is unset."""
    if not message.HasField(field_name):
        return None
    value = getattr(message, field_name)
    return value.ToDatetime(tzinfo=UTC)  # type: ignore[no-any-return]


class Audit(BaseModel):
    """Who created and last changed a record, and when."""

    create_time: datetime | None
    created_by: str
    update_time: datetime | None
    updated_by: str

    @classmethod
    def from_proto(cls, audit: common_pb2.AuditInfo) -> Audit:
        return cls(
            create_time=timestamp(audit, "create_time"),
            created_by=audit.created_by,
            update_time=timestamp(audit, "update_time"),
            updated_by=audit.updated_by,
        )


def page_request(page_size: int | None, page_token: str) -> common_pb2.PageRequest:
    """The proto page request; an absent page size asks for the service default."""
    return common_pb2.PageRequest(page_size=page_size or 0, page_token=page_token)


RegionFilter = Annotated[str, Query(description="Only this region; all of the caller's if empty.")]
PageSize = Annotated[int | None, Query(ge=1, le=500, description="1 to 500; default 50.")]
PageToken = Annotated[str, Query(description="The next_page_token of the previous page.")]
