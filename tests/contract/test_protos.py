"""The proto contract: generated code is fresh, buf is satisfied, modules import.

The protos under protos/salesops are the source of truth for every API and
event payload; these checks keep the committed generated code and the proto
tree in the shape the services and the gateway rely on.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTOS = REPO_ROOT / "protos"
BUF = REPO_ROOT / ".tools" / "node_modules" / ".bin" / "buf"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit code {result.returncode}\n{result.stdout}{result.stderr}"


def _buf() -> str:
    if not BUF.is_file():
        pytest.fail(f"buf is not installed at {BUF}: run `make setup`")
    return str(BUF)


def _generated_modules() -> list[str]:
    modules = [
        ".".join(path.relative_to(PROTOS).with_suffix("").parts)
        for path in sorted((PROTOS / "salesops").rglob("*.py"))
        if path.name.endswith(("_pb2.py", "_pb2_grpc.py"))
    ]
    assert modules, f"no generated modules under {PROTOS / 'salesops'}: run `make protos`"
    return modules


def test_generated_code_is_in_sync() -> None:
    result = _run([sys.executable, "protos/generate.py", "--check"], cwd=REPO_ROOT)
    assert result.returncode == 0, _output(result)


def test_buf_lint_passes() -> None:
    result = _run([_buf(), "lint"], cwd=PROTOS)
    assert result.returncode == 0, _output(result)


def test_buf_format() -> None:
    result = _run([_buf(), "format", "--diff", "--exit-code"], cwd=PROTOS)
    assert result.returncode == 0, "run `buf format -w` in protos/, then `make protos`\n" + _output(
        result
    )


@pytest.mark.parametrize("module_name", _generated_modules())
def test_generated_modules_import(module_name: str) -> None:
    module = importlib.import_module(module_name)
    expected_file = PROTOS.joinpath(*module_name.split(".")).with_suffix(".py")
    assert Path(module.__file__ or "").resolve() == expected_file, (
        f"{module_name} was imported from {module.__file__}, not from {expected_file}"
    )
    if not module_name.endswith("_pb2"):
        return
    descriptor = module.DESCRIPTOR
    assert descriptor.package.startswith("salesops."), (
        f"{descriptor.name} declares package {descriptor.package!r}; expected salesops.<...>"
    )
    package_dir = descriptor.package.replace(".", "/")
    proto_dir = str(Path(descriptor.name).parent)
    assert proto_dir == package_dir, (
        f"{descriptor.name} declares package {descriptor.package}: it must live in {package_dir}/"
    )
    assert module_name.rpartition(".")[0] == descriptor.package, (
        f"module {module_name} does not mirror package {descriptor.package}"
    )
