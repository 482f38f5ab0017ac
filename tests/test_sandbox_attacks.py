"""Sandbox-level attacks (issue 9): each is refused or bounded, leaves nothing on the host or for the
next job, costs at most its time limit (printed), and the honest job next to it still works.

Every attack runs in both sandboxes: cold (one bwrap per notebook) and warm (forkserver).
"""

from __future__ import annotations

import errno
import threading
import time

import pytest
from helpers.sandbox import attack, host_state, require_sandbox

from autograder.sandbox import Limits, WarmSandbox, cgroups, run_in_sandbox, warm_slots

pytestmark = pytest.mark.sandbox
LIMITS = Limits(wall_seconds=20)
HONEST = ("answer = sum(range(10))",)


@pytest.fixture(scope="module")
def warm_pool():
    pool: dict[str, WarmSandbox] = {}
    yield pool
    for sandbox in pool.values():
        sandbox.close()


POOL_SLOTS = ("main", "hog")  # `autograder grade --workers 2`: as root, two slots of one shared warm sandbox


@pytest.fixture(params=["cold", "warm", "pool"])
def run(request, warm_pool):
    """run(*cells, answers=..., limits=...) -> (RunResult, seconds), in a cold sandbox, a warm sandbox of
    its own, or a slot of the local pool's warm sandboxes (warm_slots: as root a WarmGroup), whose
    other slot is `sandbox="hog"`."""
    require_sandbox()
    mode = request.param

    def runner(*cells, answers=("answer",), limits=LIMITS, sandbox="main"):
        started = time.monotonic()
        if mode in ("warm", "pool"):
            name = f"{mode}:{sandbox}"
            if mode == "pool" and name not in warm_pool:
                warm_pool.update(zip((f"pool:{slot}" for slot in POOL_SLOTS), warm_slots(2, LIMITS)))
            warm = warm_pool.get(name)
            if warm is None:
                warm = warm_pool[name] = WarmSandbox(limits=LIMITS)
            warm.start()  # (re)start-up is not the notebook's time: a no-op when it is running
            started = time.monotonic()
            result = warm.run(list(cells), list(answers), limits)
        else:
            result = run_in_sandbox(list(cells), list(answers), limits)
        return result, time.monotonic() - started

    runner.mode = mode
    return runner


@pytest.fixture
def clean_host(warm_pool):
    """The host's IPC objects and the sandbox uids' kernel keys are unchanged, and the only job cgroups
    left are those of the warm sandboxes still open (each cold run removes its own)."""
    before = host_state()
    yield
    after = host_state()
    live = {str(path) for sandbox in warm_pool.values() if sandbox.cgroup for path in sandbox.cgroup.paths.values()}
    assert set(after.pop("job_cgroups")) <= live
    before.pop("job_cgroups")
    assert after == before


def honest_still_works(run):
    result, seconds = run(*HONEST)
    assert result.ok and result.answers == {"answer": 45}, (result.failure, result.stream)
    return seconds


def report(name, run, seconds):
    print(f"\n[{run.mode}] {name}: the hostile job cost {seconds:.2f} s")


@pytest.fixture
def needs_cgroups():
    """Checked when the test runs, not at import: finding out makes this run's parent cgroup."""
    if not cgroups.available():
        pytest.skip("no writable cgroups v1 here (not root, no delegation): memory is limited per process only, "
                    "see README")


def test_sysv_shared_memory_is_within_the_budget_and_gone_for_the_next_job(run, needs_cgroups, clean_host):
    result, seconds = run(attack("sandbox_ipc_objects"), attack("sandbox_sysv_shm_hog"), answers=("ipc", "answer"))
    report("SysV shm hog", run, seconds)
    made = result.answers["ipc"]  # the first cell's answer survives the second cell's end
    assert made["semid"] >= 0 and made["msqid"] >= 0 and made["sent"] == 0, made
    touched = result.answers.get("answer", {}).get("touched_gib", 0)
    assert touched * (1 << 30) <= LIMITS.memory_bytes, result.answers  # never more than the sandbox's budget
    assert not result.ok or touched < 2
    probe, _ = run(attack("sandbox_ipc_leftover_probe"))
    assert probe.ok and probe.answers["answer"] == {"shm": 0, "sem": 0, "msg": 0}, probe.answers
    honest_still_works(run)


def test_forked_processes_share_one_memory_budget(run, needs_cgroups, clean_host):
    result, seconds = run(attack("sandbox_forked_allocations"))
    report("forked 1 GiB allocations", run, seconds)
    # Each child alone is under RLIMIT_AS; holding 1 GiB at the same time, at most one fits in 1.5 GB.
    assert result.answers.get("answer", 0) <= 1, (result.answers, result.failure)
    honest_still_works(run)


def test_no_user_namespace_and_no_mounts(run, clean_host):
    result, seconds = run(attack("sandbox_userns_tmpfs"))
    report("tmpfs in a user namespace", run, seconds)
    assert result.ok, (result.failure, result.stream)
    tries = result.answers["answer"]
    assert tries["unshare"] == errno.EPERM and tries["mount"] == errno.EPERM and tries["tool"] is False, tries
    honest_still_works(run)


def test_the_kernel_keyring_is_out_of_reach(run, clean_host):
    result, seconds = run(attack("sandbox_keyring"))
    report("kernel keyring", run, seconds)
    assert result.ok, (result.failure, result.stream)
    got = result.answers["answer"]
    assert got["add_user"] != "added" and got["add_session"] != "added", got
    assert got["add_user_errno"] == got["add_session_errno"] == got["keyctl_errno"] == errno.EPERM, got
    again, _ = run(attack("sandbox_keyring"))  # nothing was left for the next job to find
    assert again.answers["answer"]["request_errno"] == errno.EPERM
    honest_still_works(run)


def test_only_the_jobs_own_descriptors_are_open(run, clean_host):
    result, seconds = run(attack("sandbox_descriptor_probe"))
    report("descriptor probe", run, seconds)
    assert result.ok, (result.failure, result.stream)
    fds = result.answers["answer"]
    # stdin, stdout, stderr and the result pipe; besides them only what the job itself opened
    # (IPython's history file in /scratch, the probe's listing of /proc/self/fd): no socket, no host file.
    assert sum(target.startswith("pipe:") for target in fds.values()) <= 4, fds
    for fd, target in fds.items():
        assert target.startswith(("pipe:", "/dev/null", "/proc/", "/scratch/")), (fd, target)


def test_closing_every_descriptor_then_sleeping_costs_the_limit_once(run, clean_host):
    limits = Limits(wall_seconds=3)
    result, seconds = run("answer = 'before'", attack("sandbox_close_fds_then_sleep"), limits=limits)
    report("close every fd, then sleep", run, seconds)
    assert not result.ok and "did not finish within 3" in result.failure, result.failure
    assert result.failed_cell == "cell 2"
    assert result.answers == {"answer": "before"}  # the cell before it still counts
    assert seconds < limits.wall_seconds + 4  # once the limit (plus the kill), not twice, not limit + 30
    honest_still_works(run)


def test_dangerous_system_calls_are_refused(run, clean_host):
    result, seconds = run(attack("sandbox_dangerous_syscalls"))
    report("dangerous system calls", run, seconds)
    assert result.ok, (result.failure, result.stream)
    got = result.answers["answer"]
    assert got.pop("fork_still_works") is True
    assert got.pop("clone3") == errno.ENOSYS  # so libc falls back to clone, whose flags are checked
    assert got == {name: errno.EPERM for name in got}, got
    honest_still_works(run)


def test_a_process_hog_in_one_run_does_not_starve_another(run, clean_host):
    """Two sandboxes at once (as two grading runs, or two Dask workers, would have): each has its own uid
    and its own process budget, so one filling its budget does not make fork fail in the other."""
    hog_limits = Limits(wall_seconds=15, processes=32)
    hog = {}

    def hog_run():
        hog["result"], hog["seconds"] = run(attack("sandbox_process_hog", HOLD_SECONDS=4), limits=hog_limits,
                                            sandbox="hog")

    thread = threading.Thread(target=hog_run)
    thread.start()
    time.sleep(2.5)  # the hog has filled its budget by now
    forks = ("import os, time\ncount = 0\nfor _ in range(20):\n    pid = os.fork()\n"
             "    if pid == 0:\n        time.sleep(1)\n        os._exit(0)\n    count += 1\nanswer = count")
    result, _ = run(forks, limits=Limits(wall_seconds=15, processes=32))
    thread.join()
    report("process hog next to another run", run, hog["seconds"])
    assert hog["result"].ok and hog["result"].answers["answer"] >= 20, hog["result"].answers  # it did hog
    assert result.ok and result.answers["answer"] == 20, (result.answers, result.failure)


def test_a_flooded_answer_channel_is_capped_by_the_host(run, clean_host):
    result, seconds = run("early = 1", attack("sandbox_answer_channel_flood"), answers=("early", "answer"))
    report("answer channel flood", run, seconds)
    assert not result.ok and "too large" in result.failure, result.failure
    assert "answer" not in result.answers or len(str(result.answers["answer"])) < LIMITS.result_bytes
    assert result.answers.get("early") == 1  # what came before the flood is kept
    honest_still_works(run)
