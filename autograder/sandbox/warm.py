"""The warm sandbox's client: a long-lived bwrap running inside/forkserver.py."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time

from autograder.sandbox.bwrap import INSIDE_MOUNT, SandboxUnavailable, base_command
from autograder.sandbox.cold import SANDBOX_UID_BASE, kill, run_in_sandbox
from autograder.sandbox.protocol import DEFAULT_LIMITS, Limits, RunResult, job_payload, parse_result


class WarmSandbox:
    """A long-lived sandbox that has imported everything once and forks a fresh,
    unprivileged, namespaced process per notebook (see inside/forkserver.py).

    Isolation is the cold sandbox's (same bwrap view, rlimits, uid, wall clock),
    plus a new mount and PID namespace and a new /scratch per notebook, so nothing
    carries over from one submission to the next. If the warm process itself
    fails, `run` restarts it and falls back to a cold sandbox for that notebook.
    """

    START_TIMEOUT = 120.0

    def __init__(self, slot: int = 0, limits: Limits = DEFAULT_LIMITS):
        self.slot = slot
        self.limits = limits
        self.proc: subprocess.Popen | None = None
        self.log = None
        self.ready = False

    def _command(self) -> list[str]:
        cmd = base_command(self.limits)
        if os.geteuid() == 0:
            cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            cmd[1:1] = ["--unshare-user", "--uid", "0", "--gid", "0", "--cap-add", "CAP_SYS_ADMIN"]
        return cmd + ["--", sys.executable, f"{INSIDE_MOUNT}/forkserver.py"]

    def spawn(self) -> None:
        """Start the warm process without waiting for it (its imports overlap the caller's work)."""
        self.close()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(self._command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, start_new_session=True)
        self.ready = False

    def start(self) -> None:
        """Start (if needed) and wait until the warm process has finished its imports."""
        if self.proc is None or self.proc.poll() is not None:
            self.spawn()
        if self.ready:
            return
        line = self._readline(self.START_TIMEOUT)
        try:
            ready = bool(line) and json.loads(line).get("ready")
        except ValueError:
            ready = False
        if not ready:
            self.log.seek(0)
            detail = self.log.read()[-1000:].decode("utf-8", "replace")
            self.close()
            raise SandboxUnavailable(f"the warm sandbox did not start: {detail.strip() or 'no output'}")
        self.ready = True

    def _readline(self, timeout: float) -> bytes | None:
        deadline = time.monotonic() + timeout
        buffer = b""
        fd = self.proc.stdout.fileno()
        while not buffer.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                buffer += chunk
        return buffer

    def run(self, cells: list[str], answer_names: list[str], limits: Limits | None = None) -> RunResult:
        limits = limits or self.limits
        try:
            self.start()
        except SandboxUnavailable:
            return run_in_sandbox(cells, answer_names, limits, slot=self.slot)
        spec = {**limits.to_dict(), "uid": SANDBOX_UID_BASE + self.slot if os.geteuid() == 0 else None}
        try:
            self.proc.stdin.write((json.dumps({"job": job_payload(cells, answer_names, limits), "limits": spec}) + "\n").encode())
            self.proc.stdin.flush()
            line = self._readline(limits.wall_seconds + 30)
            response = json.loads(line) if line else None
        except (BrokenPipeError, ValueError):
            response = None
        if not isinstance(response, dict):
            # The warm process broke (it never runs student code itself, so this is rare):
            # start afresh and grade this notebook in a cold sandbox.
            self.close()
            return run_in_sandbox(cells, answer_names, limits, slot=self.slot)
        stream = str(response.get("stream", ""))
        seconds = float(response.get("seconds", 0.0))
        if "failure" in response:
            return RunResult(False, failure=str(response["failure"]), stream=stream, seconds=seconds)
        code = response.get("exit")
        return parse_result(str(response.get("result", "")).encode(), stream, code if isinstance(code, int) else None, seconds)

    def close(self) -> None:
        if self.proc is not None:
            kill(self.proc)
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None
        self.ready = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
