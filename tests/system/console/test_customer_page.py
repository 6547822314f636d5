"""The customer page in a real browser, against the running platform.

A director seeds a region of the test's own through the API: a team with a rep, the rep's
customer with two contacts, a note, three NPS answers and an open deal (which reaches the
customer's timeline by event). The rep opens the customer page: the archive data, the
contacts, the timeline entries, the health score with its factors' reasons and the NPS shown
are those the API answers.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.system import harness
from tests.system.console.conftest import assert_clean

pytestmark = pytest.mark.system


def created(response: httpx.Response) -> dict[str, Any] | None:
    """The body of a 201; None while a service has not learned of a record yet (400/404/422)."""
    if response.status_code in (400, 404, 422):
        return None
    return harness.expect(response, 201)


def half_up(numerator: int, denominator: int) -> int:
    """Halves towards +infinity, as the services round (services.kit.rounding)."""
    return (2 * numerator + denominator) // (2 * denominator)


def test_customer_page_figures(platform: harness.Platform, open_console: Any, shot: Any) -> None:
    tag = secrets.token_hex(3)
    region = f"CON{tag.upper()}"
    director, rep = f"dir-{tag}", f"rep-{tag}"
    rep_token = harness.issue(platform, rep, ["rep"], [region])
    with (
        harness.client(platform, harness.issue(platform, director, ["director"], [region])) as boss,
        harness.client(platform, rep_token) as own,
    ):
        company = harness.create_unit(boss, f"co-{tag}", "company", region)
        root = harness.create_unit(boss, f"region-{tag}", "region", region, company, director)
        team = harness.create_unit(boss, f"team-{tag}", "team", region, root, f"mgr-{tag}")
        harness.hire_rep(boss, rep, team, date.today().isoformat())
        account = {
            "region": region,
            "name": f"Kunde <{tag}> & Söhne AG",
            "country": "DE",
            "industry": "manufacturing",
            "owner_id": rep,
            "address": {
                "street": "Hauptstr. 1",
                "postal_code": "10115",
                "city": "Berlin",
                "state_province": "BE",
            },
            "potential": {"currency": "EUR", "amount_minor": 5_000_000},
            "tags": ["key-account"],
        }
        customer = harness.wait_until(
            lambda: created(boss.post("/v1/customers", json=account)),
            timeout=30,
            interval=0.3,
            what="the customer (customers learns of the rep by event)",
        )
        cid = customer["customer_id"]
        for name, title in (("Ada Lovelace", "CFO"), ("Grace Hopper", "CTO")):
            email = f"{name.split()[0].lower()}.{tag}@kunde.example"
            body = {"name": name, "title": title, "email": email, "phone": "+49301234567"}
            harness.expect(own.post(f"/v1/customers/{cid}/contacts", json=body), 201)
        harness.expect(
            own.post(f"/v1/customers/{cid}/notes", json={"text": "Met the <b>board</b>."}), 201
        )
        for score in (10, 9, 3):
            survey = {"customer_id": cid, "kind": "nps", "score": score, "comment": f"s{score}"}
            harness.expect(own.post("/v1/surveys", json=survey), 201)
        deal_body = {
            "customer_id": cid,
            "name": f"Deal {tag}",
            "expected_close_date": (date.today() + timedelta(days=20)).isoformat(),
            "line_items": [
                {
                    "product_line": "analytics",
                    "quantity": 2,
                    "unit_price": {"currency": "EUR", "amount_minor": 300_000},
                }
            ],
        }
        deal = harness.wait_until(
            lambda: created(own.post("/v1/opportunities", json=deal_body)),
            timeout=30,
            interval=0.3,
            what="the deal (the pipeline learns of the customer by event)",
        )

        def timeline() -> dict[str, Any]:
            body: dict[str, Any] = harness.expect(
                own.get(f"/v1/customers/{cid}/timeline", params={"page_size": 25}), 200
            )
            return body

        # The deal reaches the timeline by event: the page is opened once it is there.
        harness.wait_until(
            lambda: any(e["ref_id"] == deal["opportunity_id"] for e in timeline()["entries"]),
            timeout=30,
            interval=0.3,
            what="the deal on the customer's timeline",
        )

        page = open_console(rep_token, "customer", id=cid)

        # Archive data.
        api_customer = harness.expect(own.get(f"/v1/customers/{cid}"), 200)
        assert (
            page.locator('[data-testid="page-customer"] h1').inner_text() == api_customer["name"]
        )  # text, never markup
        for field in ("name", "status", "region", "country", "industry"):
            shown = page.locator(f'[data-testid="customer-{field}"]').inner_text()
            assert shown == api_customer[field], field
        assert page.locator('[data-testid="customer-owner"]').inner_text() == rep
        assert page.locator('[data-testid="customer-potential"]').inner_text() == "50,000.00 EUR"
        assert "Berlin" in page.locator('[data-testid="customer-address"]').inner_text()

        # Contacts.
        contacts = harness.expect(own.get(f"/v1/customers/{cid}/contacts"), 200)["contacts"]
        assert len(contacts) == 2
        rows = page.locator('[data-testid^="contact-"]')
        assert rows.count() == len(contacts)
        for contact in contacts:
            row = page.locator(f'[data-testid="contact-{contact["contact_id"]}"]').inner_text()
            assert contact["name"] in row and contact["email"] in row and contact["title"] in row

        # Timeline: the entries shown are the API's, newest first.
        entries = timeline()["entries"]
        shown_ids = page.locator('[data-testid^="timeline-"][data-ref]').evaluate_all(
            "items => items.map(i => i.dataset.testid.slice('timeline-'.length))"
        )
        assert shown_ids == [e["entry_id"] for e in entries]
        note = [e for e in entries if e["ref_type"] == "note"]
        assert (
            note
            and "Met the <b>board</b>."
            in page.locator(f'[data-testid="timeline-{note[0]["entry_id"]}"]').inner_text()
        )

        # Health: the score and every factor's reason.
        health = harness.expect(own.get(f"/v1/customers/{cid}/health"), 200)
        assert (
            page.locator('[data-testid="health-score"]').inner_text() == f"{health['score']} / 100"
        )
        assert page.locator('[data-testid="health-band"]').inner_text() == (health["band"] or "—")
        for factor in health["factors"]:
            row = page.locator(f'[data-testid="health-factor-{factor["factor"]}"]').inner_text()
            assert f"{factor['points']} / {factor['max_points']}" in row
            assert factor["reason"] in row

        # NPS from the customer's NPS answers: 2 promoters, 1 detractor of 3 -> 33.
        answers = harness.expect(
            own.get("/v1/surveys", params={"customer_id": cid, "kind": "nps"}), 200
        )["responses"]
        promoters = sum(1 for a in answers if a["nps_category"] == "promoter")
        detractors = sum(1 for a in answers if a["nps_category"] == "detractor")
        nps_bp = half_up(10_000 * (promoters - detractors), len(answers))
        assert (promoters, detractors, len(answers), nps_bp) == (2, 1, 3, 3333)
        section = page.locator('[data-testid="section-nps"]')
        assert section.get_attribute("data-nps-bp") == str(nps_bp)
        assert page.locator('[data-testid="nps-score"]').inner_text() == str(round(nps_bp / 100))
        assert page.locator('[data-testid="nps-responses"]').inner_text() == str(len(answers))

        # The open deal, linked to its owner's board.
        assert page.locator(f'[data-testid="deal-{deal["opportunity_id"]}"]').count() == 1

        shot(page, "customer-page")
        assert_clean(page)
