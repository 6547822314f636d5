"""Bearer-token authentication and the role gate in front of business routes.

The gateway verifies with keys it is configured with, never with what a
token asks for: HS256 with the local secret in development; in production
RS256 with the identity provider's public key, or RS256/ES256 with the keys of
its JWKS file, picked by the token's `kid`. Each key verifies exactly one
algorithm, fixed by configuration, which is what stops `alg: none` and
HS256-signed-with-the-public-key forgeries.

The role gate asks the route access table (`gateway.access`) which roles may
call the matched route, so the gateway refuses early what the service would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import grpc
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.access import access_for
from gateway.problems import Problem, request_id_of
from gateway.settings import GatewaySettings
from services.kit.identity import ALL_REGIONS, ROLES, Caller

REALM = 'Bearer realm="salesops"'


@dataclass(frozen=True)
class Principal:
    """The verified caller: the token's subject, roles and regions."""

    subject: str
    roles: frozenset[str]
    regions: frozenset[str]

    def caller(self, request_id: str, correlation_id: str = "") -> Caller:
        """The identity to carry to services as gRPC metadata."""
        return Caller(
            subject=self.subject,
            roles=self.roles,
            regions=self.regions,
            request_id=request_id,
            correlation_id=correlation_id or request_id,
        )


def unauthenticated(detail: str, error: str | None = "invalid_token") -> Problem:
    """A 401 problem with the RFC 6750 challenge."""
    challenge = f'{REALM}, error="{error}"' if error else REALM
    return Problem.of(
        grpc.StatusCode.UNAUTHENTICATED, detail, headers={"WWW-Authenticate": challenge}
    )


@dataclass(frozen=True)
class VerificationKey:
    """One key the gateway verifies with, and the only algorithm it verifies."""

    kid: str | None
    algorithm: str
    key: Any  # the HS256 secret, or a cryptography public key object


class TokenVerifier:
    """Checks key, algorithm, signature, issuer, audience, lifetime and salesops claims."""

    def __init__(
        self,
        *,
        keys: Sequence[VerificationKey],
        issuer: str,
        audience: str,
        leeway_seconds: int,
    ) -> None:
        if not keys:
            raise ValueError("a TokenVerifier needs at least one key")
        self.keys = tuple(keys)
        self._by_kid = {key.kid: key for key in self.keys if key.kid is not None}
        self.issuer = issuer
        self.audience = audience
        self.leeway_seconds = leeway_seconds

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> TokenVerifier:
        """The verifier for the configured mode: JWKS keys, RS256 public key, else HS256."""
        keys: list[VerificationKey]
        if settings.jwt_jwks:
            keys = [
                VerificationKey(jwk.key_id, jwk.algorithm_name, jwk.key)
                for jwk in settings.jwt_jwks
            ]
        elif settings.jwt_public_key_pem:
            keys = [VerificationKey(None, "RS256", settings.jwt_public_key_pem)]
        else:
            assert settings.jwt_secret is not None  # GatewaySettings holds one of the three
            keys = [VerificationKey(None, "HS256", settings.jwt_secret)]
        return cls(
            keys=keys,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_seconds=settings.jwt_leeway_seconds,
        )

    def key_for(self, header: dict[str, Any]) -> VerificationKey:
        """The configured key a token's header names, or a 401 saying why there is none.

        The header chooses among configured keys (by `kid`) but never the
        algorithm: the key's own algorithm must be the one the header states.
        """
        kid = header.get("kid")  # PyJWT refuses a kid that is not a string as malformed
        key = self._by_kid.get(kid) if kid is not None else None
        if key is None:
            if len(self.keys) == 1 and (kid is None or self.keys[0].kid is None):
                key = self.keys[0]
            elif kid is None:
                raise unauthenticated(
                    f"the token names no key (no 'kid' header) and {len(self.keys)} "
                    "keys are configured"
                )
            else:
                raise unauthenticated(f"the token's key id (kid) {kid!r} is not a configured key")
        algorithm = header.get("alg")
        if algorithm != key.algorithm:
            named = f" (kid {key.kid!r})" if key.kid else ""
            if not algorithm or str(algorithm).lower() == "none":
                raise unauthenticated(
                    f"unsigned tokens (alg 'none') are refused; the token must be signed "
                    f"with {key.algorithm}{named}"
                )
            raise unauthenticated(
                f"the token must be signed with {key.algorithm}{named}, not {algorithm}"
            )
        return key

    def verify(self, token: str) -> Principal:
        """Return the token's Principal, or raise a 401 Problem saying what is wrong."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise unauthenticated("the token is malformed") from None
        key = self.key_for(header)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise unauthenticated("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise unauthenticated("the token is not valid yet (nbf or iat in the future)") from None
        except jwt.InvalidAudienceError:
            raise unauthenticated(f"the token's audience is not {self.audience!r}") from None
        except jwt.InvalidIssuerError:
            raise unauthenticated(f"the token's issuer is not {self.issuer!r}") from None
        except jwt.InvalidAlgorithmError:
            raise unauthenticated(f"the token must be signed with {key.algorithm}") from None
        except jwt.MissingRequiredClaimError as exc:
            raise unauthenticated(f"the token has no {exc.claim!r} claim") from None
        except jwt.InvalidSignatureError:
            raise unauthenticated("the token's signature does not verify") from None
        except jwt.InvalidTokenError:
            raise unauthenticated("the token is malformed") from None
        return Principal(
            subject=_subject(claims),
            roles=_string_set(claims, "roles", allowed=ROLES),
            regions=_string_set(claims, "regions"),
        )


def _subject(claims: dict[str, Any]) -> str:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise unauthenticated("the token's 'sub' claim must be a non-empty string")
    return subject.strip()


def _string_set(
    claims: dict[str, Any], name: str, allowed: frozenset[str] | None = None
) -> frozenset[str]:
    value = claims.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise unauthenticated(f"the token's {name!r} claim must be a list of strings")
    items = frozenset(item.strip() for item in value if item.strip())
    if not items:
        raise unauthenticated(f"the token's {name!r} claim is empty")
    if allowed is not None and not items <= allowed:
        unknown = ", ".join(sorted(items - allowed))
        raise unauthenticated(f"the token's {name!r} claim names unknown value(s): {unknown}")
    return items


# Declared as a security scheme so /docs has an Authorize button; auto_error is off
# so a missing token answers with our 401 problem, not FastAPI's plain error.
bearer_scheme = HTTPBearer(
    auto_error=False,
    description="A JWT from the identity provider (or `salesops token` in development).",
)


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """FastAPI dependency: the verified Principal of the request, or 401."""
    if credentials is None:
        raise unauthenticated("an Authorization: Bearer <token> header is required", error=None)
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


def _with_any_role(kind: str):  # type: ignore[no-untyped-def]
    async def gate(
        request: Request, principal: Annotated[Principal, Depends(authenticated)]
    ) -> Caller:
        route = request.scope.get("route")
        template = getattr(route, "path", request.url.path)
        rule = access_for(request.method, template)
        what = f"{request.method} {template}"
        if rule is None:
            # Fail closed: a route nobody wrote a row for is open to no one (and a
            # test fails on it, so it never ships that way).
            raise Problem.of(
                grpc.StatusCode.PERMISSION_DENIED,
                f"{what} has no row in the route access table; nobody may {kind} through it",
            )
        allowed = rule.roles
        if not principal.roles & allowed:
            raise Problem.of(
                grpc.StatusCode.PERMISSION_DENIED,
                f"role(s) {', '.join(sorted(principal.roles))} may not {what}; "
                f"it needs one of: {', '.join(sorted(allowed))}",
            )
        if rule.all_regions and ALL_REGIONS not in principal.regions:
            raise Problem.of(
                grpc.StatusCode.PERMISSION_DENIED,
                f"{what} changes every region at once; it needs a token for every "
                f"region ({ALL_REGIONS!r}) and one of: {', '.join(sorted(allowed))}",
            )
        return principal.caller(
            request_id_of(request), getattr(request.state, "correlation_id", "")
        )

    return gate


# Business routes depend on one of these and get the Caller to pass upstream. Both
# check the caller's roles against the route's row in gateway.access; services
# check region and ownership scope again.
reader = _with_any_role("read")
writer = _with_any_role("write")
ReadingCaller = Annotated[Caller, Depends(reader)]
WritingCaller = Annotated[Caller, Depends(writer)]
