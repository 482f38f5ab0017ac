"""`autograder` command line: one module per verb, each with `add_parser` and `run`."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from pathlib import Path

# jsonschema (imported by nbformat and nbgrader) compiles the grammars of rfc3987-syntax at
# import, 3-7 s, only to check the "iri" string format, which no notebook or gradebook schema
# uses. Without the module jsonschema simply skips that format.
sys.modules.setdefault("rfc3987_syntax", None)

# Verb -> its module under autograder.commands. Only the verb being run is imported (`assign` alone
# pulls in nbformat and pandas, ~1 s); `autograder --help` and a mistyped verb import them all, so the
# help lists every verb with its one-line help.
VERBS = {
    "sources": "sources",
    "verify-quote": "verify_quote",
    "check-evidence": "check_evidence",
    "validate-data": "validate_data",
    "grade": "grade",
    "feedback": "feedback",
    "export": "export",
    "release": "release",
    "assign": "assign",
}


def _module(verb: str):
    return importlib.import_module(f"autograder.commands.{VERBS[verb]}")


def _requested_verb(argv: list[str]) -> str | None:
    """The verb argv names, when it is the first argument (argparse's own rule: no global options)."""
    return argv[0] if argv and argv[0] in VERBS else None


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `verb`, only that verb's sub-command is added (and its module imported)."""
    parser = argparse.ArgumentParser(
        prog="autograder",
        description="Grade the course's exercises and check evidence against the source articles.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for name in VERBS if verb is None else [verb]:
        _module(name).add_parser(verbs, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    # nbgrader runs its own tools (alembic) by name: make this environment's bin/ findable
    # even when the virtualenv is not activated.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    as_program = argv is None  # the `autograder` command itself, not a caller in a longer-lived process
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_requested_verb(argv)).parse_args(argv)
    code = _module(args.verb).run(args)
    if as_program:
        # The process ends now. Interpreter shutdown runs the collector over the whole heap several
        # times (~0.3 s of CPU after a grading run's imports, measured with perf); frozen, the heap is
        # out of its sight and shutdown frees nothing it would not free anyway.
        gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
