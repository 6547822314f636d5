"""Write `salesops/client/resources.py`, the SDK's typed resources, from the gateway's OpenAPI.

    .venv/bin/python clients/python/generate_sdk.py          # (or `make sdk`) rewrite the module
    .venv/bin/python clients/python/generate_sdk.py --check  # exit 1 when it is stale

The document comes from the gateway app itself (`create_app(...).openapi()`),
so a new route is one regeneration away from the SDK and from `salesctl`.
What is generated: a TypedDict per schema, the operation table (`OPERATIONS`,
which `salesctl` builds its commands from), a class per resource with a
typed method per operation (and `<name>_all` iterators for paged lists), and
`Resources`, which `salesops.client.Client` extends. The output is passed
through `ruff format`, so the committed file is exactly what this prints.

Naming, per path under /v1 (the resource is the first segment):
`GET /r` list (paged) or get (not paged), `POST /r` create, `PUT /r` set,
`GET /r/{id}` get, `PATCH|PUT /r/{id}` update, `DELETE /r/{id}` delete,
`/r:verb` and `/r/{id}:verb` the verb, `GET /r/word` the word; anything
else, or a name taken twice in one resource, is the route function's name.
"""

from __future__ import annotations

import argparse
import keyword
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET = HERE / "salesops" / "client" / "resources.py"
REGENERATE = ".venv/bin/python clients/python/generate_sdk.py (or: make sdk)"
# Names the generated module itself uses; a schema or field may not shadow them.
RESERVED = {"Any", "Iterator", "Literal", "NotRequired", "TypedDict", "cast", "datetime"}
RESERVED |= {"str", "int", "float", "bool", "list", "dict", "None", "bytes", "object"}
RESERVED |= {"Operation", "Param", "ResourceBase", "Transport", "OPERATIONS", "Resources"}
JSON = "application/json"
CSV = "text/csv"


def openapi_document() -> dict[str, Any]:
    """The gateway's OpenAPI document, built by the app exactly as it serves it."""
    repo = HERE.parents[1]
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    from gateway.app import create_app
    from gateway.settings import GatewaySettings

    # Defaults only: the document does not depend on where the services run.
    return create_app(GatewaySettings.from_env({})).openapi()


# --- reading the document -------------------------------------------------------------------


def class_name(schema_name: str) -> str:
    """A schema's Python name: `Assignment-Input` -> `AssignmentInput`.

    FastAPI names two models of one class name by their modules
    (`gateway__routes__contracts__Money`): that becomes `ContractsMoney`.
    """
    if "__" in schema_name:
        *modules, last = schema_name.split("__")
        return class_name(modules[-1].title().replace("_", "") + last)
    name = re.sub(r"\W", "", schema_name.replace("-", "_").title().replace("_", ""))
    if not schema_name.replace("-", "_").isidentifier():
        return name
    name = re.sub(r"\W", "", schema_name)
    return f"{name}Schema" if name in RESERVED else name


def snake(text: str) -> str:
    """`mark-contacted` -> `mark_contacted`; a Python keyword gets a trailing underscore."""
    name = re.sub(r"\W", "_", text).lower()
    return f"{name}_" if keyword.iskeyword(name) else name


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without its `null` alternative (an optional value's type)."""
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        kept = [option for option in options if option.get("type") != "null"]
        if len(kept) == 1:
            return {**{k: v for k, v in schema.items() if k not in {"anyOf", "oneOf"}}, **kept[0]}
    return schema


def nullable(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf") or schema.get("oneOf") or []
    return any(option.get("type") == "null" for option in options)


class Schemas:
    """The document's component schemas and how each becomes a Python type."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.raw: dict[str, dict[str, Any]] = components
        self.names = {name: class_name(name) for name in components}
        if len(set(self.names.values())) != len(self.names):
            raise SystemExit("two schemas map to the same Python name; extend class_name()")

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema = non_null(schema)
        if "$ref" in schema:
            return self.resolve(self.raw[ref_name(schema["$ref"])])
        return schema

    def annotation(self, schema: dict[str, Any]) -> str:
        """The Python type of a JSON Schema."""
        if "$ref" in schema:
            return self.names[ref_name(schema["$ref"])]
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            parts = _unique(self.annotation(option) for option in options)
            return " | ".join(parts)
        if "enum" in schema:
            return "Literal[" + ", ".join(repr(value) for value in schema["enum"]) + "]"
        if "const" in schema:
            return f"Literal[{schema['const']!r}]"
        kind = schema.get("type")
        if isinstance(kind, list):
            return " | ".join(_unique(self.annotation({**schema, "type": k}) for k in kind))
        if kind == "array":
            return f"list[{self.annotation(schema.get('items', {}))}]"
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"dict[str, {self.annotation(extra)}]"
            return "dict[str, Any]"
        return {
            "string": "str",
            "integer": "int",
            "number": "float",
            "boolean": "bool",
            "null": "None",
        }.get(str(kind), "Any")

    def kind(self, schema: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
        """(JSON type, item JSON type, enum choices) of a parameter or body field."""
        resolved = self.resolve(schema)
        if "anyOf" in resolved or "oneOf" in resolved:
            return "object", "", ()
        kind = resolved.get("type", "object" if "properties" in resolved else "string")
        choices = tuple(str(value) for value in resolved.get("enum", ()))
        item = ""
        if kind == "array":
            items = self.resolve(resolved.get("items", {}))
            item = items.get("type", "object")
        return str(kind), str(item), choices


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


# --- the operation table -----------------------------------------------------------------------


@dataclass
class Input:
    name: str
    kind: str
    identifier: str
    annotation: str
    required: bool = False
    choices: tuple[str, ...] = ()
    item_kind: str = ""
    description: str = ""


@dataclass
class Op:
    resource: str
    name: str
    function: str
    method: str
    path: str
    summary: str
    description: str
    path_params: list[Input] = field(default_factory=list)
    query_params: list[Input] = field(default_factory=list)
    header_params: list[Input] = field(default_factory=list)
    body_fields: list[Input] = field(default_factory=list)
    body_schema: str = ""
    body_annotation: str = ""
    body_required: bool = False
    accepts_json: bool = False
    accepts_csv: bool = False
    result_schema: str = ""
    result_annotation: str = "Any"
    items_key: str = ""
    item_annotation: str = "Any"
    status: int = 200

    @property
    def attribute(self) -> str:
        return self.resource.replace("-", "_")


def function_name(operation: dict[str, Any], path: str, method: str) -> str:
    """The route function's name, recovered from FastAPI's generated operationId."""
    operation_id = str(operation.get("operationId", ""))
    suffix = re.sub(r"\W", "_", path) + "_" + method
    return operation_id.removesuffix(suffix) or snake(operation.get("summary", method))


def natural_name(path: str, method: str, paged: bool) -> str | None:
    """The conventional method name of a path shape (see the module docstring)."""
    rest = path.removeprefix("/v1/")
    segment = r"[a-z0-9-]+"
    if re.fullmatch(segment, rest):
        return {
            "get": "list" if paged else "get",
            "post": "create",
            "put": "set",
            "patch": "update",
            "delete": "delete",
        }.get(method)
    if match := re.fullmatch(rf"{segment}(?:/\{{[^}}/]+\}})?:([a-z-]+)", rest):
        return snake(match.group(1))
    if re.fullmatch(rf"{segment}/\{{[^}}/]+\}}", rest):
        return {"get": "get", "put": "update", "patch": "update", "delete": "delete"}.get(method)
    if method == "get" and (match := re.fullmatch(rf"{segment}/([a-z-]+)", rest)):
        return snake(match.group(1))
    return None


def build_operations(document: dict[str, Any], schemas: Schemas) -> list[Op]:
    """Every /v1 operation of the document, named, with its inputs and result."""
    ops: list[Op] = []
    for path, item in document["paths"].items():
        if not path.startswith("/v1/"):
            continue  # probes and metrics are for kubelets and Prometheus, not for clients
        for method, operation in item.items():
            ops.append(_operation(path, method, operation, schemas))
    # A name taken twice in one resource falls back to the route functions' names.
    for op in ops:
        twins = [o for o in ops if o.resource == op.resource and o.name == op.name]
        if len(twins) > 1:
            for twin in twins:
                twin.name = snake(twin.function)
    taken: set[tuple[str, str]] = set()
    for op in ops:
        if (op.resource, op.name) in taken:
            raise SystemExit(f"{op.resource}.{op.name} is generated twice; rename a route")
        taken.add((op.resource, op.name))
    ops.sort(key=lambda o: (o.resource, o.path, o.method))
    return ops


def _input(schemas: Schemas, name: str, schema: dict[str, Any], required: bool) -> Input:
    kind, item_kind, choices = schemas.kind(schema)
    identifier = snake(name)
    if identifier in RESERVED or identifier in {"self", "body", "csv", "idempotency_key"}:
        identifier += "_"
    return Input(
        name=name,
        kind=kind,
        identifier=identifier,
        annotation=schemas.annotation(non_null(schema)),
        required=required,
        choices=choices,
        item_kind=item_kind,
        description=" ".join(str(schema.get("description", "")).split()),
    )


def _operation(path: str, method: str, operation: dict[str, Any], schemas: Schemas) -> Op:
    resource = re.split(r"[/:]", path.removeprefix("/v1/"), maxsplit=1)[0]
    params = operation.get("parameters", [])
    query_names = {p["name"] for p in params if p["in"] == "query"}
    status, result = _result(operation)
    result_schema = ref_name(result["$ref"]) if "$ref" in result else ""
    items_key = ""
    item_annotation = "Any"
    if "page_token" in query_names and result_schema:
        properties = schemas.raw[result_schema].get("properties", {})
        arrays = [name for name, prop in properties.items() if prop.get("type") == "array"]
        if "next_page_token" in properties and len(arrays) == 1:
            items_key = arrays[0]
            item_annotation = schemas.annotation(properties[items_key].get("items", {}))
    op = Op(
        resource=resource,
        name="",
        function=function_name(operation, path, method),
        method=method.upper(),
        path=path,
        summary=str(operation.get("summary", "")),
        description=str(operation.get("description", "")).strip(),
        status=status,
        result_schema=schemas.names[result_schema] if result_schema else "",
        result_annotation=(
            schemas.names[result_schema] if result_schema else ("None" if status == 204 else "Any")
        ),
        items_key=items_key,
        item_annotation=item_annotation,
    )
    op.name = natural_name(path, method, bool(items_key)) or snake(op.function)
    for param in params:
        entry = _input(schemas, param["name"], param.get("schema", {}), bool(param.get("required")))
        entry.description = entry.description or " ".join(str(param.get("description", "")).split())
        if param["in"] == "path":
            op.path_params.append(entry)
        elif param["in"] == "query":
            op.query_params.append(entry)
        elif param["in"] == "header" and param["name"].lower() != "idempotency-key":
            entry.annotation = "int | str" if param["name"].lower() == "if-match" else "str"
            op.header_params.append(entry)
    if op.method in {"PATCH", "PUT", "DELETE"} and not any(
        h.name.lower() == "if-match" for h in op.header_params
    ):
        # Optimistic concurrency (issue 8): every update may name the version it read.
        op.header_params.append(
            Input(
                "If-Match",
                "string",
                "if_match",
                "int | str",
                description='The version read, as an ETag ("3") or the record\'s version (3).',
            )
        )
    _body(op, operation.get("requestBody"), schemas)
    return op


def _result(operation: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    for code, response in sorted(operation.get("responses", {}).items()):
        if code.startswith("2"):
            schema = response.get("content", {}).get(JSON, {}).get("schema", {})
            return int(code), schema
    return 200, {}


def _body(op: Op, request_body: dict[str, Any] | None, schemas: Schemas) -> None:
    if not request_body:
        return
    content = request_body.get("content", {})
    op.accepts_csv = CSV in content
    if JSON not in content:
        return
    op.accepts_json = True
    schema = content[JSON].get("schema", {})
    op.body_required = bool(request_body.get("required")) and not nullable(schema)
    plain = non_null(schema)
    if "$ref" in plain:
        op.body_schema = schemas.names[ref_name(plain["$ref"])]
        op.body_annotation = op.body_schema
    else:
        op.body_annotation = "dict[str, Any]"
    resolved = schemas.resolve(schema)
    required = set(resolved.get("required", ()))
    op.body_fields = [
        _input(schemas, name, prop, name in required)
        for name, prop in resolved.get("properties", {}).items()
    ]


# --- writing the module ------------------------------------------------------------------------


def docstring(text: str, indent: str) -> str:
    text = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if not text:
        return ""
    lines = _wrap(text, 96 - len(indent))
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}\n{indent}"""\n'


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        words = paragraph.split()
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        lines.append("")
    return lines[:-1]


def render_schema(name: str, schema: dict[str, Any], schemas: Schemas) -> str:
    py_name = schemas.names[name]
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fields = []
    for prop, prop_schema in properties.items():
        annotation = schemas.annotation(prop_schema)
        fields.append((prop, annotation if prop in required else f"NotRequired[{annotation}]"))
    functional = any(
        keyword.iskeyword(prop) or not prop.isidentifier() or prop in RESERVED for prop, _ in fields
    )
    description = str(schema.get("description") or schema.get("title") or name)
    if functional:
        items = ", ".join(f"{prop!r}: {annotation!r}" for prop, annotation in fields)
        return f"{py_name} = TypedDict({py_name!r}, {{{items}}})\n"
    out = f"class {py_name}(TypedDict):\n" + docstring(description, "    ")
    if not fields:
        out += "    pass\n" if not description else ""
    for prop, annotation in fields:
        out += f"    {prop}: {annotation}\n"
    return out


def _param_literal(entry: Input) -> str:
    args = [repr(entry.name), repr(entry.kind)]
    if entry.identifier != entry.name:
        args.append(f"python_name={entry.identifier!r}")
    if entry.required:
        args.append("required=True")
    if entry.choices:
        args.append(f"choices={entry.choices!r}")
    if entry.item_kind:
        args.append(f"item_kind={entry.item_kind!r}")
    if entry.description:
        args.append(f"description={entry.description!r}")
    return f"Param({', '.join(args)})"


def _params_literal(entries: list[Input]) -> str:
    if not entries:
        return "()"
    return "(" + ", ".join(_param_literal(entry) for entry in entries) + ",)"


def render_operation_entry(op: Op) -> str:
    args = [
        f"resource={op.resource!r}",
        f"name={op.name!r}",
        f"http_method={op.method!r}",
        f"path={op.path!r}",
        f"summary={op.summary!r}",
    ]
    if op.description:
        args.append(f"description={' '.join(op.description.split())!r}")
    for label, entries in (
        ("path_params", op.path_params),
        ("query_params", op.query_params),
        ("header_params", op.header_params),
        ("body_fields", op.body_fields),
    ):
        if entries:
            args.append(f"{label}={_params_literal(entries)}")
    if op.body_schema:
        args.append(f"body_schema={op.body_schema!r}")
    for label, flag in (
        ("body_required", op.body_required),
        ("accepts_json", op.accepts_json),
        ("accepts_csv", op.accepts_csv),
    ):
        if flag:
            args.append(f"{label}=True")
    if op.result_schema:
        args.append(f"result_schema={op.result_schema!r}")
    if op.items_key:
        args.append(f"items_key={op.items_key!r}")
    if op.status != 200:
        args.append(f"success_status={op.status}")
    return f"    Operation({', '.join(args)}),\n"


def _signature(op: Op, paging: bool) -> tuple[list[str], dict[str, str]]:
    """The method's parameters and the call's keyword arguments."""
    params = ["self"]
    params += [f"{p.identifier}: {'int' if p.kind == 'integer' else 'str'}" for p in op.path_params]
    csv_only = op.accepts_csv and not op.accepts_json
    if csv_only and not paging:
        params.append("csv: bytes | str")
    if op.accepts_json and not paging:
        # A body that may also be sent as CSV is optional: one of the two is needed.
        if op.body_required and not op.accepts_csv:
            params.append(f"body: {op.body_annotation}")
        else:
            params.append(f"body: {op.body_annotation} | None = None")
    keyword_params: list[str] = []
    for p in op.query_params:
        if paging and p.name == "page_token":
            continue
        annotation = p.annotation
        if "format" in annotation:
            annotation = "str"
        if p.required:
            keyword_params.append(f"{p.identifier}: {annotation}")
        else:
            keyword_params.append(f"{p.identifier}: {annotation} | None = None")
    if not paging:
        if op.accepts_csv and op.accepts_json:
            keyword_params.append("csv: bytes | str | None = None")
        keyword_params += [
            f"{h.identifier}: {h.annotation} | None = None" for h in op.header_params
        ]
        if op.method == "POST":
            keyword_params.append("idempotency_key: str | None = None")
    # Required keyword-only parameters first reads better; Python accepts any order.
    keyword_params.sort(key=lambda text: "=" in text)
    if keyword_params:
        params += ["*", *keyword_params]
    call: dict[str, str] = {}
    if op.path_params:
        call["path"] = "{" + ", ".join(f"{p.name!r}: {p.identifier}" for p in op.path_params) + "}"
    query = [p for p in op.query_params if not (paging and p.name == "page_token")]
    if query:
        call["query"] = "{" + ", ".join(f"{p.name!r}: {p.identifier}" for p in query) + "}"
    if not paging:
        if op.accepts_json:
            call["body"] = "body"
        if op.accepts_csv:
            call["csv"] = "csv"
        if op.header_params:
            call["headers"] = (
                "{" + ", ".join(f"{h.identifier!r}: {h.identifier}" for h in op.header_params) + "}"
            )
        if op.method == "POST":
            call["idempotency_key"] = "idempotency_key"
    return params, call


def render_method(op: Op, paging: bool = False) -> str:
    params, call = _signature(op, paging)
    name = f"{op.name.rstrip('_')}_all" if paging else op.name
    returns = f"Iterator[{op.item_annotation}]" if paging else op.result_annotation
    head = f"    def {name}({', '.join(params)}) -> {returns}:\n"
    summary = op.summary.rstrip(".") + "." if op.summary else op.path
    if paging:
        text = (
            f"Every item of `{op.name}`, page after page ({op.method} {op.path}).\n\n"
            "Pages are fetched as the iteration reaches them; `page_size` sets their size."
        )
    else:
        text = f"{summary}\n\n{op.method} {op.path}"
        if op.description:
            text += "\n\n" + op.description
    arguments = ", ".join(f"{key}={value}" for key, value in call.items())
    if paging:
        body = f"        return self._iterate({op.attribute + '.' + op.name!r}, {arguments})\n"
    elif returns == "Any":
        body = f"        return self._call({op.attribute + '.' + op.name!r}, {arguments})\n"
    elif returns == "None":
        body = f"        self._call({op.attribute + '.' + op.name!r}, {arguments})\n"
    else:
        body = (
            f"        return cast({returns}, "
            f"self._call({op.attribute + '.' + op.name!r}, {arguments}))\n"
        )
    return head + docstring(text, "        ") + body.replace(", )", ")")


def resource_class(resource: str) -> str:
    return "".join(part.title() for part in resource.split("-")) + "Resource"


def render_module(document: dict[str, Any]) -> str:
    """The whole generated module, before formatting."""
    schemas = Schemas(document.get("components", {}).get("schemas", {}))
    ops = build_operations(document, schemas)
    version = document.get("info", {}).get("version", "")
    out = [
        f'"""The gateway\'s resources, typed: GENERATED from its OpenAPI document '
        f"(version {version}); do not edit.\n\n"
        "Regenerate after a gateway route changes:\n\n"
        f"    {REGENERATE}\n\n"
        "A test fails while this module is stale.\n"
        '"""\n\n'
        "# ruff: noqa: E501\n"
        "from __future__ import annotations\n\n"
        "from collections.abc import Iterator\n"
        "from typing import Any, Literal, NotRequired, TypedDict, cast\n\n"
        "from salesops.client.operations import Operation, Param, ResourceBase\n"
        "from salesops.client.transport import Transport\n\n\n"
    ]
    for name in sorted(schemas.raw):
        out.append(render_schema(name, schemas.raw[name], schemas) + "\n\n")
    out.append("OPERATIONS: tuple[Operation, ...] = (\n")
    out += [render_operation_entry(op) for op in ops]
    out.append(")\n")
    out.append(
        "OPERATIONS_BY_ID: dict[str, Operation] = "
        "{operation.operation_id: operation for operation in OPERATIONS}\n\n\n"
    )
    resources = sorted({op.resource for op in ops})
    for resource in resources:
        members = [op for op in ops if op.resource == resource]
        out.append(f"class {resource_class(resource)}(ResourceBase):\n")
        out.append(docstring(f"`/v1/{resource}`.", "    "))
        for op in members:
            out.append("\n" + render_method(op))
            if op.items_key:
                out.append("\n" + render_method(op, paging=True))
        out.append("\n\n")
    out.append("class Resources:\n")
    out.append(docstring("Every resource of the gateway, one attribute each.", "    "))
    out.append("\n    def __init__(self, transport: Transport) -> None:\n")
    for resource in resources:
        attribute = resource.replace("-", "_")
        out.append(
            f"        self.{attribute} = {resource_class(resource)}(transport, OPERATIONS_BY_ID)\n"
        )
    return "".join(out)


def formatted(source: str) -> str:
    """`source` as `ruff format` writes it, with the project's settings."""
    ruff = Path(sys.executable).parent / "ruff"
    command = str(ruff) if ruff.exists() else shutil.which("ruff")
    if command is None:
        raise SystemExit("ruff is not installed; run `make setup`")
    result = subprocess.run(
        [command, "format", "--stdin-filename", str(TARGET), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=HERE.parents[1],
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"ruff format failed on the generated module:\n{result.stderr}")
    return result.stdout


def generate() -> str:
    """The module's text as it should be committed for the current gateway."""
    return formatted(render_module(openapi_document()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the committed module is stale"
    )
    args = parser.parse_args(argv)
    text = generate()
    current = TARGET.read_text() if TARGET.exists() else ""
    if args.check:
        if current != text:
            print(f"{TARGET} is stale; regenerate: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        TARGET.write_text(text)
        print(f"wrote {TARGET.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
