"""Services made of areas: every module of a package imported or registered by convention.

A service's `models/`, `api/` and `handlers/` packages hold one module per
area (leads, opportunities, ...); these functions let the package's
`__init__` pick up every module, so adding an area is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Sequence
from types import ModuleType

import grpc

from services.kit.db import Database


def area_modules(package: str, path: Iterable[str]) -> list[ModuleType]:
    """Import every module of `package` (its `__name__` and `__path__`), in name order."""
    names = sorted(info.name for info in pkgutil.iter_modules(list(path)))
    return [importlib.import_module(f"{package}.{name}") for name in names]


def register_areas(
    package: str, path: Iterable[str], server: grpc.Server, db: Database
) -> Sequence[str]:
    """Call `register(server, db)` of every area module that has one; return the service names."""
    names: list[str] = []
    for module in area_modules(package, path):
        register = getattr(module, "register", None)
        if register is not None:
            names += register(server, db)
    return names
