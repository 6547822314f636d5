"""Nothing is lost and nothing is applied twice when a worker dies or RabbitMQ goes away."""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import httpx
import pytest

from tests.system import harness
from tests.system.harness import Platform, client, expect, issue

pytestmark = pytest.mark.system

HANDLER = "customers.on_lead_converted"


def manager_client(platform: Platform) -> httpx.Client:
    token = issue(platform, f"mgr-emea-{secrets.token_hex(3)}", ["manager"], ["EMEA"])
    return client(platform, token)


def qualified_leads(http: httpx.Client, count: int) -> list[str]:
    with ThreadPoolExecutor(8) as pool:
        leads = list(pool.map(lambda _: harness.create_qualified_lead(http), range(count)))
    return [lead["lead_id"] for lead in leads]


def converted_event_ids(platform: Platform, lead_ids: set[str]) -> dict[str, list[str]]:
    """The pipeline.lead.converted event ids in the pipeline outbox, by lead id."""
    by_lead: dict[str, list[str]] = {lead_id: [] for lead_id in lead_ids}
    with harness.connect(platform, "pipeline") as connection:
        rows = connection.execute(
            "SELECT event_id, envelope FROM outbox WHERE type = 'pipeline.lead.converted'"
        ).fetchall()
    for event_id, envelope in rows:
        lead_id = json.loads(envelope)["payload"]["lead_id"]
        if lead_id in by_lead:
            by_lead[lead_id].append(event_id)
    return by_lead


def processed_count(platform: Platform, event_ids: list[str] | None = None) -> int:
    """Rows of the customers inbox for the converted-lead handler (of `event_ids` if given)."""
    with harness.connect(platform, "customers") as connection:
        if event_ids is None:
            query = "SELECT count(*) FROM processed_events WHERE handler = %s"
            row = connection.execute(query, (HANDLER,)).fetchone()
        else:
            query = (
                "SELECT count(*) FROM processed_events WHERE handler = %s AND event_id = ANY(%s)"
            )
            row = connection.execute(query, (HANDLER, event_ids)).fetchone()
    assert row is not None
    return int(row[0])


def wait_for_customers(
    http: httpx.Client, lead_ids: set[str], timeout: float
) -> tuple[dict[str, int], float]:
    """Poll until every lead has a customer; return the counts by lead and the seconds it took."""
    started = time.monotonic()
    counts: dict[str, int] = {}

    def all_there() -> bool:
        counts.update(harness.customer_counts(http, lead_ids))
        return all(counts.values())

    with contextlib.suppress(TimeoutError):  # the caller's assertions report what is missing
        harness.wait_until(all_there, timeout, 0.2, f"customers for all {len(lead_ids)} leads")
    return counts, time.monotonic() - started


def report(label: str, sent: int, counts: dict[str, int]) -> tuple[int, int]:
    applied = sum(1 for n in counts.values() if n >= 1)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    lost = sum(1 for n in counts.values() if n == 0)
    print(f"{label}: sent {sent}, applied {applied}, duplicates {duplicates}, lost {lost}")
    return duplicates, lost


def test_customers_worker_killed_during_a_burst(platform: Platform) -> None:
    n = 60
    http = manager_client(platform)
    lead_ids = qualified_leads(http, n)
    assert len(set(lead_ids)) == n
    before = processed_count(platform)
    converts_done = 0
    lock = threading.Lock()
    at_kill: dict[str, int] = {}

    def kill_midway() -> None:
        """SIGKILL the worker mid-stream, once it has applied half; restart it 1 s later."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if processed_count(platform) - before >= n // 2:
                break
            time.sleep(0.005)
        platform.kill("customers-worker")
        at_kill.update(applied=processed_count(platform) - before, converted=converts_done)
        time.sleep(1.0)
        platform.start("customers-worker")

    def convert(lead_id: str) -> int:
        nonlocal converts_done
        status = http.post(f"/v1/leads/{lead_id}:convert").status_code
        with lock:
            converts_done += 1
        # Paced a little, so the burst lasts about a second and the kill lands inside it.
        time.sleep(0.1)
        return status

    killer = threading.Thread(target=kill_midway, name="kill-customers-worker")
    started = time.monotonic()
    killer.start()
    with ThreadPoolExecutor(8) as pool:
        futures = {pool.submit(convert, lead_id): lead_id for lead_id in lead_ids}
        statuses = {futures[f]: f.result() for f in as_completed(futures)}
    converts_took = time.monotonic() - started
    killer.join()
    assert statuses == dict.fromkeys(lead_ids, 200), statuses
    assert at_kill["applied"] < n, "the worker applied every event before it could be killed"
    platform.wait_worker("customers")

    counts, took = wait_for_customers(http, set(lead_ids), timeout=30)
    duplicates, lost = report("worker SIGKILL", n, counts)
    print(
        f"  {n} converts took {converts_took:.2f} s; the worker was SIGKILLed with "
        f"{at_kill['converted']} converts answered and {at_kill['applied']} applied, "
        f"restarted 1 s later; all customers visible {took:.2f} s after it consumed again"
    )
    missing = sorted(lead for lead, count in counts.items() if count == 0)
    twice = sorted(lead for lead, count in counts.items() if count > 1)
    assert (duplicates, lost) == (0, 0), f"lost: {missing}; more than once: {twice}"

    events = converted_event_ids(platform, set(lead_ids))
    assert all(len(ids) == 1 for ids in events.values()), events
    event_ids = [ids[0] for ids in events.values()]
    assert processed_count(platform, event_ids) == n
    # Across the whole session so far: no lead ever opened a second account.
    with harness.connect(platform, "customers") as connection:
        row = connection.execute(
            "SELECT count(*), count(DISTINCT source_lead_id) FROM customers "
            "WHERE source_lead_id IS NOT NULL"
        ).fetchone()
    assert row is not None
    accounts, distinct_leads = row
    assert accounts == distinct_leads


# --- RabbitMQ down ----------------------------------------------------------------------


@pytest.fixture
def outage_platform(
    infrastructure: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Platform, harness.ThrowawayRabbit]]:
    """A second platform, with databases of its own, on a RabbitMQ node of its own."""
    workdir: Path = tmp_path_factory.mktemp("outage")
    with harness.isolated_platform("outage", workdir) as running:
        yield running


def outbox_pending(platform: Platform, service: str) -> float | None:
    return harness.sample_value(
        platform.metrics_url(f"{service}-api"), "salesops_outbox_pending_events", service=service
    )


def test_rabbitmq_down_converts_wait_in_the_outbox(
    outage_platform: tuple[Platform, harness.ThrowawayRabbit],
) -> None:
    platform, rabbit = outage_platform
    k = 10
    http = manager_client(platform)

    # Events flow before the outage (the queues exist on the node from here on).
    (warmup,) = qualified_leads(http, 1)
    expect(http.post(f"/v1/leads/{warmup}:convert"), 200)
    counts, _ = wait_for_customers(http, {warmup}, timeout=10)
    assert counts == {warmup: 1}

    lead_ids = qualified_leads(http, k)
    stopped = time.monotonic()
    rabbit.stop()
    print(f"throwaway RabbitMQ {rabbit.node} stopped in {time.monotonic() - stopped:.1f} s")

    slowest = 0.0
    for lead_id in lead_ids:
        began = time.monotonic()
        converted = expect(http.post(f"/v1/leads/{lead_id}:convert"), 200)
        slowest = max(slowest, time.monotonic() - began)
        assert converted["status"] == "converted"

    time.sleep(2.0)
    counts = harness.customer_counts(http, set(lead_ids))
    assert sum(counts.values()) == 0, f"customers appeared with RabbitMQ down: {counts}"
    pending = outbox_pending(platform, "pipeline")
    assert pending is not None and pending >= k, f"pipeline outbox pending: {pending}"
    print(
        f"broker down: {k} converts answered 200 (slowest {slowest * 1000:.0f} ms), "
        f"outbox holds {pending:.0f} events"
    )

    restarted = time.monotonic()
    rabbit.start()
    up = time.monotonic() - restarted
    counts, took = wait_for_customers(http, set(lead_ids), timeout=60)
    duplicates, lost = report("RabbitMQ outage", k, counts)
    print(f"  node back in {up:.1f} s; all customers visible {took:.1f} s after that")
    assert (duplicates, lost) == (0, 0), counts

    harness.wait_until(
        lambda: (
            outbox_pending(platform, "pipeline") == 0 and outbox_pending(platform, "customers") == 0
        ),
        30,
        0.2,
        "both outboxes to drain",
    )
    time.sleep(1.0)  # nothing arrives late and twice
    assert harness.customer_counts(http, set(lead_ids)) == dict.fromkeys(lead_ids, 1)
