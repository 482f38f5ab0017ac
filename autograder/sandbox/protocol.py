"""What the host and the inside of a sandbox say to each other, shared by cold and warm runs.

- `Limits`: every budget of one run, and `Limits.to_dict()`, the form the inside reads;
- `job_payload`: the job the inside executes (cells, answer names, per-cell output cap);
- `RunResult`, `JobReader` and `pump`: the (untrusted) output and records read with caps
  against one deadline, and turned into data (a stopped run keeps its earlier answers);
- the failure messages, so a cold and a warm run describe the same failure the same way.
"""

from __future__ import annotations

import json
import math
import os
import select
import signal
import time
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 1_500_000_000  # address space per process (and, with cgroups, the whole sandbox's memory)
    processes: int = 32
    file_bytes: int = 16_000_000
    scratch_bytes: int = 64_000_000
    open_files: int = 256
    cell_output_chars: int = 10_000  # kept per cell, for feedback
    stream_bytes: int = 64_000  # kept of raw stdout/stderr (e.g. from subprocesses)
    result_bytes: int = 4_000_000  # the answers file; larger is refused

    def to_dict(self) -> dict:
        return asdict(self)


DEFAULT_LIMITS = Limits()


@dataclass
class RunResult:
    ok: bool
    answers: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)
    failure: str = ""  # why the run stopped early (timeout, crash, bad output)
    stream: str = ""  # what leaked past the per-cell capture (capped)
    seconds: float = 0.0
    failed_cell: str | None = None  # the grade_id (or "cell N") where the run stopped


def job_payload(cells: list[str], answer_names: list[str], limits: Limits) -> dict:
    return {"cells": list(cells), "answers": list(answer_names), "cell_output_cap": limits.cell_output_chars}


def timeout_message(limits: Limits) -> str:
    return f"the notebook did not finish within {limits.wall_seconds:g} seconds (an endless loop?)"


TOO_LARGE = "the answers are too large to grade"
DAMAGED = "the notebook's code damaged the channel its answers are read from"
MAX_DEPTH = 20  # the same shape limits as inside/runner.py's to_plain, checked again here
MAX_ITEMS = 20_000


def overflow_note(dropped: int) -> str:
    return f"\n[... {dropped} more bytes of output not kept]"


def ended_message(returncode: int | None) -> str:
    why = "the notebook's code ended the run before its last cell finished"
    if returncode is not None and 128 < returncode <= 128 + 64:  # bwrap passes on "killed by N" as 128 + N
        returncode = 128 - returncode
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        why += f" (killed by signal {name}: a limit on CPU, memory or processes?)"
    elif returncode:
        why += f" (exit status {returncode})"
    return why


def _plain_shape_ok(value) -> bool:
    """JSON data within the runner's shape limits (the runner itself is not trusted to have checked)."""
    budget = MAX_ITEMS
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        budget -= 1
        if budget < 0 or depth > MAX_DEPTH:
            return False
        if isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
    return True


def _no_constants(name: str):
    raise ValueError(f"{name} is not an answer")


def _finite_float(text: str) -> float:
    # 1e400 is no NaN or Infinity literal but parses to infinity: refused like them (the runner never sends it).
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is not a finite number")
    return value


class JobReader:
    """The host's reading of one run: the raw output (capped) and the runner's records (capped).

    The caps are enforced here, on bytes as they arrive, so nothing the student's code
    does to the runner (replacing json.dumps, writing to the result descriptor itself)
    can make the grader hold more than `limits.stream_bytes + limits.result_bytes`.
    """

    def __init__(self, limits: Limits, answer_names: list[str], cell_names: list[str] | None = None,
                 on_cell=None):
        self.limits = limits
        self.names = set(answer_names)
        self.answer_names = list(answer_names)
        self.cell_names = list(cell_names or [])
        self.on_cell = on_cell
        self.stream_parts: list[bytes] = []
        self.stream_size = 0
        self.result_size = 0
        self.pending = b""
        self.cells: dict[int, dict] = {}
        self.answers: dict = {}
        self.missing: dict = {}
        self.running: int | None = None  # index of the cell started and not finished
        self.done = False
        self.damaged = False
        self.too_large = False

    def cell_name(self, index: int) -> str:
        if 0 <= index < len(self.cell_names) and self.cell_names[index]:
            return str(self.cell_names[index])
        return f"cell {index + 1}"

    @property
    def current_cell(self) -> str | None:
        return None if self.running is None else self.cell_name(self.running)

    def feed_stream(self, chunk: bytes) -> None:
        room = self.limits.stream_bytes - self.stream_size
        if room > 0:
            self.stream_parts.append(chunk[:room])
        self.stream_size += len(chunk)

    def feed_result(self, chunk: bytes) -> None:
        if self.damaged or self.too_large:
            return
        self.result_size += len(chunk)
        if self.result_size > self.limits.result_bytes:
            self.too_large = True  # the complete records before this chunk still count
            return
        self.pending += chunk
        *lines, self.pending = self.pending.split(b"\n")
        for line in lines:
            if line.strip() and not self._record(line):
                self.damaged = True
                return

    def _record(self, line: bytes) -> bool:
        try:
            record = json.loads(line.decode("utf-8"), parse_constant=_no_constants, parse_float=_finite_float)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return False
        if not isinstance(record, dict):
            return False
        if "start" in record:
            index = record["start"]
            if type(index) is not int:
                return False
            self.running = index
            if self.on_cell is not None:
                try:
                    self.on_cell(self.cell_name(index))
                except Exception:  # noqa: BLE001 (a progress display must not stop the reading)
                    self.on_cell = None
        elif "cell" in record:
            index = record["cell"]
            if type(index) is not int or index in self.cells:
                return False
            error = record.get("error")
            truncated = record.get("truncated", 0)
            self.cells[index] = {"output": str(record.get("output", ""))[: self.limits.cell_output_chars],
                                 "truncated": truncated if type(truncated) is int else 0,
                                 "error": None if error is None else str(error)[:1000]}
            self.running = None
        elif "answer" in record:
            name = record["answer"]
            if name not in self.names:
                return True  # not an answer of this notebook: ignored
            if "value" in record and _plain_shape_ok(record["value"]):
                self.answers[name] = record["value"]
                self.missing.pop(name, None)
            else:
                why = record.get("missing", "the answer is too large or nested too deeply")
                self.missing[name] = str(why)[:500]
                self.answers.pop(name, None)
        elif record.get("done") is True:
            self.done = True
            self.running = None
        return True

    def result(self, *, timed_out: bool, returncode: int | None, seconds: float) -> RunResult:
        """The run as the grader sees it: complete, or stopped with the answers it had by then."""
        stream = b"".join(self.stream_parts).decode("utf-8", "replace")
        if self.stream_size > self.limits.stream_bytes:
            stream += overflow_note(self.stream_size - self.limits.stream_bytes)
        if timed_out:
            failure = timeout_message(self.limits)
        elif self.too_large:
            failure = TOO_LARGE
        elif self.damaged:
            failure = DAMAGED
        elif not self.done:
            failure = ended_message(returncode)
        else:
            failure = ""
        failed_cell = self.current_cell if failure else None
        missing = dict(self.missing)
        for name in self.answer_names:
            if name not in self.answers and name not in missing:
                if failure and failed_cell:
                    missing[name] = f"`{name}` was not defined before the run stopped at {failed_cell}"
                elif failure:
                    missing[name] = f"`{name}` was not defined before the run stopped"
                else:
                    missing[name] = f"`{name}` was not defined when the notebook finished running"
        cells = [self.cells[i] for i in sorted(self.cells)]
        return RunResult(not failure, answers=dict(self.answers), missing=missing, cells=cells, failure=failure,
                         stream=stream, seconds=seconds, failed_cell=failed_cell)


NOT_ENDED = object()


def pump(reader: JobReader, *, job: bytes, job_fd: int | None, out_fd: int, result_fd: int, exit_fd: int,
         read_exit, deadline: float) -> tuple[bool, int | None]:
    """Feed the job, drain both pipes into `reader` and wait for the end, all against one deadline.

    `exit_fd` becomes readable when the job has ended (a pidfd, or the warm sandbox's
    control socket); `read_exit()` then returns the exit code, or NOT_ENDED if that
    was not the end. Returns (finished in time, exit code). `job_fd` belongs to pump: it is
    closed once the job is sent (the runner reads to EOF) or when pump returns; the other
    descriptors are the caller's. A job that closes its pipes and then sleeps is still
    bounded by the deadline.
    """
    box = [job_fd]  # closed exactly once, wherever pump leaves it (a reused number must never be closed)
    try:
        return _pump(reader, job, box, out_fd, result_fd, exit_fd, read_exit, deadline)
    finally:
        if box[0] is not None:
            _close_quietly(box[0])


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _pump(reader, job, box, out_fd, result_fd, exit_fd, read_exit, deadline):
    sent = 0
    if box[0] is not None:
        os.set_blocking(box[0], False)
    readers = {out_fd: reader.feed_stream, result_fd: reader.feed_result}
    ended, code = False, None
    after_end = None
    while True:
        now = time.monotonic()
        if ended and (not readers or (after_end is not None and now >= after_end)):
            return True, code
        if now >= deadline:
            return False, code
        wait = deadline - now if after_end is None else min(deadline, after_end) - now
        # poll, not select: a busy grader (threads, Dask) may hold descriptors numbered above 1024.
        poller = select.poll()
        for fd in readers:
            poller.register(fd, select.POLLIN)
        if not ended:
            poller.register(exit_fd, select.POLLIN)
        if box[0] is not None:
            poller.register(box[0], select.POLLOUT)
        try:
            events = poller.poll(max(wait, 0) * 1000)
        except InterruptedError:
            continue
        ready_r = []
        for fd, _ in events:
            if fd != box[0]:
                ready_r.append(fd)
                continue
            try:
                sent += os.write(box[0], job[sent:sent + 65536])
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:  # the job stopped reading (it ended, or closed its stdin): nothing more to send
                sent = len(job)
            if sent >= len(job):
                os.close(box[0])  # end of file: the runner starts
                box[0] = None
        for fd in ready_r:
            if fd == exit_fd:
                outcome = read_exit()
                if outcome is not NOT_ENDED:
                    ended, code = True, outcome
                    after_end = time.monotonic() + 2.0  # pipes held by nothing else close at once
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if chunk:
                readers[fd](chunk)
            else:
                del readers[fd]
