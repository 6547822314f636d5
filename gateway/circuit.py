"""A circuit breaker per upstream service, so a service that is down fails fast.

While a service keeps answering UNAVAILABLE or DEADLINE_EXCEEDED, every call
to it would wait for a connection attempt or a whole deadline. After
`failure_threshold` such failures in a row the breaker opens: calls fail at
once with 503 and a `Retry-After`, and nothing reaches the service. After
`cool_down_seconds` it lets one trial call through (half-open); the trial's
success closes it again, its failure re-opens it for another cool-down.

Only those two codes count as failures: any other answer (NOT_FOUND, a
business rule, even INTERNAL) means the service is up and answering, and
resets the count. A breaker is per gateway process, like the rate limits.

State is shown in `/readyz` and in `salesops_gateway_circuit_state{upstream}`
(0 closed, 1 half-open, 2 open: higher is worse, so `max` over replicas reads
naturally), with every change counted in
`salesops_gateway_circuit_transitions_total{upstream,state}`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Literal, NoReturn

import grpc
from prometheus_client import Counter, Gauge

CIRCUIT_STATE = Gauge(
    "salesops_gateway_circuit_state",
    "State of the gateway's circuit breaker to an upstream: 0 closed, 1 half-open, 2 open.",
    ["upstream"],
)
CIRCUIT_TRANSITIONS = Counter(
    "salesops_gateway_circuit_transitions_total",
    "Changes of an upstream's circuit breaker, by the state it changed to.",
    ["upstream", "state"],
)
CIRCUIT_REJECTED = Counter(
    "salesops_gateway_circuit_rejected_total",
    "Upstream calls refused without being sent because the upstream's circuit was open.",
    ["upstream"],
)

# The codes that say "the service is not there", as opposed to an answer from it.
TRIPPING_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


CircuitLabel = Literal["closed", "half_open", "open"]


class CircuitState(Enum):
    """A breaker's state; the value is the gauge's number and `/readyz`'s word is the name."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2

    @property
    def label(self) -> CircuitLabel:
        """The state as `/readyz` and the transitions counter spell it ("half_open")."""
        return _LABELS[self]


_LABELS: dict[CircuitState, CircuitLabel] = {
    CircuitState.CLOSED: "closed",
    CircuitState.HALF_OPEN: "half_open",
    CircuitState.OPEN: "open",
}


@dataclass(frozen=True)
class CircuitPolicy:
    """When a breaker opens and how long it stays open before a trial call."""

    failure_threshold: int = 5
    cool_down_seconds: float = 10.0


class CircuitOpen(Exception):
    """The upstream's circuit is open: the call was not sent."""

    def __init__(self, upstream: str, retry_after_seconds: int, failures: int) -> None:
        self.upstream = upstream
        self.retry_after_seconds = retry_after_seconds
        self.failures = failures
        super().__init__(f"the circuit to {upstream} is open")


class CircuitBreaker:
    """The breaker of one upstream. Not thread-safe: the gateway uses it from one event loop.

    Use it around each call: `admit()` before (raises CircuitOpen), then exactly
    one of `record(code)` with the call's gRPC status code, or `abandon()` when
    the call ended without one (cancelled because the client went away).
    """

    def __init__(
        self,
        upstream: str,
        policy: CircuitPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.upstream = upstream
        self.policy = policy or CircuitPolicy()
        self._clock = clock
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_started_at: float | None = None
        CIRCUIT_STATE.labels(upstream).set(CircuitState.CLOSED.value)

    @property
    def state(self) -> CircuitState:
        """The current state; an open breaker whose cool-down is over reads as half-open."""
        if self._state is CircuitState.OPEN and self._cool_down_left() <= 0:
            self._move_to(CircuitState.HALF_OPEN)
        return self._state

    @property
    def consecutive_failures(self) -> int:
        """UNAVAILABLE/DEADLINE_EXCEEDED answers in a row since the last other answer."""
        return self._failures

    def retry_after_seconds(self) -> int:
        """Whole seconds a client should wait before asking again: the rest of the
        cool-down while open, else 1 (a failed call may well succeed shortly)."""
        if self.state is CircuitState.OPEN:
            return max(1, math.ceil(self._cool_down_left()))
        return 1

    def admit(self) -> None:
        """Allow one call now, or raise CircuitOpen with how long to wait."""
        state = self.state
        if state is CircuitState.CLOSED:
            return
        if state is CircuitState.OPEN:
            self._reject(max(1, math.ceil(self._cool_down_left())))
        now = self._clock()
        # Half-open: one trial at a time. A trial that never reported back (its task
        # was killed before abandon() ran) must not wedge the breaker: after a
        # cool-down it counts as lost and another call may try.
        trial = self._trial_started_at
        if trial is not None and now - trial < self.policy.cool_down_seconds:
            self._reject(1)
        self._trial_started_at = now

    def record(self, code: grpc.StatusCode) -> None:
        """Count the outcome of an admitted call by its gRPC status code."""
        self._trial_started_at = None
        if code not in TRIPPING_CODES:
            self._failures = 0
            if self._state is not CircuitState.CLOSED:
                self._move_to(CircuitState.CLOSED)
            return
        self._failures += 1
        if self._state is CircuitState.HALF_OPEN or (
            self._state is CircuitState.CLOSED and self._failures >= self.policy.failure_threshold
        ):
            self._opened_at = self._clock()
            self._move_to(CircuitState.OPEN)

    def abandon(self) -> None:
        """An admitted call ended without a status (cancelled): free the half-open trial."""
        self._trial_started_at = None

    def _cool_down_left(self) -> float:
        return self._opened_at + self.policy.cool_down_seconds - self._clock()

    def _reject(self, retry_after_seconds: int) -> NoReturn:
        CIRCUIT_REJECTED.labels(self.upstream).inc()
        raise CircuitOpen(self.upstream, retry_after_seconds, self._failures)

    def _move_to(self, state: CircuitState) -> None:
        self._state = state
        CIRCUIT_STATE.labels(self.upstream).set(state.value)
        CIRCUIT_TRANSITIONS.labels(self.upstream, state.label).inc()
