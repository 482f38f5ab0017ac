"""Benchmark: plain `nbgrader autograde` vs `autograder grade` on identical batches.

    .venv/bin/python benchmarks/grading_throughput.py [--submissions 40] [--rounds 3] [--workers 2]

Builds N submissions spread over the assignments (correct, partly right and blank
copies of each notebook), makes two identical course folders, and in each round
times nbgrader's autograde on one and the autograder on the other (interleaved, so
machine noise hits both alike). Prints the median seconds per batch, submissions per
second, the throughput ratio and the peak memory of a single worker process.
Also times a re-run of the autograder with nothing changed (incremental grading).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.grading import build_course, release_notebook, solution_notebook, wrong_answers_notebook  # noqa: E402


def _tree_rss(root_pid: int) -> dict[int, int]:
    """RSS (bytes) of every process under root_pid, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    out, stack = {}, [root_pid]
    while stack:
        pid = stack.pop()
        out[pid] = rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return out


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run a command; return seconds, the peak RSS of any single process under it but the
    command itself (a worker: a kernel, or a sandbox), and the tail of its output."""
    peak = [0]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()

    def sample():
        while not done.is_set():
            tree = _tree_rss(proc.pid)
            tree.pop(proc.pid, None)
            if tree:
                peak[0] = max(peak[0], max(tree.values()))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output[-3000:]}")
    return seconds, peak[0], output[-500:]


def make_batch(course: Path, n: int) -> int:
    """n submissions spread over the assignments; returns how many were written."""
    assignments = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    makers = [solution_notebook, wrong_answers_notebook, release_notebook]
    for i in range(n):
        assignment = assignments[i % len(assignments)]
        student = f"student{i:04d}"
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for source in sorted((course / "source" / assignment).glob("*.ipynb")):
            nb = makers[(i // len(assignments)) % len(makers)](source, assignment)
            (folder / source.name).write_text(json.dumps(nb), encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    bin_dir = Path(sys.executable).parent
    work = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    template = work / "template"
    build_course(template)
    make_batch(template, args.submissions)
    assignments = sorted(p.name for p in (template / "source").iterdir() if p.is_dir())
    # record the assignments in the template's gradebook once, for both tools
    subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", "*", "--force", "--log-level=ERROR"],
                   cwd=template, check=True, capture_output=True)
    print(f"{args.submissions} submissions over {len(assignments)} assignments; {args.rounds} rounds; "
          f"{args.workers} autograder workers; {os.cpu_count()} cores", flush=True)

    plain, ours, plain_mem, ours_mem, rerun = [], [], [], [], []
    for round_no in range(1, args.rounds + 1):
        for tool in ("nbgrader", "autograder") if round_no % 2 else ("autograder", "nbgrader"):
            course = work / f"{tool}-{round_no}"
            shutil.copytree(template, course)
            # One invocation per tool for the whole batch: each pays its start-up once.
            if tool == "nbgrader":
                cmd = [str(bin_dir / "nbgrader"), "autograde", "*", "--force", "--log-level=ERROR",
                       "--ExecutePreprocessor.timeout=60"]
            else:
                cmd = [str(bin_dir / "autograder"), "grade", *assignments, "--course", str(course),
                       "--workers", str(args.workers), "--quiet"]
            seconds, mem, _ = timed(cmd, course)
            (plain if tool == "nbgrader" else ours).append(seconds)
            (plain_mem if tool == "nbgrader" else ours_mem).append(mem)
            print(f"round {round_no}: {tool:10s} {seconds:7.2f} s  ({args.submissions / seconds:6.1f} submissions/s)", flush=True)
            if tool == "autograder":
                again, _, _ = timed([str(bin_dir / "autograder"), "grade", *assignments, "--course", str(course),
                                     "--quiet"], course)
                rerun.append(again)
            shutil.rmtree(course)

    p, o = statistics.median(plain), statistics.median(ours)
    print("\nmedians over rounds")
    print(f"  plain nbgrader autograde : {p:7.2f} s  {args.submissions / p:7.1f} submissions/s  "
          f"peak worker RSS {max(plain_mem) / 1e6:6.0f} MB")
    print(f"  autograder grade         : {o:7.2f} s  {args.submissions / o:7.1f} submissions/s  "
          f"peak worker RSS {max(ours_mem) / 1e6:6.0f} MB")
    print(f"  throughput ratio         : {p / o:7.1f}x")
    print(f"  autograder re-run, nothing changed: {statistics.median(rerun):.2f} s")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
