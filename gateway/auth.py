"""Bearer-token authentication and the role gate in front of business routes.

The gateway accepts exactly one algorithm: HS256 with the local secret in
development, RS256 with the identity provider's public key in production.
Pinning it (rather than trusting the token's `alg` header) is what stops
`alg: none` and HS256-signed-with-the-public-key forgeries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import grpc
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.problems import Problem, request_id_of
from gateway.settings import GatewaySettings
from services.kit.identity import READER_ROLES, ROLES, WRITER_ROLES, Caller

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


class TokenVerifier:
    """Checks signature, algorithm, issuer, audience, lifetime and salesops claims."""

    def __init__(
        self,
        *,
        algorithm: str,
        key: str | bytes,
        issuer: str,
        audience: str,
        leeway_seconds: int,
    ) -> None:
        self.algorithm = algorithm
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.leeway_seconds = leeway_seconds

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> TokenVerifier:
        """The verifier for the configured mode: RS256 public key, else HS256 secret."""
        key = settings.jwt_public_key_pem or settings.jwt_secret
        assert key is not None  # GatewaySettings always holds one of the two
        return cls(
            algorithm=settings.jwt_algorithm,
            key=key,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_seconds=settings.jwt_leeway_seconds,
        )

    def verify(self, token: str) -> Principal:
        """Return the token's Principal, or raise a 401 Problem saying what is wrong."""
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[self.algorithm],
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
            raise unauthenticated(f"the token must be signed with {self.algorithm}") from None
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


def _with_any_role(allowed: frozenset[str], action: str):  # type: ignore[no-untyped-def]
    async def gate(
        request: Request, principal: Annotated[Principal, Depends(authenticated)]
    ) -> Caller:
        if not principal.roles & allowed:
            raise Problem.of(
                grpc.StatusCode.PERMISSION_DENIED,
                f"role(s) {', '.join(sorted(principal.roles))} may not {action}; "
                f"needs one of {', '.join(sorted(allowed))}",
            )
        return principal.caller(
            request_id_of(request), getattr(request.state, "correlation_id", "")
        )

    return gate


# Business routes depend on one of these and get the Caller to pass upstream.
# `platform` (health and metrics only) gets 403 from both, `executive` (read-only)
# from writes; services check region and ownership scope again.
reader = _with_any_role(READER_ROLES, "read business records")
writer = _with_any_role(WRITER_ROLES, "change business records")
ReadingCaller = Annotated[Caller, Depends(reader)]
WritingCaller = Annotated[Caller, Depends(writer)]
