"""The gateway's settings, read from the environment once at start-up.

Token verification runs in one of two modes. Development signs and verifies
HS256 with a shared secret (a well-known default is allowed outside
production). Production verifies RS256 with a public key from
`SALESOPS_JWT_PUBLIC_KEY_FILE`; the private key lives with the identity
provider, so the gateway cannot mint tokens there. A value that is present but
invalid stops the process with a message naming the variable.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.warnings import InsecureKeyLengthWarning

from services.kit.config import GATEWAY_PORT, SERVICES, ConfigError, Settings

DEV_JWT_SECRET = "salesops-dev-secret-change-me"
# RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output.
MIN_HS256_SECRET_BYTES = 32
MAX_LEEWAY_SECONDS = 300

# The development default secret is shorter than MIN_HS256_SECRET_BYTES, and PyJWT
# warns about that on every sign and verify. Production refuses short secrets
# outright (see _jwt_secret), so the per-call warning adds only noise.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)


@dataclass(frozen=True)
class GatewaySettings:
    """Everything the gateway needs; build it with `GatewaySettings.from_env()`."""

    base: Settings
    host: str
    port: int
    jwt_algorithm: str  # "HS256" (shared secret) or "RS256" (public key)
    jwt_secret: str | None
    jwt_public_key_pem: bytes | None
    jwt_issuer: str
    jwt_audience: str
    jwt_leeway_seconds: int
    upstream_targets: Mapping[str, str]
    upstream_timeout_seconds: float
    readiness_timeout_seconds: float = 1.0
    max_body_bytes: int = 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> GatewaySettings:
        """Read and check every gateway setting; raise ConfigError naming a bad variable."""
        base = Settings.from_env(env)
        values = base.env
        public_key_pem = _public_key_pem(values.get("SALESOPS_JWT_PUBLIC_KEY_FILE", ""))
        secret = None if public_key_pem else _jwt_secret(values, base.production)
        return cls(
            base=base,
            host=base.value("SALESOPS_GATEWAY_HOST", "0.0.0.0"),
            port=_int_in_range(values, "SALESOPS_GATEWAY_PORT", GATEWAY_PORT, 0, 65535),
            jwt_algorithm="RS256" if public_key_pem else "HS256",
            jwt_secret=secret,
            jwt_public_key_pem=public_key_pem,
            jwt_issuer=_non_blank(values, "SALESOPS_JWT_ISSUER", "salesops"),
            jwt_audience=_non_blank(values, "SALESOPS_JWT_AUDIENCE", "salesops-api"),
            jwt_leeway_seconds=_int_in_range(
                values, "SALESOPS_JWT_LEEWAY_SECONDS", 30, 0, MAX_LEEWAY_SECONDS
            ),
            upstream_targets={name: base.grpc_target(name) for name in SERVICES},
            upstream_timeout_seconds=_positive_seconds(
                values, "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS", 5.0
            ),
        )

    @property
    def production(self) -> bool:
        return self.base.production

    @property
    def shutdown_grace_seconds(self) -> float:
        return self.base.shutdown_grace_seconds

    @property
    def log_level(self) -> str:
        return self.base.log_level

    @property
    def may_issue_tokens(self) -> bool:
        """Local token issuing is for development only: never with production keys."""
        return self.jwt_algorithm == "HS256" and not self.production


def _jwt_secret(env: Mapping[str, str], production: bool) -> str:
    secret = env.get("SALESOPS_JWT_SECRET", "")
    if not secret:
        if production:
            raise ConfigError(
                "SALESOPS_JWT_SECRET",
                "is not set; production needs SALESOPS_JWT_PUBLIC_KEY_FILE (RS256) "
                f"or a secret of at least {MIN_HS256_SECRET_BYTES} bytes",
            )
        return DEV_JWT_SECRET
    if production and (secret == DEV_JWT_SECRET or len(secret.encode()) < MIN_HS256_SECRET_BYTES):
        raise ConfigError(
            "SALESOPS_JWT_SECRET",
            f"must be a private secret of at least {MIN_HS256_SECRET_BYTES} bytes in production",
        )
    return secret


def _public_key_pem(path: str) -> bytes | None:
    if not path:
        return None
    variable = "SALESOPS_JWT_PUBLIC_KEY_FILE"
    try:
        pem = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(variable, f"is {path!r}, which cannot be read: {exc.strerror}") from None
    try:
        key = load_pem_public_key(pem)
    except ValueError:
        raise ConfigError(variable, f"is {path!r}, which holds no PEM public key") from None
    if not isinstance(key, RSAPublicKey):
        raise ConfigError(variable, f"is {path!r}; expected an RSA public key for RS256")
    return pem


def _non_blank(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name)
    if value is None or value == "":
        return default
    if not value.strip():
        raise ConfigError(name, "is blank; expected a non-empty string")
    return value.strip()


def _int_in_range(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"is {raw!r}; expected a whole number {low}-{high}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"is {raw!r}; expected a whole number {low}-{high}")
    return value


def _positive_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"is {raw!r}; expected a positive number of seconds") from None
    if not (value > 0 and math.isfinite(value)):
        raise ConfigError(name, f"is {raw!r}; expected a positive number of seconds")
    return value
