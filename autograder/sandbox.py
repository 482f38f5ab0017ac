"""Run a submission's code in a bubblewrap sandbox and get its answers back as data.

The sandbox (bwrap, from Debian's `bubblewrap`) gives the student's code:
- no network (own network namespace, loopback only, nothing listening);
- a view of the file system limited to the system, Python and the course
  library (read-only) plus a size-limited scratch tmpfs: no course folder, no
  gradebook, no keys, no other student's work, no home directory;
- its own PID namespace: every process it starts dies when grading ends;
- an unprivileged user id (when the grader runs as root) and resource limits:
  CPU seconds, address space, number of processes, file size, open files;
- a wall-clock limit enforced from outside (the sandbox is killed).
Output is drained from outside with a cap, so a huge print cannot flood the grader.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import considerations
from considerations.paths import data_dir

RUNNER = Path(__file__).with_name("sandbox_runner.py")
ZYGOTE = Path(__file__).with_name("sandbox_zygote.py")
SCRATCH = "/scratch"  # the only writable place in a sandbox (a size-limited tmpfs, new per notebook)
SANDBOX_UID_BASE = 61000  # one unprivileged uid per worker slot, so process limits don't collide


class SandboxUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 1_500_000_000  # address space per process
    processes: int = 32
    file_bytes: int = 16_000_000
    scratch_bytes: int = 64_000_000
    open_files: int = 256
    cell_output_chars: int = 10_000  # kept per cell, for feedback
    stream_bytes: int = 64_000  # kept of raw stdout/stderr (e.g. from subprocesses)
    result_bytes: int = 4_000_000  # the answers file; larger is refused


@dataclass
class RunResult:
    ok: bool
    answers: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)
    failure: str = ""  # why the run produced no answers (timeout, crash, bad output)
    stream: str = ""  # what leaked past the per-cell capture (capped)
    seconds: float = 0.0


def sandbox_available() -> str | None:
    """None when bwrap works here, else the reason it does not."""
    exe = shutil.which("bwrap")
    if not exe:
        return "bubblewrap (`bwrap`) is not installed; on Debian: apt-get install bubblewrap"
    user = [] if os.geteuid() == 0 else ["--unshare-user"]
    probe = subprocess.run(
        [exe, *user, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent", "--", "/bin/true"],
        capture_output=True, text=True,
    )
    if probe.returncode != 0:
        return f"bwrap cannot create a sandbox here: {probe.stderr.strip()[:200]}"
    return None


def _parents(path: Path) -> list[str]:
    out = []
    for parent in reversed(path.parents):
        if str(parent) != "/":
            out.append(str(parent))
    return out


def _read_only_paths() -> list[Path]:
    """What the sandbox may read: Python, the venv, the course library and its data."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    paths.add(Path(considerations.__file__).resolve().parent)
    paths.add(data_dir().resolve())
    for p in sys.path:  # other site-packages folders of this interpreter
        if p and "site-packages" in p and Path(p).is_dir():
            paths.add(Path(p))
    # Drop paths already inside another one.
    kept = sorted(paths, key=lambda p: len(p.parts))
    result: list[Path] = []
    for p in kept:
        if not any(p == q or q in p.parents for q in result):
            result.append(p)
    return result


def _sandbox_base(as_root: bool, limits: Limits) -> list[str]:
    """bwrap options shared by cold and warm sandboxes: namespaces, read-only views, scratch, environment."""
    exe = shutil.which("bwrap")
    if not exe:
        raise SandboxUnavailable(sandbox_available() or "bwrap missing")
    cmd = [exe, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session"]
    # /tmp is an empty, read-only tmpfs: mounted first so that a course library living under
    # /tmp (a CI checkout, say) can still be bound inside it. Writable scratch is SCRATCH.
    cmd += ["--perms", "0755", "--tmpfs", "/tmp"]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        target = Path("/" + name)
        if target.is_symlink():
            cmd += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            cmd += ["--ro-bind", str(target), str(target)]
    for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/alternatives", "/etc/mime.types"):
        if Path(etc).exists():
            cmd += ["--ro-bind", etc, etc]
    made: set[str] = {"/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc", "/tmp"}
    for path in _read_only_paths():
        for parent in _parents(path):
            if parent not in made:
                cmd += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        cmd += ["--ro-bind", str(path), str(path)]
        made.add(str(path))
    cmd += ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/opt/autograder",
            "--ro-bind", str(RUNNER), "/opt/autograder/sandbox_runner.py",
            "--ro-bind", str(ZYGOTE), "/opt/autograder/sandbox_zygote.py"]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--remount-ro", "/tmp",
            "--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", SCRATCH,
            "--perms", "0777", "--dir", f"{SCRATCH}/work", "--chdir", f"{SCRATCH}/work",
            "--clearenv",
            "--setenv", "HOME", f"{SCRATCH}/work", "--setenv", "TMPDIR", SCRATCH,
            "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
            "--setenv", "PYTHONHASHSEED", "0", "--setenv", "MPLBACKEND", "Agg", "--setenv", "MPLCONFIGDIR", SCRATCH,
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1"]
    return cmd


def build_command(slot: int, limits: Limits, result_fd: int) -> list[str]:
    """A cold sandbox: one bwrap per notebook (rlimits via prlimit, uid via setpriv)."""
    as_root = os.geteuid() == 0
    cmd = _sandbox_base(as_root, limits)
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
    cmd += [sys.executable, "/opt/autograder/sandbox_runner.py"]
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


def run_in_sandbox(cells: list[str], answer_names: list[str], limits: Limits = Limits(), slot: int = 0,
                   unsafe_no_sandbox: bool = False) -> RunResult:
    """Run the cells and return the exported answers. Never raises for anything the code does."""
    job = json.dumps({"cells": cells, "answers": answer_names, "cell_output_cap": limits.cell_output_chars})
    result_read, result_write = os.pipe()
    if unsafe_no_sandbox:
        cmd = [sys.executable, str(RUNNER)]
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
        failure = f"the notebook did not finish within {limits.wall_seconds:g} seconds (an endless loop?)"
    finally:
        _kill(proc)
    for reader in readers:
        reader.join(timeout=10)
    seconds = time.monotonic() - started
    stream = b"".join(stream_parts).decode("utf-8", "replace")
    if stream_over[0]:
        stream += f"\n[... {stream_over[0]} more bytes of output not kept]"
    if failure:
        return RunResult(False, failure=failure, stream=stream, seconds=seconds)
    if result_over[0]:
        return RunResult(False, failure="the answers are too large to grade", stream=stream, seconds=seconds)
    return _parse_result(b"".join(result_parts), stream, proc.returncode, seconds)


def _parse_result(raw: bytes, stream: str, returncode: int | None, seconds: float) -> RunResult:
    """Turn the runner's (untrusted) result bytes into a RunResult."""
    try:
        data = json.loads(raw.decode("utf-8"))
        answers, missing, cell_results = data["answers"], data["missing"], data["cells"]
        if not (isinstance(answers, dict) and isinstance(missing, dict) and isinstance(cell_results, list)):
            raise ValueError("wrong shape")
        cell_results = [c for c in cell_results if isinstance(c, dict)]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        why = "the notebook's code ended the run before its answers could be read"
        if returncode is not None and returncode < 0:
            why += f" (killed by signal {signal.Signals(-returncode).name}: a limit on CPU, memory or processes?)"
        elif returncode:
            why += f" (exit status {returncode})"
        return RunResult(False, failure=why, stream=stream, seconds=seconds)
    return RunResult(True, answers=answers, missing=missing, cells=cell_results, stream=stream, seconds=seconds)


def _kill(proc: subprocess.Popen) -> None:
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


class WarmSandbox:
    """A long-lived sandbox that has imported everything once and forks a fresh,
    unprivileged, namespaced process per notebook (see sandbox_zygote.py).

    Isolation is the cold sandbox's (same bwrap view, rlimits, uid, wall clock),
    plus a new mount and PID namespace and a new /scratch per notebook, so nothing
    carries over from one submission to the next. If the warm process itself
    fails, `run` restarts it and falls back to a cold sandbox for that notebook.
    """

    START_TIMEOUT = 120.0

    def __init__(self, slot: int = 0, limits: Limits = Limits()):
        self.slot = slot
        self.limits = limits
        self.proc: subprocess.Popen | None = None
        self.ready = False
        self.starts = 0

    def _command(self) -> list[str]:
        as_root = os.geteuid() == 0
        cmd = _sandbox_base(as_root, self.limits)
        if as_root:
            cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            cmd[1:1] = ["--unshare-user", "--uid", "0", "--gid", "0", "--cap-add", "CAP_SYS_ADMIN"]
        return cmd + ["--", sys.executable, "/opt/autograder/sandbox_zygote.py"]

    def spawn(self) -> None:
        """Start the warm process without waiting for it (its imports overlap the caller's work)."""
        import tempfile

        self.close()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(self._command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, start_new_session=True)
        self.ready = False
        self.starts += 1

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
        import select

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
        job = {"cells": cells, "answers": answer_names, "cell_output_cap": limits.cell_output_chars}
        spec = {"wall": limits.wall_seconds, "cpu": limits.cpu_seconds, "memory": limits.memory_bytes,
                "processes": limits.processes, "file": limits.file_bytes, "open_files": limits.open_files,
                "scratch": limits.scratch_bytes, "stream": limits.stream_bytes, "result": limits.result_bytes,
                "uid": SANDBOX_UID_BASE + self.slot if os.geteuid() == 0 else None}
        try:
            self.proc.stdin.write((json.dumps({"job": job, "limits": spec}) + "\n").encode())
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
        return _parse_result(str(response.get("result", "")).encode(), stream, code if isinstance(code, int) else None, seconds)

    def close(self) -> None:
        if self.proc is not None:
            _kill(self.proc)
            self.proc = None
        self.ready = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
