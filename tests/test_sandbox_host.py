"""The sandbox's host side, piece by piece, without bubblewrap: the record reader and its caps, the
one deadline, the seccomp filter, the cgroup fallback, uid leases, and the runner's plain-data copy."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.sandbox import Limits, cgroups, seccomp
from autograder.sandbox.bwrap import INSIDE
from autograder.sandbox.protocol import NOT_ENDED, JobReader, pump
from autograder.sandbox.uids import lease_uid

SMALL = Limits(result_bytes=2000, stream_bytes=100, cell_output_chars=50)


def lines(*records) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_a_stopped_run_keeps_the_answers_of_the_finished_cells_and_names_the_running_one():
    started = []
    reader = JobReader(SMALL, ["q1", "q2"], ["q1_cell", "q2_cell"], on_cell=started.append)
    reader.feed_result(lines({"start": 0}, {"cell": 0, "output": "x" * 500, "truncated": 0, "error": None},
                             {"answer": "q1", "value": [1, 2]}, {"start": 1}))
    result = reader.result(timed_out=True, returncode=None, seconds=1.0)
    assert not result.ok and "did not finish" in result.failure and result.failed_cell == "q2_cell"
    assert result.answers == {"q1": [1, 2]} and "q2_cell" in result.missing["q2"]
    assert started == ["q1_cell", "q2_cell"] and len(result.cells[0]["output"]) == 50


def test_forged_records_cannot_add_names_nan_or_too_deep_answers():
    reader = JobReader(Limits(), ["q1", "q2"])
    deep: list = []
    for _ in range(30):
        deep = [deep]
    reader.feed_result(lines({"answer": "not_a_question", "value": 1}, {"answer": "q2", "value": deep}, {"done": True}))
    result = reader.result(timed_out=False, returncode=0, seconds=0.1)
    assert result.ok and result.answers == {} and "nested" in result.missing["q2"] and "q1" in result.missing
    nan = JobReader(Limits(), ["q1"])
    nan.feed_result(b'{"answer": "q1", "value": NaN}\n{"done": true}\n')
    assert "damaged" in nan.result(timed_out=False, returncode=0, seconds=0.1).failure


def test_the_answer_cap_is_enforced_on_bytes_and_keeps_what_came_before():
    reader = JobReader(SMALL, ["early", "late"])
    reader.feed_result(lines({"answer": "early", "value": 1}))
    reader.feed_result(b'{"answer": "late", "value": "' + b"y" * 10_000)
    reader.feed_result(b'"}\n' + lines({"done": True}))
    reader.feed_stream(b"z" * 1000)
    result = reader.result(timed_out=False, returncode=0, seconds=0.1)
    assert not result.ok and "too large" in result.failure
    assert result.answers == {"early": 1} and reader.result_size > SMALL.result_bytes
    assert result.stream.startswith("z" * 100) and "900 more bytes" in result.stream


def test_one_deadline_whatever_the_job_does_with_its_descriptors():
    # Closes stdout and the result pipe at once, then sleeps: the pipes are at EOF, the process lives.
    proc = subprocess.Popen(["sh", "-c", "exec 1>&- 2>&- 3>&-; sleep 30"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=())
    result_r, result_w = os.pipe()
    os.close(result_w)
    pidfd = os.pidfd_open(proc.pid)
    started = time.monotonic()
    try:
        finished, _ = pump(JobReader(Limits(), []), job=b"{}", job_fd=os.dup(proc.stdin.fileno()),
                           out_fd=proc.stdout.fileno(), result_fd=result_r, exit_fd=pidfd,
                           read_exit=lambda: proc.poll() if proc.poll() is not None else NOT_ENDED,
                           deadline=started + 1.5)
        seconds = time.monotonic() - started
    finally:
        proc.kill()
        proc.wait()
        os.close(pidfd)
        os.close(result_r)
        proc.stdin.close()
        proc.stdout.close()
    print(f"\nclose-then-sleep against a 1.5 s deadline: {seconds:.2f} s")
    assert not finished and 1.4 < seconds < 3


def _filtered(code: str, variant: str = "job") -> dict:
    """Run `code` (which sets `answer`) in a child Python with the seccomp filter loaded."""
    script = (f"import sys, json, ctypes\nsys.path.insert(0, {str(INSIDE)!r})\nimport forkserver\n"
              "ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)\n"
              "forkserver._install_seccomp(open(sys.argv[1], 'rb').read())\n" + code +
              "\nprint(json.dumps(answer))")
    path = Path(f"/tmp/autograder-seccomp-test-{os.getpid()}-{variant}.bpf")
    path.write_bytes(seccomp.bpf(variant))
    try:
        out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60)
    finally:
        path.unlink()
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_the_seccomp_filter_refuses_namespaces_and_the_keyring_and_lets_fork_through():
    got = _filtered(
        "libc = ctypes.CDLL(None, use_errno=True)\nimport os\nanswer = {}\n"
        "for name, flag in (('user', 0x10000000), ('net', 0x40000000), ('mount', 0x00020000), ('files', 0x400)):\n"
        "    answer[name] = 0 if libc.unshare(flag) == 0 else ctypes.get_errno()\n"
        "answer['keyctl'] = 0 if libc.syscall(250, 0, -3, 0) >= 0 else ctypes.get_errno()\n"
        "pid = os.fork()\nif pid == 0:\n    os._exit(0)\nanswer['fork'] = os.waitpid(pid, 0)[1]")
    assert got == {"user": errno.EPERM, "net": errno.EPERM, "mount": errno.EPERM, "files": 0,
                   "keyctl": errno.EPERM, "fork": 0}
    # The forkserver's variant still lets it make each job's mount namespace (root only: EPERM otherwise).
    outer = _filtered("libc = ctypes.CDLL(None, use_errno=True)\n"
                      "answer = {'user': 0 if libc.unshare(0x10000000) == 0 else ctypes.get_errno()}", "forkserver")
    assert outer == {"user": errno.EPERM}


def test_without_cgroups_the_sandbox_falls_back_to_rlimits_with_one_warning(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cgroups, "CGROUP_ROOT", tmp_path)  # no controllers mounted here
    monkeypatch.setattr(cgroups, "_run_parent", None)
    monkeypatch.setattr(cgroups, "_warned", False)
    first, second = cgroups.SandboxCgroup(10**9, 32), cgroups.SandboxCgroup(10**9, 32)
    assert not first and not second and not cgroups.available()
    assert first.enter_command(["true"]) == ["true"]
    first.kill()
    first.remove()
    warnings = [line for line in capsys.readouterr().err.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "rlimits" in warnings[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="uids are leased only when grading as root")
def test_a_held_uid_is_locked_until_released(tmp_path):
    import fcntl

    first = lease_uid(tmp_path)
    others = [lease_uid(tmp_path) for _ in range(5)]
    assert first.uid not in {lease.uid for lease in others}
    fd = os.open(tmp_path / f"{first.uid}.lock", os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):  # another run (another process) could not take it
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        first.release()
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released: free for the next run
    finally:
        os.close(fd)
        for lease in others:
            lease.release()


def test_the_runner_copies_numpy_numbers_as_plain_numbers_and_refuses_lookalikes():
    sys.path.insert(0, str(INSIDE))
    try:
        import numpy as np
        import runner
    finally:
        sys.path.remove(str(INSIDE))
    assert runner.to_plain({"n": np.int64(4), "x": [np.float64(0.25), np.bool_(False)]}) == \
        {"n": 4, "x": [0.25, False]}
    assert type(runner.to_plain(np.int64(4))) is int
    with pytest.raises(runner.NotPlainData):
        runner.to_plain(np.float64("nan"))
    with pytest.raises(runner.NotPlainData):
        runner.to_plain(np.array([1, 2]))

    class Sneaky(str):
        def __eq__(self, other):
            return True

    with pytest.raises(runner.NotPlainData):
        runner.to_plain(Sneaky("x"))


def test_the_filters_are_whole_bpf_programs():
    # PR_SET_SECCOMP (the forkserver) and bwrap --seccomp take whole 8-byte sock_filter entries.
    for variant in ("job", "forkserver"):
        program = seccomp.bpf(variant)
        assert program and len(program) % 8 == 0
    assert seccomp.bpf("job") != seccomp.bpf("forkserver")


def test_a_missing_sandbox_fails_when_required_and_skips_otherwise(monkeypatch):
    from helpers import sandbox as sandbox_support

    monkeypatch.setattr(sandbox_support, "sandbox_available", lambda: "bubblewrap (`bwrap`) is not installed")
    monkeypatch.setenv("AUTOGRADER_REQUIRE_SANDBOX", "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        sandbox_support.require_sandbox()
    monkeypatch.delenv("AUTOGRADER_REQUIRE_SANDBOX")
    with pytest.raises(pytest.skip.Exception):
        sandbox_support.require_sandbox()
