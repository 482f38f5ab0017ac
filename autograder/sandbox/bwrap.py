"""Building the bubblewrap command line: namespaces, the read-only view, scratch, environment.

One place for what a sandbox can see, used by the cold and the warm sandbox alike.
The course library the sandbox imports is the one the host imported: its folder is
bound at /opt/autograder/lib/considerations and put first on PYTHONPATH, and its
data folder is named by CONSIDERATIONS_DATA, so an editable install pointing at
another checkout cannot make the sandbox import (or fail to find) a different copy. That folder is
the student copy of the data (considerations/student_data.py), so submitted code finds there no
more than a student's own install has: no voices, directions or accepted alternatives.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import considerations
from considerations.student_data import student_data_dir

from autograder.sandbox.protocol import Limits

INSIDE = Path(__file__).resolve().with_name("inside")  # what runs under bwrap (bound read-only)
INSIDE_MOUNT = "/opt/autograder/inside"
LIB_MOUNT = "/opt/autograder/lib"
SCRATCH = "/scratch"  # the only writable place in a sandbox (a size-limited tmpfs, new per notebook)


class SandboxUnavailable(RuntimeError):
    pass


def bwrap_path() -> str:
    exe = shutil.which("bwrap")
    if not exe:
        raise SandboxUnavailable(sandbox_available() or "bwrap missing")
    return exe


@functools.lru_cache(maxsize=1)
def _probe() -> str | None:
    exe = shutil.which("bwrap")
    if not exe:
        return "bubblewrap (`bwrap`) is not installed; on Debian: apt-get install bubblewrap"
    # The options every sandbox needs (a bwrap older than 0.8 lacks --disable-userns): refusing here,
    # with bwrap's reason, beats every notebook failing later.
    from autograder.sandbox import seccomp

    user = [] if os.geteuid() == 0 else ["--unshare-user", "--disable-userns"]
    try:
        filter_fd = seccomp.filter_fd("job")
    except (OSError, ImportError) as exc:
        return f"the sandbox's system-call filter cannot be built here (libseccomp, pyseccomp): {exc}"
    try:
        probe = subprocess.run(
            [exe, *user, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
             "--seccomp", str(filter_fd), "--", "/bin/true"],
            capture_output=True, text=True, pass_fds=(filter_fd,),
        )
    finally:
        os.close(filter_fd)
    if probe.returncode != 0:
        return f"bwrap cannot create a sandbox here: {probe.stderr.strip()[:200]}"
    return None


def sandbox_available() -> str | None:
    """None when bwrap works here, else the reason it does not (probed once per process)."""
    return _probe()


def _parents(path: Path) -> list[str]:
    return [str(parent) for parent in reversed(path.parents) if str(parent) != "/"]


def _library() -> Path:
    return Path(considerations.__file__).resolve().parent


def _read_only_paths() -> list[Path]:
    """What the sandbox may read at its own path: Python, the venv's packages and the course data."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    paths.add(student_data_dir())  # the student copy of the data: what students' own install has
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


def sandbox_env() -> dict[str, str]:
    """The whole environment of the code inside (nothing is inherited from the grader)."""
    return {
        "HOME": f"{SCRATCH}/work", "TMPDIR": SCRATCH,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "PYTHONPATH": LIB_MOUNT, "CONSIDERATIONS_DATA": str(student_data_dir()),
        "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": SCRATCH,
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
    }


def base_command(limits: Limits) -> list[str]:
    """bwrap options shared by cold and warm sandboxes: namespaces, read-only views, scratch, environment."""
    cmd = [bwrap_path(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
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
    lib = _library()
    cmd += ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/opt/autograder",
            "--ro-bind", str(INSIDE), INSIDE_MOUNT,
            "--perms", "0755", "--dir", LIB_MOUNT, "--ro-bind", str(lib), f"{LIB_MOUNT}/considerations"]
    if (lib.parent / "course.toml").is_file():  # the checkout's course settings (book URL) the library reads
        cmd += ["--ro-bind", str(lib.parent / "course.toml"), f"{LIB_MOUNT}/course.toml"]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            # bwrap's /dev is a tmpfs without a size limit, writable by the sandbox's uid when the grader
            # is not root (and /dev/shm with it): read-only, its device nodes still work.
            "--remount-ro", "/dev",
            "--remount-ro", "/tmp",
            "--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", SCRATCH,
            "--perms", "0777", "--dir", f"{SCRATCH}/work", "--chdir", f"{SCRATCH}/work",
            # bwrap's root is an unlimited tmpfs whose folders belong to the sandbox's uid 0 (which a
            # warm job is, without root on the host): read-only, so /scratch stays the only writable place.
            "--remount-ro", "/",
            "--clearenv"]
    for key, value in sandbox_env().items():
        cmd += ["--setenv", key, value]
    return cmd
