"""A progress bar on stderr for long runs (a plain line per step when not on a terminal).

Neither tqdm nor rich is installed in the grading environment, so this stays a few lines of
its own. When the bar stalls (a notebook near its timeout), `waiting` shows what is running
and for how long, so an instructor can tell a slow notebook from a hung grader."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, label: str, enabled: bool = True, stream=sys.stderr):
        self.total, self.label, self.enabled, self.stream = total, label, enabled, stream
        self.done = 0
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self._last_wait = 0.0

    def step(self, message: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        line = (f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"{rate:.1f}/s eta {eta:.0f}s  {message}")
        if self.tty:
            self.stream.write("\r\033[K" + line[:200])
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def waiting(self, running: list[tuple[str, float]]) -> None:
        """Called every couple of seconds while nothing finishes: [(who, seconds running)]."""
        if not self.enabled or not running:
            return
        now = time.monotonic()
        if not self.tty and now - self._last_wait < 15:
            return  # a log file gets a line every 15 s at most
        self._last_wait = now
        shown = ", ".join(f"{who} {seconds:.0f}s" for who, seconds in sorted(running, key=lambda r: -r[1])[:4])
        line = f"{self.label} {self.done}/{self.total} still running: {shown}"
        self.stream.write(("\r\033[K" + line[:200]) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
