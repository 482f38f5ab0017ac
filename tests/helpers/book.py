"""The book for the tests that build it or walk its pages: the build (once per test run) and the table of contents."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import time
import uuid

import yaml

from . import ROOT

BOOK = ROOT / "book"
HTML = BOOK / "_build" / "html"
STATE = BOOK / "_build" / ".pytest-book"
BUILD_TIMEOUT = 3600

_RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"{os.getpid()}-{uuid.uuid4().hex}"


def toc_pages() -> list[str]:
    """Every page `_toc.yml` lists (file stems), root first, in reading order."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    stack = list(toc.get("chapters", [])) + [c for p in toc.get("parts", []) for c in p.get("chapters", [])]
    while stack:
        entry = stack.pop(0)
        if "file" in entry:
            pages.append(entry["file"])
        stack[:0] = entry.get("sections", [])
    return pages


def built_book() -> dict:
    """Build the book once per test run; return {"returncode", "output", "seconds", "html"}."""
    STATE.mkdir(parents=True, exist_ok=True)
    result_file = STATE / "result.json"
    with open(STATE / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if result_file.is_file():
                result = json.loads(result_file.read_text())
                if result.get("run") == _RUN_ID:
                    return result
            started = time.monotonic()
            proc = subprocess.run(
                ["make", "--no-print-directory", "book-widgets", "book-downloads", "book-html"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
                env={**os.environ, "MAKEFLAGS": "", "MAKELEVEL": ""},
            )
            result = {
                "run": _RUN_ID,
                "returncode": proc.returncode,
                "output": proc.stdout + proc.stderr,
                "seconds": round(time.monotonic() - started, 1),
                "html": str(HTML),
            }
            result_file.write_text(json.dumps(result))
            return result
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
