"""A gateway in front of the REAL pipeline api (grpcio, servicers, a migrated SQLite database).

The fake upstreams of conftest.py test the gateway's plumbing; lead import,
assignment and the SLA settings are checked end to end against the service
that implements them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.tokens import issue_token
from services.kit.db import Database
from services.kit.grpc_server import ApiServer
from services.pipeline import api as pipeline_api

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def pipeline_db(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", f"sqlite:///{tmp_path / 'pipeline.db'}")


@pytest.fixture
def pipeline_target(pipeline_db: Database) -> Iterator[str]:
    """The real pipeline api on an ephemeral port; its host:port."""
    server = ApiServer(
        "pipeline",
        lambda s: pipeline_api.register(s, pipeline_db),
        pipeline_db.ping,
        port=0,
        host="127.0.0.1",
    )
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop(grace=1)


@pytest.fixture
def real_settings(pipeline_target: str) -> GatewaySettings:
    return GatewaySettings.from_env(
        {
            "SALESOPS_PIPELINE_TARGET": pipeline_target,
            # Never called by these tests; an address nothing listens on.
            "SALESOPS_CUSTOMERS_TARGET": "127.0.0.1:9",
            "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30",  # loaded CI machines
        }
    )


@pytest.fixture
def real_client(real_settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(real_settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def token(real_settings: GatewaySettings) -> Headers:
    """Authorization headers for a subject with the given roles and regions."""

    def headers(
        subject: str = "mgr-1",
        roles: tuple[str, ...] = ("manager",),
        regions: tuple[str, ...] = ("EMEA",),
    ) -> dict[str, str]:
        signed = issue_token(subject, list(roles), list(regions), settings=real_settings)
        return {"Authorization": f"Bearer {signed}"}

    return headers
