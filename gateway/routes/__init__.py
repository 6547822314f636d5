"""The gateway's routes: one module per resource, each with an APIRouter named `router`."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

# Operations (health, readiness, metrics) first, then resources in name order.
FIRST = ("operations",)


def routers() -> list[APIRouter]:
    """Every module's `router`, in a stable order (so the OpenAPI document is stable)."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    ordered = [n for n in FIRST if n in names] + [n for n in names if n not in FIRST]
    found = []
    for name in ordered:
        module = importlib.import_module(f"{__name__}.{name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found
