"""Typed settings from environment variables, and the table of services.

Every setting has a sane local default so `make run` works on a laptop; a
value that is present but invalid stops the process with a message naming the
variable and what it accepts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(SystemExit):
    """A setting is missing or invalid; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"configuration error: {variable} {problem}")


@dataclass(frozen=True)
class ServiceSpec:
    """A service's name and its default ports (see ARCHITECTURE.md, Processes)."""

    name: str
    grpc_port: int
    api_metrics_port: int
    worker_metrics_port: int

    @property
    def env_prefix(self) -> str:
        return f"SALESOPS_{self.name.upper()}_"


# The services that exist. Adding one here makes `make run`, `salesops migrate all`
# and the gateway's readiness aware of it.
SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec("planning", 50051, 9101, 9111),
        ServiceSpec("pipeline", 50052, 9102, 9112),
        ServiceSpec("customers", 50053, 9103, 9113),
        ServiceSpec("performance", 50054, 9104, 9114),
        ServiceSpec("training", 50055, 9105, 9115),
    )
}

GATEWAY_PORT = 8080


def service_spec(name: str) -> ServiceSpec:
    """The spec of a service by name, or a ConfigError listing the known ones."""
    try:
        return SERVICES[name]
    except KeyError:
        raise ConfigError("service", f"'{name}' is unknown; known: {', '.join(SERVICES)}") from None


def _read(
    env: Mapping[str, str], name: str, default: T, parse: Callable[[str], T], accepts: str
) -> T:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except (TypeError, ValueError):
        raise ConfigError(name, f"is {raw!r}; expected {accepts}") from None


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 65535:
        raise ValueError(raw)
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError(raw)
    return value


def _month(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 12:
        raise ValueError(raw)
    return value


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


def _database_url(raw: str) -> str:
    if not raw.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
        raise ValueError(raw)
    if raw.startswith("postgresql://"):
        # psycopg 3 is the driver salesops ships with.
        return "postgresql+psycopg://" + raw[len("postgresql://") :]
    return raw


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError(raw)
    return level


def _environment(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"development", "production"}:
        raise ValueError(raw)
    return value


@dataclass(frozen=True)
class Settings:
    """Settings of one process. Build it with `Settings.from_env()`."""

    environment: str
    amqp_uri: str
    fiscal_year_start_month: int
    log_level: str
    data_dir: Path
    shutdown_grace_seconds: float
    outbox_poll_seconds: float
    env: Mapping[str, str]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("SALESOPS_DATA_DIR") or PROJECT_ROOT / "var")
        return cls(
            environment=_read(
                env, "SALESOPS_ENV", "development", _environment, "development or production"
            ),
            amqp_uri=_read(
                env,
                "SALESOPS_AMQP_URI",
                "amqp://guest:guest@127.0.0.1:5672/",
                _amqp_uri,
                "an amqp:// URI",
            ),
            fiscal_year_start_month=_read(
                env, "SALESOPS_FISCAL_YEAR_START_MONTH", 1, _month, "a month number 1-12"
            ),
            log_level=_read(
                env, "SALESOPS_LOG_LEVEL", "INFO", _log_level, "DEBUG, INFO, WARNING or ERROR"
            ),
            data_dir=data_dir,
            shutdown_grace_seconds=_read(
                env, "SALESOPS_SHUTDOWN_GRACE_SECONDS", 10.0, _positive_float, "a positive number"
            ),
            outbox_poll_seconds=_read(
                env, "SALESOPS_OUTBOX_POLL_SECONDS", 1.0, _positive_float, "a positive number"
            ),
            env=env,
        )

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def database_url(self, service: str) -> str:
        """`SALESOPS_<SERVICE>_DATABASE_URL`, or a SQLite file under the data dir."""
        spec = service_spec(service)
        return self.database_url_setting(spec.env_prefix + "DATABASE_URL", service + ".db")

    def database_url_setting(self, variable: str, default_file: str) -> str:
        """The database URL in `variable` (psycopg 3 as PostgreSQL's driver), else a SQLite
        file of that name under the data dir; any other URL stops start-up naming `variable`."""
        default = f"sqlite:///{self.data_dir / default_file}"
        return _read(
            self.env, variable, default, _database_url, "a sqlite:/// or postgresql:// URL"
        )

    def grpc_port(self, service: str) -> int:
        spec = service_spec(service)
        return _read(
            self.env, spec.env_prefix + "GRPC_PORT", spec.grpc_port, _port, "a port 0-65535"
        )

    def api_metrics_port(self, service: str) -> int:
        spec = service_spec(service)
        return _read(
            self.env,
            spec.env_prefix + "METRICS_PORT",
            spec.api_metrics_port,
            _port,
            "a port 0-65535",
        )

    def worker_metrics_port(self, service: str) -> int:
        spec = service_spec(service)
        return _read(
            self.env,
            spec.env_prefix + "WORKER_METRICS_PORT",
            spec.worker_metrics_port,
            _port,
            "a port 0-65535",
        )

    def grpc_target(self, service: str) -> str:
        """Where clients (the gateway) reach a service's api: `SALESOPS_<SERVICE>_TARGET`."""
        spec = service_spec(service)
        return _read(
            self.env,
            spec.env_prefix + "TARGET",
            f"127.0.0.1:{self.grpc_port(service)}",
            _target,
            "host:port",
        )

    def flag(self, name: str, default: bool) -> bool:
        return _read(self.env, name, default, _bool, "true or false")

    def value(self, name: str, default: str) -> str:
        return _read(self.env, name, default, str, "a string")


def _amqp_uri(raw: str) -> str:
    if not raw.startswith(("amqp://", "amqps://")):
        raise ValueError(raw)
    return raw


def _target(raw: str) -> str:
    host, _, port = raw.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(raw)
    return raw
