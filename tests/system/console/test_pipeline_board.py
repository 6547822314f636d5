"""The pipeline board in a real browser, against the running platform.

A director seeds a region of the test's own through the API: a team with a rep, a customer,
and the rep's deals in two stages, one of them missing what its stage gate needs (an expected
close date). The rep opens the board: the cards of each stage are the API's list of open
deals in that stage; advancing a deal moves its card to the next column; advancing the gated
one shows the gate's refusal beside the card with its unmet rule; winning from an approved
quote and losing with a reason go through the dialogs, and the API agrees; a card dragged onto
the next column advances too. An executive sees the same board, on a tablet, without any
action.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.system import harness
from tests.system.console.conftest import TABLET, assert_clean, wait_rendered

pytestmark = pytest.mark.system

PROSPECTING = "new_business.prospecting"
DISCOVERY = "new_business.discovery"
OPEN_STAGES = [PROSPECTING, DISCOVERY, "new_business.solution", "new_business.negotiation"]


def eur(amount: int) -> dict[str, Any]:
    return {"currency": "EUR", "amount_minor": amount}


def shown_money(money: dict[str, Any]) -> str:
    return f"{int(money['amount_minor']) / 100:,.2f} {money['currency']}"


@pytest.fixture(scope="module")
def seeded(platform: harness.Platform) -> Iterator[dict[str, Any]]:
    tag = secrets.token_hex(3)
    region = f"CON{tag.upper()}"
    director, rep = f"dir-{tag}", f"rep-{tag}"
    tokens = {
        "director": harness.issue(platform, director, ["director"], [region]),
        "rep": harness.issue(platform, rep, ["rep"], [region]),
        "executive": harness.issue(platform, f"exec-{tag}", ["executive"], [region]),
    }
    boss = harness.client(platform, tokens["director"])
    own = harness.client(platform, tokens["rep"])
    try:
        company = harness.create_unit(boss, f"co-{tag}", "company", region)
        root = harness.create_unit(boss, f"region-{tag}", "region", region, company, director)
        team = harness.create_unit(boss, f"team-{tag}", "team", region, root, f"mgr-{tag}")
        harness.hire_rep(boss, rep, team, date.today().isoformat())
        # Customers and the pipeline learn of the rep (and the customer) by event: wait.
        account = {"region": region, "name": f"Board {tag} AG", "country": "DE", "owner_id": rep}
        customer = harness.wait_until(
            lambda: created(boss.post("/v1/customers", json=account)),
            timeout=30,
            interval=0.3,
            what="the customer (customers learns of the rep by event)",
        )
        close = (date.today() + timedelta(days=30)).isoformat()

        def deal(name: str, amount: int, close_date: str | None = close) -> dict[str, Any]:
            body: dict[str, Any] = {
                "customer_id": customer["customer_id"],
                "name": name,
                "next_step": "call",
                "line_items": [
                    {"product_line": "analytics", "quantity": 1, "unit_price": eur(amount)}
                ],
            }
            if close_date:
                body["expected_close_date"] = close_date
            response = own.post("/v1/opportunities", json=body)
            return harness.expect(response, 201)

        def first() -> dict[str, Any] | None:
            try:
                return deal(f"Ready {tag}", 1_250_000)
            except AssertionError:
                return None

        ready = harness.wait_until(first, timeout=30, interval=0.3, what="the pipeline's copies")
        gated = deal(f"Gated {tag}", 900_000, close_date=None)
        losing = deal(f"Losing {tag}", 400_000)
        winning = deal(f"Winning {tag}", 750_000)
        ahead = deal(f"Ahead {tag}", 2_000_000)
        harness.expect(own.post(f"/v1/opportunities/{ahead['opportunity_id']}:advance"), 200)
        # Ahead has had its discovery meeting: it may be dragged on to the solution stage.
        for deal_id in (ahead["opportunity_id"], winning["opportunity_id"]):
            meeting = {
                "type": "meeting",
                "subject": "Discovery",
                "outcome": "fit",
                "opportunity_id": deal_id,
            }
            harness.expect(own.post("/v1/activities", json=meeting), 201)
        # Winning passes every gate left: the meeting (above), then an approved quote.
        quote = harness.expect(
            own.post(
                "/v1/quotes",
                json={
                    "opportunity_id": winning["opportunity_id"],
                    "lines": [
                        {"product_line": "analytics", "quantity": 1, "unit_price": eur(750_000)}
                    ],
                },
            ),
            201,
        )
        submitted = harness.expect(own.post(f"/v1/quotes/{quote['quote_id']}:submit", json={}), 200)
        assert submitted["status"] == "approved", submitted  # within a rep's authority
        yield {
            "tag": tag,
            "region": region,
            "rep": rep,
            "tokens": tokens,
            "own": own,
            "customer": customer,
            "ready": ready["opportunity_id"],
            "gated": gated["opportunity_id"],
            "losing": losing["opportunity_id"],
            "winning": winning["opportunity_id"],
            "ahead": ahead["opportunity_id"],
            "quote": quote["quote_id"],
        }
    finally:
        boss.close()
        own.close()


def created(response: httpx.Response) -> dict[str, Any] | None:
    """The body of a 201; None while a service has not learned of a record yet (400/404/422)."""
    if response.status_code in (400, 404, 422):
        return None
    return harness.expect(response, 201)


def open_deals(http: httpx.Client, rep: str) -> list[dict[str, Any]]:
    body = harness.expect(
        http.get("/v1/opportunities", params={"owner_id": rep, "status": "open", "page_size": 500}),
        200,
    )
    deals: list[dict[str, Any]] = body["opportunities"]
    return deals


def cards_by_stage(page: Any) -> dict[str, set[str]]:
    shown: dict[str, set[str]] = {}
    for stage in OPEN_STAGES:
        column = page.locator(f'[data-testid="stage-{stage}"]')
        ids = column.locator('[data-testid^="opportunity-"][data-stage]').evaluate_all(
            "cards => cards.map(c => c.dataset.testid.slice('opportunity-'.length))"
        )
        shown[stage] = set(ids)
    return shown


def test_board_advance_gate_win_and_lose(
    seeded: dict[str, Any], open_console: Any, shot: Any
) -> None:
    own: httpx.Client = seeded["own"]
    rep = seeded["rep"]
    page = open_console(seeded["tokens"]["rep"], "pipeline")

    # The cards of each stage are the API's open deals in that stage.
    expected: dict[str, set[str]] = {stage: set() for stage in OPEN_STAGES}
    deals = {d["opportunity_id"]: d for d in open_deals(own, rep)}
    for deal in deals.values():
        expected[deal["stage_id"]].add(deal["opportunity_id"])
    assert expected[DISCOVERY] == {seeded["ahead"]}
    assert cards_by_stage(page) == expected
    for stage in OPEN_STAGES:
        count = page.locator(f'[data-testid="stage-count-{stage}"]').inner_text()
        assert count == str(len(expected[stage])), stage

    # Each card shows its name, customer (linked to the customer page), amount, date and owner.
    ready = deals[seeded["ready"]]
    card = page.locator(f'[data-testid="opportunity-{seeded["ready"]}"]')
    assert card.locator('[data-testid="opportunity-name"]').inner_text() == ready["name"]
    assert card.locator('[data-testid="opportunity-amount"]').inner_text() == shown_money(
        ready["amount"]
    )
    assert card.locator('[data-testid="opportunity-owner"]').inner_text() == rep
    link = card.locator('[data-testid="opportunity-customer"]')
    assert link.inner_text() == seeded["customer"]["name"]
    assert link.get_attribute("href") == f"#/customer?id={seeded['customer']['customer_id']}"

    # Advance from the keyboard: the card moves to the next column, and the API agrees.
    page.focus(f'[data-testid="advance-{seeded["ready"]}"]')
    page.keyboard.press("Enter")
    page.locator(
        f'[data-testid="stage-{DISCOVERY}"] [data-testid="opportunity-{seeded["ready"]}"]'
    ).wait_for()
    moved = harness.expect(own.get(f"/v1/opportunities/{seeded['ready']}"), 200)
    assert moved["stage_id"] == DISCOVERY

    # Drag a card onto the next column: the same advance.
    solution = "new_business.solution"
    page.locator(f'[data-testid="opportunity-{seeded["ahead"]}"]').drag_to(
        page.locator(f'[data-testid="stage-{solution}"]')
    )
    page.locator(
        f'[data-testid="stage-{solution}"] [data-testid="opportunity-{seeded["ahead"]}"]'
    ).wait_for()
    dragged = harness.expect(own.get(f"/v1/opportunities/{seeded['ahead']}"), 200)
    assert dragged["stage_id"] == solution

    # The gated deal: refused, with the unmet rule named beside the card.
    page.click(f'[data-testid="advance-{seeded["gated"]}"]')
    problem = page.locator(f'[data-testid="problem-{seeded["gated"]}"]')
    problem.wait_for()
    refusal = own.post(f"/v1/opportunities/{seeded['gated']}:advance", json={})
    assert refusal.status_code == 422, refusal.text
    violations = refusal.json()["violations"]
    assert [v["subject"] for v in violations] == [f"stages/{PROSPECTING}/field.expected_close_date"]
    items = problem.locator('[data-testid="problem-violation"]')
    assert items.count() == len(violations)
    for item, violation in zip(items.all_inner_texts(), violations, strict=True):
        assert violation["subject"] in item and violation["description"] in item
    gated_card = page.locator(
        f'[data-testid="stage-{PROSPECTING}"] [data-testid="opportunity-{seeded["gated"]}"]'
    )
    assert gated_card.count() == 1  # still where it was
    shot(page, "pipeline-board-gate-refusal")

    # Lose with a reason and a competitor, through the dialog (keyboard: type, Enter).
    page.click(f'[data-testid="lose-{seeded["losing"]}"]')
    dialog = page.locator('[data-testid="lose-dialog"]')
    dialog.wait_for()
    page.fill("#loss-reason", "price")
    page.fill("#loss-competitor", "Rival GmbH")
    page.press("#loss-competitor", "Enter")
    page.locator(f'[data-testid="opportunity-{seeded["losing"]}"]').wait_for(state="detached")
    lost = harness.expect(own.get(f"/v1/opportunities/{seeded['losing']}"), 200)
    assert (lost["status"], lost["loss_reason"], lost["lost_to_competitor"]) == (
        "lost",
        "price",
        "Rival GmbH",
    )

    # Win from the approved quote: the dialog accepts it and signs the contract.
    page.click(f'[data-testid="win-{seeded["winning"]}"]')
    page.locator('[data-testid="win-dialog"] input[name="quote"]').wait_for()
    page.click('[data-testid="win-dialog"] button[type="submit"]')
    page.locator(f'[data-testid="opportunity-{seeded["winning"]}"]').wait_for(state="detached")
    won = harness.expect(own.get(f"/v1/opportunities/{seeded['winning']}"), 200)
    assert won["status"] == "won"
    quote = harness.expect(own.get(f"/v1/quotes/{seeded['quote']}"), 200)
    assert quote["status"] == "accepted"

    # What is left on the board is what the API lists.
    remaining: dict[str, set[str]] = {stage: set() for stage in OPEN_STAGES}
    for deal in open_deals(own, rep):
        remaining[deal["stage_id"]].add(deal["opportunity_id"])
    assert cards_by_stage(page) == remaining
    shot(page, "pipeline-board")

    # A card's customer opens the customer page.
    page.evaluate("document.querySelector('main').setAttribute('aria-busy', 'true')")
    page.click(
        f'[data-testid="opportunity-{seeded["gated"]}"] [data-testid="opportunity-customer"]'
    )
    wait_rendered(page)
    heading = page.locator('[data-testid="page-customer"] h1').inner_text()
    assert heading == seeded["customer"]["name"]
    assert_clean(page)


def test_executive_sees_the_board_without_actions(
    seeded: dict[str, Any], open_console: Any, shot: Any
) -> None:
    page = open_console(
        seeded["tokens"]["executive"], "pipeline", viewport=TABLET, rep=seeded["rep"]
    )
    cards = page.locator('[data-testid^="opportunity-"][data-stage]')
    assert cards.count() == len(open_deals(seeded["own"], seeded["rep"]))
    actions = '[data-testid^="advance-"], [data-testid^="win-"], [data-testid^="lose-"]'
    assert page.locator(actions).count() == 0
    shot(page, "pipeline-board-executive-tablet")
    assert_clean(page)
