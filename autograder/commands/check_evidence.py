"""`autograder check-evidence [--source ID] [--consideration ID] QUOTE`: is this quote real
evidence, and is it evidence about that consideration?

Prints one JSON object on stdout (EvidenceCheck.to_dict(), or {"error": ...}). Exit 0 when
the quote is word for word in the article and, when --consideration is given, its sentence
bears on that consideration; 1 when not (the JSON's `reason` says whether it was not found,
found in the other article, or found in a sentence about something else); 2 when the input
cannot be checked (empty, under four words, too long, unknown source or consideration).
"""

import json

from considerations import UnusableQuote, check_evidence
from considerations.evidence import ELLIPSIS_RULE, MIN_WORDS, SPANNING_RULE


def add_parser(verbs, name):
    parser = verbs.add_parser(
        name,
        help="check that a quote is in an article and bears on a consideration (JSON result)",
        description=(
            "Check a quote against the articles, sentence by sentence. Prints one JSON object; "
            "exit 0: word for word in the article and (with --consideration) its sentence bears on it; "
            "exit 1: not (the JSON's reason says why); exit 2: the input cannot be checked. "
            f"Case, spacing and punctuation may differ from the article, words may not. {ELLIPSIS_RULE} "
            f"{SPANNING_RULE}"
        ),
    )
    parser.add_argument("--source", metavar="ID",
                        help="the article the quote must come from (see `autograder sources`); default: any article")
    parser.add_argument("--consideration", metavar="ID",
                        help="the consideration the quote must bear on (an id from data/considerations.csv); "
                             "default: only check the quote and report what its sentence bears on")
    parser.add_argument("quote", nargs="+", metavar="QUOTE",
                        help=f"the quote, at least {MIN_WORDS} words; several arguments are joined by spaces")


def run(args) -> int:
    try:
        result = check_evidence(" ".join(args.quote), consideration=args.consideration, source=args.source)
    except UnusableQuote as error:
        print(json.dumps({"error": str(error)}, ensure_ascii=False))
        return 2
    print(json.dumps(result.to_dict(), ensure_ascii=False))
    if not result.found:
        return 1
    return 0 if result.about is not False else 1
