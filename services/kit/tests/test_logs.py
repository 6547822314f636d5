"""JSON log lines: fields, bound ids, exceptions, idempotent set-up."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from services.kit.logs import (
    NOISY_LOGGERS,
    bind_log_context,
    configure_logging,
    current_log_context,
    reset_log_context,
)


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """configure_logging into a buffer; the root logger is restored afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    noisy_levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    stream = io.StringIO()
    configure_logging("pipeline-api", stream=stream)
    yield stream
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, noisy_level in noisy_levels.items():
        logging.getLogger(name).setLevel(noisy_level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_the_contract_fields(log_stream: io.StringIO) -> None:
    logging.getLogger("salesops.test").info("lead %s routed", "L-1")

    [entry] = lines(log_stream)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "salesops.test"
    assert entry["message"] == "lead L-1 routed"
    assert entry["process"] == "pipeline-api"
    assert entry["ts"].endswith("Z")
    written = datetime.fromisoformat(entry["ts"])
    assert written.utcoffset() == timedelta(0)
    assert "request_id" not in entry
    assert "correlation_id" not in entry


def test_bound_ids_appear_until_reset(log_stream: io.StringIO) -> None:
    log = logging.getLogger("salesops.test")
    token = bind_log_context("req-1", "corr-1")
    log.info("inside")
    reset_log_context(token)
    log.info("outside")

    inside, outside = lines(log_stream)
    assert (inside["request_id"], inside["correlation_id"]) == ("req-1", "corr-1")
    assert "request_id" not in outside


def test_correlation_id_defaults_to_the_request_id() -> None:
    token = bind_log_context("req-7")
    try:
        context = current_log_context()
        assert context is not None
        assert context.correlation_id == "req-7"
    finally:
        reset_log_context(token)


def test_ids_bound_in_one_thread_do_not_leak_into_another(log_stream: io.StringIO) -> None:
    token = bind_log_context("req-main", "corr-main")
    try:
        other = threading.Thread(target=lambda: logging.getLogger("salesops.test").info("other"))
        other.start()
        other.join()
    finally:
        reset_log_context(token)

    [entry] = lines(log_stream)
    assert "request_id" not in entry


def test_an_exception_is_logged_with_its_traceback(log_stream: io.StringIO) -> None:
    try:
        raise ValueError("quota must be positive")
    except ValueError:
        logging.getLogger("salesops.test").exception("allocation failed")

    [entry] = lines(log_stream)
    assert entry["level"] == "ERROR"
    assert entry["message"] == "allocation failed"
    assert "Traceback" in entry["exc_info"]
    assert "ValueError: quota must be positive" in entry["exc_info"]


def test_extra_fields_are_included_and_never_break_the_line(log_stream: io.StringIO) -> None:
    logging.getLogger("salesops.test").info(
        "relayed", extra={"event_type": "pipeline.lead.created", "batch": {1, 2}}
    )

    [entry] = lines(log_stream)
    assert entry["event_type"] == "pipeline.lead.created"
    assert entry["batch"] == "{1, 2}"


def test_configuring_twice_keeps_one_handler(log_stream: io.StringIO) -> None:
    configure_logging("pipeline-api", stream=log_stream)
    logging.getLogger("salesops.test").warning("once")

    assert [entry["message"] for entry in lines(log_stream)] == ["once"]


def test_level_and_noisy_loggers(log_stream: io.StringIO) -> None:
    logging.getLogger("salesops.test").debug("hidden at INFO")
    logging.getLogger("kombu.connection").info("heartbeat")
    logging.getLogger("nameko.containers").info("worker started")

    assert [entry["message"] for entry in lines(log_stream)] == ["worker started"]
    assert logging.getLogger("amqp").level == logging.WARNING
    assert logging.getLogger("urllib3").level == logging.WARNING
