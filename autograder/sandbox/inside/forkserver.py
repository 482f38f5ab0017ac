"""Runs INSIDE a long-lived sandbox: a warm process that forks one fresh job per submission.

Starting Python and importing IPython, pandas and the course library takes most
of a second; grading a notebook takes milliseconds. So a worker sandbox imports
everything once, and for each job forks:

  helper (root in the sandbox)  -- new mount, PID and IPC namespaces, a fresh tmpfs /scratch
    └─ job process (PID 1 of its namespace) -- closes every inherited descriptor, rlimits,
       drops to an unprivileged uid (or all capabilities, when the grader is not root),
       no_new_privs, the job seccomp filter, then runs the cells (runner.execute)

The job process starts from the warm process's pristine memory (fork), never from an
earlier job: nothing a submission does (files, processes, modules, globals, SysV IPC
objects) reaches the next one. When the job process ends, or is killed at the deadline,
the kernel kills every process in its PID namespace and frees its IPC namespace.

Protocol, on the control socket (AUTOGRADER_CONTROL_FD, SOCK_SEQPACKET): this process
sends {"ready": true, "pid": its pid in the sandbox}; then per job the host sends {"limits": {...}, "uid": n|null}
with three descriptors (the job's stdin, its output pipe, its result pipe); this
process answers {"helper": pid}, the host moves that process into the job's cgroup and
sends {"go": true}, and this process answers {"exit": code, "timed_out": bool} when the
job has ended. The job's
data never passes through here: the host reads the pipes itself, with its caps.
With several control sockets (AUTOGRADER_CONTROL_FD="3,4"), the warm-up is done once and a
server process per socket is forked from it (`_serve_slots`): the same protocol on each.
"""

import ctypes
import gc
import json
import os
import resource
import select
import signal
import socket
import sys
import time

import runner  # the cold runner's cell execution (this script's folder is first on sys.path)

SCRATCH = "/scratch"  # a fresh tmpfs per job (the sandbox's only writable place)
CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWIPC = 0x00020000, 0x20000000, 0x08000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 24, 22, 2
RESULT_FD = 3  # where the job's result pipe sits (runner.main's default)
_libc = ctypes.CDLL(None, use_errno=True)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), flags,
                       data and data.encode()), f"mount {target}")


def _drop_privileges(uid):
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # leaving uid 0 clears every capability
    else:
        for cap in range(64):  # not root on the host: drop what the user namespace gave us
            _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        header = (ctypes.c_uint32 * 2)(0x20080522, 0)
        data = (ctypes.c_uint32 * 6)()
        _check(_libc.capset(header, data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _install_seccomp(program):
    """Load a classic-BPF filter (exported on the host by libseccomp); needs no_new_privs."""
    if not program:
        return
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.addressof(buffer))
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")


def _job_process(limits, uid, fds, shell, program):
    """PID 1 of a fresh namespace: never returns."""
    code = 1
    job_r, out_w, result_w = fds
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
        with open("/proc/self/oom_score_adj", "w") as f:  # over the memory budget, the job dies, not the forkserver
            f.write("1000")
        os.makedirs(SCRATCH + "/work", exist_ok=True)
        os.chmod(SCRATCH + "/work", 0o777)
        os.chdir(SCRATCH + "/work")
        # Exactly four descriptors: job in, output (stdout and stderr), results. Nothing of the
        # forkserver's (its control socket, its log) or an earlier job's is reachable.
        os.dup2(job_r, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        os.dup2(result_w, RESULT_FD)
        os.closerange(RESULT_FD + 1, 1 << 16)
        for name, value in (("CPU", limits["cpu_seconds"]), ("AS", limits["memory_bytes"]),
                            ("NPROC", limits["processes"]), ("FSIZE", limits["file_bytes"]),
                            ("NOFILE", limits["open_files"]), ("CORE", 0)):
            which = getattr(resource, f"RLIMIT_{name}")
            resource.setrlimit(which, (value, value))
        _drop_privileges(uid)
        _install_seccomp(program)
        parts = []
        while chunk := os.read(0, 1 << 20):
            parts.append(chunk)
        job = json.loads(b"".join(parts))
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        result = os.fdopen(RESULT_FD, "w", encoding="utf-8")
        sys.stdout = os.fdopen(1, "w", encoding="utf-8", errors="replace", closefd=False)
        sys.stderr = sys.stdout
        runner.execute(job, result, shell)
        code = 0
    except BaseException as exc:  # report set-up failures on the output pipe
        try:
            os.write(2, f"sandbox job failed: {type(exc).__name__}: {exc}\n".encode())
        except OSError:
            pass
    finally:
        os._exit(code)


def _helper(limits, uid, fds, pid_w, go_r, shell, program):
    """Root in the sandbox: make the namespaces, start the job process, wait for it. Never returns."""
    try:
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC), "unshare")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        _mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits['scratch_bytes']},mode=1777")
        # Wait until the host has put this process into the job's own cgroup: the job (and all it
        # starts) is then charged to, and killed through, that cgroup.
        if os.read(go_r, 1) != b"g":
            os._exit(71)
        os.close(go_r)
        pid = os.fork()
        if pid == 0:
            os.close(pid_w)
            _job_process(limits, uid, fds, shell, program)
        os.write(pid_w, f"{pid}\n".encode())
        os.close(pid_w)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
    except BaseException as exc:
        try:
            os.write(fds[1], f"sandbox set-up failed: {exc}\n".encode())
        finally:
            os._exit(70)


def run_job(control, limits, uid, fds, shell, program):
    """Start one job and wait for it until its deadline; returns the answer for the host."""
    pid_r, pid_w = os.pipe()
    go_r, go_w = os.pipe()
    started = time.monotonic()
    helper = os.fork()
    if helper == 0:
        os.close(pid_r)
        os.close(go_w)
        _helper(limits, uid, fds, pid_w, go_r, shell, program)
    os.close(pid_w)
    os.close(go_r)
    for fd in fds:  # only the job holds its pipes now: the host sees EOF when the job's processes end
        os.close(fd)
    # The host finds the helper by this (sandbox) pid, moves it into the job's cgroup and says go.
    control.send(json.dumps({"helper": helper}).encode())
    reply = control.recv(1 << 16)
    if reply:
        os.write(go_w, b"g")
    os.close(go_w)  # no go (the host is gone): the helper reads EOF and exits
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(pid_r, 32)
        if not chunk:
            break
        line += chunk
    os.close(pid_r)
    job_pid = int(line) if line.strip().isdigit() else None
    pidfd = os.pidfd_open(helper)
    timed_out = not select.select([pidfd], [], [], max(0.0, started + limits["wall_seconds"] - time.monotonic()))[0]
    os.close(pidfd)
    if timed_out:
        for pid in (job_pid, helper):  # the job is PID 1 of its namespace: everything it started goes too
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:  # already gone; the host's cgroup kill is the backstop anyway
                    pass
    _, status = os.waitpid(helper, 0)
    code = os.waitstatus_to_exitcode(status)
    if 128 < code < 128 + 65:  # the helper passes on "the job was killed by signal N" as 128 + N
        code = 128 - code
    return {"exit": code, "timed_out": timed_out}


def _serve(control, shell, program):
    """One slot: a job at a time, on this control socket."""
    control.send(json.dumps({"ready": True, "pid": os.getpid()}).encode())
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 3)
        if not message:
            return  # the host closed the socket: grading is over
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            control.send(json.dumps({"error": "a job needs three descriptors"}).encode())
            continue
        request = json.loads(message)
        response = run_job(control, request["limits"], request.get("uid"), fds, shell, program)
        control.send(json.dumps(response).encode())


def _serve_slots(controls, shell, program):
    """Several slots from one warm-up: a server process per slot, forked from the warm heap (the
    imports are paid once for all of a grading run's workers). This process only waits: it is the
    sandbox's command, and its end would end every slot, so the host ends a broken slot by killing
    that slot's server, never this one."""
    servers = []
    for control in controls:
        pid = os.fork()
        if pid == 0:
            for other in controls:
                if other is not control:
                    other.close()
            code = 0
            try:
                _serve(control, shell, program)
            except BaseException as exc:  # noqa: BLE001 (said in the sandbox's log; the host sees the socket close)
                print(f"slot server failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
                code = 1
            os._exit(code)
        servers.append(pid)
    for control in controls:
        control.close()
    for pid in servers:
        os.waitpid(pid, 0)


def main():
    controls = [socket.socket(fileno=int(fd)) for fd in os.environ["AUTOGRADER_CONTROL_FD"].split(",")]
    seccomp_fd = os.environ.get("AUTOGRADER_JOB_SECCOMP_FD")
    program = b""
    if seccomp_fd:
        with os.fdopen(int(seccomp_fd), "rb") as f:
            program = f.read()
    gc.disable()  # the warm-up's objects all live on (see the freeze below): no collections while making them
    # Warm up: everything a notebook of this course imports, loaded once (each notebook's first
    # cell imports considerations.checks; a Checker itself caches nothing). Not matplotlib: no
    # course notebook (exercises/outlines, exercises/source) imports it, and it was ~0.55 s of the
    # ~1.2 s start-up CPU of every warm sandbox; a student who plots pays ~1 s in that notebook.
    import pandas  # noqa: F401

    import considerations
    import considerations.checks  # noqa: F401
    from considerations import load_claims, load_considerations, load_readings, load_timeline

    for loader in (load_claims, load_considerations, load_readings, load_timeline):
        loader()
    considerations.load_sources()
    shell = runner.make_shell()
    # What IPython sets up on its first cell (two lazy imports, the logger, the input transformers'
    # regular expressions), done here without running a cell: the shell's namespace stays untouched.
    import bdb  # noqa: F401
    import pandas.io.formats.string  # noqa: F401  (a DataFrame's text)

    shell.logger  # noqa: B018
    shell.transform_cell("answer = 1\n")
    # A cell that raises (every unanswered question does) has IPython format its traceback, which
    # imports ~34 modules (stack_data, executing, asttokens, pygments...) on first use: ~80 ms in
    # every job that had an error. Formatting one here, outside any cell, loads them once.
    try:
        raise NotImplementedError("warm-up")
    except NotImplementedError:
        shell.InteractiveTB.structured_traceback(*sys.exc_info())
    # Everything above lives as long as this process: out of the collector's sight, a job's first
    # collection does not write to (copy on write) every page of the inherited heap.
    gc.collect()
    gc.freeze()
    gc.enable()  # each job collects its own garbage as usual
    if len(controls) == 1:
        _serve(controls[0], shell, program)
    else:
        _serve_slots(controls, shell, program)


if __name__ == "__main__":
    main()
