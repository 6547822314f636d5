"""The training gRPC API: one module per area, each with `register(server, db) -> names`."""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from services.kit.areas import register_areas
from services.kit.db import Database


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add every area's servicers to `server`; return their full service names."""
    return register_areas(__name__, __path__, server, db)
