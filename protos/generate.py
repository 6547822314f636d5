"""Regenerate the Python code beside every .proto under protos/.

Run as `python protos/generate.py` (or `make protos`). With `--check` it
generates into a temporary folder and fails when the committed files differ,
so stale generated code cannot land.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi")


def proto_files() -> list[Path]:
    return sorted(p.relative_to(ROOT) for p in (ROOT / "salesops").rglob("*.proto"))


def generate(out: Path) -> None:
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    protoc_gen_mypy = shutil.which("protoc-gen-mypy", path=str(Path(sys.executable).parent))
    protoc_gen_mypy_grpc = shutil.which(
        "protoc-gen-mypy_grpc", path=str(Path(sys.executable).parent)
    )
    if not protoc_gen_mypy or not protoc_gen_mypy_grpc:
        sys.exit("mypy-protobuf is not installed in this environment: run `make setup`")
    args = [
        "grpc_tools.protoc",
        f"-I{ROOT}",
        f"-I{well_known}",
        f"--plugin=protoc-gen-mypy={protoc_gen_mypy}",
        f"--plugin=protoc-gen-mypy_grpc={protoc_gen_mypy_grpc}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *[str(p) for p in proto_files()],
    ]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")


def generated_files(base: Path) -> set[Path]:
    return {
        p.relative_to(base)
        for p in (base / "salesops").rglob("*")
        if p.is_file() and p.name.endswith(GENERATED_SUFFIXES)
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if generated code is stale")
    args = parser.parse_args()
    if not args.check:
        for stale in generated_files(ROOT):
            (ROOT / stale).unlink()
        generate(ROOT)
        print(f"generated {len(generated_files(ROOT))} files under {ROOT / 'salesops'}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        want, have = generated_files(fresh), generated_files(ROOT)
        problems = [f"missing: {p}" for p in sorted(want - have)]
        problems += [f"not generated from any .proto: {p}" for p in sorted(have - want)]
        problems += [
            f"stale: {p}"
            for p in sorted(want & have)
            if not filecmp.cmp(fresh / p, ROOT / p, shallow=False)
        ]
    if problems:
        print("generated code is out of date; run `make protos`:", *problems, sep="\n  ")
        return 1
    print("generated code is in sync with the protos")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
