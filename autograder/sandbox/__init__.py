"""Run a submission's code in a bubblewrap sandbox and get its answers back as data.

The sandbox (bwrap, from Debian's `bubblewrap`) gives the student's code:
- no network (own network namespace, loopback only, nothing listening);
- a view of the file system limited to the system, Python and the course
  library (read-only) plus a size-limited scratch tmpfs: no course folder, no
  gradebook, no keys, no other student's work, no home directory;
- its own PID and IPC namespaces: every process and SysV IPC object it makes dies
  with the notebook; no descriptor but its own pipes;
- a seccomp filter: no new namespaces, mounts, kernel keyring, ptrace, BPF, ...;
- one memory and process budget for the whole notebook (cgroups, where writable),
  rlimits per process, and (as root) an unprivileged uid no other running sandbox has;
- one wall-clock deadline enforced from outside (every process is killed).
Output and answers are read from outside with caps. A run stopped at some cell keeps
the answers of the cells before it (RunResult.failed_cell names the cell).

Layout, host side: `bwrap` (the command line: binds, environment), `protocol` (limits,
job and record schema, the capped reader and its one deadline, failure messages),
`cold` (one bwrap per notebook), `warm` (the client of a long-lived sandbox; WarmGroup: one
sandbox and one warm-up serving several workers),
`cgroups`, `seccomp` and `uids` (the budgets). Everything under `inside/` runs under
bubblewrap: `runner.py` executes the cells, `forkserver.py` is the warm sandbox's process.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from autograder.sandbox.bwrap import SandboxUnavailable, sandbox_available
from autograder.sandbox.cold import run_in_sandbox
from autograder.sandbox.protocol import Limits, RunResult
from autograder.sandbox.warm import WarmGroup, WarmSandbox, warm_slots

__all__ = ["Limits", "RunResult", "SandboxUnavailable", "WarmGroup", "WarmSandbox", "run_in_sandbox", "sandbox_available", "warm_slots",
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
