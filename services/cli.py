"""`salesops`: the one command that runs, migrates and operates the platform.

    salesops run                         every api, worker and the gateway (what `make run` does)
    salesops api <service>               a service's gRPC api process
    salesops worker <service>            a service's nameko worker process
    salesops gateway                     the HTTP gateway
    salesops migrate <service>|all       upgrade databases to the current schema
    salesops token --subject S --roles R[,R] --regions X[,X]
                                         a development token signed with the local secret
    salesops events dead-letters <service>
    salesops events replay <service> [--id N ...]

Imports are deferred to each command: the worker must monkey-patch eventlet
before anything else is imported, and grpcio must never see a patched process.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence


def _services() -> list[str]:
    from services.kit.config import SERVICES

    return list(SERVICES)


def _cmd_api(args: argparse.Namespace) -> int:
    from services.kit.runtime import run_service_api

    return run_service_api(args.service)


def _cmd_worker(args: argparse.Namespace) -> int:
    from services.kit.runtime import run_service_worker

    return run_service_worker(args.service)


def _cmd_gateway(args: argparse.Namespace) -> int:
    from gateway.app import run_gateway

    return run_gateway(args.port)


def _cmd_migrate(args: argparse.Namespace) -> int:
    from services.kit.config import Settings
    from services.kit.migrations import migrate
    from services.kit.runtime import redacted

    settings = Settings.from_env()
    targets = _services() if args.service == "all" else [args.service]
    for service in targets:
        url = settings.database_url(service)
        migrate(service, url)
        print(f"{service}: migrated {redacted(url)} to head")
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    from gateway.tokens import TokenIssueRefused, issue_token

    try:
        token = issue_token(
            args.subject,
            [r for r in args.roles.split(",") if r],
            [r for r in args.regions.split(",") if r],
            ttl_seconds=args.ttl,
        )
    except (TokenIssueRefused, ValueError) as exc:
        print(f"salesops token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from services.kit.supervisor import run_platform

    return run_platform()


def _open_db(service: str):  # type: ignore[no-untyped-def]
    from services.kit.config import Settings
    from services.kit.runtime import open_database

    return open_database(Settings.from_env(), service, pool_size=1)


def _cmd_dead_letters(args: argparse.Namespace) -> int:
    from services.kit.inbox import list_dead_letters

    letters = list_dead_letters(_open_db(args.service), include_replayed=args.all)
    if not letters:
        print(f"{args.service}: no dead letters")
        return 0
    header = f"{'ID':>6}  {'PARKED AT (UTC)':<20} {'EVENT ID':<36}  {'TYPE':<28} {'HANDLER':<32}"
    print(f"{header} ERROR")
    for letter in letters:
        replayed = f" (replayed {letter.replayed_at:%Y-%m-%d %H:%M})" if letter.replayed_at else ""
        print(
            f"{letter.id:>6}  {letter.parked_at:%Y-%m-%d %H:%M:%S}  {letter.event_id:<36}  "
            f"{letter.type:<28} {letter.handler:<32} {letter.error[:100]}{replayed}"
        )
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from kombu import Connection

    from services.kit.config import Settings
    from services.kit.inbox import replay_dead_letters

    settings = Settings.from_env()
    db = _open_db(args.service)
    with Connection(settings.amqp_uri, connect_timeout=5) as connection:
        producer = connection.Producer(serializer="json")

        def redeliver(queue: str, body: object) -> None:
            # The default exchange routes by queue name: straight to the handler's queue.
            producer.publish(body, exchange="", routing_key=queue, delivery_mode=2, retry=True)

        replayed = replay_dead_letters(db, redeliver, args.id or None)
    print(f"{args.service}: replayed {len(replayed)} dead letter(s) {replayed or ''}".rstrip())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesops", description="Run, migrate and operate the salesops platform."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    known = _services()

    run = commands.add_parser("run", help="migrate, then run every api, worker and the gateway")
    run.set_defaults(func=_cmd_run)

    api = commands.add_parser("api", help="run a service's gRPC api")
    api.add_argument("service", choices=known)
    api.set_defaults(func=_cmd_api)

    worker = commands.add_parser("worker", help="run a service's nameko worker")
    worker.add_argument("service", choices=known)
    worker.set_defaults(func=_cmd_worker)

    gateway = commands.add_parser("gateway", help="run the HTTP gateway")
    gateway.add_argument("--port", type=int, default=None)
    gateway.set_defaults(func=_cmd_gateway)

    migrate = commands.add_parser("migrate", help="upgrade databases to the current schema")
    migrate.add_argument("service", choices=[*known, "all"])
    migrate.set_defaults(func=_cmd_migrate)

    token = commands.add_parser("token", help="print a development token (local secret only)")
    token.add_argument("--subject", required=True)
    token.add_argument("--roles", required=True, help="comma-separated, e.g. rep,manager")
    token.add_argument("--regions", required=True, help="comma-separated, e.g. EMEA,APAC")
    token.add_argument("--ttl", type=int, default=3600, help="seconds the token is valid")
    token.set_defaults(func=_cmd_token)

    events = commands.add_parser("events", help="operate a service's event handling")
    event_commands = events.add_subparsers(dest="events_command", required=True, metavar="ACTION")
    dead = event_commands.add_parser("dead-letters", help="list parked events")
    dead.add_argument("service", choices=known)
    dead.add_argument("--all", action="store_true", help="include replayed ones")
    dead.set_defaults(func=_cmd_dead_letters)
    replay = event_commands.add_parser("replay", help="re-deliver parked events to their handlers")
    replay.add_argument("service", choices=known)
    replay.add_argument(
        "--id", type=int, action="append", help="only this dead letter (repeatable)"
    )
    replay.set_defaults(func=_cmd_replay)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # nameko stands on eventlet, which announces its own deprecation on import;
    # salesops knows (see docs/architecture.md) and operators need not read it at every start.
    warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
    if args_list[:1] == ["worker"]:
        # The worker is an eventlet process: patch before anything imports socket or threading.
        import eventlet

        eventlet.monkey_patch()
    args = build_parser().parse_args(args_list)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
