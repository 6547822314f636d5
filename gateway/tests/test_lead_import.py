"""`POST /v1/leads:import` end to end: CSV upload through the gateway, streamed into the REAL
pipeline api on a migrated SQLite database; each row answered with its row number."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gateway.routes import leads as lead_routes

from .real_pipeline import Headers, pipeline_db, pipeline_target, real_client, real_settings, token

__all__ = ["pipeline_db", "pipeline_target", "real_client", "real_settings", "token"]

HEADER = "region,company_name,contact_name,contact_email,contact_phone,country,company_size\r\n"


def csv_post(client: TestClient, headers: dict[str, str], body: bytes, **params: Any) -> Any:
    return client.post(
        "/v1/leads:import",
        content=body,
        params=params,
        headers={**headers, "Content-Type": "text/csv; charset=utf-8"},
    )


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}"
    return body


def listed(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/leads", params={"page_size": 500}, headers=headers)
    assert response.status_code == 200, response.text
    leads: list[dict[str, Any]] = response.json()["leads"]
    return leads


def test_a_bad_row_in_the_middle_is_reported_and_the_rest_imported(
    real_client: TestClient, token: Headers
) -> None:
    body = (
        "\ufeff"  # Excel's "CSV UTF-8" starts with a byte-order mark
        + HEADER
        + "EMEA,Müller Maschinenbau GmbH,Jörg Müller,joerg@mueller.example,,DE,300\r\n"
        + "EMEA,,Nobody,not-an-email,,Germany,\r\n"
        + "\r\n"
        + 'EMEA,"Acme, Inc.",Ada,ada@acme.example,+49 30 1234567,DE,12\r\n'
        + "EMEA,ACME Ltd,Bob,bob@acme.example,,DE,\r\n"
    ).encode()
    response = csv_post(real_client, token(), body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["created"], result["duplicates"], result["invalid"]) == (2, 1, 1)
    rows = result["results"]
    assert [(r["row"], r["outcome"]) for r in rows] == [
        (2, "created"),
        (3, "invalid"),
        (5, "created"),
        (6, "duplicate"),
    ]
    assert rows[1]["errors"] == [
        {"field": "company_name", "description": "is required"},
        {"field": "contact_email", "description": "must be an email address like name@example.com"},
        {"field": "country", "description": "must be an ISO 3166-1 alpha-2 code such as DE or CN"},
    ]
    assert rows[3]["lead_id"] == rows[2]["lead_id"]
    assert (rows[3]["matched_on"], rows[3]["duplicate_of_row"]) == ("company_name", 5)
    leads = {lead["lead_id"]: lead for lead in listed(real_client, token())}
    assert set(leads) == {rows[0]["lead_id"], rows[2]["lead_id"]}
    mueller = leads[rows[0]["lead_id"]]
    assert mueller["company_name"] == "Müller Maschinenbau GmbH"
    assert mueller["company_size"] == "250+"
    assert mueller["score"] == 25
    assert mueller["score_reasons"] == [
        {"rule": "has_email", "points": 15},
        {"rule": "company_size:250+", "points": 10},
    ]
    assert mueller["owner_id"] == ""
    assert mueller["assignment_reason"].startswith("unassigned: no territory in EMEA covers")
    assert mueller["sla_due_time"] and mueller["contact_time"] is None


def test_a_multipart_upload_and_a_default_region(real_client: TestClient, token: Headers) -> None:
    data = b"Company Name,Contact-Name,contact_email\nInitech,Peter,peter@initech.example\n"
    response = real_client.post(
        "/v1/leads:import",
        params={"region": "EMEA"},
        files={"file": ("leads.csv", data, "text/csv")},
        headers=token(),
    )
    assert response.status_code == 200, response.text
    assert [(r["row"], r["outcome"]) for r in response.json()["results"]] == [(2, "created")]
    assert listed(real_client, token())[0]["region"] == "EMEA"


def test_a_row_with_too_many_values_is_that_rows_problem(
    real_client: TestClient, token: Headers
) -> None:
    body = (HEADER + "EMEA,Hooli,Gavin,gavin@hooli.example,,US,,surplus\r\n").encode()
    rows = csv_post(real_client, token(), body).json()["results"]
    assert rows == [
        {
            "row": 2,
            "outcome": "invalid",
            "lead_id": "",
            "owner_id": "",
            "matched_on": "",
            "duplicate_of_row": 0,
            "errors": [
                {"field": "row", "description": "has 8 values but the header names 7 columns"}
            ],
        }
    ]


def test_rows_for_regions_the_caller_lacks_are_refused_one_by_one(
    real_client: TestClient, token: Headers
) -> None:
    body = (
        HEADER
        + "EMEA,Globex,Hank,hank@globex.example,,US,\r\n"
        + "APAC,Umbrella,Alice,alice@umbrella.example,,JP,\r\n"
    ).encode()
    rep = token("rep-1", ("rep",), ("EMEA",))
    rows = csv_post(real_client, rep, body).json()["results"]
    assert [(r["row"], r["outcome"]) for r in rows] == [(2, "created"), (3, "invalid")]
    assert rows[0]["owner_id"] == "rep-1"
    assert rows[1]["errors"][0]["field"] == "region"


def test_a_file_that_is_not_utf8_is_refused_whole(real_client: TestClient, token: Headers) -> None:
    body = (HEADER + "EMEA,Müller GmbH,Jörg,j@mueller.example,,DE,\r\n").encode("latin-1")
    error = problem(csv_post(real_client, token(), body), 400, "invalid-argument")
    assert error["errors"][0]["field"] == "file"
    assert "not UTF-8" in error["detail"] and "byte 0xfc" in error["detail"]
    assert listed(real_client, token()) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "EMEA,Acme,Ada,ada@acme.example\r\n",
            "the file has no header row: its first row must name the columns",
        ),
        ("", "the file is empty"),
        (
            "region,company_name,contact_name,colour\r\nEMEA,Acme,Ada,red\r\n",
            "column 'colour' is not a lead field",
        ),
        ("region,company_name,contact_email\r\n", "column 'contact_name' is required"),
        ("company_name,contact_name\r\n", "column 'region' is required (or pass ?region="),
        (
            "region,company_name,contact_name,company_name\r\n",
            "column 'company_name' appears more than once",
        ),
        ('region,company_name,contact_name\r\nEMEA,"Acme,Ada\r\n', "not valid CSV"),
    ],
)
def test_a_file_without_a_proper_header_is_refused_whole(
    real_client: TestClient, token: Headers, body: str, expected: str
) -> None:
    error = problem(csv_post(real_client, token(), body.encode()), 400, "invalid-argument")
    assert expected in error["detail"]
    assert error["errors"][0]["field"] in {"file", "header"}
    assert listed(real_client, token()) == []


def test_a_file_over_the_size_limit_is_refused_whole(
    real_client: TestClient, token: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (HEADER + "EMEA,Acme,Ada,ada@acme.example,,DE,\r\n").encode()
    monkeypatch.setattr(lead_routes, "MAX_IMPORT_BYTES", len(body) - 1)
    error = problem(csv_post(real_client, token(), body), 413, "content-too-large")
    assert f"at most {len(body) - 1} are taken" in error["detail"]
    monkeypatch.undo()
    # Beyond the gateway's body limit the request is refused before it is read.
    huge = HEADER.encode() + b"x" * (1024 * 1024)
    problem(csv_post(real_client, token(), huge), 413, "content-too-large")
    assert listed(real_client, token()) == []


def test_other_media_types_and_callers_are_refused(real_client: TestClient, token: Headers) -> None:
    error = problem(
        real_client.post("/v1/leads:import", json={"rows": []}, headers=token()),
        415,
        "unsupported-media-type",
    )
    assert "text/csv" in error["detail"]
    no_file = real_client.post(
        "/v1/leads:import", files={"other": ("x.csv", b"a,b\n", "text/csv")}, headers=token()
    )
    assert "no part named 'file'" in problem(no_file, 400, "invalid-argument")["detail"]
    problem(
        csv_post(real_client, token("ceo", ("executive",), ("EMEA",)), HEADER.encode()),
        403,
        "permission-denied",
    )
    problem(csv_post(real_client, {}, HEADER.encode()), 401, "unauthenticated")


def test_a_big_file_is_streamed_in_several_calls(
    real_client: TestClient, token: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lead_routes, "ROWS_PER_IMPORT_CALL", 3)
    lines = [f"EMEA,Company {i},Person {i},p{i}@c{i}.example,,DE,\r\n" for i in range(8)]
    body = (HEADER + "".join(lines) + lines[0]).encode()
    result = csv_post(real_client, token(), body).json()
    assert (result["created"], result["duplicates"]) == (8, 1)
    assert [r["row"] for r in result["results"]] == list(range(2, 11))
    assert result["results"][-1]["duplicate_of_row"] == 0  # found in the database by a later call
    assert result["results"][-1]["lead_id"] == result["results"][0]["lead_id"]
