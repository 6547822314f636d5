"""Structured logs: one JSON object per line on stderr, for every process.

Each line carries `ts` (RFC 3339, UTC), `level`, `logger`, `message` and
`process` (api or worker of a service), the `request_id` and
`correlation_id` of the call or event being handled when one is bound, any
`extra={...}` fields the caller passed, and `exc_info` when an exception is
logged. The gRPC interceptor and the event worker bind the ids with
`bind_log_context`, so a log line can be traced back to the call that caused it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

# Third-party loggers that are chatty at INFO: one line per AMQP frame or HTTP request.
NOISY_LOGGERS = ("kombu", "amqp", "urllib3", "httpx", "httpcore", "alembic.runtime.migration")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "request_id", "correlation_id"}


@dataclass(frozen=True)
class LogContext:
    """The ids that tie a log line to the call or event being handled."""

    request_id: str
    correlation_id: str


_context: contextvars.ContextVar[LogContext | None] = contextvars.ContextVar(
    "salesops_log_context", default=None
)


def bind_log_context(
    request_id: str, correlation_id: str = ""
) -> contextvars.Token[LogContext | None]:
    """Tag the log lines of the current call with its ids until `reset_log_context`.

    An empty `correlation_id` falls back to the request id: a call that starts
    a chain of work is its own correlation.
    """
    return _context.set(LogContext(request_id, correlation_id or request_id))


def reset_log_context(token: contextvars.Token[LogContext | None]) -> None:
    """Undo the `bind_log_context` that returned `token`."""
    _context.reset(token)


def current_log_context() -> LogContext | None:
    """The ids bound to the current call, if any."""
    return _context.get()


class _LogContextFilter(logging.Filter):
    """Copies the bound ids onto each record in the thread that logs it.

    Done in a filter rather than in the formatter so the ids stay right even
    if formatting ever moves to another thread (a QueueHandler).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        if context is not None:
            record.request_id = context.request_id
            record.correlation_id = context.correlation_id
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON (see the module docstring for the fields)."""

    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": self.process,
        }
        for key in ("request_id", "correlation_id"):
            value = getattr(record, key, None)
            if value:
                entry[key] = value
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        # default=str: an `extra` value that JSON cannot encode must not lose the line.
        return json.dumps(entry, default=str, ensure_ascii=False)


class _SalesopsHandler(logging.StreamHandler[TextIO]):
    """The root handler `configure_logging` installs; its type marks it for replacement."""


def configure_logging(process: str, level: str = "INFO", *, stream: TextIO | None = None) -> None:
    """Send every log record of this process to `stream` (stderr) as JSON lines.

    `process` names the process in each line, e.g. "pipeline-api". Calling it
    again replaces the handler it installed before rather than adding a second
    one; handlers installed by others (pytest's log capture) are left alone.
    """
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, _SalesopsHandler):
            root.removeHandler(existing)
            existing.close()
    handler = _SalesopsHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter(process))
    handler.addFilter(_LogContextFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
