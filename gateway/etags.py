"""Optimistic concurrency over HTTP: `ETag` on every record, `If-Match` on writes, 304 on reads.

Every business record answered over HTTP carries an integer `version`; its
strong entity tag is that version, quoted (`ETag: "3"`). A plain ASGI
middleware adds it to any JSON object response with an integer top-level
`version` (a record read, created, changed or moved by a `:verb`), so no route
has to remember it; lists and composed views carry no top-level version and
get none.

A write (PATCH, PUT, DELETE, or a POST `:verb` on a record) with
`If-Match: "<version>"` travels to the service as the gRPC metadata
`x-salesops-if-match`; the service compares it with the record's version under
the row lock and refuses a stale one (FAILED_PRECONDITION, VERSION_MISMATCH),
which the problem table answers with 412. The gateway never compares versions
itself: a check here and a write there would race. `If-Match: *` or no header
asks for no check; a weak tag (`W/"3"`) never matches under the strong
comparison RFC 9110 requires for If-Match (412); anything else that is not one
quoted version (a list, an unquoted number) is 400 naming the header.

A GET with `If-None-Match` equal to the record's current ETag answers 304
with no body.
"""

from __future__ import annotations

import contextvars
import json
import re
from dataclasses import dataclass
from typing import Any

import grpc
from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.openapi import PATCHES
from gateway.problems import PRECONDITION_FAILED, FieldError, Problem
from services.kit.concurrency import IF_MATCH_KEY

IF_MATCH_HEADER = "If-Match"
IF_NONE_MATCH_HEADER = "If-None-Match"
ETAG_HEADER = "ETag"
_WRITE_METHODS = frozenset({"PATCH", "PUT", "DELETE"})
_STRONG_TAG = re.compile(r'"([0-9]{1,18})"')
_ANY_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*')
# In a route template, a custom verb on one record: `/v1/opportunities/{opportunity_id}:advance`.
_RECORD_VERB_TEMPLATE = re.compile(r"\}:[A-Za-z-]+$")
_MALFORMED = 'must be one quoted record version such as "3" (the ETag of the record), or *'


@dataclass(frozen=True)
class _Expectation:
    """The version a request's If-Match names, and the request (for its route, once routed)."""

    version: int
    method: str
    scope: Scope


_expectation: contextvars.ContextVar[_Expectation | None] = contextvars.ContextVar(
    "salesops_gateway_if_match", default=None
)


def etag_of(version: int) -> str:
    """The strong entity tag of a record version: the version, quoted."""
    return f'"{version}"'


def if_match_metadata() -> list[tuple[str, str]]:
    """gRPC metadata carrying the If-Match of the write being served ([] when none).

    A POST carries it only when its route is a `:verb` on one record
    (`/v1/opportunities/{opportunity_id}:advance`): a verb on a collection
    (`/v1/evaluations:calibrate`) changes many records, none of them named.
    """
    expected = _expectation.get()
    if expected is None:
        return []
    if expected.method == "POST":
        route = getattr(expected.scope.get("route"), "path", "")
        if _RECORD_VERB_TEMPLATE.search(route) is None:
            return []
    return [(IF_MATCH_KEY, str(expected.version))]


def parse_if_match(value: str | None) -> int | None:
    """The version an If-Match header expects; None for no header or `*`.

    Raises the Problem to answer with: 412 for a weak tag (never a strong
    match), 400 naming the header for anything else that is not one quoted
    version.
    """
    if value is None:
        return None
    text = value.strip()
    if text == "*":
        return None
    if text.startswith("W/") and _STRONG_TAG.fullmatch(text[2:]):
        raise Problem(
            PRECONDITION_FAILED,
            f"If-Match {text} is a weak entity tag; If-Match compares strong tags only, "
            f'so send the ETag as the record gave it (such as "{text[3:-1]}")',
        )
    match = _STRONG_TAG.fullmatch(text)
    if match is None:
        raise Problem.of(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"{IF_MATCH_HEADER}: {_MALFORMED}; got {text!r}",
            errors=[FieldError(field=IF_MATCH_HEADER, description=_MALFORMED)],
        )
    return int(match.group(1))


def _matches_none(value: str, etag: str) -> bool:
    """Whether If-None-Match `value` names `etag` (weak comparison, lists and * allowed)."""
    if value.strip() == "*":
        return True
    tags = (match.group(1) for match in _ANY_TAG.finditer(value))
    return any(etag_of(int(tag)) == etag for tag in tags if tag.isdigit())


def _is_record_write(method: str, path: str) -> bool:
    # Before routing, any POST `...:verb` may be a verb on a record; its header is checked
    # here, and `if_match_metadata` forwards it only if the route turns out to be one.
    return method in _WRITE_METHODS or (method == "POST" and ":" in path.rsplit("/", 1)[-1])


def _record_version(body: bytes) -> int | None:
    try:
        document: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    version = document.get("version")
    # bool is an int in Python; a flag named version is not a record version.
    return version if isinstance(version, int) and not isinstance(version, bool) else None


class ETagMiddleware:
    """Passes If-Match on to the services and tags record responses with their ETag."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        headers = Headers(scope=scope)
        expected: int | None = None
        if _is_record_write(method, scope["path"]):
            try:
                expected = parse_if_match(headers.get(IF_MATCH_HEADER))
            except Problem as problem:
                # Outside the app's exception handlers: answer here, in the same shape.
                await problem.response(Request(scope))(scope, receive, send)
                return
        if_none_match = headers.get(IF_NONE_MATCH_HEADER) if method in ("GET", "HEAD") else None
        token = _expectation.set(
            None if expected is None else _Expectation(expected, method, scope)
        )
        try:
            await self.app(scope, receive, _TaggingSend(send, if_none_match))
        finally:
            _expectation.reset(token)


class _TaggingSend:
    """Holds back a 2xx JSON response until its body shows whether it is a versioned record."""

    def __init__(self, send: Send, if_none_match: str | None) -> None:
        self._send = send
        self._if_none_match = if_none_match
        self._start: Message | None = None
        self._body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
            if 200 <= message["status"] < 300 and content_type.startswith("application/json"):
                self._start = message
                return
        elif message["type"] == "http.response.body" and self._start is not None:
            self._body += message.get("body", b"")
            if message.get("more_body", False):
                return
            await self._send_tagged(bytes(self._body))
            return
        await self._send(message)

    async def _send_tagged(self, body: bytes) -> None:
        assert self._start is not None
        start = self._start
        version = _record_version(body)
        if version is not None:
            etag = etag_of(version)
            headers = MutableHeaders(scope=start)
            headers[ETAG_HEADER] = etag
            if self._if_none_match is not None and _matches_none(self._if_none_match, etag):
                # The client's copy is current: 304 with the validator, without the body.
                del headers["content-length"]
                del headers["content-type"]
                start = {**start, "status": 304}
                body = b""
        await self._send(start)
        await self._send({"type": "http.response.body", "body": body, "more_body": False})


def _versioned_schema(schema: dict[str, Any], response: dict[str, Any]) -> bool:
    """Whether a documented response is a record with an integer top-level `version`."""
    media = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = media.get("$ref", "")
    if not ref.startswith("#/components/schemas/"):
        return False
    component = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    version = component.get("properties", {}).get("version", {})
    return bool(version.get("type") == "integer")


_IF_MATCH_PARAMETER = {
    "name": IF_MATCH_HEADER,
    "in": "header",
    "required": False,
    "description": (
        'The ETag of the record as last read (`"3"`): the change applies only if the record '
        "is still at that version, else 412. `*` or no header: no check. A weak tag is 412; "
        "a list or an unquoted value is 400."
    ),
    "schema": {"type": "string", "examples": ['"3"']},
}
_IF_NONE_MATCH_PARAMETER = {
    "name": IF_NONE_MATCH_HEADER,
    "in": "header",
    "required": False,
    "description": "The ETag of the copy the client holds: 304 without a body if still current.",
    "schema": {"type": "string", "examples": ['"3"']},
}
_ETAG_HEADER_DOC = {
    ETAG_HEADER: {
        "description": 'The record\'s version as a strong entity tag (`"3"`); send it as If-Match.',
        "schema": {"type": "string"},
    }
}


def document_etags(schema: dict[str, Any]) -> None:
    """Document If-Match on record writes, ETag on record responses, If-None-Match/304 on reads."""
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            verb = method.upper()
            parameters = operation.setdefault("parameters", [])
            named = {p.get("name") for p in parameters}
            versioned = False
            for status, response in operation["responses"].items():
                if status.startswith("2") and _versioned_schema(schema, response):
                    versioned = True
                    response.setdefault("headers", {}).update(_ETAG_HEADER_DOC)
            record_write = verb in _WRITE_METHODS or (
                verb == "POST" and _RECORD_VERB_TEMPLATE.search(path) is not None
            )
            if record_write and IF_MATCH_HEADER not in named:
                parameters.append(dict(_IF_MATCH_PARAMETER))
            if verb == "GET" and versioned and IF_NONE_MATCH_HEADER not in named:
                parameters.append(dict(_IF_NONE_MATCH_PARAMETER))
                operation["responses"].setdefault(
                    "304",
                    {"description": "Not modified: If-None-Match names the current ETag"},
                )


def install_etags(app: FastAPI) -> None:
    """Add the ETag/If-Match middleware to `app` (the OpenAPI patch is registered on import)."""
    app.add_middleware(ETagMiddleware)


# Runs once on the generated document (gateway/openapi.py): the headers, and 304.
PATCHES.append(document_etags)
