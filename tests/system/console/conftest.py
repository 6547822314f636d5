"""Fixtures of the console's browser tests: Debian's chromium driven by Playwright.

- `browser` (session): headless Chromium from /usr/bin/chromium (`make test` installs it
  with apt-get; Playwright downloads no browser of its own).
- `open_console(token, route="dashboard", **params)`: a new context and page, signed in
  through the sign-in form, at `#/<route>?<params>`, once `main[aria-busy="false"]`.
  Every page it opens records its console errors, uncaught exceptions, 5xx answers and
  requests to other origins in `page.console_problems` (use `assert_clean(page)`), and the
  4xx answers it got (refusals the page shows) in `page.refusals`.
- `shot(page, name)`: a full-page screenshot in test-artifacts/console/<name>.png.
- `seeded_region` (session): a region of its own with teams, reps, an approved plan, won
  and lost deals, an overdue case and a certification (see `seed_region`); `percent` and
  `money` format figures as the console does, to compare what a page shows with the API.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from services.kit.fiscal import FiscalCalendar
from tests.system import harness

CHROMIUM = Path(os.environ.get("SALESOPS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = harness.PROJECT_ROOT / "test-artifacts" / "console"
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}
# Rendering a page waits on the platform's composed views: generous on a loaded 2-core machine.
RENDER_TIMEOUT_MS = 30_000

OpenConsole = Callable[..., Any]


@pytest.fixture(scope="session")
def browser(platform: harness.Platform) -> Iterator[Any]:
    # Depends on the platform so that it closes first: the platform's processes then stop
    # on a machine no longer busy with Chromium.
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def watch(page: Any, base_url: str) -> None:
    """Record console errors, uncaught exceptions and requests leaving the gateway's origin."""
    problems: list[str] = []
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    refusals: list[str] = []
    page.console_problems = problems
    page.refusals = refusals  # 4xx answers the page showed the user: not bugs by themselves

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        # Chromium logs every non-2xx fetch as "Failed to load resource"; the response
        # listener below judges those by status instead.
        if message.text.startswith("Failed to load resource"):
            return
        problems.append(f"console.{message.type}: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 500:
            problems.append(f"{response.status} from {response.request.method} {response.url}")
        elif response.status >= 400:
            refusals.append(f"{response.status} from {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def check_request(request: Any) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not url.startswith(origin + "/"):
            problems.append(f"request to another origin: {url}")

    page.on("request", check_request)


def assert_clean(page: Any) -> None:
    """No console error, uncaught exception, 5xx or foreign request on this page so far."""
    assert page.console_problems == [], page.console_problems


def route_url(base_url: str, route: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base_url}/console/#/{route}" + (f"?{query}" if query else "")


def wait_rendered(page: Any, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Until the current route has rendered (main is no longer busy)."""
    page.wait_for_selector('main[aria-busy="false"]', state="attached", timeout=timeout)


def sign_in(page: Any, token: str) -> None:
    page.fill("#token-input", token)
    page.click("#sign-in-submit")
    wait_rendered(page)


@pytest.fixture
def open_console(
    platform: harness.Platform, browser: Any, request: pytest.FixtureRequest
) -> Iterator[OpenConsole]:
    """open_console(token, route="dashboard", viewport=LAPTOP, **params) -> a signed-in Page."""
    contexts: list[Any] = []

    def open_(
        token: str,
        route: str = "dashboard",
        viewport: dict[str, int] | None = None,
        **params: Any,
    ) -> Any:
        context = browser.new_context(viewport=viewport or LAPTOP, locale="en-US")
        context.set_default_timeout(RENDER_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch(page, platform.base_url)
        page.goto(route_url(platform.base_url, route, **params))
        page.wait_for_selector("#sign-in-form", state="visible")
        sign_in(page, token)
        page.wait_for_selector(f'[data-testid="page-{route}"]', state="attached")
        wait_rendered(page)
        return page

    yield open_
    for context in contexts:
        context.close()


def go(page: Any, base_url: str, route: str, **params: Any) -> None:
    """Navigate a signed-in page to a route and wait until it has rendered."""
    target = route_url(base_url, route, **params)
    if page.url == target:
        wait_rendered(page)
        return
    # Busy until the router takes the new hash and renders it (it sets busy itself, later).
    page.evaluate("document.querySelector('main').setAttribute('aria-busy', 'true')")
    page.goto(target)
    page.wait_for_selector(f'[data-testid="page-{route}"]', state="attached")
    wait_rendered(page)


@pytest.fixture(scope="session")
def shot() -> Callable[[Any, str], Path]:
    """shot(page, name): a full-page PNG in test-artifacts/console/<name>.png; returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
        path = ARTIFACTS / f"{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- a seeded region (shared by the dashboard and report tests; seeded once per session) ----

EUR = "EUR"
TARGET = 100_000_000  # one million euros, in cents


def eur(amount: int) -> dict[str, Any]:
    return {"currency": EUR, "amount_minor": amount}


@dataclass
class SeededRegion:
    """A region of its own: a company and a region unit, two teams, three reps, a plan..."""

    region: str
    period: str
    director_token: str
    company: str
    root: str  # the region unit, which the plan is for
    teams: dict[str, str]  # team unit id -> name
    reps: dict[str, str]  # rep id -> team unit id
    won: dict[str, int]  # rep id -> amount won (cents)
    case_id: str
    product_line: str


def _created(response: httpx.Response) -> dict[str, Any] | None:
    """The body of a 201; None while the service has not learned of the rep yet."""
    if response.status_code in (404, 422):
        return None
    return harness.expect(response, 201)


def seed_region(platform: harness.Platform) -> SeededRegion:
    """Seed through the API (as tests/system/test_composed_views.py does), then wait until
    the dashboard is complete and shows every booking (planning learns of them by event)."""
    tag = secrets.token_hex(3)
    region = f"CON{tag.upper()}"
    director = f"dir-{tag}"
    quarter = FiscalCalendar().periods_containing(datetime.now(UTC))[1]
    today = date.today().isoformat()
    clients: list[httpx.Client] = []

    def client(subject: str, roles: list[str]) -> httpx.Client:
        clients.append(harness.client(platform, harness.issue(platform, subject, roles, [region])))
        return clients[-1]

    try:
        boss = client(director, ["director"])
        admin = client(f"adm-{tag}", ["admin"])
        company = harness.create_unit(boss, f"co-{tag}", "company", region, "", "", "Company")
        root = harness.create_unit(
            boss, f"reg-{tag}", "region", region, company, director, "Region"
        )
        teams = {
            harness.create_unit(boss, f"ta-{tag}", "team", region, root, "", "Team Alpha"): "Alpha",
            harness.create_unit(boss, f"tb-{tag}", "team", region, root, "", "Team Beta"): "Beta",
        }
        team_a, team_b = list(teams)
        reps = {f"rep-a1-{tag}": team_a, f"rep-a2-{tag}": team_a, f"rep-b1-{tag}": team_b}
        for rep, team in reps.items():
            harness.hire_rep(boss, rep, team, quarter.starts_at.date().isoformat())
        plan = harness.create_plan(boss, root, quarter.code, director, EUR)
        harness.allocated_target(boss, plan["plan_id"], TARGET, EUR, {team_a: 3, team_b: 1})

        customer = harness.expect(
            boss.post(
                "/v1/customers",
                json={"region": region, "name": f"Kunde {tag} AG", "country": "DE"},
            ),
            201,
        )["customer_id"]
        rep_http = {rep: client(rep, ["rep"]) for rep in reps}
        won = dict(zip(reps, (12_000_000, 30_000_000, 5_000_000), strict=True))
        for rep, amount in won.items():

            def attempt(rep: str = rep, amount: int = amount) -> dict[str, Any] | None:
                try:
                    return harness.sign_contract(rep_http[rep], customer, amount, today)
                except AssertionError as refused:
                    if "not a known" in str(refused) or "rep" in str(refused).lower():
                        return None  # the pipeline has not learned of the rep yet
                    raise

            harness.wait_until(attempt, timeout=30, interval=0.3, what=f"a contract for {rep}")
        a1 = next(iter(reps))
        lost = harness.expect(
            rep_http[a1].post(
                "/v1/opportunities",
                json={
                    "customer_id": customer,
                    "name": "Lost on price",
                    "expected_close_date": today,
                    "next_step": "call",
                    "line_items": [
                        {"product_line": "analytics", "quantity": 1, "unit_price": eur(700_000)}
                    ],
                },
            ),
            201,
        )["opportunity_id"]
        harness.expect(
            rep_http[a1].post(f"/v1/opportunities/{lost}:lose", json={"reason": "price"}), 200
        )
        case = harness.overdue_case(platform, boss, region, customer)
        product_line = f"robots-{tag}"
        harness.wait_until(
            lambda: _created(
                admin.post(
                    "/v1/certifications:grant",
                    json={
                        "rep_id": list(reps)[1],
                        "product_line": product_line,
                        "valid_months": 12,
                        "evidence": "Vendor certificate",
                    },
                )
            ),
            timeout=20,
            interval=0.3,
            what="the certification (training learns of the rep by event)",
        )

        def settled() -> bool:
            answer = boss.get(f"/v1/regions/{region}/dashboard", params={"period": quarter.code})
            body = harness.expect(answer, 200)
            if body["partial"]:
                return False
            [unit] = [u for u in body["plan_vs_actual"]["units"] if u["unit_id"] == root]
            lines = [x for x in unit["lines"] if x["metric"] == "revenue" and not x["product_line"]]
            return bool(lines and lines[0]["actual"] == eur(sum(won.values())))

        harness.wait_until(settled, timeout=30, interval=0.3, what="a complete dashboard")
        return SeededRegion(
            region=region,
            period=quarter.code,
            director_token=harness.issue(platform, director, ["director"], [region]),
            company=company,
            root=root,
            teams=teams,
            reps=reps,
            won=won,
            case_id=case["case_id"],
            product_line=product_line,
        )
    finally:
        for http in clients:
            http.close()


@pytest.fixture(scope="session")
def seeded_region(platform: harness.Platform) -> SeededRegion:
    """One seeded region for the session (its figures are read, never changed, by tests)."""
    return seed_region(platform)


# --- reading what a page shows ---------------------------------------------------------------


def percent(bp: int) -> str:
    """As js/format.js shows basis points: 8500 -> "85.0 %"."""
    return f"{bp / 100:.1f} %"


def money(value: dict[str, Any] | None) -> str:
    """As js/format.js shows money (two decimals): {EUR, 1250000} -> "12,500.00 EUR"."""
    if value is None:
        return "—"
    return f"{int(value['amount_minor']) / 100:,.2f} {value['currency']}"


def text_of(page: Any, selector: str) -> str:
    return str(page.locator(selector).inner_text()).strip()
