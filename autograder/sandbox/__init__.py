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

Layout: the host side is `bwrap` (command line), `protocol` (limits, job and result
schema, failure messages), `cold` (one bwrap per notebook) and `warm` (the client of
a long-lived sandbox); everything under `inside/` runs under bubblewrap
(`runner.py` executes the cells, `forkserver.py` is the warm sandbox's process).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from autograder.sandbox.bwrap import SandboxUnavailable, sandbox_available
from autograder.sandbox.cold import run_in_sandbox
from autograder.sandbox.protocol import Limits, RunResult
from autograder.sandbox.warm import WarmSandbox

__all__ = ["Limits", "RunResult", "SandboxUnavailable", "WarmSandbox", "run_in_sandbox", "sandbox_available",
           "sandbox_fingerprint"]

_PACKAGE = Path(__file__).resolve().parent


def sandbox_fingerprint(limits: Limits) -> str:
    """A hash of every file of this package and of the limits: a change to either means re-running."""
    digest = hashlib.sha256()
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
        digest.update(path.read_bytes())
    digest.update(repr(sorted(limits.to_dict().items())).encode())
    return digest.hexdigest()
