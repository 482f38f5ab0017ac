"""`autograder` command line: one module per verb, each with `add_parser` and `run`."""

from __future__ import annotations

import argparse
import sys

from autograder.commands import export, feedback, grade, sources, validate_data, verify_quote

VERBS = {
    "sources": sources,
    "verify-quote": verify_quote,
    "validate-data": validate_data,
    "grade": grade,
    "feedback": feedback,
    "export": export,
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
    args = build_parser().parse_args(argv)
    return VERBS[args.verb].run(args)


if __name__ == "__main__":
    sys.exit(main())
