"""`autograder verify-quote [--source ID] TEXT`: is this quote really in an article?

Prints one JSON object. Exit 0 when found, 1 when not (with the closest passage
as a hint), 2 when the input cannot be checked (message on stderr).
"""

import json
import sys

from considerations import UnusableQuote, verify_quote


def add_parser(verbs, name):
    parser = verbs.add_parser(name, help="check that a quote occurs in an article (JSON result)")
    parser.add_argument("--source", metavar="ID", help="only look in this article (see `autograder sources`)")
    parser.add_argument("text", nargs="+", metavar="TEXT", help="the quote; several arguments are joined by spaces")


def run(args) -> int:
    try:
        match = verify_quote(" ".join(args.text), source=args.source)
    except UnusableQuote as error:
        print(f"autograder verify-quote: {error}", file=sys.stderr)
        return 2
    print(json.dumps(match.to_dict(), ensure_ascii=False))
    return 0 if match.found else 1
