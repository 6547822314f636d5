"""Local development tokens: HS256-signed JWTs the gateway itself accepts.

In production an identity provider signs RS256/ES256 tokens with a private key
the gateway never holds, so issuing refuses there rather than mint tokens that
a production gateway would (rightly) reject. `sign_token` plays the identity
provider for tests and local trials of the JWKS mode: it signs with a private
key it is given, and refuses when SALESOPS_ENV=production.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

import jwt

from gateway.settings import JWKS_KEY_TYPES, GatewaySettings
from services.kit.identity import ALL_REGIONS, ROLES


class TokenIssueRefused(Exception):
    """The gateway is configured for production keys; it does not mint tokens."""


def issue_token(
    subject: str,
    roles: Iterable[str],
    regions: Iterable[str],
    *,
    ttl_seconds: int = 3600,
    settings: GatewaySettings | None = None,
) -> str:
    """Sign an HS256 bearer token for `subject` with the gateway's local secret.

    The token carries iss, aud, sub, iat, nbf, exp, jti and the `roles` and
    `regions` claims. Raises ValueError naming the argument when a role is
    unknown or subject/regions are empty (region "*" means every region), and
    TokenIssueRefused when the gateway runs with production keys.
    """
    settings = settings or GatewaySettings.from_env()
    if not settings.may_issue_tokens:
        raise TokenIssueRefused(
            "this gateway verifies production tokens (SALESOPS_ENV=production, or "
            "SALESOPS_JWT_PUBLIC_KEY_FILE or SALESOPS_JWT_JWKS_FILE is set); get a token "
            "from the identity provider"
        )
    assert settings.jwt_secret is not None  # HS256 mode always has a secret
    claims = _claims(subject, roles, regions, ttl_seconds, settings)
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def sign_token(
    subject: str,
    roles: Iterable[str],
    regions: Iterable[str],
    *,
    private_key: Any,
    algorithm: str,
    kid: str | None = None,
    ttl_seconds: int = 3600,
    settings: GatewaySettings | None = None,
) -> str:
    """Sign a token as the identity provider would: RS256 or ES256 with `private_key`.

    For tests and local trials of a JWKS gateway only: refused (TokenIssueRefused)
    when SALESOPS_ENV=production, where only the identity provider signs. `kid`
    goes into the header so the gateway can pick the matching public key. The
    claims and their checks are those of `issue_token`.
    """
    settings = settings or GatewaySettings.from_env()
    if settings.production:
        raise TokenIssueRefused("production tokens come from the identity provider only")
    if algorithm not in JWKS_KEY_TYPES:
        raise ValueError(f"algorithm must be one of {', '.join(JWKS_KEY_TYPES)}, not {algorithm!r}")
    claims = _claims(subject, roles, regions, ttl_seconds, settings)
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, private_key, algorithm=algorithm, headers=headers)


def _claims(
    subject: str,
    roles: Iterable[str],
    regions: Iterable[str],
    ttl_seconds: int,
    settings: GatewaySettings,
) -> dict[str, Any]:
    if isinstance(roles, str) or isinstance(regions, str):
        # A bare string would be read one character at a time.
        raise ValueError("roles and regions must be lists of strings, not a string")
    subject = subject.strip()
    if not subject:
        raise ValueError("subject is required")
    role_set = {role.strip() for role in roles if role.strip()}
    if not role_set:
        raise ValueError(f"roles must name at least one of: {', '.join(sorted(ROLES))}")
    unknown = role_set - ROLES
    if unknown:
        raise ValueError(
            f"roles: unknown role(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(ROLES))}"
        )
    region_set = {region.strip() for region in regions if region.strip()}
    if not region_set:
        raise ValueError(f"regions must name at least one region, or {ALL_REGIONS!r} for all")
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    now = int(time.time())
    return {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
        "roles": sorted(role_set),
        "regions": sorted(region_set),
    }
