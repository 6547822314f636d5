"""Fixtures of the system tests: the whole platform on PostgreSQL and a vhost of its own.

`platform` (session-scoped) creates two fresh PostgreSQL databases and a
RabbitMQ vhost, migrates, starts both apis, both workers and the gateway on
free ports, and waits for /readyz. At teardown it stops every process with
SIGTERM (failing if one does not exit cleanly within the grace period) and
drops what it created. When a test fails, the tail of every process's log is
attached to its report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.system import harness


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    if report.failed:
        for running in harness.LIVE:
            report.sections.append((f"logs of {running.name}", running.logs()))
    return report


@pytest.fixture(scope="session")
def infrastructure() -> None:
    """PostgreSQL and RabbitMQ must be there: a missing one fails the suite, never skips it."""
    try:
        harness.check_infrastructure()
    except harness.InfrastructureMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def databases(infrastructure: None) -> Iterator[harness.PostgresDatabases]:
    dbs = harness.PostgresDatabases().create()
    try:
        yield dbs
    finally:
        dbs.drop()


@pytest.fixture(scope="session")
def vhost(infrastructure: None) -> Iterator[harness.Vhost]:
    created = harness.Vhost().create()
    try:
        yield created
    finally:
        created.delete()


@pytest.fixture(scope="session")
def platform(
    databases: harness.PostgresDatabases,
    vhost: harness.Vhost,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[harness.Platform]:
    workdir = tmp_path_factory.mktemp("platform")
    with harness.running_platform("shared", vhost.amqp_uri, workdir, databases) as running:
        yield running
