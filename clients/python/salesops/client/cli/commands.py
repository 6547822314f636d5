"""`salesctl <resource> <verb>`: one command per operation of the generated resource table.

The verbs are the SDK's method names with people's words where they differ:
`get` is `show`, underscores are hyphens, and a Python-keyword name loses its
trailing underscore (`import_` is `import`). Path parameters are positional
(`salesctl opportunities win OPP-123`); query parameters and the top-level
fields of a JSON body are options (`--status qualified`, `--company-name
Acme`); a field holding objects takes JSON (`--line-items '[...]'`), and
`--body` takes the whole body as JSON (`--body @file.json`, `--body -` for
stdin). Required body fields are checked by the gateway, which names every
missing one at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesops.client.operations import Operation, Param

# Options every leaf command takes (also accepted before the command).
COMMON_OPTIONS = {"--output", "--profile", "--columns", "--help", "-h", "-o"}
LOCAL_OPTIONS = {"--body", "--all", "--rows-per-request"}


@dataclass(frozen=True)
class Command:
    """What a parsed leaf command runs: its operation and how its options map to inputs."""

    operation: Operation
    options: tuple[tuple[str, Param, str], ...]  # (argparse dest, parameter, "query"|"body"|...)


def cli_verb(name: str) -> str:
    """The command-line verb of an SDK method name."""
    name = name.rstrip("_")
    return "show" if name == "get" else name.replace("_", "-")


def option_name(param: Param) -> str:
    """`--company-name` for the body field `company_name`."""
    return "--" + param.identifier.rstrip("_").replace("_", "-")


def _flag(param: Param, where: str, taken: set[str]) -> str:
    # A parameter named like one of salesctl's own options (`--output`, `--all`...) or like
    # an option of the same command says where it goes: `--query-output`, `--body-region`.
    flag = option_name(param)
    if flag in taken:
        flag = f"--{where}-{flag.removeprefix('--')}"
    taken.add(flag)
    return flag


class UsageError(Exception):
    """A command-line value is unusable; the message names the option."""


def json_value(text: str) -> Any:
    """An option value given as JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON ({exc.msg} at {exc.pos})") from None


def _scalar_type(kind: str) -> Callable[[str], Any]:
    return {"integer": int, "number": float}.get(kind, str)


def _add_param(
    parser: argparse.ArgumentParser, param: Param, flag: str, dest: str, required: bool
) -> None:
    help_text = param.description or None
    if param.kind == "boolean":
        parser.add_argument(
            flag, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=help_text
        )
    elif param.kind == "array" and param.item_kind not in {"object", "array", ""}:
        parser.add_argument(
            flag,
            dest=dest,
            action="append",
            type=_scalar_type(param.item_kind),
            metavar=param.identifier.rstrip("_").upper(),
            help=(help_text or "") + " (repeat for several)",
        )
    elif param.kind in {"array", "object"}:
        parser.add_argument(
            flag, dest=dest, type=json_value, metavar="JSON", help=help_text or "as JSON"
        )
    else:
        parser.add_argument(
            flag,
            dest=dest,
            type=_scalar_type(param.kind),
            choices=param.choices or None,
            required=required,
            metavar=None if param.choices else param.identifier.rstrip("_").upper(),
            help=help_text,
        )


def add_operation(
    subparsers: Any, operation: Operation, common: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    """The leaf parser of one operation; `parser.get_default("command")` is its Command."""
    help_line = operation.summary or operation.path
    parser: argparse.ArgumentParser = subparsers.add_parser(
        cli_verb(operation.name),
        help=help_line,
        description=f"{help_line}. {operation.http_method} {operation.path}. "
        + (operation.description or ""),
        parents=[common],
    )
    options: list[tuple[str, Param, str]] = []
    for param in operation.path_params:
        dest = f"path_{param.identifier}"
        parser.add_argument(
            dest, metavar=param.identifier.rstrip("_").upper(), help=param.description or None
        )
        options.append((dest, param, "path"))
    if operation.accepts_csv:
        parser.add_argument(
            "file",
            nargs="?" if operation.accepts_json else None,
            help="the CSV file (UTF-8, first row names the columns); - reads stdin",
        )
    taken = set(COMMON_OPTIONS | LOCAL_OPTIONS)
    for param in operation.query_params:
        dest = f"query_{param.identifier}"
        _add_param(parser, param, _flag(param, "query", taken), dest, param.required)
        options.append((dest, param, "query"))
    for param in operation.header_params:
        dest = f"header_{param.identifier}"
        parser.add_argument(
            _flag(param, "header", taken),
            dest=dest,
            metavar="VERSION" if param.name.lower() == "if-match" else "VALUE",
            help=param.description or None,
        )
        options.append((dest, param, "header"))
    for param in operation.body_fields:
        dest = f"body_{param.identifier}"
        _add_param(parser, param, _flag(param, "body", taken), dest, required=False)
        options.append((dest, param, "body"))
    if operation.accepts_json:
        parser.add_argument(
            "--body",
            metavar="JSON",
            help="the whole request body as JSON, @FILE to read it from a file, - for stdin; "
            "field options are applied on top",
        )
    if operation.paged:
        parser.add_argument(
            "--all", action="store_true", help="fetch every page (JSON: one merged page)"
        )
    if operation.accepts_csv and operation.path.endswith(":import"):
        parser.add_argument(
            "--rows-per-request",
            type=int,
            default=1000,
            help="rows sent per request (default 1000); progress is shown per request",
        )
    parser.set_defaults(command=Command(operation, tuple(options)))
    return parser


def add_resources(
    subparsers: Any, operations: Iterable[Operation], common: argparse.ArgumentParser
) -> None:
    """A command per resource and a sub-command per operation."""
    by_resource: dict[str, list[Operation]] = {}
    for operation in operations:
        by_resource.setdefault(operation.resource, []).append(operation)
    for resource, members in sorted(by_resource.items()):
        resource_parser = subparsers.add_parser(
            resource, help=f"/v1/{resource}: " + ", ".join(cli_verb(op.name) for op in members)
        )
        verbs = resource_parser.add_subparsers(
            title="commands", dest="verb", metavar="COMMAND", required=True
        )
        for operation in members:
            add_operation(verbs, operation, common)


def read_body(text: str) -> Any:
    """`--body`: JSON text, @FILE, or - for stdin."""
    source = "--body"
    if text == "-":
        text, source = sys.stdin.read(), "stdin"
    elif text.startswith("@"):
        path = Path(text[1:]).expanduser()
        try:
            text, source = path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise UsageError(f"--body: cannot read {path}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source} is not valid JSON: {exc.msg} at character {exc.pos}") from None


def inputs(
    command: Command, args: argparse.Namespace, default_region: str
) -> tuple[dict[str, Any], dict[str, Any], Any, dict[str, Any]]:
    """(path, query, body, headers) of a parsed command, the profile's region filled in."""
    operation = command.operation
    path: dict[str, Any] = {}
    query: dict[str, Any] = {}
    headers: dict[str, Any] = {}
    body: dict[str, Any] | None = None
    given_body = getattr(args, "body", None)
    if given_body is not None:
        parsed = read_body(given_body)
        if not isinstance(parsed, dict):
            raise UsageError("--body must be a JSON object")
        body = parsed
    for dest, param, where in command.options:
        value = getattr(args, dest, None)
        if value is None:
            continue
        if where == "path":
            path[param.name] = value
        elif where == "query":
            query[param.name] = value
        elif where == "header":
            headers[param.identifier] = int(value) if str(value).isdigit() else value
        else:
            body = body if body is not None else {}
            body[param.name] = value
    # A profile is a region: its region is the default wherever an operation takes one.
    if default_region:
        if any(p.name == "region" for p in operation.query_params) and "region" not in query:
            query["region"] = default_region
        # Only where the body needs one: elsewhere an absent region means "the record's own".
        if any(p.name == "region" and p.required for p in operation.body_fields):
            body = body if body is not None else {}
            body.setdefault("region", default_region)
    return path, query, body, headers
