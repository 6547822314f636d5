"""The gateway's settings, read from the environment once at start-up.

Token verification runs in one of three modes. Development signs and verifies
HS256 with a shared secret (a well-known default is allowed outside
production). Production verifies RS256 with a public key from
`SALESOPS_JWT_PUBLIC_KEY_FILE`, or RS256/ES256 with the identity provider's
key set from `SALESOPS_JWT_JWKS_FILE` (picked by the token's `kid`); the
private keys live with the identity provider, so the gateway cannot mint
tokens there. A value that is present but invalid stops the process with a
message naming the variable.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt import PyJWK
from jwt.exceptions import InvalidKeyError, PyJWKError
from jwt.warnings import InsecureKeyLengthWarning

from services.kit.config import GATEWAY_PORT, PROJECT_ROOT, SERVICES, ConfigError, Settings

DEV_JWT_SECRET = "salesops-dev-secret-change-me"
# RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output.
MIN_HS256_SECRET_BYTES = 32
MAX_LEEWAY_SECONDS = 300
# The asymmetric algorithms a JWKS key may be for, and the key type each needs.
JWKS_KEY_TYPES = {"RS256": "RSA", "ES256": "EC"}

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
    # "HS256" (shared secret), "RS256" (one public key) or "JWKS" (a key set, by kid)
    jwt_algorithm: str
    jwt_secret: str | None
    jwt_public_key_pem: bytes | None
    jwt_issuer: str
    jwt_audience: str
    jwt_leeway_seconds: int
    upstream_targets: Mapping[str, str]
    upstream_timeout_seconds: float
    readiness_timeout_seconds: float = 1.0
    max_body_bytes: int = 1024 * 1024
    # Rate limits per caller (gateway/ratelimit.py); a rate of 0 turns them off.
    rate_per_second: float = 50.0
    rate_burst: int = 100
    # Upstream resilience: read retries (gateway/upstreams.py) and breakers (gateway/circuit.py).
    read_retries: int = 2
    circuit_failure_threshold: int = 5
    circuit_cool_down_seconds: float = 10.0
    jwt_jwks: tuple[PyJWK, ...] = ()  # the verification keys of SALESOPS_JWT_JWKS_FILE
    # The gateway's own database: Idempotency-Key records (gateway/idempotency.py).
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'gateway.db'}"
    idempotency_ttl_seconds: int = 86_400

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> GatewaySettings:
        """Read and check every gateway setting; raise ConfigError naming a bad variable."""
        base = Settings.from_env(env)
        values = base.env
        public_key_pem = _public_key_pem(values.get("SALESOPS_JWT_PUBLIC_KEY_FILE", ""))
        jwks = _jwks(values.get("SALESOPS_JWT_JWKS_FILE", ""), public_key_pem is not None)
        secret = None if public_key_pem or jwks else _jwt_secret(values, base.production)
        return cls(
            base=base,
            host=base.value("SALESOPS_GATEWAY_HOST", "0.0.0.0"),
            port=_int_in_range(values, "SALESOPS_GATEWAY_PORT", GATEWAY_PORT, 0, 65535),
            jwt_algorithm="JWKS" if jwks else "RS256" if public_key_pem else "HS256",
            jwt_secret=secret,
            jwt_public_key_pem=public_key_pem,
            jwt_issuer=_non_blank(values, "SALESOPS_JWT_ISSUER", "salesops"),
            jwt_audience=_non_blank(values, "SALESOPS_JWT_AUDIENCE", "salesops-api"),
            jwt_leeway_seconds=_int_in_range(
                values, "SALESOPS_JWT_LEEWAY_SECONDS", 30, 0, MAX_LEEWAY_SECONDS
            ),
            jwt_jwks=jwks,
            upstream_targets={name: base.grpc_target(name) for name in SERVICES},
            upstream_timeout_seconds=_positive_seconds(
                values, "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS", 5.0
            ),
            max_body_bytes=_int_in_range(
                values, "SALESOPS_GATEWAY_MAX_BODY_BYTES", 1024 * 1024, 1024, 1024**3
            ),
            rate_per_second=_rate_per_second(values, "SALESOPS_GATEWAY_RATE_PER_SECOND", 50.0),
            rate_burst=_int_in_range(values, "SALESOPS_GATEWAY_RATE_BURST", 100, 1, 1_000_000),
            read_retries=_int_in_range(values, "SALESOPS_GATEWAY_READ_RETRIES", 2, 0, 5),
            circuit_failure_threshold=_int_in_range(
                values, "SALESOPS_GATEWAY_CIRCUIT_FAILURE_THRESHOLD", 5, 1, 1000
            ),
            circuit_cool_down_seconds=_positive_seconds(
                values, "SALESOPS_GATEWAY_CIRCUIT_COOL_DOWN_SECONDS", 10.0
            ),
            database_url=base.database_url_setting("SALESOPS_GATEWAY_DATABASE_URL", "gateway.db"),
            idempotency_ttl_seconds=_int_in_range(
                values, "SALESOPS_GATEWAY_IDEMPOTENCY_TTL_SECONDS", 86_400, 1, 30 * 86_400
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


def _jwks(path: str, public_key_set: bool) -> tuple[PyJWK, ...]:
    """The signing keys of the identity provider's JWKS file; ConfigError if none is usable."""
    if not path:
        return ()
    variable = "SALESOPS_JWT_JWKS_FILE"
    if public_key_set:
        raise ConfigError(variable, "and SALESOPS_JWT_PUBLIC_KEY_FILE are both set; set one")
    try:
        document = json.loads(Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(variable, f"is {path!r}, which cannot be read: {exc.strerror}") from None
    except ValueError:
        raise ConfigError(variable, f"is {path!r}, which is not JSON") from None
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(variable, f'is {path!r}, which has no "keys" list (RFC 7517)')
    keys: list[PyJWK] = []
    refused: list[str] = []
    for index, entry in enumerate(entries):
        reason = _unusable_jwk(entry)
        if reason is None:
            try:
                keys.append(PyJWK(entry))
                continue
            except (PyJWKError, InvalidKeyError) as exc:
                reason = f"not a valid key ({exc})"
        refused.append(f"key {index}: {reason}")
    if not keys:
        found = "; ".join(refused) or "the list is empty"
        raise ConfigError(variable, f"is {path!r}, which holds no usable RS256/ES256 key ({found})")
    kids = [key.key_id for key in keys]
    if len(keys) > 1 and (None in kids or len(set(kids)) != len(kids)):
        # With several keys the token's kid picks one, so each needs a distinct kid.
        raise ConfigError(variable, f"is {path!r}; with several keys each needs a distinct kid")
    return tuple(keys)


def _unusable_jwk(entry: object) -> str | None:
    """Why a JWK cannot verify salesops tokens, or None when it can."""
    if not isinstance(entry, dict):
        return "not a JSON object"
    if entry.get("use", "sig") != "sig":
        return f"use is {entry.get('use')!r}, not 'sig'"
    if "d" in entry:
        return "holds private key material; publish only the public key"
    kty = entry.get("kty")
    algorithm = entry.get("alg") or {"RSA": "RS256", "EC": "ES256"}.get(str(kty))
    if algorithm is None:
        return f"kty {kty!r} is not RSA (RS256) or EC (ES256)"
    if algorithm not in JWKS_KEY_TYPES:
        return f"alg {algorithm!r} is not one of {', '.join(JWKS_KEY_TYPES)}"
    if kty != JWKS_KEY_TYPES[algorithm]:
        return f"alg {algorithm} needs kty {JWKS_KEY_TYPES[algorithm]}, not {kty!r}"
    if algorithm == "ES256" and entry.get("crv", "P-256") != "P-256":
        return f"ES256 needs crv P-256, not {entry.get('crv')!r}"
    return None


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


def _rate_per_second(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    expected = "expected requests per second, a number of 0 (no limit) or more"
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"is {raw!r}; {expected}") from None
    if not (value >= 0 and math.isfinite(value)):
        raise ConfigError(name, f"is {raw!r}; {expected}")
    return value
