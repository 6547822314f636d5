"""A real gateway over real HTTP for the SDK tests.

`gateway_url` serves the gateway app with uvicorn on an ephemeral port, in a
thread, in front of the real pipeline api (grpcio servicers over a migrated
SQLite database); `token` signs bearer tokens it accepts. The SDK talks to
it exactly as it talks to a deployed gateway.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from jwt.warnings import InsecureKeyLengthWarning

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.tokens import issue_token
from services.kit.db import Database
from services.kit.grpc_server import ApiServer
from services.pipeline import api as pipeline_api


@dataclass(frozen=True)
class ServedGateway:
    url: str
    settings: GatewaySettings
    pipeline_db: Database

    def token(self, subject: str = "mgr-1", role: str = "manager", region: str = "EMEA") -> str:
        """A bearer token of one role in one region, signed as the gateway expects."""
        return issue_token(subject, [role], [region], settings=self.settings)


@contextmanager
def served_gateway(
    tmp_path: Path, migrated: Callable[[str, str], Database], env: Mapping[str, str]
) -> Iterator[ServedGateway]:
    """The gateway app on 127.0.0.1:<ephemeral>, over the real pipeline api, until exit."""
    warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
    pipeline_db = migrated("pipeline", f"sqlite:///{tmp_path / 'pipeline.db'}")
    api = ApiServer(
        "pipeline",
        lambda server: pipeline_api.register(server, pipeline_db),
        pipeline_db.ping,
        port=0,
        host="127.0.0.1",
    )
    api.start()
    settings = GatewaySettings.from_env(
        {
            "SALESOPS_PIPELINE_TARGET": f"127.0.0.1:{api.port}",
            "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30",  # loaded CI machines
            # Anything the gateway keeps on disk stays in this test's directory.
            "SALESOPS_DATA_DIR": str(tmp_path),
            **env,
        }
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    try:
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the gateway did not start within 10 s")
            time.sleep(0.02)
        yield ServedGateway(f"http://127.0.0.1:{port}", settings, pipeline_db)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
        api.stop(grace=1)


@pytest.fixture
def gateway(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Iterator[ServedGateway]:
    """The gateway with its default settings."""
    with served_gateway(tmp_path, migrated, {}) as served:
        yield served


@pytest.fixture
def rate_limited_gateway(
    tmp_path: Path, migrated: Callable[[str, str], Database]
) -> Iterator[ServedGateway]:
    """The gateway allowing each caller one request per second, with no burst beyond it."""
    env = {"SALESOPS_GATEWAY_RATE_PER_SECOND": "1", "SALESOPS_GATEWAY_RATE_BURST": "1"}
    with served_gateway(tmp_path, migrated, env) as served:
        yield served
