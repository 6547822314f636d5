"""The gateway: the HTTP/JSON (OpenAPI) door in front of the salesops gRPC services.

Reads top to bottom: settings, the app with its lifespan (channels opened at
start-up, closed at shutdown), error handlers, middleware, routes; then
`run_gateway`, which serves it with uvicorn and drains in-flight requests on
SIGTERM within the shutdown grace period.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from gateway import routes
from gateway.auth import TokenVerifier
from gateway.circuit import CircuitPolicy
from gateway.console import install_console
from gateway.etags import install_etags
from gateway.idempotency import install_idempotency
from gateway.middleware import RequestContextMiddleware
from gateway.openapi import install_openapi
from gateway.problems import install_problem_handlers
from gateway.ratelimit import RateLimitMiddleware, limiter_from_settings
from gateway.settings import GatewaySettings
from gateway.upstreams import ReadRequestMiddleware, RetryPolicy, Upstreams
from services.kit.logs import configure_logging

API_VERSION = "1.0.0"
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the gateway app; settings default to `GatewaySettings.from_env()`."""
    settings = settings or GatewaySettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # gRPC aio channels belong to the event loop that creates them: open them here.
        upstreams = Upstreams.open(
            settings.upstream_targets,
            settings.upstream_timeout_seconds,
            settings.readiness_timeout_seconds,
            retry=RetryPolicy(retries=settings.read_retries),
            circuit=CircuitPolicy(
                settings.circuit_failure_threshold, settings.circuit_cool_down_seconds
            ),
        )
        app.state.upstreams = upstreams
        try:
            yield
        finally:
            # uvicorn has drained in-flight HTTP requests by now; nothing is left to wait for.
            await upstreams.close(grace_seconds=None)

    app = FastAPI(
        title="salesops gateway",
        version=API_VERSION,
        description=(
            "HTTP/JSON API of salesops. Authenticate with a bearer JWT. Errors are "
            "`application/problem+json` with a stable `type` URI, the `request_id`, "
            "`errors` naming rejected fields and `violations` naming unmet business rules."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier.from_settings(settings)
    install_problem_handlers(app)
    install_etags(app)  # inside the request context: its ids and metrics cover 304 and 412
    app.add_middleware(ReadRequestMiddleware)  # lets upstream calls for GET/HEAD retry
    # Outside ETags (a replay repeats the ETag), inside the rate limit (a 429 claims no key).
    install_idempotency(app, settings)
    # Just inside the request context (ids, metrics, access log cover a 429), ahead of the rest.
    app.add_middleware(RateLimitMiddleware, limiter=limiter_from_settings(settings))
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    for router in routes.routers():
        app.include_router(router)
    install_openapi(app)
    install_console(app)  # the web console's static files at /console, outside the API
    return app


def run_gateway(port: int | None = None) -> int:
    """Serve the gateway until SIGTERM/SIGINT; return the process exit code.

    `port` overrides SALESOPS_GATEWAY_PORT. On a signal, uvicorn stops
    accepting, lets in-flight requests finish within SALESOPS_SHUTDOWN_GRACE_SECONDS,
    then runs the lifespan shutdown that closes the upstream channels.
    """
    settings = GatewaySettings.from_env()
    configure_logging("gateway", settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port if port is None else port,
        timeout_graceful_shutdown=math.ceil(settings.shutdown_grace_seconds),
        # Logs go through configure_logging's JSON handler; the middleware writes
        # one access line per request with its ids, so uvicorn's own is off.
        log_config=None,
        access_log=False,
        server_header=False,
    )
    server = uvicorn.Server(config)
    # After a graceful shutdown uvicorn re-raises the signal it caught, under the
    # handler that was installed before it ran; with the default one SIGTERM would
    # kill the process (status -15) right after a clean drain. The contract is
    # "drain, then exit 0", so the handlers it restores are no-ops.
    restore = _ignore_signals_after_shutdown()
    try:
        server.run()
    finally:
        restore()
    # Server.run returns without starting when, say, the port is taken (it logged why).
    return 0 if server.started else 1


def _ignore_signals_after_shutdown() -> Callable[[], None]:
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # uvicorn handles no signals off the main thread either
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in _STOP_SIGNALS}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
