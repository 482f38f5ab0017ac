"""What a sandbox costs per notebook (issue 14): cold start, warm start-up, warm per notebook, a timeout.

    .venv/bin/python benchmarks/sandbox_overhead.py [--notebooks 30]

Prints medians (and the fastest) in milliseconds. "work" is a notebook that loads the course's claims,
as students' notebooks do; "empty" runs one assignment, so its time is the sandbox's own overhead.
"""

from __future__ import annotations

import argparse
import statistics
import time

from autograder.sandbox import Limits, WarmSandbox, run_in_sandbox, sandbox_available

WORK = ["from considerations import load_claims\nclaims = load_claims()", "answer = int(len(claims))"]
EMPTY = ["answer = 1"]


def timed(run, n: int) -> str:
    seconds = []
    for _ in range(n):
        started = time.monotonic()
        result = run()
        seconds.append(time.monotonic() - started)
        assert result.ok, result.failure
    return f"median {1000 * statistics.median(seconds):7.1f} ms, fastest {1000 * min(seconds):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=30)
    args = parser.parse_args()
    problem = sandbox_available()
    if problem:
        raise SystemExit(f"no sandbox here: {problem}")
    limits = Limits(wall_seconds=30)
    n = args.notebooks
    print(f"cold, work:          {timed(lambda: run_in_sandbox(WORK, ['answer'], limits), max(3, n // 5))}")
    print(f"cold, empty:         {timed(lambda: run_in_sandbox(EMPTY, ['answer'], limits), max(3, n // 5))}")
    started = time.monotonic()
    with WarmSandbox(limits=limits) as warm:
        warm.start()
        print(f"warm start-up:       {1000 * (time.monotonic() - started):7.1f} ms (once per worker)")
        print(f"warm, work:          {timed(lambda: warm.run(WORK, ['answer'], limits), n)}")
        print(f"warm, empty:         {timed(lambda: warm.run(EMPTY, ['answer'], limits), n)}")
        started = time.monotonic()
        looping = warm.run(["answer = 1", "while True:\n    pass"], ["answer"], Limits(wall_seconds=2))
        print(f"warm, loop, limit 2 s: {time.monotonic() - started:5.2f} s (kept {looping.answers}, "
              f"stopped at {looping.failed_cell})")


if __name__ == "__main__":
    main()
