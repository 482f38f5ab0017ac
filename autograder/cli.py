"""`autograder` command line: one module per verb, each with `add_parser` and `run`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# jsonschema (imported by nbformat and nbgrader) compiles the grammars of rfc3987-syntax at
# import, 3-7 s, only to check the "iri" string format, which no notebook or gradebook schema
# uses. Without the module jsonschema simply skips that format.
sys.modules.setdefault("rfc3987_syntax", None)

from autograder.commands import assign, check_evidence, export, feedback, grade, release, sources, validate_data, verify_quote

VERBS = {
    "sources": sources,
    "verify-quote": verify_quote,
    "check-evidence": check_evidence,
    "validate-data": validate_data,
    "grade": grade,
    "feedback": feedback,
    "export": export,
    "release": release,
    "assign": assign,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograder",
        description="Grade the course's exercises and check evidence against the source articles.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for name, module in VERBS.items():
        module.add_parser(verbs, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    # nbgrader runs its own tools (alembic) by name: make this environment's bin/ findable
    # even when the virtualenv is not activated.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    args = build_parser().parse_args(argv)
    return VERBS[args.verb].run(args)


if __name__ == "__main__":
    sys.exit(main())
