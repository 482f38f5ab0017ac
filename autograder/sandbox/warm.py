"""The warm sandbox's client: a long-lived bwrap running inside/forkserver.py.

The host keeps the job's data channels: for each notebook it makes the three pipes
(job in, output, results), hands the sandbox's ends to the forkserver over a Unix
socket (SCM_RIGHTS) and reads them itself, with the same caps and the same one
deadline as a cold run (protocol.pump). The forkserver only starts the job and says
when it ended. If the forkserver does not say so within a short grace after the
deadline (the host kills the job's cgroup at the deadline), the host kills the whole warm
sandbox and starts a new one for the next notebook: a timeout costs the limit once,
never a cold re-run.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.sandbox import seccomp
from autograder.sandbox.bwrap import INSIDE_MOUNT, SandboxUnavailable, base_command
from autograder.sandbox.cgroups import SandboxCgroup
from autograder.sandbox.cold import kill, run_in_sandbox
from autograder.sandbox.protocol import (DEFAULT_LIMITS, NOT_ENDED, JobReader, Limits, RunResult, job_payload,
                                         pump)
from autograder.sandbox.uids import lease_uid

GRACE_SECONDS = 3.0  # how long after the deadline the forkserver has to report the job killed
WARM_BASELINE_BYTES = 1_000_000_000  # the forkserver's own memory before it is measured (imports)
WARM_OVERHEAD_PROCESSES = 8  # bwrap, its init, the forkserver and a job's helper
WARM_HEADROOM_BYTES = 256_000_000  # the forkserver's own growth; each job has a cgroup of its own
JOB_OVERHEAD_PROCESSES = 2  # the job's helper and the job's PID 1


def _readable(sock: socket.socket, timeout: float) -> bool:
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


class WarmSandbox:
    """A long-lived sandbox that has imported everything once and forks a fresh,
    unprivileged, namespaced process per notebook (see inside/forkserver.py).

    Isolation is the cold sandbox's (same bwrap view, rlimits, seccomp filter, a uid
    of its own, one deadline), plus new mount, PID and IPC namespaces and a new
    /scratch per notebook, so nothing carries over from one submission to the next.
    Each job runs in a cgroup of its own (memory and processes as in a cold run); the
    host kills the job through it at the deadline, and the forkserver lives on.
    If the warm process fails to start, `run` grades that notebook in a cold sandbox.

    `current_cell` names the cell running now (None between notebooks), for progress lines.
    """

    START_TIMEOUT = 120.0
    HANDSHAKE_TIMEOUT = 10.0

    def __init__(self, slot: int = 0, limits: Limits = DEFAULT_LIMITS):
        self.slot = slot
        self.limits = limits
        self.proc: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.log = None
        self.cgroup: SandboxCgroup | None = None
        self.lease = None
        self.ready = False
        self.current_cell: str | None = None
        self.group: WarmGroup | None = None  # the shared sandbox this slot is served from, if any
        self.server_pid: int | None = None  # this slot's server process, as the sandbox numbers it
        self._broken = False  # the forkserver sent something that is not a job's end
        self._job_timed_out = False  # the forkserver ended the job at its own deadline
        self._resident: set[int] = set()  # the sandbox's own processes at start-up (host pids)

    def _command(self, control_fd: int | str, outer_fd: int, job_fd: int) -> list[str]:
        cmd = base_command(self.limits)
        if os.geteuid() == 0:
            # SYS_ADMIN: each job's namespaces and mounts; SETUID/SETGID: the job's uid; KILL: the deadline.
            cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                    "--cap-add", "CAP_KILL"]
        else:
            cmd[1:1] = ["--unshare-user", "--disable-userns", "--uid", "0", "--gid", "0", "--cap-add", "CAP_SYS_ADMIN"]
        cmd += ["--seccomp", str(outer_fd), "--setenv", "AUTOGRADER_CONTROL_FD", str(control_fd),
                "--setenv", "AUTOGRADER_JOB_SECCOMP_FD", str(job_fd)]
        return cmd + ["--", sys.executable, f"{INSIDE_MOUNT}/forkserver.py"]

    def spawn(self) -> None:
        """Start a sandbox of this slot's own (a group of one) without waiting for it (its imports
        overlap the caller's work)."""
        self.close()
        WarmGroup(1, self.limits).spawn([self])

    def start(self) -> None:
        """Start (if needed) and wait until the warm process has finished its imports."""
        if self.proc is None or self.proc.poll() is not None:
            self.spawn()
        if self.ready:
            return
        self.control.settimeout(self.START_TIMEOUT)
        try:
            message = json.loads(self.control.recv(1 << 16) or b"null")
            ready = isinstance(message, dict) and message.get("ready") is True
        except (OSError, ValueError):
            ready = False
        if ready and type(message.get("pid")) is int:
            self.server_pid = message["pid"]
        if not ready:
            self.log.seek(0)
            detail = self.log.read()[-1000:].decode("utf-8", "replace")
            self.close()
            raise SandboxUnavailable(f"the warm sandbox did not start: {detail.strip() or 'no output'}")
        self.control.settimeout(None)
        if self.cgroup:  # from now on: the forkserver as it is, plus headroom (jobs are charged elsewhere)
            slots = self.group.size if self.group is not None else 1
            self.cgroup.set_memory(self.cgroup.memory_usage() + WARM_HEADROOM_BYTES * slots)
            self._resident = set(self.cgroup.pids())
        self.ready = True

    def _read_exit(self):
        """The forkserver's word that the job ended: its exit code (None if the forkserver is gone)."""
        try:
            message = self.control.recv(1 << 16, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return NOT_ENDED
        except OSError:
            message = b""
        try:
            data = json.loads(message) if message else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or "exit" not in data:
            self._broken = True
            return None
        # The forkserver keeps the same deadline; under load it can kill the job just before the host's
        # own deadline passes, and that end is still a timeout, not "killed by a limit".
        self._job_timed_out = data.get("timed_out") is True
        code = data["exit"]
        return code if isinstance(code, int) else None

    def run(self, cells: list[str], answer_names: list[str], limits: Limits | None = None, *,
            cell_names: list[str] | None = None, on_cell=None) -> RunResult:
        limits = limits or self.limits
        try:
            self.start()
        except SandboxUnavailable:
            return run_in_sandbox(cells, answer_names, limits, cell_names=cell_names, on_cell=on_cell)

        def cell_started(name):
            self.current_cell = name
            if on_cell is not None:
                on_cell(name)

        reader = JobReader(limits, answer_names, cell_names, cell_started)
        job = json.dumps(job_payload(cells, answer_names, limits)).encode()
        job_r, job_w = os.pipe()
        out_r, out_w = os.pipe()
        result_r, result_w = os.pipe()
        request = {"limits": limits.to_dict(), "uid": self.lease.uid if self.lease else None}
        self._broken = False
        self._job_timed_out = False
        started = time.monotonic()
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()], [job_r, out_w, result_w])
        except OSError:
            for fd in (job_r, job_w, out_r, out_w, result_r, result_w):
                os.close(fd)
            self.close()
            return run_in_sandbox(cells, answer_names, limits, cell_names=cell_names, on_cell=on_cell)
        for fd in (job_r, out_w, result_w):  # the job's ends now live only in the sandbox
            os.close(fd)
        job_cgroup = None
        finished, code = False, None
        try:
            job_cgroup = self._enter_job_cgroup(limits)
            if job_cgroup is None:  # the forkserver did not answer: it is broken, not the notebook
                os.close(job_w)
                self.close()
                return run_in_sandbox(cells, answer_names, limits, cell_names=cell_names, on_cell=on_cell)
            finished, code = pump(reader, job=job, job_fd=job_w, out_fd=out_r, result_fd=result_r,
                                  exit_fd=self.control.fileno(), read_exit=self._read_exit,
                                  deadline=started + limits.wall_seconds)
            if not finished:
                job_cgroup.kill()  # from outside, whatever the job did; the forkserver then reports the end
                if not self._wait_for_kill():
                    self.close()  # it did not: end the whole warm sandbox (the next notebook starts a new one)
            elif self._broken:
                self.close()
        finally:
            os.close(out_r)
            os.close(result_r)
            self.current_cell = None
        try:
            timed_out = not finished or self._job_timed_out
            result = reader.result(timed_out=timed_out, returncode=code, seconds=time.monotonic() - started)
            if not result.ok and job_cgroup.oom_killed():  # read only when it can matter (0.2 ms a job)
                result.failure += " (the sandbox went over its memory budget)"
        finally:
            job_cgroup.remove()
        return result

    def _enter_job_cgroup(self, limits: Limits) -> SandboxCgroup | None:
        """The handshake before a job starts: the forkserver names its helper process, which the host
        moves into a new cgroup of the job's own (when cgroups are available), then says go.
        None if the forkserver does not answer."""
        ready = _readable(self.control, self.HANDSHAKE_TIMEOUT)
        try:
            message = self.control.recv(1 << 16) if ready else b""
            helper = json.loads(message).get("helper") if message else None
        except (OSError, ValueError, AttributeError):
            helper = None
        if type(helper) is not int:
            return None
        job_cgroup = SandboxCgroup(limits.memory_bytes, limits.processes + JOB_OVERHEAD_PROCESSES) \
            if self.cgroup else SandboxCgroup.none()
        if job_cgroup:
            host_pid = self._host_pid(helper)
            if host_pid is None or not job_cgroup.add(host_pid):
                job_cgroup.remove()
                return None
        try:
            self.control.send(json.dumps({"go": True}).encode())
        except OSError:
            job_cgroup.remove()
            return None
        return job_cgroup

    def _host_pid(self, sandbox_pid: int) -> int | None:
        """The host pid of a process of this sandbox known by its pid inside the sandbox (NSpid)."""
        # The helper is new: the processes there since start-up (bwrap, its init, the forkserver)
        # are looked at last, so usually one /proc status file is read instead of four.
        pids = self.cgroup.pids()
        for pid in sorted(pids, key=lambda pid: pid in self._resident):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("NSpid:"):
                    ids = line.split()[1:]
                    if len(ids) >= 2 and ids[1] == str(sandbox_pid):
                        return pid
        return None

    def _wait_for_kill(self) -> bool:
        """After the host's deadline: the forkserver, with the same deadline, kills the job and says so."""
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline:
            if _readable(self.control, max(0.0, deadline - time.monotonic())):
                if self._read_exit() is NOT_ENDED:
                    continue
                return not self._broken
        return False

    def close(self) -> None:
        """End this slot (see _leave_group); the sandbox itself ends with the last slot it serves."""
        if self.group is not None:
            self._leave_group()
        self.ready = False

    def _leave_group(self) -> None:
        """End this slot only: its server process (the sandbox's own command serves no slot, so the
        others live on), its socket and its uid. The next notebook of this slot starts a sandbox of its own."""
        import signal

        group, self.group = self.group, None
        if self.server_pid is not None and self.cgroup:
            host_pid = self._host_pid(self.server_pid)
            if host_pid is not None:
                try:
                    os.kill(host_pid, signal.SIGKILL)
                except OSError:
                    pass
        if self.control is not None:
            self.control.close()  # a server that is not stuck ends on its own when it reads EOF
        lease = self.lease
        self.proc = self.control = self.cgroup = self.log = self.lease = self.server_pid = None
        group.leave()
        if lease is not None:
            lease.release()  # last: once the sandbox (if this was its last slot) is gone

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class WarmGroup:
    """`size` warm slots served by one sandbox: one bwrap, one warm-up (imports), then a server process
    per slot forked from it (inside/forkserver._serve_slots). Each slot is a WarmSandbox with its own
    control socket and its own uid, so its jobs are exactly as isolated from the other slot's as in a
    sandbox of their own; only the warm-up's ~0.7 s of CPU per worker is paid once. A slot that breaks
    leaves the group (its server is killed, the others go on) and starts a sandbox of its own (a group
    of one, as every WarmSandbox outside a pool is). The shared sandbox ends when its last slot has left."""

    def __init__(self, size: int, limits: Limits = DEFAULT_LIMITS):
        import threading

        self.size, self.limits = size, limits
        self.proc: subprocess.Popen | None = None
        self.cgroup: SandboxCgroup | None = None
        self.log = None
        self.members = 0
        self._lock = threading.Lock()

    def spawn(self, slots: list[WarmSandbox] | None = None) -> list[WarmSandbox]:
        """Start the shared sandbox without waiting for it, serving `slots` (new ones by default); the
        slots wait in their own start()."""
        slots = slots or [WarmSandbox(slot, self.limits) for slot in range(self.size)]
        pairs = [socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) for _ in slots]
        self.cgroup = SandboxCgroup(self.limits.memory_bytes + WARM_BASELINE_BYTES,
                                    self.limits.processes + WARM_OVERHEAD_PROCESSES * self.size)
        outer_fd, job_fd = seccomp.filter_fd("forkserver"), seccomp.filter_fd("job")
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the last slot leaves)
        theirs = [pair[1].fileno() for pair in pairs]
        try:
            cmd = self.cgroup.enter_command(slots[0]._command(",".join(map(str, theirs)), outer_fd, job_fd))
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                         pass_fds=(*theirs, outer_fd, job_fd), start_new_session=True)
        except BaseException:
            for ours, their in pairs:
                ours.close()
            raise
        finally:
            for _, their in pairs:
                their.close()
            os.close(outer_fd)
            os.close(job_fd)
        for sandbox, (ours, _) in zip(slots, pairs):
            sandbox.group, sandbox.proc, sandbox.cgroup, sandbox.log = self, self.proc, self.cgroup, self.log
            sandbox.control, sandbox.lease, sandbox.ready = ours, lease_uid(), False
        self.members = len(slots)
        return slots

    def leave(self) -> None:
        with self._lock:
            self.members -= 1
            last = self.members <= 0
        if last:
            self.close()

    def close(self) -> None:
        if self.cgroup is not None:
            self.cgroup.kill()
        if self.proc is not None:
            kill(self.proc, None)
            self.proc = None
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.log is not None:
            self.log.close()
            self.log = None


def warm_slots(size: int, limits: Limits = DEFAULT_LIMITS) -> list[WarmSandbox]:
    """The local pool's warm sandboxes, started (not waited for). As root each slot's jobs run as a uid
    of their own, so the slots share one sandbox and one warm-up (WarmGroup). Without root they would
    share one user namespace and so one process count (RLIMIT_NPROC counts per user and namespace):
    one slot's fork bomb would starve the other's notebook. Then each slot has a sandbox of its own."""
    if size > 1 and os.geteuid() == 0:
        return WarmGroup(size, limits).spawn()
    slots = [WarmSandbox(slot, limits) for slot in range(size)]
    for slot in slots:
        slot.spawn()
    return slots
