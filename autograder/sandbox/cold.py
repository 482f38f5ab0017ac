"""A cold sandbox: one bwrap per notebook, running inside/runner.py.

Per run: a leased uid (root), a cgroup for memory and processes (where available),
rlimits (prlimit), the seccomp filter (bwrap --seccomp), no user namespaces
(--disable-userns when bwrap makes one), and one deadline for everything: feeding
the job, reading the capped output and records, and waiting for the end. At the
deadline every process of the run is killed through its cgroup (and the process
group), whatever it did with its descriptors.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from autograder.sandbox import seccomp
from autograder.sandbox.bwrap import INSIDE, INSIDE_MOUNT, base_command
from autograder.sandbox.cgroups import SandboxCgroup
from autograder.sandbox.protocol import NOT_ENDED, DEFAULT_LIMITS, JobReader, Limits, RunResult, job_payload, pump
from autograder.sandbox.uids import lease_uid

SANDBOX_OVERHEAD_PROCESSES = 4  # the cgroup's shell (exec'd into bwrap), bwrap's init, prlimit/setpriv execs


def build_command(uid: int | None, limits: Limits, result_fd: int, seccomp_fd: int | None) -> list[str]:
    """The bwrap command of a cold sandbox (rlimits via prlimit, uid via setpriv when root)."""
    as_root = os.geteuid() == 0
    cmd = base_command(limits)
    if not as_root:
        cmd[1:1] = ["--unshare-user", "--disable-userns"]
    # As root there is no user namespace to disable (--disable-userns needs --unshare-user; the job runs
    # as a real, leased host uid instead): the seccomp filter refuses CLONE_NEWUSER in either case.
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
    cmd += ["--setenv", "AUTOGRADER_RESULT_FD", str(result_fd)]
    if as_root:
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    cmd += ["--", "/usr/bin/prlimit", f"--cpu={limits.cpu_seconds}", f"--as={limits.memory_bytes}",
            f"--nproc={limits.processes}", f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}",
            "--core=0", "--"]
    if as_root and uid is not None:
        cmd += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", "--"]
    cmd += [sys.executable, f"{INSIDE_MOUNT}/runner.py"]
    return cmd


def run_in_sandbox(cells: list[str], answer_names: list[str], limits: Limits = DEFAULT_LIMITS, slot: int = 0,
                   unsafe_no_sandbox: bool = False, *, cell_names: list[str] | None = None,
                   on_cell=None) -> RunResult:
    """Run the cells and return the exported answers. Never raises for anything the code does.

    `cell_names` (e.g. the grade_ids) name the cell a stopped run stopped at; `on_cell(name)`
    is called as each cell starts (for a progress line). `slot` is kept for callers; uids are leased.
    """
    del slot
    reader = JobReader(limits, answer_names, cell_names, on_cell)
    job = json.dumps(job_payload(cells, answer_names, limits)).encode()
    lease = None if unsafe_no_sandbox else lease_uid()
    cgroup = None if unsafe_no_sandbox else SandboxCgroup(limits.memory_bytes,
                                                          limits.processes + SANDBOX_OVERHEAD_PROCESSES)
    result_read, result_write = os.pipe()
    seccomp_fd = None
    started = time.monotonic()
    try:
        if unsafe_no_sandbox:
            cmd = [sys.executable, str(INSIDE / "runner.py")]
            env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
                   "AUTOGRADER_RESULT_FD": str(result_write),
                   "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join(sys.path)}
            pass_fds = (result_write,)
        else:
            seccomp_fd = seccomp.filter_fd("job")
            cmd = cgroup.enter_command(build_command(lease.uid if lease else None, limits, result_write, seccomp_fd))
            env = None
            pass_fds = (result_write, seccomp_fd)
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                pass_fds=pass_fds, start_new_session=True, env=env)
        os.close(result_write)
        result_write = None
        job_fd = os.dup(proc.stdin.fileno())  # pump's own descriptor: it closes it once the job is sent
        proc.stdin.close()
        pidfd = os.pidfd_open(proc.pid)
        try:
            finished, code = pump(reader, job=job, job_fd=job_fd, out_fd=proc.stdout.fileno(),
                                  result_fd=result_read, exit_fd=pidfd,
                                  read_exit=lambda: proc.poll() if proc.poll() is not None else NOT_ENDED,
                                  deadline=started + limits.wall_seconds)
        finally:
            os.close(pidfd)
        kill(proc, cgroup)
        if code is None:
            code = proc.returncode
        oom = bool(cgroup) and cgroup.oom_killed()
        result = reader.result(timed_out=not finished, returncode=code, seconds=time.monotonic() - started)
        if oom and not result.ok:
            result.failure += " (the sandbox went over its memory budget)"
        return result
    finally:
        for fd in (result_read, result_write, seccomp_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if cgroup is not None:
            cgroup.remove()
        if lease is not None:
            lease.release()


def kill(proc: subprocess.Popen, cgroup: SandboxCgroup | None) -> None:
    """Kill the sandbox: every process of its cgroup, its process group, and bwrap (whose PID namespace
    takes everything the code started with it)."""
    if cgroup:
        cgroup.kill()
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass

