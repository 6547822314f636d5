"""`/v1/leads`: capture (one, or a CSV import), read, list, move, assign and contact leads.

Actions that are not plain reads or creates use custom-method paths in the
Google API style, `POST /v1/leads/{lead_id}:qualify`. Starlette matches them
as a literal suffix after the `{lead_id}` segment, so the id never swallows
the verb; the collection's own verb is `POST /v1/leads:import`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Annotated, Any, Literal

import grpc
from fastapi import APIRouter, Body, Path, Query, Request, Response
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import pipeline_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES, FieldError, Problem, kind_for_http_status
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

LEAD_STATUS = EnumJson(pipeline_pb2.LeadStatus.DESCRIPTOR, "LEAD_STATUS_")
LeadStatusName = LEAD_STATUS.literal()
LeadStatusFilter = LEAD_STATUS.filter_literal()

router = APIRouter(prefix="/v1/leads", tags=["leads"], responses=PROBLEM_RESPONSES)

UnassignedFilter = Annotated[
    bool,
    Query(description="Only the unassigned queue: open leads waiting for an owner."),
]
StatusFilter = Annotated[
    LeadStatusFilter | None,  # type: ignore[valid-type]
    Query(description="Only leads in this status."),
]
# Ids never contain ":", which separates a custom verb (`{lead_id}:qualify`).
LeadId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The lead's id.")
]


class ScoreReason(ProtoModel):
    """One scoring rule that gave (or took) points."""

    rule: str = Field(examples=["title:c_level"])
    points: int


class Lead(ProtoModel):
    """A prospective customer and the person to talk to there."""

    lead_id: str
    region: str
    company_name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_title: str
    country: str = Field(description="ISO 3166-1 alpha-2 country code.")
    industry: str
    source: str = Field(description='Where the lead came from: "web", "event", "referral", ...')
    status: LeadStatusName  # type: ignore[valid-type]
    owner_id: str = Field(description="Subject of the rep who owns the lead.")
    disqualify_reason: str
    qualify_time: datetime | None
    convert_time: datetime | None
    audit: Audit | None
    campaign: str
    company_size: str = Field(description='"1-49", "50-249", "250+", or "" when unknown.')
    score: int = Field(ge=0, le=100, description="Rule-based lead score.")
    score_reasons: list[ScoreReason] = Field(description="The rules that made the score.")
    assignment_reason: str = Field(
        description="Why the lead has its owner, or why it waits in the unassigned queue.",
        examples=["territory DACH-ENT: most spare capacity (7 of 20 free)"],
    )
    territory_id: str = Field(description="The territory that routed the lead, if one did.")
    assign_time: datetime | None
    contact_time: datetime | None = Field(description="First contact; null until then.")
    contacted_by: str
    sla_due_time: datetime | None = Field(description="When the first contact is due.")
    sla_breach_time: datetime | None = Field(description="Set when the SLA was missed.")


class LeadList(BaseModel):
    """One page of leads, newest first."""

    leads: list[Lead]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class CreateLeadRequest(BaseModel):
    """A new lead. The pipeline service checks the values; the gateway checks the shape."""

    # Unknown fields are refused so a misspelt field is reported, not silently dropped.
    model_config = ConfigDict(extra="forbid")

    region: str = Field(examples=["emea"])
    company_name: str = Field(examples=["Acme GmbH"])
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_title: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2 country code.", examples=["DE"])
    industry: str = ""
    source: str = Field("", examples=["web"])
    campaign: str = Field("", examples=["spring-webinar-2027"])
    company_size: str = Field(
        "", description='"1-49", "50-249", "250+", or a head count.', examples=["120"]
    )
    owner_id: str = Field(
        "",
        description="The rep who owns the lead. Empty routes it by the territories' rules "
        "(a rep's own capture is theirs).",
    )
    allow_duplicate: bool = Field(
        False, description="Capture it even if it looks like an open lead (409 otherwise)."
    )


class DisqualifyLeadRequest(BaseModel):
    """Why the lead is not worth pursuing."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(examples=["no budget this fiscal year"])


class AssignLeadRequest(BaseModel):
    """Who gets the lead, and why."""

    model_config = ConfigDict(extra="forbid")

    owner_id: str = Field(examples=["rep-7"])
    note: str = Field("", examples=["knows the account from a previous deal"])


class MarkContactedRequest(BaseModel):
    """When the first contact happened; now if omitted."""

    model_config = ConfigDict(extra="forbid")

    contact_time: datetime | None = None


class NoFields(BaseModel):
    """An action that takes no input: send no body or `{}`."""

    model_config = ConfigDict(extra="forbid")


EmptyBody = Annotated[NoFields | None, Body()]


async def _lead_action(upstreams: Upstreams, caller: Caller, method: str, request: Any) -> Lead:
    response = await upstreams.call("pipeline", method, request, caller)
    return Lead.from_proto(response.lead)


@router.post("", status_code=201, summary="Capture a lead")
async def create_lead(
    body: CreateLeadRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Lead:
    """Create a lead in `region` (one of the caller's); `Location` points at it."""
    lead = await _lead_action(
        upstreams, caller, "CreateLead", pipeline_pb2.CreateLeadRequest(**body.model_dump())
    )
    response.headers["Location"] = f"{router.prefix}/{lead.lead_id}"
    return lead


@router.get("/{lead_id}", summary="Read a lead")
async def get_lead(lead_id: LeadId, caller: ReadingCaller, upstreams: OpenUpstreams) -> Lead:
    """A lead outside the caller's scope is 404, exactly as if it did not exist."""
    return await _lead_action(
        upstreams, caller, "GetLead", pipeline_pb2.GetLeadRequest(lead_id=lead_id)
    )


@router.get("", summary="List leads")
async def list_leads(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    status: StatusFilter = None,
    unassigned: UnassignedFilter = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> LeadList:
    """Leads in the caller's scope, newest first. The unassigned queue is for managers,
    directors and admins: a rep's list holds only their own leads."""
    request = pipeline_pb2.ListLeadsRequest(
        region=region,
        status=pipeline_pb2.LeadStatus.ValueType(LEAD_STATUS.from_json(status) if status else 0),
        unassigned=unassigned,
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("pipeline", "ListLeads", request, caller)
    return LeadList(
        leads=[Lead.from_proto(lead) for lead in response.leads],
        next_page_token=response.page.next_page_token,
    )


@router.post("/{lead_id}:qualify", summary="Qualify a lead")
async def qualify_lead(
    lead_id: LeadId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Lead:
    """Mark a new lead as worth a sales conversation."""
    return await _lead_action(
        upstreams, caller, "QualifyLead", pipeline_pb2.QualifyLeadRequest(lead_id=lead_id)
    )


@router.post("/{lead_id}:disqualify", summary="Disqualify a lead")
async def disqualify_lead(
    lead_id: LeadId, body: DisqualifyLeadRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Lead:
    """Close a new or qualified lead as not worth pursuing; a reason is required."""
    request = pipeline_pb2.DisqualifyLeadRequest(lead_id=lead_id, reason=body.reason)
    return await _lead_action(upstreams, caller, "DisqualifyLead", request)


@router.post("/{lead_id}:convert", summary="Convert a lead")
async def convert_lead(
    lead_id: LeadId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Lead:
    """Convert a qualified lead; the customers service then opens the account."""
    return await _lead_action(
        upstreams, caller, "ConvertLead", pipeline_pb2.ConvertLeadRequest(lead_id=lead_id)
    )


@router.post("/{lead_id}:assign", summary="Assign a lead to a rep")
async def assign_lead(
    lead_id: LeadId, body: AssignLeadRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Lead:
    """Give an open lead to a rep (managers, directors and admins), typically from the
    unassigned queue; the reason recorded is "assigned by <you>" and the note."""
    request = pipeline_pb2.AssignLeadRequest(
        lead_id=lead_id, owner_id=body.owner_id, note=body.note
    )
    return await _lead_action(upstreams, caller, "AssignLead", request)


@router.post("/{lead_id}:mark-contacted", summary="Record the first contact with a lead")
async def mark_lead_contacted(
    lead_id: LeadId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[MarkContactedRequest | None, Body()] = None,
) -> Lead:
    """Stop the lead's first-contact SLA clock. The first contact stays the first."""
    request = pipeline_pb2.MarkLeadContactedRequest(lead_id=lead_id)
    if body is not None and body.contact_time is not None:
        stamp = Timestamp()
        stamp.FromDatetime(body.contact_time)
        request.contact_time.CopyFrom(stamp)
    return await _lead_action(upstreams, caller, "MarkLeadContacted", request)


# --- CSV import --------------------------------------------------------------------------

# The largest file accepted; the gateway's body limit applies first as well.
MAX_IMPORT_BYTES = 1024 * 1024
# Rows per ImportLeads call (the pipeline service's limit per call).
ROWS_PER_IMPORT_CALL = 10_000
# Rows per streamed message: each gRPC message has a fixed cost, so rows travel in groups.
ROWS_PER_MESSAGE = 500
IMPORT_TIMEOUT_SECONDS = 120.0
CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv"})
# Columns a file may have: the lead fields of an import row.
IMPORT_COLUMNS = tuple(
    field.name
    for field in pipeline_pb2.LeadImportRow.DESCRIPTOR.fields
    if field.name not in {"row_number", "allow_duplicate"}
)
REQUIRED_COLUMNS = ("company_name", "contact_name")


class ImportedRow(BaseModel):
    """What became of one data row of the file."""

    row: int = Field(description="The row's number in the file; the header is row 1.")
    outcome: Literal["created", "duplicate", "invalid"]
    lead_id: str = Field(
        default="",
        description="The new lead (created), or the open lead it duplicates (duplicate).",
    )
    owner_id: str = Field(
        default="", description="Who got the new lead; empty: the unassigned queue."
    )
    matched_on: str = Field(
        default="",
        description='For a duplicate: "contact_email", "contact_phone" or "company_name".',
    )
    duplicate_of_row: int = Field(
        default=0, description="For a duplicate of an earlier row of this file: that row."
    )
    errors: list[FieldError] = Field(default_factory=list, description="Why a row is invalid.")


class LeadImport(BaseModel):
    """Every data row's result, in file order, and the totals."""

    created: int
    duplicates: int
    invalid: int
    results: list[ImportedRow]


def _problem(status: int, detail: str, field: str = "file") -> Problem:
    return Problem(
        kind_for_http_status(status), detail, errors=[FieldError(field=field, description=detail)]
    )


def _csv_bytes(content_type: str, body: bytes) -> bytes:
    """The file's bytes from a text/csv body or the file part of a multipart/form-data body."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in CSV_MEDIA_TYPES:
        return body
    if media_type != "multipart/form-data":
        raise Problem(
            kind_for_http_status(415),
            f"send the file as text/csv, or as the part named 'file' of multipart/form-data; "
            f"not {media_type or 'a body without Content-Type'}",
        )
    # The standard library's MIME parser: no extra dependency for one upload route.
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if message.is_multipart():
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                payload = part.get_payload(decode=True)
                return payload if isinstance(payload, bytes) else b""
    raise _problem(400, "the multipart body has no part named 'file'")


def _text_of(data: bytes) -> str:
    """The file as text: UTF-8, with or without a byte-order mark, or a 400 saying where not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        raise _problem(
            400,
            f"the file is not UTF-8 text: byte 0x{bad} at offset {error.start} is not valid "
            "UTF-8; save it as CSV UTF-8",
        ) from None


def _column_name(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _header(cells: list[str], default_region: str) -> list[str]:
    """The file's columns, checked: known lead fields, no repeats, the required ones present."""
    columns = [_column_name(cell) for cell in cells]
    if not any(column in IMPORT_COLUMNS for column in columns):
        raise _problem(
            400,
            "the file has no header row: its first row must name the columns, for example "
            f"{','.join(('region', *REQUIRED_COLUMNS, 'contact_email'))}",
            field="header",
        )
    errors = [
        FieldError(
            field="header",
            description=f"column '{cell.strip()}' is not a lead field; known: "
            f"{', '.join(IMPORT_COLUMNS)}",
        )
        for cell, column in zip(cells, columns, strict=True)
        if column not in IMPORT_COLUMNS
    ]
    errors += [
        FieldError(field="header", description=f"column '{column}' appears more than once")
        for column in sorted({c for c in columns if columns.count(c) > 1 and c in IMPORT_COLUMNS})
    ]
    required = REQUIRED_COLUMNS if default_region else ("region", *REQUIRED_COLUMNS)
    errors += [
        FieldError(
            field="header",
            description=f"column '{column}' is required"
            + (" (or pass ?region= for every row)" if column == "region" else ""),
        )
        for column in required
        if column not in columns
    ]
    if errors:
        raise Problem.of(
            grpc.StatusCode.INVALID_ARGUMENT,
            "; ".join(error.description for error in errors),
            errors=errors,
        )
    return columns


def _records(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise _problem(400, f"the file is not valid CSV: {error}") from None


def _import_request(
    row_number: int,
    columns: Sequence[str],
    cells: Sequence[str],
    default_region: str,
    allow_duplicates: bool,
) -> pipeline_pb2.LeadImportRow | ImportedRow:
    """The service request of one data row, or its result when the row cannot be sent."""
    if len(cells) > len(columns):
        return ImportedRow(
            row=row_number,
            outcome="invalid",
            errors=[
                FieldError(
                    field="row",
                    description=f"has {len(cells)} values but the header names "
                    f"{len(columns)} columns",
                )
            ],
        )
    values = dict(zip(columns, cells, strict=False))
    request = pipeline_pb2.LeadImportRow(
        row_number=row_number, allow_duplicate=allow_duplicates, **values
    )
    if not request.region:
        request.region = default_region
    return request


@router.post(
    ":import",
    summary="Import leads from a CSV file",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A UTF-8 CSV file (a byte-order mark is fine) whose first row names "
            f"the columns: {', '.join(IMPORT_COLUMNS)}. Send it as the body (text/csv) or as "
            "the part named 'file' of multipart/form-data.",
            "content": {
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
async def import_leads(
    request: Request,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    region: Annotated[
        str, Query(description="The region of rows whose region cell is empty or missing.")
    ] = "",
    allow_duplicates: Annotated[
        bool, Query(description="Import rows that look like open leads too.")
    ] = False,
) -> LeadImport:
    """Capture every row of a CSV file as a lead: each row's result comes back with its row
    number (created, duplicate of an open lead, or invalid naming the fields). A bad row
    never stops the others; a file that is not UTF-8 CSV with a header is refused whole."""
    body = await request.body()
    data = _csv_bytes(request.headers.get("content-type", ""), body)
    if len(data) > MAX_IMPORT_BYTES:
        raise _problem(413, f"the file is {len(data)} bytes; at most {MAX_IMPORT_BYTES} are taken")
    records = _records(_text_of(data))
    if not records:
        raise _problem(400, "the file is empty; its first row must name the columns")
    default_region = region.strip()
    columns = _header(records[0], default_region)
    results: dict[int, ImportedRow] = {}
    import_rows: list[pipeline_pb2.LeadImportRow] = []
    # Row numbers are the file's: the header is row 1, as a spreadsheet shows it.
    for row_number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (often the last ones) are not rows
        converted = _import_request(row_number, columns, cells, default_region, allow_duplicates)
        if isinstance(converted, ImportedRow):
            results[row_number] = converted
        else:
            import_rows.append(converted)
    for start in range(0, len(import_rows), ROWS_PER_IMPORT_CALL):
        call_rows = import_rows[start : start + ROWS_PER_IMPORT_CALL]
        messages = [
            pipeline_pb2.ImportLeadsRequest(rows=call_rows[first : first + ROWS_PER_MESSAGE])
            for first in range(0, len(call_rows), ROWS_PER_MESSAGE)
        ]
        response = await upstreams.call_client_stream(
            "pipeline", "ImportLeads", iter(messages), caller, IMPORT_TIMEOUT_SECONDS
        )
        for result in response.results:
            results[result.row_number] = _imported_row(result)
    ordered = [results[row] for row in sorted(results)]
    return LeadImport(
        created=sum(r.outcome == "created" for r in ordered),
        duplicates=sum(r.outcome == "duplicate" for r in ordered),
        invalid=sum(r.outcome == "invalid" for r in ordered),
        results=ordered,
    )


def _imported_row(result: pipeline_pb2.LeadImportResult) -> ImportedRow:
    outcome = result.WhichOneof("outcome")
    if outcome == "created":
        return ImportedRow(
            row=result.row_number,
            outcome="created",
            lead_id=result.created.lead_id,
            owner_id=result.created.owner_id,
        )
    if outcome == "duplicate":
        return ImportedRow(
            row=result.row_number,
            outcome="duplicate",
            lead_id=result.duplicate.duplicate_of_lead_id,
            matched_on=result.duplicate.matched_on,
            duplicate_of_row=result.duplicate.duplicate_of_row_number,
        )
    return ImportedRow(
        row=result.row_number,
        outcome="invalid",
        errors=[
            FieldError(field=v.field, description=v.description) for v in result.invalid.violations
        ],
    )
