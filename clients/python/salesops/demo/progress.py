"""A progress bar on stderr: redrawn in place on a terminal, a line per step otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    """Counts finished steps of a known total; thread-safe, since workers report in parallel."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = max(1, total)
        self.done = 0
        self.stage = ""
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._live = self.stream.isatty()
        self._last_line = ""

    def set_stage(self, stage: str) -> None:
        """Name what is happening now (shown after the bar); a new line when not on a terminal."""
        with self._lock:
            self.stage = stage
            self._draw(force_line=True)

    def advance(self, steps: int = 1) -> None:
        """Count `steps` more as done."""
        with self._lock:
            self.done = min(self.total, self.done + steps)
            self._draw(force_line=False)

    def finish(self) -> None:
        """Fill the bar and end its line."""
        with self._lock:
            self.done = self.total
            self._draw(force_line=True)
            if self._live:
                self.stream.write("\n")
                self.stream.flush()

    def _draw(self, force_line: bool) -> None:
        filled = BAR_WIDTH * self.done // self.total
        elapsed = time.monotonic() - self.started
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {100 * self.done // self.total:3d}% "
            f"{elapsed:5.0f}s  {self.stage}"
        )
        if self._live:
            self.stream.write("\r" + line.ljust(len(self._last_line)))
        elif force_line and line != self._last_line:
            self.stream.write(line + "\n")
        else:
            return
        self._last_line = line
        self.stream.flush()
