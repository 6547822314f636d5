"""`salesctl`: the salesops gateway from a shell, built on the SDK.

    salesctl profile add emea --gateway https://salesops.example.com --region EMEA
    salesctl login --token "$TOKEN"
    salesctl leads list --status qualified
    salesctl opportunities win OPP-123
    salesctl attainment show --rep r-42 --period FY2027-Q1
    salesctl leads import leads.csv
    salesctl completion bash > ~/.local/share/bash-completion/completions/salesctl

Tables for people, `--output json` for scripts; errors go to stderr with the
problem details, and the exit code says what kind of failure it was.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from salesops.client.cli import exit_codes
from salesops.client.cli.commands import Command, UsageError, add_resources, inputs
from salesops.client.cli.completion import completion_script
from salesops.client.cli.csv_import import (
    ImportFileError,
    describe_row,
    rejected_rows,
    run_import,
)
from salesops.client.cli.profiles import TOKEN_ENV, ProfileError, ProfileStore, valid_gateway
from salesops.client.cli.tables import render
from salesops.client.client import Client
from salesops.client.errors import SalesopsError
from salesops.client.resources import OPERATIONS


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors exiting 1 (argparse's own 2 is our "not found").

    Abbreviated options are refused: `--st` working today would break a script
    the day a second option starting with `--st` appears.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(exit_codes.USAGE, f"{self.prog}: error: {message}\n")


def common_options(suppress: bool) -> Parser:
    """--output, --profile, --columns: before the command, or after it (`suppress`)."""
    parser = Parser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "-o",
        "--output",
        choices=("table", "json"),
        default=default,
        help="table for people (default), json for scripts",
    )
    parser.add_argument("--profile", default=default, help="the profile to use (default: current)")
    parser.add_argument(
        "--columns", default=default, help="table columns, comma separated (e.g. lead_id,status)"
    )
    return parser


def build_parser() -> Parser:
    """The whole command tree: profiles, login, completion, and every resource."""
    parser = Parser(
        prog="salesctl",
        description="The salesops command-line client: every gateway resource, per profile "
        "(a gateway and a region).",
        epilog=exit_codes.help_text()
        + "\n\nenvironment:\n  SALESCTL_CONFIG  the profiles file (default "
        "~/.config/salesops/salesctl.toml)\n  SALESOPS_TOKEN   a bearer token; wins over the "
        "profile's",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options(suppress=False)],
    )
    parser.add_argument("--gateway", help="the gateway URL (default: the profile's)")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds per HTTP attempt (default 30)"
    )
    commands = parser.add_subparsers(
        title="commands", dest="group", metavar="COMMAND", required=True, parser_class=Parser
    )
    common = common_options(suppress=True)

    profile = commands.add_parser("profile", help="add, use, list or remove profiles")
    profile_commands = profile.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = profile_commands.add_parser("add", help="add or change a profile")
    add.add_argument("name")
    add.add_argument("--gateway", dest="profile_gateway", required=True, help="the gateway URL")
    add.add_argument("--region", default="", help="the region this profile works in")
    add.add_argument("--use", action="store_true", help="make it the current profile")
    use = profile_commands.add_parser("use", help="make a profile the current one")
    use.add_argument("name")
    profile_commands.add_parser("list", help="list the profiles", parents=[common])
    remove = profile_commands.add_parser("remove", help="forget a profile and its token")
    remove.add_argument("name")

    login = commands.add_parser("login", help="store a bearer token in a profile", parents=[common])
    login.add_argument("--token", help=f"the token; default ${TOKEN_ENV}; - reads it from stdin")
    commands.add_parser("logout", help="remove the profile's token", parents=[common])

    completion = commands.add_parser("completion", help="print a shell completion script")
    completion.add_argument("shell", choices=("bash", "zsh"))

    add_resources(commands, OPERATIONS, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code (see `salesctl --help`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(parser, args)
    except UsageError as exc:
        print(f"salesctl: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except (ProfileError, ImportFileError) as exc:
        print(f"salesctl: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except SalesopsError as exc:
        print(f"salesctl: {exc}", file=sys.stderr)
        return exit_codes.exit_code_of(exc)
    except KeyboardInterrupt:
        return 130


def run(parser: Parser, args: argparse.Namespace) -> int:
    """Dispatch a parsed command line; the exit code."""
    if args.group == "completion":
        print(completion_script(parser, args.shell), end="")
        return exit_codes.OK
    store = ProfileStore()
    if args.group == "profile":
        return profile_command(store, args)
    if args.group in {"login", "logout"}:
        return login_command(store, args)
    command: Command = args.command
    profile = (
        store.get(args.profile) if (args.profile or store.current or not args.gateway) else None
    )
    gateway = valid_gateway(args.gateway) if args.gateway else (profile.gateway if profile else "")
    token = os.environ.get(TOKEN_ENV, "") or (profile.token if profile else "")
    if not token:
        raise UsageError(f"no token: run `salesctl login --token ...` or set {TOKEN_ENV}")
    region = profile.region if profile else ""
    with Client(gateway, token, timeout=args.timeout) as client:
        try:
            return call(client, command, args, region)
        except ValueError as exc:  # a path parameter given as an empty string
            raise UsageError(str(exc)) from None


def call(client: Client, command: Command, args: argparse.Namespace, region: str) -> int:
    """Run one resource command and print its answer as a table or JSON."""
    operation = command.operation
    path, query, body, headers = inputs(command, args, region)
    output = args.output or "table"
    columns = [c.strip() for c in (args.columns or "").split(",") if c.strip()]
    csv_file = getattr(args, "file", None)
    if csv_file is not None and operation.path.endswith(":import"):
        return import_command(client, command, args, csv_file, query, output, columns)
    csv_data = read_file(csv_file) if csv_file is not None else None
    if operation.paged and getattr(args, "all", False):
        items = list(client.transport.iterate(operation, path=path, query=query))
        result: Any = {operation.items_key: items, "next_page_token": ""}
    else:
        result = client.transport.call(
            operation, path=path, query=query, body=body, csv=csv_data, headers=headers
        )
    if output == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(render(result, operation.items_key, columns))
        token = result.get("next_page_token") if isinstance(result, dict) else ""
        if operation.paged and token:
            print(f"more: --page-token {token}  (or --all)", file=sys.stderr)
    return exit_codes.OK


def read_file(name: str) -> bytes:
    """A file's bytes (`-` is stdin), or a UsageError naming it."""
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).expanduser().read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None


def import_command(
    client: Client,
    command: Command,
    args: argparse.Namespace,
    csv_file: str,
    query: dict[str, Any],
    output: str,
    columns: list[str],
) -> int:
    """A CSV import in slices with a progress bar; bad rows listed, exit 8 when any."""
    operation = command.operation

    def send(payload: bytes) -> dict[str, Any]:
        answer: dict[str, Any] = client.transport.call(operation, query=query, csv=payload)
        return answer

    answer = run_import(read_file(csv_file), send, args.rows_per_request)
    rejected = rejected_rows(answer)
    if output == "json":
        print(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        totals = {k: v for k, v in answer.items() if isinstance(v, int)}
        print(", ".join(f"{k}: {v}" for k, v in totals.items()))
        print(render(answer.get("results", []), columns=columns or ("row", "outcome", "lead_id")))
    for row in answer.get("results", []):
        if row.get("outcome") != "created" and row.get("outcome") != "recorded":
            print(f"salesctl: {describe_row(row)}", file=sys.stderr)
    return exit_codes.ROWS_REJECTED if rejected else exit_codes.OK


def profile_command(store: ProfileStore, args: argparse.Namespace) -> int:
    """`salesctl profile add|use|list|remove`."""
    if args.action == "add":
        profile = store.add(args.name, args.profile_gateway, args.region)
        if args.use:
            store.use(args.name)
        store.save()
        print(f"profile {profile.name}: {profile.gateway} region {profile.region or '(any)'}")
    elif args.action == "use":
        store.use(args.name)
        store.save()
        print(f"using profile {args.name}")
    elif args.action == "remove":
        store.remove(args.name)
        store.save()
        print(f"removed profile {args.name}")
    else:
        rows = [
            {
                "current": "*" if name == store.current else "",
                "name": name,
                "gateway": profile.gateway,
                "region": profile.region,
                "logged_in": bool(profile.token),
            }
            for name, profile in store.profiles.items()
        ]
        if (args.output or "table") == "json":
            print(json.dumps(rows, indent=2))
        else:
            print(render(rows, columns=("current", "name", "gateway", "region", "logged_in")))
    return exit_codes.OK


def login_command(store: ProfileStore, args: argparse.Namespace) -> int:
    """`salesctl login` stores a token in the profile; `salesctl logout` removes it."""
    profile = store.get(args.profile)
    if args.group == "logout":
        profile.token = ""
        store.save()
        print(f"logged out of profile {profile.name}")
        return exit_codes.OK
    token = args.token or os.environ.get(TOKEN_ENV, "")
    if token == "-":
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise UsageError(f"no token: pass --token TOKEN (or - for stdin) or set {TOKEN_ENV}")
    profile.token = token
    store.save()
    print(f"logged in to profile {profile.name} ({profile.gateway}){describe_token(token)}")
    return exit_codes.OK


def describe_token(token: str) -> str:
    """` as alice (manager) in EMEA, expires ...` from the token's claims, unverified:
    the gateway verifies it; this only tells people which token they stored."""
    try:
        payload = token.split(".")[1]
        claims: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
    except (IndexError, ValueError):
        return ""
    text = f" as {claims.get('sub', '?')}"
    if claims.get("roles"):
        text += f" ({', '.join(map(str, claims['roles']))})"
    if claims.get("regions"):
        text += f" in {', '.join(map(str, claims['regions']))}"
    if isinstance(claims.get("exp"), int | float):
        expires = datetime.fromtimestamp(claims["exp"], UTC)
        text += f", expires {expires:%Y-%m-%d %H:%M} UTC"
    return text


if __name__ == "__main__":
    sys.exit(main())
