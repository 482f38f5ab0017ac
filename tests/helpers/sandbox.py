"""Shared by the sandbox test modules: the bwrap check (once per session) and host-state probes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.sandbox import cgroups, sandbox_available
from autograder.sandbox.uids import UID_BASE, UID_COUNT

ATTACKS = Path(__file__).resolve().parent.parent / "fixtures" / "attacks"


def require_sandbox() -> None:
    """Skip without bubblewrap, except under AUTOGRADER_REQUIRE_SANDBOX=1 (make test, CI): then fail."""
    problem = sandbox_available()  # probed once per process (cached)
    if problem:
        if os.environ.get("AUTOGRADER_REQUIRE_SANDBOX") == "1":
            pytest.fail(f"the sandbox is required here (AUTOGRADER_REQUIRE_SANDBOX=1) but: {problem}")
        pytest.skip(f"no sandbox: {problem}")


def attack(name: str, **values) -> str:
    """An attack fixture's code, with its placeholders (e.g. HOLD_SECONDS) filled in."""
    code = (ATTACKS / f"{name}.py").read_text()
    for key, value in values.items():
        code = code.replace(key, repr(value))
    return code


def host_state() -> dict:
    """What a sandbox must not leave behind on the host: IPC objects, job cgroups, kernel keys."""
    state = {name: sandbox_ipc(name) for name in ("shm", "sem", "msg")}
    state["job_cgroups"] = sorted(str(job) for parent in cgroups.run_parents().values() for job in parent.iterdir()
                                  if job.is_dir())
    state["sandbox_uid_keys"] = sandbox_uid_keys()
    return state


def _sandbox_uids() -> range:
    """The uids a sandbox's code runs as on the host: the leased range as root, else the grader's own."""
    return range(UID_BASE, UID_BASE + UID_COUNT) if os.geteuid() == 0 else range(os.geteuid(), os.geteuid() + 1)


def sandbox_ipc(kind: str) -> list[str]:
    """The host's SysV IPC objects owned by a sandbox uid (others', e.g. a browser's, are not ours to judge)."""
    lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
    header = lines[0].split()
    uids = _sandbox_uids()
    return sorted(line for line in lines[1:] if int(line.split()[header.index("uid")]) in uids)


def sandbox_uid_keys() -> list[str]:
    """Kernel key users among the sandbox uids (/proc/key-users): none, ever."""
    try:
        lines = Path("/proc/key-users").read_text().splitlines()
    except OSError:
        return []
    return [line for line in lines if UID_BASE <= int(line.split(":")[0]) < UID_BASE + UID_COUNT]
