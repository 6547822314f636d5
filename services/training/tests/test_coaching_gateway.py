"""Coaching sessions and actions over HTTP (the gateway in front of the real training api)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database, utcnow
from services.training.tests.rules_support import gateway

__all__ = ["gateway"]


def test_coaching_over_http(gateway: tuple[TestClient, GatewaySettings, Database]) -> None:
    client, settings, _ = gateway
    manager = bearer(settings, "mgr-a", "manager")
    other_manager = bearer(settings, "mgr-b", "manager")
    rep = bearer(settings, "rep-1", "rep")
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()

    bad = client.post(
        "/v1/coaching-sessions",
        json={"rep_id": "rep-1", "session_date": "soon", "focus_skill": ""},
        headers=manager,
    )
    assert bad.status_code == 400, bad.text
    assert {e["field"] for e in bad.json()["errors"]} == {"session_date", "focus_skill"}
    created = client.post(
        "/v1/coaching-sessions",
        json={
            "rep_id": "rep-1",
            "session_date": yesterday,
            "focus_skill": "closing",
            "notes": "Deal review",
            "actions": [{"description": "Send the summary", "owner": "rep", "due_date": yesterday}],
        },
        headers=manager,
    )
    assert created.status_code == 201, created.text
    session = created.json()
    assert created.headers["Location"] == f"/v1/coaching-sessions/{session['session_id']}"
    assert (session["overdue_actions"], session["actions"][0]["owner"]) == (1, "rep")
    assert (
        client.post(
            "/v1/coaching-sessions",
            json={"rep_id": "rep-1", "session_date": yesterday, "focus_skill": "closing"},
            headers=other_manager,
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/v1/coaching-sessions/{session['session_id']}", headers=other_manager
        ).status_code
        == 404
    )

    overdue = client.get("/v1/coaching-sessions?overdue_only=true", headers=rep).json()
    assert [s["session_id"] for s in overdue["sessions"]] == [session["session_id"]]
    added = client.post(
        f"/v1/coaching-sessions/{session['session_id']}/actions",
        json={"description": "Join a call", "owner": "manager", "due_date": yesterday},
        headers=manager,
    )
    assert added.status_code == 201, added.text
    assert added.json()["action"]["owner_id"] == "mgr-a"
    own = session["actions"][0]["action_id"]
    theirs = added.json()["action"]["action_id"]
    assert client.post(f"/v1/coaching-actions/{theirs}:complete", headers=rep).status_code == 403
    done = client.post(f"/v1/coaching-actions/{own}:complete", headers=rep)
    assert done.status_code == 200, done.text
    assert (done.json()["completed"], done.json()["overdue"]) == (True, False)
    again = client.post(f"/v1/coaching-actions/{own}:complete", headers=rep)
    assert again.status_code == 422, again.text
    assert again.json()["violations"][0]["type"] == "coaching_action_open"
    patched = client.patch(
        f"/v1/coaching-sessions/{session['session_id']}",
        json={"notes": "Deal review, follow-up booked", "version": 2},
        headers=manager,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["notes"] == "Deal review, follow-up booked"
