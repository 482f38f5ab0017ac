"""One memory and process budget for a sandbox as a whole (cgroups v1 `memory` and `pids`).

rlimits count per process: several forked processes, SysV shared memory and tmpfs
pages each escape RLIMIT_AS. A cgroup charges all of them to the sandbox. Each job (a
cold run; a notebook in a warm sandbox, whose forkserver has a cgroup of its own) gets
its own cgroup, created under a parent named after
this grading run (`autograder-<pid>-<random>`, under the grader's own cgroup) and
removed when the job ends; on a timeout every process in it is killed through the
cgroup, whatever it did with its process group, session or descriptors.

Without cgroups (not root and no delegated, writable cgroup; or a cgroup v2-only
system), the grader prints one warning line and falls back to the per-process
rlimits: the memory budget is then per process, not per sandbox.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("memory", "pids")
_lock = threading.Lock()
_run_parent: dict[str, Path] | None = None
_warned = False


def _own_cgroup(controller: str) -> str:
    """This process's cgroup path for a v1 controller ('/' when unknown)."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, names, path = line.split(":", 2)
            if controller in names.split(","):
                return path
    except OSError:
        pass
    return "/"


def _warn(why: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        print(f"autograder: WARNING: no cgroup budget per sandbox ({why}); memory and processes are "
              "limited per process only (rlimits)", file=sys.stderr)


def _parents() -> dict[str, Path] | None:
    """This run's parent cgroup in each controller, made on first use (None: no cgroups here)."""
    global _run_parent
    with _lock:
        if _run_parent is not None:
            return _run_parent or None
        name = f"autograder-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        made: dict[str, Path] = {}
        try:
            for controller in CONTROLLERS:
                base = CGROUP_ROOT / controller / _own_cgroup(controller).lstrip("/")
                if not (base / "cgroup.procs").exists():
                    raise OSError(f"cgroup v1 '{controller}' controller not mounted at {CGROUP_ROOT / controller}")
                _remove_stale(base)
                path = base / name
                path.mkdir()
                made[controller] = path
        except OSError as exc:
            for path in made.values():
                _rmdir(path)
            _run_parent = {}
            _warn(str(exc.strerror or exc) if isinstance(exc, OSError) else str(exc))
            return None
        _run_parent = made
        atexit.register(_remove_run_parent)
        return made


def _remove_stale(base: Path) -> None:
    """Empty parents left by grading runs that were killed (their pid is gone) are removed."""
    for parent in base.glob("autograder-*-*"):
        try:
            pid = int(parent.name.split("-")[1])
        except ValueError:
            continue
        if Path(f"/proc/{pid}").exists():
            continue
        for job in parent.glob("job-*"):
            _rmdir(job, tries=1)
        _rmdir(parent, tries=1)


def _remove_run_parent() -> None:
    if _run_parent:
        for path in _run_parent.values():
            _rmdir(path)


def _rmdir(path: Path, tries: int = 50) -> bool:
    for _ in range(tries):
        try:
            path.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.02)  # a killed process leaves its cgroup a moment after the signal
    return False


def run_parents() -> dict[str, Path]:
    """This run's parent cgroups (empty before the first sandbox, or without cgroups)."""
    return dict(_run_parent or {})


def available() -> bool:
    return _parents() is not None


class SandboxCgroup:
    """The memory and pids cgroups of one sandbox; `enter_command` puts a command into them."""

    def __init__(self, memory_bytes: int, processes: int):
        parents = _parents()
        self.paths: dict[str, Path] = {}
        if parents is None:
            return
        name = f"job-{uuid.uuid4().hex[:12]}"
        try:
            for controller, parent in parents.items():
                path = parent / name
                path.mkdir()
                self.paths[controller] = path
            self.set_memory(memory_bytes)
            (self.paths["pids"] / "pids.max").write_text(str(processes))
        except OSError as exc:
            self.remove()
            self.paths = {}
            _warn(f"cannot set up a job cgroup: {exc}")

    @classmethod
    def none(cls) -> SandboxCgroup:
        """No cgroup (none available here): every method is a no-op."""
        empty = cls.__new__(cls)
        empty.paths = {}
        return empty

    def __bool__(self) -> bool:
        return bool(self.paths)

    def set_memory(self, memory_bytes: int) -> None:
        memory = self.paths["memory"]
        # Swap must not extend the budget: memsw (RAM + swap) gets the same limit when the kernel has it.
        # memsw may never be below the RAM limit: lowering sets RAM first, raising sets memsw first.
        memsw = memory / "memory.memsw.limit_in_bytes"
        order = [memory / "memory.limit_in_bytes", memsw]
        try:
            current = int((memory / "memory.limit_in_bytes").read_text())
        except (OSError, ValueError):
            current = 0
        if memory_bytes > current:
            order.reverse()
        for path in order:
            if path.exists():
                path.write_text(str(memory_bytes))

    def memory_usage(self) -> int:
        try:
            return int((self.paths["memory"] / "memory.usage_in_bytes").read_text())
        except (OSError, ValueError, KeyError):
            return 0

    def enter_command(self, cmd: list[str]) -> list[str]:
        """`cmd`, started inside these cgroups (a shell writes its own pid, then execs it)."""
        if not self.paths:
            return cmd
        procs = [str(p / "cgroup.procs") for p in self.paths.values()]
        # The files come as arguments (never spliced into the script), then the command after them.
        script = f'for f in "$@"; do [ $# -gt {len(cmd)} ] || break; echo $$ > "$1" || exit 125; shift; done; exec "$@"'
        return ["/bin/sh", "-c", script, "autograder-cgroup", *procs, *cmd]

    def add(self, pid: int) -> bool:
        """Move a running process (by host pid) into these cgroups; its children will start here."""
        try:
            for path in self.paths.values():
                (path / "cgroup.procs").write_text(str(pid))
        except OSError:
            return False
        return bool(self.paths)

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.paths["pids"] / "cgroup.procs").read_text().split()]
        except (OSError, ValueError, KeyError):
            return []

    def oom_killed(self) -> bool:
        """Did the kernel kill a process here for going over the memory budget?"""
        try:
            for line in (self.paths["memory"] / "memory.oom_control").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
            return False
        except (OSError, ValueError, KeyError):
            return False

    def kill(self, timeout: float = 5.0) -> None:
        """SIGKILL every process in the cgroup until none is left (new forks included)."""
        if not self.paths:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill()
        for path in self.paths.values():
            _rmdir(path)
        self.paths = {}
