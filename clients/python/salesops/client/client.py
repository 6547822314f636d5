"""`Client`: the salesops gateway as Python objects, one attribute per resource.

    from salesops.client import Client, NotFound

    with Client("http://127.0.0.1:8080", token) as salesops:
        lead = salesops.leads.create({"region": "EMEA", "company_name": "Acme GmbH"})
        salesops.leads.qualify(lead["lead_id"])
        for qualified in salesops.leads.list_all(status="qualified"):
            print(qualified["company_name"])

Every method is generated from the gateway's OpenAPI document (see
`salesops.client.resources`); failures raise the exceptions of
`salesops.client.errors`, carrying the problem details.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx
from salesops.client.resources import OPERATIONS_BY_ID, Resources
from salesops.client.transport import Transport, decode


class Client(Resources):
    """A connection to one salesops gateway with one bearer token.

    `timeout` bounds each HTTP attempt (seconds); `max_retries` is how many
    times a retryable failure is retried (reads always; writes only with an
    Idempotency-Key, which every POST gets). `backoff_seconds` is the first
    back-off when the gateway gives no `Retry-After`; it doubles per attempt.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = 10.0,
        max_retries: int = 3,
        backoff_seconds: float = 0.5,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.transport = Transport(
            base_url,
            token,
            timeout=timeout,
            max_retries=max_retries,
            backoff_seconds=backoff_seconds,
            http=http,
            sleep=sleep,
        )
        self.operations = OPERATIONS_BY_ID
        super().__init__(self.transport)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any gateway path not (yet) in the generated resources; the decoded answer."""
        return decode(self.transport.request(method, path, **kwargs))

    def close(self) -> None:
        """Close the connection pool."""
        self.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
