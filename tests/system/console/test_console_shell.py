"""The console's shell on the running platform: served safely, signs in, keyboard, every page.

- /console is served with its Content-Security-Policy and companions, outside the OpenAPI
  document, and no shipped file names an external URL (a CDN, a font host...);
- signing in with a token shows its subject and roles, and a nav of exactly the pages
  whose roles the token has (read from the page modules themselves);
- a token the API refuses brings the sign-in form back with the API's own 401 reason;
- the nav is reachable with Tab and the focused link shows a focus ring;
- every page module renders without a console error, an uncaught exception, a 5xx or a
  request to another origin.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import httpx
import pytest

from gateway.console import CONTENT_SECURITY_POLICY, STATIC_DIR
from tests.system import harness

from .conftest import assert_clean, go, route_url, wait_rendered

pytestmark = pytest.mark.system

# An absolute or protocol-relative URL: what would make the browser fetch from elsewhere.
EXTERNAL_URL = re.compile(
    r"\b(?:https?|wss?|ftp)://|(?<![\w:/])//[a-z0-9-]+(?:\.[a-z0-9-]+)+/", re.IGNORECASE
)
COMMENT_BLOCK = re.compile(r"/\*.*?\*/", re.S)  # the vendored bundle's licence banners

ALL_ROLES = ["rep", "manager", "director", "executive", "admin"]


def page_modules(page: Any) -> list[dict[str, Any]]:
    """[{route, title, roles}] of js/pages/index.js, as the browser loads it."""
    modules: list[dict[str, Any]] = page.evaluate(
        """async () => (await import("/console/js/pages/index.js")).default
            .map((p) => ({route: p.route, title: p.title, roles: p.roles}))"""
    )
    return modules


def nav_routes(page: Any) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "#nav-list a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [href.removeprefix("#/") for href in hrefs]


def test_the_console_is_served_with_its_security_headers(platform: harness.Platform) -> None:
    with httpx.Client(base_url=platform.base_url, timeout=15) as http:
        redirect = http.get("/console")
        assert redirect.status_code in (307, 308), redirect
        assert redirect.headers["location"] == "/console/"
        for path, kind in [
            ("/console/", "text/html"),
            ("/console/js/app.js", "javascript"),
            ("/console/css/console.css", "text/css"),
            ("/console/vendor/chart.js/chart.umd.min.js", "javascript"),
        ]:
            response = http.get(path)
            assert response.status_code == 200, path
            assert kind in response.headers["content-type"], (path, response.headers)
            assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert response.headers["cache-control"] == "no-cache"
        missing = http.get("/console/js/nope.js")
        assert missing.status_code == 404
        assert missing.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "default-src 'self'" in CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
        assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
        paths = http.get("/openapi.json").json()["paths"]
        assert not [path for path in paths if path.startswith("/console")]


def test_no_shipped_file_names_an_external_url() -> None:
    files = [path for path in STATIC_DIR.rglob("*") if path.is_file()]
    assert len(files) >= 10, files
    offenders = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if "vendor" in path.parts:
            if path.suffix == ".md":
                continue  # the licence text
            text = COMMENT_BLOCK.sub("", text)
        name = path.relative_to(STATIC_DIR)
        offenders += [f"{name}: {match.group(0)}" for match in EXTERNAL_URL.finditer(text)]
    assert not offenders, offenders
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    # CSP allows no inline script or style: every script has a src, no style attribute.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert not re.search(r"\sstyle=", html), "an inline style attribute"
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"


def test_sign_in_shows_the_subject_roles_and_the_pages_of_the_roles(
    platform: harness.Platform, open_console: Any
) -> None:
    tag = secrets.token_hex(3)
    for subject, roles in [(f"dir-{tag}", ["director"]), (f"rep-{tag}", ["rep"])]:
        token = harness.issue(platform, subject, roles, [f"CON{tag.upper()}"])
        route = "dashboard" if "director" in roles else "pipeline"
        page = open_console(token, route)
        assert page.inner_text('[data-testid="session-subject"]') == subject
        assert page.inner_text('[data-testid="session-roles"]') == ", ".join(roles)
        expected = [m["route"] for m in page_modules(page) if set(m["roles"]) & set(roles)]
        assert expected, roles
        assert nav_routes(page) == expected
        assert page.get_attribute(f'[data-testid="nav-{route}"]', "aria-current") == "page"
        assert page.evaluate("sessionStorage.length") == 1  # the token, for this tab only
        # Sign-out forgets the token and shows the form again.
        page.click('[data-testid="sign-out"]')
        page.wait_for_selector("#sign-in-form", state="visible")
        assert page.evaluate("sessionStorage.length") == 0
        assert nav_routes(page) == []
        assert_clean(page)
        page.context.close()


def test_a_refused_token_is_sent_back_to_sign_in_with_the_apis_reason(
    platform: harness.Platform, browser: Any
) -> None:
    expired = harness.expired_token(platform, "dir-old", ["director"], ["EMEA"])
    with httpx.Client(base_url=platform.base_url, timeout=15) as http:
        refusal = http.get("/v1/org-units", headers={"Authorization": f"Bearer {expired}"})
    assert refusal.status_code == 401
    reason = refusal.json()["detail"]
    assert reason

    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(route_url(platform.base_url, "dashboard"))
        page.fill("#token-input", expired)
        page.click("#sign-in-submit")
        wait_rendered(page)
        error = page.wait_for_selector('[data-testid="sign-in-error"]', state="visible")
        assert reason in error.inner_text()
        assert page.is_visible("#sign-in-form")
        assert nav_routes(page) == []
        assert page.evaluate("sessionStorage.length") == 0

        # Not a JWT at all: refused before any call, saying so.
        page.fill("#token-input", "not-a-token")
        page.click("#sign-in-submit")
        page.wait_for_selector('[data-testid="sign-in-error"]:has-text("not a JWT")')

        # A token kept in the tab that the API stops accepting (here: it expired) is dropped
        # on the next call, back to sign-in with the reason.
        page.evaluate("t => sessionStorage.setItem('salesops.console.token', t)", expired)
        page.reload()
        page.wait_for_selector('[data-testid="sign-in-error"]', state="visible")
        assert reason in page.inner_text('[data-testid="sign-in-error"]')
        assert page.evaluate("sessionStorage.length") == 0
    finally:
        context.close()


def test_the_nav_is_reachable_by_keyboard_with_a_visible_focus_ring(
    platform: harness.Platform, open_console: Any
) -> None:
    token = harness.issue(platform, "dir-keys", ["director"], ["CONKEYS"])
    page = open_console(token, "report", region="CONKEYS")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    reached = None
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#site-nav')"):
            reached = page.evaluate("document.activeElement.getAttribute('href')")
            break
    assert reached == "#/" + nav_routes(page)[0], reached
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
    )
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    # Enter on a nav link opens its page and moves focus to the page's heading.
    page.evaluate("document.querySelector('main').setAttribute('aria-busy', 'true')")
    page.keyboard.press("Enter")
    wait_rendered(page)
    assert page.evaluate("document.activeElement.tagName") in ("H1", "H2")
    assert_clean(page)


def test_every_page_module_renders_without_console_errors(
    platform: harness.Platform, open_console: Any
) -> None:
    region = f"CON{secrets.token_hex(3).upper()}"
    token = harness.issue(platform, f"all-{region.lower()}", ALL_ROLES, [region])
    page = open_console(token, "dashboard", region=region)
    modules = page_modules(page)
    assert [m["route"] for m in modules] == [
        "dashboard",
        "pipeline",
        "rep",
        "customer",
        "plans",
        "approvals",
        "report",
    ]
    assert nav_routes(page) == [m["route"] for m in modules]
    for module in modules:
        go(page, platform.base_url, module["route"], region=region)
        root = page.locator(f'[data-testid="page-{module["route"]}"]')
        assert root.locator("h1").count() >= 1, module["route"]
        assert page.title().startswith(module["title"]), (page.title(), module)
    assert_clean(page)
