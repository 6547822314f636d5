"""A gateway in front of the REAL customers api (grpcio, servicers, a migrated SQLite database).

The worker's handlers run on the same database through `worker_factory`, so
planning's reps and the pipeline's contracts reach the service as events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nameko.testing.services import worker_factory

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.tokens import issue_token
from services.customers import api as customers_api
from services.customers.worker import Worker
from services.kit.db import Database
from services.kit.grpc_server import ApiServer

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def customers_db(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("customers", f"sqlite:///{tmp_path / 'customers.db'}")


@pytest.fixture
def customers_worker(customers_db: Database) -> Any:
    return worker_factory(Worker, db=customers_db)


@pytest.fixture
def customers_target(customers_db: Database) -> Iterator[str]:
    """The real customers api on an ephemeral port; its host:port."""
    server = ApiServer(
        "customers",
        lambda s: customers_api.register(s, customers_db),
        customers_db.ping,
        port=0,
        host="127.0.0.1",
    )
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop(grace=1)


@pytest.fixture
def customers_settings(customers_target: str) -> GatewaySettings:
    return GatewaySettings.from_env(
        {
            # Never called by these tests; an address nothing listens on.
            "SALESOPS_PIPELINE_TARGET": "127.0.0.1:9",
            "SALESOPS_CUSTOMERS_TARGET": customers_target,
            "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30",  # loaded CI machines
        }
    )


@pytest.fixture
def customers_client(customers_settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(customers_settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def customers_token(customers_settings: GatewaySettings) -> Headers:
    """Authorization headers for a subject with the given roles and regions."""

    def headers(
        subject: str = "rep-1",
        roles: tuple[str, ...] = ("rep",),
        regions: tuple[str, ...] = ("EMEA",),
    ) -> dict[str, str]:
        signed = issue_token(subject, list(roles), list(regions), settings=customers_settings)
        return {"Authorization": f"Bearer {signed}"}

    return headers
