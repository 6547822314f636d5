"""`salesops run` (what `make run` starts) comes up ready on SQLite and stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from services.kit.config import SERVICES
from tests.system import harness

pytestmark = pytest.mark.system


def test_salesops_run_is_ready_within_60_seconds_and_stops_on_sigterm(
    vhost: harness.Vhost, tmp_path: Path
) -> None:
    ports = iter(harness.free_ports(1 + 3 * len(SERVICES)))
    gateway_port = next(ports)
    env = {
        **os.environ,
        "SALESOPS_DATA_DIR": str(tmp_path / "var"),
        "SALESOPS_AMQP_URI": vhost.amqp_uri,
        "SALESOPS_GATEWAY_PORT": str(gateway_port),
        "SALESOPS_SHUTDOWN_GRACE_SECONDS": "5",
    }
    for service in SERVICES:
        prefix = f"SALESOPS_{service.upper()}_"
        env[prefix + "GRPC_PORT"] = str(next(ports))
        env[prefix + "METRICS_PORT"] = str(next(ports))
        env[prefix + "WORKER_METRICS_PORT"] = str(next(ports))
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            [*harness.salesops_command(), "run"],
            env=env,
            cwd=harness.PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:

            def ready() -> bool:
                response = httpx.get(f"http://127.0.0.1:{gateway_port}/readyz", timeout=2)
                return response.status_code == 200

            harness.wait_until(ready, timeout=60, interval=0.25, what="/readyz to answer 200")
            took = time.monotonic() - started
            print(f"salesops run: /readyz 200 after {took:.1f} s")
            # One SQLite file per service, and the gateway's own (its Idempotency-Key records).
            assert sorted(p.name for p in (tmp_path / "var").iterdir() if p.suffix == ".db") == (
                sorted([*(f"{service}.db" for service in SERVICES), "gateway.db"])
            )
            harness.wait_until(
                lambda: "ready: gateway" in log_path.read_text(errors="replace"),
                timeout=30,
                what="the ready announcement",
            )
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                # Stop it the way a user does, so it stops its children: they run in
                # sessions of their own, and a SIGKILL to the supervisor would orphan them.
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
    output = log_path.read_text(errors="replace")
    for service in SERVICES:
        assert f"{service}-api" in output and f"{service}-worker" in output
    assert "stopped" in output.splitlines()[-1], output[-2000:]
    assert "not restarting" not in output and "exited with" not in output, output[-3000:]
