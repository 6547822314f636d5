"""The web console: a static single-page app served by the gateway under /console.

The console is plain files (HTML, ES modules, CSS and the vendored Chart.js) in
`static/`; it talks to the public HTTP API (/v1/...) with the bearer token the
user pastes at sign-in, like any other client. The gateway only serves the
files, with security headers on every response:

- a Content-Security-Policy that allows nothing but this origin (no inline
  script or style, no eval, no framing, no form posts elsewhere);
- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`;
- `Cache-Control: no-cache` (revalidate by ETag) so an upgraded gateway serves
  its own console, never a browser's stale copy.

The console is not part of the API: none of its paths is in the OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONSOLE_PATH = "/console"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class ConsoleHeaders:
    """Adds the console's security and cache headers to every response of the wrapped app.

    A missing file answers a plain 404 here (with the same headers) rather than
    leaving the exception to the API's problem handlers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                headers["Cache-Control"] = "no-cache"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except HTTPException as exc:
            if started:
                raise
            response = PlainTextResponse(exc.detail or "Not Found", status_code=exc.status_code)
            await response(scope, receive, send_with_headers)


def install_console(app: FastAPI) -> None:
    """Serve the console at /console/ (index.html) and redirect /console there."""

    async def to_console(request: Request) -> Response:
        return RedirectResponse(f"{CONSOLE_PATH}/", status_code=308, headers=SECURITY_HEADERS)

    app.router.add_route(CONSOLE_PATH, to_console, methods=["GET", "HEAD"], include_in_schema=False)
    files = StaticFiles(directory=STATIC_DIR, html=True, follow_symlink=False)
    app.router.routes.append(Mount(CONSOLE_PATH, app=ConsoleHeaders(files), name="console"))
