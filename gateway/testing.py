"""Test support: the gateway in front of a real service api, and tokens it accepts.

Service tests of gateway routes use these, so every one of them runs the
real grpcio server and servicers of the service on an ephemeral port, over
the database the test prepared, and the real FastAPI app in front of it.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from jwt.warnings import InsecureKeyLengthWarning

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.tokens import issue_token
from services.kit.db import Database
from services.kit.grpc_server import ApiServer


@contextmanager
def upstream_settings(service: str, database: Database) -> Iterator[GatewaySettings]:
    """Gateway settings pointing at the real `service` api, served over `database` meanwhile."""
    # The development secret is short on purpose; tests sign with it.
    warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
    register = importlib.import_module(f"services.{service}.api").register
    server = ApiServer(
        service, lambda s: register(s, database), database.ping, port=0, host="127.0.0.1"
    )
    server.start()
    try:
        yield GatewaySettings.from_env(
            {
                f"SALESOPS_{service.upper()}_TARGET": f"127.0.0.1:{server.port}",
                "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30",  # loaded CI machines
            }
        )
    finally:
        server.stop(grace=1)


@contextmanager
def gateway_over(service: str, database: Database) -> Iterator[tuple[TestClient, GatewaySettings]]:
    """The gateway app, and its settings, in front of the real `service` api over `database`."""
    with (
        upstream_settings(service, database) as settings,
        TestClient(create_app(settings), raise_server_exceptions=False) as client,
    ):
        yield client, settings


def bearer(
    settings: GatewaySettings, subject: str, role: str, region: str = "EMEA"
) -> dict[str, str]:
    """An Authorization header for one role in one region, signed as the gateway expects."""
    token = issue_token(subject, [role], [region], settings=settings)
    return {"Authorization": f"Bearer {token}"}
