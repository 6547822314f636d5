"""The pipeline gRPC API: one module per area, each with `register(server, db) -> names`."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

import grpc

from services.kit.db import Database


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add every area's servicers to `server`; return their full service names."""
    names: list[str] = []
    for module in pkgutil.iter_modules(__path__):
        area = importlib.import_module(f"{__name__}.{module.name}")
        names += area.register(server, db)
    return names
