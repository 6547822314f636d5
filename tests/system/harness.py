"""Start and stop the real salesops processes for the system tests.

Everything here is isolated from the machine's shared services and from a
developer's `make run`:

- `PostgresDatabases` creates fresh databases on the shared PostgreSQL server
  and drops them (`WITH (FORCE)`) afterwards; the server itself is never touched.
- `Vhost` creates a RabbitMQ vhost of its own on the shared broker and deletes it.
- `ThrowawayRabbit` runs a RabbitMQ node of its own (own node name, ports,
  mnesia and log directories) that a fault test may stop and start at will.
- `Platform` runs migrate, the apis, the workers and the gateway as real OS
  processes on free ephemeral ports, each logging to its own file, and can
  SIGKILL and restart any one of them.

The module is named `harness`, not `platform`, so it never shadows the standard
library's `platform` module.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
from kombu import Connection, Exchange, Queue
from prometheus_client.parser import text_string_to_metric_families

from services.kit.config import SERVICES as KIT_SERVICES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_DSN = os.environ.get(
    "SALESOPS_TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_URL_BASE = os.environ.get("SALESOPS_TEST_PG_URL_BASE", "postgresql://postgres@127.0.0.1:5432")
RABBIT_HOST = "127.0.0.1"
RABBIT_PORT = 5672
SERVICES = tuple(KIT_SERVICES)
# SALESOPS_SHUTDOWN_GRACE_SECONDS of the platform, and how long a process may take to exit
# after SIGTERM: an idle process exits at once, a busy one drains within this.
GRACE_SECONDS = 5.0
# What a process may take beyond the grace to leave: its interpreter's own shutdown, slower on
# a loaded machine. A hang in the drain still shows: it never ends.
EXIT_MARGIN_SECONDS = 5.0
LOG_TAIL_LINES = 40

# What is running now (platforms, throwaway RabbitMQ nodes): a failing test's report
# shows their logs, and an interrupted run still stops them at exit.
LIVE: list[Platform | ThrowawayRabbit] = []


@atexit.register
def _stop_leftovers() -> None:
    for thing in list(LIVE):
        with contextlib.suppress(Exception):
            if isinstance(thing, Platform):
                for proc in thing.procs.values():
                    if proc.running():
                        assert proc.popen is not None
                        os.killpg(proc.popen.pid, signal.SIGKILL)
            else:
                thing.cleanup()


class InfrastructureMissing(Exception):
    """PostgreSQL or RabbitMQ is not reachable: the system tests cannot run."""


class ProcessDied(RuntimeError):
    """A platform process exited while we waited for it: waiting longer cannot help."""


def free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports on 127.0.0.1 (all held open until all are picked)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout):
            return True
    except OSError:
        return False


def wait_until(
    condition: Callable[[], Any], timeout: float, interval: float = 0.05, what: str = ""
) -> Any:
    """Poll `condition` until it returns a truthy value; return it, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except ProcessDied:
            raise
        except Exception as exc:  # the thing polled may not be up yet
            last_error = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


def _run(argv: list[str], timeout: float = 60.0, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


# --- the shared infrastructure: checked, never stopped ----------------------------------


def check_infrastructure() -> None:
    """Raise InfrastructureMissing with a clear message when PostgreSQL or RabbitMQ is down."""
    problems = []
    try:
        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        problems.append(f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {exc}".strip())
    if not port_open(RABBIT_HOST, RABBIT_PORT, timeout=3):
        problems.append(f"RabbitMQ is not reachable at {RABBIT_HOST}:{RABBIT_PORT}")
    elif shutil.which("rabbitmqctl") is None:
        problems.append("rabbitmqctl is not on PATH (needed to create a test vhost)")
    if problems:
        raise InfrastructureMissing(
            "the system tests need the machine's PostgreSQL and RabbitMQ: "
            + "; ".join(problems)
            + " (start them, e.g. `service postgresql start` and `rabbitmq-server -detached`)"
        )


class PostgresDatabases:
    """Fresh databases `salesops_sys_<hex>_<service>` on the shared server."""

    def __init__(self, services: tuple[str, ...] = SERVICES) -> None:
        self.prefix = f"salesops_sys_{secrets.token_hex(4)}"
        self.names = {service: f"{self.prefix}_{service}" for service in services}

    def url(self, service: str) -> str:
        return f"{PG_URL_BASE}/{self.names[service]}"

    def connect(self, service: str) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url(service), autocommit=True, connect_timeout=5)

    def create(self) -> PostgresDatabases:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
            for name in self.names.values():
                admin.execute(f'CREATE DATABASE "{name}"')
        return self

    def drop(self) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
            for name in self.names.values():
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Vhost:
    """A RabbitMQ vhost of our own on the shared broker, deleted afterwards."""

    def __init__(self) -> None:
        self.name = f"salesops-sys-{secrets.token_hex(4)}"

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@{RABBIT_HOST}:{RABBIT_PORT}/{self.name}"

    def create(self) -> Vhost:
        for argv in (
            ["rabbitmqctl", "add_vhost", self.name],
            ["rabbitmqctl", "set_permissions", "-p", self.name, "guest", ".*", ".*", ".*"],
        ):
            result = _run(argv)
            if result.returncode != 0:
                raise InfrastructureMissing(
                    f"`{' '.join(argv)}` failed ({result.returncode}): "
                    f"{result.stderr.strip() or result.stdout.strip()}"
                )
        return self

    def delete(self) -> None:
        _run(["rabbitmqctl", "delete_vhost", self.name])


class ThrowawayRabbit:
    """A RabbitMQ node of our own that a test may stop and start; the shared one is untouched.

    The node runs as the `rabbitmq` user with its own name, AMQP and
    distribution ports, config file, mnesia and log directories under a
    temporary directory. Its HOME is the rabbitmq user's, so it shares the
    Erlang cookie that `rabbitmqctl` (which switches to that user) presents.
    Stopping and starting again reuses the same mnesia directory, so durable
    queues and persistent messages survive.
    """

    SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"

    def __init__(self) -> None:
        self.node = f"salesops-test-{secrets.token_hex(4)}@localhost"
        self.port, self.dist_port = free_ports(2)
        self.dir = Path(tempfile.mkdtemp(prefix="salesops-rabbit-"))
        self.pid_file = self.dir / "pid"
        self.name = f"throwaway RabbitMQ {self.node}"

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _prepare(self) -> None:
        (self.dir / "mnesia").mkdir(exist_ok=True)
        (self.dir / "log").mkdir(exist_ok=True)
        (self.dir / "enabled_plugins").write_text("[].\n")
        # Our own config: /etc/rabbitmq/rabbitmq.conf would make the node listen on 5672.
        (self.dir / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        self.dir.chmod(0o755)
        _run(["chown", "-R", "rabbitmq:rabbitmq", str(self.dir)]).check_returncode()

    def _env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "HOME": "/var/lib/rabbitmq",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.dir / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq"),
            "RABBITMQ_PID_FILE": str(self.pid_file),
        }

    def start(self, timeout: float = 60.0) -> None:
        """Start the node detached and wait until it accepts AMQP connections."""
        if not self.pid_file.parent.exists():
            raise RuntimeError("the throwaway RabbitMQ directory is gone")
        self._prepare()
        if self not in LIVE:
            LIVE.append(self)
        argv = ["runuser", "-u", "rabbitmq", "--", "env", "-i"]
        argv += [f"{key}={value}" for key, value in self._env().items()]
        argv += [self.SERVER, "-detached"]
        result = _run(argv, cwd="/var/lib/rabbitmq")
        if result.returncode != 0:
            raise RuntimeError(
                f"rabbitmq-server did not start ({result.returncode}): {result.stderr.strip()}"
            )
        deadline = time.monotonic() + timeout
        while True:
            # await_startup fails for a few seconds right after -detached: retry it.
            check = _run(
                ["rabbitmqctl", "-n", self.node, "await_startup", "--timeout", "5"], timeout=15
            )
            if check.returncode == 0 and port_open("127.0.0.1", self.port):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"throwaway RabbitMQ {self.node} not up after {timeout:.0f} s: "
                    f"{check.stderr.strip()[-500:]}\n{self.log_tail()}"
                )
            time.sleep(0.5)

    def stop(self) -> None:
        """Stop the node and wait until its process has exited."""
        _run(["rabbitmqctl", "-n", self.node, "stop", str(self.pid_file)], timeout=60)
        wait_until(
            lambda: not port_open("127.0.0.1", self.port, 0.2), 30, 0.1, f"{self.node} to stop"
        )

    def kill(self) -> None:
        """Last resort at teardown: SIGKILL whatever the pid file names."""
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(self.pid_file.read_text().strip()), signal.SIGKILL)

    def cleanup(self) -> None:
        try:
            if self.pid_file.exists() or port_open("127.0.0.1", self.port, 0.2):
                self.stop()
        except Exception:
            self.kill()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            with contextlib.suppress(ValueError):
                LIVE.remove(self)

    def log_tail(self, lines: int = 20) -> str:
        logs = sorted((self.dir / "log").glob("*.log"))
        text = "\n".join(p.read_text(errors="replace") for p in logs)
        return "\n".join(text.splitlines()[-lines:])

    def logs(self, lines: int = LOG_TAIL_LINES) -> str:
        return f"===== {self.name}, last {lines} lines of its log =====\n{self.log_tail(lines)}"


# --- the platform's processes ------------------------------------------------------------


def salesops_command() -> list[str]:
    """`salesops` from the interpreter's venv, or `python -m services.cli`."""
    script = Path(sys.executable).parent / "salesops"
    return [str(script)] if script.exists() else [sys.executable, "-m", "services.cli"]


@dataclass
class Proc:
    """One platform process, its command and its log file."""

    name: str
    argv: list[str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


@dataclass
class Platform:
    """Every salesops process on free ports, against the given databases and broker."""

    name: str
    database_urls: dict[str, str]
    amqp_uri: str
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, Proc] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ports = iter(free_ports(1 + 3 * len(SERVICES)))
        self.gateway_port = next(ports)
        self.grpc_ports = {service: next(ports) for service in SERVICES}
        self.api_metrics_ports = {service: next(ports) for service in SERVICES}
        self.worker_metrics_ports = {service: next(ports) for service in SERVICES}
        self.jwt_secret = secrets.token_hex(32)
        self.logdir = self.workdir / "logs"
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.env = self._build_env()
        command = salesops_command()
        for service in SERVICES:
            self._add(f"{service}-api", [*command, "api", service])
            self._add(f"{service}-worker", [*command, "worker", service])
        self._add("gateway", [*command, "gateway"])

    def _add(self, name: str, argv: list[str]) -> None:
        self.procs[name] = Proc(name, argv, self.logdir / f"{name}.log")

    def _build_env(self) -> dict[str, str]:
        # Nothing from the developer's own salesops configuration leaks in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("SALESOPS_")}
        env.update(
            {
                "PYTHONUNBUFFERED": "1",
                "PYTHONFAULTHANDLER": "1",  # SIGABRT dumps every thread's stack (see terminate)
                "SALESOPS_ENV": "development",
                "SALESOPS_DATA_DIR": str(self.workdir / "var"),
                "SALESOPS_AMQP_URI": self.amqp_uri,
                "SALESOPS_JWT_SECRET": self.jwt_secret,
                "SALESOPS_LOG_LEVEL": "INFO",
                "SALESOPS_SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
                "SALESOPS_OUTBOX_POLL_SECONDS": "1",
                "SALESOPS_GATEWAY_HOST": "127.0.0.1",
                "SALESOPS_GATEWAY_PORT": str(self.gateway_port),
            }
        )
        for service in SERVICES:
            prefix = f"SALESOPS_{service.upper()}_"
            env[prefix + "DATABASE_URL"] = self.database_urls[service]
            env[prefix + "GRPC_PORT"] = str(self.grpc_ports[service])
            env[prefix + "METRICS_PORT"] = str(self.api_metrics_ports[service])
            env[prefix + "WORKER_METRICS_PORT"] = str(self.worker_metrics_ports[service])
            env[prefix + "TARGET"] = f"127.0.0.1:{self.grpc_ports[service]}"
        env.update(self.extra_env)
        return env

    # -- addresses --

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def metrics_url(self, proc_name: str) -> str:
        if proc_name == "gateway":
            return f"{self.base_url}/metrics"
        service, kind = proc_name.rsplit("-", 1)
        ports = self.api_metrics_ports if kind == "api" else self.worker_metrics_ports
        return f"http://127.0.0.1:{ports[service]}/metrics"

    # -- running --

    def salesops(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run a one-shot `salesops` command with the platform's environment."""
        return _run([*salesops_command(), *args], timeout=timeout, env=self.env, cwd=PROJECT_ROOT)

    def migrate(self) -> None:
        result = self.salesops("migrate", "all", timeout=120)
        if result.returncode != 0:
            raise RuntimeError(
                f"`salesops migrate all` failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )

    def start(self, name: str) -> Proc:
        proc = self.procs[name]
        assert not proc.running(), f"{name} is already running"
        log = proc.log_path.open("ab")
        proc.starts += 1
        log.write(f"----- start #{proc.starts} of {name} at {time.strftime('%X')} -----\n".encode())
        log.flush()
        try:
            proc.popen = subprocess.Popen(
                proc.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=PROJECT_ROOT,
                start_new_session=True,  # a Ctrl-C of pytest reaches them only through us
            )
        finally:
            log.close()
        return proc

    def start_all(self, ready_timeout: float = 60.0) -> None:
        """Migrate, start every process, and wait until the platform serves."""
        LIVE.append(self)
        self.migrate()
        for name in self.procs:
            self.start(name)
        self.wait_ready(ready_timeout)

    def wait_worker(self, service: str, timeout: float = 30.0) -> None:
        """Until the worker's metrics answer and it logged that it consumes."""
        proc = self.procs[f"{service}-worker"]
        marker = f"{service} worker consuming"
        starts = proc.starts

        def consuming() -> bool:
            self._require_alive(proc.name)
            # Only the current run's part of the log counts.
            current = proc.log_text().split(f"----- start #{starts} of")[-1]
            return marker in current

        wait_until(consuming, timeout, 0.05, f"the {service} worker to consume")
        wait_until(
            lambda: httpx.get(self.metrics_url(proc.name), timeout=2).status_code == 200,
            timeout,
            0.05,
            f"the {service} worker's /metrics",
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        def ready() -> bool:
            for name in self.procs:
                self._require_alive(name)
            response = httpx.get(f"{self.base_url}/readyz", timeout=2)
            return response.status_code == 200

        try:
            wait_until(ready, timeout, 0.1, "GET /readyz to answer 200")
            for service in SERVICES:
                wait_until(
                    lambda s=service: (
                        httpx.get(self.metrics_url(f"{s}-api"), timeout=2).status_code == 200
                    ),
                    timeout,
                    0.05,
                    f"the {service} api's /metrics",
                )
                self.wait_worker(service, timeout)
        except (TimeoutError, RuntimeError) as exc:
            raise RuntimeError(
                f"platform {self.name} did not become ready: {exc}\n{self.logs()}"
            ) from None

    def _require_alive(self, name: str) -> None:
        proc = self.procs[name]
        if proc.popen is not None and proc.popen.poll() is not None:
            raise ProcessDied(f"{name} exited with code {proc.popen.returncode}")

    def kill(self, name: str) -> None:
        """SIGKILL one process (no chance to ack, commit or clean up) and reap it."""
        proc = self.procs[name]
        assert proc.popen is not None
        proc.popen.send_signal(signal.SIGKILL)
        proc.popen.wait(10)

    def restart(self, name: str) -> None:
        proc = self.procs[name]
        if proc.running():
            self.terminate([name])
        self.start(name)

    def terminate(self, names: list[str] | None = None) -> list[str]:
        """SIGTERM the processes, wait for the grace period and the margin, SIGKILL stragglers.

        Returns complaints (a process that needed SIGKILL or exited non-zero).
        """
        names = list(self.procs) if names is None else names
        running = [self.procs[n] for n in names if self.procs[n].running()]
        for proc in running:
            assert proc.popen is not None
            with contextlib.suppress(ProcessLookupError):
                proc.popen.send_signal(signal.SIGTERM)
        complaints = []
        deadline = time.monotonic() + GRACE_SECONDS + EXIT_MARGIN_SECONDS
        for proc in running:
            assert proc.popen is not None
            try:
                code = proc.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                # SIGABRT first: with PYTHONFAULTHANDLER set, Python writes every thread's
                # stack to the log, which shows where it hangs. Then SIGKILL.
                with contextlib.suppress(ProcessLookupError):
                    proc.popen.send_signal(signal.SIGABRT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(3)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait(10)
                complaints.append(
                    f"{proc.name} did not exit within the {GRACE_SECONDS:.0f} s grace period "
                    f"(and {EXIT_MARGIN_SECONDS:.0f} s to exit) after SIGTERM; killed. Its stacks "
                    f"at that moment (end of {proc.log_path}):\n{proc.tail(60)}"
                )
                continue
            if code != 0:
                complaints.append(f"{proc.name} exited with code {code} after SIGTERM")
        return complaints

    def stop_all(self) -> list[str]:
        try:
            return self.terminate()
        finally:
            with contextlib.suppress(ValueError):
                LIVE.remove(self)

    def logs(self, lines: int = LOG_TAIL_LINES) -> str:
        parts = []
        for proc in self.procs.values():
            state = "not started"
            if proc.popen is not None:
                code = proc.popen.poll()
                state = "running" if code is None else f"exited {code}"
            parts.append(
                f"===== {self.name} / {proc.name} ({state}), last {lines} lines of "
                f"{proc.log_path} =====\n{proc.tail(lines)}"
            )
        return "\n".join(parts)


@contextlib.contextmanager
def running_platform(
    name: str, amqp_uri: str, workdir: Path, databases: PostgresDatabases
) -> Iterator[Platform]:
    """A started platform; stopped with SIGTERM afterwards, complaints raised as a failure."""
    platform = Platform(
        name,
        {service: databases.url(service) for service in SERVICES},
        amqp_uri,
        workdir,
    )
    complaints: list[str] = []
    try:
        platform.start_all()
        yield platform
    finally:
        complaints = platform.stop_all()
    if complaints:
        raise AssertionError(
            f"platform {name} did not stop cleanly: {'; '.join(complaints)}\n{platform.logs()}"
        )


@contextlib.contextmanager
def isolated_platform(name: str, workdir: Path) -> Iterator[tuple[Platform, ThrowawayRabbit]]:
    """A platform on a RabbitMQ node and PostgreSQL databases of its own, for fault tests
    that stop the broker: nothing shared with other tests is touched."""
    rabbit = ThrowawayRabbit()
    databases = PostgresDatabases()
    try:
        rabbit.start()
        databases.create()
        with running_platform(name, rabbit.amqp_uri, workdir, databases) as platform:
            yield platform, rabbit
    finally:
        try:
            rabbit.cleanup()
        finally:
            databases.drop()


def wait_until_served(http: httpx.Client, path: str) -> None:
    """Until GET `path` answers 200: its api is up and the gateway's circuit let a call in."""
    wait_until(
        lambda: http.get(path).status_code == 200,
        timeout=45,  # the circuit's 10 s cool-down, maybe twice, and gRPC's reconnect back-off
        interval=0.5,
        what=f"GET {path} to answer 200 again",
    )


@contextlib.contextmanager
def api_stopped(platform: Platform, service: str, http: httpx.Client, path: str) -> Iterator[None]:
    """`service`'s api stopped cleanly (SIGTERM, as a rollout or a crash would) for the block.

    Afterwards it runs again, the platform is ready, and GET `path` (a route of that
    service) answers 200 to `http` through the gateway: the shared platform is left as found.
    """
    name = f"{service}-api"
    complaints = platform.terminate([name])
    assert complaints == [], complaints
    try:
        yield
    finally:
        if not platform.procs[name].running():
            platform.start(name)
        platform.wait_ready()
        wait_until_served(http, path)


def connect(platform: Platform, service: str) -> psycopg.Connection[Any]:
    """An autocommit connection to one of the platform's databases, to check its tables."""
    return psycopg.connect(platform.database_urls[service], autocommit=True, connect_timeout=5)


# --- talking to the gateway ----------------------------------------------------------------


def issue(platform: Platform, subject: str, roles: list[str], regions: list[str]) -> str:
    """A token the platform's gateway accepts, signed with its secret."""
    from gateway.settings import GatewaySettings
    from gateway.tokens import issue_token

    return issue_token(subject, roles, regions, settings=GatewaySettings.from_env(platform.env))


def expired_token(platform: Platform, subject: str, roles: list[str], regions: list[str]) -> str:
    """A correctly signed token that expired well beyond the gateway's leeway.

    `issue_token` refuses a non-positive ttl, so it is crafted with PyJWT here.
    """
    import jwt

    from gateway.settings import GatewaySettings

    settings = GatewaySettings.from_env(platform.env)
    assert settings.jwt_secret is not None
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now - 7200,
        "nbf": now - 7200,
        "exp": now - 3600,
        "jti": secrets.token_hex(8),
        "roles": roles,
        "regions": regions,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def client(platform: Platform, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=platform.base_url, headers=headers, timeout=15)


def lead_body(region: str = "EMEA", **overrides: str) -> dict[str, str]:
    tag = secrets.token_hex(3)
    body = {
        "region": region,
        "company_name": f"Acme {tag} GmbH",
        "contact_name": f"Ada {tag}",
        "contact_email": f"ada.{tag}@acme.example",
        "contact_title": "Head of Procurement",
        "country": "DE",
        "industry": "manufacturing",
        "source": "web",
    }
    body.update(overrides)
    return body


def expect(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url} -> {response.status_code}, "
        f"expected {status}: {response.text[:1000]}"
    )
    return response.json() if response.content else {}


def create_unit(
    http: httpx.Client,
    code: str,
    kind: str,
    region: str,
    parent: str = "",
    manager: str = "",
    name: str = "",
) -> str:
    """An org unit through the gateway (`code` must be unique); its id."""
    body = {"code": code, "name": name or code, "kind": kind, "region": region}
    body.update({"parent_id": parent, "manager_id": manager})
    created: str = expect(http.post("/v1/org-units", json=body), 201)["unit_id"]
    return created


def hire_rep(
    http: httpx.Client, rep_id: str, team_unit_id: str, hire_date: str, capacity: int = 20
) -> None:
    """A rep hired into a team through the gateway (planning tells the other services)."""
    body = {
        "rep_id": rep_id,
        "name": rep_id,
        "email": f"{rep_id}@example.com",
        "team_unit_id": team_unit_id,
        "capacity": capacity,
        "hire_date": hire_date,
    }
    expect(http.post("/v1/reps", json=body), 201)


def create_plan(
    http: httpx.Client,
    org_unit_id: str,
    period_code: str,
    owner_id: str,
    currency: str,
    **extra: str,
) -> dict[str, Any]:
    """A draft sales plan for a unit and fiscal period through the gateway."""
    body = {
        "org_unit_id": org_unit_id,
        "period_code": period_code,
        "owner_id": owner_id,
        "currency": currency,
        **extra,
    }
    return expect(http.post("/v1/plans", json=body), 201)


def allocated_target(
    http: httpx.Client,
    plan_id: str,
    amount_minor: int,
    currency: str,
    weights: dict[str, int],
    *,
    depth: int | None = None,
    approve: bool = True,
) -> dict[str, Any]:
    """A revenue target on a plan, allocated to the units by `weights` (down the tree unless
    `depth` says how far); the plan is then submitted and approved unless `approve` is False."""
    target = expect(
        http.post(
            f"/v1/plans/{plan_id}/targets",
            json={
                "metric": "revenue",
                "amount": {"currency": currency, "amount_minor": amount_minor},
            },
        ),
        201,
    )
    allocation: dict[str, Any] = {"method": "weights", "weights": weights}
    if depth is not None:
        allocation["depth"] = depth
    expect(http.post(f"/v1/targets/{target['target_id']}:allocate", json=allocation), 200)
    if approve:
        expect(http.post(f"/v1/plans/{plan_id}:submit"), 200)
        expect(http.post(f"/v1/plans/{plan_id}:approve"), 200)
    return target


def approved_commission_plan(
    drafter: httpx.Client,
    approver: httpx.Client,
    name: str,
    region: str,
    currency: str,
    effective_from: str,
    base_rate_bp: int,
) -> dict[str, Any]:
    """A reps' commission plan drafted by `drafter` (an admin), approved by `approver`."""
    body = {
        "name": name,
        "role": "rep",
        "region": region,
        "currency": currency,
        "effective_from": effective_from,
        "rules": {"base_rate_bp": base_rate_bp},
    }
    plan = expect(drafter.post("/v1/commission-plans", json=body), 201)
    return expect(approver.post(f"/v1/commission-plans/{plan['plan_id']}:approve"), 200)


def create_course(admin: httpx.Client, region: str, code: str, **fields: Any) -> dict[str, Any]:
    """A one-hour selling-skills e-learning course titled by its code, unless `fields` say
    otherwise (any other field of the request, e.g. completes_on_assessment=True)."""
    body = {
        "region": region,
        "code": code,
        "title": code,
        "category": "selling_skills",
        "format": "e_learning",
        "duration_minutes": 60,
        **fields,
    }
    return expect(admin.post("/v1/courses", json=body), 201)


def overdue_case(
    platform: Platform, http: httpx.Client, region: str, customer_id: str
) -> dict[str, Any]:
    """A high-priority service case made overdue: the shortest SLA is an hour, so its due
    time is moved two hours back in the pipeline's database."""
    body = {
        "region": region,
        "customer_id": customer_id,
        "type": "incident",
        "priority": "high",
        "subject": "Reports <b>fail</b>",
    }
    case = expect(http.post("/v1/cases", json=body), 201)
    with connect(platform, "pipeline") as db:
        db.execute(
            "UPDATE cases SET due_at = now() - interval '2 hours' WHERE case_id = %s",
            (case["case_id"],),
        )
    return case


def two_question_quiz(admin: httpx.Client, course_id: str) -> dict[str, Any]:
    """A two-question assessment of the course; option 1 is right in both."""
    question = {"kind": "single_choice", "options": ["no", "yes"], "points": 1}
    body = {
        "course_id": course_id,
        "title": "Check",
        "pass_mark_bp": 8000,
        "max_attempts": 3,
        "questions": [
            {**question, "text": "First?", "correct_options": [1]},
            {**question, "text": "Second?", "correct_options": [1]},
        ],
    }
    return expect(admin.post("/v1/assessments", json=body), 201)


def pass_course_quiz(admin: httpx.Client, rep_http: httpx.Client, course_id: str) -> dict[str, Any]:
    """A two-question quiz of the course by `admin`, passed by the rep; the attempt."""
    assessment = two_question_quiz(admin, course_id)
    answers = [
        {"question_id": q["question_id"], "chosen_options": [1]} for q in assessment["questions"]
    ]
    path = f"/v1/assessments/{assessment['assessment_id']}:submit"
    attempt = expect(rep_http.post(path, json={"answers": answers}), 200)
    assert attempt["passed"] and attempt["completed_course"], attempt
    return attempt


def certified_only_pipeline(admin: httpx.Client, name: str, region: str) -> dict[str, Any]:
    """A partner pipeline of the region whose first stage needs its owner certified."""
    stages = [
        {"name": "Qualify", "probability_bp": 1000},
        {"name": "Propose", "probability_bp": 5000},
        {"name": "Won", "probability_bp": 10000, "kind": "won"},
        {"name": "Lost", "kind": "lost"},
    ]
    body = {"name": name, "kind": "partner", "region": region, "stages": stages}
    pipeline = expect(admin.post("/v1/pipelines", json=body), 201)
    gate = {"criteria": [{"owner_certification": {}}], "comment": "certified sellers only"}
    expect(admin.put(f"/v1/stage-gates/{pipeline['stages'][0]['stage_id']}", json=gate), 200)
    return pipeline


def certification_copy_expired(platform: Platform, certification_id: str) -> bool:
    """Whether the pipeline's copy of a certification says expired (it learns by event).

    Wait for it before advancing past a certification gate: a deal advanced before the
    event arrives passes the gate for good.
    """
    with connect(platform, "pipeline") as db:
        row = db.execute(
            "SELECT status FROM certification_copies WHERE certification_id = %s",
            (certification_id,),
        ).fetchone()
    return row is not None and row[0] == "expired"


def create_qualified_lead(http: httpx.Client, **overrides: str) -> dict[str, Any]:
    # A lead captured without an owner is routed, and with no territory it waits
    # unassigned, which cannot be converted: these flows name the rep.
    overrides.setdefault("owner_id", "rep-emea-system")
    lead = expect(http.post("/v1/leads", json=lead_body(**overrides)), 201)
    qualified = expect(http.post(f"/v1/leads/{lead['lead_id']}:qualify"), 200)
    assert qualified["status"] == "qualified", qualified
    return qualified


def all_customers(http: httpx.Client) -> list[dict[str, Any]]:
    """Every customer the caller sees, following next_page_token."""
    customers: list[dict[str, Any]] = []
    token = ""
    while True:
        params: dict[str, Any] = {"page_size": 500}
        if token:
            params["page_token"] = token
        page = expect(http.get("/v1/customers", params=params), 200)
        customers.extend(page["customers"])
        token = page["next_page_token"]
        if not token:
            return customers


def customer_counts(http: httpx.Client, lead_ids: set[str]) -> dict[str, int]:
    """How many customers the caller sees for each of `lead_ids` (by source_lead_id)."""
    counts = dict.fromkeys(lead_ids, 0)
    for customer in all_customers(http):
        if customer["source_lead_id"] in counts:
            counts[customer["source_lead_id"]] += 1
    return counts


# --- metrics --------------------------------------------------------------------------------


def scrape(url: str) -> dict[str, list[Any]]:
    """Samples of a /metrics page by sample name (e.g. `..._bucket`, `..._total`)."""
    response = httpx.get(url, timeout=5)
    response.raise_for_status()
    samples: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def sample_value(url: str, name: str, **labels: str) -> float | None:
    """The value of the one sample `name{labels}` on the page, or None if absent."""
    for sample in scrape(url).get(name, []):
        if all(sample.labels.get(k) == v for k, v in labels.items()):
            return float(sample.value)
    return None


# --- events from services that do not exist yet ------------------------------------------


def publish_event(platform: Platform, event_type: str, payload: dict[str, Any], region: str) -> str:
    """Publish an event in the contract's envelope, as its owning service would; return its id.

    For events of services not built yet (planning's reps and territories,
    training's certifications) the tests stand in for the publisher.
    """
    from kombu import Connection, Exchange

    from services.kit.events import EventType

    parsed = EventType.parse(event_type)
    event_id = str(uuid.uuid4())
    envelope = {
        "event_id": event_id,
        "type": event_type,
        "schema_version": 1,
        "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "source": parsed.source,
        "region": region,
        "actor": "system-test",
        "correlation_id": event_id,
        "payload": payload,
    }
    with Connection(platform.amqp_uri, connect_timeout=5) as connection:
        connection.Producer(serializer="json").publish(
            envelope,
            exchange=Exchange(f"{parsed.source}.events", type="topic", durable=True),
            routing_key=parsed.name,
            delivery_mode=2,
            retry=True,
        )
    return event_id


def sign_contract(
    rep_http: httpx.Client, customer_id: str, amount_minor: int, close_date: str
) -> dict[str, Any]:
    """Open, work and win one deal of `amount_minor` euro cents; the contract it signs."""
    tag = secrets.token_hex(3)
    opportunity = expect(
        rep_http.post(
            "/v1/opportunities",
            json={
                "customer_id": customer_id,
                "name": f"Deal {tag}",
                "expected_close_date": close_date,
                "next_step": "sign",
                "line_items": [
                    {
                        "product_line": "analytics",
                        "quantity": 1,
                        "unit_price": {"currency": "EUR", "amount_minor": amount_minor},
                    }
                ],
            },
        ),
        201,
    )
    opp = opportunity["opportunity_id"]
    expect(
        rep_http.post(
            "/v1/activities",
            json={
                "type": "meeting",
                "subject": "Discovery",
                "outcome": "fit",
                "opportunity_id": opp,
            },
        ),
        201,
    )
    quote = expect(
        rep_http.post(
            "/v1/quotes",
            json={
                "opportunity_id": opp,
                "lines": [
                    {
                        "product_line": "analytics",
                        "quantity": 1,
                        "unit_price": {"currency": "EUR", "amount_minor": amount_minor},
                    }
                ],
            },
        ),
        201,
    )
    expect(rep_http.post(f"/v1/quotes/{quote['quote_id']}:submit", json={}), 200)
    expect(rep_http.post(f"/v1/quotes/{quote['quote_id']}:accept", json={}), 200)
    won = expect(
        rep_http.post(f"/v1/opportunities/{opp}:win", json={"quote_id": quote["quote_id"]}), 200
    )
    contract: dict[str, Any] = won["contract"]
    assert contract["value"] == {"currency": "EUR", "amount_minor": amount_minor}, contract
    return contract


# --- listening to events ---------------------------------------------------------------------


@contextlib.contextmanager
def event_queue(platform: Platform, event_type: str) -> Iterator[tuple[Connection, Queue]]:
    """A queue of the test's own bound to one event type (`<source>.<aggregate>.<verb>`).

    Declared before the test acts, so every matching event published from then
    on waits in it; deleted afterwards.
    """
    source, routing_key = event_type.split(".", 1)
    with Connection(platform.amqp_uri, connect_timeout=5) as connection:
        queue = Queue(
            f"test-{routing_key.replace('.', '-')}-{secrets.token_hex(4)}",
            exchange=Exchange(f"{source}.events", type="topic", durable=True),
            routing_key=routing_key,
            durable=False,
            auto_delete=False,
        )
        queue(connection.channel()).declare()
        try:
            yield connection, queue
        finally:
            queue(connection.channel()).delete()


def received(connection: Connection, queue: Queue, seconds: float) -> list[dict[str, Any]]:
    """Every envelope on `queue` until it has been quiet for `seconds`."""
    bodies: list[dict[str, Any]] = []
    with connection.SimpleQueue(queue) as simple:
        while True:
            try:
                message = simple.get(timeout=seconds)
            except simple.Empty:
                return bodies
            bodies.append(message.payload)
            message.ack()
