"""Bulk CSV imports (`salesctl leads import FILE`): sent in slices, with a progress bar.

The gateway's import routes take a whole CSV file and answer with one
result per data row (created, duplicate or invalid, and why). A large file
is sent as several requests of at most `rows_per_request` rows, each with
the header row; the answers are merged and their row numbers put back to
the rows of the original file (the header is row 1, as a spreadsheet shows
it). Each request carries its own Idempotency-Key, so a retried slice never
imports its rows twice. The progress bar goes to stderr, so `--output json`
on stdout stays clean for scripts.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

DEFAULT_ROWS_PER_REQUEST = 1000
# Well below the gateway's default body limit (1 MiB), whatever the rows hold.
MAX_BYTES_PER_REQUEST = 512 * 1024
BAR_WIDTH = 30


class ImportFileError(Exception):
    """The file cannot be read as UTF-8 CSV; the message says where."""


def read_records(data: bytes) -> list[list[str]]:
    """The file's CSV records (a record may span lines inside quotes)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"the file is not UTF-8 text (byte offset {error.start}); save it as CSV UTF-8"
        ) from None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise ImportFileError(f"the file is not valid CSV: {error}") from None


def slices(
    records: list[list[str]], rows_per_request: int, max_bytes: int = MAX_BYTES_PER_REQUEST
) -> list[tuple[int, bytes, int]]:
    """(data records before the slice, CSV bytes with the header, data records in it)."""
    header, data = records[0], records[1:]
    out: list[tuple[int, bytes, int]] = []
    start = 0
    while start < len(data) or not out:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        size = len(buffer.getvalue().encode())
        count = 0
        while start + count < len(data) and count < rows_per_request:
            line = io.StringIO()
            csv.writer(line, lineterminator="\r\n").writerow(data[start + count])
            encoded = len(line.getvalue().encode())
            if count and size + encoded > max_bytes:
                break
            buffer.write(line.getvalue())
            size += encoded
            count += 1
        out.append((start, buffer.getvalue().encode("utf-8"), count))
        start += count
        if not data:
            break
    return out


class ProgressBar:
    """`[#######.......]  700/1,000 rows` on stderr: redrawn on a terminal, a line per step
    otherwise (so a log shows how far an import got)."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.started = time.monotonic()

    def show(self, done: int) -> None:
        filled = BAR_WIDTH * done // self.total if self.total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        elapsed = time.monotonic() - self.started
        text = f"[{bar}] {done:,}/{self.total:,} rows ({elapsed:.1f} s)"
        if self.interactive:
            self.stream.write("\r" + text)
            if done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def run_import(
    data: bytes,
    send: Callable[[bytes], dict[str, Any]],
    rows_per_request: int = DEFAULT_ROWS_PER_REQUEST,
    progress: ProgressBar | None = None,
) -> dict[str, Any]:
    """Import the file slice by slice; the merged answer, numbered by the file's rows."""
    records = read_records(data)
    if not records:
        # The gateway explains an empty file best: send it as it is.
        return send(data)
    if rows_per_request < 1:
        raise ImportFileError(f"rows per request is {rows_per_request}; expected 1 or more")
    total = len(records) - 1
    progress = progress or ProgressBar(total)
    merged: dict[str, Any] = {}
    done = 0
    for before, payload, count in slices(records, rows_per_request):
        answer = send(payload)
        _merge(merged, answer, before)
        done += count
        progress.show(done)
    return merged


def _merge(merged: dict[str, Any], answer: dict[str, Any], before: int) -> None:
    for key, value in answer.items():
        if key == "results":
            merged.setdefault("results", []).extend(_renumbered(row, before) for row in value)
        elif isinstance(value, int) and not isinstance(value, bool):
            merged[key] = merged.get(key, 0) + value
        else:
            merged.setdefault(key, value)


def _renumbered(row: dict[str, Any], before: int) -> dict[str, Any]:
    # A slice's row 2 is its first data record: the file's row before + 2.
    row = dict(row)
    row["row"] = int(row["row"]) + before
    if row.get("duplicate_of_row"):
        row["duplicate_of_row"] = int(row["duplicate_of_row"]) + before
    return row


def rejected_rows(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows that were refused as invalid."""
    return [row for row in answer.get("results", []) if row.get("outcome") == "invalid"]


def describe_row(row: dict[str, Any]) -> str:
    """`row 3: invalid: contact_email: must be an email address ...`."""
    reasons = "; ".join(
        f"{error.get('field', '')}: {error.get('description', '')}"
        for error in row.get("errors", [])
    )
    text = f"row {row['row']}: {row['outcome']}"
    if row.get("outcome") == "duplicate":
        if row.get("duplicate_of_row"):
            text += f" of row {row['duplicate_of_row']}"
        elif row.get("lead_id"):
            text += f" of {row['lead_id']}"
        if row.get("matched_on"):
            text += f" (same {row['matched_on']})"
    return text + (f": {reasons}" if reasons else "")
