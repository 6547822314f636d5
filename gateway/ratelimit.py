"""Rate limits per caller: a token bucket per verified token subject.

Each caller has a bucket of `burst` tokens that refills at `rate_per_second`;
a request takes one token, and a request that finds the bucket empty gets 429
with `Retry-After` (the whole seconds until a token is back) instead of
reaching a service. Callers are told where they stand on every answer with
`RateLimit-Limit` (the burst) and `RateLimit-Remaining`.

The key is the subject of a token that verifies; a request without one
(missing, expired, forged) is keyed by its client address, so bad tokens
cannot be used to dodge the limit. Probes and metrics are never limited.

The buckets live in the process: with N gateway replicas a caller may send N
times the rate. Memory stays bounded: a bucket that has refilled completely
behaves exactly like a new one, so idle buckets are dropped, and beyond
`max_buckets` the least recently used one goes first.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import grpc
from prometheus_client import Counter
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import Problem
from gateway.settings import GatewaySettings

RATE_LIMITED = Counter(
    "salesops_gateway_rate_limited_total",
    "Requests the gateway refused with 429 because the caller's token bucket was empty, "
    "by what identified the caller (subject or address).",
    ["key"],
)

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
DEFAULT_MAX_BUCKETS = 100_000


@dataclass(frozen=True)
class Decision:
    """The outcome of taking a token: allowed or not, what is left, and when to come back."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int


@dataclass
class _Bucket:
    tokens: float
    refilled_at: float


class RateLimiter:
    """Token buckets by key; `take(key)` spends one token if there is one.

    Not thread-safe: the gateway calls it from its single event loop, and
    `take` never awaits.
    """

    def __init__(
        self,
        rate_per_second: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_buckets: int = DEFAULT_MAX_BUCKETS,
    ) -> None:
        if rate_per_second <= 0 or burst < 1 or max_buckets < 1:
            raise ValueError("rate_per_second, burst and max_buckets must be positive")
        self.rate = rate_per_second
        self.burst = burst
        self.max_buckets = max_buckets
        self._clock = clock
        # Least recently used first, so eviction looks only at the front.
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    @property
    def refill_seconds(self) -> float:
        """How long an empty bucket takes to become full (and thus forgettable)."""
        return self.burst / self.rate

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> Decision:
        """Spend one of `key`'s tokens if it has one; say how many are left either way."""
        now = self._clock()
        self._evict_idle(now)
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.refilled_at) * self.rate)
            bucket.refilled_at = now
        self._buckets[key] = bucket  # now the most recently used
        if len(self._buckets) > self.max_buckets:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Decision(True, self.burst, math.floor(bucket.tokens), 0)
        wait = (1 - bucket.tokens) / self.rate
        return Decision(False, self.burst, 0, max(1, math.ceil(wait)))

    def _evict_idle(self, now: float) -> None:
        # A bucket untouched for a full refill is full again: dropping it changes nothing.
        while self._buckets:
            key, oldest = next(iter(self._buckets.items()))
            if now - oldest.refilled_at < self.refill_seconds:
                return
            del self._buckets[key]


def _bearer_token(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class RateLimitMiddleware:
    """Applies a RateLimiter to every request but the probes and metrics."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter | None) -> None:
        self.app = app
        self.limiter = limiter  # None: limiting is off (SALESOPS_GATEWAY_RATE_PER_SECOND=0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limiter is None or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        key, kind = self._key(scope)
        decision = self.limiter.take(key)
        headers = {
            "RateLimit-Limit": str(decision.limit),
            "RateLimit-Remaining": str(decision.remaining),
        }
        if not decision.allowed:
            RATE_LIMITED.labels(kind).inc()
            problem = Problem.of(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"too many requests: at most {decision.limit} at once and "
                f"{self.limiter.rate:g} per second per caller; retry after "
                f"{decision.retry_after_seconds} s",
                headers={**headers, "Retry-After": str(decision.retry_after_seconds)},
            )
            await problem.response(Request(scope))(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_limits)

    @staticmethod
    def _key(scope: Scope) -> tuple[str, str]:
        token = _bearer_token(Headers(scope=scope))
        verifier = getattr(scope["app"].state, "token_verifier", None) if "app" in scope else None
        if token and verifier is not None:
            try:
                return f"subject:{verifier.verify(token).subject}", "subject"
            except Exception:  # whatever is wrong with the token: key by address
                pass
        client = scope.get("client")
        return f"address:{client[0] if client else 'unknown'}", "address"


def limiter_from_settings(settings: GatewaySettings) -> RateLimiter | None:
    """The limiter SALESOPS_GATEWAY_RATE_PER_SECOND/_BURST ask for; None when the rate is 0."""
    if settings.rate_per_second == 0:
        return None
    return RateLimiter(settings.rate_per_second, settings.rate_burst)
