"""Reaching a platform for the demo: use the running one, or start `salesops run`; tokens.

The demo talks to the gateway only. When nothing answers at the gateway's
`/readyz`, it starts `salesops run` (the command `make run` runs) in the
background, logging to a file, and leaves it running afterwards so the
figures can be looked at; `StartedPlatform.stop_hint` says how to stop it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

# Sign a bearer token for (subject, roles, regions).
TokenIssuer = Callable[[str, list[str], list[str]], str]


class PlatformUnavailable(RuntimeError):
    """No gateway answered and none could be started."""


@dataclass(frozen=True)
class StartedPlatform:
    """A `salesops run` the demo started in the background."""

    pid: int
    log_path: Path

    @property
    def stop_hint(self) -> str:
        """One line telling the user how to stop it."""
        return f"kill -TERM {self.pid}   (its logs: {self.log_path})"


def gateway_ready(base_url: str, timeout: float = 2.0) -> bool:
    """Whether the gateway at `base_url` answers /readyz with 200."""
    try:
        return httpx.get(f"{base_url}/readyz", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def salesops_command() -> str:
    """The `salesops` executable: beside this Python (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / "salesops"
    if beside.exists():
        return str(beside)
    found = shutil.which("salesops")
    if found is None:
        raise PlatformUnavailable(
            "the `salesops` command is not installed here: run `make setup` (or `make demo`) "
            "in the salesops repository, or start the platform yourself with `make run`"
        )
    return found


def start_platform(
    base_url: str, log_path: Path, timeout: float = 120.0, say: Callable[[str], None] = print
) -> StartedPlatform:
    """Start `salesops run` in the background and wait until the gateway is ready."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    say(f"no platform answers at {base_url}; starting `salesops run` (logs: {log_path})")
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [salesops_command(), "run"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # it outlives the demo, and Ctrl-C here does not stop it
        )
    deadline = time.monotonic() + timeout
    while not gateway_ready(base_url):
        if process.poll() is not None:
            raise PlatformUnavailable(
                f"`salesops run` exited with {process.returncode} before the gateway was "
                f"ready; see {log_path}"
            )
        if time.monotonic() > deadline:
            raise PlatformUnavailable(
                f"the gateway at {base_url} was not ready {timeout:.0f} s after `salesops run` "
                f"started (pid {process.pid}); see {log_path}"
            )
        time.sleep(0.5)
    return StartedPlatform(process.pid, log_path)


def command_token_issuer(ttl_seconds: int = 4 * 3600) -> TokenIssuer:
    """Tokens from `salesops token` (development mode: signed with the local secret)."""
    command = salesops_command()

    def issue(subject: str, roles: list[str], regions: list[str]) -> str:
        result = subprocess.run(
            [
                *(command, "token", "--subject", subject, "--roles", ",".join(roles)),
                *("--regions", ",".join(regions), "--ttl", str(ttl_seconds)),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=os.environ.copy(),
            check=False,
        )
        if result.returncode != 0:
            raise PlatformUnavailable(
                f"`salesops token` refused a token for {subject}: {result.stderr.strip()} "
                "(the demo needs a platform in development mode)"
            )
        return result.stdout.strip()

    return issue
