"""`salesops run`: the whole platform on one machine, for development and demos.

Migrates every service database, then starts each api, each worker and the
gateway as child processes with prefixed log lines. Ctrl-C (or SIGTERM)
stops them all gracefully; a child that dies is restarted with back-off.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from services.kit.config import GATEWAY_PORT, SERVICES, Settings
from services.kit.migrations import migrate
from services.kit.runtime import broker_reachable, redacted

COLOURS = ["36", "33", "35", "32", "34", "31", "96", "93", "95", "92", "94"]
MAX_RESTARTS = 5


@dataclass
class Child:
    """One supervised process."""

    name: str
    argv: list[str]
    colour: str
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    pump: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = threading.Event()
        self.width = max(len(c.name) for c in children)
        self.tty = sys.stdout.isatty()
        self.print_lock = threading.Lock()

    def say(self, name: str, colour: str, line: str) -> None:
        prefix = f"{name:<{self.width}} | "
        if self.tty:
            prefix = f"\033[{colour}m{prefix}\033[0m"
        with self.print_lock:
            sys.stdout.write(prefix + line.rstrip("\n") + "\n")
            sys.stdout.flush()

    def start(self, child: Child) -> None:
        child.process = subprocess.Popen(
            child.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # signals reach children only through us
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        process = child.process

        def pump() -> None:
            assert process.stdout is not None
            for raw in iter(process.stdout.readline, b""):
                self.say(child.name, child.colour, raw.decode(errors="replace"))

        child.pump = threading.Thread(target=pump, daemon=True)
        child.pump.start()

    def watch(self) -> None:
        while not self.stopping.wait(0.5):
            for child in self.children:
                if child.process is None or child.process.poll() is None:
                    continue
                code = child.process.returncode
                if child.restarts >= MAX_RESTARTS:
                    self.say(child.name, "31", f"exited with {code}; not restarting again")
                    child.process = None
                    continue
                child.restarts += 1
                delay = min(2**child.restarts, 30)
                self.say(child.name, "31", f"exited with {code}; restarting in {delay} s")
                if self.stopping.wait(delay):
                    return
                self.start(child)

    def stop(self, grace: float) -> None:
        self.stopping.set()
        running = [c for c in self.children if c.process and c.process.poll() is None]
        for child in running:
            assert child.process is not None
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace + 5
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(child.name, "31", "did not stop in time; killing it")
                child.process.kill()
                child.process.wait()
        for child in running:
            if child.pump:
                child.pump.join(2)


def _announce_when_ready(supervisor: Supervisor, port: int) -> None:
    deadline = time.monotonic() + 90
    while not supervisor.stopping.is_set() and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                if response.status == 200:
                    supervisor.say(
                        "salesops",
                        "1",
                        f"ready: gateway http://127.0.0.1:{port}  (API docs "
                        f"http://127.0.0.1:{port}/docs, metrics /metrics; get a token with "
                        "`salesops token --subject me --roles manager --regions EMEA`). "
                        "Ctrl-C stops everything.",
                    )
                    return
        except OSError:
            pass
        time.sleep(0.5)


def run_platform() -> int:
    """Migrate, start everything, and wait for Ctrl-C or SIGTERM."""
    settings = Settings.from_env()
    for service in SERVICES:
        url = settings.database_url(service)
        migrate(service, url)
        print(f"salesops | {service}: database {redacted(url)} is at head", flush=True)
    if not broker_reachable(settings.amqp_uri):
        print(
            f"salesops | RabbitMQ is not reachable at {redacted(settings.amqp_uri)}. The APIs and "
            "the gateway still serve; events wait in each service's outbox and flow once "
            "RabbitMQ is up (start it with `rabbitmq-server -detached`).",
            flush=True,
        )
    command = [sys.executable, "-m", "services.cli"]
    children: list[Child] = []
    for index, service in enumerate(SERVICES):
        children.append(
            Child(f"{service}-api", [*command, "api", service], COLOURS[(2 * index) % 11])
        )
        children.append(
            Child(f"{service}-worker", [*command, "worker", service], COLOURS[(2 * index + 1) % 11])
        )
    children.append(Child("gateway", [*command, "gateway"], "97"))
    supervisor = Supervisor(children)

    def request_stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, request_stop)
    for child in children:
        supervisor.start(child)
    port = int(settings.value("SALESOPS_GATEWAY_PORT", str(GATEWAY_PORT)))
    threading.Thread(target=_announce_when_ready, args=(supervisor, port), daemon=True).start()
    try:
        supervisor.watch()
    except KeyboardInterrupt:
        # A second signal (make forwards SIGTERM to its whole group; an impatient Ctrl-C)
        # must not interrupt the stop itself and orphan the children: stopping is under way.
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, signal.SIG_IGN)
        print("\nsalesops | stopping every process…", flush=True)
        supervisor.stop(settings.shutdown_grace_seconds)
        print("salesops | stopped", flush=True)
    return 0
