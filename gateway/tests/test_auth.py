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
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import DEV_JWT_SECRET, GatewaySettings
from gateway.tokens import TokenIssueRefused, issue_token, sign_token
from services.kit.config import ConfigError

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
    ("make_claims", "says"),
    [
        (lambda: _claims(exp=int(time.time()) - 120), "expired"),
        (lambda: _claims(aud="someone-else"), "audience"),
        (lambda: _claims(iss="evil"), "issuer"),
        (lambda: _claims(nbf=int(time.time()) + 600), "not valid yet"),
        (lambda: _claims(sub=None), "'sub'"),
        (lambda: _claims(roles=None), "'roles'"),
        (lambda: _claims(regions=[]), "'regions'"),
        (lambda: _claims(roles=["wizard"]), "unknown"),
    ],
    ids=["expired", "audience", "issuer", "nbf", "no-sub", "no-roles", "no-regions", "role"],
)
def test_a_token_with_bad_claims_is_401(
    client: TestClient, make_claims: Callable[[], dict[str, Any]], says: str
) -> None:
    # Claims are made when the test runs: made at collection, a valid `exp` could
    # lapse before a long suite reaches the test.
    _assert_401(_get(client, jwt.encode(make_claims(), DEV_JWT_SECRET, algorithm="HS256")), says)


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
    assert "may not POST /v1/leads" in response.json()["detail"]
    assert "admin, director, manager, rep" in response.json()["detail"]


# --- production key sets: RS256 and ES256 keys from a JWKS file, picked by kid ---------------


def _public_jwk(private_key: Any, kid: str | None, **extra: Any) -> dict[str, Any]:
    if isinstance(private_key, rsa.RSAPrivateKey):
        text = jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key())
    else:
        text = jwt.algorithms.ECAlgorithm.to_jwk(private_key.public_key())
    jwk: dict[str, Any] = json.loads(text)
    if kid is not None:
        jwk["kid"] = kid
    jwk.update(extra)
    return jwk


@pytest.fixture(scope="module")
def rsa_private() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def rsa_next() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_private() -> Any:
    return ec.generate_private_key(ec.SECP256R1())


def _jwks_settings(
    tmp_path: Path, gateway_env: dict[str, str], keys: list[Any], **env: str
) -> GatewaySettings:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    return GatewaySettings.from_env({**gateway_env, "SALESOPS_JWT_JWKS_FILE": str(path), **env})


@pytest.fixture
def jwks_client(
    tmp_path: Path, gateway_env: dict[str, str], rsa_private: Any, ec_private: Any
) -> Any:
    keys = [
        _public_jwk(rsa_private, "rsa-1", alg="RS256", use="sig"),
        _public_jwk(ec_private, "ec-1", alg="ES256"),
    ]
    settings = _jwks_settings(tmp_path, gateway_env, keys)
    assert settings.jwt_algorithm == "JWKS"
    with TestClient(create_app(settings)) as client:
        yield client


def _signed(private_key: Any, algorithm: str, kid: str | None, **claims: Any) -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(_claims(**claims), private_key, algorithm=algorithm, headers=headers)


def test_rs256_and_es256_tokens_from_the_key_set_are_accepted(
    jwks_client: TestClient, rsa_private: Any, ec_private: Any, pipeline_upstream: Any
) -> None:
    assert _get(jwks_client, _signed(rsa_private, "RS256", "rsa-1")).status_code == 200
    response = _get(jwks_client, _signed(ec_private, "ES256", "ec-1", sub="rep-7"))
    assert response.status_code == 200, response.text
    assert pipeline_upstream.recorder.last.metadata["x-salesops-subject"] == "rep-7"


@pytest.mark.parametrize(
    ("kid", "says"),
    [("rsa-9", "'rsa-9' is not a configured key"), (None, "no 'kid' header")],
    ids=["unknown-kid", "no-kid-among-two-keys"],
)
def test_a_token_naming_no_configured_key_is_401(
    jwks_client: TestClient, rsa_private: Any, kid: str | None, says: str
) -> None:
    _assert_401(_get(jwks_client, _signed(rsa_private, "RS256", kid)), says)


def test_the_key_fixes_the_algorithm_not_the_token(
    jwks_client: TestClient, rsa_private: Any, ec_private: Any, rsa_keys: tuple[Any, Path]
) -> None:
    # An EC signature presented under the RSA key's kid, and the other way round.
    _assert_401(
        _get(jwks_client, _signed(ec_private, "ES256", "rsa-1")),
        "must be signed with RS256 (kid 'rsa-1'), not ES256",
    )
    _assert_401(
        _get(jwks_client, _signed(rsa_private, "RS256", "ec-1")),
        "must be signed with ES256 (kid 'ec-1'), not RS256",
    )
    # The right alg header over a signature by another key of the same type.
    other_rsa = rsa_keys[0]
    _assert_401(_get(jwks_client, _signed(other_rsa, "RS256", "rsa-1")), "signature")


def test_alg_none_and_the_public_key_as_hmac_secret_are_401_in_jwks_mode(
    jwks_client: TestClient, rsa_private: Any
) -> None:
    unsigned = f"{_segment({'alg': 'none', 'kid': 'rsa-1'})}.{_segment(_claims())}."
    _assert_401(_get(jwks_client, unsigned), "alg 'none'")
    # HS256 keyed with the public key's JWK text and its PEM: the classic confusion.
    pem = rsa_private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk_text = json.dumps(_public_jwk(rsa_private, "rsa-1")).encode()
    for secret in (pem, jwk_text):
        signing_input = f"{_segment({'alg': 'HS256', 'kid': 'rsa-1'})}.{_segment(_claims())}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256)
        _assert_401(
            _get(jwks_client, f"{signing_input}.{_segment(mac.digest())}"),
            "must be signed with RS256 (kid 'rsa-1'), not HS256",
        )
    # A kid that is not a string is refused before any key is looked up.
    odd = f"{_segment({'alg': 'RS256', 'kid': 7})}.{_segment(_claims())}.c2ln"
    _assert_401(_get(jwks_client, odd), "malformed")


@pytest.mark.parametrize(
    ("make_claims", "says"),
    [
        (lambda: _claims(exp=int(time.time()) - 120), "expired"),
        (lambda: _claims(nbf=int(time.time()) + 600), "not valid yet"),
        (lambda: _claims(iss="evil"), "issuer"),
        (lambda: _claims(aud="someone-else"), "audience"),
    ],
    ids=["expired", "nbf", "issuer", "audience"],
)
def test_key_set_tokens_get_the_same_claim_checks(
    jwks_client: TestClient, ec_private: Any, make_claims: Callable[[], dict[str, Any]], says: str
) -> None:
    token = jwt.encode(make_claims(), ec_private, algorithm="ES256", headers={"kid": "ec-1"})
    _assert_401(_get(jwks_client, token), says)


def test_key_set_tokens_get_the_clock_skew_leeway(jwks_client: TestClient, ec_private: Any) -> None:
    # Expired 10 s ago and valid from 10 s ahead: both inside the default 30 s leeway.
    now = int(time.time())
    assert _get(jwks_client, _signed(ec_private, "ES256", "ec-1", exp=now - 10)).status_code == 200
    assert _get(jwks_client, _signed(ec_private, "ES256", "ec-1", nbf=now + 10)).status_code == 200


def test_key_rotation_accepts_either_kid_of_the_set(
    tmp_path: Path, gateway_env: dict[str, str], rsa_private: Any, rsa_next: Any
) -> None:
    keys = [_public_jwk(rsa_private, "2026-10"), _public_jwk(rsa_next, "2026-11")]
    settings = _jwks_settings(tmp_path, gateway_env, keys)
    with TestClient(create_app(settings)) as client:
        assert _get(client, _signed(rsa_private, "RS256", "2026-10")).status_code == 200
        assert _get(client, _signed(rsa_next, "RS256", "2026-11")).status_code == 200
        # Each kid verifies only with its own key.
        _assert_401(_get(client, _signed(rsa_next, "RS256", "2026-10")), "signature")


def test_a_single_key_without_kid_verifies_tokens_without_kid(
    tmp_path: Path, gateway_env: dict[str, str], ec_private: Any
) -> None:
    settings = _jwks_settings(tmp_path, gateway_env, [_public_jwk(ec_private, None)])
    with TestClient(create_app(settings)) as client:
        assert _get(client, _signed(ec_private, "ES256", None)).status_code == 200
        _assert_401(_get(client, _signed(ec_private, "ES256", None, aud="x")), "audience")


def test_sign_token_plays_the_identity_provider_outside_production(
    tmp_path: Path, gateway_env: dict[str, str], ec_private: Any
) -> None:
    settings = _jwks_settings(tmp_path, gateway_env, [_public_jwk(ec_private, "ec-1")])
    with pytest.raises(TokenIssueRefused):
        issue_token("rep-1", ["rep"], ["emea"], settings=settings)
    token = sign_token(
        "rep-1",
        ["rep"],
        ["emea"],
        private_key=ec_private,
        algorithm="ES256",
        kid="ec-1",
        settings=settings,
    )
    assert jwt.get_unverified_header(token)["kid"] == "ec-1"
    with TestClient(create_app(settings)) as client:
        assert _get(client, token).status_code == 200
    with pytest.raises(ValueError, match="RS256, ES256"):
        sign_token(
            "rep-1", ["rep"], ["emea"], private_key=ec_private, algorithm="HS256", settings=settings
        )
    production = GatewaySettings.from_env(
        {**gateway_env, "SALESOPS_ENV": "production", "SALESOPS_JWT_SECRET": "s" * 40}
    )
    with pytest.raises(TokenIssueRefused):
        sign_token(
            "rep-1",
            ["rep"],
            ["emea"],
            private_key=ec_private,
            algorithm="ES256",
            settings=production,
        )


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ([], "the list is empty"),
        (
            [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}],
            "kty 'oct' is not RSA (RS256) or EC (ES256)",
        ),
        ("rsa-private", "private key material"),
        ("rsa-enc", "use is 'enc'"),
        ("rsa-as-es256", "alg ES256 needs kty EC, not 'RSA'"),
        ("ec-p384", "ES256 needs crv P-256, not 'P-384'"),
        ([{"kty": "RSA", "kid": "r", "n": "AQAB"}], "key 0: not a valid key"),
    ],
    ids=["empty", "hmac-key", "private", "encryption", "kty-mismatch", "p384", "broken"],
)
def test_a_key_set_with_no_usable_key_stops_start_up(
    tmp_path: Path,
    gateway_env: dict[str, str],
    rsa_private: Any,
    keys: Any,
    says: str,
) -> None:
    if keys == "rsa-private":
        private = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_private))
        keys = [{**private, "kid": "p"}]
    elif keys == "rsa-enc":
        keys = [_public_jwk(rsa_private, "e", use="enc")]
    elif keys == "rsa-as-es256":
        keys = [_public_jwk(rsa_private, "x", alg="ES256")]
    elif keys == "ec-p384":
        keys = [_public_jwk(ec.generate_private_key(ec.SECP384R1()), "p384")]
    with pytest.raises(ConfigError, match="SALESOPS_JWT_JWKS_FILE") as raised:
        _jwks_settings(tmp_path, gateway_env, keys)
    assert says in str(raised.value)


def test_a_key_set_file_that_is_not_a_key_set_stops_start_up(
    tmp_path: Path, gateway_env: dict[str, str], rsa_private: Any, rsa_next: Any, rsa_keys: Any
) -> None:
    cases = {
        "missing.json": None,
        "garbage.json": "{not json",
        "no-keys.json": json.dumps({"kty": "RSA"}),
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        with pytest.raises(ConfigError, match="SALESOPS_JWT_JWKS_FILE"):
            GatewaySettings.from_env({**gateway_env, "SALESOPS_JWT_JWKS_FILE": str(path)})
    # Several keys need distinct kids: the token's kid must pick exactly one.
    for keys in (
        [_public_jwk(rsa_private, None), _public_jwk(rsa_next, "b")],
        [_public_jwk(rsa_private, "a"), _public_jwk(rsa_next, "a")],
    ):
        with pytest.raises(ConfigError, match="distinct kid"):
            _jwks_settings(tmp_path, gateway_env, keys)
    with pytest.raises(ConfigError, match="set one"):
        _jwks_settings(
            tmp_path,
            gateway_env,
            [_public_jwk(rsa_private, "a")],
            SALESOPS_JWT_PUBLIC_KEY_FILE=str(rsa_keys[1]),
        )


def test_unusable_keys_beside_a_usable_one_are_ignored(
    tmp_path: Path, gateway_env: dict[str, str], rsa_private: Any
) -> None:
    keys = [
        {"kty": "oct", "k": "c2VjcmV0", "kid": "h"},
        _public_jwk(rsa_private, "rsa-1"),
        _public_jwk(rsa_private, "enc-1", use="enc"),
    ]
    settings = _jwks_settings(tmp_path, gateway_env, keys)
    assert [key.key_id for key in settings.jwt_jwks] == ["rsa-1"]
    with TestClient(create_app(settings)) as client:
        # The HMAC key of the file is not a verification key: its kid is unknown.
        token = jwt.encode(_claims(), b"secret", algorithm="HS256", headers={"kid": "h"})
        _assert_401(_get(client, token), "'h' is not a configured key")
