"""The approvals inbox in a real browser: a quote over the rep's authority, decided there.

A director seeds a region of the test's own through the API: a team with a manager and a
rep, and a customer the rep owns. The rep opens a deal and submits a quote at 15 %, above
a rep's 10 % authority, so it waits for the manager. The manager's inbox lists it (and
shows only the sections a manager can act on); approving it there makes the API report it
approved and it leaves the inbox, also after a reload. A director's inbox adds the
evaluation appeals; while the customers api is stopped its list (transfers) shows a
notice in its own section and the others still render.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from services.kit.fiscal import FiscalCalendar
from tests.system import harness
from tests.system.console.conftest import assert_clean, go

pytestmark = pytest.mark.system

EUR = "EUR"


@pytest.fixture(scope="module")
def pending_quote(platform: harness.Platform) -> Iterator[dict[str, Any]]:
    tag = secrets.token_hex(3)
    region = f"CON{tag.upper()}"
    manager, rep = f"mgr-{tag}", f"rep-{tag}"
    quarter = FiscalCalendar().periods_containing(datetime.now(UTC))[1]
    boss = harness.client(platform, harness.issue(platform, f"dir-{tag}", ["director"], [region]))
    seller = harness.client(platform, harness.issue(platform, rep, ["rep"], [region]))
    with boss, seller:
        company = harness.create_unit(boss, f"co-{tag}", "company", region)
        team = harness.create_unit(boss, f"team-{tag}", "team", region, company, manager, "Team")
        harness.hire_rep(boss, rep, team, quarter.starts_at.date().isoformat())

        def created() -> str | None:
            # The rep reaches the customers service by event: until then, refused.
            body = {"region": region, "name": f"Kunde {tag} AG", "country": "DE", "owner_id": rep}
            response = boss.post("/v1/customers", json=body)
            return response.json()["customer_id"] if response.status_code == 201 else None

        customer = harness.wait_until(created, timeout=30, interval=0.3, what="a customer")
        line = {
            "product_line": "analytics",
            "quantity": 4,
            "unit_price": {"currency": EUR, "amount_minor": 250_000},
        }

        def opened() -> str | None:
            # The rep and the customer reach the pipeline by event: until then, refused.
            body = {"customer_id": customer, "name": f"Deal {tag}", "line_items": [line]}
            response = seller.post("/v1/opportunities", json=body)
            return response.json()["opportunity_id"] if response.status_code == 201 else None

        opportunity = harness.wait_until(opened, timeout=30, interval=0.3, what="a deal")
        quote = harness.expect(
            seller.post(
                "/v1/quotes",
                json={"opportunity_id": opportunity, "lines": [line], "discount_bp": 1500},
            ),
            201,
        )
        submitted = harness.expect(seller.post(f"/v1/quotes/{quote['quote_id']}:submit"), 200)
        assert submitted["status"] == "pending_approval", submitted
        yield {
            "region": region,
            "quote_id": quote["quote_id"],
            "manager_token": harness.issue(platform, manager, ["manager"], [region]),
            "director_token": harness.issue(platform, f"dir-{tag}", ["director"], [region]),
        }


def test_manager_approves_a_quote_from_the_inbox(
    platform: harness.Platform,
    pending_quote: dict[str, Any],
    open_console: Callable[..., Any],
    shot: Callable[[Any, str], None],
) -> None:
    quote_id, token = pending_quote["quote_id"], pending_quote["manager_token"]
    page = open_console(token, "approvals")
    # A manager decides quotes, transfers, plans and disputes; appeals are a director's.
    for kind in ("quote", "transfer", "plan", "dispute"):
        assert page.get_by_test_id(f"inbox-{kind}").count() == 1, kind
    assert page.get_by_test_id("inbox-appeal").count() == 0
    row = page.get_by_test_id(f"quote-{quote_id}")
    assert "15.0 %" in row.inner_text()
    assert page.get_by_test_id("inbox-count-quote").inner_text() == "(1)"
    shot(page, "approvals-inbox")

    page.get_by_test_id(f"quote-approve-{quote_id}").click()
    row.wait_for(state="detached")
    assert page.get_by_test_id("inbox-count-quote").inner_text() == "(0)"
    with harness.client(platform, token) as api:
        assert harness.expect(api.get(f"/v1/quotes/{quote_id}"), 200)["status"] == "approved"

    go(page, platform.base_url, "approvals", again=1)
    page.get_by_test_id("inbox-quote").wait_for()
    assert page.get_by_test_id(f"quote-{quote_id}").count() == 0
    assert page.get_by_test_id("inbox-empty-quote").is_visible()
    shot(page, "approvals-inbox-after")
    assert_clean(page)


def test_a_failing_list_shows_a_notice_in_its_section(
    platform: harness.Platform,
    pending_quote: dict[str, Any],
    open_console: Callable[..., Any],
    shot: Callable[[Any, str], None],
) -> None:
    page = open_console(pending_quote["director_token"], "approvals")
    # A director also resolves evaluation appeals.
    for kind in ("quote", "transfer", "plan", "dispute", "appeal"):
        assert page.get_by_test_id(f"inbox-{kind}").count() == 1, kind
    # The customers api, which keeps the transfer requests, really stops for a while.
    with harness.client(platform, pending_quote["director_token"]) as director:
        transfers = "/v1/transfer-requests"
        with harness.api_stopped(platform, "customers", director, transfers):
            refused = director.get(transfers)
            assert refused.status_code == 503, refused.text
            go(page, platform.base_url, "approvals", again=2)
            notice = page.get_by_test_id("inbox-error-transfer")
            notice.wait_for()
            assert refused.json()["title"] in notice.inner_text()
            for kind in ("quote", "plan", "dispute", "appeal"):
                assert page.get_by_test_id(f"inbox-error-{kind}").count() == 0, kind
                assert page.get_by_test_id(f"inbox-count-{kind}").is_visible(), kind
            shot(page, "approvals-inbox-transfers-down")
    # The one 5xx the page saw is the stopped service's, and it showed it where it belongs.
    assert page.console_problems, "the page never asked for the transfer requests"
    for problem in page.console_problems:
        assert problem.startswith("503 from GET ") and transfers in problem, problem
