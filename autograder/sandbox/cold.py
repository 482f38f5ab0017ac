"""A cold sandbox: one bwrap per notebook, running inside/runner.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

from autograder.sandbox.bwrap import INSIDE, INSIDE_MOUNT, base_command
from autograder.sandbox.protocol import (DEFAULT_LIMITS, TOO_LARGE, Limits, RunResult, job_payload, overflow_note, parse_result,
                                         timeout_message)

SANDBOX_UID_BASE = 61000  # one unprivileged uid per worker slot, so process limits don't collide


def build_command(slot: int, limits: Limits, result_fd: int) -> list[str]:
    """A cold sandbox: one bwrap per notebook (rlimits via prlimit, uid via setpriv)."""
    as_root = os.geteuid() == 0
    cmd = base_command(limits)
    if not as_root:
        cmd.insert(1, "--unshare-user")
    cmd += ["--setenv", "AUTOGRADER_RESULT_FD", str(result_fd)]
    if as_root:
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    cmd += ["--", "/usr/bin/prlimit", f"--cpu={limits.cpu_seconds}", f"--as={limits.memory_bytes}",
            f"--nproc={limits.processes}", f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}",
            "--core=0", "--"]
    if as_root:
        uid = SANDBOX_UID_BASE + slot
        cmd += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", "--"]
    cmd += [sys.executable, f"{INSIDE_MOUNT}/runner.py"]
    return cmd


def _drain(stream, keep: int, sink: list, overflow: list) -> None:
    """Read a pipe to its end, keeping at most `keep` bytes (the rest is counted and dropped)."""
    kept = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        if kept < keep:
            sink.append(chunk[: keep - kept])
        kept += len(chunk)
        if kept > keep:
            overflow[0] = kept - keep
    stream.close()


def run_in_sandbox(cells: list[str], answer_names: list[str], limits: Limits = DEFAULT_LIMITS, slot: int = 0,
                   unsafe_no_sandbox: bool = False) -> RunResult:
    """Run the cells and return the exported answers. Never raises for anything the code does."""
    job = json.dumps(job_payload(cells, answer_names, limits))
    result_read, result_write = os.pipe()
    if unsafe_no_sandbox:
        cmd = [sys.executable, str(INSIDE / "runner.py")]
    else:
        cmd = build_command(slot, limits, result_write)
    started = time.monotonic()
    env = None
    if unsafe_no_sandbox:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
               "AUTOGRADER_RESULT_FD": str(result_write),
               "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        pass_fds=(result_write,), start_new_session=True, env=env,
    )
    os.close(result_write)
    stream_parts: list[bytes] = []
    stream_over = [0]
    result_parts: list[bytes] = []
    result_over = [0]
    readers = [
        threading.Thread(target=_drain, args=(proc.stdout, limits.stream_bytes, stream_parts, stream_over), daemon=True),
        threading.Thread(target=_drain, args=(os.fdopen(result_read, "rb"), limits.result_bytes, result_parts, result_over), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        proc.stdin.write(job.encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    failure = ""
    try:
        proc.wait(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        failure = timeout_message(limits)
    finally:
        kill(proc)
    for reader in readers:
        reader.join(timeout=10)
    seconds = time.monotonic() - started
    stream = b"".join(stream_parts).decode("utf-8", "replace")
    if stream_over[0]:
        stream += overflow_note(stream_over[0])
    if failure:
        return RunResult(False, failure=failure, stream=stream, seconds=seconds)
    if result_over[0]:
        return RunResult(False, failure=TOO_LARGE, stream=stream, seconds=seconds)
    return parse_result(b"".join(result_parts), stream, proc.returncode, seconds)


def kill(proc: subprocess.Popen) -> None:
    """Kill the sandbox; its PID namespace takes every process the code started with it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
