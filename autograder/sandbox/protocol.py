"""What the host and the inside of a sandbox say to each other, shared by cold and warm runs.

- `Limits`: every budget of one run, and `Limits.to_dict()`, the form the inside reads;
- `job_payload`: the job the inside executes (cells, answer names, per-cell output cap);
- `RunResult` and `parse_result`: the (untrusted) result bytes turned into data;
- the failure messages, so a cold and a warm run describe the same failure the same way.
"""

from __future__ import annotations

import json
import signal
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


def overflow_note(dropped: int) -> str:
    return f"\n[... {dropped} more bytes of output not kept]"


def ended_message(returncode: int | None) -> str:
    why = "the notebook's code ended the run before its answers could be read"
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        why += f" (killed by signal {name}: a limit on CPU, memory or processes?)"
    elif returncode:
        why += f" (exit status {returncode})"
    return why


def parse_result(raw: bytes, stream: str, returncode: int | None, seconds: float) -> RunResult:
    """Turn the runner's (untrusted) result bytes into a RunResult."""
    try:
        data = json.loads(raw.decode("utf-8"))
        answers, missing, cell_results = data["answers"], data["missing"], data["cells"]
        if not (isinstance(answers, dict) and isinstance(missing, dict) and isinstance(cell_results, list)):
            raise ValueError("wrong shape")
        cell_results = [c for c in cell_results if isinstance(c, dict)]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        return RunResult(False, failure=ended_message(returncode), stream=stream, seconds=seconds)
    return RunResult(True, answers=answers, missing=missing, cells=cell_results, stream=stream, seconds=seconds)
