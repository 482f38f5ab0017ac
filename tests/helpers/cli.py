"""Run the installed `autograder` console script, as an instructor would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    exe = VENV_BIN / "autograder"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, **kwargs)
