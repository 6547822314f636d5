"""The committed `salesops/client/resources.py` matches the gateway's OpenAPI document now."""

from __future__ import annotations

import difflib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from salesops.client.resources import OPERATIONS

GENERATOR = Path(__file__).resolve().parents[1] / "generate_sdk.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_sdk", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_sdk", module)
    spec.loader.exec_module(module)
    return module


def test_the_committed_resources_module_is_current() -> None:
    generate_sdk = generator()
    expected = generate_sdk.generate()
    committed = generate_sdk.TARGET.read_text()
    if committed != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    "committed",
                    "generated",
                )
            )[:80]
        )
        raise AssertionError(
            f"salesops/client/resources.py is stale; regenerate: {generate_sdk.REGENERATE}\n{diff}"
        )


def test_every_gateway_operation_under_v1_has_a_method() -> None:
    document = generator().openapi_document()
    in_document = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        for method in item
    }
    assert {(op.http_method, op.path) for op in OPERATIONS} == in_document
