"""`/v1/surveys`: record CSAT and NPS survey responses (one, or an import) and list them.

A response is a customer's answer to one question: CSAT (1-5) or NPS (0-10).
Recording one updates the account's health (`/v1/customers/{id}/health`) and
the figures at `/v1/nps`. `POST /v1/surveys:import` takes a JSON body
(`{"rows": [...]}`) or a CSV file; every row gets its own result, a bad row
never stops the good ones, and a row is recorded whole or not at all. The
customer must be one the caller may see and change (a rep: their own).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Query, Request
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field
from salesops.customers.v1 import satisfaction_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES, FieldError
from gateway.routes.conventions import (
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
    proto_to_json,
)

# The CSV plumbing of the lead import: the same media types, limits and messages.
from gateway.routes.leads import MAX_IMPORT_BYTES, _csv_bytes, _problem, _records, _text_of
from gateway.upstreams import OpenUpstreams

SURVEY_KIND = EnumJson(satisfaction_pb2.SurveyKind.DESCRIPTOR, "SURVEY_KIND_")
SURVEY_CHANNEL = EnumJson(satisfaction_pb2.SurveyChannel.DESCRIPTOR, "SURVEY_CHANNEL_")
SURVEY_SOURCE = EnumJson(satisfaction_pb2.SurveySource.DESCRIPTOR, "SURVEY_SOURCE_")
NPS_CATEGORY = EnumJson(satisfaction_pb2.NpsCategory.DESCRIPTOR, "NPS_CATEGORY_")
KindName = SURVEY_KIND.filter_literal()
ChannelName = SURVEY_CHANNEL.filter_literal()
SourceName = SURVEY_SOURCE.literal()
CategoryName = Literal["promoter", "passive", "detractor"]

router = APIRouter(prefix="/v1/surveys", tags=["surveys"], responses=PROBLEM_RESPONSES)

# Rows per ImportSurveyResponses call: the customers service's limit per call.
ROWS_PER_IMPORT_CALL = 10_000
IMPORT_COLUMNS = (
    "customer_id",
    "kind",
    "score",
    "contact_id",
    "channel",
    "comment",
    "responded_at",
    "external_id",
)
REQUIRED_COLUMNS = ("customer_id", "kind", "score")
JSON_MEDIA_TYPE = "application/json"


class SurveyResponse(ProtoModel):
    """A customer's answer to a CSAT or NPS question."""

    response_id: str
    customer_id: str
    region: str
    contact_id: str = Field(description="The contact who answered, when known.")
    kind: KindName  # type: ignore[valid-type]
    score: int = Field(description="CSAT 1-5, NPS 0-10.")
    nps_category: CategoryName | None = Field(
        description="For NPS: promoter (9-10), passive (7-8) or detractor (0-6); null for CSAT."
    )
    channel: ChannelName  # type: ignore[valid-type]
    comment: str
    responded_at: datetime | None
    source: SourceName = Field(  # type: ignore[valid-type]
        description="api, import, or case (the score given when a case was resolved)."
    )
    case_id: str = Field(description="The resolved case that carried the score (source case).")
    external_id: str = Field(description="The survey tool's id of the response.")
    create_time: datetime | None
    created_by: str

    @classmethod
    def from_proto(cls, message: Message) -> Self:
        data = proto_to_json(message)
        if data["nps_category"] == "unspecified":
            data["nps_category"] = None
        return cls.model_validate(data)


class SurveyResponseList(BaseModel):
    """One page of survey responses, newest first."""

    responses: list[SurveyResponse]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class RecordSurveyResponse(BaseModel):
    """A survey response to record. The customers service checks the values."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(examples=["2f0c6c1e-8a4b-4bfa-9a57-0f5cc4f0c1a2"])
    kind: KindName = Field(examples=["nps"])  # type: ignore[valid-type]
    score: int = Field(description="CSAT 1-5, NPS 0-10.", examples=[9])
    contact_id: str = ""
    channel: ChannelName | None = Field(  # type: ignore[valid-type]
        None, description="How the answer reached us; web if omitted (case is not accepted)."
    )
    comment: str = Field("", max_length=2000)
    responded_at: datetime | None = Field(
        None, description="When the customer answered; now if omitted."
    )
    external_id: str = Field(
        "", description="The survey tool's id of the response: recording it twice is a 409."
    )


class ImportedSurveyRow(BaseModel):
    """What became of one row."""

    row: int = Field(
        description="The row's number: in a CSV file the header is row 1; in JSON the first "
        "row is 1."
    )
    outcome: Literal["recorded", "duplicate", "invalid"]
    response_id: str = Field(
        default="",
        description="The new response (recorded), or the one recorded before with the same "
        "external_id (duplicate).",
    )
    duplicate_of_row: int = Field(
        default=0, description="For a duplicate of an earlier row of this import: that row."
    )
    errors: list[FieldError] = Field(default_factory=list, description="Why a row is invalid.")


class SurveyImport(BaseModel):
    """Every row's result, in order, and the totals."""

    recorded: int
    duplicates: int
    invalid: int
    results: list[ImportedSurveyRow]


def _timestamp(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _record_request(body: RecordSurveyResponse) -> satisfaction_pb2.RecordSurveyResponseRequest:
    request = satisfaction_pb2.RecordSurveyResponseRequest(
        customer_id=body.customer_id,
        contact_id=body.contact_id,
        kind=satisfaction_pb2.SurveyKind.ValueType(SURVEY_KIND.from_json(body.kind)),
        score=body.score,
        channel=satisfaction_pb2.SurveyChannel.ValueType(
            SURVEY_CHANNEL.from_json(body.channel) if body.channel else 0
        ),
        comment=body.comment,
        external_id=body.external_id,
    )
    if body.responded_at is not None:
        request.responded_at.CopyFrom(_timestamp(body.responded_at))
    return request


@router.post("", status_code=201, summary="Record a survey response")
async def record_survey_response(
    body: RecordSurveyResponse, caller: WritingCaller, upstreams: OpenUpstreams
) -> SurveyResponse:
    """Record one CSAT or NPS answer of a customer the caller may change."""
    response = await upstreams.call(
        "customers", "RecordSurveyResponse", _record_request(body), caller
    )
    return SurveyResponse.from_proto(response.response)


@router.get("", summary="List survey responses")
async def list_survey_responses(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    customer_id: Annotated[str, Query(max_length=100, description="Only this customer's.")] = "",
    kind: Annotated[
        KindName | None,  # type: ignore[valid-type]
        Query(description="Only CSAT or only NPS responses."),
    ] = None,
    region: RegionFilter = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> SurveyResponseList:
    """Responses in the caller's scope (a rep: their accounts'), newest first."""
    request = satisfaction_pb2.ListSurveyResponsesRequest(
        customer_id=customer_id,
        region=region,
        kind=satisfaction_pb2.SurveyKind.ValueType(SURVEY_KIND.from_json(kind) if kind else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("customers", "ListSurveyResponses", request, caller)
    return SurveyResponseList(
        responses=[SurveyResponse.from_proto(r) for r in response.responses],
        next_page_token=response.page.next_page_token,
    )


# --- import ------------------------------------------------------------------------------


def _invalid(row_number: int, field: str, description: str) -> ImportedSurveyRow:
    return ImportedSurveyRow(
        row=row_number,
        outcome="invalid",
        errors=[FieldError(field=field, description=description)],
    )


def _import_row(
    row_number: int, values: Mapping[str, Any]
) -> satisfaction_pb2.SurveyImportRow | ImportedSurveyRow:
    """The service row of one input row, or its result when the gateway cannot send it."""
    errors: list[FieldError] = []
    unknown = sorted(set(values) - set(IMPORT_COLUMNS))
    errors += [
        FieldError(
            field=name, description=f"is not a survey field; known: {', '.join(IMPORT_COLUMNS)}"
        )
        for name in unknown
    ]
    row = satisfaction_pb2.SurveyImportRow(row_number=row_number)
    for name in ("customer_id", "contact_id", "comment", "external_id"):
        value = values.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            errors.append(FieldError(field=name, description="must be text"))
            continue
        setattr(row, name, value.strip() if name != "comment" else value)
    kind = str(values.get("kind") or "").strip().lower()
    if kind:
        if kind in SURVEY_KIND.filter_names:
            row.kind = satisfaction_pb2.SurveyKind.ValueType(SURVEY_KIND.from_json(kind))
        else:
            errors.append(FieldError(field="kind", description="must be csat or nps"))
    channel = str(values.get("channel") or "").strip().lower()
    if channel:
        if channel in SURVEY_CHANNEL.filter_names:
            row.channel = satisfaction_pb2.SurveyChannel.ValueType(
                SURVEY_CHANNEL.from_json(channel)
            )
        else:
            errors.append(
                FieldError(
                    field="channel",
                    description=f"must be one of {', '.join(SURVEY_CHANNEL.filter_names)}",
                )
            )
    score = values.get("score")
    if score is not None and score != "":
        number = _whole_number(score)
        if number is None:
            errors.append(FieldError(field="score", description="must be a whole number"))
        else:
            row.score = number
    responded_at = values.get("responded_at")
    if responded_at:
        try:
            when = datetime.fromisoformat(str(responded_at).strip().replace("Z", "+00:00"))
        except ValueError:
            errors.append(
                FieldError(
                    field="responded_at",
                    description="must be an ISO 8601 instant such as 2027-01-05T10:00:00Z",
                )
            )
        else:
            row.responded_at.CopyFrom(_timestamp(when))
    if errors:
        return ImportedSurveyRow(row=row_number, outcome="invalid", errors=errors)
    return row


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -(2**31) <= value < 2**31 else None
    text = str(value).strip()
    if text.lstrip("-").isdigit() and len(text) < 10:
        return int(text)
    return None


def _csv_rows(records: list[list[str]]) -> list[tuple[int, dict[str, str]] | ImportedSurveyRow]:
    """The data rows of a CSV file as (row number, values), header checked."""
    header = ["_".join(cell.strip().lower().replace("-", " ").split()) for cell in records[0]]
    problems = [f"column '{c}' is not a survey field" for c in header if c not in IMPORT_COLUMNS]
    problems += [f"column '{c}' is required" for c in REQUIRED_COLUMNS if c not in header]
    problems += [
        f"column '{c}' appears more than once"
        for c in sorted({c for c in header if header.count(c) > 1})
    ]
    if problems:
        raise _problem(
            400,
            "; ".join(problems)
            + f"; the first row must name the columns: {', '.join(IMPORT_COLUMNS)}",
            field="header",
        )
    rows: list[tuple[int, dict[str, str]] | ImportedSurveyRow] = []
    # Row numbers are the file's: the header is row 1, as a spreadsheet shows it.
    for row_number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (often the last ones) are not rows
        if len(cells) > len(header):
            rows.append(
                _invalid(
                    row_number,
                    "row",
                    f"has {len(cells)} values but the header names {len(header)} columns",
                )
            )
            continue
        rows.append((row_number, dict(zip(header, cells, strict=False))))
    return rows


def _json_rows(body: bytes) -> list[tuple[int, dict[str, Any]] | ImportedSurveyRow]:
    """The rows of a JSON body `{"rows": [...]}`, numbered from 1."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _problem(400, f"the body is not valid JSON: {error}", field="body") from None
    rows = document.get("rows") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise _problem(400, 'the body must be an object with a "rows" list', field="rows")
    out: list[tuple[int, dict[str, Any]] | ImportedSurveyRow] = []
    for number, item in enumerate(rows, start=1):
        if isinstance(item, dict):
            out.append((number, item))
        else:
            out.append(_invalid(number, "row", "must be an object of survey fields"))
    return out


async def _send(
    upstreams: Any, caller: Any, rows: Sequence[satisfaction_pb2.SurveyImportRow]
) -> list[ImportedSurveyRow]:
    results: list[ImportedSurveyRow] = []
    for start in range(0, len(rows), ROWS_PER_IMPORT_CALL):
        request = satisfaction_pb2.ImportSurveyResponsesRequest(
            rows=rows[start : start + ROWS_PER_IMPORT_CALL]
        )
        response = await upstreams.call("customers", "ImportSurveyResponses", request, caller)
        results += [_imported_row(result) for result in response.results]
    return results


def _imported_row(result: satisfaction_pb2.SurveyImportResult) -> ImportedSurveyRow:
    outcome = result.WhichOneof("outcome")
    if outcome == "recorded":
        return ImportedSurveyRow(
            row=result.row_number, outcome="recorded", response_id=result.recorded.response_id
        )
    if outcome == "duplicate":
        return ImportedSurveyRow(
            row=result.row_number,
            outcome="duplicate",
            response_id=result.duplicate.response_id,
            duplicate_of_row=result.duplicate.duplicate_of_row_number,
        )
    return ImportedSurveyRow(
        row=result.row_number,
        outcome="invalid",
        errors=[
            FieldError(field=v.field, description=v.description) for v in result.invalid.violations
        ],
    )


_ROW_SCHEMA = {
    "type": "object",
    "properties": {
        "customer_id": {"type": "string"},
        "kind": {"type": "string", "enum": list(SURVEY_KIND.filter_names)},
        "score": {"type": "integer"},
        "contact_id": {"type": "string"},
        "channel": {"type": "string", "enum": list(SURVEY_CHANNEL.filter_names)},
        "comment": {"type": "string"},
        "responded_at": {"type": "string", "format": "date-time"},
        "external_id": {"type": "string"},
    },
    "required": list(REQUIRED_COLUMNS),
}


@router.post(
    ":import",
    summary="Import survey responses (JSON or CSV)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": 'Either JSON, {"rows": [row, ...]}, or a UTF-8 CSV file whose first '
            f"row names the columns ({', '.join(IMPORT_COLUMNS)}; customer_id, kind and score "
            "are required) sent as text/csv or as the part named 'file' of multipart/form-data.",
            "content": {
                JSON_MEDIA_TYPE: {
                    "schema": {
                        "type": "object",
                        "properties": {"rows": {"type": "array", "items": _ROW_SCHEMA}},
                        "required": ["rows"],
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
async def import_survey_responses(
    request: Request, caller: WritingCaller, upstreams: OpenUpstreams
) -> SurveyImport:
    """Record many responses: each row's result comes back with its number (recorded,
    duplicate of a known external_id, or invalid naming the fields). A bad row never stops
    the others; a body that is not JSON or UTF-8 CSV with a header is refused whole."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    parsed: Sequence[tuple[int, Mapping[str, Any]] | ImportedSurveyRow]
    if content_type.split(";", 1)[0].strip().lower() == JSON_MEDIA_TYPE:
        parsed = _json_rows(body)
    else:
        data = _csv_bytes(content_type, body)
        if len(data) > MAX_IMPORT_BYTES:
            raise _problem(
                413, f"the file is {len(data)} bytes; at most {MAX_IMPORT_BYTES} are taken"
            )
        records = _records(_text_of(data))
        if not records:
            raise _problem(400, "the file is empty; its first row must name the columns")
        parsed = _csv_rows(records)
    results: dict[int, ImportedSurveyRow] = {}
    to_send: list[satisfaction_pb2.SurveyImportRow] = []
    for item in parsed:
        converted = item if isinstance(item, ImportedSurveyRow) else _import_row(*item)
        if isinstance(converted, ImportedSurveyRow):
            results[converted.row] = converted
        else:
            to_send.append(converted)
    for result in await _send(upstreams, caller, to_send):
        results[result.row] = result
    ordered = [results[row] for row in sorted(results)]
    return SurveyImport(
        recorded=sum(r.outcome == "recorded" for r in ordered),
        duplicates=sum(r.outcome == "duplicate" for r in ordered),
        invalid=sum(r.outcome == "invalid" for r in ordered),
        results=ordered,
    )
