"""The gateway's OpenAPI document: what FastAPI derives from the routes, completed.

FastAPI builds paths, parameters and schemas from the route signatures. What it
cannot know is added here, once, for every operation alike:

- an example on every component schema, built from the schema itself (field
  names pick realistic values: a region, a fiscal period, money in minor
  units), so every example conforms to the schema it illustrates - a test
  validates each one;
- an example problem body on every error response, per HTTP status;
- tag descriptions from the route modules' docstrings, licence and contact.

The document is what `/openapi.json` serves and what `docs/openapi.json`
commits (`make openapi` writes it; a test fails when the two differ).
`python -m gateway.openapi` prints it.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from gateway.problems import PROBLEM_TYPE_PREFIX

JsonSchema = dict[str, Any]
OpenApiPatch = Callable[[dict[str, Any]], None]

# Deep enough to show a record with its nested money, lines and audit; deeper
# optional parts are left out rather than risk an endless self-referencing example.
_MAX_EXAMPLE_DEPTH = 5

_EXAMPLE_INSTANT = "2027-02-15T09:30:00Z"
_EXAMPLE_DATE = "2027-02-15"

# Values by field name, for names whose meaning a generic value would hide.
_STRING_BY_NAME: dict[str, str] = {
    "region": "north",
    "regions": "north",
    "currency": "EUR",
    "period": "FY2027-Q1",
    "fiscal_year": "FY2027",
    "fiscal_period": "FY2027-Q1",
    "email": "ana.silva@example.com",
    "phone": "+49 30 1234567",
    "country": "DE",
    "language": "en",
    "name": "Nordwerk Logistics",
    "title": "Key account review",
    "reason": "Budget moved to next fiscal year",
    "note": "Agreed next steps with the buyer",
    "notes": "Agreed next steps with the buyer",
    "description": "Quarterly review of the northern accounts",
    "next_page_token": "",
    "page_token": "",
    "request_id": "3f0c2a4e-8b1d-4c55-9e1a-2b6f7d8e9a01",
    "subject": "u-ana",
    "status": "open",
    "type": "about:blank",
    "instance": "/v1/leads/lead-0001",
    "detail": "The stage gate has unmet rules.",
    "field": "amount.currency",
    "url": "https://crm.example.com/accounts/42",
    "stage_name": "Proposal",
    "product_line": "Fleet telematics",
    "next_step": "Send the revised proposal",
    "role": "owner",
}
# Values by the last word of a field name (`created_by`, `loss_reason`, `home_region`).
_STRING_BY_LAST_WORD: dict[str, str] = {
    "by": "u-ana",
    "region": "north",
    "currency": "EUR",
    "period": "FY2027-Q1",
    "email": "ana.silva@example.com",
    "phone": "+49 30 1234567",
    "reason": "Budget moved to next fiscal year",
    "description": "Quarterly review of the northern accounts",
}
_INTEGER_BY_SUFFIX: dict[str, int] = {
    "amount_minor": 1_250_000,
    "_bp": 2_500,
    "version": 3,
    "count": 12,
    "page_size": 50,
    "score": 8,
    "days": 30,
    "seconds": 3_600,
    "quantity": 4,
    "year": 2027,
    "month": 3,
}


def example_for(
    schema: JsonSchema, components: dict[str, JsonSchema], name: str = "", depth: int = 0
) -> Any:
    """A value that conforms to `schema`, resolving `$ref`s against `components`.

    `name` is the property the value is for; it picks a meaningful value where
    the schema alone would give a placeholder.
    """
    if schema.get("examples"):
        return copy.deepcopy(schema["examples"][0])
    if "example" in schema:
        return copy.deepcopy(schema["example"])
    if "$ref" in schema:
        target = components[schema["$ref"].rsplit("/", 1)[-1]]
        return example_for(target, components, name, depth)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return _enum_example(schema["enum"])
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            choices = [s for s in schema[combinator] if s.get("type") != "null"]
            if choices:
                return example_for(choices[0], components, name, depth)
            return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return _object_example(schema, components, depth)
    if kind == "array":
        item = example_for(schema.get("items", {}), components, _singular(name), depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind == "string":
        return _string_example(schema, name)
    if kind == "integer":
        return _integer_example(schema, name)
    if kind == "number":
        return _bounded(0.85, schema)
    if kind == "boolean":
        return True
    return None


def _enum_example(values: list[Any]) -> Any:
    # The first value of a proto enum is often its zero ("..._UNSPECIFIED"); skip it.
    usable = [v for v in values if not (isinstance(v, str) and v.lower().endswith("unspecified"))]
    return (usable or values)[0]


def _object_example(schema: JsonSchema, components: dict[str, JsonSchema], depth: int) -> Any:
    properties: dict[str, JsonSchema] = schema.get("properties", {})
    required = set(schema.get("required", []))
    value: dict[str, Any] = {}
    for prop, prop_schema in properties.items():
        if depth >= _MAX_EXAMPLE_DEPTH and prop not in required:
            continue
        value[prop] = example_for(prop_schema, components, prop, depth + 1)
    extra = schema.get("additionalProperties")
    if not properties and isinstance(extra, dict):
        value["north"] = example_for(extra, components, "", depth + 1)
    return value


def _string_example(schema: JsonSchema, name: str) -> str:
    fmt = schema.get("format")
    if fmt == "date-time" or name.endswith(("_time", "_at")):
        return _EXAMPLE_INSTANT
    if fmt == "date" or name.endswith("_date"):
        return _EXAMPLE_DATE
    if fmt == "email":
        return _STRING_BY_NAME["email"]
    if fmt in ("uri", "url"):
        return _STRING_BY_NAME["url"]
    text = _STRING_BY_NAME.get(name) or _STRING_BY_LAST_WORD.get(name.rsplit("_", 1)[-1])
    if text is None:
        if name.endswith("_id") or name == "id":
            text = f"{name.removesuffix('_id').replace('_', '-') or 'id'}-0001"
        elif name.endswith("_ids"):
            text = f"{name.removesuffix('_ids').replace('_', '-')}-0001"
        else:
            text = name.replace("_", " ") or "text"
    pattern = schema.get("pattern")
    if pattern and not re.search(pattern, text):
        text = _matching_pattern(pattern, text)
    minimum, maximum = schema.get("minLength", 0), schema.get("maxLength")
    if len(text) < minimum:
        text = text + "x" * (minimum - len(text))
    if maximum is not None:
        text = text[:maximum]
    return text


# Patterns the routes use, with a value each; anything else falls back to the name.
_PATTERN_EXAMPLES = ("FY2027-Q1", "FY2027", "EUR", "lead-0001", "north", "2027-02-15", "DE")


def _matching_pattern(pattern: str, fallback: str) -> str:
    for candidate in _PATTERN_EXAMPLES:
        if re.search(pattern, candidate):
            return candidate
    return fallback


def _integer_example(schema: JsonSchema, name: str) -> int:
    value = next((v for suffix, v in _INTEGER_BY_SUFFIX.items() if name.endswith(suffix)), 1)
    return int(_bounded(value, schema))


def _bounded(value: float, schema: JsonSchema) -> float:
    if "maximum" in schema:
        value = min(value, schema["maximum"])
    if "exclusiveMaximum" in schema:
        value = min(value, schema["exclusiveMaximum"] - 1)
    if "minimum" in schema:
        value = max(value, schema["minimum"])
    if "exclusiveMinimum" in schema:
        value = max(value, schema["exclusiveMinimum"] + 1)
    return value


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


# One example problem per status, in the shape every error response has.
_PROBLEM_EXAMPLES: dict[str, dict[str, Any]] = {
    "400": {
        "type": PROBLEM_TYPE_PREFIX + "invalid-argument",
        "title": "Invalid argument",
        "status": 400,
        "detail": "1 field is invalid",
        "errors": [{"field": "amount.currency", "description": "must be an ISO 4217 code"}],
    },
    "401": {
        "type": PROBLEM_TYPE_PREFIX + "unauthenticated",
        "title": "Unauthenticated",
        "status": 401,
        "detail": "the token has expired",
    },
    "403": {
        "type": PROBLEM_TYPE_PREFIX + "permission-denied",
        "title": "Permission denied",
        "status": 403,
        "detail": "role(s) executive may not change business records",
    },
    "404": {
        "type": PROBLEM_TYPE_PREFIX + "not-found",
        "title": "Not found",
        "status": 404,
        "detail": "opportunity opp-0001 not found",
    },
    "409": {
        "type": PROBLEM_TYPE_PREFIX + "already-exists",
        "title": "Already exists",
        "status": 409,
        "detail": "a lead with this email already exists in region north",
    },
    "422": {
        "type": PROBLEM_TYPE_PREFIX + "failed-precondition",
        "title": "Business rule not met",
        "status": 422,
        "detail": "the stage gate of Proposal has unmet rules",
        "violations": [
            {
                "type": "STAGE_GATE",
                "subject": "stages/proposal",
                "description": "a decision maker must be named",
            }
        ],
    },
    "412": {
        "type": PROBLEM_TYPE_PREFIX + "precondition-failed",
        "title": "Precondition failed",
        "status": 412,
        "detail": "the record is at version 4; If-Match said 3",
    },
    "429": {
        "type": PROBLEM_TYPE_PREFIX + "resource-exhausted",
        "title": "Too many requests",
        "status": 429,
        "detail": "rate limit of 50 requests per second exceeded; retry after 1 s",
    },
    "503": {
        "type": PROBLEM_TYPE_PREFIX + "unavailable",
        "title": "Service unavailable",
        "status": 503,
        "detail": "the pipeline service is unavailable; retry later",
    },
}


def _problem_example(status: str, template: dict[str, Any]) -> dict[str, Any]:
    example = dict(template)
    example["instance"] = "/v1/opportunities/opp-0001"
    example["request_id"] = _STRING_BY_NAME["request_id"]
    return example


def complete_document(document: dict[str, Any], tag_descriptions: dict[str, str]) -> None:
    """Add examples, problem examples and tag descriptions to `document` in place."""
    components: dict[str, JsonSchema] = document.get("components", {}).get("schemas", {})
    for name, schema in components.items():
        if "examples" not in schema and "example" not in schema:
            schema["examples"] = [example_for(schema, components, "")]
        if name == "ProblemDetails":
            schema["examples"] = [_problem_example("404", _PROBLEM_EXAMPLES["404"])]
    # One shared example per status, referenced from every error response.
    examples = document.setdefault("components", {}).setdefault("examples", {})
    for status, template in _PROBLEM_EXAMPLES.items():
        examples[f"Problem{status}"] = {
            "summary": f"{template['title']} ({status})",
            "value": _problem_example(status, template),
        }
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                problem = response.get("content", {}).get("application/problem+json")
                if problem is not None and status in _PROBLEM_EXAMPLES:
                    reference = f"#/components/examples/Problem{status}"
                    problem["examples"] = {"problem": {"$ref": reference}}
    used = sorted(
        {
            t
            for ops in document.get("paths", {}).values()
            for o in ops.values()
            for t in o.get("tags", [])
        }
    )
    document["tags"] = [
        {"name": tag, "description": tag_descriptions[tag]}
        if tag in tag_descriptions
        else {"name": tag}
        for tag in used
    ]


def route_module_summaries(app: FastAPI) -> dict[str, str]:
    """Each tag -> the first paragraph of the docstring of the route module that uses it first."""
    summaries: dict[str, str] = {}

    def walk(routes: list[Any], inherited: list[str]) -> None:
        for route in routes:
            # FastAPI keeps an included router as one node; its routes are inside.
            included = getattr(route, "original_router", None)
            if included is not None:
                walk(included.routes, inherited + list(included.tags))
                continue
            module = sys.modules.get(getattr(getattr(route, "endpoint", None), "__module__", ""))
            doc = (module.__doc__ or "").strip() if module else ""
            paragraph = " ".join(doc.split("\n\n")[0].split())
            for tag in inherited + list(getattr(route, "tags", None) or []):
                if paragraph and isinstance(tag, str):
                    summaries.setdefault(tag, paragraph)

    walk(list(app.routes), [])
    return summaries


# Other parts of the gateway (headers that apply to every POST or every update,
# say) register a patch here; each runs once on the generated document.
PATCHES: list[OpenApiPatch] = []


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, then cached).

    Wraps whatever `app.openapi` is at the time (FastAPI's generator, already
    wrapped by the problem handlers that file error bodies under
    application/problem+json), so install it after them.
    """
    generate = app.openapi
    app.license_info = {"name": "Apache-2.0", "identifier": "Apache-2.0"}
    completed: dict[str, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        if "document" not in completed:
            document = generate()
            complete_document(document, route_module_summaries(app))
            for patch in PATCHES:
                patch(document)
            completed["document"] = app.openapi_schema = document
        return completed["document"]

    app.openapi = openapi  # type: ignore[method-assign]


def document_json(app: FastAPI) -> str:
    """The document as committed in docs/openapi.json: sorted keys, two-space indent."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    """Print the document of a gateway built with default (development) settings."""
    from gateway.app import create_app
    from gateway.settings import GatewaySettings

    sys.stdout.write(document_json(create_app(GatewaySettings.from_env({}))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
