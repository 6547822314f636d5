"""The shape of the gateway's operations, as the generated resource table describes them.

`salesops.client.resources` (generated from the gateway's OpenAPI document by
`clients/python/generate_sdk.py`) holds one `Operation` per HTTP operation and
one resource class per collection. The SDK's typed methods and every `salesctl`
command are built from that same table, so the two never disagree about a
path, a parameter or a body field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesops.client.transport import Transport


@dataclass(frozen=True)
class Param:
    """One input of an operation: a path or query parameter, a header, or a body field.

    `kind` is the JSON Schema type ("string", "integer", "number", "boolean",
    "array", "object"); `item_kind` the type of an array's items; `choices`
    the allowed values of an enum. `python_name` differs from `name` only
    where the wire name is not a Python identifier (`If-Match` -> `if_match`).
    """

    name: str
    kind: str
    python_name: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    item_kind: str = ""
    description: str = ""

    @property
    def identifier(self) -> str:
        """The name of this parameter in Python code and on the command line."""
        return self.python_name or self.name


@dataclass(frozen=True)
class Operation:
    """One HTTP operation of the gateway, addressed as `resource.name` (`leads.qualify`)."""

    resource: str  # the collection as written in the path: "leads", "pipeline-analytics"
    name: str  # the method: "list", "get", "create", "update", "qualify", "list_contacts"
    http_method: str
    path: str  # "/v1/leads/{lead_id}:qualify"
    summary: str
    description: str = ""
    path_params: tuple[Param, ...] = ()
    query_params: tuple[Param, ...] = ()
    header_params: tuple[Param, ...] = ()
    body_fields: tuple[Param, ...] = ()  # the top-level fields of a JSON body
    body_schema: str = ""  # the TypedDict of the JSON body, "" when there is none
    body_required: bool = False
    accepts_json: bool = False
    accepts_csv: bool = False
    result_schema: str = ""
    items_key: str = ""  # a paged list: the field holding the page's items
    success_status: int = 200

    @property
    def operation_id(self) -> str:
        """`leads.qualify`: how the table and the resource classes name this operation."""
        return f"{self.resource.replace('-', '_')}.{self.name}"

    @property
    def paged(self) -> bool:
        """Whether the operation answers one page of a list (`page_token`/`next_page_token`)."""
        return bool(self.items_key)

    @property
    def is_write(self) -> bool:
        """Anything but a read changes state (and is retried only with an Idempotency-Key)."""
        return self.http_method not in {"GET", "HEAD"}


class ResourceBase:
    """What every generated resource class stands on: one transport and the operation table."""

    def __init__(self, transport: Transport, operations: Mapping[str, Operation]) -> None:
        self._transport = transport
        self._operations = operations

    def _call(self, operation_id: str, **inputs: Any) -> Any:
        # `inputs` are Transport.call's keyword arguments: path, query, body, csv, headers,
        # idempotency_key.
        return self._transport.call(self._operations[operation_id], **inputs)

    def _iterate(
        self,
        operation_id: str,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> Iterator[Any]:
        return self._transport.iterate(self._operations[operation_id], path=path, query=query)
