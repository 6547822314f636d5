"""`Idempotency-Key` on every POST under /v1: a retried request gets the first answer.

A client that sends `Idempotency-Key: <key>` with a POST may send the same
request again (a timeout, a dropped connection) without creating anything
twice. The key is scoped by the verified token's subject, so two callers never
share a key; the gateway keeps what it answered in its own database, so a retry
is recognised on any replica and after a restart.

One plain ASGI middleware does the work, between the rate limit and the routes:

1. Authentication first: a POST whose bearer token does not verify passes on
   untouched, and the route answers its usual 401 (nothing is stored).
2. The key is checked (1 to 255 printable ASCII characters, else 400 naming
   the header), then claimed: a row keyed by (subject, key) is inserted, and
   the primary key is the lock, across replicas too.
3. The request runs. Its body is hashed while it streams through, never held
   back, so uploads such as the CSV lead import still stream. When the answer
   is complete it is stored - status, Content-Type, Location, ETag and body -
   together with the request's fingerprint: method, path, query and the
   SHA-256 of the body.

A later request with the same key is answered from the row: the same
fingerprint gets the stored answer with `Idempotent-Replayed: true`; another
fingerprint gets 422; a first request still in flight gets 409 with
`Retry-After`. A 5xx answer (or a failure with no answer) releases the claim,
so the client may retry. 4xx answers are stored and replayed - the same request
gets the same answer - except 401 and 429, which say something about the
caller's credentials or pace at that moment, not about the request.

Rows expire after `SALESOPS_GATEWAY_IDEMPOTENCY_TTL_SECONDS`; expired ones are
purged as keys are claimed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
import grpc
from fastapi import FastAPI
from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.openapi import PATCHES
from gateway.problems import (
    GRPC_TO_HTTP,
    FieldError,
    Problem,
    ProblemKind,
    kind_for_http_status,
)
from gateway.settings import GatewaySettings
from services.kit.db import UTCDateTime, make_engine, new_metadata, utcnow
from services.kit.metrics import IDEMPOTENCY_CONFLICTS, IDEMPOTENT_REPLAYS

DEADLINE_EXCEEDED_TYPE = GRPC_TO_HTTP[grpc.StatusCode.DEADLINE_EXCEEDED].type_uri
log = logging.getLogger("salesops.gateway.idempotency")

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# The response headers a replay must repeat; the rest (request id, rate limit
# state) belong to the request being answered now, not to the first one.
STORED_HEADERS = frozenset({"content-type", "location", "etag"})
# Answers about the moment or the credentials rather than the request: a retry
# with a fresh token, or after a pause, deserves a fresh answer.
NOT_STORED_CLIENT_ERRORS = frozenset({401, 429})
# A claim with no answer after this long belongs to a gateway that died
# mid-request; it is taken over rather than blocking the key for the whole TTL.
# Well above the longest upstream deadline (the CSV import's 120 s).
IN_FLIGHT_LEASE_SECONDS = 300
# An in-flight first request usually answers within a second.
IN_FLIGHT_RETRY_AFTER_SECONDS = 1
# Purge expired rows at most this often per process (or once per TTL if shorter).
PURGE_INTERVAL_SECONDS = 60
BUSINESS_PATH_PREFIX = "/v1/"

KEY_RULE = (
    f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters; "
    "a new random UUID per request is a good key"
)
KEY_REUSED = ProblemKind(422, "idempotency-key-reused", "Idempotency key reused")
KEY_IN_USE = ProblemKind(409, "idempotency-key-in-use", "Idempotency key in use")
STORE_UNAVAILABLE_DETAIL = (
    "the gateway cannot check the Idempotency-Key right now; retry the request shortly"
)

# The table is a cache that the gateway alone owns: rows live for a day at most,
# and losing them all costs only the recognition of retries in flight. So it is
# created at start-up (create_all) rather than migrated: a schema change can
# drop the table and let it be created again, with no data to carry over.
metadata = new_metadata()
idempotency_records = Table(
    "idempotency_records",
    metadata,
    # The primary key is the lock: one claim per (subject, key), on every replica.
    Column("subject", Text, primary_key=True),
    Column("idempotency_key", String(MAX_KEY_LENGTH), primary_key=True),
    Column("method", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("claim_id", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("lease_expires_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    # Unknown while the first request is in flight: its body is hashed as it streams.
    Column("body_sha256", String(64), nullable=True),
    # Null while in flight.
    Column("status_code", Integer, nullable=True),
    Column("response_headers", JSON, nullable=True),
    Column("response_body", LargeBinary, nullable=True),
    # The route template that answered, so a replay is counted under the same route.
    Column("route", Text, nullable=True),
)


@dataclass(frozen=True)
class RequestTarget:
    """The part of a request's fingerprint known before its body: method, path, query."""

    method: str
    path: str
    query: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True)
class StoredResponse:
    """The first answer to a key, as it is replayed."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    route: str | None = None


@dataclass(frozen=True)
class Claimed:
    """The key is this request's: run it, then `complete` or `release` with `claim_id`."""

    claim_id: str


@dataclass(frozen=True)
class InFlight:
    """The first request with this key has not answered yet."""


@dataclass(frozen=True)
class Answered:
    """The first request answered; a retry with the same body gets `response`."""

    body_sha256: str
    response: StoredResponse


@dataclass(frozen=True)
class OtherRequest:
    """The key was first used for another method, path or query."""

    first: RequestTarget


ClaimOutcome = Claimed | InFlight | Answered | OtherRequest


class IdempotencyStore:
    """The `idempotency_records` table: claim a key, store its answer, release, purge.

    Blocking (SQLAlchemy Core); the middleware calls it in worker threads.
    """

    def __init__(
        self,
        url: str,
        ttl_seconds: int,
        *,
        lease_seconds: float = IN_FLIGHT_LEASE_SECONDS,
    ) -> None:
        self.url = url
        self.ttl = timedelta(seconds=ttl_seconds)
        self.lease = timedelta(seconds=lease_seconds)
        self._purge_every = timedelta(seconds=min(ttl_seconds, PURGE_INTERVAL_SECONDS))
        self._next_purge: datetime | None = None
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the idempotency store is not open (the app has not started)")
        return self._engine

    def open(self) -> None:
        """Connect and create the table if it is missing."""
        engine = make_engine(self.url, pool_size=5)
        try:
            try:
                metadata.create_all(engine)
            except DBAPIError:
                # Another replica created it between our check and our CREATE; check again.
                metadata.create_all(engine)
        except BaseException:
            engine.dispose()
            raise
        self._engine = engine

    def close(self) -> None:
        """Close the connection pool."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def claim(self, subject: str, key: str, target: RequestTarget) -> ClaimOutcome:
        """Claim `key` for `subject`'s request, or say what the key already holds."""
        self._purge_if_due()
        pk = (
            idempotency_records.c.subject == subject,
            idempotency_records.c.idempotency_key == key,
        )
        # Each pass either decides or saw the row change under it; three races in a row
        # means someone else keeps the key busy, which is what InFlight tells the client.
        for _attempt in range(3):
            now = utcnow()
            claim_id = uuid.uuid4().hex
            fresh = {
                "method": target.method,
                "path": target.path,
                "query": target.query,
                "claim_id": claim_id,
                "created_at": now,
                "lease_expires_at": now + self.lease,
                "expires_at": now + self.ttl,
                "body_sha256": None,
                "status_code": None,
                "response_headers": None,
                "response_body": None,
                "route": None,
            }
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        insert(idempotency_records).values(
                            subject=subject, idempotency_key=key, **fresh
                        )
                    )
                return Claimed(claim_id)
            except IntegrityError:
                pass  # the key is taken: look at what holds it
            with self.engine.begin() as connection:
                row = connection.execute(select(idempotency_records).where(*pk)).one_or_none()
                if row is None:
                    continue  # released or purged since our insert failed
                abandoned = row.status_code is None and row.lease_expires_at <= now
                if row.expires_at <= now or abandoned:
                    # Only if the row is still the one we read: another replica may be
                    # taking it over at the same moment.
                    taken = connection.execute(
                        update(idempotency_records)
                        .where(*pk, idempotency_records.c.claim_id == row.claim_id)
                        .values(**fresh)
                    ).rowcount
                    if taken:
                        return Claimed(claim_id)
                    continue
            first = RequestTarget(row.method, row.path, row.query)
            if first != target:
                return OtherRequest(first)
            if row.status_code is None:
                return InFlight()
            return Answered(
                body_sha256=row.body_sha256,
                response=StoredResponse(
                    status=row.status_code,
                    headers=[(name, value) for name, value in row.response_headers],
                    body=row.response_body,
                    route=row.route,
                ),
            )
        return InFlight()

    def complete(
        self, subject: str, key: str, claim_id: str, body_sha256: str, response: StoredResponse
    ) -> bool:
        """Store the answer to a claimed key; False if the claim was lost (taken over)."""
        with self.engine.begin() as connection:
            stored = connection.execute(
                update(idempotency_records)
                .where(
                    idempotency_records.c.subject == subject,
                    idempotency_records.c.idempotency_key == key,
                    idempotency_records.c.claim_id == claim_id,
                )
                .values(
                    body_sha256=body_sha256,
                    status_code=response.status,
                    response_headers=[list(pair) for pair in response.headers],
                    response_body=response.body,
                    route=response.route,
                )
            ).rowcount
        return bool(stored)

    def release(self, subject: str, key: str, claim_id: str) -> None:
        """Give up a claim (no answer worth keeping): the key may be used again at once."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(idempotency_records).where(
                    idempotency_records.c.subject == subject,
                    idempotency_records.c.idempotency_key == key,
                    idempotency_records.c.claim_id == claim_id,
                )
            )

    def purge_expired(self) -> int:
        """Delete every expired row; return how many went."""
        with self.engine.begin() as connection:
            return connection.execute(
                delete(idempotency_records).where(idempotency_records.c.expires_at <= utcnow())
            ).rowcount

    def _purge_if_due(self) -> None:
        now = utcnow()
        if self._next_purge is not None and now < self._next_purge:
            return
        # Set first: concurrent claims need not purge too (a second purge is harmless anyway).
        self._next_purge = now + self._purge_every
        self.purge_expired()


def parse_idempotency_key(values: list[str]) -> str:
    """The request's key from its `Idempotency-Key` header values, or a 400 Problem."""
    if len(values) != 1:
        detail = f"send one {IDEMPOTENCY_KEY_HEADER} header, not {len(values)}"
        raise _invalid_key(detail)
    key = values[0]
    # Starlette decodes header bytes as latin-1, so any non-ASCII byte fails here too.
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        raise _invalid_key(f"{IDEMPOTENCY_KEY_HEADER} {KEY_RULE}")
    return key


def _invalid_key(detail: str) -> Problem:
    return Problem.of(
        grpc.StatusCode.INVALID_ARGUMENT,
        detail,
        errors=[FieldError(field=IDEMPOTENCY_KEY_HEADER, description=KEY_RULE)],
    )


def _bearer_token(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@dataclass(frozen=True)
class _RouteLabel:
    """Stands in for the route in `scope["route"]`: the request metrics read its `path`."""

    path: str


def _key_in_use() -> Problem:
    return Problem(
        KEY_IN_USE,
        f"the first request with this {IDEMPOTENCY_KEY_HEADER} has not finished; "
        "retry after it has, and get its answer",
        errors=[
            FieldError(field=IDEMPOTENCY_KEY_HEADER, description="is in use by a request in flight")
        ],
        headers={"Retry-After": str(IN_FLIGHT_RETRY_AFTER_SECONDS)},
    )


async def _respond(problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
    # Outside the app's exception handlers: answer here, in the same problem+json shape.
    await problem.response(Request(scope))(scope, receive, send)


class IdempotencyMiddleware:
    """Claims, stores and replays POSTs under /v1 that carry an Idempotency-Key."""

    def __init__(self, app: ASGIApp, store: IdempotencyStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._opening_store(send))
            return
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(BUSINESS_PATH_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        keys = headers.getlist(IDEMPOTENCY_KEY_HEADER)
        token = _bearer_token(headers)
        if not keys or token is None:
            await self.app(scope, receive, send)
            return
        try:
            principal = scope["app"].state.token_verifier.verify(token)
        except Problem:
            # The route answers the same 401 through its own dependency; nothing is stored.
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal  # for the access log
        try:
            key = parse_idempotency_key(keys)
        except Problem as problem:
            await _respond(problem, scope, receive, send)
            return
        target = RequestTarget(
            scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")
        )
        try:
            outcome = await anyio.to_thread.run_sync(
                self.store.claim, principal.subject, key, target
            )
        except SQLAlchemyError:
            log.exception("cannot claim an idempotency key")
            await _respond(
                Problem.of(grpc.StatusCode.UNAVAILABLE, STORE_UNAVAILABLE_DETAIL),
                scope,
                receive,
                send,
            )
            return
        if isinstance(outcome, Claimed):
            await _FirstRequest(self, scope, receive, send, principal.subject, key, outcome).run()
            return
        if isinstance(outcome, OtherRequest):
            why = f"was first used for {outcome.first}"
            await self._refuse_other_request(why, scope, receive, send)
        elif isinstance(outcome, InFlight):
            IDEMPOTENCY_CONFLICTS.labels("in_flight").inc()
            await _respond(_key_in_use(), scope, receive, send)
        else:
            await self._replay_if_same_body(outcome, scope, receive, send)

    def _opening_store(self, send: Send) -> Send:
        # The store opens once the app's own start-up has succeeded: raising here
        # makes Starlette report lifespan.startup.failed, so the server exits
        # rather than serve without the store.
        async def send_opening(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                await anyio.to_thread.run_sync(self.store.open)
            elif message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                await anyio.to_thread.run_sync(self.store.close)
            await send(message)

        return send_opening

    async def _replay_if_same_body(
        self, answered: Answered, scope: Scope, receive: Receive, send: Send
    ) -> None:
        digest = hashlib.sha256()
        while True:
            try:
                message = await receive()
            except HTTPException as too_large:  # the request context's body limit
                problem = Problem(kind_for_http_status(too_large.status_code), too_large.detail)
                await _respond(problem, scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                return  # nobody is waiting for an answer
            digest.update(message.get("body", b""))
            if not message.get("more_body", False):
                break
        if digest.hexdigest() != answered.body_sha256:
            why = "was first used with another body"
            await self._refuse_other_request(why, scope, receive, send)
            return
        IDEMPOTENT_REPLAYS.inc()
        stored = answered.response
        if stored.route is not None:
            # Counted under the route that made the answer, not as an unmatched path.
            scope["route"] = _RouteLabel(stored.route)
        raw_headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in stored.headers]
        raw_headers += [
            (b"content-length", str(len(stored.body)).encode()),
            (REPLAYED_HEADER.lower().encode(), b"true"),
        ]
        await send({"type": "http.response.start", "status": stored.status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": stored.body})

    @staticmethod
    async def _refuse_other_request(why: str, scope: Scope, receive: Receive, send: Send) -> None:
        IDEMPOTENCY_CONFLICTS.labels("other_request").inc()
        problem = Problem(
            KEY_REUSED,
            f"this {IDEMPOTENCY_KEY_HEADER} {why}; a retry must repeat the method, path, "
            "query and body exactly, and a new request needs a new key",
            errors=[
                FieldError(
                    field=IDEMPOTENCY_KEY_HEADER,
                    description="belongs to another request (method, path, query or body)",
                )
            ],
        )
        await _respond(problem, scope, receive, send)


class _FirstRequest:
    """One request that holds a claim: run it, hash its body on the way, keep its answer."""

    def __init__(
        self,
        middleware: IdempotencyMiddleware,
        scope: Scope,
        receive: Receive,
        send: Send,
        subject: str,
        key: str,
        claim: Claimed,
    ) -> None:
        self.app = middleware.app
        self.store = middleware.store
        self.scope = scope
        self._receive = receive
        self._send = send
        self.subject = subject
        self.key = key
        self.claim_id = claim.claim_id
        self.digest = hashlib.sha256()
        self.body_complete = False
        self.body_unreadable = False
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.body = bytearray()
        self.settled = False

    async def run(self) -> None:
        try:
            await self.app(self.scope, self.receive, self.send)
        finally:
            if not self.settled:
                # No complete answer (an exception, a cancelled request): the client may retry.
                with anyio.CancelScope(shield=True):
                    await self._release()

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.digest.update(message.get("body", b""))
            if not message.get("more_body", False):
                self.body_complete = True
        elif message["type"] == "http.disconnect" and not self.body_complete:
            self.body_unreadable = True
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [
                (name.decode("latin-1").lower(), value.decode("latin-1"))
                for name, value in message.get("headers", [])
                if name.decode("latin-1").lower() in STORED_HEADERS
            ]
            await self._finish_reading_body()
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
            if not message.get("more_body", False):
                # Settled before the last bytes leave: a client cannot hold the whole
                # answer and retry before it is recorded.
                await self._settle()
        await self._send(message)

    async def _finish_reading_body(self) -> None:
        """Hash the rest of a body the route answered without reading (a 403, say).

        The fingerprint needs the whole body, and the server hands out the rest
        of it only until the response starts.
        """
        try:
            while not self.body_complete and not self.body_unreadable:
                await self.receive()
        except HTTPException:  # over the request context's body limit
            self.body_unreadable = True

    def _outcome_unknown(self) -> bool:
        """Whether the answer is a deadline that ran out before the service answered.

        The service may still have done the work after the gateway stopped waiting,
        so running the request again could do it twice: that 503 is kept and
        replayed like any answer, and the client reads the record to learn the
        outcome. Any other 5xx (the service was unreachable, its circuit open)
        releases the key: nothing reached the service.
        """
        if self.status != 503:
            return False
        try:
            problem = json.loads(bytes(self.body))
        except ValueError:
            return False
        return isinstance(problem, dict) and problem.get("type") == DEADLINE_EXCEEDED_TYPE

    async def _settle(self) -> None:
        self.settled = True
        keep = (
            (self.status < 500 or self._outcome_unknown())
            and self.status not in NOT_STORED_CLIENT_ERRORS
            and not self.body_unreadable
        )
        if not keep:
            await self._release()
            return
        route = getattr(self.scope.get("route"), "path", None)
        response = StoredResponse(self.status, self.headers, bytes(self.body), route)
        try:
            stored = await anyio.to_thread.run_sync(
                self.store.complete,
                self.subject,
                self.key,
                self.claim_id,
                self.digest.hexdigest(),
                response,
            )
        except SQLAlchemyError:
            # The claim stays in flight until its lease ends: a retry meanwhile gets 409,
            # never a second execution of a request that did happen.
            log.exception("cannot store the answer to an idempotency key")
            return
        if not stored:
            log.warning(
                "the claim on an idempotency key was taken over before the answer was stored",
                extra={"subject": self.subject},
            )

    async def _release(self) -> None:
        try:
            await anyio.to_thread.run_sync(
                self.store.release, self.subject, self.key, self.claim_id
            )
        except SQLAlchemyError:
            log.exception("cannot release an idempotency key; it frees when its lease ends")


_KEY_PARAMETER: dict[str, Any] = {
    "name": IDEMPOTENCY_KEY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes the POST safe to retry: a retry with the same key (same method, path, query "
        "and body) gets the first answer with `Idempotent-Replayed: true` and creates nothing "
        "twice. Scoped to the token's subject; kept for "
        "SALESOPS_GATEWAY_IDEMPOTENCY_TTL_SECONDS (a day by default). The same key with "
        "another request is 422; while the first request is still running, 409 with "
        "Retry-After. A 5xx answer is not kept, so the retry runs again; 4xx answers are "
        "kept, except 401 and 429."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_KEY_LENGTH,
        "pattern": "^[ -~]+$",
        "examples": ["5f0c7a52-1c1e-4d49-8d2e-8f5b6b0b7a10"],
    },
}
_REPLAYED_HEADER_DOC: dict[str, Any] = {
    "description": "`true` when this is the stored answer to an earlier request with the "
    "same Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}


def document_idempotency_key(document: dict[str, Any]) -> None:
    """Declare the optional Idempotency-Key header on every POST under /v1, and the replay one."""
    for path, path_item in document.get("paths", {}).items():
        operation = path_item.get("post")
        if not path.startswith(BUSINESS_PATH_PREFIX) or not isinstance(operation, dict):
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == IDEMPOTENCY_KEY_HEADER for p in parameters):
            parameters.append(copy.deepcopy(_KEY_PARAMETER))
        for status, response in operation.get("responses", {}).items():
            if status.startswith("2"):
                response.setdefault("headers", {})[REPLAYED_HEADER] = copy.deepcopy(
                    _REPLAYED_HEADER_DOC
                )


def install_idempotency(app: FastAPI, settings: GatewaySettings) -> None:
    """Add the Idempotency-Key middleware; its store opens when the app starts."""
    store = IdempotencyStore(settings.database_url, settings.idempotency_ttl_seconds)
    app.add_middleware(IdempotencyMiddleware, store=store)


# Runs once on the generated document (gateway/openapi.py).
PATCHES.append(document_idempotency_key)
