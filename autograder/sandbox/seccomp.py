"""The sandbox's system-call filter, built on the host with libseccomp (pyseccomp).

Allow by default, refuse (EPERM) only what no notebook needs and an attacker would:
new namespaces (a user namespace gives uid 0 and mounts inside it), mounts, the
kernel keyring (keys outlive the sandbox), ptrace and other processes' memory, BPF,
perf, kexec, kernel modules, userfaultfd, io_uring, personality. clone3 gets ENOSYS
(its flags sit in memory a filter cannot read), so libc falls back to clone, whose
namespace flags are checked.

Two variants: `job` for the process that runs student code (cold: given to bwrap
with --seccomp; warm: installed by the forkserver in each job process), and
`forkserver`, which still lets the trusted warm process make each job's mount, PID
and IPC namespaces; the job's own `job` filter stacks on top of it.
"""

from __future__ import annotations

import errno
import functools
import os

NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000, "CLONE_NEWTIME": 0x00000080,
}
ALWAYS_DENIED = [
    "setns", "keyctl", "add_key", "request_key", "ptrace", "process_vm_readv", "process_vm_writev",
    "bpf", "perf_event_open", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "personality",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "pivot_root", "chroot",
    "mount_setattr", "umount2", "name_to_handle_at", "open_by_handle_at", "acct", "swapon", "swapoff",
    "reboot", "syslog", "quotactl", "lookup_dcookie", "add_key",
]
JOB_ONLY_DENIED = ["mount"]  # the forkserver mounts each job's /proc and /scratch


def _build(variant: str) -> bytes:
    import tempfile

    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    filt = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in dict.fromkeys(ALWAYS_DENIED + (JOB_ONLY_DENIED if variant == "job" else [])):
        try:
            filt.add_rule(deny, name)
        except (OSError, ValueError, RuntimeError):  # a call this kernel/libseccomp does not know
            continue
    filt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    flags = dict(NAMESPACE_FLAGS)
    if variant == "forkserver":  # what the forkserver unshares for each job
        for name in ("CLONE_NEWNS", "CLONE_NEWPID", "CLONE_NEWIPC"):
            flags.pop(name)
    for flag in flags.values():
        filt.add_rule(deny, "unshare", sc.Arg(0, sc.MASKED_EQ, flag, flag))
        filt.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    with tempfile.TemporaryFile() as f:
        filt.export_bpf(f)
        f.seek(0)
        return f.read()


@functools.lru_cache(maxsize=2)
def bpf(variant: str = "job") -> bytes:
    """The compiled filter (classic BPF, as bwrap --seccomp and PR_SET_SECCOMP take it)."""
    return _build(variant)


def filter_fd(variant: str = "job") -> int:
    """A readable descriptor holding the filter (for bwrap --seccomp FD); the caller closes it."""
    fd = os.memfd_create(f"autograder-seccomp-{variant}")
    data = bpf(variant)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
