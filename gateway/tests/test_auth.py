"""Bearer-token verification, the role gate, and local token issuing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import DEV_JWT_SECRET, GatewaySettings
from gateway.tokens import TokenIssueRefused, issue_token

LEADS = "/v1/leads"


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "salesops",
        "aud": "salesops-api",
        "sub": "rep-1",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "roles": ["rep"],
        "regions": ["emea"],
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _get(client: TestClient, token: str) -> Any:
    return client.get(LEADS, headers={"Authorization": f"Bearer {token}"})


def _assert_401(response: Any, says: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:salesops:problem:unauthenticated"
    assert says in body["detail"]


def test_a_valid_hs256_token_is_accepted_and_its_identity_reaches_the_service(
    client: TestClient, pipeline_upstream: Any
) -> None:
    token = jwt.encode(_claims(roles=["rep", "manager"]), DEV_JWT_SECRET, algorithm="HS256")
    response = _get(client, token)
    assert response.status_code == 200, response.text
    metadata = pipeline_upstream.recorder.last.metadata
    assert metadata["x-salesops-subject"] == "rep-1"
    assert metadata["x-salesops-roles"] == "manager,rep"
    assert metadata["x-salesops-regions"] == "emea"


def test_a_missing_header_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    _assert_401(client.get(LEADS), "Authorization: Bearer")
    _assert_401(client.get(LEADS, headers={"Authorization": "Basic YTpi"}), "Bearer")


@pytest.mark.parametrize(
    ("claims", "says"),
    [
        (_claims(exp=int(time.time()) - 120), "expired"),
        (_claims(aud="someone-else"), "audience"),
        (_claims(iss="evil"), "issuer"),
        (_claims(nbf=int(time.time()) + 600), "not valid yet"),
        (_claims(sub=None), "'sub'"),
        (_claims(roles=None), "'roles'"),
        (_claims(regions=[]), "'regions'"),
        (_claims(roles=["wizard"]), "unknown"),
    ],
    ids=["expired", "audience", "issuer", "nbf", "no-sub", "no-roles", "no-regions", "role"],
)
def test_a_token_with_bad_claims_is_401(
    client: TestClient, claims: dict[str, Any], says: str
) -> None:
    _assert_401(_get(client, jwt.encode(claims, DEV_JWT_SECRET, algorithm="HS256")), says)


def test_leeway_tolerates_small_clock_skew(client: TestClient) -> None:
    # Expired 10 s ago, inside the default 30 s leeway.
    token = jwt.encode(_claims(exp=int(time.time()) - 10), DEV_JWT_SECRET, algorithm="HS256")
    assert _get(client, token).status_code == 200


def _segment(value: dict[str, Any] | bytes) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_an_alg_none_token_is_401(client: TestClient) -> None:
    unsigned = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(_claims())}."
    _assert_401(_get(client, unsigned), "HS256")


def test_a_token_signed_with_another_secret_is_401(client: TestClient) -> None:
    token = jwt.encode(_claims(), "x" * 40, algorithm="HS256")
    _assert_401(_get(client, token), "signature")


def test_garbage_is_401(client: TestClient) -> None:
    _assert_401(_get(client, "not-a-jwt"), "malformed")


@pytest.fixture
def rsa_keys(tmp_path: Path) -> tuple[Any, Path]:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_file = tmp_path / "jwt-public.pem"
    public_file.write_bytes(
        private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_key, public_file


def test_rs256_mode_accepts_rs256_and_refuses_hs256(
    gateway_env: dict[str, str], rsa_keys: tuple[Any, Path]
) -> None:
    private_key, public_file = rsa_keys
    settings = GatewaySettings.from_env(
        {**gateway_env, "SALESOPS_JWT_PUBLIC_KEY_FILE": str(public_file)}
    )
    assert settings.jwt_algorithm == "RS256"
    with TestClient(create_app(settings)) as client:
        assert (
            _get(client, jwt.encode(_claims(), private_key, algorithm="RS256")).status_code == 200
        )
        _assert_401(_get(client, jwt.encode(_claims(), DEV_JWT_SECRET, algorithm="HS256")), "RS256")
        # The classic confusion attack: HS256 keyed with the (public) PEM text.
        signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT'})}.{_segment(_claims())}"
        mac = hmac.new(public_file.read_bytes(), signing_input.encode(), hashlib.sha256)
        _assert_401(_get(client, f"{signing_input}.{_segment(mac.digest())}"), "RS256")


def test_issue_token_refuses_with_production_keys(
    gateway_env: dict[str, str], rsa_keys: tuple[Any, Path]
) -> None:
    with_public_key = GatewaySettings.from_env(
        {**gateway_env, "SALESOPS_JWT_PUBLIC_KEY_FILE": str(rsa_keys[1])}
    )
    with pytest.raises(TokenIssueRefused):
        issue_token("rep-1", ["rep"], ["emea"], settings=with_public_key)
    production = GatewaySettings.from_env(
        {**gateway_env, "SALESOPS_ENV": "production", "SALESOPS_JWT_SECRET": "s" * 40}
    )
    with pytest.raises(TokenIssueRefused):
        issue_token("rep-1", ["rep"], ["emea"], settings=production)


def test_issued_tokens_carry_the_contract_claims(settings: GatewaySettings) -> None:
    token = issue_token("exec-1", ["executive"], ["*"], ttl_seconds=60, settings=settings)
    claims = jwt.decode(token, DEV_JWT_SECRET, algorithms=["HS256"], audience="salesops-api")
    assert claims["iss"] == "salesops"
    assert claims["sub"] == "exec-1"
    assert claims["roles"] == ["executive"]
    assert claims["regions"] == ["*"]
    assert claims["exp"] - claims["iat"] == 60
    assert claims["nbf"] == claims["iat"]


@pytest.mark.parametrize(
    ("subject", "roles", "regions", "names"),
    [
        ("", ["rep"], ["emea"], "subject"),
        ("rep-1", [], ["emea"], "roles"),
        ("rep-1", ["wizard"], ["emea"], "wizard"),
        ("rep-1", ["rep"], [], "regions"),
    ],
)
def test_issue_token_validates_its_arguments(
    settings: GatewaySettings, subject: str, roles: list[str], regions: list[str], names: str
) -> None:
    with pytest.raises(ValueError, match=names):
        issue_token(subject, roles, regions, settings=settings)


def test_platform_role_reaches_only_health_and_metrics(
    client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(roles=("platform",), regions=("*",))
    response = client.get(LEADS, headers=headers)
    assert response.status_code == 403
    assert response.json()["type"] == "urn:salesops:problem:permission-denied"
    assert client.get("/v1/customers/cus-1", headers=headers).status_code == 403
    assert client.get("/metrics", headers=headers).status_code == 200
    assert client.get("/healthz", headers=headers).status_code == 200


def test_executive_reads_but_may_not_write(
    client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(roles=("executive",), regions=("*",))
    assert client.get(LEADS, headers=headers).status_code == 200
    response = client.post(LEADS, json={"region": "emea", "company_name": "Acme"}, headers=headers)
    assert response.status_code == 403
    assert "change business records" in response.json()["detail"]
