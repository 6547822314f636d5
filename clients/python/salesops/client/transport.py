"""HTTP to the gateway: authentication, retries with back-off, problem details, paging.

Retries follow one rule: a request is retried only when repeating it cannot
do anything twice. Reads (GET, HEAD) always qualify; a write qualifies only
when it carries an `Idempotency-Key`, which the gateway uses to answer a
repeat with the first result. The SDK gives every POST a fresh key and keeps
it across that call's retries. What is retried: connection failures and
timeouts, 429 and 503 (waiting what `Retry-After` says, else an exponential
back-off with jitter), and a 409 with `Retry-After` (the same key is still
being processed by an earlier attempt).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
from salesops.client.errors import ApiError, ConnectionFailed, error_from_response
from salesops.client.operations import Operation

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
RETRIED_STATUSES = frozenset({429, 503})
USER_AGENT = "salesops-client/0.1.0"


class Transport:
    """One httpx client to one gateway, with the retry policy and the error mapping."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = 10.0,
        max_retries: int = 3,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        max_retry_after_seconds: float = 120.0,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries is {max_retries}; expected 0 or more")
        if timeout <= 0:
            raise ValueError(f"timeout is {timeout}; expected a positive number of seconds")
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.max_retry_after_seconds = max_retry_after_seconds
        self._sleep = sleep
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._owns_http = http is None
        self.http = http or httpx.Client(timeout=timeout)
        self.http.base_url = httpx.URL(self.base_url)
        self.http.headers.update(headers)

    def close(self) -> None:
        """Close the connection pool (only when this transport created the httpx client)."""
        if self._owns_http:
            self.http.close()

    # --- one request, retried --------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request (retrying as the module says); raise ApiError on an error status.

        `params` are query parameters: None values are left out, booleans sent as
        true/false, lists repeated.
        """
        query = query_params(params or {})
        headers = dict(headers or {})
        method = method.upper()
        retryable = method in {"GET", "HEAD"} or any(
            name.lower() == IDEMPOTENCY_KEY_HEADER.lower() for name in headers
        )
        attempt = 0
        while True:
            try:
                response = self.http.request(
                    method, path, params=tuple(query), json=json, content=content, headers=headers
                )
            except httpx.TransportError as exc:
                if retryable and attempt < self.max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise ConnectionFailed(
                    f"{method} {self.base_url}{path} failed after {attempt + 1} attempt(s): "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            if response.status_code < 400:
                return response
            error = error_from_response(response)
            # A write whose deadline ran out may have happened: the gateway keeps that
            # answer for its key, so retrying cannot help; read the record instead.
            outcome_unknown = method not in {"GET", "HEAD"} and error.type.endswith(
                "deadline-exceeded"
            )
            delay = None if outcome_unknown or not retryable else self._retry_delay(error, attempt)
            if delay is None:
                raise error
            self._sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        # Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): clients
        # that failed together do not come back together.
        ceiling = min(self.max_backoff_seconds, self.backoff_seconds * 2**attempt)
        return random.uniform(ceiling / 2, ceiling)

    def _retry_delay(self, error: ApiError, attempt: int) -> float | None:
        """Seconds to wait before retrying after `error`, or None when it must not be retried."""
        if attempt >= self.max_retries:
            return None
        in_flight = error.status == 409 and error.retry_after is not None
        if error.status not in RETRIED_STATUSES and not in_flight:
            return None
        if error.retry_after is None:
            return self._backoff(attempt)
        if error.retry_after > self.max_retry_after_seconds:
            return None  # waiting that long is the caller's decision, not a library's
        return error.retry_after

    # --- operations of the resource table ----------------------------------------------------

    def call(
        self,
        operation: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        csv: bytes | str | None = None,
        headers: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Run one operation; the decoded JSON answer (text for other media types, None for 204)."""
        sent_headers = {
            param.name: _header_value(param.name, value)
            for param in operation.header_params
            if (value := (headers or {}).get(param.identifier)) is not None
        }
        if operation.http_method == "POST":
            sent_headers[IDEMPOTENCY_KEY_HEADER] = idempotency_key or str(uuid.uuid4())
        content: bytes | None = None
        if csv is not None:
            content = csv.encode("utf-8") if isinstance(csv, str) else csv
            sent_headers["Content-Type"] = "text/csv; charset=utf-8"
            body = None
        response = self.request(
            operation.http_method,
            expand_path(operation.path, path or {}),
            params=query,
            json=body,
            content=content,
            headers=sent_headers,
        )
        return decode(response)

    def iterate(
        self,
        operation: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> Iterator[Any]:
        """Every item of a paged list, fetching the next page only when it is needed."""
        if not operation.paged:
            raise ValueError(f"{operation.operation_id} is not a paged list")
        params = dict(query or {})
        seen: set[str] = set()
        while True:
            page = self.call(operation, path=path, query=params)
            yield from page.get(operation.items_key, [])
            token = page.get("next_page_token") or ""
            if not token or token in seen:
                return
            seen.add(token)
            params["page_token"] = token


def expand_path(template: str, values: Mapping[str, Any]) -> str:
    """`/v1/leads/{lead_id}:qualify` with each `{name}` replaced by its percent-encoded value."""
    path = template
    for name, value in values.items():
        text = str(value)
        if not text:
            raise ValueError(f"{name} must not be empty")
        path = path.replace("{" + name + "}", quote(text, safe=""))
    if "{" in path:
        missing = path[path.index("{") + 1 : path.index("}")]
        raise ValueError(f"{missing} is required")
    return path


def query_params(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Query parameters as the gateway reads them: None left out, booleans as true/false."""
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is None:
                continue
            if isinstance(item, bool):
                params.append((name, "true" if item else "false"))
            elif isinstance(item, datetime):
                params.append((name, item.isoformat()))
            else:
                params.append((name, str(item)))
    return params


def _header_value(name: str, value: Any) -> str:
    # An ETag is a quoted version; callers may pass the record's integer `version`.
    if name.lower() == "if-match" and isinstance(value, int) and not isinstance(value, bool):
        return f'"{value}"'
    return str(value)


def decode(response: httpx.Response) -> Any:
    """The body of a successful answer: JSON decoded, other media types as text."""
    if response.status_code == 204 or not response.content:
        return None
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip()
    if media_type == "application/json" or media_type.endswith("+json"):
        return response.json()
    return response.text
