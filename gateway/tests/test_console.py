"""The web console: static files at /console with their security headers, not in the API."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gateway.console import CONTENT_SECURITY_POLICY, STATIC_DIR, install_console


def _console() -> TestClient:
    app = FastAPI()
    install_console(app)
    return TestClient(app)


def _assert_security_headers(headers: object) -> None:
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY  # type: ignore[index]
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "no-referrer"  # type: ignore[index]


def test_console_redirects_to_its_index_with_the_security_headers() -> None:
    http = _console()
    moved = http.get("/console", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/console/"
    _assert_security_headers(moved.headers)
    index = http.get("/console/")
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("text/html")
    assert index.headers["cache-control"] == "no-cache"
    assert index.text == (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    _assert_security_headers(index.headers)


def test_console_files_and_misses_carry_the_headers() -> None:
    http = _console()
    script = http.get("/console/js/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    _assert_security_headers(script.headers)
    for missing in ("/console/js/nope.js", "/console/../gateway/app.py", "/console/%2e%2e/app.py"):
        answer = http.get(missing)
        assert answer.status_code == 404, missing
        assert "create_app" not in answer.text
    _assert_security_headers(http.get("/console/js/nope.js").headers)
    assert http.post("/console/").status_code == 405


def test_the_policy_allows_nothing_but_the_gateway_itself() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_the_gateway_serves_the_console_outside_its_openapi_document(client: TestClient) -> None:
    assert client.get("/console/").status_code == 200
    assert not [path for path in client.get("/openapi.json").json()["paths"] if "console" in path]
