"""What wraps every HTTP request: ids, a body size limit, RED metrics, access log, last-resort 500.

A plain ASGI middleware rather than `BaseHTTPMiddleware`: it sees the route
template after routing (for low-cardinality metric labels), can stop an
oversized body while it streams in, and turns an unexpected exception into a
problem response that still carries the request id and is still counted.
"""

from __future__ import annotations

import logging
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import PROBLEM_MEDIA_TYPE, internal_error_body
from services.kit.logs import bind_log_context, reset_log_context
from services.kit.metrics import HTTP_HANDLED, HTTP_HANDLING_SECONDS

log = logging.getLogger("salesops.gateway")
access_log = logging.getLogger("salesops.gateway.access")

REQUEST_ID_HEADER = "X-Request-ID"
CORRELATION_ID_HEADER = "X-Correlation-ID"
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_MAX_ID_LENGTH = 128
UNMATCHED_ROUTE = "unmatched"


def _usable_id(value: str | None) -> str | None:
    # The id travels on as gRPC metadata, which allows only printable ASCII; a
    # client's id that does not fit is replaced rather than failing the call.
    if value and len(value) <= _MAX_ID_LENGTH and value.isascii() and value.isprintable():
        return value
    return None


class RequestContextMiddleware:
    """Assigns request/correlation ids, limits the body, records metrics and logs."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = _usable_id(headers.get(REQUEST_ID_HEADER)) or str(uuid.uuid4())
        correlation_id = _usable_id(headers.get(CORRELATION_ID_HEADER)) or request_id
        # Request.state reads scope["state"]; the problem handlers and the auth
        # dependencies pick the ids up from there.
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["correlation_id"] = correlation_id

        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        declared = headers.get("content-length", "")
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise self._too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:  # a chunked body that grew too big
                    raise self._too_large()
            return message

        began = time.perf_counter()
        # Every log line written while handling the request carries its ids.
        log_context = bind_log_context(request_id, correlation_id)
        try:
            await self.app(scope, receive_limited, send_with_id)
        except Exception:
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if not started:
                response = JSONResponse(
                    internal_error_body(scope["path"], request_id),
                    status_code=500,
                    media_type=PROBLEM_MEDIA_TYPE,
                )
                await response(scope, receive, send_with_id)
        finally:
            self._observe(scope, status, time.perf_counter() - began)
            reset_log_context(log_context)

    def _too_large(self) -> HTTPException:
        return HTTPException(413, f"the request body exceeds {self.max_body_bytes} bytes")

    @staticmethod
    def _observe(scope: Scope, status: int, seconds: float) -> None:
        # The route template, not the path, so ids do not become label values.
        route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
        method = scope["method"] if scope["method"] in _KNOWN_METHODS else "OTHER"
        HTTP_HANDLED.labels(method, route, str(status)).inc()
        HTTP_HANDLING_SECONDS.labels(method, route).observe(seconds)
        principal = scope.get("state", {}).get("principal")
        access_log.info(
            "%s %s %d %.1fms",
            scope["method"],
            scope["path"],
            status,
            seconds * 1000,
            extra={
                "http_method": scope["method"],
                "route": route,
                "path": scope["path"],
                "status": status,
                "duration_seconds": round(seconds, 6),
                "subject": getattr(principal, "subject", None),
            },
        )
