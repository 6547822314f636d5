"""The event envelope: building it, reading it, and naming events.

An event type is `<service>.<aggregate>.<past-tense verb>`. On RabbitMQ the
first part is the publishing service (nameko's exchange `<service>.events`)
and the rest is nameko's event type, so `pipeline.lead.converted` travels as
event type `lead.converted` from service `pipeline`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message

from services.kit.db import utcnow
from services.kit.identity import Caller

SCHEMA_VERSION = 1
_TYPE = re.compile(r"^(?P<source>[a-z]+)\.(?P<name>[a-z_]+\.[a-z_]+)$")

M = TypeVar("M", bound=Message)


class MalformedEvent(ValueError):
    """An envelope that cannot be handled whatever the retries: it goes to the dead letters."""


@dataclass(frozen=True)
class EventType:
    """An event type split into its publishing service and nameko's event name."""

    source: str
    name: str

    @classmethod
    def parse(cls, value: str) -> EventType:
        match = _TYPE.match(value)
        if not match:
            raise ValueError(
                f"event type '{value}' is not '<service>.<aggregate>.<past-tense verb>'"
            )
        return cls(match["source"], match["name"])

    def __str__(self) -> str:
        return f"{self.source}.{self.name}"


def build_envelope(
    event_type: str, payload: Message, *, region: str, caller: Caller | None
) -> dict[str, Any]:
    """The protobuf-JSON envelope of an event (field names as in the .proto)."""
    parsed = EventType.parse(event_type)
    return {
        "event_id": str(uuid.uuid4()),
        "type": str(parsed),
        "schema_version": SCHEMA_VERSION,
        "occurred_at": utcnow().isoformat().replace("+00:00", "Z"),
        "source": parsed.source,
        "region": region,
        "actor": caller.subject if caller else "system",
        "correlation_id": (caller.correlation_id or caller.request_id) if caller else "",
        "payload": json_format.MessageToDict(payload, preserving_proto_field_name=True),
    }


def read_payload(envelope: dict[str, Any], message_type: type[M]) -> M:
    """Parse the envelope's payload into `message_type`; MalformedEvent when it does not fit.

    Unknown fields are ignored so a newer producer does not break an older consumer.
    """
    try:
        return json_format.ParseDict(
            envelope.get("payload") or {}, message_type(), ignore_unknown_fields=True
        )
    except (json_format.ParseError, TypeError, ValueError) as exc:
        raise MalformedEvent(
            f"payload does not fit {message_type.DESCRIPTOR.full_name}: {exc}"
        ) from exc


def check_envelope(body: object) -> dict[str, Any]:
    """Validate the shape of a received envelope; MalformedEvent names what is wrong."""
    if not isinstance(body, dict):
        raise MalformedEvent(f"envelope is a {type(body).__name__}, not an object")
    for key in ("event_id", "type", "occurred_at", "payload"):
        if not body.get(key) and key != "payload":
            raise MalformedEvent(f"envelope has no {key}")
    if not isinstance(body.get("payload", {}), dict):
        raise MalformedEvent("envelope payload is not an object")
    return body


def occurred_at(envelope: dict[str, Any]) -> datetime | None:
    """The envelope's occurrence time, or None when it cannot be read."""
    try:
        return datetime.fromisoformat(str(envelope["occurred_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
