"""Shared helpers for the tests and the benchmark (import `helpers.x` from tests, `tests.helpers.x`
from benchmarks/). Tests never import each other or conftest; what two of them share lives here."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
EXERCISES = ROOT / "exercises"
