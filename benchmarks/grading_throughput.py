"""Benchmark: plain `nbgrader autograde` vs `autograder grade`, and the autograder's curve.

    .venv/bin/python benchmarks/grading_throughput.py [--compare 40] [--rounds 3] [--scale 400,4000]
                                                      [--dask 400] [--workers 2] [--out benchmarks/results.md]

1. compare: N submissions spread over the assignments (correct, partly right and blank copies),
   two identical course folders per round; plain nbgrader and the autograder run on them in turn
   (interleaved, so machine noise hits both alike); medians and the throughput ratio.
2. scale: the autograder alone on each size (time per submission, peak RSS of the coordinator and
   of the largest worker process: both should stay flat as the batch grows), then a re-run of the
   largest with nothing changed.
3. dask: the same batch on a loopback Dask LocalCluster with 2 worker processes, against the local pool.

Prints one table and writes it (Markdown) to --out. Any stage can be skipped with 0 / "".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

BIN = Path(sys.executable).parent


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


def timed(cmd: list[str], cwd: Path, extra_pids=()) -> tuple[float, int, int, str]:
    """Run a command; return seconds, the peak RSS of the command itself (the coordinator), the peak
    RSS of any single process under it or under `extra_pids` (a worker: a kernel, a sandbox, a Dask
    worker), and the tail of its output."""
    peak_self, peak_worker = [0], [0]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()

    def sample():
        while not done.is_set():
            tree = _tree_rss(proc.pid)
            peak_self[0] = max(peak_self[0], tree.pop(proc.pid, 0))
            for pid in extra_pids:
                tree.update(_tree_rss(pid))
            if tree:
                peak_worker[0] = max(peak_worker[0], max(tree.values()))
            # 5 samples a second: each scan of /proc costs ~2 ms of CPU, which at 20 a second was taken
            # from a run that keeps both cores busy (the autograder) and not from one that leaves one idle.
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}): {output.strip()[-500:]}")
    return seconds, peak_self[0], peak_worker[0], output[-600:]


def make_batch(course: Path, n: int) -> int:
    """n submissions spread over the assignments (each notebook variant built once, then copied)."""
    assignments = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    makers = [lambda source, _: solution_notebook(source), wrong_answers_notebook,
              lambda source, _: release_notebook(source)]
    texts: dict[tuple[str, int, str], str] = {}
    for i in range(n):
        assignment = assignments[i % len(assignments)]
        variant = (i // len(assignments)) % len(makers)
        folder = course / "submitted" / f"student{i:05d}" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for source in sorted((course / "source" / assignment).glob("*.ipynb")):
            key = (assignment, variant, source.name)
            if key not in texts:
                texts[key] = json.dumps(makers[variant](source, assignment))
            (folder / source.name).write_text(texts[key], encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return n


def template_course(work: Path, n: int) -> tuple[Path, list[str]]:
    template = work / f"template-{n}"
    build_course(template)
    make_batch(template, n)
    # Record the assignments in the gradebook once, for both tools.
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", "*", "--force", "--log-level=ERROR"],
                   cwd=template, check=True, capture_output=True, env=_env())
    # The key cache as any run after a course's first leaves it (the first run computes the keys, ~0.6 s).
    from autograder.course import Course
    from autograder.grading import load_assignment_keys

    for assignment in (p.name for p in (template / "source").iterdir() if p.is_dir()):
        load_assignment_keys(Course(template), assignment)
    return template, sorted(p.name for p in (template / "source").iterdir() if p.is_dir())


def _env() -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def autograder_cmd(course: Path, assignments: list[str], workers: int, *extra: str) -> list[str]:
    return [str(BIN / "autograder"), "grade", *assignments, "--course", str(course), "--workers", str(workers),
            "--quiet", *extra]


Row = tuple[str, int, float, float, float, float]  # what, n, seconds, per submission, coordinator MB, worker MB


def compare(work: Path, n: int, rounds: int, workers: int, rows: list[Row], notes: list[str]) -> None:
    template, assignments = template_course(work, n)
    plain, ours, mem = [], [], {"nbgrader": [0, 0], "autograder": [0, 0]}
    for round_no in range(1, rounds + 1):
        for tool in ("nbgrader", "autograder") if round_no % 2 else ("autograder", "nbgrader"):
            course = work / f"{tool}-{round_no}"
            shutil.copytree(template, course)
            # One invocation per tool for the whole batch: each pays its start-up once.
            if tool == "nbgrader":
                cmd = [str(BIN / "nbgrader"), "autograde", "*", "--force", "--log-level=ERROR",
                       "--ExecutePreprocessor.timeout=60"]
            else:
                cmd = autograder_cmd(course, assignments, workers)
            seconds, coord, worker, _ = timed(cmd, course)
            (plain if tool == "nbgrader" else ours).append(seconds)
            mem[tool] = [max(mem[tool][0], coord), max(mem[tool][1], worker)]
            print(f"  round {round_no}: {tool:10s} {seconds:7.2f} s", flush=True)
            shutil.rmtree(course)
    p, o = statistics.median(plain), statistics.median(ours)
    rows.append((f"plain nbgrader autograde (median of {rounds})", n, p, p / n, mem["nbgrader"][0] / 1e6,
                 mem["nbgrader"][1] / 1e6))
    rows.append((f"autograder grade (median of {rounds})", n, o, o / n, mem["autograder"][0] / 1e6,
                 mem["autograder"][1] / 1e6))
    paired = [a / b for a, b in zip(plain, ours)]  # each round's two runs saw about the same machine load
    notes.append(f"throughput ratio on {n} submissions: **{p / o:.1f}x** (medians: nbgrader {p:.1f} s, autograder "
                 f"{o:.1f} s); per round {', '.join(f'{r:.1f}x' for r in paired)}, median of the rounds' ratios "
                 f"{statistics.median(paired):.1f}x")
    shutil.rmtree(template, ignore_errors=True)


def scale(work: Path, sizes: list[int], workers: int, rows: list[Row], notes: list[str], rerun: bool) -> None:
    for n in sizes:
        course, assignments = template_course(work, n)
        seconds, coord, worker, _ = timed(autograder_cmd(course, assignments, workers), course)
        rows.append(("autograder grade", n, seconds, seconds / n, coord / 1e6, worker / 1e6))
        print(f"  {n}: {seconds:.1f} s", flush=True)
        if rerun and n == max(sizes):
            again, coord, worker, _ = timed(autograder_cmd(course, assignments, workers), course)
            rows.append(("autograder re-run, nothing changed", n, again, again / n, coord / 1e6, worker / 1e6))
            print(f"  {n} again: {again:.1f} s", flush=True)
        shutil.rmtree(course, ignore_errors=True)


def dask(work: Path, n: int, workers: int, rows: list[Row], notes: list[str]) -> None:
    from dask.distributed import Client, LocalCluster

    course, assignments = template_course(work, n)
    local = work / "dask-local"
    shutil.copytree(course, local)
    seconds_local, coord, worker, _ = timed(autograder_cmd(local, assignments, workers), local)
    rows.append(("autograder grade, local pool", n, seconds_local, seconds_local / n, coord / 1e6, worker / 1e6))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        seconds, coord, worker, _ = timed(autograder_cmd(course, assignments, workers, "--scheduler",
                                                         cluster.scheduler_address), course, extra_pids=pids)
    rows.append(("autograder grade, Dask LocalCluster (2 workers)", n, seconds, seconds / n, coord / 1e6, worker / 1e6))
    notes.append(f"Dask overhead on {n}: {seconds / seconds_local:.2f}x the local pool")
    shutil.rmtree(course, ignore_errors=True)
    shutil.rmtree(local, ignore_errors=True)


def table(rows: list[Row]) -> str:
    lines = ["| run | submissions | seconds | s per submission | coordinator peak RSS (MB) | worker peak RSS (MB) |",
             "|---|---:|---:|---:|---:|---:|"]
    for what, n, seconds, per, coord, worker in rows:
        lines.append(f"| {what} | {n:,} | {seconds:.1f} | {per:.3f} | {coord:.0f} | {worker:.0f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", type=int, default=40, help="submissions for nbgrader vs autograder (0: skip)")
    parser.add_argument("--submissions", type=int, dest="compare", help=argparse.SUPPRESS)  # the old name
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", default="400,4000", help="comma-separated batch sizes for the autograder alone")
    parser.add_argument("--dask", type=int, default=400, help="submissions on a loopback Dask cluster (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.md"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    rows: list[Row] = []
    notes: list[str] = []
    started = time.monotonic()

    def write() -> str:
        # After every stage: a run cut short still leaves the figures it measured.
        text = (f"# Grading benchmark\n\n{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
                f"{args.workers} autograder workers, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                f"{time.monotonic() - started:.0f} s in all\n\n{table(rows)}\n\n"
                + "".join(f"- {note}\n" for note in notes))
        if rows:
            Path(args.out).write_text(text, encoding="utf-8")
        return text

    sizes = sorted(int(s) for s in args.scale.split(",") if s.strip())
    def stage(name, run, *stage_args):
        # One stage failing (a machine shared with people editing the course) must not cost the others.
        print(name, flush=True)
        try:
            run(*stage_args)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            notes.append(f"{name}: FAILED: {error}")
            print(f"  FAILED: {error}", flush=True)
        write()

    try:
        if args.compare:
            stage(f"compare: {args.compare} submissions, {args.rounds} rounds", compare, work, args.compare,
                  args.rounds, args.workers, rows, notes)
        if sizes[:-1]:
            stage(f"scale: {sizes[:-1]}", scale, work, sizes[:-1], args.workers, rows, notes, False)
        if args.dask:
            stage(f"dask: {args.dask}", dask, work, args.dask, args.workers, rows, notes)
        if sizes:  # the largest last, with its no-change re-run: the longest stage
            stage(f"scale: {sizes[-1]}", scale, work, sizes[-1:], args.workers, rows, notes, True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print("\n" + write())
    return 0


if __name__ == "__main__":
    sys.exit(main())
