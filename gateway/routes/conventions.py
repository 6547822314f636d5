"""Conventions every route follows: how proto values look in JSON, and paging.

Field names are the proto field names; enums are their value names, lower
case, without the enum's prefix (`LEAD_STATUS_QUALIFIED` is "qualified");
timestamps are RFC 3339 in UTC, and null when the proto leaves them unset.
Lists take `region`, `page_size` (1-500) and `page_token` and answer with
their items and a `next_page_token`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from fastapi import Query
from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
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


def enum_prefix(descriptor: EnumDescriptor) -> str:
    """The prefix buf's lint puts on an enum's values: LeadStatus -> "LEAD_STATUS_"."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", descriptor.name).upper() + "_"


_enum_json: dict[str, EnumJson] = {}


def _enum_name(descriptor: EnumDescriptor, number: int) -> str:
    if descriptor.full_name not in _enum_json:
        _enum_json[descriptor.full_name] = EnumJson(descriptor, enum_prefix(descriptor))
    return _enum_json[descriptor.full_name].to_json(number)


def _value(field: Any, value: Any) -> Any:
    # `field` is a FieldDescriptor (the upb one at run time, which the stubs type apart).
    if field.type == FieldDescriptor.TYPE_ENUM:
        return _enum_name(field.enum_type, value)
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.message_type.full_name == "google.protobuf.Timestamp":
            return value.ToDatetime(tzinfo=UTC)
        return proto_to_json(value)
    return value


def proto_to_json(message: Message) -> dict[str, Any]:
    """A message as the gateway's JSON: every field by its proto name, in the conventions above.

    Unset fields that have presence (a timestamp that has not happened, an
    absent audit, an `optional` number left out) are None; enums are their
    short lower-case names; repeated fields are lists.
    """
    out: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if field.is_repeated:
            out[field.name] = [_value(field, item) for item in value]
        elif field.has_presence and not message.HasField(field.name):
            out[field.name] = None
        else:
            out[field.name] = _value(field, value)
    return out


class ProtoModel(BaseModel):
    """A response model read straight from its proto message (see `proto_to_json`)."""

    @classmethod
    def from_proto(cls, message: Message) -> Self:
        return cls.model_validate(proto_to_json(message))


class FlatSpecModel(ProtoModel):
    """A resource whose proto keeps its editable fields in a nested `spec` message.

    Over HTTP every resource is flat (id, fields, status, audit, version side
    by side), so the spec's fields are lifted to the top level.
    """

    @classmethod
    def from_proto(cls, message: Message) -> Self:
        data = proto_to_json(message)
        data.update(data.pop("spec", None) or {})
        return cls.model_validate(data)


class Audit(ProtoModel):
    """Who created and last changed a record, and when."""

    create_time: datetime | None
    created_by: str
    update_time: datetime | None
    updated_by: str


def page_request(page_size: int | None, page_token: str) -> common_pb2.PageRequest:
    """The proto page request; an absent page size asks for the service default."""
    return common_pb2.PageRequest(page_size=page_size or 0, page_token=page_token)


RegionFilter = Annotated[str, Query(description="Only this region; all of the caller's if empty.")]
PageSize = Annotated[int | None, Query(ge=1, le=500, description="1 to 500; default 50.")]
PageToken = Annotated[str, Query(description="The next_page_token of the previous page.")]


class FiscalPeriod(ProtoModel):
    """The fiscal period a figure covers: start inclusive, end exclusive (UTC)."""

    code: str
    starts_at: datetime | None
    ends_at: datetime | None
