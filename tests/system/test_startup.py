"""Processes refuse to start wrongly configured, and say what to do about it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.system import harness

pytestmark = pytest.mark.system


def salesops(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SALESOPS_")}
    return subprocess.run(
        [*harness.salesops_command(), *args],
        env={**clean, **env},
        cwd=harness.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_api_refuses_an_unmigrated_database_and_says_how_to_migrate(tmp_path: Path) -> None:
    result = salesops("api", "pipeline", env={"SALESOPS_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "salesops migrate pipeline" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_setting_stops_the_process_naming_the_variable(tmp_path: Path) -> None:
    result = salesops(
        "migrate",
        "all",
        env={"SALESOPS_DATA_DIR": str(tmp_path), "SALESOPS_CUSTOMERS_DATABASE_URL": "mysql://x"},
    )
    assert result.returncode != 0
    assert "SALESOPS_CUSTOMERS_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path) -> None:
    [closed] = harness.free_ports(1)
    url = f"postgresql://salesops:s3cret@127.0.0.1:{closed}/pipeline"
    result = salesops("api", "pipeline", env={"SALESOPS_PIPELINE_DATABASE_URL": url})
    assert result.returncode != 0
    assert f"127.0.0.1:{closed}/pipeline" in result.stderr
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr


def test_development_tokens_are_refused_in_production() -> None:
    args = ("token", "--subject", "alice", "--roles", "manager", "--regions", "EMEA")
    assert salesops(*args, env={}).returncode == 0
    refused = salesops(*args, env={"SALESOPS_ENV": "production", "SALESOPS_JWT_SECRET": "x" * 40})
    assert refused.returncode != 0 and "production" in refused.stderr
    assert refused.stdout == ""
