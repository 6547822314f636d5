"""`salesctl` profiles: which gateway, which region and which token, kept in one TOML file.

The file is `$SALESCTL_CONFIG`, else `$XDG_CONFIG_HOME/salesops/salesctl.toml`
(`~/.config/salesops/salesctl.toml`). It holds bearer tokens, so it is written
with mode 0600, atomically (a temporary file in the same directory, renamed):

    current = "emea"

    [profiles.emea]
    gateway = "https://salesops.example.com"
    region = "EMEA"
    token = "eyJ..."
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_ENV = "SALESCTL_CONFIG"
TOKEN_ENV = "SALESOPS_TOKEN"


class ProfileError(Exception):
    """The configuration file or a profile is missing or unusable; the message says which."""


@dataclass
class Profile:
    """One gateway and region, and the token used there."""

    name: str
    gateway: str
    region: str = ""
    token: str = ""


def config_path() -> Path:
    """Where the profiles live (see the module docstring)."""
    explicit = os.environ.get(CONFIG_ENV, "")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME", "") or str(Path.home() / ".config")
    return Path(base) / "salesops" / "salesctl.toml"


def valid_gateway(url: str) -> str:
    """The gateway URL without a trailing slash; ProfileError unless it is http(s)://host."""
    url = url.strip().rstrip("/")
    scheme, _, rest = url.partition("://")
    if scheme not in {"http", "https"} or not rest:
        raise ProfileError(f"gateway {url!r} is not an http:// or https:// URL")
    return url


class ProfileStore:
    """The profiles file: read on demand, written whole."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_path()
        self.current = ""
        self.profiles: dict[str, Profile] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ProfileError(f"cannot read {self.path}: {exc}") from None
        self.current = str(data.get("current", ""))
        for name, values in (data.get("profiles") or {}).items():
            if not isinstance(values, dict) or not values.get("gateway"):
                raise ProfileError(f"{self.path}: profile {name!r} has no gateway")
            self.profiles[name] = Profile(
                name=name,
                gateway=str(values["gateway"]),
                region=str(values.get("region", "")),
                token=str(values.get("token", "")),
            )

    def add(self, name: str, gateway: str, region: str = "") -> Profile:
        """Add or change a profile (its token is kept); the first profile becomes current."""
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise ProfileError(f"profile name {name!r}: use letters, digits, '-' and '_'")
        previous = self.profiles.get(name)
        profile = Profile(name, valid_gateway(gateway), region, previous.token if previous else "")
        self.profiles[name] = profile
        if not self.current:
            self.current = name
        return profile

    def use(self, name: str) -> Profile:
        """Make `name` the current profile."""
        profile = self.get(name)
        self.current = name
        return profile

    def remove(self, name: str) -> None:
        """Forget a profile (and its token)."""
        self.get(name)
        del self.profiles[name]
        if self.current == name:
            self.current = next(iter(self.profiles), "")

    def get(self, name: str | None = None) -> Profile:
        """The named profile, else the current one; ProfileError saying how to add one."""
        wanted = name or self.current
        if not wanted:
            raise ProfileError(
                "no profile: add one with `salesctl profile add NAME --gateway URL --region R`"
            )
        if wanted not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ProfileError(f"no profile {wanted!r} in {self.path} (known: {known})")
        return self.profiles[wanted]

    def save(self) -> None:
        """Write the file with mode 0600, replacing the old one atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"current = {_toml_string(self.current)}", ""]
        for profile in self.profiles.values():
            lines.append(f"[profiles.{_toml_key(profile.name)}]")
            lines.append(f"gateway = {_toml_string(profile.gateway)}")
            lines.append(f"region = {_toml_string(profile.region)}")
            if profile.token:
                lines.append(f"token = {_toml_string(profile.token)}")
            lines.append("")
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".salesctl-")
        try:
            # mkstemp creates the file 0600 already; chmod says so for the reader.
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write("\n".join(lines))
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _toml_string(value: str) -> str:
    # A JSON string with ASCII escapes is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=True)


def _toml_key(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() else _toml_string(name)
