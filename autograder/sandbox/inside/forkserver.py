"""Runs INSIDE a long-lived sandbox: a warm process that forks one fresh child per submission.

Starting Python and importing IPython, pandas and the course library takes most
of a second; grading a notebook takes milliseconds. So a worker sandbox imports
everything once, and for each job forks:

  helper (root in the sandbox)  -- new mount and PID namespaces, a fresh tmpfs /scratch
    └─ job process (PID 1 of its namespace) -- rlimits, drops to an unprivileged uid
       (or all capabilities, when the grader is not root), no_new_privs, runs the cells

The job process starts from the warm process's pristine memory (fork), never from an
earlier job: nothing a submission does (files, processes, modules, globals) reaches
the next one. When the job process ends, or is killed at the deadline, the kernel
kills every process in its PID namespace.

Protocol on stdin/stdout: one JSON line per job in, one JSON line per job out.
"""

import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

import runner  # the cold runner's cell execution (this script's folder is first on sys.path)

SCRATCH = "/scratch"  # a fresh tmpfs per job (the sandbox's only writable place)
CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 38, 24
_libc = ctypes.CDLL(None, use_errno=True)


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


def _job_process(job, limits, out_fd, result_fd, shell):
    """PID 1 of a fresh namespace: never returns."""
    code = 1
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
        os.makedirs(SCRATCH + "/work", exist_ok=True)
        os.chmod(SCRATCH + "/work", 0o777)
        os.chdir(SCRATCH + "/work")
        for name, value in (("CPU", limits["cpu_seconds"]), ("AS", limits["memory_bytes"]), ("NPROC", limits["processes"]),
                            ("FSIZE", limits["file_bytes"]), ("NOFILE", limits["open_files"]), ("CORE", 0)):
            which = getattr(resource, f"RLIMIT_{name}")
            resource.setrlimit(which, (value, value))
        _drop_privileges(limits.get("uid"))
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        result = os.fdopen(result_fd, "w", encoding="utf-8")
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


def _helper(job, limits, out_w, result_w, ctl_w, shell):
    """Root in the sandbox: make the namespaces, start the job process, wait for it. Never returns."""
    try:
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID), "unshare")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        _mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits['scratch_bytes']},mode=1777")
        pid = os.fork()
        if pid == 0:
            os.close(ctl_w)
            _job_process(job, limits, out_w, result_w, shell)
        os.write(ctl_w, f"{pid}\n".encode())
        os.close(ctl_w)
        os.close(out_w)
        os.close(result_w)
        _, status = os.waitpid(pid, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    except BaseException as exc:
        try:
            os.write(out_w, f"sandbox set-up failed: {exc}\n".encode())
        finally:
            os._exit(70)


def _read_capped(fds, caps, deadline):
    """Drain the pipes until EOF or the deadline; keep at most caps[i] bytes of each."""
    kept = {fd: [] for fd in fds}
    size = {fd: 0 for fd in fds}
    open_fds = set(fds)
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return kept, size, False
        ready, _, _ = select.select(list(open_fds), [], [], min(remaining, 1.0))
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                continue
            if size[fd] < caps[fd]:
                kept[fd].append(chunk[: caps[fd] - size[fd]])
            size[fd] += len(chunk)
    return kept, size, True


def run_job(job, limits, shell):
    out_r, out_w = os.pipe()
    result_r, result_w = os.pipe()
    ctl_r, ctl_w = os.pipe()
    helper = os.fork()
    if helper == 0:
        for fd in (out_r, result_r, ctl_r):
            os.close(fd)
        _helper(job, limits, out_w, result_w, ctl_w, shell)
    for fd in (out_w, result_w, ctl_w):
        os.close(fd)
    started = time.monotonic()
    deadline = started + limits["wall_seconds"]
    ctl = b""
    while not ctl.endswith(b"\n"):
        chunk = os.read(ctl_r, 32)
        if not chunk:
            break
        ctl += chunk
    os.close(ctl_r)
    job_pid = int(ctl) if ctl.strip().isdigit() else None
    kept, size, finished = _read_capped([out_r, result_r], {out_r: limits["stream_bytes"], result_r: limits["result_bytes"]}, deadline)
    if not finished and job_pid:
        os.kill(job_pid, signal.SIGKILL)  # PID 1 of its namespace: everything it started goes too
    os.close(out_r)
    os.close(result_r)
    _, status = os.waitpid(helper, 0)
    stream = b"".join(kept[out_r]).decode("utf-8", "replace")
    if size[out_r] > limits["stream_bytes"]:
        stream += f"\n[... {size[out_r] - limits['stream_bytes']} more bytes of output not kept]"
    response = {"stream": stream, "seconds": time.monotonic() - started, "exit": os.waitstatus_to_exitcode(status)}
    if not finished:
        response["failure"] = f"the notebook did not finish within {limits['wall_seconds']:g} seconds (an endless loop?)"
    elif size[result_r] > limits["result_bytes"]:
        response["failure"] = "the answers are too large to grade"
    else:
        response["result"] = b"".join(kept[result_r]).decode("utf-8", "replace")
    return response


def main():
    # Warm up: everything a notebook of this course imports, loaded once.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401

    import considerations
    from considerations import load_claims, load_considerations, load_readings, load_timeline

    for loader in (load_claims, load_considerations, load_readings, load_timeline):
        loader()
    considerations.load_sources()
    shell = runner.make_shell()
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        response = run_job(request["job"], request["limits"], shell)
        out.write(json.dumps(response) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
