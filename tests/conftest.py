import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def run_cli(*args: str, **kwargs):
    """Run the installed `autograder` console script, as an instructor would."""
    import subprocess

    exe = VENV_BIN / "autograder"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, **kwargs)
