"""Pytest fixtures every service's tests share (registered by the root conftest.py).

- `database_url`: a fresh database, once on SQLite and once on PostgreSQL;
  PostgreSQL must be running, otherwise the test fails and says so.
- `migrated(service, url)`: that database migrated to the service's head.
- `serve_api(service, db)`: the service's real grpcio api on an ephemeral port.
- `caller(...)`: gRPC metadata for a caller, as the gateway would send it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import psycopg
import pytest
from google.protobuf.message import Message
from psycopg import sql

from services.kit.db import Database
from services.kit.events import build_envelope
from services.kit.identity import Caller
from services.kit.migrations import migrate
from services.kit.rep_directory import RepDirectoryColumns

POSTGRES_ADMIN_URL = os.environ.get(
    "SALESOPS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def postgres_admin() -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to the test PostgreSQL server, or a loud failure."""
    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({exc}). The service tests "
            "run on PostgreSQL too: start it (`.ci/run` does) or set SALESOPS_TEST_POSTGRES_URL.",
            pytrace=False,
        )


@contextmanager
def postgres_database(prefix: str = "salesops_test", create: bool = True) -> Iterator[str]:
    """A throwaway PostgreSQL database's SQLAlchemy URL; dropped after.

    With `create` False only the name is reserved: `migrated` creates it as a copy of its
    service's template (creating an empty one first would cost as much again).
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if create:
        with postgres_admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with postgres_admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, empty database URL: once SQLite, once PostgreSQL.

    A test that also asks for `migrated` gets its PostgreSQL database from it, as a copy
    of the migrated template, so the empty one is not made first.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'service.db'}"
        return
    with postgres_database(create="migrated" not in request.fixturenames) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[dict[str, str]]:
    """Per service, a PostgreSQL database migrated once per session to copy from.

    Running every migration for every PostgreSQL test costs over a second a
    test; `CREATE DATABASE ... TEMPLATE` copies a migrated one in a fraction
    of that, and the migrations themselves are still run (once per session,
    and by the migration tests on their own).
    """
    templates: dict[str, str] = {}
    yield templates
    with postgres_admin() as admin:
        for name in templates.values():
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _copy_of_template(templates: dict[str, str], service: str, url: str) -> None:
    """Replace the empty database at `url` with a copy of `service`'s migrated template."""
    base, name = url.rsplit("/", 1)
    if service not in templates:
        template = f"salesops_template_{service}_{uuid.uuid4().hex[:8]}"
        with postgres_admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
        templates[service] = template
        migrate(service, f"{base}/{template}")
    with postgres_admin() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(templates[service])
            )
        )


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Per service, a SQLite file migrated once per session to copy from.

    The same shortcut as `postgres_templates`: running every migration costs
    half a second a test, copying the migrated file a millisecond.
    """
    return {}


def _copy_of_sqlite_template(
    templates: dict[str, Path], folder: Path, service: str, url: str
) -> None:
    """Put a copy of `service`'s migrated SQLite template at `url` (a file not yet there)."""
    target = Path(url.removeprefix("sqlite:///"))
    if service not in templates:
        template = folder / f"{service}-{uuid.uuid4().hex[:8]}.db"
        migrate(service, f"sqlite:///{template}")
        # Everything in the file itself, nothing left in a write-ahead log beside it.
        with closing(sqlite3.connect(template)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        templates[service] = template
    shutil.copyfile(templates[service], target)


@pytest.fixture
def migrated(
    postgres_templates: dict[str, str],
    sqlite_templates: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str, str], Database]]:
    """Factory: migrate `url` for `service` and return its Database (disposed after)."""
    opened: list[Database] = []

    def open_migrated(service: str, url: str) -> Database:
        if url.startswith("postgresql"):
            _copy_of_template(postgres_templates, service, url)
        elif _is_new_sqlite_file(url):
            folder = tmp_path_factory.getbasetemp() / "sqlite-templates"
            folder.mkdir(exist_ok=True)
            _copy_of_sqlite_template(sqlite_templates, folder, service, url)
        else:
            migrate(service, url)
        db = Database(url, service, pool_size=4)
        opened.append(db)
        return db

    yield open_migrated
    for db in opened:
        db.dispose()


@pytest.fixture
def serve_api() -> Iterator[Callable[[str, Database], grpc.Channel]]:
    """Factory: run `service`'s real api over `db` on an ephemeral port; return a channel."""
    import importlib

    from services.kit.grpc_server import ApiServer

    servers: list[ApiServer] = []
    channels: list[grpc.Channel] = []

    def start(service: str, db: Database) -> grpc.Channel:
        module = importlib.import_module(f"services.{service}.api")
        server = ApiServer(
            service, lambda s: module.register(s, db), db.ping, port=0, host="127.0.0.1"
        )
        server.start()
        servers.append(server)
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        channels.append(channel)
        return channel

    yield start
    for channel in channels:
        channel.close()
    for server in servers:
        server.stop(grace=1)


def _is_new_sqlite_file(url: str) -> bool:
    """A SQLite URL naming a file that does not exist yet (not :memory:, not a URI)."""
    if not url.startswith("sqlite:///") or "?" in url or url.endswith(":memory:"):
        return False
    return not Path(url.removeprefix("sqlite:///")).exists()


def caller(
    subject: str = "alice", roles: str = "manager", regions: str = "EMEA"
) -> list[tuple[str, str]]:
    """gRPC metadata for a caller, as the gateway sends it after verifying a token."""
    return Caller(
        subject,
        frozenset(r for r in roles.split(",") if r),
        frozenset(r for r in regions.split(",") if r),
    ).metadata()


RABBITMQ_HOST_URI = os.environ.get("SALESOPS_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672")


def _rabbitmqctl(*args: str) -> None:
    import subprocess

    result = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        output = result.stderr.strip() or result.stdout.strip()
        pytest.fail(
            f"`rabbitmqctl {' '.join(args)}` failed: {output}"
            " — RabbitMQ must be running for these tests (`.ci/run` starts it).",
            pytrace=False,
        )


@contextmanager
def rabbitmq_vhost(prefix: str = "salesops-test") -> Iterator[str]:
    """A throwaway vhost on the machine's RabbitMQ; yields its AMQP URI; deleted after."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield f"{RABBITMQ_HOST_URI}/{name}"
    finally:
        _rabbitmqctl("delete_vhost", name)


@pytest.fixture(scope="session")
def amqp_uri() -> Iterator[str]:
    """An AMQP URI on a vhost of its own for this test session."""
    with rabbitmq_vhost() as uri:
        yield uri


# --- building test data ----------------------------------------------------------------------


def rfc3339(at: datetime) -> str:
    """`at` as the envelopes write instants: UTC with a Z."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_envelope(
    event_type: str, payload: Message, *, at: datetime, region: str = "EMEA"
) -> dict[str, Any]:
    """An event envelope exactly as its publisher writes it, occurring at `at`."""
    built = build_envelope(event_type, payload, region=region, caller=None)
    built["occurred_at"] = rfc3339(at)
    return built


def add_reps(
    db: Database,
    rep_model: Callable[..., RepDirectoryColumns],
    rows: Iterable[tuple[str, str, str, str, str]],
    *,
    at: datetime,
) -> None:
    """Reps given as (rep_id, region, team, manager, role) written to a service's rep directory.

    Straight to the table, as if planning's events had arrived at `at`; the
    directory's event handlers are the kit's and are tested there.
    """
    with db.transaction() as session:
        for rep_id, region, team, manager, role in rows:
            session.add(
                rep_model(
                    rep_id=rep_id,
                    name=rep_id,
                    email=f"{rep_id}@example.com",
                    region=region,
                    team_id=team,
                    manager_id=manager,
                    role=role,
                    status="active",
                    capacity=20,
                    source_occurred_at=at,
                )
            )
