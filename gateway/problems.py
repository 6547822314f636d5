"""Every error the gateway answers with, as `application/problem+json` (RFC 9457).

One table maps gRPC status codes to HTTP statuses and problem types; errors
raised by the gateway itself (authentication, request validation, unknown
routes) use the same vocabulary, so a client sees one `type` per kind of
failure whichever side found it. Rich `google.rpc` details from a service
become `errors` (field violations), `violations` (business rules) and
`resources` (the record not found, or the existing records a request
conflicts with, such as likely duplicates); on a
5xx nothing from the upstream reaches the client except the request id.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.kit.concurrency import VERSION_MISMATCH

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:salesops:problem:"

log = logging.getLogger("salesops.gateway")


@dataclass(frozen=True)
class ProblemKind:
    """How one kind of failure looks over HTTP.

    `public` says whether the upstream's message may be shown: true for the
    4xx family (services write those messages for the caller, naming the field
    or rule), false for 5xx, whose messages may describe internals.
    """

    status: int
    slug: str
    title: str
    public: bool = True

    @property
    def type_uri(self) -> str:
        return PROBLEM_TYPE_PREFIX + self.slug


# The one table from gRPC status codes to HTTP. Where two codes share an HTTP
# status, the first listed is also the kind the gateway uses for its own
# errors of that status (see kind_for_http_status).
GRPC_TO_HTTP: dict[grpc.StatusCode, ProblemKind] = {
    grpc.StatusCode.INVALID_ARGUMENT: ProblemKind(400, "invalid-argument", "Invalid argument"),
    grpc.StatusCode.OUT_OF_RANGE: ProblemKind(400, "out-of-range", "Out of range"),
    grpc.StatusCode.UNAUTHENTICATED: ProblemKind(401, "unauthenticated", "Unauthenticated"),
    grpc.StatusCode.PERMISSION_DENIED: ProblemKind(403, "permission-denied", "Permission denied"),
    grpc.StatusCode.NOT_FOUND: ProblemKind(404, "not-found", "Not found"),
    grpc.StatusCode.ALREADY_EXISTS: ProblemKind(409, "already-exists", "Already exists"),
    # A concurrent change won the race; the client may re-read and retry.
    grpc.StatusCode.ABORTED: ProblemKind(409, "aborted", "Conflicting change"),
    # Business rules (stage gates, state machines) are 422; 412 stays free for If-Match.
    grpc.StatusCode.FAILED_PRECONDITION: ProblemKind(
        422, "failed-precondition", "Business rule not met"
    ),
    grpc.StatusCode.RESOURCE_EXHAUSTED: ProblemKind(429, "resource-exhausted", "Too many requests"),
    grpc.StatusCode.UNAVAILABLE: ProblemKind(503, "unavailable", "Service unavailable", False),
    # 504 is not in the contract's list; to the client a slow service is an unavailable one.
    grpc.StatusCode.DEADLINE_EXCEEDED: ProblemKind(
        503, "deadline-exceeded", "Service did not answer in time", False
    ),
    # A method the running service version lacks, typically mid-rollout: retry later.
    grpc.StatusCode.UNIMPLEMENTED: ProblemKind(503, "unimplemented", "Service unavailable", False),
    grpc.StatusCode.CANCELLED: ProblemKind(503, "cancelled", "Service unavailable", False),
    grpc.StatusCode.INTERNAL: ProblemKind(500, "internal", "Internal error", False),
    grpc.StatusCode.UNKNOWN: ProblemKind(500, "internal", "Internal error", False),
    grpc.StatusCode.DATA_LOSS: ProblemKind(500, "internal", "Internal error", False),
}

INTERNAL = GRPC_TO_HTTP[grpc.StatusCode.INTERNAL]
# If-Match named a version the record is no longer at (FAILED_PRECONDITION whose
# violation is VERSION_MISMATCH, see services/kit/concurrency.py); any other
# FAILED_PRECONDITION stays 422.
PRECONDITION_FAILED = ProblemKind(412, "precondition-failed", "Precondition failed")
INTERNAL_DETAIL = "the request failed inside salesops; quote the request_id when reporting it"


class FieldError(BaseModel):
    """One request field that was rejected, and what would be accepted."""

    field: str = Field(examples=["company_name"])
    description: str = Field(examples=["is required"])


class RuleViolation(BaseModel):
    """One business rule the request does not meet (a stage gate, a state transition)."""

    type: str = Field(examples=["STATE"])
    subject: str = Field(examples=["lead/7d9f"])
    description: str = Field(examples=["only a qualified lead can be converted"])


class ResourceRef(BaseModel):
    """A record the problem is about: on 404 the one not found; on 409 an existing record
    the request conflicts with (for a likely duplicate, each candidate and why it matches)."""

    resource_type: str = Field(examples=["customer"])
    resource_name: str = Field(examples=["3f9c0a4e-0d7b-4c1e-9a55-2b1f0e6d7c10"])
    owner: str = Field(default="", examples=["rep-7"])
    description: str = Field(default="", examples=["same tax id 'DE811234567'"])


class ProblemDetails(BaseModel):
    """The body of every error response (`application/problem+json`)."""

    type: str = Field(examples=["urn:salesops:problem:invalid-argument"])
    title: str
    status: int
    detail: str
    instance: str = Field(description="The request path.")
    request_id: str
    errors: list[FieldError] = Field(default_factory=list)
    violations: list[RuleViolation] = Field(default_factory=list)
    resources: list[ResourceRef] = Field(default_factory=list)


@dataclass
class Problem(Exception):
    """An error to answer with a problem+json body; raise it anywhere in a request."""

    kind: ProblemKind
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    violations: list[RuleViolation] = field(default_factory=list)
    resources: list[ResourceRef] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    @classmethod
    def of(cls, code: grpc.StatusCode, detail: str, **extra: Any) -> Problem:
        """A problem of the kind the table gives `code`."""
        return cls(GRPC_TO_HTTP[code], detail, **extra)

    def response(self, request: Request) -> JSONResponse:
        """The problem+json response to `request`, with its path and request id."""
        body = ProblemDetails(
            type=self.kind.type_uri,
            title=self.kind.title,
            status=self.kind.status,
            detail=self.detail,
            instance=request.url.path,
            request_id=request_id_of(request),
            errors=self.errors,
            violations=self.violations,
            resources=self.resources,
        )
        return JSONResponse(
            body.model_dump(),
            status_code=self.kind.status,
            headers=self.headers,
            media_type=PROBLEM_MEDIA_TYPE,
        )


def request_id_of(request: Request) -> str:
    """The request id the request middleware assigned ("" outside a request)."""
    return str(getattr(request.state, "request_id", ""))


# Failures only the HTTP layer has, with no gRPC code behind them. Slugs are
# spelt out because Python's reason phrases change between versions (413).
HTTP_ONLY_KINDS: dict[int, ProblemKind] = {
    kind.status: kind
    for kind in (
        ProblemKind(405, "method-not-allowed", "Method not allowed"),
        ProblemKind(413, "content-too-large", "Content too large"),
        ProblemKind(415, "unsupported-media-type", "Unsupported media type"),
    )
}


def kind_for_http_status(status: int) -> ProblemKind:
    """The problem kind for an HTTP status the gateway raises itself (404, 405, 413...)."""
    for kind in GRPC_TO_HTTP.values():
        if kind.status == status:
            return kind
    if status in HTTP_ONLY_KINDS:
        return HTTP_ONLY_KINDS[status]
    phrase = _phrase(status) or "Error"
    return ProblemKind(status, phrase.lower().replace(" ", "-"), phrase, public=status < 500)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def problem_from_rpc_error(error: grpc.aio.AioRpcError, upstream: str) -> Problem:
    """Turn a failed upstream call into a Problem, decoding google.rpc rich details."""
    code: grpc.StatusCode = error.code()
    message: str = error.details() or ""
    kind = GRPC_TO_HTTP.get(code, INTERNAL)
    if not kind.public:
        # Upstream messages on these paths can name hosts, ports or stack frames.
        log.warning(
            "upstream %s failed with %s: %s",
            upstream,
            code.name,
            message,
            extra={"upstream": upstream, "grpc_code": code.name},
        )
        detail = (
            f"the {upstream} service is unavailable; try again shortly"
            if kind.status == 503
            else INTERNAL_DETAIL
        )
        problem = Problem(kind, detail)
    else:
        problem = Problem(kind, message or kind.title)
    _add_rich_details(problem, error)
    if code is grpc.StatusCode.FAILED_PRECONDITION and any(
        violation.type == VERSION_MISMATCH for violation in problem.violations
    ):
        problem.kind = PRECONDITION_FAILED
    return problem


def _add_rich_details(problem: Problem, error: grpc.aio.AioRpcError) -> None:
    try:
        status = rpc_status.from_call(error)
    except ValueError:
        # Code or message disagrees with the rich status: trust neither's details.
        return
    if status is None:
        return
    for detail in status.details:
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            seconds = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
            problem.headers["Retry-After"] = str(max(1, math.ceil(seconds)))
        if not problem.kind.public:
            continue
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            problem.errors.extend(
                FieldError(field=v.field, description=v.description)
                for v in bad_request.field_violations
            )
        elif detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            failure = error_details_pb2.PreconditionFailure()
            detail.Unpack(failure)
            problem.violations.extend(
                RuleViolation(type=v.type, subject=v.subject, description=v.description)
                for v in failure.violations
            )
        elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
            resource = error_details_pb2.ResourceInfo()
            detail.Unpack(resource)
            problem.resources.append(
                ResourceRef(
                    resource_type=resource.resource_type,
                    resource_name=resource.resource_name,
                    owner=resource.owner,
                    description=resource.description,
                )
            )


def _field_name(location: tuple[int | str, ...]) -> str:
    # FastAPI locations start with where the value came from: ("body", "company_name"),
    # ("query", "status"). Clients know the JSON field, not our parameter plumbing.
    if not location:
        return "body"
    path = [str(part) for part in location[1:]]
    if location[0] == "body" and len(path) == 1 and isinstance(location[1], int):
        return "body"  # a JSON syntax error, located by character offset
    return ".".join(path) or str(location[0])


def _describe(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        return f"is not valid JSON: {reason} at character {error['loc'][-1]}"
    return str(error.get("msg", "is invalid"))


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return exc.response(request)


async def _on_request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=_field_name(tuple(error.get("loc", ()))), description=_describe(error))
        for error in exc.errors()
    ]
    summary = "; ".join(f"{e.field}: {e.description}" for e in errors)
    problem = Problem.of(grpc.StatusCode.INVALID_ARGUMENT, summary, errors=errors)
    return problem.response(request)


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = kind_for_http_status(exc.status_code)
    # Starlette fills in the bare reason phrase when no detail was given; say more.
    given = exc.detail if isinstance(exc.detail, str) else ""
    detail = "" if given == _phrase(exc.status_code) else given
    if not detail:
        detail = {
            404: f"no route {request.url.path}",
            405: f"{request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code, kind.title)
    return Problem(kind, detail, headers=dict(exc.headers or {})).response(request)


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error the app raises answer as problem+json, and document it so."""
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        # FastAPI files a response model under the route's media type
        # (application/json); error bodies are application/problem+json.
        if app.openapi_schema is None:
            schema = generate()
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    for response in operation.get("responses", {}).values():
                        content = response.get("content", {})
                        if PROBLEM_MEDIA_TYPE in content and "application/json" in content:
                            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def internal_error_body(path: str, request_id: str) -> dict[str, Any]:
    """The body of a 500 for an unexpected exception: nothing about its cause."""
    return ProblemDetails(
        type=INTERNAL.type_uri,
        title=INTERNAL.title,
        status=500,
        detail=INTERNAL_DETAIL,
        instance=path,
        request_id=request_id,
    ).model_dump()


# For route declarations, so /openapi.json documents the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": ProblemDetails,
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {}},
    }
    for status, description in (
        (400, "Invalid request: `errors` names each rejected field"),
        (401, "Missing, invalid or expired bearer token"),
        (403, "The caller's roles do not allow this"),
        (404, "No such record in the caller's scope"),
        (409, "Conflicts with an existing record or a concurrent change"),
        (412, "If-Match names a version the record is no longer at: read it again"),
        (422, "A business rule is not met: `violations` lists each rule"),
        (429, "Too many requests"),
        (503, "An upstream service is unavailable"),
        (500, "An unexpected failure; quote the request_id when reporting it"),
    )
}
