"""Gateway settings fail fast, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gateway.settings import DEV_JWT_SECRET, GatewaySettings
from services.kit.config import ConfigError


def test_defaults_are_a_development_gateway() -> None:
    settings = GatewaySettings.from_env({})
    assert settings.port == 8080
    assert settings.jwt_algorithm == "HS256"
    assert settings.jwt_secret == DEV_JWT_SECRET
    assert settings.jwt_jwks == ()  # no key set: SALESOPS_JWT_JWKS_FILE is unset
    assert (settings.jwt_issuer, settings.jwt_audience) == ("salesops", "salesops-api")
    assert settings.jwt_leeway_seconds == 30
    assert settings.upstream_timeout_seconds == 5.0
    assert settings.upstream_targets == {
        "planning": "127.0.0.1:50051",
        "pipeline": "127.0.0.1:50052",
        "customers": "127.0.0.1:50053",
        "performance": "127.0.0.1:50054",
        "training": "127.0.0.1:50055",
    }
    assert settings.may_issue_tokens


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SALESOPS_JWT_LEEWAY_SECONDS": "-1"}, "SALESOPS_JWT_LEEWAY_SECONDS"),
        ({"SALESOPS_JWT_LEEWAY_SECONDS": "soon"}, "SALESOPS_JWT_LEEWAY_SECONDS"),
        (
            {"SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "0"},
            "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS",
        ),
        (
            {"SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "nan"},
            "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS",
        ),
        ({"SALESOPS_GATEWAY_PORT": "99999"}, "SALESOPS_GATEWAY_PORT"),
        ({"SALESOPS_JWT_AUDIENCE": "  "}, "SALESOPS_JWT_AUDIENCE"),
        ({"SALESOPS_PIPELINE_TARGET": "no-port"}, "SALESOPS_PIPELINE_TARGET"),
        ({"SALESOPS_ENV": "production"}, "SALESOPS_JWT_SECRET"),
        ({"SALESOPS_ENV": "production", "SALESOPS_JWT_SECRET": "short"}, "SALESOPS_JWT_SECRET"),
        (
            {"SALESOPS_ENV": "production", "SALESOPS_JWT_SECRET": DEV_JWT_SECRET},
            "SALESOPS_JWT_SECRET",
        ),
        ({"SALESOPS_JWT_PUBLIC_KEY_FILE": "/nonexistent.pem"}, "SALESOPS_JWT_PUBLIC_KEY_FILE"),
    ],
)
def test_an_invalid_value_stops_start_up_naming_the_variable(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        GatewaySettings.from_env(env)
    assert raised.value.variable == variable


def test_the_public_key_file_must_hold_an_rsa_public_key(tmp_path: Path) -> None:
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    ec_key = tmp_path / "ec.pem"
    ec_key.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    for path in (not_pem, ec_key):
        with pytest.raises(ConfigError, match="SALESOPS_JWT_PUBLIC_KEY_FILE"):
            GatewaySettings.from_env({"SALESOPS_JWT_PUBLIC_KEY_FILE": str(path)})


def test_production_with_a_strong_secret_verifies_but_does_not_issue() -> None:
    settings = GatewaySettings.from_env(
        {"SALESOPS_ENV": "production", "SALESOPS_JWT_SECRET": "k" * 48}
    )
    assert settings.jwt_algorithm == "HS256"
    assert not settings.may_issue_tokens
