"""Sandbox user ids that no two running sandboxes share, across grading runs and Dask workers.

When the grader is root, each sandbox runs its student code as an unprivileged uid
of its own: RLIMIT_NPROC counts processes per uid, so two sandboxes sharing a uid
would let one's process hog make `fork` fail in the other. A uid is leased by
holding an exclusive flock on /run/autograder/uids/<uid>.lock (root-only folder);
the kernel drops the lock when the holder closes it or dies, so a crashed run never
leaks uids. Without root, sandboxes run in a user namespace as the invoking user and
no lease is needed (`lease_uid` returns None).
"""

from __future__ import annotations

import fcntl
import os
import random
from pathlib import Path

UID_BASE = 61000
UID_COUNT = 2000
LEASE_DIR = Path("/run/autograder/uids")


class UidLease:
    def __init__(self, uid: int, fd: int):
        self.uid = uid
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def __del__(self):
        self.release()


def lease_uid(lease_dir: Path = LEASE_DIR) -> UidLease | None:
    """A uid no other live sandbox on this machine holds (None when not root: not needed)."""
    if os.geteuid() != 0:
        return None
    lease_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    start = random.randrange(UID_COUNT)  # concurrent runs rarely probe the same files
    for step in range(UID_COUNT):
        uid = UID_BASE + (start + step) % UID_COUNT
        fd = os.open(lease_dir / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return UidLease(uid, fd)
    raise RuntimeError(f"all {UID_COUNT} sandbox uids from {UID_BASE} are in use")
